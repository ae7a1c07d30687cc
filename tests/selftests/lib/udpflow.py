#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Numbered UDP datagrams, to count exactly what a flow loses.

  udpflow.py send ADDR PORT COUNT RATE [SIZE]   COUNT datagrams at RATE/s
  udpflow.py recv ADDR PORT IDLE_S [READY_FILE] print the distinct sequence
        numbers received, as JSON, once nothing came for IDLE_S seconds
        (after the first datagram); READY_FILE is created once bound.

The sender paces itself on a monotonic clock and prints what it sent as
JSON.  Sends that fail (ENOBUFS and friends) are counted, not retried, so
"sent" is what left the socket.
"""
import json
import socket
import struct
import sys
import time


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def send(addr, port, count, rate, size=64):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    pad = b"\0" * max(0, size - 8)
    start = time.monotonic()
    sent = failed = 0
    for seq in range(count):
        due = start + seq / rate
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        try:
            s.sendto(struct.pack("!Q", seq) + pad, (addr, port))
            sent += 1
        except OSError:
            failed += 1
    print(json.dumps({"sent": sent, "send_failed": failed,
                      "seconds": round(time.monotonic() - start, 3)}))


def recv(addr, port, idle, ready=None):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind((addr, port))
    if ready:
        open(ready, "w").close()
    seen = set()
    s.settimeout(None)
    while True:
        try:
            data = s.recv(65536)
        except socket.timeout:
            break
        if len(data) >= 8:
            seen.add(struct.unpack("!Q", data[:8])[0])
        s.settimeout(idle)
    print(json.dumps({"received": len(seen)}))


def main(argv):
    if len(argv) >= 5 and argv[1] == "send":
        send(argv[2], int(argv[3]), int(argv[4]), float(argv[5]),
             int(argv[6]) if len(argv) > 6 else 64)
    elif len(argv) >= 5 and argv[1] == "recv":
        recv(argv[2], int(argv[3]), float(argv[4]),
             argv[5] if len(argv) > 5 else None)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
