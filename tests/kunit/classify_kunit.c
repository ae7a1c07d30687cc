// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the critical-traffic classifier, table-driven.
 *
 * Frames are built from a short description (tags, network layer,
 * extension headers, transport, fragment fields) and then broken on
 * purpose by byte patches or truncation, so every case names the one
 * property it is about.  Flows are learned the way the kernel learns them:
 * skbpool_flow_key_from_frame() on a transmitted frame, then
 * skbpool_flow_learn(); the case's frame is the reply.
 */
#include <kunit/test.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/string.h>

#include "../../core/classify.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define FB_MAX		512

/* Hosts: A is this machine, B its peer, C and D elsewhere. */
enum { HOST_DEFAULT, HOST_A, HOST_B, HOST_C, HOST_D };

static const u8 v4_host[][4] = {
	[HOST_A] = { 192, 0, 2, 1 },
	[HOST_B] = { 192, 0, 2, 2 },
	[HOST_C] = { 198, 51, 100, 7 },
	[HOST_D] = { 192, 0, 2, 129 },
};

static const u8 v6_host[][16] = {
	[HOST_A] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 },
	[HOST_B] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 },
	[HOST_C] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 9 },
	[HOST_D] = { 0x20, 0x01, 0x0d, 0xb8, [8] = 0x80, [15] = 1 },
};

#define V4(a, b, c, d)	{ cpu_to_be32((u32)(a) << 24 | (b) << 16 | (c) << 8 | (d)) }
#define V6(w0, w1, w2, w3) \
	{ cpu_to_be32(w0), cpu_to_be32(w1), cpu_to_be32(w2), cpu_to_be32(w3) }

struct vtag {
	u16 tpid;	/* 0: 802.1Q */
	u8 pcp;
};

/* Where a patch applies: the frame start, the network or transport header. */
enum { AT_NONE, AT_ABS, AT_L3, AT_L4 };

struct fpatch {
	u8 at;
	u8 off;
	u8 val;
};

struct fspec {
	u8 ntags;
	struct vtag tag[3];
	u16 type;		/* ethertype after the tags */
	u8 src, dst;		/* HOST_*; default: B to A, a received frame */
	u8 proto;
	u8 dscp;
	u8 hlim;		/* IPv6 hop limit / IPv4 TTL; 0: 64 */
	u8 v4_opt_words;	/* IPv4 options, in 32-bit words */
	u16 frag;		/* IPv4 flags+offset field, as on the wire */
	u8 next;		/* IPv6 extension headers, in order */
	u8 ext[10];
	u16 frag6;		/* IPv6 fragment header offset+M, as on the wire */
	u16 sport, dport;
	u8 icmp_type, icmp_code;
	u8 subtype;		/* slow protocols */
	u8 data;		/* payload bytes after the headers */
	u8 pad;			/* bytes past the IP datagram (Ethernet padding) */
	struct fpatch patch[3];
	int cut;		/* > 0: keep this many bytes; < 0: drop this many */
};

struct frame {
	u8 b[FB_MAX];
	u32 len, l3, l4;
};

static void put16(u8 *p, u16 v)
{
	p[0] = v >> 8;
	p[1] = v;
}

/* Transport header (none in a later fragment), then the payload. */
static u32 fb_l4(const struct fspec *s, u8 *b, u32 n, bool later)
{
	if (!later) {
		switch (s->proto) {
		case IPPROTO_TCP:
			put16(b + n, s->sport);
			put16(b + n + 2, s->dport);
			b[n + 12] = 5 << 4;
			b[n + 13] = 0x10;	/* ACK */
			n += 20;
			break;
		case IPPROTO_UDP:
			put16(b + n, s->sport);
			put16(b + n + 2, s->dport);
			put16(b + n + 4, 8 + s->data);
			n += 8;
			break;
		case IPPROTO_ICMPV6:
			b[n] = s->icmp_type;
			b[n + 1] = s->icmp_code;
			n += 24;	/* header, reserved, a target address */
			break;
		case IPPROTO_ICMP:
			b[n] = 8;	/* echo request */
			n += 8;
			break;
		}
	}
	return n + s->data;
}

static u32 fb_ipv4(const struct fspec *s, struct frame *f, u32 ip, u8 src, u8 dst)
{
	u32 ihl = 20 + 4 * s->v4_opt_words, n;
	u8 *b = f->b;

	b[ip] = 0x40 | ihl / 4;
	b[ip + 1] = s->dscp << 2;
	put16(b + ip + 4, 0x1234);
	put16(b + ip + 6, s->frag);
	b[ip + 8] = s->hlim ?: 64;
	b[ip + 9] = s->proto;
	memcpy(b + ip + 12, v4_host[src], 4);
	memcpy(b + ip + 16, v4_host[dst], 4);
	memset(b + ip + 20, 1, ihl - 20);	/* NOP options */
	f->l4 = ip + ihl;
	n = fb_l4(s, b, f->l4, s->frag & 0x1fff);
	put16(b + ip + 2, n - ip);
	return n;
}

static u32 fb_ipv6(const struct fspec *s, struct frame *f, u32 ip, u8 src, u8 dst)
{
	bool later = false;
	u8 *b = f->b;
	u32 n = ip + 40, i;

	b[ip] = 0x60 | s->dscp >> 2;
	b[ip + 1] = (s->dscp & 3) << 6;
	b[ip + 6] = s->next ? s->ext[0] : s->proto;
	b[ip + 7] = s->hlim ?: 64;
	memcpy(b + ip + 8, v6_host[src], 16);
	memcpy(b + ip + 24, v6_host[dst], 16);
	for (i = 0; i < s->next; i++) {
		b[n] = i + 1 < s->next ? s->ext[i + 1] : s->proto;
		if (s->ext[i] == IPPROTO_FRAGMENT) {
			put16(b + n + 2, s->frag6);
			later = s->frag6 & 0xfff8;
			n += 8;
		} else if (s->ext[i] == IPPROTO_AH) {
			b[n + 1] = 1;		/* (1 + 2) * 4 bytes */
			n += 12;
		} else {
			b[n + 2] = 1;		/* a PadN option */
			b[n + 3] = 4;
			n += 8;
		}
	}
	f->l4 = n;
	n = fb_l4(s, b, n, later);
	put16(b + ip + 4, n - ip - 40);
	return n;
}

static void fb_build(struct kunit *test, const struct fspec *s, struct frame *f)
{
	u8 src = s->src ?: HOST_B, dst = s->dst ?: HOST_A;
	u8 *b = f->b;
	u32 n = 12, i;

	memset(f, 0, sizeof(*f));
	memset(b, 0x02, 12);		/* locally administered MACs */
	for (i = 0; i < s->ntags; i++) {
		put16(b + n, s->tag[i].tpid ?: ETH_P_8021Q);
		put16(b + n + 2, s->tag[i].pcp << 13 | (10 + i));
		n += 4;
	}
	put16(b + n, s->type);
	n += 2;
	f->l3 = n;

	switch (s->type) {
	case ETH_P_IP:
		n = fb_ipv4(s, f, n, src, dst);
		break;
	case ETH_P_IPV6:
		n = fb_ipv6(s, f, n, src, dst);
		break;
	case ETH_P_ARP:
		put16(b + n, 1);		/* Ethernet */
		put16(b + n + 2, ETH_P_IP);
		b[n + 4] = 6;
		b[n + 5] = 4;
		put16(b + n + 6, 1);		/* request */
		memcpy(b + n + 14, v4_host[src], 4);
		memcpy(b + n + 24, v4_host[dst], 4);
		n += 28;
		break;
	case ETH_P_SLOW:
		b[n] = s->subtype;
		b[n + 1] = 1;
		n += 110;			/* a LACPDU's size */
		break;
	default:
		n += s->data;
		break;
	}
	n += s->pad;
	KUNIT_ASSERT_LE(test, n, FB_MAX);

	for (i = 0; i < ARRAY_SIZE(s->patch); i++) {
		const struct fpatch *p = &s->patch[i];
		u32 at = p->at == AT_L3 ? f->l3 : p->at == AT_L4 ? f->l4 : 0;

		if (p->at != AT_NONE)
			b[at + p->off] = p->val;
	}
	if (s->cut > 0)
		n = s->cut;
	else if (s->cut < 0)
		n += s->cut;
	f->len = n;
}

/* A received frame's reply direction: what this host transmitted. */
static void fb_reverse(const struct fspec *s, struct fspec *tx)
{
	*tx = *s;
	tx->src = s->dst ?: HOST_A;
	tx->dst = s->src ?: HOST_B;
	tx->sport = s->dport;
	tx->dport = s->sport;
	tx->frag = 0;
	tx->frag6 = 0;
	memset(tx->patch, 0, sizeof(tx->patch));
	tx->cut = 0;
}

/* ---- frames used by several cases ---- */

#define ARP		.type = ETH_P_ARP
#define V4_TCP(sp, dp)	.type = ETH_P_IP, .proto = IPPROTO_TCP, .sport = sp, .dport = dp
#define V4_UDP(sp, dp)	.type = ETH_P_IP, .proto = IPPROTO_UDP, .sport = sp, .dport = dp
#define V6_TCP(sp, dp)	.type = ETH_P_IPV6, .proto = IPPROTO_TCP, .sport = sp, .dport = dp
#define V6_UDP(sp, dp)	.type = ETH_P_IPV6, .proto = IPPROTO_UDP, .sport = sp, .dport = dp
#define ICMP6(t)	.type = ETH_P_IPV6, .proto = IPPROTO_ICMPV6, .icmp_type = t
#define ND(t)		ICMP6(t), .hlim = 255
#define V4_LATER	.frag = 185		/* offset 1480 bytes, last */
#define V4_FIRST	.frag = 0x2000		/* MF, offset 0 */
#define V6_FRAG(x)	.next = 1, .ext = { IPPROTO_FRAGMENT }, .frag6 = (x)
#define V6_LATER	V6_FRAG(1480)		/* offset 185 * 8, last */
#define V6_FIRST	V6_FRAG(1)		/* M, offset 0 */
#define PATCH(a, o, v)	{ AT_##a, o, v }

/* ---- rule sets ---- */

/* A rule set: its rules and how many. */
struct rule_set {
	u32 n;
	struct skbpool_rule r[2];
};

#define R(...)		{ __VA_ARGS__ }
#define PFX4(l, ...)	{ .family = 4, .len = l, .addr = V4(__VA_ARGS__) }
#define PFX6(l, ...)	{ .family = 6, .len = l, .addr = V6(__VA_ARGS__) }

static const struct rule_set r_udp5000 = { 1, {
	R(.critical = true, .proto = IPPROTO_UDP, .dport_lo = 5000, .dport_hi = 5010),
} };

static const struct rule_set r_sport_any_proto = { 1, {
	R(.critical = true, .sport_lo = 100, .sport_hi = 200),
} };

/* A range from port 0: a datagram without ports must still miss it. */
static const struct rule_set r_sport_from_0 = { 1, {
	R(.critical = true, .sport_lo = 0, .sport_hi = 1023),
} };

static const struct rule_set r_bulk_first = { 2, {
	R(.critical = false, .proto = IPPROTO_UDP),
	R(.critical = true, .proto = IPPROTO_UDP, .dport_lo = 5000, .dport_hi = 5000),
} };

static const struct rule_set r_crit_first = { 2, {
	R(.critical = true, .proto = IPPROTO_UDP, .dport_lo = 5000, .dport_hi = 5000),
	R(.critical = false, .proto = IPPROTO_UDP),
} };

static const struct rule_set r_all_bulk = { 1, { R(.critical = false) } };
static const struct rule_set r_all_critical = { 1, { R(.critical = true) } };
static const struct rule_set r_dscp_ef = { 1, { R(.critical = true, .dscp = 1ULL << 46) } };
static const struct rule_set r_dscp_63 = { 1, { R(.critical = true, .dscp = 1ULL << 63) } };
static const struct rule_set r_prio6 = { 1, { R(.critical = true, .vlan_prio = 1 << 6) } };
static const struct rule_set r_prio0 = { 1, { R(.critical = true, .vlan_prio = 1 << 0) } };

static const struct rule_set r_src_v4_24 = { 1, {
	R(.critical = true, .src = PFX4(24, 192, 0, 2, 0)),
} };

static const struct rule_set r_src_v4_25 = { 1, {
	R(.critical = true, .src = PFX4(25, 192, 0, 2, 128)),
} };

static const struct rule_set r_dst_v4_32 = { 1, {
	R(.critical = true, .dst = PFX4(32, 192, 0, 2, 1)),
} };

static const struct rule_set r_dst_c_24 = { 1, {
	R(.critical = true, .dst = PFX4(24, 198, 51, 100, 0)),
} };

static const struct rule_set r_v4_any = { 1, { R(.critical = true, .src = PFX4(0, 0, 0, 0, 0)) } };

static const struct rule_set r_src_v6_64 = { 1, {
	R(.critical = true, .src = PFX6(64, 0x20010db8, 0, 0, 0)),
} };

static const struct rule_set r_src_v6_65 = { 1, {
	R(.critical = true, .src = PFX6(65, 0x20010db8, 0, 0x80000000, 0)),
} };

static const struct rule_set r_src_v6_127 = { 1, {
	R(.critical = true, .src = PFX6(127, 0x20010db8, 0, 0, 2)),
} };

static const struct rule_set r_src_v6_128 = { 1, {
	R(.critical = true, .src = PFX6(128, 0x20010db8, 0, 0, 2)),
} };

/* No port range: these may claim later fragments. */
static const struct rule_set r_udp_from_b = { 1, {
	R(.critical = true, .proto = IPPROTO_UDP, .src = PFX4(32, 192, 0, 2, 2)),
} };

static const struct rule_set r_udp_from_b6 = { 1, {
	R(.critical = true, .proto = IPPROTO_UDP, .src = PFX6(128, 0x20010db8, 0, 0, 2)),
} };

static const struct rule_set r_udp_bulk = { 1, { R(.critical = false, .proto = IPPROTO_UDP) } };

#define RULES(r)	.rules = &(r)

/* ---- the table ---- */

struct cls_case {
	const char *name;
	struct fspec f;
	const struct rule_set *rules;
	bool learn;		/* first learn the flow this frame replies to */
	struct fspec learned;	/* ... or this transmitted frame's flow */
	bool timed;		/* else learned and judged at 1001, max_age 100 */
	u32 learn_at, now, max_age;
	bool no_flows;		/* pass NULL for the flow table */
	enum skbpool_class_reason want;
};

#define LINK		SKBPOOL_CRIT_LINK
#define FLOW		SKBPOOL_CRIT_FLOW
#define CRIT		SKBPOOL_CRIT_RULE
#define NONIP		SKBPOOL_DROP_NONIP
#define BAD		SKBPOOL_DROP_MALFORMED
#define FRAG		SKBPOOL_DROP_FRAGMENT
#define BULK		SKBPOOL_DROP_RULE
#define NOMATCH		SKBPOOL_DROP_NOMATCH

#define EXT_CHAIN(n, ...)	.next = n, .ext = { __VA_ARGS__ }
#define DST		IPPROTO_DSTOPTS

static const struct cls_case cls_cases[] = {
	/* link-layer control */
	{ "arp", { ARP }, .want = LINK },
	{ "arp in 802.1Q", { ARP, .ntags = 1 }, .want = LINK },
	{ "arp in QinQ 88a8/8100", { ARP, .ntags = 2, .tag = { { ETH_P_8021AD }, {} } },
	  .want = LINK },
	{ "arp in QinQ 8100/8100", { ARP, .ntags = 2 }, .want = LINK },
	{ "arp under three tags is not parsed", { ARP, .ntags = 3 }, .want = NONIP },
	{ "arp with long addresses past the frame",
	  { ARP, .patch = { PATCH(L3, 4, 16) } }, .want = BAD },
	{ "arp beats a bulk catch-all rule", { ARP }, RULES(r_all_bulk), .want = LINK },
	{ "lldp", { .type = ETH_P_LLDP, .data = 24 }, .want = LINK },
	{ "lacp", { .type = ETH_P_SLOW, .subtype = 1 }, .want = LINK },
	{ "lacp marker", { .type = ETH_P_SLOW, .subtype = 2 }, .want = LINK },
	{ "slow protocol oam is not link control", { .type = ETH_P_SLOW, .subtype = 3 },
	  .want = NONIP },
	{ "slow protocol without a subtype", { .type = ETH_P_SLOW, .cut = 14 }, .want = BAD },
	{ "nd router solicitation", { ND(133) }, .want = LINK },
	{ "nd router advertisement", { ND(134) }, .want = LINK },
	{ "nd neighbour solicitation", { ND(135) }, .want = LINK },
	{ "nd neighbour advertisement", { ND(136) }, .want = LINK },
	{ "nd redirect", { ND(137) }, .want = LINK },
	{ "nd in 802.1Q", { ND(135), .ntags = 1 }, .want = LINK },
	{ "nd after hop-by-hop and dst options",
	  { ND(135), EXT_CHAIN(2, IPPROTO_HOPOPTS, IPPROTO_DSTOPTS) }, .want = LINK },
	{ "nd with hop limit 64 is not from the link", { ICMP6(135), .hlim = 64 },
	  .want = NOMATCH },
	{ "nd with code 1", { ND(136), .icmp_code = 1 }, .want = NOMATCH },
	{ "nd in an atomic fragment (RFC 6980)", { ND(135), V6_FRAG(0) }, .want = NOMATCH },
	{ "nd of 4 bytes", { ND(135), .patch = { PATCH(L3, 5, 4) } }, .want = BAD },
	{ "icmpv6 of 2 bytes", { ND(128), .patch = { PATCH(L3, 5, 2) } }, .want = BAD },
	{ "icmpv6 echo (128) is not link control", { ND(128) }, .want = NOMATCH },
	{ "icmpv6 type 132 is not link control", { ND(132) }, .want = NOMATCH },
	{ "icmpv6 type 138 is not link control", { ND(138) }, .want = NOMATCH },
	{ "udp whose bytes read as a solicitation",
	  { V6_UDP(135 << 8, 5000), .hlim = 255, EXT_CHAIN(1, IPPROTO_DSTOPTS) },
	  .want = NOMATCH },
	{ "icmpv6 numbers inside ipv4",
	  { .type = ETH_P_IP, .proto = IPPROTO_ICMPV6, .icmp_type = 135, .hlim = 255 },
	  .want = NOMATCH },
	{ "echo request (ipv4 icmp)", { .type = ETH_P_IP, .proto = IPPROTO_ICMP },
	  .want = NOMATCH },

	/* non-IP and plain malformed */
	{ "local experimental ethertype", { .type = 0x88b5, .data = 30 }, .want = NONIP },
	{ "802.3 length field (stp)", { .type = 38, .data = 38 }, .want = NONIP },
	{ "critical catch-all does not make non-IP critical",
	  { .type = 0x88b5, .data = 30 }, RULES(r_all_critical), .want = NONIP },
	{ "one byte", { ARP, .cut = 1 }, .want = BAD },
	{ "13 bytes", { ARP, .cut = 13 }, .want = BAD },
	{ "802.1Q tag cut after its TCI", { ARP, .ntags = 1, .cut = 16 }, .want = BAD },

	/* IPv4 header */
	{ "ipv4 with 40 bytes of options", { V4_UDP(1, 5000), .v4_opt_words = 10 },
	  RULES(r_udp5000), .want = CRIT },
	{ "ipv4 ihl 4", { V4_UDP(1, 5000), .patch = { PATCH(L3, 0, 0x44) } },
	  RULES(r_udp5000), .want = BAD },
	{ "ipv4 ihl past the total length", { V4_UDP(1, 5000), .patch = { PATCH(L3, 0, 0x4f) } },
	  RULES(r_udp5000), .want = BAD },
	{ "ipv4 total length below ihl",
	  { V4_UDP(1, 5000), .patch = { PATCH(L3, 2, 0), PATCH(L3, 3, 16) } },
	  RULES(r_udp5000), .want = BAD },
	{ "ipv4 total length past the frame", { V4_UDP(1, 5000), .cut = -1 },
	  RULES(r_udp5000), .want = BAD },
	{ "ipv4 with ethernet padding", { V4_UDP(1, 5000), .pad = 18 },
	  RULES(r_udp5000), .want = CRIT },
	{ "version 6 behind ethertype ipv4",
	  { V4_UDP(1, 5000), .patch = { PATCH(L3, 0, 0x65) } }, .want = BAD },
	{ "udp header cut by the total length",
	  { V4_UDP(1, 5000), .patch = { PATCH(L3, 2, 0), PATCH(L3, 3, 24) } },
	  RULES(r_udp5000), .want = BAD },
	{ "tcp data offset 4", { V4_TCP(1, 80), .patch = { PATCH(L4, 12, 0x40) } },
	  .want = BAD },
	{ "tcp data offset past the datagram", { V4_TCP(1, 80), .patch = { PATCH(L4, 12, 0xf0) } },
	  .want = BAD },
	{ "tcp with options inside the datagram",
	  { V4_TCP(1, 80), .data = 12, .patch = { PATCH(L4, 12, 0x80) } }, .want = NOMATCH },

	/* IPv6 header and extension chain */
	{ "version 4 behind ethertype ipv6",
	  { V6_UDP(1, 5000), .patch = { PATCH(L3, 0, 0x40) } }, .want = BAD },
	{ "ipv6 payload length past the frame", { V6_UDP(1, 5000), .cut = -1 }, .want = BAD },
	{ "ipv6 with ethernet padding", { V6_UDP(1, 5000), .pad = 6 }, RULES(r_udp5000),
	  .want = CRIT },
	{ "ipv6 chain of 8 headers",
	  { V6_UDP(1, 5000), EXT_CHAIN(8, DST, DST, DST, DST, DST, DST, DST, DST) },
	  RULES(r_udp5000), .want = CRIT },
	{ "ipv6 chain of 9 headers",
	  { V6_UDP(1, 5000), EXT_CHAIN(9, DST, DST, DST, DST, DST, DST, DST, DST, DST) },
	  RULES(r_udp5000), .want = BAD },
	{ "ipv6 hop-by-hop, routing, dst, fragment, ah",
	  { V6_UDP(1, 5000), EXT_CHAIN(5, IPPROTO_HOPOPTS, IPPROTO_ROUTING, IPPROTO_DSTOPTS,
				      IPPROTO_FRAGMENT, IPPROTO_AH) },
	  RULES(r_udp5000), .want = CRIT },
	{ "ipv6 hop-by-hop second", { V6_UDP(1, 5000), EXT_CHAIN(2, IPPROTO_DSTOPTS,
								 IPPROTO_HOPOPTS) },
	  RULES(r_udp5000), .want = BAD },
	{ "ipv6 extension header longer than the payload",
	  { V6_UDP(1, 5000), EXT_CHAIN(1, IPPROTO_DSTOPTS), .patch = { PATCH(L3, 41, 9) } },
	  RULES(r_udp5000), .want = BAD },
	{ "ipv6 extension header cut short",
	  { V6_UDP(1, 5000), EXT_CHAIN(1, IPPROTO_ROUTING), .patch = { PATCH(L3, 5, 4) } },
	  RULES(r_udp5000), .want = BAD },
	{ "ipv6 esp: no ports", { .type = ETH_P_IPV6, .proto = 50, .data = 16 },
	  RULES(r_udp5000), .want = NOMATCH },
	{ "ipv6 no next header", { .type = ETH_P_IPV6, .proto = 59 }, .want = NOMATCH },

	/* fragments */
	{ "ipv4 first fragment judged by its ports", { V4_UDP(1, 5000), V4_FIRST },
	  RULES(r_udp5000), .want = CRIT },
	{ "ipv4 later fragment: port rule cannot match", { V4_UDP(1, 5000), V4_LATER, .data = 16 },
	  RULES(r_udp5000), .want = FRAG },
	{ "ipv4 later fragment: rule without ports",
	  { V4_UDP(1, 5000), V4_LATER, .data = 16 }, RULES(r_udp_from_b), .want = CRIT },
	{ "ipv4 later fragment: bulk rule without ports",
	  { V4_UDP(1, 5000), V4_LATER, .data = 16 }, RULES(r_udp_bulk), .want = BULK },
	{ "ipv4 later fragment of a learned flow",
	  { V4_UDP(7000, 7001), V4_LATER, .data = 16 }, .learn = true, .want = FLOW },
	{ "ipv4 later fragment from another host",
	  { V4_UDP(7000, 7001), V4_LATER, .data = 16, .src = HOST_C },
	  .learned = { V4_UDP(7001, 7000), .src = HOST_A, .dst = HOST_B }, .want = FRAG },
	{ "ipv4 later fragment, learned flow of another protocol",
	  { V4_UDP(7000, 7001), V4_LATER, .data = 16 },
	  .learned = { V4_TCP(7001, 7000), .src = HOST_A, .dst = HOST_B }, .want = FRAG },
	{ "ipv4 later fragment of icmp, nothing claims it",
	  { .type = ETH_P_IP, .proto = IPPROTO_ICMP, V4_LATER, .data = 8 }, .want = FRAG },
	{ "ipv6 first fragment judged by its ports", { V6_UDP(1, 5000), V6_FIRST },
	  RULES(r_udp5000), .want = CRIT },
	{ "ipv6 later fragment: port rule cannot match", { V6_UDP(1, 5000), V6_LATER, .data = 16 },
	  RULES(r_udp5000), .want = FRAG },
	{ "ipv6 later fragment: rule without ports",
	  { V6_UDP(1, 5000), V6_LATER, .data = 16 }, RULES(r_udp_from_b6), .want = CRIT },
	{ "ipv6 later fragment of a learned flow",
	  { V6_UDP(7000, 7001), V6_LATER, .data = 16 }, .learn = true, .want = FLOW },
	{ "ipv6 later fragment after dst options, learned flow",
	  { V6_UDP(7000, 7001), EXT_CHAIN(2, IPPROTO_DSTOPTS, IPPROTO_FRAGMENT), .frag6 = 1480,
	    .data = 16 }, .learn = true, .want = FLOW },
	{ "ipv6 atomic fragment keeps its ports", { V6_UDP(1, 5000), V6_FRAG(0) },
	  RULES(r_udp5000), .want = CRIT },
	{ "ipv6 later fragment cut in its fragment header",
	  { V6_UDP(1, 5000), V6_LATER, .patch = { PATCH(L3, 5, 4) } }, .want = BAD },

	/* learned flows, replies to what this host sent */
	{ "tcp4 reply of a learned flow", { V4_TCP(10809, 40000) }, .learn = true, .want = FLOW },
	{ "udp4 reply of a learned flow", { V4_UDP(5000, 5001) }, .learn = true, .want = FLOW },
	{ "tcp6 reply of a learned flow", { V6_TCP(10809, 40000) }, .learn = true, .want = FLOW },
	{ "udp6 reply of a learned flow", { V6_UDP(5000, 5001) }, .learn = true, .want = FLOW },
	{ "tagged reply of an untagged flow", { V4_TCP(10809, 40000), .ntags = 2 },
	  .learned = { V4_TCP(40000, 10809), .src = HOST_A, .dst = HOST_B }, .want = FLOW },
	{ "tcp4 reply to another local port",
	  { V4_TCP(10809, 40001) }, .learned = { V4_TCP(40000, 10809), .src = HOST_A,
						.dst = HOST_B }, .want = NOMATCH },
	{ "tcp4 from another remote port",
	  { V4_TCP(10810, 40000) }, .learned = { V4_TCP(40000, 10809), .src = HOST_A,
						.dst = HOST_B }, .want = NOMATCH },
	{ "tcp4 in the learned direction is not a reply",
	  { V4_TCP(40000, 10809), .src = HOST_A, .dst = HOST_B },
	  .learned = { V4_TCP(40000, 10809), .src = HOST_A, .dst = HOST_B }, .want = NOMATCH },
	{ "tcp4 from another host", { V4_TCP(10809, 40000), .src = HOST_C },
	  .learned = { V4_TCP(40000, 10809), .src = HOST_A, .dst = HOST_B }, .want = NOMATCH },
	{ "udp4 on a learned tcp flow's ports", { V4_UDP(10809, 40000) },
	  .learned = { V4_TCP(40000, 10809), .src = HOST_A, .dst = HOST_B }, .want = NOMATCH },
	{ "tcp6 on a learned tcp4 flow's ports", { V6_TCP(10809, 40000) },
	  .learned = { V4_TCP(40000, 10809), .src = HOST_A, .dst = HOST_B }, .want = NOMATCH },
	{ "learned flow beats a bulk catch-all rule", { V4_TCP(10809, 40000) },
	  RULES(r_all_bulk), .learn = true, .want = FLOW },
	{ "no flow table", { V4_TCP(10809, 40000) }, .learn = true, .no_flows = true,
	  .want = NOMATCH },
	{ "flow alive at max_age", { V4_TCP(10809, 40000) }, .learn = true,
	  .timed = true, .learn_at = 1001, .now = 1101, .max_age = 100, .want = FLOW },
	{ "flow dead past max_age", { V4_TCP(10809, 40000) }, .learn = true,
	  .timed = true, .learn_at = 1001, .now = 1103, .max_age = 100, .want = NOMATCH },
	{ "flow alive across the clock's wrap", { V4_TCP(10809, 40000) }, .learn = true,
	  .timed = true, .learn_at = 0xffffffc1, .now = 0x21, .max_age = 100, .want = FLOW },
	{ "flow dead across the clock's wrap", { V4_TCP(10809, 40000) }, .learn = true,
	  .timed = true, .learn_at = 0xffffffc1, .now = 0x27, .max_age = 100,
	  .want = NOMATCH },
	{ "flow learned at time 0 is not empty", { V4_TCP(10809, 40000) }, .learn = true,
	  .timed = true, .learn_at = 0, .now = 0, .max_age = 10, .want = FLOW },
	{ "flow with max_age 0 lives in its own tick", { V4_TCP(10809, 40000) },
	  .learn = true, .timed = true, .learn_at = 2000, .now = 2001, .max_age = 0,
	  .want = FLOW },
	{ "flow with max_age 0 is dead the tick after", { V4_TCP(10809, 40000) },
	  .learn = true, .timed = true, .learn_at = 2001, .now = 2002, .max_age = 0,
	  .want = NOMATCH },
	/*
	 * Another CPU's transmit may stamp the flow with a later tick than the
	 * one this reader read a moment before (CI, flows_netns: one nbd
	 * reply of 990 dropped as unknown over a bond).
	 */
	{ "flow stamped a tick ahead of the reader is alive", { V4_TCP(10809, 40000) },
	  .learn = true, .timed = true, .learn_at = 1003, .now = 1001, .max_age = 100,
	  .want = FLOW },
	{ "flow stamped max_age ahead of the reader is alive", { V4_TCP(10809, 40000) },
	  .learn = true, .timed = true, .learn_at = 1101, .now = 1001, .max_age = 100,
	  .want = FLOW },
	{ "flow stamped ahead across the clock's wrap is alive", { V4_TCP(10809, 40000) },
	  .learn = true, .timed = true, .learn_at = 0x11, .now = 0xffffffe1, .max_age = 100,
	  .want = FLOW },
	{ "flow stamped further ahead than max_age is dead", { V4_TCP(10809, 40000) },
	  .learn = true, .timed = true, .learn_at = 1103, .now = 1001, .max_age = 100,
	  .want = NOMATCH },
	{ "flow stamped far ahead is dead", { V4_TCP(10809, 40000) }, .learn = true,
	  .timed = true, .learn_at = 3001, .now = 1001, .max_age = 100, .want = NOMATCH },

	/* rules: ports and protocols */
	{ "udp dport at the range's low end", { V4_UDP(1, 5000) }, RULES(r_udp5000), .want = CRIT },
	{ "udp dport at the range's high end", { V4_UDP(1, 5010) }, RULES(r_udp5000),
	  .want = CRIT },
	{ "udp dport below the range", { V4_UDP(1, 4999) }, RULES(r_udp5000), .want = NOMATCH },
	{ "udp dport above the range", { V4_UDP(1, 5011) }, RULES(r_udp5000), .want = NOMATCH },
	{ "tcp on a udp rule's ports", { V4_TCP(1, 5000) }, RULES(r_udp5000), .want = NOMATCH },
	{ "udp6 dport in range", { V6_UDP(1, 5005) }, RULES(r_udp5000), .want = CRIT },
	{ "sport range, any protocol: tcp", { V4_TCP(150, 1) }, RULES(r_sport_any_proto),
	  .want = CRIT },
	{ "sport range, any protocol: udp6", { V6_UDP(200, 1) }, RULES(r_sport_any_proto),
	  .want = CRIT },
	{ "sport below the range", { V4_TCP(99, 1) }, RULES(r_sport_any_proto), .want = NOMATCH },
	{ "port range never matches icmp", { .type = ETH_P_IP, .proto = IPPROTO_ICMP },
	  RULES(r_sport_any_proto), .want = NOMATCH },
	{ "port range never matches icmpv6", { ND(128) }, RULES(r_sport_any_proto),
	  .want = NOMATCH },
	{ "range from port 0 matches port 0", { V4_UDP(0, 9) }, RULES(r_sport_from_0),
	  .want = CRIT },
	{ "range from port 0 never matches icmp", { .type = ETH_P_IP, .proto = IPPROTO_ICMP },
	  RULES(r_sport_from_0), .want = NOMATCH },
	{ "range from port 0 never matches a later fragment",
	  { V4_UDP(0, 9), V4_LATER, .data = 8 }, RULES(r_sport_from_0), .want = FRAG },
	{ "rule order: bulk first wins", { V4_UDP(1, 5000) }, RULES(r_bulk_first), .want = BULK },
	{ "rule order: critical first wins", { V4_UDP(1, 5000) }, RULES(r_crit_first),
	  .want = CRIT },
	{ "rule order: second rule matches", { V4_UDP(1, 6000) }, RULES(r_crit_first),
	  .want = BULK },
	{ "bulk catch-all", { V6_TCP(1, 2) }, RULES(r_all_bulk), .want = BULK },
	{ "critical catch-all", { V6_TCP(1, 2) }, RULES(r_all_critical), .want = CRIT },
	{ "no rules", { V4_UDP(1, 5000) }, .want = NOMATCH },

	/* rules: DSCP and VLAN priority */
	{ "dscp ef on ipv4", { V4_UDP(1, 2), .dscp = 46 }, RULES(r_dscp_ef), .want = CRIT },
	{ "dscp 0 on ipv4", { V4_UDP(1, 2) }, RULES(r_dscp_ef), .want = NOMATCH },
	{ "dscp ef on ipv6", { V6_UDP(1, 2), .dscp = 46 }, RULES(r_dscp_ef), .want = CRIT },
	{ "dscp 45 on ipv6", { V6_UDP(1, 2), .dscp = 45 }, RULES(r_dscp_ef), .want = NOMATCH },
	{ "dscp 47 on ipv6", { V6_UDP(1, 2), .dscp = 47 }, RULES(r_dscp_ef), .want = NOMATCH },
	{ "dscp 63, the bitmap's top bit", { V4_TCP(1, 2), .dscp = 63 }, RULES(r_dscp_63),
	  .want = CRIT },
	{ "vlan pcp 6", { V4_UDP(1, 2), .ntags = 1, .tag = { { 0, 6 } } }, RULES(r_prio6),
	  .want = CRIT },
	{ "vlan pcp 5", { V4_UDP(1, 2), .ntags = 1, .tag = { { 0, 5 } } }, RULES(r_prio6),
	  .want = NOMATCH },
	{ "untagged, pcp rule", { V4_UDP(1, 2) }, RULES(r_prio6), .want = NOMATCH },
	{ "untagged, pcp 0 rule", { V4_UDP(1, 2) }, RULES(r_prio0), .want = NOMATCH },
	{ "tagged pcp 0, pcp 0 rule", { V4_UDP(1, 2), .ntags = 1 }, RULES(r_prio0),
	  .want = CRIT },
	{ "qinq: outer pcp counts",
	  { V6_UDP(1, 2), .ntags = 2, .tag = { { ETH_P_8021AD, 6 }, { 0, 0 } } },
	  RULES(r_prio6), .want = CRIT },
	{ "qinq: inner pcp does not",
	  { V6_UDP(1, 2), .ntags = 2, .tag = { { ETH_P_8021AD, 0 }, { 0, 6 } } },
	  RULES(r_prio6), .want = NOMATCH },

	/* rules: prefixes */
	{ "v4 /24 source inside", { V4_UDP(1, 2) }, RULES(r_src_v4_24), .want = CRIT },
	{ "v4 /24 source outside", { V4_UDP(1, 2), .src = HOST_C }, RULES(r_src_v4_24),
	  .want = NOMATCH },
	{ "v4 /24 rule on ipv6", { V6_UDP(1, 2) }, RULES(r_src_v4_24), .want = NOMATCH },
	{ "v4 /25 upper half inside", { V4_UDP(1, 2), .src = HOST_D }, RULES(r_src_v4_25),
	  .want = CRIT },
	{ "v4 /25 lower half outside", { V4_UDP(1, 2) }, RULES(r_src_v4_25), .want = NOMATCH },
	{ "v4 /32 destination exact", { V4_UDP(1, 2) }, RULES(r_dst_v4_32), .want = CRIT },
	{ "v4 /32 destination other", { V4_UDP(1, 2), .dst = HOST_B, .src = HOST_A },
	  RULES(r_dst_v4_32), .want = NOMATCH },
	{ "destination prefix is not the source", { V4_UDP(1, 2), .src = HOST_C },
	  RULES(r_dst_c_24), .want = NOMATCH },
	{ "destination prefix matches the destination", { V4_UDP(1, 2), .src = HOST_A,
							  .dst = HOST_C },
	  RULES(r_dst_c_24), .want = CRIT },
	{ "v4 /0: any ipv4", { V4_TCP(1, 2), .src = HOST_C }, RULES(r_v4_any), .want = CRIT },
	{ "v4 /0: not ipv6", { V6_TCP(1, 2) }, RULES(r_v4_any), .want = NOMATCH },
	{ "v6 /64 inside", { V6_UDP(1, 2) }, RULES(r_src_v6_64), .want = CRIT },
	{ "v6 /64 outside", { V6_UDP(1, 2), .src = HOST_C }, RULES(r_src_v6_64),
	  .want = NOMATCH },
	{ "v6 /64 rule on ipv4", { V4_UDP(1, 2) }, RULES(r_src_v6_64), .want = NOMATCH },
	{ "v6 /65 bit 64 set", { V6_UDP(1, 2), .src = HOST_D }, RULES(r_src_v6_65),
	  .want = CRIT },
	{ "v6 /65 bit 64 clear", { V6_UDP(1, 2) }, RULES(r_src_v6_65), .want = NOMATCH },
	{ "v6 /127 inside", { V6_UDP(1, 2) }, RULES(r_src_v6_127), .want = CRIT },
	{ "v6 /127 outside by the last bit but one", { V6_UDP(1, 2), .src = HOST_A },
	  RULES(r_src_v6_127), .want = NOMATCH },
	{ "v6 /128 exact", { V6_UDP(1, 2) }, RULES(r_src_v6_128), .want = CRIT },
	{ "v6 /128 other", { V6_UDP(1, 2), .src = HOST_D }, RULES(r_src_v6_128),
	  .want = NOMATCH },
};

static void cls_case_desc(const struct cls_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(cls, cls_cases, cls_case_desc);

static struct skbpool_rules *cls_rules(struct kunit *test, const struct rule_set *set)
{
	struct skbpool_rules *rules = kunit_kzalloc(test, sizeof(*rules), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, rules);
	memcpy(rules->rule, set->r, set->n * sizeof(set->r[0]));
	rules->count = set->n;
	return rules;
}

static struct skbpool_flows *cls_flows(struct kunit *test, u32 max_age)
{
	struct skbpool_flows *flows = kunit_kzalloc(test, sizeof(*flows), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, flows);
	flows->max_age = max_age;
	return flows;
}

/* What the transmit path does: key from the frame, then learn it. */
static bool cls_learn(struct kunit *test, struct skbpool_flows *flows,
		      const struct fspec *tx, u32 now)
{
	struct skbpool_flow_key key;
	struct frame *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	fb_build(test, tx, f);
	KUNIT_ASSERT_TRUE(test, skbpool_flow_key_from_frame(f->b, f->len, &key));
	return skbpool_flow_learn(flows, &key, now);
}

static void cls_table(struct kunit *test)
{
	const struct cls_case *c = test->param_value;
	u32 now = c->timed ? c->now : 1001, learn_at = c->timed ? c->learn_at : 1001;
	struct skbpool_flows *flows = cls_flows(test, c->timed ? c->max_age : 100);
	struct skbpool_rules *rules = NULL;
	struct frame *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	if (c->learn) {
		struct fspec tx;

		fb_reverse(&c->f, &tx);
		cls_learn(test, flows, &tx, learn_at);
	} else if (c->learned.type) {
		cls_learn(test, flows, &c->learned, learn_at);
	}
	if (c->rules)
		rules = cls_rules(test, c->rules);

	fb_build(test, &c->f, f);
	KUNIT_EXPECT_EQ(test, skbpool_classify(f->b, f->len, rules, c->no_flows ? NULL : flows,
					       now, NULL), c->want);
}

/* ---- every truncation point of well-formed frames ---- */

struct trunc_case {
	const char *name;
	struct fspec f;
	u32 min_len;	/* shortest prefix with the whole frame's verdict; 0: all */
	enum skbpool_class_reason want;
	bool key;	/* a transmit key is read once the transport header is in */
};

static const struct trunc_case trunc_cases[] = {
	{ "arp", { ARP }, .want = LINK },
	{ "arp in QinQ", { ARP, .ntags = 2, .tag = { { ETH_P_8021AD, 1 }, { 0, 2 } } },
	  .want = LINK },
	{ "lacp: only the subtype is read", { .type = ETH_P_SLOW, .subtype = 1 },
	  .min_len = ETH_HLEN + 1, .want = LINK },
	{ "nd after hop-by-hop", { ND(135), EXT_CHAIN(1, IPPROTO_HOPOPTS) }, .want = LINK },
	{ "tcp4 with ip options", { V4_TCP(1, 2), .v4_opt_words = 3, .data = 6 },
	  .want = NOMATCH, .key = true },
	{ "udp4 in QinQ", { V4_UDP(1, 2), .ntags = 2, .data = 6 }, .want = NOMATCH, .key = true },
	{ "tcp6 after hop-by-hop, routing, dst, atomic fragment",
	  { V6_TCP(1, 2), EXT_CHAIN(4, IPPROTO_HOPOPTS, IPPROTO_ROUTING, IPPROTO_DSTOPTS,
				    IPPROTO_FRAGMENT), .data = 6 },
	  .want = NOMATCH, .key = true },
	{ "udp6 after ah", { V6_UDP(1, 2), EXT_CHAIN(1, IPPROTO_AH), .data = 6 },
	  .want = NOMATCH, .key = true },
	{ "ipv4 later fragment", { V4_UDP(1, 2), V4_LATER, .data = 6 }, .want = FRAG },
	{ "ipv6 later fragment", { V6_UDP(1, 2), V6_LATER, .data = 6 }, .want = FRAG },
};

static void trunc_case_desc(const struct trunc_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(trunc, trunc_cases, trunc_case_desc);

/*
 * Every prefix of the frame: malformed below the minimum, the frame's
 * verdict from there on; a transmit key exactly when the transport header
 * is whole (transmit reads no IP length field, so headers alone suffice).
 */
static void cls_truncated(struct kunit *test)
{
	const struct trunc_case *c = test->param_value;
	struct frame *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	struct skbpool_flow_key key;
	u32 cut, min_len, key_len;
	u8 *copy;

	KUNIT_ASSERT_NOT_NULL(test, f);
	fb_build(test, &c->f, f);
	min_len = c->min_len ?: f->len;
	key_len = f->l4 + (c->f.proto == IPPROTO_TCP ? 20 : 8);
	for (cut = 0; cut <= f->len; cut++) {
		/* exactly cut bytes, so KASAN sees any read past them */
		copy = kunit_kmalloc(test, cut ?: 1, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, copy);
		memcpy(copy, f->b, cut);
		KUNIT_EXPECT_EQ_MSG(test, skbpool_classify(copy, cut, NULL, NULL, 0, NULL),
				    cut < min_len ? SKBPOOL_DROP_MALFORMED : c->want,
				    "cut at %u of %u", cut, f->len);
		KUNIT_EXPECT_EQ_MSG(test, skbpool_flow_key_from_frame(copy, cut, &key),
				    c->key && cut >= key_len, "cut at %u of %u", cut, f->len);
		kunit_kfree(test, copy);
	}
}

/* ---- skbpool_rule_check() ---- */

struct check_case {
	const char *name;
	struct skbpool_rule rule;
	const char *why;	/* NULL: valid */
};

static const struct check_case check_cases[] = {
	{ "empty rule", {} },
	{ "every field set",
	  { .critical = true, .proto = IPPROTO_UDP, .sport_lo = 1, .sport_hi = 65535,
	    .dport_lo = 5000, .dport_hi = 5010, .dscp = 1ULL << 46, .vlan_prio = 0xc0,
	    .src = PFX4(24, 192, 0, 2, 0), .dst = PFX4(32, 192, 0, 2, 1) } },
	{ "ipv6 prefixes", { .src = PFX6(64, 0x20010db8, 0, 0, 0),
			     .dst = PFX6(128, 0x20010db8, 0, 0, 2) } },
	{ "v6 /65", { .dst = PFX6(65, 0x20010db8, 0, 0x80000000, 0) } },
	{ "v4 /0", { .src = PFX4(0, 0, 0, 0, 0) } },
	{ "single port", { .proto = IPPROTO_TCP, .dport_lo = 10809, .dport_hi = 10809 } },
	{ "ports on any protocol", { .sport_lo = 0, .sport_hi = 1023 } },
	{ "sport range inverted", { .sport_lo = 2, .sport_hi = 1 }, "sport_lo > sport_hi" },
	{ "dport range inverted", { .dport_lo = 5010, .dport_hi = 5000 }, "dport_lo > dport_hi" },
	{ "ports on icmp", { .proto = IPPROTO_ICMP, .dport_lo = 1, .dport_hi = 1 },
	  "proto: port ranges need tcp, udp or any" },
	{ "ports on icmpv6", { .proto = IPPROTO_ICMPV6, .sport_hi = 7 },
	  "proto: port ranges need tcp, udp or any" },
	{ "source family 5", { .src = { .family = 5 } }, "src.family" },
	{ "destination family 41", { .dst = { .family = 41 } }, "dst.family" },
	{ "v4 /33", { .src = { .family = 4, .len = 33 } }, "src.len" },
	{ "v6 /129", { .dst = { .family = 6, .len = 129 } }, "dst.len" },
	{ "any-address with a length", { .src = { .family = 0, .len = 8 } }, "src.len" },
	{ "any-address with an address", { .dst = { .addr = V4(1, 0, 0, 0) } }, "dst.addr" },
	{ "v4 /24 with host bits", { .src = PFX4(24, 192, 0, 2, 1) }, "src.addr" },
	{ "v4 /0 with an address", { .src = PFX4(0, 10, 0, 0, 0) }, "src.addr" },
	{ "v4 with bits past 32",
	  { .dst = { .family = 4, .len = 32, .addr = { 0, cpu_to_be32(1) } } },
	  "dst.addr" },
	{ "v6 /65 with bit 65 set", { .dst = PFX6(65, 0x20010db8, 0, 0x40000000, 0) },
	  "dst.addr" },
	{ "v6 /127 with the last bit set", { .src = PFX6(127, 0x20010db8, 0, 0, 3) },
	  "src.addr" },
	{ "source v4, destination v6",
	  { .src = PFX4(24, 192, 0, 2, 0), .dst = PFX6(64, 0x20010db8, 0, 0, 0) },
	  "src.family != dst.family" },
};

static void check_case_desc(const struct check_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(check, check_cases, check_case_desc);

static void cls_rule_check(struct kunit *test)
{
	const struct check_case *c = test->param_value;
	const char *why = NULL;
	int err = skbpool_rule_check(&c->rule, &why);

	if (!c->why) {
		KUNIT_EXPECT_EQ(test, err, 0);
		KUNIT_EXPECT_NULL(test, why);
	} else {
		KUNIT_EXPECT_EQ(test, err, -EINVAL);
		KUNIT_ASSERT_NOT_NULL(test, why);
		KUNIT_EXPECT_STREQ(test, why, c->why);
	}
}

/* ---- the flow table itself ---- */

static struct fspec tx_tcp(u16 sport, u8 dst)
{
	return (struct fspec){ V4_TCP(sport, 10809), .src = HOST_A, .dst = dst };
}

/* Does the reply to transmitted frame @tx classify as a learned flow? */
static bool cls_known(struct kunit *test, const struct skbpool_flows *flows,
		      const struct fspec *tx, u32 now)
{
	struct frame *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	struct fspec rx;

	KUNIT_ASSERT_NOT_NULL(test, f);
	fb_reverse(tx, &rx);
	fb_build(test, &rx, f);
	return skbpool_classify(f->b, f->len, NULL, flows, now, NULL) == SKBPOOL_CRIT_FLOW;
}

/* The key a transmitted frame gives, field by field, for v4 and v6. */
static void cls_flow_key(struct kunit *test)
{
	struct fspec tx4 = { V4_TCP(40000, 10809), .src = HOST_A, .dst = HOST_B, .data = 100 };
	struct fspec tx6 = { V6_UDP(5001, 5000), .src = HOST_A, .dst = HOST_C, .ntags = 1 };
	struct frame *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	struct skbpool_flow_key key;

	KUNIT_ASSERT_NOT_NULL(test, f);
	fb_build(test, &tx4, f);
	memset(&key, 0xa5, sizeof(key));
	KUNIT_ASSERT_TRUE(test, skbpool_flow_key_from_frame(f->b, f->len, &key));
	KUNIT_EXPECT_EQ(test, key.family, 4);
	KUNIT_EXPECT_EQ(test, key.proto, IPPROTO_TCP);
	KUNIT_EXPECT_EQ(test, be16_to_cpu(key.lport), 40000);
	KUNIT_EXPECT_EQ(test, be16_to_cpu(key.rport), 10809);
	KUNIT_EXPECT_MEMEQ(test, key.local, v4_host[HOST_A], 4);
	KUNIT_EXPECT_MEMEQ(test, key.remote, v4_host[HOST_B], 4);
	KUNIT_EXPECT_TRUE(test, !(key.local[1] | key.local[2] | key.local[3]));
	KUNIT_EXPECT_TRUE(test, !(key.remote[1] | key.remote[2] | key.remote[3]));
	KUNIT_EXPECT_EQ(test, key.any_port, 0);
	KUNIT_EXPECT_EQ(test, key.flags, 0);

	/* a GSO skb's headers only: the total length says more than is here */
	KUNIT_EXPECT_TRUE(test, skbpool_flow_key_from_frame(f->b, f->l4 + 20, &key));
	KUNIT_EXPECT_EQ(test, skbpool_classify(f->b, f->l4 + 20, NULL, NULL, 0, NULL),
			SKBPOOL_DROP_MALFORMED);
	/* BIG TCP: a total length of 0 */
	f->b[f->l3 + 2] = 0;
	f->b[f->l3 + 3] = 0;
	KUNIT_EXPECT_TRUE(test, skbpool_flow_key_from_frame(f->b, f->len, &key));

	fb_build(test, &tx6, f);
	KUNIT_ASSERT_TRUE(test, skbpool_flow_key_from_frame(f->b, f->len, &key));
	KUNIT_EXPECT_EQ(test, key.family, 6);
	KUNIT_EXPECT_EQ(test, key.proto, IPPROTO_UDP);
	KUNIT_EXPECT_EQ(test, be16_to_cpu(key.lport), 5001);
	KUNIT_EXPECT_EQ(test, be16_to_cpu(key.rport), 5000);
	KUNIT_EXPECT_MEMEQ(test, key.local, v6_host[HOST_A], 16);
	KUNIT_EXPECT_MEMEQ(test, key.remote, v6_host[HOST_C], 16);

	/* no ports, no key */
	fb_build(test, &(struct fspec){ ARP }, f);
	KUNIT_EXPECT_FALSE(test, skbpool_flow_key_from_frame(f->b, f->len, &key));
	fb_build(test, &(struct fspec){ ND(135) }, f);
	KUNIT_EXPECT_FALSE(test, skbpool_flow_key_from_frame(f->b, f->len, &key));
	fb_build(test, &(struct fspec){ .type = ETH_P_IP, .proto = IPPROTO_ICMP }, f);
	KUNIT_EXPECT_FALSE(test, skbpool_flow_key_from_frame(f->b, f->len, &key));
	fb_build(test, &(struct fspec){ V4_UDP(1, 2), V4_LATER, .data = 8 }, f);
	KUNIT_EXPECT_FALSE(test, skbpool_flow_key_from_frame(f->b, f->len, &key));
	fb_build(test, &(struct fspec){ V6_UDP(1, 2), V6_LATER, .data = 8 }, f);
	KUNIT_EXPECT_FALSE(test, skbpool_flow_key_from_frame(f->b, f->len, &key));
}

static struct skbpool_flow *cls_find_slot(struct skbpool_flows *flows,
					  const struct skbpool_flow_key *key)
{
	u32 i;

	for (i = 0; i < SKBPOOL_FLOW_SLOTS; i++)
		if (flows->slot[i].last_seen && !memcmp(&flows->slot[i].key, key, sizeof(*key)))
			return &flows->slot[i];
	return NULL;
}

/*
 * Many flows between one pair of hosts (nbd opens one connection per
 * queue, 32 to one server is common) are all learned and all recognised,
 * each from its own slot, and a flow to another host is untouched.  Past
 * what the swap and storage connections of a namespace need: 256.
 */
static void cls_flows_to_one_server(struct kunit *test)
{
	struct skbpool_flows *flows = cls_flows(test, 1000);
	struct fspec other = { V6_UDP(50000, 2049), .src = HOST_A, .dst = HOST_C };
	struct fspec tx;
	u32 i, t = 101, learned = 0, known = 0;

	KUNIT_EXPECT_TRUE(test, cls_learn(test, flows, &other, t));
	for (i = 0; i < 256; i++) {
		tx = tx_tcp(40000 + i, HOST_B);
		learned += cls_learn(test, flows, &tx, t + i);
	}
	for (i = 0; i < 256; i++) {
		tx = tx_tcp(40000 + i, HOST_B);
		known += cls_known(test, flows, &tx, t + 256);
	}
	KUNIT_EXPECT_EQ(test, learned, 256);
	KUNIT_EXPECT_EQ(test, known, 256);
	KUNIT_EXPECT_TRUE(test, cls_known(test, flows, &other, t + 256));
	/* a connection never seen on transmit is not one of them */
	tx = tx_tcp(40000 + 256, HOST_B);
	KUNIT_EXPECT_FALSE(test, cls_known(test, flows, &tx, t + 256));
}

/* Every slot a live flow of another host's, stamped @seen. */
static void cls_fill_other_flows(struct skbpool_flows *flows, u32 seen)
{
	u32 i;

	for (i = 0; i < SKBPOOL_FLOW_SLOTS; i++) {
		struct skbpool_flow *s = &flows->slot[i];

		s->key.local[0] = cpu_to_be32(0xc0000200 + i);	/* not HOST_A */
		s->key.remote[0] = cpu_to_be32(0xc6336407);
		s->key.lport = cpu_to_be16(1000 + i);
		s->key.rport = cpu_to_be16(2049);
		s->key.proto = IPPROTO_TCP;
		s->key.family = 4;
		s->last_seen = seen;
		s->seq = 2;
	}
}

/*
 * A live flow is never pushed out by another one: with every slot live,
 * learning a new flow changes nothing and says so (the caller counts it);
 * once the others have aged, it takes an aged slot (and its any-port
 * entry another), and they are not recognised any more.
 */
static void cls_flow_live_never_evicted(struct kunit *test)
{
	struct skbpool_flows *flows = cls_flows(test, 1000);
	struct skbpool_flows *before = kunit_kmalloc(test, sizeof(*flows), GFP_KERNEL);
	struct fspec tx = tx_tcp(40000, HOST_B);
	u32 i, t = 101, changed = 0;

	KUNIT_ASSERT_NOT_NULL(test, before);
	cls_fill_other_flows(flows, t | 1);
	memcpy(before, flows, sizeof(*flows));
	KUNIT_EXPECT_FALSE(test, cls_learn(test, flows, &tx, t + 10));
	KUNIT_EXPECT_EQ(test, memcmp(before, flows, sizeof(*flows)), 0);
	KUNIT_EXPECT_FALSE(test, cls_known(test, flows, &tx, t + 10));

	t += 2000;
	KUNIT_EXPECT_TRUE(test, cls_learn(test, flows, &tx, t));
	KUNIT_EXPECT_TRUE(test, cls_known(test, flows, &tx, t));
	for (i = 0; i < SKBPOOL_FLOW_SLOTS; i++)
		changed += !!memcmp(&before->slot[i], &flows->slot[i], sizeof(flows->slot[i]));
	KUNIT_EXPECT_EQ(test, changed, 2);
}

/*
 * A writer whose clock is a tick behind the one a slot was stamped with
 * (another CPU read jiffies after it) sees the slot live: it takes no
 * other flow's slot, and refreshing its own flow does not move the time
 * back.
 */
static void cls_flow_stamped_ahead_of_writer(struct kunit *test)
{
	struct skbpool_flows *flows = cls_flows(test, 1000);
	struct skbpool_flows *before = kunit_kmalloc(test, sizeof(*flows), GFP_KERNEL);
	struct fspec tx = tx_tcp(40000, HOST_B);
	struct frame *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	struct skbpool_flow_key key;
	struct skbpool_flow *slot;

	KUNIT_ASSERT_NOT_NULL(test, before);
	KUNIT_ASSERT_NOT_NULL(test, f);
	cls_fill_other_flows(flows, 103);
	memcpy(before, flows, sizeof(*flows));
	KUNIT_EXPECT_FALSE(test, cls_learn(test, flows, &tx, 101));
	KUNIT_EXPECT_EQ(test, memcmp(before, flows, sizeof(*flows)), 0);

	flows = cls_flows(test, 1000);
	fb_build(test, &tx, f);
	KUNIT_ASSERT_TRUE(test, skbpool_flow_key_from_frame(f->b, f->len, &key));
	KUNIT_EXPECT_TRUE(test, skbpool_flow_learn(flows, &key, 203));
	slot = cls_find_slot(flows, &key);
	KUNIT_ASSERT_NOT_NULL(test, slot);
	KUNIT_EXPECT_TRUE(test, skbpool_flow_learn(flows, &key, 201));
	KUNIT_EXPECT_PTR_EQ(test, cls_find_slot(flows, &key), slot);
	KUNIT_EXPECT_EQ(test, slot->last_seen, 203);
	KUNIT_EXPECT_EQ(test, slot->seq, 2);
}

struct cls_clock_race {
	struct skbpool_flows *flows;
	struct skbpool_flow_key key;
	unsigned long learns;
};

/* The transmit side: refreshes the flow with the clock as it reads it. */
static int cls_clock_race_writer(void *data)
{
	struct cls_clock_race *r = data;

	while (!kthread_should_stop()) {
		skbpool_flow_learn(r->flows, &r->key, (u32)jiffies);
		r->learns++;
		if (!(r->learns & 1023))
			cond_resched();
	}
	return 0;
}

/*
 * What flows_netns does over a bond, with nothing else: one CPU keeps
 * transmitting a flow while another looks its replies up, each with the
 * clock read just before.  Every lookup finds the flow, across every tick
 * of a second, although the writer stamps the next tick while a reader
 * still holds the last one.
 */
static void cls_flow_clock_race(struct kunit *test)
{
	struct cls_clock_race *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct frame *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	struct frame *reply = kunit_kzalloc(test, sizeof(*reply), GFP_KERNEL);
	struct fspec tx = tx_tcp(40000, HOST_B), rx;
	unsigned long lookups = 0, misses = 0, end;
	struct task_struct *writer;
	unsigned int cpu, other;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two online CPUs, has %u", num_online_cpus());
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_ASSERT_NOT_NULL(test, reply);
	r->flows = cls_flows(test, 60 * HZ);
	fb_build(test, &tx, f);
	KUNIT_ASSERT_TRUE(test, skbpool_flow_key_from_frame(f->b, f->len, &r->key));
	KUNIT_ASSERT_TRUE(test, skbpool_flow_learn(r->flows, &r->key, (u32)jiffies));
	fb_reverse(&tx, &rx);
	fb_build(test, &rx, reply);

	migrate_disable();
	cpu = smp_processor_id();
	other = cpumask_any_but(cpu_online_mask, cpu);
	writer = kthread_create(cls_clock_race_writer, r, "cls_clock_race");
	if (IS_ERR(writer)) {
		migrate_enable();
		KUNIT_FAIL(test, "kthread_create: %ld", PTR_ERR(writer));
		return;
	}
	kthread_bind(writer, other);
	wake_up_process(writer);

	end = jiffies + HZ;
	while (time_before(jiffies, end)) {
		if (skbpool_classify(reply->b, reply->len, NULL, r->flows, (u32)jiffies,
				     NULL) != SKBPOOL_CRIT_FLOW)
			misses++;
		if (!(++lookups & 1023))
			cond_resched();
	}
	kthread_stop(writer);
	migrate_enable();

	kunit_info(test, "CPU %u judged %lu replies while CPU %u learned %lu times: %lu missed",
		   cpu, lookups, other, r->learns, misses);
	KUNIT_EXPECT_GT(test, r->learns, 0);
	KUNIT_EXPECT_GT(test, lookups, 0);
	KUNIT_EXPECT_EQ(test, misses, 0);
}

/*
 * A flow's flags (what its socket is) come back with a match and follow
 * the latest transmit; its later fragments carry them too; nothing else
 * returns any.
 */
static void cls_flow_flags(struct kunit *test)
{
	struct skbpool_flows *flows = cls_flows(test, 100);
	struct fspec tx = { V4_UDP(7001, 7000), .src = HOST_A, .dst = HOST_B };
	struct fspec rx, later;
	struct frame *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	struct skbpool_flow_key key;
	u8 flags = 0xee;

	KUNIT_ASSERT_NOT_NULL(test, f);
	fb_build(test, &tx, f);
	KUNIT_ASSERT_TRUE(test, skbpool_flow_key_from_frame(f->b, f->len, &key));
	KUNIT_EXPECT_EQ(test, key.flags, 0);
	key.flags = SKBPOOL_FLOW_MEMALLOC;
	KUNIT_EXPECT_TRUE(test, skbpool_flow_learn(flows, &key, 10));

	fb_reverse(&tx, &rx);
	fb_build(test, &rx, f);
	KUNIT_EXPECT_EQ(test, skbpool_classify(f->b, f->len, NULL, flows, 11, &flags),
			SKBPOOL_CRIT_FLOW);
	KUNIT_EXPECT_EQ(test, flags, SKBPOOL_FLOW_MEMALLOC);
	later = rx;
	later.frag = 185;		/* a later fragment: no ports */
	later.data = 16;
	fb_build(test, &later, f);
	KUNIT_EXPECT_EQ(test, skbpool_classify(f->b, f->len, NULL, flows, 11, &flags),
			SKBPOOL_CRIT_FLOW);
	KUNIT_EXPECT_EQ(test, flags, SKBPOOL_FLOW_MEMALLOC);

	key.flags = 0;			/* the socket is no longer memalloc */
	KUNIT_EXPECT_TRUE(test, skbpool_flow_learn(flows, &key, 12));
	fb_build(test, &rx, f);
	KUNIT_EXPECT_EQ(test, skbpool_classify(f->b, f->len, NULL, flows, 13, &flags),
			SKBPOOL_CRIT_FLOW);
	KUNIT_EXPECT_EQ(test, flags, 0);

	flags = 0xee;			/* no flow: no flags */
	fb_build(test, &(struct fspec){ V4_UDP(1, 2) }, f);
	KUNIT_EXPECT_EQ(test, skbpool_classify(f->b, f->len, NULL, flows, 13, &flags),
			SKBPOOL_DROP_NOMATCH);
	KUNIT_EXPECT_EQ(test, flags, 0);
}

/*
 * Neighbour resolution (ARP, IPv6 solicitations and adverts) comes back
 * marked for the reserves: in emergency its processing (a neighbour
 * entry, the reply) must be able to draw on them, as it does for a stock
 * driver's frame on a reserve page, or a link that comes back under
 * memory exhaustion may never resolve its storage peer again.  Router
 * discovery and redirects, link control that the stack drops when marked
 * (LLDP, LACP) and what is not link control come back with no mark.
 */
static void cls_link_flags(struct kunit *test)
{
	static const struct {
		const char *name;
		struct fspec s;
		enum skbpool_class_reason why;
		u8 flags;
	} cases[] = {
		{ "arp", { ARP }, SKBPOOL_CRIT_LINK, SKBPOOL_FLOW_MEMALLOC },
		{ "arp in 802.1Q", { ARP, .ntags = 1 }, SKBPOOL_CRIT_LINK,
		  SKBPOOL_FLOW_MEMALLOC },
		{ "nd solicitation", { ND(135) }, SKBPOOL_CRIT_LINK, SKBPOOL_FLOW_MEMALLOC },
		{ "nd advertisement", { ND(136) }, SKBPOOL_CRIT_LINK, SKBPOOL_FLOW_MEMALLOC },
		{ "lldp", { .type = ETH_P_LLDP, .data = 24 }, SKBPOOL_CRIT_LINK, 0 },
		{ "lacp", { .type = ETH_P_SLOW, .subtype = 1 }, SKBPOOL_CRIT_LINK, 0 },
		{ "icmpv6 echo", { ND(128) }, SKBPOOL_DROP_NOMATCH, 0 },
		{ "router solicitation", { ND(133) }, SKBPOOL_CRIT_LINK, 0 },
		{ "router advertisement", { ND(134) }, SKBPOOL_CRIT_LINK, 0 },
		{ "redirect", { ND(137) }, SKBPOOL_CRIT_LINK, 0 },
		{ "nd solicitation, hop limit 254", { ICMP6(135), .hlim = 254 },
		  SKBPOOL_DROP_NOMATCH, 0 },
		{ "arp cut short", { ARP, .cut = 20 }, SKBPOOL_DROP_MALFORMED, 0 },
	};
	struct frame *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	unsigned int i;
	u8 flags;

	KUNIT_ASSERT_NOT_NULL(test, f);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		flags = 0xee;
		fb_build(test, &cases[i].s, f);
		KUNIT_EXPECT_EQ_MSG(test, skbpool_classify(f->b, f->len, NULL, NULL, 0, &flags),
				    cases[i].why, "%s", cases[i].name);
		KUNIT_EXPECT_EQ_MSG(test, flags, cases[i].flags, "%s", cases[i].name);
	}
}

/*
 * The sequence protocol: a write moves seq by two; a slot with an odd seq
 * (a writer inside) is no match and is never written by anyone else; a
 * refresh keeps the slot and its seq.
 */
static void cls_flow_slot_busy(struct kunit *test)
{
	struct skbpool_flows *flows = cls_flows(test, 100);
	struct skbpool_flows *before;
	struct fspec tx = tx_tcp(40000, HOST_B), tx2 = tx_tcp(40001, HOST_B);
	struct frame *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	struct skbpool_flow_key key;
	struct skbpool_flow *slot, *next;
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, f);
	fb_build(test, &tx, f);
	KUNIT_ASSERT_TRUE(test, skbpool_flow_key_from_frame(f->b, f->len, &key));
	skbpool_flow_learn(flows, &key, 11);
	slot = cls_find_slot(flows, &key);
	KUNIT_ASSERT_NOT_NULL(test, slot);
	KUNIT_EXPECT_EQ(test, slot->seq, 2);
	KUNIT_EXPECT_EQ(test, slot->last_seen, 11);

	skbpool_flow_learn(flows, &key, 21);
	KUNIT_EXPECT_PTR_EQ(test, cls_find_slot(flows, &key), slot);
	KUNIT_EXPECT_EQ(test, slot->seq, 2);
	KUNIT_EXPECT_EQ(test, slot->last_seen, 21);
	KUNIT_EXPECT_TRUE(test, cls_known(test, flows, &tx, 21));

	slot->seq = 3;
	KUNIT_EXPECT_FALSE(test, cls_known(test, flows, &tx, 21));
	slot->seq = 4;
	KUNIT_EXPECT_TRUE(test, cls_known(test, flows, &tx, 21));

	/*
	 * A lookup stops at a slot never written, but not at one a writer is
	 * filling for the first time: a flow may lie past that one.  Move
	 * the flow one slot on and make its home slot look like that: odd,
	 * never stamped.
	 */
	next = &flows->slot[(slot - flows->slot + 1) & (SKBPOOL_FLOW_SLOTS - 1)];
	KUNIT_ASSERT_EQ(test, next->last_seen, 0);
	*next = *slot;
	memset(&slot->key, 0, sizeof(slot->key));
	slot->seq = 5;
	slot->last_seen = 0;
	KUNIT_EXPECT_TRUE(test, cls_known(test, flows, &tx, 23));
	slot->seq = 6;
	KUNIT_EXPECT_FALSE(test, cls_known(test, flows, &tx, 23));
	slot->last_seen = 21;
	KUNIT_EXPECT_TRUE(test, cls_known(test, flows, &tx, 23));

	/* every slot busy: learning writes nothing at all */
	for (i = 0; i < SKBPOOL_FLOW_SLOTS; i++)
		flows->slot[i].seq |= 1;
	before = kunit_kmalloc(test, sizeof(*before), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, before);
	memcpy(before, flows, sizeof(*flows));
	cls_learn(test, flows, &tx2, 31);
	cls_learn(test, flows, &tx, 31);
	KUNIT_EXPECT_EQ(test, memcmp(before, flows, sizeof(*flows)), 0);
	KUNIT_EXPECT_FALSE(test, cls_known(test, flows, &tx2, 31));

	/* learning into no table is a no-op */
	skbpool_flow_learn(NULL, &key, 1);
}

/*
 * New flags on a live slot are a write like any other, through the
 * sequence protocol: a refresh that stored them plainly could land on a
 * slot another CPU had just aged out and claimed for another flow, and
 * give that flow these flags.  A refresh of the time alone stays a plain
 * store (only the time changes, and a late one keeps a flow a tick longer).
 */
static void cls_flow_flags_change_is_a_write(struct kunit *test)
{
	struct skbpool_flows *flows = cls_flows(test, 100);
	struct fspec tx = tx_tcp(40000, HOST_B);
	struct frame *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	struct skbpool_flow_key key;
	struct skbpool_flow *slot;

	KUNIT_ASSERT_NOT_NULL(test, f);
	fb_build(test, &tx, f);
	KUNIT_ASSERT_TRUE(test, skbpool_flow_key_from_frame(f->b, f->len, &key));
	skbpool_flow_learn(flows, &key, 11);
	slot = cls_find_slot(flows, &key);
	KUNIT_ASSERT_NOT_NULL(test, slot);
	KUNIT_EXPECT_EQ(test, slot->seq, 2);

	key.flags = SKBPOOL_FLOW_MEMALLOC;
	skbpool_flow_learn(flows, &key, 12);
	KUNIT_EXPECT_PTR_EQ(test, cls_find_slot(flows, &key), slot);
	KUNIT_EXPECT_EQ(test, slot->seq, 4);
	KUNIT_EXPECT_EQ(test, slot->key.flags, SKBPOOL_FLOW_MEMALLOC);
	KUNIT_EXPECT_EQ(test, slot->last_seen, 13);	/* 12 | 1 */

	skbpool_flow_learn(flows, &key, 20);		/* the time alone */
	KUNIT_EXPECT_EQ(test, slot->seq, 4);
	KUNIT_EXPECT_EQ(test, slot->last_seen, 21);
}

/*
 * A listing reads back what was learned, with its age; it skips empty,
 * aged and busy (odd seq) slots.
 */
static void cls_flow_listing(struct kunit *test)
{
	struct skbpool_flows *flows = cls_flows(test, 100);
	struct fspec tx = tx_tcp(40000, HOST_B);
	struct frame *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	struct skbpool_flow_key key, got;
	struct skbpool_flow *slot;
	u32 i, n = 0, idx, age = 0;

	KUNIT_ASSERT_NOT_NULL(test, f);
	fb_build(test, &tx, f);
	KUNIT_ASSERT_TRUE(test, skbpool_flow_key_from_frame(f->b, f->len, &key));
	skbpool_flow_learn(flows, &key, 11);
	slot = cls_find_slot(flows, &key);
	KUNIT_ASSERT_NOT_NULL(test, slot);
	idx = slot - flows->slot;

	for (i = 0; i < SKBPOOL_FLOW_SLOTS; i++)
		n += skbpool_flow_read(flows, i, 50, &got, &age);
	KUNIT_EXPECT_EQ(test, n, 1);
	KUNIT_EXPECT_TRUE(test, skbpool_flow_read(flows, idx, 50, &got, &age));
	KUNIT_EXPECT_EQ(test, memcmp(&got, &key, sizeof(key)), 0);
	/* stored as 11 | 1, read against 50 | 1 */
	KUNIT_EXPECT_EQ(test, age, 40);
	KUNIT_EXPECT_TRUE(test, skbpool_flow_read(flows, idx, 111, &got, &age));
	KUNIT_EXPECT_EQ(test, age, 100);
	KUNIT_EXPECT_FALSE(test, skbpool_flow_read(flows, idx, 112, &got, &age));

	/* stamped by a CPU whose clock was a tick ahead of the listing's */
	KUNIT_EXPECT_TRUE(test, skbpool_flow_read(flows, idx, 9, &got, &age));
	KUNIT_EXPECT_EQ(test, age, 0);

	slot->seq = 3;		/* a writer inside */
	KUNIT_EXPECT_FALSE(test, skbpool_flow_read(flows, idx, 50, &got, &age));
	slot->seq = 4;
	KUNIT_EXPECT_TRUE(test, skbpool_flow_read(flows, idx, 50, &got, &age));
	slot->last_seen = 0;	/* never stamped */
	KUNIT_EXPECT_FALSE(test, skbpool_flow_read(flows, idx, 50, &got, &age));
}

/* A count past the array is read as the array's size, no further. */
static void cls_rules_count_clamped(struct kunit *test)
{
	struct skbpool_rules *rules = kunit_kzalloc(test, sizeof(*rules), GFP_KERNEL);
	struct frame *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, rules);
	KUNIT_ASSERT_NOT_NULL(test, f);
	for (i = 0; i < SKBPOOL_RULES_MAX; i++)
		rules->rule[i].proto = 200;	/* never seen below */
	rules->count = U32_MAX;
	fb_build(test, &(struct fspec){ V4_UDP(1, 2) }, f);
	KUNIT_EXPECT_EQ(test, skbpool_classify(f->b, f->len, rules, NULL, 0, NULL),
			SKBPOOL_DROP_NOMATCH);
	rules->rule[SKBPOOL_RULES_MAX - 1].proto = 0;
	rules->rule[SKBPOOL_RULES_MAX - 1].critical = true;
	KUNIT_EXPECT_EQ(test, skbpool_classify(f->b, f->len, rules, NULL, 0, NULL),
			SKBPOOL_CRIT_RULE);
	rules->count = 0;
	KUNIT_EXPECT_EQ(test, skbpool_classify(f->b, f->len, rules, NULL, 0, NULL),
			SKBPOOL_DROP_NOMATCH);
}

/* The verdicts split exactly at SKBPOOL_FIRST_DROP. */
static void cls_critical_split(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, skbpool_class_critical(SKBPOOL_CRIT_LINK));
	KUNIT_EXPECT_TRUE(test, skbpool_class_critical(SKBPOOL_CRIT_FLOW));
	KUNIT_EXPECT_TRUE(test, skbpool_class_critical(SKBPOOL_CRIT_RULE));
	KUNIT_EXPECT_FALSE(test, skbpool_class_critical(SKBPOOL_DROP_NONIP));
	KUNIT_EXPECT_FALSE(test, skbpool_class_critical(SKBPOOL_DROP_MALFORMED));
	KUNIT_EXPECT_FALSE(test, skbpool_class_critical(SKBPOOL_DROP_FRAGMENT));
	KUNIT_EXPECT_FALSE(test, skbpool_class_critical(SKBPOOL_DROP_RULE));
	KUNIT_EXPECT_FALSE(test, skbpool_class_critical(SKBPOOL_DROP_NOMATCH));
}

static struct kunit_case classify_test_cases[] = {
	KUNIT_CASE_PARAM(cls_table, cls_gen_params),
	KUNIT_CASE_PARAM(cls_truncated, trunc_gen_params),
	KUNIT_CASE_PARAM(cls_rule_check, check_gen_params),
	KUNIT_CASE(cls_flow_key),
	KUNIT_CASE(cls_flows_to_one_server),
	KUNIT_CASE(cls_flow_live_never_evicted),
	KUNIT_CASE(cls_flow_stamped_ahead_of_writer),
	KUNIT_CASE(cls_flow_clock_race),
	KUNIT_CASE(cls_flow_flags),
	KUNIT_CASE(cls_link_flags),
	KUNIT_CASE(cls_flow_slot_busy),
	KUNIT_CASE(cls_flow_flags_change_is_a_write),
	KUNIT_CASE(cls_flow_listing),
	KUNIT_CASE(cls_rules_count_clamped),
	KUNIT_CASE(cls_critical_split),
	{}
};

static struct kunit_suite classify_suite = {
	.name = "skbpool_classify",
	.test_cases = classify_test_cases,
};

kunit_test_suite(classify_suite);
