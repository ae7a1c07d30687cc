#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""One kernel's line in make check-distro's summary, from its KTAP stream.

    summary.py KVER KTAP REQUIRED...

Prints the counts (passed, failed, skipped), each skip with its reason,
the subtests skipped inside tests that otherwise ran, and whether every
REQUIRED test ran.  Exits 1 when a test failed, when a REQUIRED test was
skipped or absent, or when the stream has no results (the guest died).
"""
import re
import sys

TOP = re.compile(r'^(ok|not ok) \d+ (\S+)(?: # (.*))?$')
NESTED_SKIP_ALL = re.compile(r'^ {4}1\.\.0 # SKIP (.*)$')
NESTED_SKIP = re.compile(r'^ {4}ok \d+ (.*?) # SKIP (.*)$')


def main():
    kver, path, required = sys.argv[1], sys.argv[2], sys.argv[3:]
    passed, failed, skipped = [], [], []
    sub_skips = []
    skip_all = None
    pending_sub = []
    with open(path, errors='replace') as f:
        for line in f:
            line = line.rstrip('\n')
            m = NESTED_SKIP_ALL.match(line)
            if m:
                skip_all = m.group(1)
                continue
            m = NESTED_SKIP.match(line)
            if m:
                pending_sub.append((m.group(1), m.group(2)))
                continue
            m = TOP.match(line)
            if not m:
                continue
            verdict, name, directive = m.groups()
            directive = directive or ''
            if verdict == 'not ok':
                failed.append((name, directive))
            elif directive.startswith('SKIP'):
                reason = directive[4:].strip() or skip_all or 'no reason given'
                skipped.append((name, reason))
            else:
                passed.append(name)
                sub_skips += [(name, s, r) for s, r in pending_sub]
            skip_all = None
            pending_sub = []

    total = len(passed) + len(failed) + len(skipped)
    print(f'{kver}: {len(passed)} passed, {len(failed)} failed, '
          f'{len(skipped)} skipped (of {total})')
    for name, why in failed:
        print(f'  failed: {name}' + (f' ({why})' if why else ''))
    for name, why in skipped:
        print(f'  skipped: {name}: {why}')
    for name, sub, why in sub_skips:
        print(f'  subtest skipped: {name}: {sub}: {why}')
    ran = set(passed) | {n for n, _ in failed}
    skipped_names = {n for n, _ in skipped}
    missing = [r for r in required if r not in ran]
    for r in missing:
        state = 'skipped' if r in skipped_names else 'absent'
        print(f'  REQUIRED test {state}: {r}')
    if not missing:
        print(f'  required tests all ran: {" ".join(required)}')
    if total == 0:
        print('  no results: the guest did not run the suite')
    return 1 if failed or missing or total == 0 else 0


if __name__ == '__main__':
    sys.exit(main())
