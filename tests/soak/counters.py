#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The soak's readings of one device, and the checks made on them.

    counters.py snap NS DEV FILE
        append one line to FILE: the time and every `ethtool -S` counter of
        DEV, as JSON
    counters.py monotonic FILE
        check that no counter known to only grow went back between two
        lines of FILE; print one line per violation, exit 1 on any
    counters.py leaks JSON_FILE SLACK
        with traffic stopped and every queue polled since, in `ethtool-ext
        -j show` output: no RX queue has more than SLACK buffers held by
        the stack (in_flight), no TX queue a bounce buffer in use; print
        violations, exit 1 on any
"""
import json
import subprocess
import sys
import time

# Gauges and settings: everything else `ethtool -S` shows only grows.
# skbpool's gauges are zeroed when a pool dies (core/dev.c); the drivers'
# counters all grow (simnic keeps retired queues' counts, e1000sp's
# hardware statistics are running totals).
GAUGES = ('skbpool_rx_total', 'skbpool_rx_free', 'skbpool_rx_inflight',
          'skbpool_rx_fence', 'skbpool_tx_bounce_inuse', 'skbpool_emergency')
GAUGE_PREFIXES = ('skbpool_sizing_',)


def ethtool_s(ns, dev):
    out = subprocess.run(['ip', 'netns', 'exec', ns, 'ethtool', '-S', dev],
                         capture_output=True, text=True, check=True).stdout
    stats = {}
    for line in out.splitlines()[1:]:
        key, _, value = line.strip().partition(':')
        try:
            stats[key] = int(value)
        except ValueError:
            pass
    return stats


def grows(name):
    return name not in GAUGES and not name.startswith(GAUGE_PREFIXES)


def snap(ns, dev, path):
    with open(path, 'a') as f:
        f.write(json.dumps({'t': round(time.monotonic(), 3), 'stats': ethtool_s(ns, dev)}) + '\n')


def monotonic(path):
    bad = 0
    prev = None
    for line in open(path):
        cur = json.loads(line)
        if prev:
            for name, value in cur['stats'].items():
                old = prev['stats'].get(name)
                if grows(name) and old is not None and value < old:
                    print(f'{name} went back from {old} to {value} '
                          f'(t {prev["t"]} -> {cur["t"]})')
                    bad += 1
        prev = cur
    return 1 if bad else 0


def leaks(path, slack):
    bad = 0
    for dev in json.load(open(path)):
        for q in dev.get('rx_queues', []):
            p = q.get('pool')
            if p and p['in_flight'] > slack:
                print(f'{dev.get("ifname", "?")} rx {q["id"]}: {p["in_flight"]} buffers '
                      f'held by the stack with traffic stopped (at most {slack})')
                bad += 1
        for q in dev.get('tx_queues', []):
            if q['bounce_in_use']:
                print(f'{dev.get("ifname", "?")} tx {q["id"]}: {q["bounce_in_use"]} bounce '
                      f'buffers in use with traffic stopped')
                bad += 1
    return 1 if bad else 0


def main(argv):
    if len(argv) == 5 and argv[1] == 'snap':
        snap(argv[2], argv[3], argv[4])
        return 0
    if len(argv) == 3 and argv[1] == 'monotonic':
        return monotonic(argv[2])
    if len(argv) == 4 and argv[1] == 'leaks':
        return leaks(argv[2], int(argv[3]))
    sys.exit(__doc__)


if __name__ == '__main__':
    sys.exit(main(sys.argv))
