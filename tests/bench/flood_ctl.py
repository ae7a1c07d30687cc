#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The flood bench's receiving side, steered by the sending guest.

  flood_ctl.py serve ADDR PORT DEV CRIT_PORT

Listens on ADDR:PORT (TCP) for the sender's one control connection and
answers one line per command:
  start   a fresh critical receiver on ADDR:CRIT_PORT (udpflow.py recv),
          the receiving NIC's counters noted; answers "ready"
  stop    waits for that receiver to finish (it does IDLE seconds after
          the last datagram); answers "got N max_gap S missed M rcvbuf R
          dropped D": critical datagrams the application read, the
          longest wait between two, and over the rung: frames the MAC
          missed (rx_missed_errors), datagrams UDP dropped at a full
          socket (RcvbufErrors), frames skbpool dropped as bulk (0 on a
          driver without skbpool)
  quit    answers "bye" and exits
The control connection is one of the flows the admin makes critical on a
tagged receiver, as management traffic would be.
"""
import json
import os
import socket
import subprocess
import sys
import time

IDLE = 3


def counter(dev, name):
    try:
        with open('/sys/class/net/%s/statistics/%s' % (dev, name)) as f:
            return int(f.read())
    except OSError:
        return 0


def rcvbuf_errors():
    with open('/proc/net/snmp') as f:
        rows = [line.split() for line in f if line.startswith('Udp:')]
    return int(rows[1][rows[0].index('RcvbufErrors')])


def skbpool_dropped(dev):
    out = subprocess.run(['ethtool', '-S', dev], capture_output=True,
                         text=True).stdout
    for line in out.splitlines():
        k, _, v = line.strip().partition(':')
        if k == 'skbpool_rx_drop_noncritical':
            return int(v)
    return 0


def snapshot(dev):
    return (counter(dev, 'rx_missed_errors'), rcvbuf_errors(),
            skbpool_dropped(dev))


def serve(addr, port, dev, crit_port):
    here = os.path.dirname(os.path.abspath(__file__))
    udpflow = os.path.join(here, '..', 'selftests', 'lib', 'udpflow.py')
    ready = '/tmp/flood-ctl-ready'
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(1)
    print('FLOOD_CTL listening on %s:%d' % (addr, port), flush=True)
    conn, _ = ls.accept()
    rf = conn.makefile('r')
    recv = before = None
    for line in rf:
        cmd = line.strip()
        if cmd == 'start':
            if os.path.exists(ready):
                os.unlink(ready)
            recv = subprocess.Popen([sys.executable, udpflow, 'recv', addr,
                                     str(crit_port), str(IDLE), ready],
                                    stdout=subprocess.PIPE, text=True)
            for _ in range(100):
                if os.path.exists(ready):
                    break
                time.sleep(0.1)
            before = snapshot(dev)
            answer = 'ready'
        elif cmd == 'stop' and recv:
            res, _ = recv.communicate()
            after = snapshot(dev)
            got, gap = 0, 0.0
            try:
                r = json.loads(res)
                got, gap = r['received'], r.get('max_gap_s', 0.0)
            except (ValueError, KeyError):
                pass
            d = [a - b for a, b in zip(after, before)]
            answer = 'got %d max_gap %.3f missed %d rcvbuf %d dropped %d' % (
                got, gap, d[0], d[1], d[2])
            recv = None
        elif cmd == 'quit':
            conn.sendall(b'bye\n')
            return 0
        else:
            answer = 'error unknown command %r' % cmd
        conn.sendall((answer + '\n').encode())
    return 1


def main(a):
    if len(a) == 5 and a[0] == 'serve':
        return serve(a[1], int(a[2]), a[3], int(a[4]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
