// SPDX-License-Identifier: GPL-2.0
/*
 * The critical-traffic classifier: what core/classify.h
 * promises, on nothing but the frame's bytes.
 *
 * The same file is built into skbpool.ko and, through
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
#define SP_ND_HOP_LIMIT		255

#define SP_SLOW_LACP	1
#define SP_SLOW_MARKER	2

#define SP_FLOW_BITS	11
#define SP_KEY_WORDS	(sizeof(struct skbpool_flow_key) / sizeof(u32))
#define SP_KEY_PORTS	8	/* the word holding lport and rport */
#define SP_KEY_FLAGS	9	/* the word holding proto ... flags */

static_assert((1 << SP_FLOW_BITS) == SKBPOOL_FLOW_SLOTS);
/* Keys are hashed and compared as ten u32 words; the ports are word 8. */
static_assert(sizeof(struct skbpool_flow_key) == 40);
static_assert(offsetof(struct skbpool_flow_key, lport) == SP_KEY_PORTS * 4);
static_assert(offsetof(struct skbpool_flow_key, proto) == (SP_KEY_PORTS + 1) * 4);
static_assert(offsetof(struct skbpool_flow_key, flags) / 4 == SP_KEY_FLAGS);

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
	if (next == IPPROTO_ICMPV6)
		return sp_icmpv6(ip + off, end - off, ip[7], frag);
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

/* The bits of key word SP_KEY_FLAGS that hold @flags, whatever the byte order. */
static const union {
	struct skbpool_flow_key key;
	u32 w[SP_KEY_WORDS];
} sp_flags_bits = { .key = { .flags = 0xff } };

/*
 * The whole flow, ports included, so that flows between one pair of hosts
 * spread over the table (a later fragment finds the any-port entry of its
 * addresses instead); not the flags, which are no part of the flow.
 * Multiply-and-fold, taking the high bits of the last product, which
 * depend on every input bit.
 */
static u32 sp_flow_hash(const u32 *k)
{
	u32 h = k[SP_KEY_FLAGS] & ~sp_flags_bits.w[SP_KEY_FLAGS], i;

	for (i = 0; i <= SP_KEY_PORTS; i++) {
		h = (h ^ k[i]) * 0x9e3779b1;
		h ^= h >> 15;
	}
	return (h * 0x85ebca6b) >> (32 - SP_FLOW_BITS);
}

/* A slot's key differs from @k: in the flow, not in its flags. */
static u32 sp_key_diff(const struct skbpool_flow *s, const u32 *k)
{
	const u32 *w = (const u32 *)&s->key;
	u32 diff = 0, i;

	for (i = 0; i < SP_KEY_WORDS; i++)
		diff |= (READ_ONCE(w[i]) ^ k[i]) &
			(i == SP_KEY_FLAGS ? ~sp_flags_bits.w[i] : U32_MAX);
	return diff;
}

/* The flags of a slot whose key matched. */
static u8 sp_slot_flags(const struct skbpool_flow *s)
{
	return READ_ONCE(s->key.flags);
}

/* The entry every flow between @key's addresses over its protocol shares. */
static void sp_any_port_key(const struct skbpool_flow_key *key,
			    struct skbpool_flow_key *any)
{
	*any = *key;
	any->lport = 0;
	any->rport = 0;
	any->any_port = 1;
}

static bool sp_flow_find(const struct skbpool_flows *flows, const u32 *k,
			 u32 now, u8 *flags)
{
	u32 t = now | 1, max_age = READ_ONCE(flows->max_age);
	u32 h = sp_flow_hash(k), i;

	for (i = 0; i < SKBPOOL_FLOW_PROBE; i++) {
		const struct skbpool_flow *s =
			&flows->slot[(h + i) & (SKBPOOL_FLOW_SLOTS - 1)];
		u32 seq, seen, diff;
		u8 f;

		/* pairs with the publishing release in skbpool_flow_learn() */
		seq = smp_load_acquire(&s->seq);
		seen = READ_ONCE(s->last_seen);
		/* never written: no flow lies past it (classify.h) */
		if (!seen && !(seq & 1))
			break;
		diff = sp_key_diff(s, k);
		f = sp_slot_flags(s);
		/*
		 * Reads of the slot before the second read of seq: an unchanged
		 * even seq means no writer touched what was compared (the
		 * writer's odd seq is ordered before its stores by cmpxchg).
		 */
		smp_rmb();
		if (!(seq & 1) && seen && t - seen <= max_age && !diff &&
		    READ_ONCE(s->seq) == seq) {
			*flags = f;
			return true;
		}
	}
	return false;
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
 *	verdict is %SKBPOOL_CRIT_FLOW, to 0 otherwise; may be NULL
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
			sp_any_port_key(&k, &k);
		if (sp_flow_find(flows, (const u32 *)&k, now, &flags)) {
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

/*
 * Refresh @k's live entry, or take the first empty or aged slot of its
 * window.  Live entries of other flows are never taken: returns false
 * when all of the window is live.  A slot another CPU is writing is
 * skipped, and losing the race to claim a slot is not an error: the next
 * transmit tries again.
 */
static bool sp_flow_learn_one(struct skbpool_flows *flows, const u32 *k,
			      u32 now)
{
	u8 flags = ((const struct skbpool_flow_key *)k)->flags;
	struct skbpool_flow *victim = NULL;
	u32 t = now | 1, vseq = 0, max_age = READ_ONCE(flows->max_age);
	u32 h = sp_flow_hash(k), i, *w;

	for (i = 0; i < SKBPOOL_FLOW_PROBE; i++) {
		struct skbpool_flow *s =
			&flows->slot[(h + i) & (SKBPOOL_FLOW_SLOTS - 1)];
		u32 seq, seen, diff;

		/* a consistent read of the slot, as in sp_flow_find() */
		seq = smp_load_acquire(&s->seq);
		seen = READ_ONCE(s->last_seen);
		diff = sp_key_diff(s, k);
		/* the slot's reads before seq is read again, as in sp_flow_find() */
		smp_rmb();
		if ((seq & 1) || READ_ONCE(s->seq) != seq)
			continue;
		if (seen && t - seen <= max_age) {
			if (diff)
				continue;	/* another live flow: never taken */
			/* no store when it would not change: keep the line clean */
			if (seen != t)
				WRITE_ONCE(s->last_seen, t);
			/* a byte no reader compares: a plain store, like the time */
			if (sp_slot_flags(s) != flags)
				WRITE_ONCE(s->key.flags, flags);
			return true;
		}
		if (!victim) {
			victim = s;
			vseq = seq;
		}
		/* never written: the flow is not further on either */
		if (!seen)
			break;
	}
	if (!victim)
		return false;
	/*
	 * Claim: odd seq, fully ordered before the stores below, so a reader
	 * that saw any of them sees seq change.  Losing the race to another
	 * writer means giving up: the next transmit tries again.
	 */
	if (cmpxchg(&victim->seq, vseq, vseq + 1) != vseq)
		return true;

	w = (u32 *)&victim->key;
	for (i = 0; i < SP_KEY_WORDS; i++)
		WRITE_ONCE(w[i], k[i]);
	WRITE_ONCE(victim->last_seen, t);
	/* publish: key and time are visible before the even seq */
	smp_store_release(&victim->seq, vseq + 2);
	return true;
}

/**
 * skbpool_flow_learn() - remember or refresh a SOCK_MEMALLOC flow
 * @flows: the table; NULL is a no-op
 * @key: the flow, as skbpool_flow_key_from_frame() fills it
 * @now: the caller's clock (e.g. jiffies)
 *
 * Learns the flow and the any-port entry of its addresses (for its later
 * fragments), each in the first empty or aged slot of its probe window;
 * a live entry of another flow is never replaced.  @key's flags are
 * stored with it (and replace those of a live entry of the same flow).
 * Never loops, never waits.
 *
 * Context: any, including hard interrupts, concurrently on any CPU.
 * Return: false when a probe window was all live entries of other flows,
 * so the flow (or its fragments) will not be recognised: the caller
 * counts it.  True otherwise, also for a NULL @flows.
 */
bool skbpool_flow_learn(struct skbpool_flows *flows,
			const struct skbpool_flow_key *key, u32 now)
{
	struct skbpool_flow_key any;
	bool learned;

	if (!flows)
		return true;
	learned = sp_flow_learn_one(flows, (const u32 *)key, now);
	sp_any_port_key(key, &any);
	return sp_flow_learn_one(flows, (const u32 *)&any, now) && learned;
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_flow_learn);

/**
 * skbpool_flow_read() - one slot of the flow table, for a listing
 * @flows: the table
 * @i: the slot, below %SKBPOOL_FLOW_SLOTS
 * @now: the caller's clock, the one skbpool_flow_learn() was given
 * @key: filled with the slot's flow when it is live
 * @age: filled with the ticks since the flow was last seen on transmit
 *
 * The same lockless read as a lookup: a slot a writer is filling, or
 * refills while it is read, is skipped rather than reported torn; the
 * next listing sees it.  Any-port entries (skbpool_flow_learn()) are not
 * flows and are skipped too.
 *
 * Context: any.
 * Return: true when slot @i holds a live flow.
 */
bool skbpool_flow_read(const struct skbpool_flows *flows, u32 i, u32 now,
		       struct skbpool_flow_key *key, u32 *age)
{
	const struct skbpool_flow *s = &flows->slot[i & (SKBPOOL_FLOW_SLOTS - 1)];
	const u32 *w = (const u32 *)&s->key;
	u32 *k = (u32 *)key, seq, seen, j;

	/* pairs with the publishing release in skbpool_flow_learn() */
	seq = smp_load_acquire(&s->seq);
	seen = READ_ONCE(s->last_seen);
	for (j = 0; j < SP_KEY_WORDS; j++)
		k[j] = READ_ONCE(w[j]);
	/* the slot's reads before seq is read again, as in sp_flow_find() */
	smp_rmb();
	if ((seq & 1) || !seen || READ_ONCE(s->seq) != seq || key->any_port)
		return false;
	*age = (now | 1) - seen;
	return *age <= READ_ONCE(flows->max_age);
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_flow_read);

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
