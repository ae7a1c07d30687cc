// SPDX-License-Identifier: GPL-2.0
/*
 * The critical-traffic classifier: what core/classify.h
 * promises, on nothing but the frame's bytes.
 *
 * The same file (with flows.c) is built into skbpool.ko and, through
 * tests/fuzz/classify_compat.h, into a userspace libFuzzer target, so it
 * uses only what that header provides: fixed-width types, byte order
 * helpers, READ_ONCE/WRITE_ONCE, acquire/release, cmpxchg and memcpy.
 *
 * Every read of the frame is preceded by a check that the bytes are there:
 * offsets only grow, and each "need n more bytes" test is written as
 * "end - off < n" with off <= end already established, so nothing can wrap.
 * Multi-byte fields are read byte by byte because a received frame's IP
 * header is 2-byte aligned at best.
 */
#ifdef __KERNEL__
#include <linux/atomic.h>
#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <asm/barrier.h>
#include <asm/byteorder.h>
#include <kunit/visibility.h>
#endif

#include "classify.h"

#define SP_IPV4_HLEN	20
#define SP_IPV6_HLEN	40
#define SP_TCP_HLEN	20
#define SP_UDP_HLEN	8
#define SP_ARP_HLEN	8	/* hardware and protocol types, lengths, op */
#define SP_IPV6_EXT_MIN	8	/* every extension header is at least this */
#define SP_IP_OFFSET	0x1fff	/* IPv4 fragment offset */
#define SP_IP6_OFFSET	0xfff8	/* IPv6 fragment offset, in the same word */

#define SP_ICMPV6_ND_FIRST	133	/* router solicitation */
#define SP_ICMPV6_ND_LAST	137	/* redirect */
#define SP_ICMPV6_NS		135	/* neighbour solicitation */
#define SP_ICMPV6_NA		136	/* neighbour advertisement */
#define SP_ND_HOP_LIMIT		255

#define SP_SLOW_LACP	1
#define SP_SLOW_MARKER	2

/* What the parser found in an IP packet, in the direction it travels. */
struct sp_pkt {
	__be32 src[4];
	__be32 dst[4];
	u16 sport;	/* host order; valid when @ports */
	u16 dport;
	u8 family;
	u8 proto;
	u8 dscp;
	u8 pcp;		/* 1 << PCP of the outermost tag; 0 when untagged */
	bool ports;	/* a TCP or UDP header is in the frame */
	bool later;	/* a fragment after the first: no transport header */
	bool neigh;	/* ARP, or an IPv6 neighbour solicitation or advert */
};

static inline u16 sp_get16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

/*
 * TCP and UDP: the ports, after checking the header is whole.  Other
 * protocols are not looked into.  @len is what the datagram holds from @h.
 */
static enum skbpool_class_reason sp_l4(const u8 *h, u32 len, struct sp_pkt *p)
{
	if (p->proto == IPPROTO_TCP) {
		u32 doff;

		if (len < SP_TCP_HLEN)
			return SKBPOOL_DROP_MALFORMED;
		doff = (h[12] >> 4) * 4;
		if (doff < SP_TCP_HLEN || doff > len)
			return SKBPOOL_DROP_MALFORMED;
	} else if (p->proto == IPPROTO_UDP) {
		if (len < SP_UDP_HLEN)
			return SKBPOOL_DROP_MALFORMED;
	} else {
		return SKBPOOL_DROP_NOMATCH;
	}
	p->sport = sp_get16(h);
	p->dport = sp_get16(h + 2);
	p->ports = true;
	return SKBPOOL_DROP_NOMATCH;
}

/*
 * @rx: the frame is whole (received), so the IP length fields must agree
 * with it.  On transmit the caller may hand only the headers (the linear
 * part of a GSO skb, whose length fields describe the whole super-packet,
 * or are 0 for BIG TCP): then the parse is bounded by the bytes given.
 */
static enum skbpool_class_reason sp_ipv4(const u8 *ip, u32 avail, bool rx,
					 struct sp_pkt *p)
{
	u32 ihl, end;

	if (avail < SP_IPV4_HLEN || ip[0] >> 4 != 4)
		return SKBPOOL_DROP_MALFORMED;
	ihl = (ip[0] & 0xf) * 4;
	end = rx ? sp_get16(ip + 2) : avail;
	if (ihl < SP_IPV4_HLEN || end < ihl || end > avail)
		return SKBPOOL_DROP_MALFORMED;

	p->family = 4;
	p->dscp = ip[1] >> 2;
	p->proto = ip[9];
	memcpy(p->src, ip + 12, 4);
	memcpy(p->dst, ip + 16, 4);
	if (sp_get16(ip + 6) & SP_IP_OFFSET) {
		p->later = true;
		return SKBPOOL_DROP_NOMATCH;
	}
	return sp_l4(ip + ihl, end - ihl, p);
}

static bool sp_ipv6_ext(u8 next)
{
	switch (next) {
	case IPPROTO_HOPOPTS:
	case IPPROTO_ROUTING:
	case IPPROTO_FRAGMENT:
	case IPPROTO_AH:
	case IPPROTO_DSTOPTS:
		return true;
	default:
		return false;
	}
}

/*
 * ICMPv6 after the whole extension chain, so a discovery type is really the
 * message's type and not a byte of some other header.
 */
static enum skbpool_class_reason sp_icmpv6(const u8 *h, u32 len, u8 hlim,
					   bool frag)
{
	if (len < 4)
		return SKBPOOL_DROP_MALFORMED;
	if (h[0] < SP_ICMPV6_ND_FIRST || h[0] > SP_ICMPV6_ND_LAST)
		return SKBPOOL_DROP_NOMATCH;
	/* the smallest of them, a router solicitation, has 8 bytes */
	if (len < 8)
		return SKBPOOL_DROP_MALFORMED;
	/*
	 * The stack drops discovery that did not come from the link itself
	 * (hop limit 255) or that is fragmented: an off-link flood dressed as
	 * discovery gains nothing here either.
	 */
	if (h[1] || hlim != SP_ND_HOP_LIMIT || frag)
		return SKBPOOL_DROP_NOMATCH;
	return SKBPOOL_CRIT_LINK;
}

static enum skbpool_class_reason sp_ipv6(const u8 *ip, u32 avail, bool rx,
					 struct sp_pkt *p)
{
	u32 end, off = SP_IPV6_HLEN, hlen, n;
	bool frag = false;
	const u8 *h;
	u8 next;

	if (avail < SP_IPV6_HLEN || ip[0] >> 4 != 6)
		return SKBPOOL_DROP_MALFORMED;
	end = rx ? SP_IPV6_HLEN + sp_get16(ip + 4) : avail;
	if (end > avail)
		return SKBPOOL_DROP_MALFORMED;

	p->family = 6;
	/* version(4) traffic class(8) flow label(20): DSCP is tc >> 2 */
	p->dscp = (sp_get16(ip) >> 6) & 0x3f;
	memcpy(p->src, ip + 8, 16);
	memcpy(p->dst, ip + 24, 16);
	next = ip[6];

	for (n = 0; sp_ipv6_ext(next); n++) {
		/* hop-by-hop options are valid only right after the header */
		if (n == SKBPOOL_IPV6_EXT_MAX || end - off < SP_IPV6_EXT_MIN ||
		    (next == IPPROTO_HOPOPTS && n))
			return SKBPOOL_DROP_MALFORMED;
		h = ip + off;
		if (next == IPPROTO_FRAGMENT) {
			if (sp_get16(h + 2) & SP_IP6_OFFSET) {
				p->proto = h[0];
				p->later = true;
				return SKBPOOL_DROP_NOMATCH;
			}
			frag = true;
			hlen = 8;
		} else if (next == IPPROTO_AH) {
			hlen = (h[1] + 2) * 4;
		} else {
			hlen = (h[1] + 1) * 8;
		}
		if (hlen > end - off)
			return SKBPOOL_DROP_MALFORMED;
		next = h[0];
		off += hlen;
	}

	p->proto = next;
	if (next == IPPROTO_ICMPV6) {
		enum skbpool_class_reason r;

		r = sp_icmpv6(ip + off, end - off, ip[7], frag);
		/* resolution proper; router discovery and redirects can wait */
		p->neigh = r == SKBPOOL_CRIT_LINK &&
			   (ip[off] == SP_ICMPV6_NS || ip[off] == SP_ICMPV6_NA);
		return r;
	}
	return sp_l4(ip + off, end - off, p);
}

/*
 * Ethernet and its VLAN tags, then the network layer.  Returns a final
 * verdict (link control, non-IP, malformed) or SKBPOOL_DROP_NOMATCH for an
 * IP packet that @p now describes, still to be judged.
 */
static enum skbpool_class_reason sp_parse(const u8 *f, u32 len, bool rx,
					  struct sp_pkt *p)
{
	u32 off = ETH_HLEN - 2, tags;	/* at the ethertype */
	u16 type;

	if (len < ETH_HLEN)
		return SKBPOOL_DROP_MALFORMED;
	type = sp_get16(f + off);
	for (tags = 0; tags < SKBPOOL_VLAN_TAGS_MAX; tags++) {
		if (type != ETH_P_8021Q && type != ETH_P_8021AD)
			break;
		/* TPID at off, then TCI and the next ethertype */
		if (len - off < 6)
			return SKBPOOL_DROP_MALFORMED;
		if (!tags)
			p->pcp = 1 << (f[off + 2] >> 5);
		off += 4;
		type = sp_get16(f + off);
	}
	off += 2;

	switch (type) {
	case ETH_P_IP:
		return sp_ipv4(f + off, len - off, rx, p);
	case ETH_P_IPV6:
		return sp_ipv6(f + off, len - off, rx, p);
	case ETH_P_ARP:
		/* fixed part, then sender and target hardware+protocol addresses */
		if (len - off < SP_ARP_HLEN ||
		    len - off - SP_ARP_HLEN < 2 * (f[off + 4] + f[off + 5]))
			return SKBPOOL_DROP_MALFORMED;
		p->neigh = true;
		return SKBPOOL_CRIT_LINK;
	case ETH_P_LLDP:
		return SKBPOOL_CRIT_LINK;
	case ETH_P_SLOW:
		if (len == off)
			return SKBPOOL_DROP_MALFORMED;
		if (f[off] == SP_SLOW_LACP || f[off] == SP_SLOW_MARKER)
			return SKBPOOL_CRIT_LINK;
		return SKBPOOL_DROP_NONIP;
	default:
		return SKBPOOL_DROP_NONIP;
	}
}

/* Does @addr (of @family) lie in @pfx?  Family 0 matches any packet. */
static bool sp_prefix_match(const struct skbpool_addr_prefix *pfx, u8 family,
			    const __be32 *addr)
{
	u32 diff = 0, i;

	if (!pfx->family)
		return true;
	if (pfx->family != family)
		return false;
	for (i = 0; i < 4; i++) {
		s32 bits = (s32)pfx->len - 32 * (s32)i;
		u32 mask;

		bits = bits < 0 ? 0 : bits > 32 ? 32 : bits;
		/* 64-bit shift: 0 bits gives 0 without shifting a u32 by 32 */
		mask = (u32)(0xffffffffULL << (32 - bits));
		diff |= (__force u32)(addr[i] ^ pfx->addr[i]) &
			(__force u32)cpu_to_be32(mask);
	}
	return !diff;
}

static bool sp_port_in(u16 port, u16 lo, u16 hi)
{
	return !(lo | hi) || (port >= lo && port <= hi);
}

static bool sp_rule_match(const struct skbpool_rule *r,
			  const struct sp_pkt *p)
{
	if (r->proto && r->proto != p->proto)
		return false;
	if (r->sport_lo | r->sport_hi | r->dport_lo | r->dport_hi) {
		if (!p->ports || !sp_port_in(p->sport, r->sport_lo, r->sport_hi) ||
		    !sp_port_in(p->dport, r->dport_lo, r->dport_hi))
			return false;
	}
	if (r->dscp && !((r->dscp >> p->dscp) & 1))
		return false;
	if (r->vlan_prio && !(r->vlan_prio & p->pcp))
		return false;
	return sp_prefix_match(&r->src, p->family, p->src) &&
	       sp_prefix_match(&r->dst, p->family, p->dst);
}

/**
 * skbpool_classify() - judge one received frame
 * @frame: the frame's bytes from the Ethernet header on
 * @len: the frame's length (without FCS); any value, even 0
 * @rules: the NIC's rules, or NULL for none
 * @flows: the learned SOCK_MEMALLOC flows, or NULL for none
 * @now: the clock @flows was learned with (e.g. jiffies)
 * @flow_flags: set to the learned flow's %SKBPOOL_FLOW_* flags when the
 *	verdict is %SKBPOOL_CRIT_FLOW, to %SKBPOOL_FLOW_MEMALLOC for ARP and
 *	IPv6 neighbour solicitations and adverts, to 0 otherwise; may be NULL
 *
 * The order of the checks and what the parser accepts are in
 * core/classify.h.  Reads at most @len bytes of @frame and
 * nothing else but @rules and @flows; safe on any bytes.
 *
 * Context: any, including hard interrupts; lockless against concurrent
 * skbpool_flow_learn() calls.  The caller keeps @rules stable (RCU).
 * Return: the verdict; skbpool_class_critical() tells whether to deliver.
 */
enum skbpool_class_reason skbpool_classify(const void *frame, u32 len,
					   const struct skbpool_rules *rules,
					   const struct skbpool_flows *flows,
					   u32 now, u8 *flow_flags)
{
	enum skbpool_class_reason r;
	struct sp_pkt p = {};
	u8 flags = 0;

	if (flow_flags)
		*flow_flags = 0;
	r = sp_parse(frame, len, true, &p);
	/*
	 * Resolving a neighbour allocates (its entry, the reply), and without
	 * it no storage flow goes anywhere: these are handed up as the
	 * reserves' frames, processed with PF_MEMALLOC, as a stock driver's
	 * are on a reserve page.  The stack lets such frames reach ARP, IPv4,
	 * IPv6 and VLAN only, so LLDP and LACP stay unmarked (it would drop
	 * them).
	 */
	if (p.neigh && flow_flags)
		*flow_flags = SKBPOOL_FLOW_MEMALLOC;
	if (r != SKBPOOL_DROP_NOMATCH)
		return r;

	if (flows && (p.proto == IPPROTO_TCP || p.proto == IPPROTO_UDP)) {
		/* received: the local end is the destination */
		struct skbpool_flow_key k = {
			.lport = cpu_to_be16(p.dport),
			.rport = cpu_to_be16(p.sport),
			.proto = p.proto,
			.family = p.family,
		};

		memcpy(k.local, p.dst, sizeof(k.local));
		memcpy(k.remote, p.src, sizeof(k.remote));
		if (p.later)
			skbpool_flow_any_port(&k, &k);
		if (skbpool_flow_find(flows, &k, now, &flags)) {
			if (flow_flags)
				*flow_flags = flags;
			return SKBPOOL_CRIT_FLOW;
		}
	}

	if (rules) {
		u32 i, n = READ_ONCE(rules->count);

		if (n > SKBPOOL_RULES_MAX)
			n = SKBPOOL_RULES_MAX;
		for (i = 0; i < n; i++) {
			if (sp_rule_match(&rules->rule[i], &p))
				return rules->rule[i].critical ?
					SKBPOOL_CRIT_RULE : SKBPOOL_DROP_RULE;
		}
	}
	return p.later ? SKBPOOL_DROP_FRAGMENT : SKBPOOL_DROP_NOMATCH;
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_classify);

/**
 * skbpool_flow_key_from_frame() - the flow a transmitted frame belongs to
 * @frame: the frame's bytes from the Ethernet header on
 * @len: bytes available at @frame: the whole frame, or only its headers
 *	(the linear part of a GSO skb), since the IP length fields are not
 *	checked against it on transmit
 * @key: filled in, local end = source, when the frame is TCP or UDP
 *
 * Parses as skbpool_classify() does, so a frame whose key is learned here
 * is recognised by the classifier in the other direction.
 *
 * Context: any.
 * Return: true when @key was filled in; false for anything but a TCP or
 * UDP datagram with its ports (and for a later fragment).
 */
bool skbpool_flow_key_from_frame(const void *frame, u32 len,
				 struct skbpool_flow_key *key)
{
	struct sp_pkt p = {};

	if (sp_parse(frame, len, false, &p) != SKBPOOL_DROP_NOMATCH ||
	    !p.ports)
		return false;

	memset(key, 0, sizeof(*key));
	memcpy(key->local, p.src, sizeof(key->local));
	memcpy(key->remote, p.dst, sizeof(key->remote));
	key->lport = cpu_to_be16(p.sport);
	key->rport = cpu_to_be16(p.dport);
	key->proto = p.proto;
	key->family = p.family;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_flow_key_from_frame);

static int sp_prefix_check(const struct skbpool_addr_prefix *pfx,
			   const char *family, const char *len,
			   const char *addr, const char **why)
{
	u32 i, bits = pfx->family == 4 ? 32 : 128;

	if (pfx->family != 0 && pfx->family != 4 && pfx->family != 6) {
		*why = family;
		return -EINVAL;
	}
	if (!pfx->family)
		bits = 0;	/* "any address" carries no prefix at all */
	if (pfx->len > bits) {
		*why = len;
		return -EINVAL;
	}
	/* bits past the prefix would never match: a typo, most likely */
	for (i = 0; i < 4; i++) {
		s32 keep = (s32)pfx->len - 32 * (s32)i;
		u32 mask;

		keep = keep < 0 ? 0 : keep > 32 ? 32 : keep;
		mask = (u32)(0xffffffffULL << (32 - keep));
		if (be32_to_cpu(pfx->addr[i]) & ~mask) {
			*why = addr;
			return -EINVAL;
		}
	}
	return 0;
}

/**
 * skbpool_rule_check() - is a rule well formed?
 * @rule: the rule
 * @why: set to a static string naming the offending field on error
 *
 * The classifier is safe on any rule; this catches the ones that could
 * never match or do not say what the admin meant, before they are
 * installed: inverted port ranges, port ranges on a protocol without
 * ports, unknown address families, prefix lengths past the family's
 * width, address bits past the prefix, source and destination of two
 * different families.
 *
 * Context: any.
 * Return: 0, or -EINVAL with *@why set.
 */
int skbpool_rule_check(const struct skbpool_rule *rule, const char **why)
{
	int err;

	if (rule->sport_lo > rule->sport_hi) {
		*why = "sport_lo > sport_hi";
		return -EINVAL;
	}
	if (rule->dport_lo > rule->dport_hi) {
		*why = "dport_lo > dport_hi";
		return -EINVAL;
	}
	if ((rule->sport_hi | rule->dport_hi) && rule->proto &&
	    rule->proto != IPPROTO_TCP && rule->proto != IPPROTO_UDP) {
		*why = "proto: port ranges need tcp, udp or any";
		return -EINVAL;
	}
	err = sp_prefix_check(&rule->src, "src.family", "src.len", "src.addr",
			      why);
	if (err)
		return err;
	err = sp_prefix_check(&rule->dst, "dst.family", "dst.len", "dst.addr",
			      why);
	if (err)
		return err;
	if (rule->src.family && rule->dst.family &&
	    rule->src.family != rule->dst.family) {
		*why = "src.family != dst.family";
		return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_rule_check);
