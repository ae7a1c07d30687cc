#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Close the KTAP stream a test guest wrote and print the verdict.

    ktap.py RESULTS CONSOLE

RESULTS is what the guest wrote on its results port (already shown live by
vm.sh).  When the guest did not reach its end marker it died or timed out:
the test it announced last gets a synthetic "not ok" naming the first splat
the console shows.  The counts are of leaf tests (KUnit cases, selftest
subtests); a parent that failed although its children passed (a script that
crashed after its last subtest, a splat, a timeout) counts as one failure.
Then the slowest selftests (the guest's "# time: NAME N s" lines), so
that the suite's budget is visible where it is spent.  Ends with the plain
line "N passed, N failed, N skipped"; exits 1 when anything failed or
nothing ran.
"""
import re
import sys

RESULT = re.compile(r'^(\s*)(not ok|ok) \d+')
SKIP = re.compile(r'#\s*SKIP', re.IGNORECASE)
PLAN = re.compile(r'^1\.\.(\d+)')
SPLAT = re.compile(r'WARNING:|BUG:|Oops|KASAN|UBSAN|circular locking|'
                   r'recursive locking|inconsistent lock state|general protection fault|'
                   r'refcount_t:|corruption|blocked for more than')
PANIC = re.compile(r'Kernel panic')
TIME = re.compile(r'^# time: (\S+) (\d+) s$')


def count(lines):
    """Return (passed, failed, skipped, top-level results, plan)."""
    passed = failed = skipped = top = 0
    plan = None
    pending = {}  # indent -> [results seen, any failure] below the open parent
    for line in lines:
        m = PLAN.match(line)
        if m and plan is None:
            plan = int(m.group(1))
        m = RESULT.match(line)
        if not m:
            continue
        indent = len(m.group(1).expandtabs())
        ok = m.group(2) == 'ok'
        deeper = [k for k in pending if k > indent]
        children = sum(pending[k][0] for k in deeper)
        child_failed = any(pending[k][1] for k in deeper)
        for k in deeper:
            del pending[k]
        if children == 0:
            if ok and SKIP.search(line):
                skipped += 1
            elif ok:
                passed += 1
            else:
                failed += 1
        elif not ok and not child_failed:
            failed += 1
        slot = pending.setdefault(indent, [0, False])
        slot[0] += 1
        slot[1] = slot[1] or not ok or child_failed
        if indent == 0:
            top += 1
    return passed, failed, skipped, top, plan


def main():
    results = open(sys.argv[1], errors='replace').read().splitlines()
    try:
        console = open(sys.argv[2], errors='replace').read().splitlines()
    except OSError:
        console = []
    passed, failed, skipped, top, plan = count(results)

    if '# skbpool-harness: done' not in results:
        running = 'guest boot'
        for line in results:
            if line.startswith('# running: '):
                running = line[len('# running: '):]
        splat = next((ln.strip() for ln in console if SPLAT.search(ln)),
                     next((ln.strip() for ln in console if PANIC.search(ln)), None))
        why = 'guest died or timed out'
        if splat:
            why += ': ' + splat
        print(f'not ok {top + 1} {running} # {why}')
        tail = console[-25:]
        if tail:
            print('# last console lines:')
            for ln in tail:
                print('#   ' + ln)
        failed += 1
    elif plan is not None and plan != top:
        print(f'# plan said {plan} tests, {top} reported')
        failed += 1

    times = sorted(((int(m.group(2)), m.group(1)) for m in map(TIME.match, results) if m),
                   reverse=True)
    if times:
        slowest = ', '.join(f'{name} {secs} s' for secs, name in times[:8])
        print(f'# selftests took {sum(s for s, _ in times)} s; slowest: {slowest}')
    print(f'{passed} passed, {failed} failed, {skipped} skipped')
    if passed + failed + skipped == 0:
        print('# no test ran (does T= match any test name?)')
        return 1
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
