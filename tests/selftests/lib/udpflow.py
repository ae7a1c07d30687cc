#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Numbered UDP datagrams, to count exactly what a flow loses.

  udpflow.py send ADDR PORT COUNT RATE [SIZE [GO_FILE]]
        COUNT datagrams of SIZE bytes at RATE/s, starting once GO_FILE
        exists (at once without one); GO_FILE.<pid> says it is ready
  udpflow.py stall SEND_LOG RECV_LOG [SPANS]
        the longest the network held the flow back, from the two logs
        UDPFLOW_LOG made (below), as JSON; SPANS, lines "START END" on
        the logs' clock, are outages made on purpose (a link taken down)
        that the stall is counted from the end of
  udpflow.py recv ADDR PORT IDLE_S [READY_FILE [FIRST_S]]
        print how many distinct sequence numbers arrived, and the longest
        wait between two arrivals in seconds, as JSON, once nothing came
        for IDLE_S seconds (FIRST_S, default 60, before the first one) or
        on SIGTERM;
        READY_FILE is created once the socket is bound.  first_mono and
        last_mono are the first and last arrivals on CLOCK_MONOTONIC, to
        compare with the sender's start_mono and end_mono

The sender paces itself on a monotonic clock and prints what it sent as
JSON, with late_max_s, the longest any datagram left after its time,
and late_max_due_mono, that datagram's time (a sender starved of CPU,
not a network, made that wait).  A sender that falls behind catches up
at full speed; UDPFLOW_SECONDS in the environment ends it once that many
seconds have passed or are scheduled, whatever it has sent, so that a
kernel too slow for RATE does not stretch the flow past its time.  The
receiver's max_gap_end_mono is when its longest wait ended.

The receiver's longest wait also counts the time the sender itself did
not run.  UDPFLOW_LOG=FILE makes the sender log the time of every send it
tries (sent or failed) and the receiver the kernel's receive time of
every datagram (SO_TIMESTAMPNS, stamped as the stack takes the frame, so
a starved reader does not count either), both on CLOCK_REALTIME, the one
clock the two share in a guest.  "stall" then measures, after each
arrival, from the first send tried after it to the next arrival: the
longest is how long the network (link, driver, stack) kept a flow that
was being offered from its reader.

Sends that fail (ENOBUFS and friends) are counted by errno, not retried, so
"sent" is what left the machine: with IP_RECVERR set, a datagram the
sender's own qdisc drops fails with ENOBUFS instead of passing for sent,
as UDP reports it otherwise.  UDPFLOW_PRIORITY in the environment sets
SO_PRIORITY (6, interactive, is pfifo_fast's first band: datagrams that
do not queue behind bulk traffic leaving the same machine).
"""
import errno
import json
import os
import signal
import socket
import struct
import sys
import time


WARMUP = (1 << 64) - 1
IP_RECVERR = 11         # linux/in.h; not in Python's socket module
IPV6_RECVERR = 25       # linux/in6.h
SO_TIMESTAMPNS = 35     # asm-generic/socket.h (SO_TIMESTAMPNS_OLD), also
                        # the control message's type; a struct timespec


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def send(addr, port, count, rate, size=64, go=None):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    if family(addr) == socket.AF_INET:
        s.setsockopt(socket.IPPROTO_IP, IP_RECVERR, 1)
    else:
        s.setsockopt(socket.IPPROTO_IPV6, IPV6_RECVERR, 1)
    if os.environ.get("UDPFLOW_PRIORITY"):
        s.setsockopt(socket.SOL_SOCKET, socket.SO_PRIORITY,
                     int(os.environ["UDPFLOW_PRIORITY"]))
    # Connected: no name or route lookup per datagram, so nothing on the
    # send path touches files or allocates atomically (fault injection).
    s.connect((addr, port))
    pad = b"\0" * max(0, size - 8)
    if go:
        # A flow that exists before memory runs out has its route cache
        # entry already; warm-up datagrams (not counted) make it so.
        for _ in range(3):
            s.send(struct.pack("!Q", WARMUP) + pad)
            time.sleep(0.05)
        open("%s.%d" % (go, os.getpid()), "w").close()
    while go and not os.path.exists(go):
        time.sleep(0.01)
    start = time.monotonic()
    limit = float(os.environ.get("UDPFLOW_SECONDS", "inf"))
    log = os.environ.get("UDPFLOW_LOG")
    log = log and open(log, "w")
    sent = failed = 0
    errors = {}
    late, late_due = 0.0, None
    for seq in range(count):
        due = start + seq / rate
        now = time.monotonic()
        if max(due, now) - start >= limit:
            break
        if due > now:
            time.sleep(due - now)
        elif now - due > late:
            late, late_due = now - due, due
        if log:
            log.write("%.6f\n" % time.time())
        try:
            s.send(struct.pack("!Q", seq) + pad)
            sent += 1
        except OSError as e:
            failed += 1
            name = errno.errorcode.get(e.errno, str(e.errno))
            errors[name] = errors.get(name, 0) + 1
    end = time.monotonic()
    if log:
        log.close()
    print(json.dumps({"sent": sent, "send_failed": failed,
                      "send_errors": errors,
                      "late_max_s": round(late, 3),
                      "late_max_due_mono": late_due and round(late_due, 3),
                      "seconds": round(end - start, 3),
                      "start_mono": round(start, 3), "end_mono": round(end, 3)}))


class Stop(Exception):
    pass


def stop(*_):
    raise Stop()


def recv(addr, port, idle, ready=None, first_wait=60.0):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind((addr, port))
    if ready:
        open(ready, "w").close()
    log = os.environ.get("UDPFLOW_LOG")
    log = log and open(log, "w")
    if log:
        s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    seen = set()
    first, last, gap, gap_end = None, None, 0.0, None
    signal.signal(signal.SIGTERM, stop)
    s.settimeout(first_wait)
    try:
        while True:
            try:
                data, anc, _, _ = s.recvmsg(65536, 64)
            except socket.timeout:
                break
            if len(data) < 8:
                continue
            seq = struct.unpack("!Q", data[:8])[0]
            if seq == WARMUP:
                continue
            if log:
                for level, kind, val in anc:
                    if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                        sec, nsec = struct.unpack("qq", val[:16])
                        log.write("%d %d.%09d\n" % (seq, sec, nsec))
            now = time.monotonic()
            if last is not None:
                if now - last > gap:
                    gap, gap_end = now - last, now
            else:
                first = now
            last = now
            seen.add(seq)
            s.settimeout(idle)
    except Stop:
        pass
    if log:
        log.close()
    print(json.dumps({"received": len(seen), "max_gap_s": round(gap, 3),
                      "max_gap_end_mono": gap_end and round(gap_end, 3),
                      "first_mono": first and round(first, 3),
                      "last_mono": last and round(last, 3)}))


def stall(send_log, recv_log, spans_file=None):
    with open(send_log) as f:
        tries = [float(x) for x in f.read().split()]
    with open(recv_log) as f:
        got = sorted(float(line.split()[1]) for line in f if line.strip())
    spans = []
    if spans_file:
        with open(spans_file) as f:
            spans = [tuple(float(x) for x in line.split()[:2])
                     for line in f if line.strip()]
    # After each arrival (and before the first), the first send tried
    # after it; the wait from there to the next arrival, or to the last
    # send tried when none came, is the network's, counted from the end
    # of any outage made on purpose that was under way meanwhile.
    worst, at, through = 0.0, None, 0.0
    i = 0
    for prev, nxt in zip([float("-inf")] + got, got + [None]):
        while i < len(tries) and tries[i] <= prev:
            i += 1
        if i == len(tries):
            break
        until = nxt if nxt is not None else tries[-1]
        start = max([tries[i]] + [b for a, b in spans
                                  if a < until and b > tries[i]])
        if until - start > worst:
            worst, at = until - start, start
        through = max(through, until - tries[i])
    t0 = tries[0] if tries else 0.0
    # stall_through_s: the same, outages made on purpose counted in.
    print(json.dumps({"stall_s": round(worst, 3),
                      "stall_from_s": at and round(at - t0, 3),
                      "stall_through_s": round(through, 3),
                      "tries": len(tries), "arrivals": len(got)}))


def main(argv):
    if len(argv) >= 5 and argv[1] == "send":
        send(argv[2], int(argv[3]), int(argv[4]), float(argv[5]),
             int(argv[6]) if len(argv) > 6 else 64,
             argv[7] if len(argv) > 7 else None)
    elif len(argv) in (4, 5) and argv[1] == "stall":
        stall(*argv[2:])
    elif len(argv) >= 5 and argv[1] == "recv":
        recv(argv[2], int(argv[3]), float(argv[4]),
             argv[5] if len(argv) > 5 else None,
             float(argv[6]) if len(argv) > 6 else 60.0)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
