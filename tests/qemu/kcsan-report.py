#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Sort the data races KCSAN reported on a guest's console.

    kcsan-report.py CONSOLE

The kcsan flavour boots without panic_on_warn, since KCSAN reports through
it and the kernel has known benign races of its own.  This prints every
distinct report (its title and how often it came) and fails (exit 1) when
a report has a frame in one of our modules, or when the console shows a
splat that is not a KCSAN report (a WARN no longer stops the guest here).
"""
import re
import sys
from collections import Counter

from ktap import SPLAT

STAMP = re.compile(r'^\[\s*\d+\.\d+\]\s?')
TITLE = re.compile(r'BUG: KCSAN: (.*)$')
OURS = re.compile(r'\[(skbpool|simnic|e1000sp|skbpool_kunit|skbpool_bench)\]'
                  r'|\b(skbpool|simnic|e1000sp)_\w+')
RULE = re.compile(r'^=+$')


def reports(lines):
    """Yield (title, block lines) for each KCSAN report."""
    block = None
    for line in lines:
        m = TITLE.search(line)
        if m:
            block = [m.group(1).strip()]
            continue
        if block is not None:
            if RULE.match(line):
                yield block[0], block[1:]
                block = None
            else:
                block.append(line)
    if block is not None:
        yield block[0], block[1:]


def main():
    lines = [STAMP.sub('', ln) for ln in
             open(sys.argv[1], errors='replace').read().splitlines()]
    found = Counter()
    ours = Counter()
    for title, body in reports(lines):
        found[title] += 1
        if OURS.search(title) or any(OURS.search(ln) for ln in body):
            ours[title] += 1
    others = [ln for ln in lines if SPLAT.search(ln) and 'BUG: KCSAN:' not in ln]

    print(f'# kcsan: {sum(found.values())} reports, {len(found)} distinct, '
          f'{sum(ours.values())} with a frame in our modules')
    for title, n in found.most_common():
        mark = 'OURS ' if title in ours else ''
        print(f'# kcsan: {mark}{n} x {title}')
    for ln in others[:10]:
        print(f'# kcsan: not a KCSAN report: {ln.strip()}')
    if ours or others:
        print('not ok kcsan: a race in our code or another splat (console above)')
        return 1
    print('ok kcsan: no race reported in skbpool, simnic or e1000sp')
    return 0


if __name__ == '__main__':
    sys.exit(main())
