# SPDX-License-Identifier: GPL-2.0
"""A bare generic netlink client for selftests that must send what no
well-behaved library would: every byte of a message is the caller's.

    g = Genl('skbpool')
    err, msg, replies = g.request(cmd, attr(1, u32(5)) + nest(9, ...))

err is 0 or a negative errno, msg the extack message ('' when none);
g.bad_attr is then the extack's offset of the attribute at fault, counted
from the start of the payload given (None when the kernel named none).
"""
import socket
import struct

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_CAP_ACK = 10
NETLINK_EXT_ACK = 11
NLM_F_REQUEST = 0x1
NLM_F_MULTI = 0x2
NLM_F_ACK = 0x4
NLM_F_DUMP = 0x300
NLM_F_ACK_TLVS = 0x200
NLMSG_ERROR = 2
NLMSG_DONE = 3
NLA_F_NESTED = 0x8000
GENL_ID_CTRL = 16
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
NLMSGERR_ATTR_MSG = 1
NLMSGERR_ATTR_OFFS = 2
GENL_HDRLEN = 4
NLMSG_HDRLEN = 16


def attr(atype, payload, flags=0):
    """One attribute, padded; payload is bytes."""
    pad = b'\0' * (-len(payload) % 4)
    return struct.pack('HH', len(payload) + 4, atype | flags) + payload + pad


def nest(atype, *children):
    return attr(atype, b''.join(children), NLA_F_NESTED)


def u8(v):
    return struct.pack('B', v)


def u16(v):
    return struct.pack('H', v)


def u32(v):
    return struct.pack('I', v)


def u64(v):
    return struct.pack('Q', v)


def strz(s):
    return s.encode() + b'\0'


def parse_attrs(data):
    out = {}
    while len(data) >= 4:
        alen, atype = struct.unpack('HH', data[:4])
        if alen < 4:
            break
        out.setdefault(atype & 0x3fff, []).append(data[4:alen])
        data = data[(alen + 3) & ~3:]
    return out


class Genl:
    def __init__(self, family):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        self.sock.bind((0, 0))
        self.seq = 0
        self.bad_attr = None
        self.family = GENL_ID_CTRL
        err, msg, replies = self.request(CTRL_CMD_GETFAMILY,
                                         attr(CTRL_ATTR_FAMILY_NAME, strz(family)))
        if err:
            raise OSError(-err, f'family {family}: {msg}')
        self.family = struct.unpack('H', parse_attrs(replies[0])[CTRL_ATTR_FAMILY_ID][0][:2])[0]

    def request(self, cmd, payload, flags=NLM_F_REQUEST | NLM_F_ACK, version=1):
        """Send one message; collect the replies' attribute payloads until
        the ACK, an error or DONE."""
        self.seq += 1
        self.bad_attr = None
        body = struct.pack('BBH', cmd, version, 0) + payload
        hdr = struct.pack('IHHII', 16 + len(body), self.family, flags, self.seq, 0)
        self.sock.send(hdr + body)
        replies = []
        while True:
            data = self.sock.recv(1 << 20)
            while len(data) >= 16:
                mlen, mtype, mflags, seq, _ = struct.unpack('IHHII', data[:16])
                msg = data[16:mlen]
                data = data[(mlen + 3) & ~3:]
                if seq != self.seq:
                    continue
                if mtype in (NLMSG_ERROR, NLMSG_DONE):
                    err = struct.unpack('i', msg[:4])[0] if len(msg) >= 4 else 0
                    text = ''
                    if mflags & NLM_F_ACK_TLVS:
                        # Error, then the capped request header, then TLVs.
                        tlvs = msg[4 + 16:] if mtype == NLMSG_ERROR else msg[4:]
                        tlv = parse_attrs(tlvs)
                        m = tlv.get(NLMSGERR_ATTR_MSG)
                        if m:
                            text = m[0].rstrip(b'\0').decode()
                        # The offset counts from our message's header.
                        o = tlv.get(NLMSGERR_ATTR_OFFS)
                        if o:
                            self.bad_attr = (struct.unpack('I', o[0][:4])[0]
                                             - NLMSG_HDRLEN - GENL_HDRLEN)
                    return err, text, replies
                replies.append(msg[4:])
