#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Host test (KTAP) of tests/qemu/kcsan-report.py on synthetic consoles.

Each case is a console a kcsan guest could leave and the verdict the
script must give on it.
"""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, 'qemu', 'kcsan-report.py')
RULE = '[   10.000001] ' + '=' * 66


def race(title, frames):
    lines = [RULE, f'[   10.000002] BUG: KCSAN: data-race in {title}', '[   10.000003] ']
    lines += [f'[   10.000004]  {f}' for f in frames]
    lines += ['[   10.000005] Reported by Kernel Concurrency Sanitizer on:', RULE]
    return lines


CORE = race('tick_sched_do_timer / tick_nohz_next_event',
            ['tick_sched_do_timer+0x2a/0x130', 'tick_nohz_next_event+0x5c/0x1f0'])
OURS_MODULE = race('__napi_poll / dev_get_stats',
                   ['napi_poll+0x10/0x20', 'simnic_rx_poll+0x4c/0x300 [simnic]'])
OURS_TITLE = race('skbpool_rx_get / skbpool_rxq_read', ['x+0x1/0x2'])
WARN = ['[   20.000000] WARNING: CPU: 1 PID: 42 at net/core/dev.c:1 foo+0x1/0x2']
BOOT = ['[    0.000000] Linux version 6.12.118', '[    1.000000] kcsan: enabled early']

CASES = [
    ('a console with no report passes', BOOT, 0, '0 reports'),
    ("the kernel's own races are listed, not failed", BOOT + CORE + CORE, 0,
     '2 x data-race in tick_sched_do_timer'),
    ('a frame in one of our modules fails', BOOT + CORE + OURS_MODULE, 1, 'OURS 1 x'),
    ('one of our functions in the title fails', BOOT + OURS_TITLE, 1, 'OURS 1 x'),
    ('a WARN that is not a KCSAN report fails', BOOT + CORE + WARN, 1,
     'not a KCSAN report'),
    ('a report cut off by the end of the log still counts', BOOT + OURS_MODULE[:-1], 1,
     'OURS 1 x'),
]


def main():
    print('KTAP version 1')
    print(f'1..{len(CASES)}')
    failed = 0
    for n, (name, lines, want_rc, want_text) in enumerate(CASES, 1):
        with tempfile.NamedTemporaryFile('w', suffix='.log') as f:
            f.write('\n'.join(lines) + '\n')
            f.flush()
            r = subprocess.run([sys.executable, SCRIPT, f.name], capture_output=True,
                               text=True, check=False)
        good = r.returncode == want_rc and want_text in r.stdout
        if not good:
            failed += 1
            print(f'# exit {r.returncode}, wanted {want_rc}; output:')
            print(''.join('#   ' + ln + '\n' for ln in r.stdout.splitlines()), end='')
        print(f'{"ok" if good else "not ok"} {n} {name}')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
