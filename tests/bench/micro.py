#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Format skbpool_bench's debugfs table: ratios to skbpool, and the JSON.

    micro.py RAW JSON_OUT MACHINE

RAW is the guest's /sys/kernel/debug/skbpool_bench/micro; JSON_OUT gets one
object, a key per figure in median ns per operation, plus "machine".
"""
import json
import sys

KEYS = ['skbpool', 'page_pool', 'alloc_page', 'napi_alloc_skb',
        'netdev_alloc_skb', 'skbpool_rx_path', 'napi_begin',
        'em_rx_critical', 'em_rx_drop', 'poll', 'em_poll_drop',
        'em_poll_getput', 'em_poll_classify', 'parked_poll_floor',
        'parked_poll_cap']


def per_round(rounds, num, den):
    """Ratios of two figures round by round: median, min, max."""
    r = sorted(a / b for a, b in zip(rounds[num], rounds[den]))
    return r[len(r) // 2], r[0], r[-1]


def main():
    raw, out, machine = sys.argv[1], sys.argv[2], sys.argv[3]
    rows, rounds, in_rounds = {}, {}, False
    for line in open(raw):
        f = line.split()
        if line.startswith('# rounds'):
            in_rounds = True
            continue
        if not f or f[0].startswith('#'):
            continue
        if in_rounds:
            rounds[f[0]] = [int(x) / 100 for x in f[1:]]
            continue
        if f[1] == 'error':
            sys.exit(f'micro.py: figure {f[0]} failed with {f[2]}')
        rows[f[0]] = [int(x) / 100 for x in f[1:5]]
    missing = [k for k in KEYS if k not in rows]
    if missing:
        sys.exit(f'micro.py: missing figures: {", ".join(missing)}')
    base = rows['skbpool'][1]
    print(f'{"figure":<18} {"ns min":>9} {"ns median":>10} {"cyc min":>9} '
          f'{"cyc median":>11} {"x skbpool":>10}')
    for k in KEYS:
        ns_min, ns_med, cy_min, cy_med = rows[k]
        print(f'{k:<18} {ns_min:>9.2f} {ns_med:>10.2f} {cy_min:>9.2f} '
              f'{cy_med:>11.2f} {ns_med / base:>10.2f}')
    poll = rows['poll'][1]
    for k in ('parked_poll_floor', 'parked_poll_cap'):
        print(f'{k} / poll: {rows[k][1] / poll:.2f} (a poll on a parked pool'
              ' against a poll of 64 frames received and recycled)')
    drop = per_round(rounds, 'em_poll_drop', 'poll')
    print(f'em_poll_drop / poll: {drop[0]:.2f} (rounds {drop[1]:.2f}-'
          f'{drop[2]:.2f}; a bulk frame dropped in emergency against a frame'
          ' received and recycled, polls of 64)')
    drop_ns = rows['em_poll_drop'][1]
    gp, cls = rows['em_poll_getput'][1], rows['em_poll_classify'][1]
    print(f'where a dropped frame\'s time goes: get+put {gp / drop_ns:.0%}, '
          f'parsing {cls / drop_ns:.0%}, the rest (flow lookup, counters, '
          f'DMA syncs, calls) {(drop_ns - gp - cls) / drop_ns:.0%}')
    result = {k: rows[k][1] for k in KEYS}
    result['em_drop_x_delivered'] = drop[0]
    result['em_drop_x_delivered_spread'] = [drop[1], drop[2]]
    result['parked_poll_floor_x_poll'] = rows['parked_poll_floor'][1] / poll
    result['parked_poll_cap_x_poll'] = rows['parked_poll_cap'][1] / poll
    result['machine'] = machine
    with open(out, 'w') as fh:
        json.dump(result, fh, indent=2)
        fh.write('\n')
    print(f'# written to {out}')


if __name__ == '__main__':
    main()
