#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A bulk TCP reader that never reads: it parks receive buffers.

  parker.py recv ADDR PORT RCVBUF HOLD_S [READY_FILE]
        accept one connection with a receive buffer of RCVBUF bytes
        (net.core.rmem_max must allow it), read nothing, and close after
        HOLD_S seconds; READY_FILE is created once the socket listens
  parker.py send ADDR PORT SECONDS
        write as fast as the peer's window allows for SECONDS, then print
        the bytes that left the socket as JSON and keep the connection
        open until the peer closes it
  parker.py udp ADDR PORT RCVBUF HOLD_S [READY_FILE]
        a UDP socket with a receive buffer of RCVBUF bytes that reads
        nothing for HOLD_S seconds: every datagram it is sent stays in
        kernel memory the receive path allocated
  parker.py blast ADDR PORT SECONDS [STOP_FILE]
        send 1400-byte UDP datagrams as fast as this CPU can for SECONDS,
        or until STOP_FILE exists; print how many left the socket as JSON

Every frame the reader does not read stays in its socket's receive queue,
and with it the driver buffer the frame arrived in: what a slow bulk
consumer does to a NIC's pool.
"""
import json
import os
import socket
import sys
import time


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def recv(addr, port, rcvbuf, hold, ready=None):
    s = socket.socket(family(addr), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Set before listen() so the accepted socket inherits it and the
    # window scale is chosen for it.
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.bind((addr, port))
    s.listen(1)
    if ready:
        open(ready, "w").close()
    c, _ = s.accept()
    time.sleep(hold)
    c.close()


def send(addr, port, seconds):
    s = socket.create_connection((addr, port), timeout=10)
    s.setblocking(False)
    chunk = b"\x5a" * 65536
    sent = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            sent += s.send(chunk)
        except BlockingIOError:
            time.sleep(0.01)
    print(json.dumps({"sent": sent}), flush=True)
    s.setblocking(True)
    s.settimeout(None)
    try:
        while s.recv(4096):
            pass
    except OSError:
        pass


def udp_hold(addr, port, rcvbuf, hold, ready=None):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.bind((addr, port))
    if ready:
        open(ready, "w").close()
    time.sleep(hold)


def blast(addr, port, seconds, stop=None):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.connect((addr, port))
    payload = b"\xa5" * 1400
    sent = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end and not (stop and os.path.exists(stop)):
        for _ in range(64):
            try:
                s.send(payload)
                sent += 1
            except OSError:
                pass
    print(json.dumps({"sent": sent}), flush=True)


def main():
    if len(sys.argv) >= 6 and sys.argv[1] == "recv":
        recv(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]),
             float(sys.argv[5]), sys.argv[6] if len(sys.argv) > 6 else None)
    elif len(sys.argv) == 5 and sys.argv[1] == "send":
        send(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
    elif len(sys.argv) >= 6 and sys.argv[1] == "udp":
        udp_hold(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]),
                 float(sys.argv[5]), sys.argv[6] if len(sys.argv) > 6 else None)
    elif len(sys.argv) in (5, 6) and sys.argv[1] == "blast":
        blast(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]),
              sys.argv[5] if len(sys.argv) > 5 else None)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
