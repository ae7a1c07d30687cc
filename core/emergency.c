// SPDX-License-Identifier: GPL-2.0
/*
 * Emergency mode: under memory pressure a tagged NIC serves RX only from
 * its pool, and only to critical frames (classify.c decides which).  An
 * untagged NIC has no pool to serve from, so it is never in emergency: its
 * counters and events would tell of drops that never happen.
 *
 * A device in the auto policy enters emergency on real distress only:
 *   - free memory at or below the zones' min watermark, which only
 *     atomic and reclaim-driven allocations may reach (between min and
 *     low, kswapd is at work and GFP_ATOMIC still succeeds: dropping bulk
 *     traffic there would drop replies that writeback of dirty pages over
 *     sockets not marked SOCK_MEMALLOC is waiting on), or
 *   - an allocation on its receive path fails (an skb head from the NAPI
 *     cache, a stash refill, a loan, a copy at the fence, the canary);
 * and leaves once free memory is above the low watermark, neither trigger
 * was seen for emergency_hold_ms (default 2000) and one atomic allocation
 * succeeds, so a system hovering around a watermark does not flap.  The admin can force it on
 * (the skbpool-emergency private flag, or policy "on") or off.
 *
 * The check per NAPI poll reads the free-page counters of the lowmem
 * zones (the same zones the thresholds are summed over: a handful of
 * words, folded from per-cpu deltas by the kernel) and compares them with
 * thresholds the resync worker precomputes.  A
 * transition is a compare-and-exchange on the device's state, so it is
 * counted once however many queues see it at the same moment.
 */
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/vmstat.h>
#include <kunit/visibility.h>

#include "compat.h"
#include "dev.h"
#include "emergency.h"
#include "netlink.h"
#include "sizing.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

static unsigned int emergency_hold_ms = 2000;
module_param(emergency_hold_ms, uint, 0644);
MODULE_PARM_DESC(emergency_hold_ms,
		 "Calm time before auto emergency mode ends, in ms (default 2000)");

/*
 * Written by the resync worker (or a test), read by every NAPI poll:
 * each field is a word read with READ_ONCE, no pairing needed.
 */
static struct {
	unsigned long enter_pages;
	unsigned long leave_pages;
	unsigned long hold;		/* jiffies */
	bool pinned;			/* by a test: the worker leaves them be */
} skbpool_thresholds;

static void thresholds_set(unsigned long enter_pages, unsigned long leave_pages,
			   unsigned long hold)
{
	WRITE_ONCE(skbpool_thresholds.enter_pages, enter_pages);
	WRITE_ONCE(skbpool_thresholds.leave_pages, leave_pages);
	WRITE_ONCE(skbpool_thresholds.hold, hold);
}

/**
 * skbpool_emergency_update_thresholds() - recompute from the watermarks
 *
 * Context: process context; the resync worker calls it every pass, since
 * the watermarks move with vm.min_free_kbytes and have no notifier.
 */
void skbpool_emergency_update_thresholds(void)
{
	unsigned long min = skbpool_watermark_pages(WMARK_MIN);
	unsigned long low = skbpool_watermark_pages(WMARK_LOW);

	if (READ_ONCE(skbpool_thresholds.pinned))
		return;
	thresholds_set(min, max(low, min),
		       msecs_to_jiffies(READ_ONCE(emergency_hold_ms)));
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_emergency_update_thresholds);

/**
 * skbpool_emergency_pin_thresholds() - set the thresholds, for a test
 * @enter_pages: auto mode enters at or below this many free pages
 * @leave_pages: and may leave only above this many
 * @hold: calm time needed to leave, in jiffies
 *
 * They stay until skbpool_emergency_unpin_thresholds().
 */
void skbpool_emergency_pin_thresholds(unsigned long enter_pages,
				      unsigned long leave_pages,
				      unsigned long hold)
{
	WRITE_ONCE(skbpool_thresholds.pinned, true);
	thresholds_set(enter_pages, leave_pages, hold);
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_emergency_pin_thresholds);

/**
 * skbpool_emergency_unpin_thresholds() - back to the watermarks
 */
void skbpool_emergency_unpin_thresholds(void)
{
	WRITE_ONCE(skbpool_thresholds.pinned, false);
	skbpool_emergency_update_thresholds();
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_emergency_unpin_thresholds);

/**
 * skbpool_free_pages() - free memory as the emergency check sees it
 *
 * A seam for KUnit, which simulates pressure through it.
 * Return: free pages.
 */
unsigned long skbpool_free_pages(void)
{
	KUNIT_STATIC_STUB_REDIRECT(skbpool_free_pages);
	return skbpool_lowmem_free_pages();
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_free_pages);

static const char *const reason_names[] = {
	[SKBPOOL_EM_PRESSURE] = "pressure",
	[SKBPOOL_EM_ALLOC_FAIL] = "alloc-failure",
	[SKBPOOL_EM_ADMIN] = "admin",
	[SKBPOOL_EM_CALM] = "calm",
};

/**
 * skbpool_emergency_reason_name() - a transition reason as text
 * @reason: enum skbpool_em_reason
 *
 * Return: a static string.
 */
const char *skbpool_emergency_reason_name(u32 reason)
{
	return reason < ARRAY_SIZE(reason_names) ? reason_names[reason] : "?";
}

/* Push the earliest time auto mode may leave to a hold from now. */
static void emergency_stay(struct skbpool_emergency *em)
{
	unsigned long until = jiffies + READ_ONCE(skbpool_thresholds.hold);

	/* One store per jiffy at most, however many frames see pressure. */
	if (READ_ONCE(em->calm_after) != until)
		WRITE_ONCE(em->calm_after, until);
}

/* The bits of a log entry that hold the transition's number. */
#define EM_LOG_NR_MASK	(ULONG_MAX >> 2)

/*
 * The single place a state changes.  Losing the race to another CPU
 * making the same change is fine: the winner counted it.
 *
 * It may run in NAPI, so the netlink event is only asked for: the cause
 * goes into the log (struct skbpool_emergency) and a work item, which
 * allocates nothing to be queued, builds and sends the message.
 */
static bool emergency_switch(struct skbpool_dev *sdev, bool on,
			     enum skbpool_em_reason reason)
{
	struct skbpool_emergency *em = &sdev->em;
	unsigned long n;

	BUILD_BUG_ON(SKBPOOL_EM_CALM > 3);
	if (cmpxchg(&em->active, !on, on) != !on)
		return false;
	if (on) {
		emergency_stay(em);
		n = 2 * atomic_long_inc_return(&em->enters) - 1;
	} else {
		n = 2 * atomic_long_inc_return(&em->leaves);
	}
	/* Pairs with the acquire in skbpool_emergency_next_change(). */
	smp_store_release(&em->log[n % SKBPOOL_EM_LOG], (n & EM_LOG_NR_MASK) << 2 | reason);
	WRITE_ONCE(em->last_reason, reason);
	WRITE_ONCE(em->last_change_ns, ktime_get_boottime_ns());
	trace_skbpool_emergency(sdev->netdev, on, skbpool_emergency_reason_name(reason));
	skbpool_nl_emergency_changed();
	return true;
}

/**
 * skbpool_emergency_probe() - can an atomic allocation succeed now?
 *
 * Before leaving, one atomic allocation checks that memory really is back.
 * Without it a NIC whose skb heads come from caches other traffic refills
 * (TX completions feed the NAPI cache) sees no failure while fresh
 * allocations still fail, leaves, and lets bulk traffic in.  It runs only
 * when the hold has expired: once per poll at most, never per frame.
 * Where the skb head cache is out of reach (6.1), a whole skb is
 * allocated: its head from that cache, and a little data.
 *
 * Return: true when the allocation succeeded.
 */
bool skbpool_emergency_probe(void)
{
	struct kmem_cache *heads = skbpool_skb_head_cache();
	struct sk_buff *skb;

	KUNIT_STATIC_STUB_REDIRECT(skbpool_emergency_probe);
	if (!heads) {
		skb = alloc_skb(0, GFP_ATOMIC | __GFP_NOWARN);
		if (!skb)
			return false;
		consume_skb(skb);
		return true;
	}
	skb = kmem_cache_alloc(heads, GFP_ATOMIC | __GFP_NOWARN);
	if (!skb)
		return false;
	kmem_cache_free(heads, skb);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_emergency_probe);

/*
 * The RX path may not allocate at all for a while (heads recycled through
 * the NAPI cache by TX completions), so failures elsewhere would go
 * unseen: a canary allocation, four times a second per device, stands in.
 */
static void emergency_canary(struct skbpool_dev *sdev)
{
	WRITE_ONCE(sdev->em.next_probe, jiffies + HZ / 4);
	if (!skbpool_emergency_probe())
		skbpool_emergency_alloc_failed(sdev);
}

/**
 * skbpool_emergency_next_change() - the oldest transition not yet reported
 * @sdev: the device
 * @reported: transitions the caller has reported; advanced past the one
 *	returned
 * @on: set to true for an entry into emergency, false for a leave
 * @reason: set to its enum skbpool_em_reason, or -1 when the log slot was
 *	reused before it was read
 *
 * Transitions alternate from off, so their number says which way each
 * went.  Only a transition whose predecessors are counted too is
 * returned: two CPUs may switch one after the other and count in the
 * other order.  One whose cause is not logged yet is left for the next
 * call (its writer asks for one); when more than %SKBPOOL_EM_LOG
 * happened since the last call, the oldest are skipped.
 *
 * Context: any; one caller at a time per @reported.
 * Return: whether a transition was returned.
 */
bool skbpool_emergency_next_change(const struct skbpool_dev *sdev,
				   unsigned long *reported, bool *on, int *reason)
{
	const struct skbpool_emergency *em = &sdev->em;
	unsigned long enters = atomic_long_read(&em->enters);
	unsigned long leaves = atomic_long_read(&em->leaves);
	unsigned long known = min(2 * enters, 2 * leaves + 1);
	unsigned long n, entry, ahead;

	if (known - *reported > SKBPOOL_EM_LOG)
		*reported = known - SKBPOOL_EM_LOG;
	if (known == *reported)
		return false;
	n = *reported + 1;
	/* Pairs with the release in emergency_switch(). */
	entry = smp_load_acquire(&em->log[n % SKBPOOL_EM_LOG]);
	ahead = ((entry >> 2) - n) & EM_LOG_NR_MASK;
	if (!ahead)
		*reason = entry & 3;
	else if (ahead < EM_LOG_NR_MASK / 2)
		*reason = -1;		/* reused by a later transition */
	else
		return false;		/* an older number: not logged yet */
	*on = n & 1;
	*reported = n;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_emergency_next_change);

/**
 * skbpool_emergency_poll() - evaluate the device's state
 * @sdev: the device
 *
 * Context: any, lockless; every RX NAPI poll of a tagged queue (through
 * skbpool_rx_napi_begin()) and every resync pass, so an idle NIC leaves too.
 * Return: whether the device is in emergency now.
 */
bool skbpool_emergency_poll(struct skbpool_dev *sdev)
{
	struct skbpool_emergency *em = &sdev->em;
	int policy = READ_ONCE(em->policy);
	unsigned long free;

	/* Only a tagged NIC's pools act on emergency: an untagged one never
	 * enters.  Between an untag and the restart that tears its pools
	 * down, a queue keeps the state it had (no slow-path growth in
	 * emergency); skbpool_emergency_tag_changed() ends it.
	 */
	if (unlikely(!READ_ONCE(sdev->tagged)))
		return READ_ONCE(em->active);
	/* A forced policy decides by itself; the state word follows it
	 * (set_policy switches it, and a poll that raced the change is put
	 * right here by the next one).
	 */
	if (unlikely(policy != SKBPOOL_EM_POLICY_AUTO)) {
		bool on = policy == SKBPOOL_EM_POLICY_ON;

		if (READ_ONCE(em->active) != on)
			emergency_switch(sdev, on, SKBPOOL_EM_ADMIN);
		return on;
	}
	free = skbpool_free_pages();
	if (!READ_ONCE(em->active)) {
		if (unlikely(free <= READ_ONCE(skbpool_thresholds.enter_pages)))
			emergency_switch(sdev, true, SKBPOOL_EM_PRESSURE);
		else if (unlikely(time_after(jiffies, READ_ONCE(em->next_probe))))
			emergency_canary(sdev);
	} else if (free <= READ_ONCE(skbpool_thresholds.leave_pages)) {
		emergency_stay(em);
	} else if (time_after(jiffies, READ_ONCE(em->calm_after))) {
		if (skbpool_emergency_probe())
			emergency_switch(sdev, false, SKBPOOL_EM_CALM);
		else
			emergency_stay(em);
	}
	return READ_ONCE(em->active);
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_emergency_poll);

/**
 * skbpool_emergency_tag_changed() - apply a tag change to the state
 * @sdev: the device, its queues rebuilt for the new tag
 *
 * Tagged, the policy kept while untagged applies now; untagged, the
 * device leaves emergency (cause admin).  Counters are never reset.
 *
 * Context: RTNL held: no NAPI poll of a pooled queue runs any more, and
 * nothing else enters an untagged device.
 */
void skbpool_emergency_tag_changed(struct skbpool_dev *sdev)
{
	if (sdev->tagged)
		skbpool_emergency_poll(sdev);
	else if (READ_ONCE(sdev->em.active))
		emergency_switch(sdev, false, SKBPOOL_EM_ADMIN);
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_emergency_tag_changed);

/**
 * skbpool_emergency_alloc_failed() - an allocation on the RX path failed
 * @sdev: the device
 *
 * Context: any, lockless.
 */
void skbpool_emergency_alloc_failed(struct skbpool_dev *sdev)
{
	struct skbpool_emergency *em = &sdev->em;

	if (READ_ONCE(em->policy) != SKBPOOL_EM_POLICY_AUTO ||
	    !READ_ONCE(sdev->tagged))
		return;
	emergency_stay(em);
	if (!READ_ONCE(em->active))
		emergency_switch(sdev, true, SKBPOOL_EM_ALLOC_FAIL);
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_emergency_alloc_failed);

/**
 * skbpool_emergency_set_policy() - the admin's choice
 * @sdev: the device
 * @policy: enum skbpool_em_policy
 *
 * On and off take effect at once.  Back to auto, the device leaves now if
 * memory is calm, else it stays in for the hold time like any auto entry.
 * An untagged device keeps the policy for when it is tagged and stays out.
 *
 * Context: skbpool_lock held.
 * Return: 0, or -EINVAL for an unknown policy (nothing changes).
 */
int skbpool_emergency_set_policy(struct skbpool_dev *sdev, u32 policy)
{
	struct skbpool_emergency *em = &sdev->em;

	lockdep_assert_held(&skbpool_lock);
	if (policy > SKBPOOL_EM_POLICY_OFF)
		return -EINVAL;
	WRITE_ONCE(em->policy, policy);
	if (!sdev->tagged)
		return 0;
	switch (policy) {
	case SKBPOOL_EM_POLICY_ON:
		emergency_switch(sdev, true, SKBPOOL_EM_ADMIN);
		break;
	case SKBPOOL_EM_POLICY_OFF:
		emergency_switch(sdev, false, SKBPOOL_EM_ADMIN);
		break;
	default:
		if (skbpool_free_pages() > READ_ONCE(skbpool_thresholds.leave_pages))
			emergency_switch(sdev, false, SKBPOOL_EM_ADMIN);
		else
			emergency_stay(em);
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_emergency_set_policy);

/**
 * skbpool_emergency_read() - the state, for ethtool and netlink
 * @sdev: the device
 * @info: filled in
 */
void skbpool_emergency_read(const struct skbpool_dev *sdev,
			    struct skbpool_emergency_info *info)
{
	const struct skbpool_emergency *em = &sdev->em;

	info->policy = READ_ONCE(em->policy);
	info->active = READ_ONCE(em->active);
	info->enters = atomic_long_read(&em->enters);
	info->last_reason = READ_ONCE(em->last_reason);
	info->last_change_ns = READ_ONCE(em->last_change_ns);
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_emergency_read);
