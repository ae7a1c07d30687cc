#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Format tests/bench/simnic-guest.sh's results: medians, ratios, the JSON.

    simnic.py RAW JSON_OUT MACHINE

RAW holds "PAIR <figure> <round> <config> <value> <config> <value>" lines,
two configurations measured at the same time, one per vCPU.  Each
configuration ran once on each vCPU beside the untagged pair per round:
its ratio to untagged for the round is the geometric mean of the two
windows' ratios, which cancels a difference in speed between the vCPUs.

JSON_OUT gets <config>_pps, <config>_tcp_mbps (one stream) and
<config>_tcp4_mbps: the median over every window the configuration ran
in; <config>_<figure>_ratio: the median over rounds of its ratio to
untagged; and "machine".
"""
import json
import math
import statistics
import sys

CONFIGS = ['untagged', 'tagged', 'rxtagged', 'netdevsim']
FIGURES = [('pps', 'pps', 'UDP 60-byte frames, pps'),
           ('tcp1_mbps', 'tcp_mbps', 'TCP 1 stream, Mbit/s'),
           ('tcp4_mbps', 'tcp4_mbps', 'TCP 4 streams, Mbit/s')]
GOAL = 1.2


def main():
    raw, out, machine = sys.argv[1], sys.argv[2], sys.argv[3]
    values = {}   # (config, figure) -> [value, ...]
    windows = {}  # (config, figure, round) -> [config/untagged, ...]
    for line in open(raw):
        f = line.split()
        if line.startswith('#'):
            print(line.rstrip())
        if len(f) != 7 or f[0] != 'PAIR':
            continue
        fig, rnd = f[1], int(f[2])
        pair = [(f[3], float(f[4])), (f[5], float(f[6]))]
        for c, v in pair:
            values.setdefault((c, fig), []).append(v)
        (c0, v0), (c1, v1) = pair
        if c1 == 'untagged' and c0 != 'untagged' and v1 > 0:
            windows.setdefault((c0, fig, rnd), []).append(v0 / v1)
        if c0 == 'untagged' and c1 != 'untagged' and v0 > 0:
            windows.setdefault((c1, fig, rnd), []).append(v1 / v0)
    if ('tagged', 'pps') not in values:
        sys.exit(f'simnic.py: no pps results in {raw}')

    result = {}
    ratios = {}
    for c in CONFIGS[1:]:
        for fig, key, _ in FIGURES:
            per_round = [math.prod(w) ** (1 / len(w))
                         for (cc, ff, _), w in sorted(windows.items())
                         if cc == c and ff == fig and len(w) == 2]
            if per_round:
                ratios[(c, fig)] = per_round
                result[f'{c}_{key}_ratio'] = round(statistics.median(per_round), 3)
                result[f'{c}_{key}_ratio_rounds'] = [round(x, 3) for x in per_round]
    print(f'\n{"figure (median)":<28}' + ''.join(f'{c:>11}' for c in CONFIGS))
    for fig, key, title in FIGURES:
        cells = ''
        for c in CONFIGS:
            v = values.get((c, fig))
            if v:
                result[f'{c}_{key}'] = round(statistics.median(v), 1)
                cells += f'{statistics.median(v):>11.0f}'
            else:
                cells += f'{"-":>11}'
        print(f'{title:<28}{cells}')
        cells = f'{1:>11.2f}'
        for c in CONFIGS[1:]:
            r = ratios.get((c, fig))
            cells += f'{statistics.median(r):>11.2f}' if r else f'{"-":>11}'
        print(f'{"  x untagged, side by side":<28}{cells}')
    if ('tagged', 'pps') not in ratios:
        sys.exit('simnic.py: tagged pps was not measured on both vCPUs')
    ratio = result['tagged_pps_ratio']
    print(f'\ntagged / untagged pps: {ratio:.2f}x (rounds '
          f'{", ".join(f"{x:.2f}" for x in ratios[("tagged", "pps")])}); '
          f'goal >= {GOAL}x: {"met" if ratio >= GOAL else "NOT met"}')
    result['machine'] = machine
    with open(out, 'w') as fh:
        json.dump(result, fh, indent=2)
        fh.write('\n')
    print(f'# written to {out}')


if __name__ == '__main__':
    main()
