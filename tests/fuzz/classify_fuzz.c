// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for core/classify.c and core/flows.c, built with ASan and UBSan
 * (tests/fuzz/run.sh, make fuzz).
 *
 * Each input is one Ethernet frame.  It is judged by skbpool_classify()
 * against a fixed rule set that exercises every matcher, and against a flow
 * table learned from the input itself: skbpool_flow_key_from_frame() reads
 * the frame as if it had been transmitted, and the mirror of that key (the
 * flow the frame would be a reply to) is learned after a full window of
 * neighbours, so learning, refreshing, eviction and lookup all run on
 * every TCP or UDP input.
 *
 * Besides the sanitizers, the target checks what must hold on any input:
 *   - the verdict is a defined reason, and the same for the same inputs;
 *   - without flows nothing is CRIT_FLOW, without rules nothing is
 *     CRIT_RULE or DROP_RULE, and the link/non-IP/malformed verdicts do not
 *     depend on rules or flows at all;
 *   - a frame whose key was learned is recognised in the reply direction:
 *     CRIT_FLOW, unless the receive-side parse finds it malformed (only
 *     the receive side checks the IP length fields against the frame);
 *   - a learned key is TCP or UDP, of family 4 or 6, with a zero pad;
 *   - of the link verdicts, ARP carries the memalloc mark, and only ARP
 *     and IPv6 (neighbour discovery) may: never LLDP or LACP.
 * A violation aborts, which libFuzzer reports as a crash with the input.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../../core/classify.h"

#define NOW		100000u
#define MAX_AGE		1000u
#define NEIGHBOURS	(SKBPOOL_FLOW_PROBE + 1)

/* Constant network-order words, for static initialisers. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define BE32(x)		__builtin_bswap32(x)
#else
#define BE32(x)		(x)
#endif
#define V4(a, b, c, d)	{ BE32((u32)(a) << 24 | (b) << 16 | (c) << 8 | (d)) }
#define V6(w0, w1)	{ BE32(w0), BE32(w1) }

/* Every field of a rule is used by at least one of these. */
static struct skbpool_rules rules = {
	.count = 8,
	.rule = {
		{ .critical = true, .proto = IPPROTO_UDP,
		  .dport_lo = 5000, .dport_hi = 5010 },
		{ .critical = false, .proto = IPPROTO_TCP,
		  .sport_lo = 1, .sport_hi = 1023,
		  .dst = { .family = 4, .len = 24, .addr = V4(198, 51, 100, 0) } },
		{ .critical = true, .dscp = 1ull << 46, .vlan_prio = 0xc0 },
		{ .critical = true,
		  .src = { .family = 6, .len = 48,
			   .addr = V6(0x20010db8, 0x00010000) } },
		{ .critical = false, .proto = 1 /* ICMP */ },
		{ .critical = true, .proto = IPPROTO_UDP,
		  .dst = { .family = 4, .len = 25, .addr = V4(192, 0, 2, 0) } },
		{ .critical = true, .proto = IPPROTO_TCP,
		  .sport_lo = 10809, .sport_hi = 10809 },
		{ .critical = false, .dscp = 0xff,
		  .dst = { .family = 6, .len = 127,
			   .addr = { BE32(0x20010db8), 0, 0, BE32(2) } } },
	},
};

static struct skbpool_flows flows;

static void fail(const char *what, int got, int want)
{
	fprintf(stderr, "classify_fuzz: %s (got %d, want %d)\n", what, got, want);
	abort();
}

static bool final_before_ip(enum skbpool_class_reason r)
{
	return r == SKBPOOL_CRIT_LINK || r == SKBPOOL_DROP_NONIP ||
	       r == SKBPOOL_DROP_MALFORMED;
}

/* The ethertype after any VLAN tags, read here apart from classify.c. */
static unsigned int inner_ethertype(const u8 *data, u32 len)
{
	unsigned int type;
	u32 off;

	for (off = 12; off + 2 <= len; off += 4) {
		type = (unsigned int)data[off] << 8 | data[off + 1];
		if (type != 0x8100 && type != 0x88a8)
			return type;
	}
	return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *why;
	u32 i;

	(void)argc;
	(void)argv;
	for (i = 0; i < rules.count; i++) {
		if (skbpool_rule_check(&rules.rule[i], &why)) {
			fprintf(stderr, "classify_fuzz: rule %u: %s\n", i, why);
			abort();
		}
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	enum skbpool_class_reason bare, with_rules, full, again;
	u8 flags = 0xee, flags_again = 0xee;
	struct skbpool_flow_key key, mirror, k;
	u32 len = size > U32_MAX ? U32_MAX : (u32)size;
	bool learned;
	u32 i;

	memset(&flows, 0, sizeof(flows));
	flows.max_age = MAX_AGE;

	learned = skbpool_flow_key_from_frame(data, len, &key);
	if (learned) {
		if (key.proto != IPPROTO_TCP && key.proto != IPPROTO_UDP)
			fail("learned a key that is not TCP or UDP", key.proto, 0);
		if (key.family != 4 && key.family != 6)
			fail("learned a key of no family", key.family, 0);
		if (key.any_port || key.flags)
			fail("learned a key with any_port or flags set", key.flags, key.any_port);

		mirror = key;
		memcpy(mirror.local, key.remote, sizeof(mirror.local));
		memcpy(mirror.remote, key.local, sizeof(mirror.remote));
		mirror.lport = key.rport;
		mirror.rport = key.lport;
		mirror.flags = SKBPOOL_FLOW_MEMALLOC;

		/*
		 * Other flows between the same two hosts, some aged out
		 * (they share the mirror's any-port entry): the mirror,
		 * learned last, must be learned all the same.
		 */
		for (i = 0; i < NEIGHBOURS; i++) {
			k = mirror;
			k.lport ^= htobe16(i + 1);
			skbpool_flow_learn(&flows, &k, NOW - 2 * MAX_AGE + i * 200);
		}
		skbpool_flow_learn(&flows, &key, NOW - 1);
		skbpool_flow_learn(&flows, &mirror, NOW - 1);
		skbpool_flow_learn(&flows, &mirror, NOW);	/* a refresh */
	}

	bare = skbpool_classify(data, len, NULL, NULL, NOW, NULL);
	with_rules = skbpool_classify(data, len, &rules, NULL, NOW, NULL);
	full = skbpool_classify(data, len, &rules, &flows, NOW, &flags);
	again = skbpool_classify(data, len, &rules, &flows, NOW, &flags_again);

	if ((unsigned int)full >= SKBPOOL_CLASS_REASONS)
		fail("undefined verdict", full, 0);
	if (again != full || flags_again != flags)
		fail("verdict changed between two calls", again, full);
	/* ARP and discovery (link verdicts) may carry the memalloc mark too */
	if (full != SKBPOOL_CRIT_FLOW && full != SKBPOOL_CRIT_LINK && flags)
		fail("flags without a flow or link verdict", flags, full);
	if (full == SKBPOOL_CRIT_LINK && flags & ~SKBPOOL_FLOW_MEMALLOC)
		fail("a link verdict with flags other than memalloc", flags, full);
	if (full == SKBPOOL_CRIT_LINK) {
		unsigned int type = inner_ethertype(data, len);

		if (type == 0x0806 && flags != SKBPOOL_FLOW_MEMALLOC)
			fail("ARP without the memalloc mark", flags, SKBPOOL_FLOW_MEMALLOC);
		if (type != 0x0806 && type != 0x86dd && flags)
			fail("link control other than ARP or IPv6 marked", flags, (int)type);
	}
	if (bare == SKBPOOL_CRIT_FLOW || bare == SKBPOOL_CRIT_RULE ||
	    bare == SKBPOOL_DROP_RULE)
		fail("flow or rule verdict without flows and rules", bare, 0);
	if (with_rules == SKBPOOL_CRIT_FLOW)
		fail("flow verdict without flows", with_rules, 0);
	if (final_before_ip(bare) != final_before_ip(full) ||
	    (final_before_ip(bare) && bare != full))
		fail("link/non-IP/malformed depends on rules or flows", full, bare);
	if (final_before_ip(with_rules) != final_before_ip(bare))
		fail("link/non-IP/malformed depends on rules", with_rules, bare);
	if (learned && full != SKBPOOL_CRIT_FLOW &&
	    full != SKBPOOL_DROP_MALFORMED)
		fail("the reply to a learned flow is not recognised", full,
		     SKBPOOL_CRIT_FLOW);
	if (learned && full == SKBPOOL_CRIT_FLOW && flags != SKBPOOL_FLOW_MEMALLOC)
		fail("a learned flow's flags are lost", flags, SKBPOOL_FLOW_MEMALLOC);
	return 0;
}
