#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the classifier fuzzer's seed corpus: one well-formed frame per file.

    gen_corpus.py OUTDIR

The frames are what a tagged NIC really sees (checksums included), one of
each shape the classifier tells apart: link control, TCP and UDP over IPv4
and IPv6 in both directions of the flows the fuzzer learns, VLAN and QinQ,
IPv4 options, IPv6 extension chains, first and later fragments, and the
near misses (ICMPv6 echo, discovery with a wrong hop limit, slow protocols
that are not LACP, non-IP ethertypes).  Same output on every run: the
fuzzer's findings are reproducible from the repository alone.
"""
import os
import struct
import sys

MAC_A = bytes.fromhex('020000000001')
MAC_B = bytes.fromhex('020000000002')
BCAST = b'\xff' * 6
V4_A = bytes([192, 0, 2, 1])
V4_B = bytes([192, 0, 2, 2])
V4_C = bytes([198, 51, 100, 7])
V6_A = bytes.fromhex('20010db8000000000000000000000001')
V6_B = bytes.fromhex('20010db8000000000000000000000002')
V6_C = bytes.fromhex('20010db8000100000000000000000009')
V6_LL = bytes.fromhex('fe800000000000000000000000000001')
V6_ALL_ROUTERS = bytes.fromhex('ff020000000000000000000000000002')


def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def eth(payload, etype, tags=(), dst=MAC_B, src=MAC_A):
    """tags: (tpid, pcp, vid) from the outermost in."""
    hdr = dst + src
    for tpid, pcp, vid in tags:
        hdr += struct.pack('!HH', tpid, pcp << 13 | vid)
    return hdr + struct.pack('!H', etype) + payload


def ipv4(src, dst, proto, payload, dscp=0, ttl=64, opts=b'', frag=0,
         ident=1, total=None):
    ihl = 5 + len(opts) // 4
    tot = total if total is not None else ihl * 4 + len(payload)
    hdr = struct.pack('!BBHHHBBH4s4s', 0x40 | ihl, dscp << 2, tot, ident, frag,
                      ttl, proto, 0, src, dst) + opts
    hdr = hdr[:10] + struct.pack('!H', csum(hdr)) + hdr[12:]
    return hdr + payload


def ipv6(src, dst, nh, payload, hlim=64, dscp=0):
    return struct.pack('!IHBB16s16s', 6 << 28 | dscp << 22, len(payload), nh,
                       hlim, src, dst) + payload


def l4_csum(proto, src, dst, seg):
    if len(src) == 4:
        pseudo = src + dst + struct.pack('!BBH', 0, proto, len(seg))
    else:
        pseudo = src + dst + struct.pack('!IxxxB', len(seg), proto)
    return csum(pseudo + seg)


def tcp(src, dst, sport, dport, flags=0x02, data=b'', opts=b''):
    doff = 5 + len(opts) // 4
    seg = struct.pack('!HHIIBBHHH', sport, dport, 1000, 0, doff << 4, flags,
                      65535, 0, 0) + opts + data
    c = l4_csum(6, src, dst, seg)
    return seg[:16] + struct.pack('!H', c) + seg[18:]


def udp(src, dst, sport, dport, data=b''):
    seg = struct.pack('!HHHH', sport, dport, 8 + len(data), 0) + data
    c = l4_csum(17, src, dst, seg) or 0xffff
    return seg[:6] + struct.pack('!H', c) + data


def icmpv6(src, dst, typ, code, body):
    msg = struct.pack('!BBH', typ, code, 0) + body
    c = l4_csum(58, src, dst, msg)
    return msg[:2] + struct.pack('!H', c) + msg[4:]


def ext(nh, body):
    """A hop-by-hop/routing/destination options header padded to 8n bytes."""
    raw = bytes([nh, 0]) + body
    raw += bytes((-len(raw)) % 8)
    return bytes([nh, len(raw) // 8 - 1]) + raw[2:]


def frag6(nh, offset, more, ident=7):
    return struct.pack('!BBHI', nh, 0, offset << 3 | more, ident)


def arp(op, sha, spa, tha, tpa):
    return struct.pack('!HHBBH6s4s6s4s', 1, 0x0800, 6, 4, op, sha, spa, tha, tpa)


def lldp():
    def tlv(t, v):
        return struct.pack('!H', t << 9 | len(v)) + v
    return (tlv(1, b'\x04' + MAC_A) + tlv(2, b'\x03' + MAC_A) +
            tlv(3, struct.pack('!H', 120)) + tlv(0, b''))


def lacpdu():
    """Subtype, version, actor, partner, collector, terminator, reserved."""
    def port(tlv, mac, state):
        return struct.pack('!BBH6sHHHB3x', tlv, 20, 0x8000, mac, 1, 0x8000, 1, state)
    return (bytes([1, 1]) + port(1, MAC_A, 0x3d) + port(2, MAC_B, 0x3d) +
            struct.pack('!BBH12x', 3, 16, 0) + bytes([0, 0]) + bytes(50))


def nd_ns(target):
    return struct.pack('!I16s', 0, target) + bytes([1, 1]) + MAC_A


def frames():
    f = {}
    # link control
    f['arp-request'] = eth(arp(1, MAC_A, V4_A, bytes(6), V4_B), 0x0806, dst=BCAST)
    f['arp-reply'] = eth(arp(2, MAC_B, V4_B, MAC_A, V4_A), 0x0806)
    f['arp-vlan'] = eth(arp(1, MAC_A, V4_A, bytes(6), V4_B), 0x0806,
                        tags=[(0x8100, 0, 10)], dst=BCAST)
    f['arp-qinq'] = eth(arp(1, MAC_A, V4_A, bytes(6), V4_B), 0x0806,
                        tags=[(0x88a8, 3, 100), (0x8100, 0, 10)], dst=BCAST)
    f['lldp'] = eth(lldp(), 0x88cc, dst=bytes.fromhex('0180c200000e'))
    f['lacp'] = eth(lacpdu(), 0x8809, dst=bytes.fromhex('0180c2000002'))
    f['lacp-marker'] = eth(bytes([2, 1, 1, 16]) + bytes(106), 0x8809,
                           dst=bytes.fromhex('0180c2000002'))
    f['slow-oam'] = eth(bytes([3, 0, 0]) + bytes(40), 0x8809,
                        dst=bytes.fromhex('0180c2000002'))
    nd = {133: bytes(4), 134: bytes([64, 0]) + struct.pack('!HII', 1800, 0, 0),
          135: nd_ns(V6_B),
          136: struct.pack('!I16s', 0x60000000, V6_A) + bytes([2, 1]) + MAC_A,
          137: bytes(4) + V6_B + V6_C}
    for typ, body in nd.items():
        f['nd-%d' % typ] = eth(ipv6(V6_LL, V6_ALL_ROUTERS, 58,
                                    icmpv6(V6_LL, V6_ALL_ROUTERS, typ, 0, body),
                                    hlim=255), 0x86dd)
    f['nd-ns-hlim64'] = eth(ipv6(V6_A, V6_B, 58, icmpv6(V6_A, V6_B, 135, 0, nd[135]),
                                 hlim=64), 0x86dd)
    f['nd-ns-after-hbh'] = eth(ipv6(V6_A, V6_B, 0,
                                    ext(58, bytes([5, 2, 0, 0])) +
                                    icmpv6(V6_A, V6_B, 135, 0, nd[135]),
                                    hlim=255), 0x86dd)
    f['icmpv6-echo'] = eth(ipv6(V6_A, V6_B, 58, icmpv6(V6_A, V6_B, 128, 0,
                                                        struct.pack('!HH', 1, 1) + b'ping')),
                           0x86dd)
    f['icmp-echo'] = eth(ipv4(V4_A, V4_B, 1, bytes([8, 0, 0xf7, 0xfe, 0, 1, 0, 0])),
                         0x0800)
    # TCP and UDP, both directions (nbd on 10809, a UDP heartbeat on 5000)
    f['tcp4-syn'] = eth(ipv4(V4_A, V4_B, 6, tcp(V4_A, V4_B, 40000, 10809)), 0x0800)
    f['tcp4-reply'] = eth(ipv4(V4_B, V4_A, 6, tcp(V4_B, V4_A, 10809, 40000, 0x12,
                                                 opts=b'\x02\x04\x05\xb4')), 0x0800)
    f['tcp4-data'] = eth(ipv4(V4_B, V4_A, 6, tcp(V4_B, V4_A, 10809, 40000, 0x18,
                                                data=bytes(range(64)))), 0x0800)
    f['udp4-heartbeat'] = eth(ipv4(V4_A, V4_B, 17, udp(V4_A, V4_B, 5001, 5000, b'hb')),
                              0x0800)
    f['udp4-ef-vlan6'] = eth(ipv4(V4_A, V4_C, 17, udp(V4_A, V4_C, 7000, 7001, b'x'),
                                  dscp=46), 0x0800, tags=[(0x8100, 6, 20)])
    f['udp4-qinq'] = eth(ipv4(V4_A, V4_B, 17, udp(V4_A, V4_B, 9, 9, b'q')), 0x0800,
                         tags=[(0x88a8, 7, 100), (0x8100, 1, 10)])
    f['tcp4-ip-options'] = eth(ipv4(V4_A, V4_B, 6, tcp(V4_A, V4_B, 1000, 3260),
                                    opts=b'\x94\x04\x00\x00' + b'\x01' * 4), 0x0800)
    f['tcp4-bulk-low-port'] = eth(ipv4(V4_A, V4_C, 6, tcp(V4_A, V4_C, 22, 50000, 0x10)),
                                  0x0800)
    f['udp4-padded'] = eth(ipv4(V4_A, V4_B, 17, udp(V4_A, V4_B, 53, 53)) + bytes(18),
                           0x0800)
    big = udp(V4_A, V4_B, 5001, 5000, bytes(range(256)) * 6)
    f['udp4-frag-first'] = eth(ipv4(V4_A, V4_B, 17, big[:1480], frag=0x2000, ident=9),
                               0x0800)
    f['udp4-frag-later'] = eth(ipv4(V4_A, V4_B, 17, big[1480:], frag=1480 // 8, ident=9),
                               0x0800)
    f['tcp6-syn'] = eth(ipv6(V6_A, V6_B, 6, tcp(V6_A, V6_B, 40000, 10809)), 0x86dd)
    f['tcp6-reply'] = eth(ipv6(V6_B, V6_A, 6, tcp(V6_B, V6_A, 10809, 40000, 0x12)), 0x86dd)
    f['udp6-heartbeat'] = eth(ipv6(V6_C, V6_A, 17, udp(V6_C, V6_A, 5001, 5000, b'hb'),
                                   dscp=46), 0x86dd)
    seg = tcp(V6_A, V6_B, 2049, 800, 0x10)
    f['tcp6-ext-chain'] = eth(ipv6(V6_A, V6_B, 0,
                                   ext(60, bytes([1, 2, 0, 0])) +
                                   ext(43, bytes([0, 0]) + bytes(4)) +
                                   ext(44, bytes(4)) + frag6(6, 0, 0) + seg), 0x86dd)
    f['tcp6-ah'] = eth(ipv6(V6_A, V6_B, 51,
                            struct.pack('!BBHII', 6, 4, 0, 0x100, 1) + bytes(12) + seg),
                       0x86dd)
    big6 = udp(V6_A, V6_B, 5001, 5000, bytes(range(256)) * 6)
    f['udp6-frag-first'] = eth(ipv6(V6_A, V6_B, 44, frag6(17, 0, 1) + big6[:1448]),
                               0x86dd)
    f['udp6-frag-later'] = eth(ipv6(V6_A, V6_B, 44, frag6(17, 1448 // 8, 0) + big6[1448:]),
                               0x86dd)
    f['ipv6-esp'] = eth(ipv6(V6_A, V6_B, 50, struct.pack('!II', 0x200, 1) + bytes(32)),
                        0x86dd)
    f['ipv6-no-next'] = eth(ipv6(V6_A, V6_B, 59, b''), 0x86dd)
    # non-IP
    f['stp-bpdu'] = (bytes.fromhex('0180c2000000') + MAC_A + struct.pack('!H', 38) +
                     bytes([0x42, 0x42, 3]) + bytes(35))
    f['ethertype-local'] = eth(b'experimental', 0x88b5)
    f['runt'] = MAC_B + MAC_A
    return f


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for i, (name, data) in enumerate(frames().items()):
        with open(os.path.join(out, '%02d-%s' % (i, name)), 'wb') as fh:
            fh.write(data)


if __name__ == '__main__':
    main()
