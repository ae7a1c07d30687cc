// SPDX-License-Identifier: GPL-2.0
/*
 * The learned-flow table: SOCK_MEMALLOC flows seen on transmit
 * (skbpool_flow_learn()), looked up by the classifier on receive
 * (skbpool_flow_find()).  Open addressing over SKBPOOL_FLOW_SLOTS slots,
 * probed SKBPOOL_FLOW_PROBE deep; every access is lockless, any CPU, any
 * context: a slot is guarded by its own sequence count (odd while a writer
 * fills it, claimed by cmpxchg), as core/classify.h describes.
 *
 * Built with classify.c into skbpool.ko and into the userspace fuzzer,
 * under the same rule: only what tests/fuzz/classify_compat.h provides.
 */
#ifdef __KERNEL__
#include <linux/atomic.h>
#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/export.h>
#include <linux/limits.h>
#include <linux/stddef.h>
#include <asm/barrier.h>
#include <kunit/visibility.h>
#endif

#include "classify.h"

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

/*
 * A slot stamped @seen is live at @t when it was refreshed no more than
 * @max_age before @t, or stamped up to @max_age after it: a transmit on
 * another CPU may stamp the tick after the one this CPU read a moment
 * ago, and that flow is the freshest there is, not one a whole wrap of
 * the clock old.  0 is never stamped (times have their low bit set).
 */
static bool sp_seen_live(u32 seen, u32 t, u32 max_age)
{
	return seen && (t - seen <= max_age || seen - t <= max_age);
}

/* The flags of a slot whose key matched. */
static u8 sp_slot_flags(const struct skbpool_flow *s)
{
	return READ_ONCE(s->key.flags);
}

/**
 * skbpool_flow_any_port() - the entry every flow between two addresses shares
 * @key: a flow
 * @any: filled in: @key over its protocol, with any port (may be @key)
 *
 * A later fragment carries no ports: the classifier looks its addresses
 * up in this entry, which skbpool_flow_learn() keeps beside each flow.
 */
void skbpool_flow_any_port(const struct skbpool_flow_key *key, struct skbpool_flow_key *any)
{
	*any = *key;
	any->lport = 0;
	any->rport = 0;
	any->any_port = 1;
}

/**
 * skbpool_flow_find() - is a flow live in the table
 * @flows: the table
 * @key: the flow, local end = the receiver
 * @now: the caller's clock, the one skbpool_flow_learn() is given
 * @flags: filled with the flags learned with the flow, when found
 *
 * Lockless against concurrent skbpool_flow_learn(): a slot being written
 * is not a match, so a flow learned this very moment may be missed once.
 *
 * Context: any, including hard interrupts.
 * Return: true when @key was seen on transmit within the table's max_age.
 */
bool skbpool_flow_find(const struct skbpool_flows *flows, const struct skbpool_flow_key *key,
		       u32 now, u8 *flags)
{
	const u32 *k = (const u32 *)key;
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
		if (!(seq & 1) && sp_seen_live(seen, t, max_age) && !diff &&
		    READ_ONCE(s->seq) == seq) {
			*flags = f;
			return true;
		}
	}
	return false;
}

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

		/* a consistent read of the slot, as in skbpool_flow_find() */
		seq = smp_load_acquire(&s->seq);
		seen = READ_ONCE(s->last_seen);
		diff = sp_key_diff(s, k);
		/* the slot's reads before seq is read again, as in skbpool_flow_find() */
		smp_rmb();
		if ((seq & 1) || READ_ONCE(s->seq) != seq)
			continue;
		if (sp_seen_live(seen, t, max_age)) {
			if (diff)
				continue;	/* another live flow: never taken */
			/*
			 * No store unless the time moves forward: keep the
			 * line clean, and leave a later tick another CPU
			 * stamped (best effort: two refreshers racing may
			 * store the older last, a tick lost).  The time is a
			 * plain store: should another
			 * CPU have aged the slot out and claimed it since it
			 * was read, it keeps that flow a tick longer, no more.
			 */
			if (seen != t && t - seen <= max_age)
				WRITE_ONCE(s->last_seen, t);
			/* New flags are a write, claimed like any other: a
			 * plain store could give them to such a new flow.
			 * Losing the claim: the next transmit tries again.
			 */
			if (sp_slot_flags(s) != flags &&
			    cmpxchg(&s->seq, seq, seq + 1) == seq) {
				WRITE_ONCE(s->key.flags, flags);
				/* publish, as a new flow is published below */
				smp_store_release(&s->seq, seq + 2);
			}
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
	skbpool_flow_any_port(key, &any);
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
	u32 *k = (u32 *)key, max_age = READ_ONCE(flows->max_age), seq, seen, j;
	const u32 *w = (const u32 *)&s->key;

	/* pairs with the publishing release in skbpool_flow_learn() */
	seq = smp_load_acquire(&s->seq);
	seen = READ_ONCE(s->last_seen);
	for (j = 0; j < SP_KEY_WORDS; j++)
		k[j] = READ_ONCE(w[j]);
	/* the slot's reads before seq is read again, as in skbpool_flow_find() */
	smp_rmb();
	if ((seq & 1) || READ_ONCE(s->seq) != seq || key->any_port ||
	    !sp_seen_live(seen, now | 1, max_age))
		return false;
	/* stamped ahead of @now by another CPU: seen this very moment */
	*age = (now | 1) - seen;
	if (*age > max_age)
		*age = 0;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_flow_read);
