#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Do a simnic pair's counters agree with each other and with iperf3?

    iperf_counters.py JSON MODE DIR MTU A0 B0 A1 B1

JSON is iperf3's -J report; MODE tcp or udp; DIR ab (data from A to B) or
ba (-R); A0 B0 and A1 B1 the ethtool -S output of each end before and
after, each pair read while nothing was on the wire.  One line per check;
exit status 1 when one fails.
"""
import json
import math
import sys

ETH_HLEN = 14
IPV4_HLEN = 20
UDP_HLEN = 8
# Control traffic beside the data (iperf3's control connection, neighbour
# discovery): frames and bytes the data alone does not explain.
SLACK_FRAMES = 300
SLACK_BYTES = 64 << 10


def counters(path):
    c = {}
    for line in open(path):
        f = line.split()
        if len(f) == 2 and f[0].endswith(':') and f[1].isdigit():
            c[f[0][:-1]] = int(f[1])
    return c


def main():
    report, mode, way, mtu = sys.argv[1:5]
    mtu = int(mtu)
    a0, b0, a1, b1 = (counters(p) for p in sys.argv[5:9])
    d = {'a': {k: a1[k] - a0[k] for k in a1 if k in a0},
         'b': {k: b1[k] - b0[k] for k in b1 if k in b0}}
    snd, rcv = ('a', 'b') if way == 'ab' else ('b', 'a')
    end = json.load(open(report))['end']
    ok = True

    def check(what, cond, detail):
        nonlocal ok
        print(f'{"ok" if cond else "FAILED"}: {what}: {detail}')
        ok = ok and cond

    # The wire loses nothing: each frame one end sent, the other received,
    # missed (no posted buffer), dropped or refused as too long.
    for x, y in (('a', 'b'), ('b', 'a')):
        tx = d[x]['tx_packets']
        seen = sum(d[y][k] for k in ('rx_packets', 'rx_missed_errors',
                                     'rx_dropped', 'rx_length_errors'))
        check(f'{x.upper()} sent = {y.upper()} received+missed+dropped',
              tx == seen, f'{tx} vs {seen}')

    rx_pk, rx_b = d[rcv]['rx_packets'], d[rcv]['rx_bytes']
    if mode == 'udp':
        s = end['sum_sent']
        r = end['sum_received']
        sent = s['packets']
        got = r['packets'] - r['lost_packets']
        size = json.load(open(report))['start']['test_start']['blksize']
        frame = ETH_HLEN + IPV4_HLEN + UDP_HLEN + size
        print(f'iperf3: {sent} datagrams sent, {got} received, {size} bytes each')
        # Each datagram is one frame (it fits the MTU): the receiver's
        # device saw at least every datagram iperf3 received, and the
        # sender's sent at least every datagram iperf3 sent (a qdisc drop
        # would hide from iperf3, which sends slower than the port drains).
        check('receiver rx_packets >= datagrams received', rx_pk >= got,
              f'{rx_pk} >= {got}')
        check('receiver rx_packets <= datagrams sent + control',
              rx_pk <= sent + SLACK_FRAMES, f'{rx_pk} <= {sent} + {SLACK_FRAMES}')
        check('receiver rx_bytes >= datagrams received x frame size',
              rx_b >= got * frame, f'{rx_b} >= {got} x {frame}')
        check('sender tx_packets >= datagrams sent', d[snd]['tx_packets'] >= sent,
              f'{d[snd]["tx_packets"]} >= {sent}')
    else:
        s = end['sum_sent']
        sent, retrans = s['bytes'], s.get('retransmits', 0)
        got = end['sum_received']['bytes']
        # Every data frame carries Ethernet, IPv4, TCP and its timestamp
        # option, nothing more: the MSS is what the MTU leaves.  So the
        # payload the receiver's device took in is rx_bytes less that much
        # per frame.  It must cover every byte iperf3 received, and can
        # exceed what iperf3 sent only by retransmissions (at most an MSS
        # each) and the control connection.
        mss = json.load(open(report))['start'].get('tcp_mss_default', mtu - 52)
        hdr = ETH_HLEN + mtu - mss
        payload = rx_b - rx_pk * hdr
        print(f'iperf3: {sent} bytes sent, {got} received, {retrans} retransmits, '
              f'MSS {mss}; payload on the wire {payload}')
        check('receiver rx_packets >= received bytes / MSS',
              rx_pk >= math.ceil(got / mss), f'{rx_pk} >= {math.ceil(got / mss)}')
        check('payload on the wire >= bytes received', payload >= got - SLACK_BYTES,
              f'{payload} >= {got} - {SLACK_BYTES}')
        check('payload on the wire <= bytes sent + retransmits + control',
              payload <= sent + retrans * mss + SLACK_BYTES,
              f'{payload} <= {sent} + {retrans} x {mss} + {SLACK_BYTES}')
    sys.exit(0 if ok else 1)


if __name__ == '__main__':
    main()
