// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: emergency mode on a fake queue.  The state machine enters on
 * pressure or on a failed allocation, leaves only after the hold time with
 * memory calm, and counts each entry once; in emergency only critical
 * frames get an skb, every frame is counted by reason and a dropped one's
 * buffer is reused at once; a SOCK_MEMALLOC socket's transmit teaches the
 * device its flow so the reply is critical.
 */
#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/bottom_half.h>
#include <linux/delay.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/net.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/mm.h>
#include <net/sock.h>

#include <skbpool/skbpool.h>

#include "../../core/classify.h"
#include "../../core/dev.h"
#include "../../core/emergency.h"
#include "../../core/lend.h"
#include "../../core/netns.h"
#include "../../core/rules.h"
#include "../../core/rx.h"
#include "../../core/sizing.h"
#include "../../core/tx.h"
#include "fake.h"

#define RING		16
#define FRAME_LEN	1514
#define CRIT_PORT	5000

static unsigned long fake_free;

static unsigned long fake_free_pages(void)
{
	return fake_free;
}

/* Pressure below 100 free pages, calm above 200, a 50 ms hold. */
static void fake_memory(struct kunit *test, unsigned long free)
{
	fake_free = free;
	kunit_activate_static_stub(test, skbpool_free_pages, fake_free_pages);
	skbpool_emergency_pin_thresholds(100, 200, msecs_to_jiffies(50));
}

/* Restore the real thresholds for whatever runs after the suite. */
static void real_thresholds(struct kunit *test)
{
	skbpool_emergency_unpin_thresholds();
}

/* The test's own flow table, in place of init_net's (netns.c). */
static struct skbpool_flows *em_flows;

static struct skbpool_flows *em_dev_flows(const struct skbpool_dev *sdev)
{
	return em_flows;
}

static struct skbpool_dev *em_dev(struct kunit *test, u32 policy)
{
	struct skbpool_dev *sdev = fake_dev_new(test);

	sdev->em.policy = policy;
	sdev->tagged = true;
	em_flows = kunit_kzalloc(test, sizeof(*em_flows), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, em_flows);
	em_flows->max_age = SKBPOOL_FLOW_MAX_AGE;
	kunit_activate_static_stub(test, skbpool_dev_flows, em_dev_flows);
	return sdev;
}

static struct skbpool_rxq *em_pool(struct kunit *test, struct skbpool_dev *sdev)
{
	struct skbpool_rxq_params p = { .ring_size = RING, .frame_len = FRAME_LEN };
	struct skbpool_rxq *q = skbpool_rxq_alloc(sdev, &p, 4 * RING);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, q);
	return q;
}

static bool poll(struct skbpool_dev *sdev)
{
	return skbpool_emergency_poll(sdev);
}

/* An Ethernet + IPv4 + UDP frame, 64 bytes, into @buf. */
static u32 udp_frame(u8 *buf, __be32 saddr, __be32 daddr, u16 sport, u16 dport)
{
	struct ethhdr *eth = (struct ethhdr *)buf;
	struct iphdr *ip = (struct iphdr *)(eth + 1);
	struct udphdr *uh = (struct udphdr *)(ip + 1);

	memset(buf, 0, 64);
	eth_broadcast_addr(eth->h_dest);
	eth->h_proto = htons(ETH_P_IP);
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons(64 - ETH_HLEN);
	ip->saddr = saddr;
	ip->daddr = daddr;
	uh->source = htons(sport);
	uh->dest = htons(dport);
	uh->len = htons(64 - ETH_HLEN - sizeof(*ip));
	return 64;
}

static u32 arp_frame(u8 *buf)
{
	struct ethhdr *eth = (struct ethhdr *)buf;
	u8 *arp = (u8 *)(eth + 1);

	memset(buf, 0, 60);
	eth_broadcast_addr(eth->h_dest);
	eth->h_proto = htons(ETH_P_ARP);
	/* Ethernet/IPv4 request: htype 1, ptype 0x0800, hlen 6, plen 4, op 1. */
	arp[1] = 1;
	arp[2] = 0x08;
	arp[4] = 6;
	arp[5] = 4;
	arp[7] = 1;
	return 60;
}

/* Receive one frame written by @fill; returns the skb or NULL. */
static struct sk_buff *receive(struct kunit *test, struct skbpool_rxq *q,
			       u32 (*fill)(u8 *buf, void *arg), void *arg)
{
	struct sk_buff *skb;
	dma_addr_t dma;
	int id;

	local_bh_disable();
	skbpool_rx_napi_begin(q);
	id = skbpool_rx_get(q, &dma);
	KUNIT_ASSERT_GE(test, id, 0);
	skb = skbpool_rx_build(q, id, fill(skbpool_rx_va(q, id), arg));
	local_bh_enable();
	return skb;
}

static u32 fill_arp(u8 *buf, void *arg)
{
	return arp_frame(buf);
}

static u32 fill_udp_to(u8 *buf, void *arg)
{
	return udp_frame(buf, htonl(0xc0000201), htonl(0xc0000202), 40000,
			 *(u16 *)arg);
}

static u32 fill_garbage(u8 *buf, void *arg)
{
	memset(buf, 0x5a, 64);
	return 64;
}

static void expect_cls(struct kunit *test, struct skbpool_rxq *q,
		       enum skbpool_class_reason why, u64 n)
{
	struct skbpool_rxq_snapshot s;

	skbpool_rxq_read(q, &s);
	KUNIT_EXPECT_EQ_MSG(test, s.cls[why], n, "reason %d", why);
}

static void add_port_rule(struct kunit *test, struct skbpool_dev *sdev,
			  bool critical, u16 port)
{
	struct skbpool_rule r = {
		.critical = critical,
		.proto = IPPROTO_UDP,
		.dport_lo = port,
		.dport_hi = port,
	};
	const char *why = NULL;
	int ret;

	mutex_lock(&skbpool_lock);
	ret = skbpool_rule_add(sdev, &r, U32_MAX, &why);
	mutex_unlock(&skbpool_lock);
	KUNIT_ASSERT_GE_MSG(test, ret, 0, "%s", why);
}

static void drop_rules(struct skbpool_dev *sdev)
{
	mutex_lock(&skbpool_lock);
	skbpool_rules_flush(sdev);
	mutex_unlock(&skbpool_lock);
}

/* Forced on: link control and rule traffic pass, the rest is dropped
 * before any skb exists, each dropped buffer straight back on the free
 * list; every frame is counted once, under its reason.
 */
static void forced_emergency_admits_only_critical(struct kunit *test)
{
	struct skbpool_dev *sdev = em_dev(test, SKBPOOL_EM_POLICY_ON);
	struct skbpool_rxq *q = em_pool(test, sdev);
	u16 crit = CRIT_PORT, bulk = 5201;
	struct skbpool_rxq_snapshot s;
	struct sk_buff *skb;
	int i;

	add_port_rule(test, sdev, true, CRIT_PORT);
	skb = receive(test, q, fill_arp, NULL);
	KUNIT_EXPECT_NOT_NULL(test, skb);
	consume_skb(skb);
	skb = receive(test, q, fill_udp_to, &crit);
	KUNIT_EXPECT_NOT_NULL(test, skb);
	consume_skb(skb);

	for (i = 0; i < 3 * 4 * RING; i++)
		KUNIT_EXPECT_NULL(test, receive(test, q, fill_udp_to, &bulk));
	KUNIT_EXPECT_NULL(test, receive(test, q, fill_garbage, NULL));
	/* Dropped frames never left the pool: nothing in flight, no growth. */
	KUNIT_EXPECT_EQ(test, q->posted, 0);
	skbpool_rxq_read(q, &s);
	KUNIT_EXPECT_EQ(test, s.slowpath, 0);
	KUNIT_EXPECT_EQ(test, s.exhausted, 0);

	expect_cls(test, q, SKBPOOL_CRIT_LINK, 1);
	expect_cls(test, q, SKBPOOL_CRIT_RULE, 1);
	expect_cls(test, q, SKBPOOL_DROP_NOMATCH, 3 * 4 * RING);
	expect_cls(test, q, SKBPOOL_DROP_NONIP, 1);
	drop_rules(sdev);
	skbpool_rxq_free(q);
}

/* Outside emergency nothing is classified and nothing dropped by us. */
static void no_emergency_no_classification(struct kunit *test)
{
	struct skbpool_dev *sdev = em_dev(test, SKBPOOL_EM_POLICY_AUTO);
	struct skbpool_rxq *q = em_pool(test, sdev);
	struct skbpool_rxq_snapshot s;
	struct sk_buff *skb;
	int i;

	fake_memory(test, 1000);
	skb = receive(test, q, fill_garbage, NULL);
	KUNIT_EXPECT_NOT_NULL(test, skb);
	consume_skb(skb);
	skbpool_rxq_read(q, &s);
	for (i = 0; i < SKBPOOL_CLASS_REASONS; i++)
		KUNIT_EXPECT_EQ(test, s.cls[i], 0);
	KUNIT_EXPECT_FALSE(test, q->emergency);
	skbpool_rxq_free(q);
	real_thresholds(test);
}

/* Auto: in at the enter threshold, not out while memory sits between the
 * thresholds, out only after the hold with memory calm; one entry counted
 * however often memory crosses the enter threshold meanwhile.
 */
static void auto_enters_and_leaves_with_hysteresis(struct kunit *test)
{
	struct skbpool_dev *sdev = em_dev(test, SKBPOOL_EM_POLICY_AUTO);
	struct skbpool_emergency_info info;
	int i;

	fake_memory(test, 1000);
	KUNIT_EXPECT_FALSE(test, poll(sdev));
	fake_free = 150;			/* low, but not at the threshold */
	KUNIT_EXPECT_FALSE(test, poll(sdev));
	fake_free = 100;
	KUNIT_EXPECT_TRUE(test, poll(sdev));
	for (i = 0; i < 10; i++) {		/* hovering: no flapping */
		fake_free = i & 1 ? 90 : 150;
		KUNIT_EXPECT_TRUE(test, poll(sdev));
	}
	msleep(80);
	KUNIT_EXPECT_TRUE(test, poll(sdev));	/* past the hold, still low */
	fake_free = 1000;
	KUNIT_EXPECT_TRUE(test, poll(sdev));	/* calm, but the hold restarted */
	msleep(80);
	KUNIT_EXPECT_FALSE(test, poll(sdev));
	skbpool_emergency_read(sdev, &info);
	KUNIT_EXPECT_EQ(test, info.enters, 1);
	KUNIT_EXPECT_EQ(test, info.last_reason, SKBPOOL_EM_CALM);
	KUNIT_EXPECT_NE(test, info.last_change_ns, 0);
	real_thresholds(test);
}

/* Between the min and the low watermark kswapd is at work and atomic
 * allocations still succeed: no emergency there.  At min, emergency.
 */
static void enters_at_min_watermark_not_before(struct kunit *test)
{
	struct skbpool_dev *sdev = em_dev(test, SKBPOOL_EM_POLICY_AUTO);
	unsigned long min = skbpool_watermark_pages(WMARK_MIN);
	unsigned long low = skbpool_watermark_pages(WMARK_LOW);

	KUNIT_ASSERT_GT(test, low, min + 1);
	fake_free = min + (low - min) / 2;
	kunit_activate_static_stub(test, skbpool_free_pages, fake_free_pages);
	skbpool_emergency_unpin_thresholds();
	KUNIT_EXPECT_FALSE(test, poll(sdev));
	fake_free = min + 1;
	KUNIT_EXPECT_FALSE(test, poll(sdev));
	fake_free = min;
	KUNIT_EXPECT_TRUE(test, poll(sdev));
}

/* The free pages compared with the thresholds are those of the zones the
 * thresholds are summed over: never more than the whole machine's.
 */
static void free_pages_of_the_watermark_zones(struct kunit *test)
{
	unsigned long lowmem = skbpool_lowmem_free_pages();
	unsigned long all = global_zone_page_state(NR_FREE_PAGES);

	KUNIT_EXPECT_GT(test, lowmem, 0);
	/* Both are read a moment apart: allow for a little churn. */
	KUNIT_EXPECT_LE(test, lowmem, all + 256);
}

/* The zone with the most free pages, where a test may set some aside. */
static struct zone *roomiest_zone(void)
{
	struct zone *zone, *best = NULL;
	int nid, i;

	for_each_online_node(nid) {
		for (i = 0; i < ZONE_MOVABLE; i++) {
			zone = &NODE_DATA(nid)->node_zones[i];
			if (!populated_zone(zone) || is_highmem(zone))
				continue;
			if (!best || zone_page_state(zone, NR_FREE_PAGES) >
				     zone_page_state(best, NR_FREE_PAGES))
				best = zone;
		}
	}
	return best;
}

/*
 * Add @pages to one of the roomiest zone's counters for a moment, under
 * the zone lock as the allocator changes them, and check that
 * skbpool_lowmem_free_pages() drops by as much meanwhile (read a moment
 * apart: a little churn is allowed).
 */
static void expect_free_pages_drop(struct kunit *test,
				   unsigned long *(*field)(struct zone *zone))
{
	const unsigned long pages = 4096;
	struct zone *zone = roomiest_zone();
	unsigned long before, during, flags;

	KUNIT_ASSERT_NOT_NULL(test, zone);
	KUNIT_ASSERT_GT(test, zone_page_state(zone, NR_FREE_PAGES), 4 * pages);
	before = skbpool_lowmem_free_pages();
	spin_lock_irqsave(&zone->lock, flags);
	*field(zone) += pages;
	spin_unlock_irqrestore(&zone->lock, flags);
	during = skbpool_lowmem_free_pages();
	spin_lock_irqsave(&zone->lock, flags);
	*field(zone) -= min(*field(zone), pages);
	spin_unlock_irqrestore(&zone->lock, flags);
	KUNIT_EXPECT_LE(test, during + pages, before + 256);
	KUNIT_EXPECT_GE(test, during + pages + 256, before);
}

static unsigned long *highatomic_of(struct zone *zone)
{
	return &zone->nr_free_highatomic;
}

static unsigned long *boost_of(struct zone *zone)
{
	return &zone->watermark_boost;
}

/* Free pages of the high-order atomic reserve are out of reach of the
 * allocations that stall in reclaim (page faults, GFP_KERNEL): counting
 * them, free memory looked above min while those already met the OOM
 * killer.
 */
static void free_pages_leave_out_highatomic_reserve(struct kunit *test)
{
	expect_free_pages_drop(test, highatomic_of);
}

/* A boost raises every watermark of a zone for as long as kswapd takes to
 * reclaim it (after fragmenting fallbacks, which a flood of page-fragment
 * refills and a hog make common); an ordinary allocation stalls at the
 * boosted min.  Free pages are counted from there.
 */
static void free_pages_count_from_the_boosted_watermark(struct kunit *test)
{
	expect_free_pages_drop(test, boost_of);
}

static struct sk_buff *no_napi_head(void *va, u32 truesize)
{
	return NULL;
}

static bool probe_fails(void)
{
	return false;
}

/* Memory above the thresholds and the hold over are not enough while an
 * atomic allocation still fails (caches other traffic refills can hide
 * that from the RX path): stay until the probe succeeds.
 */
static void leaves_only_when_allocation_works(struct kunit *test)
{
	struct skbpool_dev *sdev = em_dev(test, SKBPOOL_EM_POLICY_AUTO);
	struct skbpool_emergency_info info;

	fake_memory(test, 1000);
	skbpool_emergency_alloc_failed(sdev);
	KUNIT_EXPECT_TRUE(test, poll(sdev));
	kunit_activate_static_stub(test, skbpool_emergency_probe, probe_fails);
	msleep(80);
	KUNIT_EXPECT_TRUE(test, poll(sdev));
	msleep(80);
	KUNIT_EXPECT_TRUE(test, poll(sdev));
	kunit_deactivate_static_stub(test, skbpool_emergency_probe);
	KUNIT_EXPECT_TRUE(test, poll(sdev));	/* the failed probe restarted the hold */
	msleep(80);
	KUNIT_EXPECT_FALSE(test, poll(sdev));
	skbpool_emergency_read(sdev, &info);
	KUNIT_EXPECT_EQ(test, info.enters, 1);
	real_thresholds(test);
}

/* A failed head allocation on the RX path enters emergency at once, and
 * the same poll already drops what is not critical.
 */
static void failed_allocation_enters(struct kunit *test)
{
	struct skbpool_dev *sdev = em_dev(test, SKBPOOL_EM_POLICY_AUTO);
	struct skbpool_rxq *q = em_pool(test, sdev);
	struct skbpool_emergency_info info;
	struct sk_buff *skb;
	dma_addr_t dma;
	int id;

	fake_memory(test, 1000);
	kunit_activate_static_stub(test, skbpool_rx_napi_build, no_napi_head);
	local_bh_disable();
	KUNIT_EXPECT_FALSE(test, skbpool_rx_napi_begin(q));
	id = skbpool_rx_get(q, &dma);
	skb = skbpool_rx_build(q, id, fill_garbage(skbpool_rx_va(q, id), NULL));
	KUNIT_EXPECT_NOT_NULL(test, skb);	/* classified before the failure */
	KUNIT_EXPECT_TRUE(test, q->emergency);
	id = skbpool_rx_get(q, &dma);
	KUNIT_EXPECT_NULL(test, skbpool_rx_build(q, id, fill_garbage(skbpool_rx_va(q, id), NULL)));
	local_bh_enable();
	kfree_skb(skb);
	kunit_deactivate_static_stub(test, skbpool_rx_napi_build);
	skbpool_emergency_read(sdev, &info);
	KUNIT_EXPECT_TRUE(test, info.active);
	KUNIT_EXPECT_EQ(test, info.enters, 1);
	KUNIT_EXPECT_EQ(test, info.last_reason, SKBPOOL_EM_ALLOC_FAIL);
	expect_cls(test, q, SKBPOOL_DROP_NONIP, 1);
	skbpool_rxq_free(q);
	real_thresholds(test);
}

/* The admin's policy: on and off win over memory; back to auto leaves at
 * once when memory is calm; a bad policy changes nothing.
 */
static void policy_overrides_memory(struct kunit *test)
{
	struct skbpool_dev *sdev = em_dev(test, SKBPOOL_EM_POLICY_AUTO);
	struct skbpool_emergency_info info;

	fake_memory(test, 1000);
	mutex_lock(&skbpool_lock);
	KUNIT_EXPECT_EQ(test, skbpool_emergency_set_policy(sdev, 7), -EINVAL);
	KUNIT_EXPECT_EQ(test, sdev->em.policy, SKBPOOL_EM_POLICY_AUTO);
	KUNIT_EXPECT_EQ(test, skbpool_emergency_set_policy(sdev, SKBPOOL_EM_POLICY_ON), 0);
	mutex_unlock(&skbpool_lock);
	KUNIT_EXPECT_TRUE(test, poll(sdev));
	mutex_lock(&skbpool_lock);
	skbpool_emergency_set_policy(sdev, SKBPOOL_EM_POLICY_AUTO);
	mutex_unlock(&skbpool_lock);
	KUNIT_EXPECT_FALSE(test, poll(sdev));

	fake_free = 10;
	mutex_lock(&skbpool_lock);
	skbpool_emergency_set_policy(sdev, SKBPOOL_EM_POLICY_OFF);
	mutex_unlock(&skbpool_lock);
	KUNIT_EXPECT_FALSE(test, poll(sdev));
	skbpool_emergency_alloc_failed(sdev);
	KUNIT_EXPECT_FALSE(test, poll(sdev));
	skbpool_emergency_read(sdev, &info);
	KUNIT_EXPECT_EQ(test, info.enters, 1);
	real_thresholds(test);
}

/* Read the next logged transition and check it is (@on, @reason). */
static void expect_change(struct kunit *test, struct skbpool_dev *sdev,
			  unsigned long *reported, bool on, int reason)
{
	bool got_on;
	int got_reason;

	KUNIT_ASSERT_TRUE_MSG(test, skbpool_emergency_next_change(sdev, reported, &got_on,
								  &got_reason),
			      "after %lu", *reported);
	KUNIT_EXPECT_EQ_MSG(test, got_on, on, "transition %lu", *reported);
	KUNIT_EXPECT_EQ_MSG(test, got_reason, reason, "transition %lu", *reported);
}

/*
 * The log the netlink events come from: every transition once, in order,
 * with its cause; a reader that fell behind by more than the log gets the
 * latest ones; a transition counted but not logged yet is waited for; a
 * slot already reused gives no cause.
 */
static void transitions_logged_for_events(struct kunit *test)
{
	struct skbpool_dev *sdev = em_dev(test, SKBPOOL_EM_POLICY_AUTO);
	unsigned long reported = 0;
	bool on;
	int reason, i;

	fake_memory(test, 1000);
	KUNIT_EXPECT_FALSE(test, skbpool_emergency_next_change(sdev, &reported, &on, &reason));
	mutex_lock(&skbpool_lock);
	skbpool_emergency_set_policy(sdev, SKBPOOL_EM_POLICY_ON);
	skbpool_emergency_set_policy(sdev, SKBPOOL_EM_POLICY_AUTO);
	mutex_unlock(&skbpool_lock);
	fake_free = 10;
	KUNIT_EXPECT_TRUE(test, poll(sdev));
	fake_free = 1000;
	msleep(80);
	KUNIT_EXPECT_FALSE(test, poll(sdev));
	skbpool_emergency_alloc_failed(sdev);

	expect_change(test, sdev, &reported, true, SKBPOOL_EM_ADMIN);
	expect_change(test, sdev, &reported, false, SKBPOOL_EM_ADMIN);
	expect_change(test, sdev, &reported, true, SKBPOOL_EM_PRESSURE);
	expect_change(test, sdev, &reported, false, SKBPOOL_EM_CALM);
	expect_change(test, sdev, &reported, true, SKBPOOL_EM_ALLOC_FAIL);
	KUNIT_EXPECT_FALSE(test, skbpool_emergency_next_change(sdev, &reported, &on, &reason));
	KUNIT_EXPECT_EQ(test, reported, 5);

	/* Twice the log's worth of flips (6 to 21): the last 8 come back. */
	mutex_lock(&skbpool_lock);
	for (i = 0; i < 2 * SKBPOOL_EM_LOG; i++)
		skbpool_emergency_set_policy(sdev, i & 1 ? SKBPOOL_EM_POLICY_ON :
					     SKBPOOL_EM_POLICY_OFF);
	mutex_unlock(&skbpool_lock);
	for (i = 0; i < SKBPOOL_EM_LOG; i++)
		expect_change(test, sdev, &reported, i & 1, SKBPOOL_EM_ADMIN);
	KUNIT_EXPECT_FALSE(test, skbpool_emergency_next_change(sdev, &reported, &on, &reason));
	KUNIT_EXPECT_EQ(test, reported, 21);

	/* A leave counted by a CPU that has not logged it yet: wait for it. */
	atomic_long_inc(&sdev->em.leaves);
	KUNIT_EXPECT_FALSE(test, skbpool_emergency_next_change(sdev, &reported, &on, &reason));
	KUNIT_EXPECT_EQ(test, reported, 21);
	sdev->em.log[22 % SKBPOOL_EM_LOG] = 22 << 2 | SKBPOOL_EM_CALM;
	expect_change(test, sdev, &reported, false, SKBPOOL_EM_CALM);

	/* An enter whose slot a later transition already took: no cause. */
	atomic_long_inc(&sdev->em.enters);
	sdev->em.log[23 % SKBPOOL_EM_LOG] = (23 + SKBPOOL_EM_LOG) << 2 | SKBPOOL_EM_PRESSURE;
	expect_change(test, sdev, &reported, true, -1);
	real_thresholds(test);
}

/*
 * Emergency acts only on a tagged NIC's pools, so an untagged one never
 * enters: not on pressure, not on a failed allocation, not when the admin
 * asks.  The policy is kept and takes effect once the NIC is tagged; an
 * untag leaves emergency, and the counters never go back.
 */
static void untagged_never_in_emergency(struct kunit *test)
{
	struct skbpool_dev *sdev = em_dev(test, SKBPOOL_EM_POLICY_AUTO);
	struct skbpool_emergency_info info;
	unsigned long reported = 0;

	sdev->tagged = false;
	fake_memory(test, 10);
	KUNIT_EXPECT_FALSE(test, poll(sdev));
	skbpool_emergency_alloc_failed(sdev);
	KUNIT_EXPECT_FALSE(test, poll(sdev));
	mutex_lock(&skbpool_lock);
	KUNIT_EXPECT_EQ(test, skbpool_emergency_set_policy(sdev, SKBPOOL_EM_POLICY_ON), 0);
	mutex_unlock(&skbpool_lock);
	KUNIT_EXPECT_EQ(test, sdev->em.policy, SKBPOOL_EM_POLICY_ON);
	KUNIT_EXPECT_FALSE(test, poll(sdev));
	skbpool_emergency_read(sdev, &info);
	KUNIT_EXPECT_FALSE(test, info.active);
	KUNIT_EXPECT_EQ(test, info.enters, 0);

	sdev->tagged = true;
	skbpool_emergency_tag_changed(sdev);
	skbpool_emergency_read(sdev, &info);
	KUNIT_EXPECT_TRUE(test, info.active);
	KUNIT_EXPECT_TRUE(test, poll(sdev));
	/* Untagged but not yet rebuilt, a queue keeps its state. */
	sdev->tagged = false;
	KUNIT_EXPECT_TRUE(test, poll(sdev));
	skbpool_emergency_tag_changed(sdev);
	KUNIT_EXPECT_FALSE(test, poll(sdev));
	skbpool_emergency_read(sdev, &info);
	KUNIT_EXPECT_FALSE(test, info.active);
	KUNIT_EXPECT_EQ(test, info.enters, 1);
	expect_change(test, sdev, &reported, true, SKBPOOL_EM_ADMIN);
	expect_change(test, sdev, &reported, false, SKBPOOL_EM_ADMIN);
	real_thresholds(test);
}

static struct page *no_page(struct skbpool_rxq *rxq)
{
	return NULL;
}

/* In emergency the pool serves only from what it has: no slow-path growth
 * even when every buffer is in flight.  Before the ring is left empty, one
 * page is asked for that cannot come from the reserves (a loan); only
 * when that fails too is the get refused.
 */
static void emergency_never_grows(struct kunit *test)
{
	struct skbpool_dev *sdev = em_dev(test, SKBPOOL_EM_POLICY_ON);
	struct skbpool_rxq *q = em_pool(test, sdev);
	struct sk_buff *skbs[4 * RING];
	struct skbpool_rxq_snapshot s;
	dma_addr_t dma;
	int i, id;

	for (i = 0; i < 4 * RING; i++) {
		skbs[i] = receive(test, q, fill_arp, NULL);
		KUNIT_ASSERT_NOT_NULL(test, skbs[i]);
	}
	local_bh_disable();
	id = skbpool_rx_get(q, &dma);
	local_bh_enable();
	KUNIT_EXPECT_TRUE(test, id >= 0 && (id & SKBPOOL_RX_LENT));
	/* Activating a stub allocates with GFP_KERNEL: never with BH off. */
	kunit_activate_static_stub(test, skbpool_rx_lend_page, no_page);
	local_bh_disable();
	KUNIT_EXPECT_EQ(test, skbpool_rx_get(q, &dma), -ENOBUFS);
	local_bh_enable();
	kunit_deactivate_static_stub(test, skbpool_rx_lend_page);
	local_bh_disable();
	if (id >= 0)
		skbpool_rx_put(q, id);
	local_bh_enable();
	skbpool_rxq_read(q, &s);
	KUNIT_EXPECT_EQ(test, s.slowpath, 0);
	KUNIT_EXPECT_EQ(test, s.lent, 1);
	KUNIT_EXPECT_EQ(test, s.exhausted, 1);
	for (i = 0; i < 4 * RING; i++)
		consume_skb(skbs[i]);
	skbpool_rxq_free(q);
}

/* Out of emergency a pool that is all in flight lends; a loan that cannot
 * be had is an allocation failure on the RX path and enters emergency,
 * where a loan is still tried before a get is refused.
 */
static void failed_loan_enters(struct kunit *test)
{
	struct skbpool_dev *sdev = em_dev(test, SKBPOOL_EM_POLICY_AUTO);
	struct skbpool_rxq *q;
	struct sk_buff *skbs[5 * RING + 1];
	struct skbpool_rxq_snapshot s;
	dma_addr_t dma;
	int i, id;

	fake_memory(test, 1000);
	q = em_pool(test, sdev);
	local_bh_disable();
	KUNIT_EXPECT_FALSE(test, skbpool_rx_napi_begin(q));
	local_bh_enable();
	for (i = 0; i < 5 * RING + 1; i++) {	/* the reserve, its growth, a loan */
		skbs[i] = receive(test, q, fill_arp, NULL);
		KUNIT_ASSERT_NOT_NULL(test, skbs[i]);
	}
	skbpool_rxq_read(q, &s);
	KUNIT_EXPECT_EQ(test, s.lent, 1);

	kunit_activate_static_stub(test, skbpool_rx_lend_page, no_page);
	local_bh_disable();
	KUNIT_EXPECT_EQ(test, skbpool_rx_get(q, &dma), -ENOBUFS);
	local_bh_enable();
	/* Pages may be had again: in emergency too, a loan comes first. */
	kunit_deactivate_static_stub(test, skbpool_rx_lend_page);
	local_bh_disable();
	KUNIT_EXPECT_TRUE(test, skbpool_rx_napi_begin(q));
	id = skbpool_rx_get(q, &dma);
	KUNIT_EXPECT_TRUE(test, id >= 0 && (id & SKBPOOL_RX_LENT));
	if (id >= 0)
		skbpool_rx_put(q, id);
	local_bh_enable();
	skbpool_rxq_read(q, &s);
	KUNIT_EXPECT_EQ(test, s.lent, 2);
	KUNIT_EXPECT_EQ(test, s.exhausted, 1);

	for (i = 0; i < 5 * RING + 1; i++)
		consume_skb(skbs[i]);
	skbpool_rxq_free(q);
	real_thresholds(test);
}

/* A loan posted before emergency began is judged like any buffer: a frame
 * that is not critical is dropped and its page freed at once.
 */
static void lent_frame_judged_in_emergency(struct kunit *test)
{
	struct skbpool_dev *sdev = em_dev(test, SKBPOOL_EM_POLICY_AUTO);
	struct skbpool_rxq *q;
	struct sk_buff *skbs[5 * RING];
	dma_addr_t dma;
	int i, id;

	fake_memory(test, 1000);
	q = em_pool(test, sdev);
	for (i = 0; i < 5 * RING; i++) {	/* the reserve and its growth */
		skbs[i] = receive(test, q, fill_arp, NULL);
		KUNIT_ASSERT_NOT_NULL(test, skbs[i]);
	}
	local_bh_disable();
	KUNIT_EXPECT_FALSE(test, skbpool_rx_napi_begin(q));
	id = skbpool_rx_get(q, &dma);
	KUNIT_EXPECT_TRUE(test, id >= 0 && (id & SKBPOOL_RX_LENT));
	KUNIT_EXPECT_EQ(test, q->nr_lend_free, RING - 1);
	sdev->em.policy = SKBPOOL_EM_POLICY_ON;
	KUNIT_EXPECT_TRUE(test, skbpool_rx_napi_begin(q));
	if (id >= 0) {
		u32 len = fill_garbage(skbpool_rx_va(q, id), NULL);

		KUNIT_EXPECT_NULL(test, skbpool_rx_build(q, id, len));
	}
	local_bh_enable();
	KUNIT_EXPECT_EQ(test, q->nr_lend_free, RING);
	expect_cls(test, q, SKBPOOL_DROP_NONIP, 1);

	for (i = 0; i < 5 * RING; i++)
		consume_skb(skbs[i]);
	skbpool_rxq_free(q);
	real_thresholds(test);
}

/* An Ethernet + IPv4 + TCP frame (ACK, no data), 64 bytes, into @buf. */
static u32 tcp_frame(u8 *buf, __be32 saddr, __be32 daddr, u16 sport, u16 dport)
{
	struct ethhdr *eth = (struct ethhdr *)buf;
	struct iphdr *ip = (struct iphdr *)(eth + 1);
	struct tcphdr *th = (struct tcphdr *)(ip + 1);

	memset(buf, 0, 64);
	eth_broadcast_addr(eth->h_dest);
	eth->h_proto = htons(ETH_P_IP);
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_TCP;
	ip->tot_len = htons(sizeof(*ip) + sizeof(*th));
	ip->saddr = saddr;
	ip->daddr = daddr;
	th->source = htons(sport);
	th->dest = htons(dport);
	th->doff = sizeof(*th) / 4;
	th->ack = 1;
	return 64;
}

struct reply_arg {
	__be32 local;
	__be32 remote;
	u16 lport;
	u16 rport;
};

static u32 fill_reply(u8 *buf, void *arg)
{
	struct reply_arg *r = arg;

	return udp_frame(buf, r->remote, r->local, r->rport, r->lport);
}

/* A frame sent by a SOCK_MEMALLOC socket teaches the device its flow: the
 * reply is critical in emergency, a frame of another flow is not, and a
 * frame of an ordinary socket teaches nothing.
 */
static void memalloc_socket_flow_is_learned(struct kunit *test)
{
	struct skbpool_dev *sdev = em_dev(test, SKBPOOL_EM_POLICY_ON);
	struct skbpool_rxq *q = em_pool(test, sdev);
	struct reply_arg r = {
		.local = htonl(0xc0000201), .remote = htonl(0xc0000202),
		.lport = 40001, .rport = 10809,
	};
	struct skbpool_txq *txq;
	struct socket *sock;
	struct sk_buff *skb, *tx;

	txq = skbpool_txq_alloc(sdev, 0, RING, 2048);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, txq);
	KUNIT_ASSERT_EQ(test, sock_create_kern(&init_net, PF_INET, SOCK_DGRAM,
					       IPPROTO_UDP, &sock), 0);
	tx = alloc_skb(128, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, tx);
	udp_frame(skb_put(tx, 64), r.local, r.remote, r.lport, r.rport);
	tx->sk = sock->sk;

	skbpool_tx_note(txq, tx);		/* ordinary socket: nothing */
	KUNIT_EXPECT_NULL(test, receive(test, q, fill_reply, &r));
	sk_set_memalloc(sock->sk);
	skbpool_tx_note(txq, tx);
	skb = receive(test, q, fill_reply, &r);
	KUNIT_EXPECT_NOT_NULL(test, skb);
	kfree_skb(skb);
	r.rport++;				/* another flow */
	KUNIT_EXPECT_NULL(test, receive(test, q, fill_reply, &r));
	sk_clear_memalloc(sock->sk);

	expect_cls(test, q, SKBPOOL_CRIT_FLOW, 1);
	expect_cls(test, q, SKBPOOL_DROP_NOMATCH, 2);
	tx->sk = NULL;
	kfree_skb(tx);
	sock_release(sock);
	skbpool_txq_free(txq);
	skbpool_rxq_free(q);
}

/*
 * ARP admitted in emergency is handed up pfmemalloc while a SOCK_MEMALLOC
 * socket exists, as a stock driver's reserve frames are, and not without
 * one, where the mark would buy nothing and keep it from raw sockets.
 */
static void neigh_frames_marked_only_with_memalloc_socket(struct kunit *test)
{
	struct skbpool_dev *sdev = em_dev(test, SKBPOOL_EM_POLICY_ON);
	struct skbpool_rxq *q = em_pool(test, sdev);
	struct socket *sock;
	struct sk_buff *skb;

	if (sk_memalloc_socks()) {
		skbpool_rxq_free(q);
		kunit_skip(test, "a SOCK_MEMALLOC socket already exists in this kernel");
	}
	skb = receive(test, q, fill_arp, NULL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_EXPECT_FALSE(test, skb->pfmemalloc);
	kfree_skb(skb);

	KUNIT_ASSERT_EQ(test, sock_create_kern(&init_net, PF_INET, SOCK_DGRAM,
					       IPPROTO_UDP, &sock), 0);
	sk_set_memalloc(sock->sk);
	skb = receive(test, q, fill_arp, NULL);
	sk_clear_memalloc(sock->sk);
	sock_release(sock);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_EXPECT_TRUE(test, skb->pfmemalloc);
	kfree_skb(skb);
	expect_cls(test, q, SKBPOOL_CRIT_LINK, 2);
	skbpool_rxq_free(q);
}

static u32 fill_tcp_reply(u8 *buf, void *arg)
{
	struct reply_arg *r = arg;

	return tcp_frame(buf, r->remote, r->local, r->rport, r->lport);
}

/* Writeback of dirty pages over NFS runs on sunrpc's kernel sockets, which
 * nothing marks SOCK_MEMALLOC: a kernel-owned TCP socket teaches its flow
 * all the same; a user's TCP socket does not, nor does a kernel-owned raw
 * one over TCP, what TCP's control socket is (resets and TIME-WAIT ACKs,
 * sent for whoever knocks).
 */
static void kernel_tcp_socket_flow_is_learned(struct kunit *test)
{
	struct skbpool_dev *sdev = em_dev(test, SKBPOOL_EM_POLICY_ON);
	struct skbpool_rxq *q = em_pool(test, sdev);
	struct reply_arg r = {
		.local = htonl(0xc0000201), .remote = htonl(0xc0000202),
		.lport = 801, .rport = 2049,
	};
	struct socket *user, *kern, *ctl;
	struct skbpool_txq *txq;
	struct sk_buff *skb, *tx;

	txq = skbpool_txq_alloc(sdev, 0, RING, 2048);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, txq);
	KUNIT_ASSERT_EQ(test, sock_create(PF_INET, SOCK_STREAM, IPPROTO_TCP, &user), 0);
	KUNIT_ASSERT_EQ(test, sock_create_kern(&init_net, PF_INET, SOCK_STREAM,
					       IPPROTO_TCP, &kern), 0);
	KUNIT_ASSERT_EQ(test, sock_create_kern(&init_net, PF_INET, SOCK_RAW,
					       IPPROTO_TCP, &ctl), 0);
	tx = alloc_skb(128, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, tx);
	tcp_frame(skb_put(tx, 64), r.local, r.remote, r.lport, r.rport);

	tx->sk = user->sk;
	skbpool_tx_note(txq, tx);		/* a user's socket: nothing */
	KUNIT_EXPECT_NULL(test, receive(test, q, fill_tcp_reply, &r));
	tx->sk = ctl->sk;
	skbpool_tx_note(txq, tx);		/* TCP's control socket: nothing */
	KUNIT_EXPECT_NULL(test, receive(test, q, fill_tcp_reply, &r));
	tx->sk = kern->sk;
	skbpool_tx_note(txq, tx);
	skb = receive(test, q, fill_tcp_reply, &r);
	KUNIT_EXPECT_NOT_NULL(test, skb);
	kfree_skb(skb);

	expect_cls(test, q, SKBPOOL_CRIT_FLOW, 1);
	expect_cls(test, q, SKBPOOL_DROP_NOMATCH, 2);
	tx->sk = NULL;
	kfree_skb(tx);
	sock_release(ctl);
	sock_release(kern);
	sock_release(user);
	skbpool_txq_free(txq);
	skbpool_rxq_free(q);
}

static struct kunit_case emergency_cases[] = {
	KUNIT_CASE(forced_emergency_admits_only_critical),
	KUNIT_CASE(no_emergency_no_classification),
	KUNIT_CASE(auto_enters_and_leaves_with_hysteresis),
	KUNIT_CASE(enters_at_min_watermark_not_before),
	KUNIT_CASE(free_pages_of_the_watermark_zones),
	KUNIT_CASE(free_pages_leave_out_highatomic_reserve),
	KUNIT_CASE(free_pages_count_from_the_boosted_watermark),
	KUNIT_CASE(failed_allocation_enters),
	KUNIT_CASE(leaves_only_when_allocation_works),
	KUNIT_CASE(policy_overrides_memory),
	KUNIT_CASE(transitions_logged_for_events),
	KUNIT_CASE(untagged_never_in_emergency),
	KUNIT_CASE(emergency_never_grows),
	KUNIT_CASE(failed_loan_enters),
	KUNIT_CASE(lent_frame_judged_in_emergency),
	KUNIT_CASE(memalloc_socket_flow_is_learned),
	KUNIT_CASE(neigh_frames_marked_only_with_memalloc_socket),
	KUNIT_CASE(kernel_tcp_socket_flow_is_learned),
	{}
};

static struct kunit_suite emergency_suite = {
	.name = "skbpool_emergency",
	.test_cases = emergency_cases,
};

kunit_test_suite(emergency_suite);
