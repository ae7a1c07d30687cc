/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The critical-traffic classifier.
 *
 * A pure function from a frame's bytes to a verdict: it builds no skb,
 * allocates nothing, takes no lock and keeps no state, so the very same
 * core/classify.c runs in the kernel (on a received buffer, before any skb
 * exists) and in userspace under libFuzzer (tests/fuzz/).  It must be safe
 * on any byte sequence of any length.
 *
 * Order of the checks, first match wins:
 *   1. link-layer control: ARP, ICMPv6 router/neighbour discovery and
 *      redirect (types 133-137), LACP/marker (slow protocols, 0x8809) and
 *      LLDP (0x88cc) -- without them the link and the neighbour cache die;
 *   2. a learned flow of a SOCK_MEMALLOC socket (struct skbpool_flows);
 *   3. the admin's rules in order (struct skbpool_rules): a matching rule
 *      says critical or bulk;
 *   4. everything else is not critical.
 *
 * Fragments: a first fragment is judged by its ports like any datagram.  A
 * later fragment has no ports, so it is critical only when its addresses and
 * protocol match a learned flow, or when it matches a rule that sets no port
 * range; otherwise it is dropped as SKBPOOL_DROP_FRAGMENT.  The classifier
 * keeps no reassembly state (that would make it neither pure nor bounded);
 * critical traffic in practice is TCP (nbd, iSCSI, NFS, NVMe/TCP), which
 * does not fragment.  The protocol of an IPv6 later fragment is the next
 * header its fragment header names.
 *
 * What the parser accepts (anything else is SKBPOOL_DROP_MALFORMED):
 *   - up to %SKBPOOL_VLAN_TAGS_MAX tags of TPID 0x8100 or 0x88a8 in any
 *     order; a deeper stack is not parsed (SKBPOOL_DROP_NONIP).  Rules see
 *     the PCP of the outermost tag, the one the fabric prioritised the frame
 *     by.  A tag the NIC stripped into its descriptor is not in the bytes:
 *     such a driver passes the frame as received, untagged;
 *   - IPv4: version 4, 5 <= IHL, header and total length within the frame
 *     (shorter total length: Ethernet padding, ignored);
 *   - IPv6: version 6, payload length within the frame, at most
 *     %SKBPOOL_IPV6_EXT_MAX extension headers (hop-by-hop only first,
 *     routing, destination options, fragment, AH), each within the payload;
 *   - TCP needs its whole header (data offset >= 5, within the datagram),
 *     UDP its 8 bytes, ICMPv6 its 4 (8 for the discovery types); other
 *     protocols are not looked into;
 *   - ARP its fixed part and both address pairs; slow protocols a subtype
 *     byte (LACP 1 and marker 2 are link control, OAM and the rest are not).
 * A discovery message counts as link control only when the stack would
 * accept it: hop limit 255, code 0 and no fragment header (RFC 4861, RFC
 * 6980); otherwise it is ICMPv6 like any other, for the rules to judge.
 */
#ifndef _SKBPOOL_CLASSIFY_H
#define _SKBPOOL_CLASSIFY_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include "classify_compat.h"	/* tests/fuzz: u8..u64, __be16/32, READ_ONCE... */
#endif

/**
 * enum skbpool_class_reason - why a frame is or is not critical
 * @SKBPOOL_CRIT_LINK: link-layer control (ARP, ND/RD, LACP, LLDP)
 * @SKBPOOL_CRIT_FLOW: belongs to a learned SOCK_MEMALLOC flow
 * @SKBPOOL_CRIT_RULE: an admin rule marked it critical
 * @SKBPOOL_DROP_NONIP: an ethertype that is neither IP nor link control
 * @SKBPOOL_DROP_MALFORMED: truncated or inconsistent headers
 * @SKBPOOL_DROP_FRAGMENT: a later IP fragment nothing claims
 * @SKBPOOL_DROP_RULE: an admin rule marked it bulk
 * @SKBPOOL_DROP_NOMATCH: IP traffic no flow and no rule claims
 * @SKBPOOL_CLASS_REASONS: number of reasons
 */
enum skbpool_class_reason {
	SKBPOOL_CRIT_LINK,
	SKBPOOL_CRIT_FLOW,
	SKBPOOL_CRIT_RULE,
	SKBPOOL_DROP_NONIP,
	SKBPOOL_DROP_MALFORMED,
	SKBPOOL_DROP_FRAGMENT,
	SKBPOOL_DROP_RULE,
	SKBPOOL_DROP_NOMATCH,
	SKBPOOL_CLASS_REASONS
};

#define SKBPOOL_FIRST_DROP	SKBPOOL_DROP_NONIP

#define SKBPOOL_VLAN_TAGS_MAX	2	/* 802.1ad S-tag + 802.1Q C-tag */
#define SKBPOOL_IPV6_EXT_MAX	8	/* IPv6 extension headers walked */

static inline bool skbpool_class_critical(enum skbpool_class_reason r)
{
	return r < SKBPOOL_FIRST_DROP;
}

/**
 * struct skbpool_flow_key - one transport flow, seen from this host
 * @local: local address (IPv4 in local[0], network order)
 * @remote: remote address
 * @lport: local port, network order
 * @rport: remote port, network order
 * @proto: IPPROTO_TCP or IPPROTO_UDP
 * @family: 4 or 6
 * @any_port: 1 in the entry that stands for every flow between the two
 *	addresses over @proto, ports zero: a later fragment, which carries
 *	no ports, is looked up by it; 0 in a flow's own entry
 * @flags: %SKBPOOL_FLOW_* bits of what the transmitting socket is; not
 *	part of the flow (lookups ignore it), returned with a match
 *
 * Learned on transmit (local = source) and looked up on receive
 * (local = destination), so a reply finds its request's entry.
 */
struct skbpool_flow_key {
	__be32 local[4];
	__be32 remote[4];
	__be16 lport;
	__be16 rport;
	u8 proto;
	u8 family;
	u8 any_port;
	u8 flags;
};

/*
 * The flow's socket is SOCK_MEMALLOC (not merely a kernel socket); from
 * skbpool_classify() also for ARP and IPv6 neighbour solicitations and
 * adverts: hand the frame up as the reserves' (pfmemalloc).
 */
#define SKBPOOL_FLOW_MEMALLOC	1

#define SKBPOOL_FLOW_SLOTS	2048	/* power of two */
#define SKBPOOL_FLOW_PROBE	8	/* slots looked at per lookup/insert */

/**
 * struct skbpool_flow - one slot of the learned-flow table
 * @seq: even when stable, odd while a writer fills the slot
 * @last_seen: time of the last transmit on the flow (caller's clock, e.g.
 *	jiffies); 0 means empty
 * @key: the flow
 */
struct skbpool_flow {
	u32 seq;
	u32 last_seen;
	struct skbpool_flow_key key;
};

/**
 * struct skbpool_flows - bounded table of SOCK_MEMALLOC flows, with aging
 * @max_age: an entry not refreshed for this long (caller's clock) is gone
 * @slot: open addressing, SKBPOOL_FLOW_PROBE linear probes from the hash
 *
 * Writers (transmit paths on any CPU) claim a slot by moving @seq from even
 * to odd with a compare-and-exchange, fill it, and publish with a release
 * store of the next even value.  Refreshing a live entry's time is a plain
 * store of @last_seen; new flags for it are written as a claim is (odd,
 * store, even), so a late store never lands on a slot another CPU has
 * since aged out and refilled.  Readers (receive) are lockless: they read @seq with acquire,
 * compare the slot, read @seq again, and retry nothing -- a slot being
 * written is simply not a match.
 * Two CPUs learning the same new flow at once may fill two slots; both age
 * out.  No lock, no allocation, on either side.
 *
 * The hash covers the whole key, so flows between one pair of hosts (32
 * nbd connections to one server) spread over the table like any others.
 * Each flow also refreshes one any-port entry for its addresses and
 * protocol, which later fragments are looked up by.
 *
 * A live entry (seen on transmit within @max_age) is never replaced: a new
 * flow takes the first empty or aged slot of its window, and when all
 * %SKBPOOL_FLOW_PROBE are live it is not learned, and skbpool_flow_learn()
 * says so for the caller to count.  The bound: the table is one per
 * network namespace; with up to 256 live entries (an eighth of it) a
 * window is all live with a probability of the order of 8^-8 per new
 * flow, so a namespace's storage and swap connections (each one entry,
 * plus one per pair of hosts) are all learned in practice.  Slots are
 * never emptied (an aged entry stays until reused) and a new entry takes
 * the first empty or aged slot of its window, so no entry lies past a
 * slot that was never written: lookups and inserts stop at the first such
 * slot, and a lookup in a sparse table costs about one slot.
 *
 * Times are stored with their low bit set (0 stays "empty") and ages are
 * computed against now | 1 as well, so they are exact to one tick; an
 * entry is alive while (now | 1) and @last_seen are at most @max_age
 * apart either way, in wrapping u32 arithmetic: a transmit on another
 * CPU may stamp a later tick than the now a reader took a moment before
 * (an interrupt or a preempted vCPU in between can make it more than one
 * tick).  An entry idle for a whole wrap of the clock, give or take
 * @max_age, looks young again for 2 * @max_age: nothing sweeps the table,
 * and at HZ=1000 that takes 49 days of silence from the flow, then a
 * frame that happens to match it.  @max_age stays below 2^31.
 */
struct skbpool_flows {
	u32 max_age;
	struct skbpool_flow slot[SKBPOOL_FLOW_SLOTS];
};

/**
 * struct skbpool_addr_prefix - an IPv4 or IPv6 prefix
 * @family: 0 (any address), 4 or 6
 * @len: prefix length in bits (<= 32 or <= 128)
 * @addr: the prefix, network order, bits past @len zero
 */
struct skbpool_addr_prefix {
	u8 family;
	u8 len;
	__be32 addr[4];
};

/**
 * struct skbpool_rule - one admin rule; unset fields match anything
 * @critical: true: a match is critical; false: a match is bulk
 * @proto: L4 protocol number, 0 for any
 * @sport_lo: source port range, host order, inclusive; 0..0 for any.  A
 *	rule that sets either port range matches only TCP and UDP datagrams
 *	that carry their ports (never a later fragment)
 * @sport_hi: see @sport_lo
 * @dport_lo: destination port range, as @sport_lo
 * @dport_hi: see @dport_lo
 * @dscp: bitmap of DSCP values (bit n = DSCP n), 0 for any
 * @vlan_prio: bitmap of 802.1Q PCP values of the outermost tag (bit n =
 *	PCP n), 0 for any; a frame without a VLAN tag matches only 0
 * @src: source prefix
 * @dst: destination prefix
 */
struct skbpool_rule {
	bool critical;
	u8 proto;
	u16 sport_lo;
	u16 sport_hi;
	u16 dport_lo;
	u16 dport_hi;
	u64 dscp;
	u8 vlan_prio;
	struct skbpool_addr_prefix src;
	struct skbpool_addr_prefix dst;
};

#define SKBPOOL_RULES_MAX	64

/**
 * struct skbpool_rules - a NIC's rules, evaluated in order
 * @count: rules in use (the classifier reads at most %SKBPOOL_RULES_MAX)
 * @rule: the rules
 *
 * Replaced as a whole (copy, edit, publish with RCU) by the kernel side;
 * the classifier only reads it.
 */
struct skbpool_rules {
	u32 count;
	struct skbpool_rule rule[SKBPOOL_RULES_MAX];
};

enum skbpool_class_reason skbpool_classify(const void *frame, u32 len,
					   const struct skbpool_rules *rules,
					   const struct skbpool_flows *flows,
					   u32 now, u8 *flow_flags);
bool skbpool_flow_key_from_frame(const void *frame, u32 len,
				 struct skbpool_flow_key *key);
bool skbpool_flow_find(const struct skbpool_flows *flows, const struct skbpool_flow_key *key,
		       u32 now, u8 *flags);
void skbpool_flow_any_port(const struct skbpool_flow_key *key, struct skbpool_flow_key *any);
bool skbpool_flow_learn(struct skbpool_flows *flows,
			const struct skbpool_flow_key *key, u32 now);
bool skbpool_flow_read(const struct skbpool_flows *flows, u32 i, u32 now,
		       struct skbpool_flow_key *key, u32 *age);
int skbpool_rule_check(const struct skbpool_rule *rule, const char **why);

#endif /* _SKBPOOL_CLASSIFY_H */
