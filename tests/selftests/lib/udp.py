#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""UDP traffic for the selftests, in the caller's network namespace.

    udp.py hold ADDR PORT [RCVBUF] bind, then stop itself (SIGSTOP) without
                                   reading: what arrives stays queued (up to
                                   8 MiB, or RCVBUF bytes: past them the
                                   socket drops what arrives)
    udp.py count ADDR PORT IDLE    read until IDLE seconds pass with nothing
                                   (after a first datagram, waited for up to
                                   30 s); print the number of datagrams
    udp.py send ADDR PORT N SIZE [GAP_US]
                                   send N datagrams of SIZE bytes, GAP_US
                                   microseconds apart; print how many went
    udp.py flood ADDR PORT         send 1000-byte datagrams until killed
    udp.py frags ADDR N            N first fragments (MF set) of datagrams
                                   whose rest never comes: the receiver's
                                   reassembly queues hold them
"""
import os
import signal
import socket
import struct
import sys
import time


def hold(addr, port, rcvbuf=None):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if rcvbuf is None:
        # SO_RCVBUFFORCE: past rmem_max, so the queue can hold hundreds of
        # frames (each costs half a page of truesize on a tagged NIC).
        s.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)
    else:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.bind((addr, port))
    os.kill(os.getpid(), signal.SIGSTOP)
    time.sleep(3600)


def count(addr, port, idle):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)
    s.bind((addr, port))
    # The sender may take a while to start (python under TCG): the idle
    # limit only counts once traffic has begun.
    s.settimeout(30)
    n = 0
    try:
        while True:
            s.recv(65536)
            n += 1
            s.settimeout(idle)
    except socket.timeout:
        pass
    print(n)


def send(addr, port, n, size, gap_us=0):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    # SO_SNDBUFFORCE: frames a stalled queue holds must not block us.
    s.setsockopt(socket.SOL_SOCKET, 32, 8 << 20)
    data = b'x' * size
    sent = 0
    for _ in range(n):
        try:
            s.sendto(data, (addr, port))
            sent += 1
        except OSError:
            pass
        if gap_us:
            time.sleep(gap_us / 1e6)
    print(sent)


def flood(addr, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    data = b'x' * 1000
    while True:
        try:
            s.sendto(data, (addr, port))
        except OSError:
            time.sleep(0.001)


def frags(addr, n):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    payload = b'\0' * 1008
    for i in range(n):
        ident = (os.getpid() * 131 + i) & 0xffff or 1
        # Version/IHL, TOS, length, ID, MF at offset 0, TTL, UDP, checksum
        # and source left for the kernel to fill in.
        hdr = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(payload), ident,
                          0x2000, 64, socket.IPPROTO_UDP, 0,
                          bytes(4), socket.inet_aton(addr))
        s.sendto(hdr + payload, (addr, 0))


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == 'hold':
        hold(args[0], int(args[1]), int(args[2]) if len(args) > 2 else None)
    elif cmd == 'count':
        count(args[0], int(args[1]), float(args[2]))
    elif cmd == 'send':
        send(args[0], int(args[1]), int(args[2]), int(args[3]),
             int(args[4]) if len(args) > 4 else 0)
    elif cmd == 'flood':
        flood(args[0], int(args[1]))
    elif cmd == 'frags':
        frags(args[0], int(args[1]))
    else:
        sys.exit(f'udp.py: unknown command {cmd}')


if __name__ == '__main__':
    main()
