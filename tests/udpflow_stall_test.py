#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Host test (KTAP) of 'udpflow.py stall', the soak's critical bound.

Synthetic logs of a flow at 100 datagrams/s for 10 s: each case says how
long the network held the flow back and what the stall must read.
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
UDPFLOW = os.path.join(HERE, 'selftests', 'lib', 'udpflow.py')
TRIES = [i * 0.01 for i in range(1000)]


def stall(tries, got, spans=None, key='stall_s'):
    with tempfile.TemporaryDirectory() as d:
        paths = [os.path.join(d, n) for n in ('tries', 'got', 'spans')]
        with open(paths[0], 'w') as f:
            f.write(''.join('%.6f\n' % t for t in tries))
        with open(paths[1], 'w') as f:
            f.write(''.join('%d %.6f\n' % (i, t + 0.001) for i, t in got))
        args = paths[:2]
        if spans is not None:
            with open(paths[2], 'w') as f:
                f.write(''.join('%.6f %.6f\n' % s for s in spans))
            args = paths
        out = subprocess.run([sys.executable, UDPFLOW, 'stall'] + args,
                             capture_output=True, text=True, check=True)
        return json.loads(out.stdout)[key]


def arrivals(tries, lost=lambda t: False):
    return [(i, t) for i, t in enumerate(tries) if not lost(t)]


CASES = [
    ('every datagram arrives: no stall',
     lambda: stall(TRIES, arrivals(TRIES)), 0.0, 0.01),
    ('the network loses 3.0 to 5.0 s: a 2 s stall',
     lambda: stall(TRIES, arrivals(TRIES, lambda t: 3 <= t < 5)), 2.0, 0.01),
    ('the sender does not run from 3.0 to 8.0 s: no stall',
     lambda: stall([t for t in TRIES if not 3 <= t < 8],
                   arrivals([t for t in TRIES if not 3 <= t < 8])), 0.0, 0.01),
    ('the last second is lost: the stall runs to the last try',
     lambda: stall(TRIES, arrivals(TRIES, lambda t: t >= 9)), 0.99, 0.01),
    ('nothing arrives: the whole flow',
     lambda: stall(TRIES, []), 9.99, 0.01),
    ('a 2 s loss inside an outage made on purpose: excused',
     lambda: stall(TRIES, arrivals(TRIES, lambda t: 3 <= t < 5),
                   [(2.5, 6.0)]), 0.0, 0.01),
    ('an outage ending at 4.5 s: counted from its end',
     lambda: stall(TRIES, arrivals(TRIES, lambda t: 3 <= t < 5),
                   [(2.5, 4.5)]), 0.5, 0.01),
    ('an outage elsewhere excuses nothing',
     lambda: stall(TRIES, arrivals(TRIES, lambda t: 3 <= t < 5),
                   [(7.0, 8.0)]), 2.0, 0.01),
    ('the excused loss, outages counted in: 2 s',
     lambda: stall(TRIES, arrivals(TRIES, lambda t: 3 <= t < 5),
                   [(2.5, 6.0)], 'stall_through_s'), 2.0, 0.01),
]


def main():
    print('KTAP version 1')
    print('1..%d' % len(CASES))
    bad = 0
    for n, (name, run, want, tol) in enumerate(CASES, 1):
        got = run()
        ok = abs(got - want) <= tol
        bad += not ok
        print('%s %d %s' % ('ok' if ok else 'not ok', n, name))
        if not ok:
            print('# stall %.3f s, expected %.3f' % (got, want))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
