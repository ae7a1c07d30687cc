# SPDX-License-Identifier: GPL-2.0
"""Malformed requests to the skbpool family, each refused with an extack
and nothing changed.  KTAP on stdout.

    malformed.py DEV ETHTOOL_EXT      (run in DEV's network namespace;
                                       DEV tagged, two RX queues)

Where a case names the attribute at fault (the bytes of it, as sent), the
extack's offset must point at exactly that attribute, nested or not.

SKBPOOL_DUMP_EXTACK=0 in the environment (netlink_malformed.sh sets it
when skbpool said at load that the kernel gives a dump's start callback
no extack, as before 6.5): a refused dump must still give its errno and
change nothing, but may come without a message.
"""
import errno
import json
import os
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from genl import Genl, attr, nest, strz, u8, u16, u32, u64  # noqa: E402

DEV_GET, DEV_SET, RULE_ADD, RULE_DEL, RULE_GET, FLOW_GET = 1, 2, 3, 4, 5, 6
NLM_F_DUMP_REQ = 0x1 | 0x4 | 0x300
A_IFINDEX, A_IFNAME, A_TAGGED, A_OVERRIDE, A_EPOLICY, A_EMERGENCY = 1, 2, 3, 4, 5, 6
A_QUEUE, A_SIZING, A_STATS = 9, 10, 11
Q_ID, Q_TYPE, Q_OVERRIDE, Q_TOTAL = 1, 2, 3, 4
R_IFINDEX, R_IFNAME, R_INDEX, R_ACTION, R_PROTO = 1, 2, 3, 4, 5
R_SPORT_LO, R_SPORT_HI, R_DPORT_LO, R_DPORT_HI = 6, 7, 8, 9
R_DSCP, R_VLAN_PRIO, R_SRC, R_DST = 10, 11, 12, 13
P_FAMILY, P_LEN, P_ADDR = 1, 2, 3

dev, ext = sys.argv[1], sys.argv[2]
dump_extack = os.environ.get('SKBPOOL_DUMP_EXTACK', '1') != '0'
name = attr(A_IFNAME, strz(dev))


def queue(qid, override, *extra):
    return nest(A_QUEUE, attr(Q_ID, u32(qid)), attr(Q_OVERRIDE, u32(override)), *extra)


rdev = attr(R_IFNAME, strz(dev))
crit = rdev + attr(R_ACTION, u32(0))
V4_24 = attr(P_FAMILY, u8(4)) + attr(P_LEN, u8(24))
PROTO_ICMP = attr(R_PROTO, u8(1))
DPORT_HI_80 = attr(R_DPORT_HI, u16(80))
ADDR_5 = attr(P_ADDR, b'\xc0\0\2\0\0')
FAMILY_5 = attr(P_FAMILY, u8(5))
LEN_33 = attr(P_LEN, u8(33))
ADDR_HOST = attr(P_ADDR, b'\xc0\0\2\1')
DST_FAMILY_6 = attr(P_FAMILY, u8(6))
SRC_FLAT = attr(R_SRC, V4_24 + attr(P_ADDR, b'\xc0\0\2\0'))


# (what, command, payload, errno expected, words the extack must contain
#  [, the attribute at fault, as sent]); a command of (cmd, flags) is a dump
CASES = [
    ('tagged as a u32: wrong length', DEV_SET, name + attr(A_TAGGED, u32(0)),
     errno.EINVAL, 'length'),
    ('tagged = 2: out of range', DEV_SET, name + attr(A_TAGGED, u8(2)), errno.ERANGE, ''),
    ('override 65537: above the cap', DEV_SET, name + attr(A_OVERRIDE, u32(65537)),
     errno.ERANGE, ''),
    ('override 0xffffffff: huge', DEV_SET, name + attr(A_OVERRIDE, u32(0xffffffff)),
     errno.ERANGE, ''),
    ('emergency-policy 7: not an enum value', DEV_SET, name + attr(A_EPOLICY, u32(7)),
     errno.ERANGE, ''),
    ('truncated attribute: length runs past the message', DEV_SET,
     name + struct.pack('HH', 12, A_TAGGED) + u32(0), errno.EINVAL, 'leftover'),
    ('truncated attribute header', DEV_SET, name + struct.pack('H', 8),
     errno.EINVAL, 'leftover'),
    ('unknown attribute type 200', DEV_SET, name + attr(200, u32(1)), errno.EINVAL,
     'Unknown attribute'),
    ('stats, a reply-only nest, in dev-set', DEV_SET, name + nest(A_STATS),
     errno.EINVAL, 'Unknown attribute'),
    ('emergency, a reply-only attribute, in dev-set', DEV_SET,
     name + attr(A_EMERGENCY, u8(1)), errno.EINVAL, ''),
    ('ifname of 20 bytes', DEV_SET, attr(A_IFNAME, b'x' * 19 + b'\0') + attr(A_TAGGED, u8(0)),
     errno.EINVAL, ''),
    ('ifname without its NUL', DEV_SET, attr(A_IFNAME, dev.encode()) + attr(A_TAGGED, u8(0)),
     errno.EINVAL, ''),
    ('ifindex 0', DEV_SET, attr(A_IFINDEX, u32(0)) + attr(A_TAGGED, u8(0)),
     errno.ERANGE, ''),
    ('ifindex 0x7fffffff: no such device', DEV_SET,
     attr(A_IFINDEX, u32(0x7fffffff)) + attr(A_TAGGED, u8(0)), errno.ENODEV, 'no such device'),
    ('ifindex and ifname of different devices', DEV_SET,
     attr(A_IFINDEX, u32(1)) + name + attr(A_TAGGED, u8(0)), errno.EINVAL, 'ifname'),
    ('no device named', DEV_SET, attr(A_TAGGED, u8(0)), errno.EINVAL, 'device is required'),
    ('queue nest without NLA_F_NESTED', DEV_SET,
     name + attr(A_QUEUE, attr(Q_ID, u32(0)) + attr(Q_OVERRIDE, u32(100))),
     errno.EINVAL, 'NLA_F_NESTED'),
    ('queue without override', DEV_SET, name + nest(A_QUEUE, attr(Q_ID, u32(0))),
     errno.EINVAL, 'override'),
    ('queue with a read-only attribute', DEV_SET, name + queue(0, 100, attr(Q_TOTAL, u32(5))),
     errno.EINVAL, 'read-only'),
    ('queue of type tx', DEV_SET, name + queue(0, 100, attr(Q_TYPE, u32(1))),
     errno.EINVAL, 'only RX'),
    ('queue id 0xffffffff: huge', DEV_SET, name + queue(0xffffffff, 100),
     errno.ERANGE, 'out of range'),
    ('queue given twice', DEV_SET, name + queue(0, 100) + queue(0, 200), errno.EINVAL,
     'twice'),
    ('a good queue, then a bad one: none applied', DEV_SET,
     name + queue(0, 100) + queue(7, 100), errno.ERANGE, 'out of range'),
    ('untag with a bad queue: not untagged', DEV_SET,
     name + attr(A_TAGGED, u8(0)) + queue(7, 100), errno.ERANGE, 'out of range'),
    ('untag and emergency on with a bad queue: neither applied', DEV_SET,
     name + attr(A_TAGGED, u8(0)) + attr(A_EPOLICY, u32(1)) + queue(7, 100),
     errno.ERANGE, 'out of range'),
    ('emergency-policy as a u8: wrong length', DEV_SET, name + attr(A_EPOLICY, u8(1)),
     errno.EINVAL, 'length', attr(A_EPOLICY, u8(1))),
    ('dev-get: ifindex as a u64', DEV_GET, attr(A_IFINDEX, u64(1)), errno.EINVAL, 'length'),
    ('rule-add: no action', RULE_ADD, rdev, errno.EINVAL, 'action'),
    ('rule-add: action 2', RULE_ADD, rdev + attr(R_ACTION, u32(2)), errno.ERANGE, '',
     attr(R_ACTION, u32(2))),
    ('rule-add: index 64', RULE_ADD, crit + attr(R_INDEX, u32(64)), errno.ERANGE, '',
     attr(R_INDEX, u32(64))),
    ('rule-add: index 5, past the end of one rule', RULE_ADD, crit + attr(R_INDEX, u32(5)),
     errno.ERANGE, 'index: 5 is past the end, the device has 1 rule', attr(R_INDEX, u32(5))),
    ('rule-add: proto 0', RULE_ADD, crit + attr(R_PROTO, u8(0)), errno.ERANGE, '',
     attr(R_PROTO, u8(0))),
    ('rule-add: proto as a u16', RULE_ADD, crit + attr(R_PROTO, u16(6)), errno.EINVAL,
     'length', attr(R_PROTO, u16(6))),
    ('rule-add: dscp as a u16 (a uint is 4 or 8 bytes)', RULE_ADD,
     crit + attr(R_DSCP, u16(1)), errno.EINVAL, 'length', attr(R_DSCP, u16(1))),
    ('rule-add: vlan-prio as a u32', RULE_ADD, crit + attr(R_VLAN_PRIO, u32(1)), errno.EINVAL,
     'length', attr(R_VLAN_PRIO, u32(1))),
    ('rule-add: unknown attribute type 200', RULE_ADD, crit + attr(200, u32(1)), errno.EINVAL,
     'Unknown attribute', attr(200, u32(1))),
    ('rule-add: dport hi below lo', RULE_ADD,
     crit + attr(R_DPORT_LO, u16(90)) + DPORT_HI_80, errno.EINVAL,
     'dport_lo > dport_hi: the destination port range ends below its start', DPORT_HI_80),
    ('rule-add: ports on ICMP', RULE_ADD, crit + PROTO_ICMP + attr(R_DPORT_LO, u16(7)),
     errno.EINVAL, 'proto: port ranges need tcp, udp or any', PROTO_ICMP),
    ('rule-add: IPv4 prefix of 5 bytes', RULE_ADD,
     crit + nest(R_SRC, V4_24, ADDR_5), errno.EINVAL, 'prefix addr', ADDR_5),
    ('rule-add: prefix family 5', RULE_ADD,
     crit + nest(R_SRC, FAMILY_5, attr(P_ADDR, b'\xc0\0\2\0')), errno.EINVAL, 'family',
     FAMILY_5),
    ('rule-add: prefix without addr', RULE_ADD, crit + nest(R_SRC, V4_24), errno.EINVAL,
     'family and addr are required'),
    ('rule-add: /33 of an IPv4 address', RULE_ADD,
     crit + nest(R_SRC, attr(P_FAMILY, u8(4)), LEN_33, attr(P_ADDR, b'\xc0\0\2\0')),
     errno.EINVAL, 'src.len: longer than the address', LEN_33),
    ('rule-add: host bits past the prefix', RULE_ADD,
     crit + nest(R_DST, V4_24, ADDR_HOST), errno.EINVAL,
     'dst.addr: bits set past the prefix length', ADDR_HOST),
    ('rule-add: src IPv4, dst IPv6', RULE_ADD,
     crit + nest(R_SRC, V4_24, attr(P_ADDR, b'\xc0\0\2\0'))
     + nest(R_DST, DST_FAMILY_6, attr(P_LEN, u8(32)), attr(P_ADDR, b'\x20\x01\x0d\xb8' + b'\0' * 12)),
     errno.EINVAL, 'src.family != dst.family', DST_FAMILY_6),
    ('rule-add: prefix nest without NLA_F_NESTED', RULE_ADD, crit + SRC_FLAT, errno.EINVAL,
     'NLA_F_NESTED', SRC_FLAT),
    ('rule-add: a device that does not link skbpool (lo)', RULE_ADD,
     attr(R_IFNAME, strz('lo')) + attr(R_ACTION, u32(0)), errno.EOPNOTSUPP,
     'does not link skbpool', attr(R_IFNAME, strz('lo'))),
    ('rule-add: ifindex and ifname of different devices', RULE_ADD,
     attr(R_IFINDEX, u32(1)) + crit, errno.EINVAL, 'not the device ifindex names', rdev),
    ('rule-del: no index', RULE_DEL, rdev, errno.EINVAL, 'index'),
    ('rule-del: index 9, no such rule', RULE_DEL, rdev + attr(R_INDEX, u32(9)), errno.ENOENT,
     'index: no rule 9, the device has 1 rule', attr(R_INDEX, u32(9))),
    ('rule-get: a device that does not exist', (RULE_GET, NLM_F_DUMP_REQ),
     attr(R_IFINDEX, u32(0x7fffffff)), errno.ENODEV, 'no such device',
     attr(R_IFINDEX, u32(0x7fffffff))),
    ('flow-get: an ifname without its NUL', (FLOW_GET, NLM_F_DUMP_REQ),
     attr(R_IFNAME, dev.encode()), errno.EINVAL, ''),
]


def state():
    """What a request could change: tag, device and queue overrides, the
    emergency policy, the rules."""
    out = subprocess.run([ext, '-j', 'show', dev], check=True, capture_output=True, text=True)
    d = json.loads(out.stdout)[0]
    rules = subprocess.run([ext, '-j', 'rule', 'show', dev], check=True, capture_output=True,
                           text=True).stdout
    return (d['tagged'], d['override'], [q['override'] for q in d['rx_queues']],
            [q['pool'] is not None for q in d['rx_queues']], d['emergency']['policy'], rules)


def main():
    g = Genl('skbpool')
    # One rule, so that a change of the table would show.
    subprocess.run([ext, 'rule', 'add', dev, 'critical', 'proto', 'tcp', 'dport', '10809'],
                   check=True)
    print('KTAP version 1')
    print(f'1..{len(CASES) + 1}')
    failed = 0
    before = state()
    print(f'# state before: {before}')
    for i, (what, cmd, payload, want, words, *at) in enumerate(CASES, 1):
        flags = None
        if isinstance(cmd, tuple):
            cmd, flags = cmd
        err, msg, _ = g.request(cmd, payload, flags) if flags else g.request(cmd, payload)
        now = state()
        print(f'# {what}: error {err} ({os.strerror(-err) if err else "none"}), extack "{msg}"'
              f', at offset {g.bad_attr}')
        problems = []
        if err != -want:
            problems.append(f'errno {-err}, expected {want}')
        silent_ok = flags is not None and not dump_extack
        if not msg:
            if not silent_ok:
                problems.append('no extack message')
        elif words and words not in msg:
            problems.append(f'extack lacks "{words}"')
        if at and (msg or not silent_ok):
            where = payload.find(at[0])
            assert where >= 0 and payload.rfind(at[0]) == where, what
            if g.bad_attr != where:
                problems.append(f'extack points at offset {g.bad_attr}, the attribute is at {where}')
        if now != before:
            problems.append(f'state changed to {now}')
            before = now    # the next case is judged on its own
        if problems:
            failed += 1
            print(f'not ok {i} {what} # ' + '; '.join(problems))
        else:
            print(f'ok {i} {what}')
    # The same socket still works: nothing above upset the family.
    err, msg, replies = g.request(DEV_GET, name)
    ok = err == 0 and len(replies) == 1
    failed += not ok
    print(f'{"ok" if ok else "not ok"} {len(CASES) + 1} a well-formed dev-get still answers')
    print(f'# totals: pass:{len(CASES) + 1 - failed} fail:{failed}')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
