#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""TCP through an IPv6 segment routing header (RFC 8754), for TSO tests.

    srh_tcp.py recv PORT TIMEOUT READY_FILE
        accept one connection on [::]:PORT, read it to the end, print
        {"received": BYTES}
    srh_tcp.py send VIA FINAL PORT BYTES TIMEOUT
        connect to FINAL with a routing header [FINAL, VIA], segments left
        1, on the socket: the IPv6 header goes to VIA, while the TCP
        checksum covers FINAL, the destination the receiver delivers to
        once it has processed the header (no routing header when VIA is
        FINAL); print {"sent": BYTES} or {"error": TEXT}
    srh_tcp.py sniff DEV MTU READY_FILE
        until SIGTERM (READY_FILE made once the tap is open), for the
        frames leaving DEV count those longer than MTU plus the Ethernet
        header: TSO frames the driver was handed whole (a packet tap sees
        a frame after software segmentation, if any); for the TCP frames
        arriving on DEV, check each one's checksum over the destination
        RFC 8200 names, the final one when a segment routing header is
        there (with GRO off a tap sees each frame as the wire carried it);
        print {"gso_frames": N, "max_len": BYTES, "tcp_in": N,
        "bad_csum_in": N, "tap_drops": N}, the last what the tap missed
"""
import array
import json
import signal
import socket
import struct
import sys

ETH_P_ALL = 3
ETH_P_IPV6 = 0x86dd
PACKET_OUTGOING = 4
SOL_PACKET = 263
PACKET_STATISTICS = 6
SO_RCVBUFFORCE = 33
NEXTHDR_ROUTING = 43
IPPROTO_TCP = 6

IPV6_RTHDR = 57
SRH_TYPE = 4


def srh(final, via):
    """The routing header as setsockopt(IPV6_RTHDR) takes it."""
    segments = [socket.inet_pton(socket.AF_INET6, a) for a in (final, via)]
    n = len(segments)
    # next header (the kernel fills it), length in 8-byte units past the
    # first 8, type, segments left, last entry, flags, tag
    return struct.pack('!BBBBBBH', 0, 2 * n, SRH_TYPE, n - 1, n - 1, 0, 0) + b''.join(segments)


def recv(port, timeout, ready):
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(('::', port))
    s.listen(1)
    s.settimeout(timeout)
    open(ready, 'w').close()
    got = 0
    try:
        c, _ = s.accept()
        c.settimeout(timeout)
        while True:
            b = c.recv(1 << 16)
            if not b:
                break
            got += len(b)
    except OSError:
        pass
    print(json.dumps({'received': got}))


def send(via, final, port, count, timeout):
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    try:
        if via != final:
            s.setsockopt(socket.IPPROTO_IPV6, IPV6_RTHDR, srh(final, via))
        s.settimeout(timeout)
        s.connect((final, port))
        chunk = b'r' * (1 << 16)
        sent = 0
        while sent < count:
            sent += s.send(chunk[:min(len(chunk), count - sent)])
        s.shutdown(socket.SHUT_WR)
        s.recv(1)
    except OSError as e:
        print(json.dumps({'error': str(e), 'sent': locals().get('sent', 0)}))
        return
    print(json.dumps({'sent': sent}))


def tcp_csum_ok(frame):
    """None when FRAME is no IPv6 TCP frame, else whether its TCP checksum
    is right over the final destination.  Only the headers this test sends
    are walked: a routing header, or none."""
    if len(frame) < 54 or struct.unpack_from('!H', frame, 12)[0] != ETH_P_IPV6:
        return None
    plen, nexthdr = struct.unpack_from('!HB', frame, 18)
    src, dst = frame[22:38], frame[38:54]
    off = 54
    if nexthdr == NEXTHDR_ROUTING:
        nexthdr, hlen, rtype = struct.unpack_from('!BBB', frame, off)
        if rtype == SRH_TYPE:
            dst = frame[off + 8:off + 24]   # segment 0: the final one
        off += 8 * (hlen + 1)
    if nexthdr != IPPROTO_TCP:
        return None
    seg = frame[off:14 + 40 + plen]
    pseudo = src + dst + struct.pack('!IxxxB', len(seg), IPPROTO_TCP)
    data = pseudo + seg + (b'\0' if len(seg) % 2 else b'')
    total = sum(array.array('H', data))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return total == 0xffff


def sniff(dev, mtu, ready):
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    # Room for a whole transfer's frames: an interpreter under emulation
    # reads slower than the wire delivers.
    s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 64 << 20)
    s.bind((dev, 0))
    open(ready, 'w').close()
    seen = {'gso_frames': 0, 'max_len': 0, 'tcp_in': 0, 'bad_csum_in': 0}

    def count(data, addr):
        if addr[2] != PACKET_OUTGOING:
            ok = tcp_csum_ok(data)
            if ok is not None:
                seen['tcp_in'] += 1
                seen['bad_csum_in'] += not ok
            return
        seen['max_len'] = max(seen['max_len'], len(data))
        if len(data) > mtu + 14:
            seen['gso_frames'] += 1

    s.settimeout(0.2)
    while not stop:
        try:
            count(*s.recvfrom(1 << 17))
        except (socket.timeout, InterruptedError):
            continue
    while True:     # what the tap queued before SIGTERM
        try:
            count(*s.recvfrom(1 << 17, socket.MSG_DONTWAIT))
        except (BlockingIOError, socket.timeout, InterruptedError):
            break
    _, seen['tap_drops'] = struct.unpack('II', s.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8))
    print(json.dumps(seen))


if __name__ == '__main__':
    if len(sys.argv) == 5 and sys.argv[1] == 'recv':
        recv(int(sys.argv[2]), float(sys.argv[3]), sys.argv[4])
    elif len(sys.argv) == 7 and sys.argv[1] == 'send':
        send(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6]))
    elif len(sys.argv) == 5 and sys.argv[1] == 'sniff':
        sniff(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        sys.exit(__doc__)
