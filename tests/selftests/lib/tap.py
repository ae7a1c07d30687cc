#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A packet tap that never reads, as a stopped tcpdump would be.

  tap.py DEV RCVBUF READY_FILE PORT STOP_FILE
        bind an AF_PACKET socket (every protocol) to DEV with a receive
        buffer of RCVBUF bytes (forced past rmem_max: run as root), create
        READY_FILE, and read nothing until STOP_FILE exists; then drain
        what the socket holds and print, as JSON, how many received frames
        it held and how many of them were TCP to or from PORT (IPv4).
        Frames the host sent (a tap sees those too) are not counted: they
        are clones of transmitted skbs, not receive buffers.

Whatever the socket holds is a clone of a received skb: a NIC whose
buffers are its reserve would have one reserve buffer pinned per frame.
"""
import json
import os
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
SO_RCVBUFFORCE = 33
PACKET_OUTGOING = 4


def tcp_port_of(frame, port):
    if len(frame) < 14 + 20 or frame[12:14] != b"\x08\x00" or frame[23] != 6:
        return False
    ihl = (frame[14] & 0x0F) * 4
    if len(frame) < 14 + ihl + 4:
        return False
    sport, dport = struct.unpack_from("!HH", frame, 14 + ihl)
    return port in (sport, dport)


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    dev, rcvbuf, ready, port, stop = (sys.argv[1], int(sys.argv[2]), sys.argv[3],
                                      int(sys.argv[4]), sys.argv[5])
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, rcvbuf)
    s.bind((dev, 0))
    open(ready, "w").close()
    while not os.path.exists(stop):
        time.sleep(0.1)
    s.setblocking(False)
    held = port_frames = 0
    while True:
        try:
            frame, addr = s.recvfrom(65536)
        except BlockingIOError:
            break
        if addr[2] == PACKET_OUTGOING:
            continue
        held += 1
        port_frames += tcp_port_of(frame, port)
    print(json.dumps({"held": held, "port": port_frames}))


if __name__ == "__main__":
    main()
