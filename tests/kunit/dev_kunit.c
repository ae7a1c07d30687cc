// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: a registered device through the public API: untagged it gets no
 * pools (the stock path), tagged it gets pools sized by the formula, the
 * private flags read back what was set, and ethtool -S adds up; a queue
 * rebuilt while tagged gets its pool back, pages and all.
 */
#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/bottom_half.h>
#include <linux/delay.h>
#include <linux/rtnetlink.h>

#include <skbpool/skbpool.h>

#include "../../core/dev.h"
#include "../../core/resize.h"
#include "../../core/resync.h"
#include "../../core/rx.h"
#include "../../core/sizing.h"
#include "../../core/tx.h"
#include "fake.h"

static int restarts;

static int count_restart(struct net_device *netdev)
{
	restarts++;
	return 0;
}

static const struct skbpool_dev_ops test_ops = {
	.restart = count_restart,
};

/*
 * Down, untagged and unregistered, as the driver's remove would leave it:
 * run at the end of a case, or when one stops at a failed assertion, so
 * that the resync worker never meets a device whose netdev KUnit freed.
 */
static void registered_release(void *p)
{
	struct skbpool_dev *sdev = p;

	rtnl_lock();
	clear_bit(__LINK_STATE_START, &sdev->netdev->state);
	sdev->netdev->flags &= ~IFF_UP;
	skbpool_ethtool_set_priv_flags(sdev, 0);
	rtnl_unlock();
	skbpool_dev_unregister(sdev);
}

static struct skbpool_dev *registered_on(struct kunit *test, struct net_device *netdev,
					 struct device *dev)
{
	struct skbpool_dev *sdev;

	KUNIT_EXPECT_EQ(test, PTR_ERR(skbpool_dev_register(netdev, dev, NULL)), -EINVAL);
	sdev = skbpool_dev_register(netdev, dev, &test_ops);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sdev);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, registered_release, sdev), 0);
	return sdev;
}

static struct skbpool_dev *registered(struct kunit *test)
{
	return registered_on(test, fake_netdev(test), fake_dma_dev(test));
}

/* The end of a case: as registered_release(), now. */
static void unregister(struct kunit *test, struct skbpool_dev *sdev)
{
	kunit_release_action(test, registered_release, sdev);
}

/* Up, as dev_open() leaves a NIC: running and IFF_UP. */
static void fake_up(struct skbpool_dev *sdev, bool up)
{
	if (up) {
		set_bit(__LINK_STATE_START, &sdev->netdev->state);
		sdev->netdev->flags |= IFF_UP;
	} else {
		clear_bit(__LINK_STATE_START, &sdev->netdev->state);
		sdev->netdev->flags &= ~IFF_UP;
	}
}

static void untagged_gets_no_pool(struct kunit *test)
{
	struct skbpool_rxq_params p = { .ring_size = 64, .frame_len = 1514 };
	struct skbpool_dev *sdev = registered(test);

	rtnl_lock();
	KUNIT_EXPECT_NULL(test, skbpool_rxq_create(sdev, &p));
	KUNIT_EXPECT_NULL(test, skbpool_txq_create(sdev, 0, 64));
	KUNIT_EXPECT_EQ(test, skbpool_ethtool_get_priv_flags(sdev), 0);
	rtnl_unlock();
	unregister(test, sdev);
}

/*
 * The emergency flag on an untagged NIC is kept, not acted on: tagging
 * puts the NIC in emergency at once, untagging takes it out, and the
 * entry counted stays counted.
 */
static void emergency_follows_the_tag(struct kunit *test)
{
	const u32 tag = SKBPOOL_PRIV_FLAG_TAG, em = SKBPOOL_PRIV_FLAG_EMERGENCY;
	struct skbpool_dev *sdev = registered(test);
	struct skbpool_emergency_info info;

	rtnl_lock();
	KUNIT_EXPECT_EQ(test, skbpool_ethtool_set_priv_flags(sdev, em), 0);
	KUNIT_EXPECT_EQ(test, skbpool_ethtool_get_priv_flags(sdev), em);
	skbpool_emergency_read(sdev, &info);
	KUNIT_EXPECT_FALSE(test, info.active);
	KUNIT_EXPECT_EQ(test, info.enters, 0);

	KUNIT_EXPECT_EQ(test, skbpool_ethtool_set_priv_flags(sdev, tag | em), 0);
	skbpool_emergency_read(sdev, &info);
	KUNIT_EXPECT_TRUE(test, info.active);
	KUNIT_EXPECT_EQ(test, info.enters, 1);

	KUNIT_EXPECT_EQ(test, skbpool_ethtool_set_priv_flags(sdev, em), 0);
	skbpool_emergency_read(sdev, &info);
	KUNIT_EXPECT_FALSE(test, info.active);
	KUNIT_EXPECT_EQ(test, info.enters, 1);
	KUNIT_EXPECT_EQ(test, info.policy, SKBPOOL_EM_POLICY_ON);
	KUNIT_EXPECT_EQ(test, info.last_reason, SKBPOOL_EM_ADMIN);
	rtnl_unlock();
	unregister(test, sdev);
}

static void tagged_gets_sized_pools(struct kunit *test)
{
	struct skbpool_rxq_params p = { .ring_size = 64, .frame_len = 1514 };
	struct skbpool_dev *sdev = registered(test);
	int n = skbpool_ethtool_stats_count();
	u64 *vals = kunit_kcalloc(test, n, sizeof(u64), GFP_KERNEL);
	u8 *names = kunit_kcalloc(test, n, ETH_GSTRING_LEN, GFP_KERNEL);
	struct skbpool_rxq *rxq;
	struct skbpool_txq *txq;
	u8 *s = names;
	u64 *v = vals;
	int i, total = -1, free = -1, target = -1, floor = -1;
	u32 flags;

	KUNIT_ASSERT_NOT_NULL(test, vals);
	KUNIT_ASSERT_NOT_NULL(test, names);
	restarts = 0;
	rtnl_lock();
	KUNIT_EXPECT_EQ(test, skbpool_ethtool_set_priv_flags(sdev, BIT(5)), -EINVAL);
	KUNIT_EXPECT_FALSE(test, skbpool_dev_tagged(sdev));
	flags = SKBPOOL_PRIV_FLAG_TAG | SKBPOOL_PRIV_FLAG_EMERGENCY;
	KUNIT_EXPECT_EQ(test, skbpool_ethtool_set_priv_flags(sdev, flags), 0);
	KUNIT_EXPECT_EQ(test, restarts, 0);	/* not running: nothing to rebuild */
	KUNIT_EXPECT_EQ(test, skbpool_ethtool_get_priv_flags(sdev), flags);
	rxq = skbpool_rxq_create(sdev, &p);
	txq = skbpool_txq_create(sdev, 0, 64);
	if (IS_ERR_OR_NULL(rxq) || IS_ERR_OR_NULL(txq)) {
		rtnl_unlock();		/* never stop a case holding RTNL */
		KUNIT_FAIL(test, "no pools: %ld, %ld", PTR_ERR(rxq), PTR_ERR(txq));
		return;
	}

	skbpool_ethtool_stats_strings(&s);
	skbpool_ethtool_stats(sdev, &v);
	KUNIT_EXPECT_PTR_EQ(test, v, vals + n);
	for (i = 0; i < n; i++) {
		const char *name = names + i * ETH_GSTRING_LEN;

		if (!strcmp(name, "skbpool_rx_total"))
			total = vals[i];
		else if (!strcmp(name, "skbpool_rx_free"))
			free = vals[i];
		else if (!strcmp(name, "skbpool_sizing_buffers"))
			target = vals[i];
		else if (!strcmp(name, "skbpool_sizing_floor"))
			floor = vals[i];
	}
	KUNIT_EXPECT_EQ(test, floor, 64 * SKBPOOL_FLOOR_RINGS);
	KUNIT_EXPECT_GE(test, target, floor);
	KUNIT_EXPECT_EQ(test, total, target);
	KUNIT_EXPECT_EQ(test, free, total);

	skbpool_rxq_destroy(rxq);
	skbpool_txq_destroy(txq);
	KUNIT_EXPECT_EQ(test, skbpool_ethtool_set_priv_flags(sdev, 0), 0);
	KUNIT_EXPECT_NULL(test, skbpool_rxq_create(sdev, &p));
	rtnl_unlock();
	unregister(test, sdev);
}

/* What the queue's NAPI does at its next refill: take a buffer (applying
 * any pending resize) and put it back.
 */
static void napi_refill_once(struct kunit *test, struct skbpool_rxq *rxq)
{
	dma_addr_t dma;
	int id;

	local_bh_disable();
	id = skbpool_rx_get(rxq, &dma);
	if (id >= 0)
		skbpool_rx_put(rxq, id);
	local_bh_enable();
	KUNIT_EXPECT_GE(test, id, 0);
}

/* The resync worker prepares a resize to the admin's override; the queue
 * applies it at its next refill, without ever being stopped; the next pass
 * frees the leftovers.  Then back to automatic.
 */
static void resync_follows_override(struct kunit *test)
{
	struct skbpool_dev *sdev = registered(test);
	struct skbpool_rxq_params p = { .ring_size = 64, .frame_len = 1514 };
	struct skbpool_rxq_snapshot snap;
	struct skbpool_rxq *rxq;
	u32 automatic;

	rtnl_lock();
	KUNIT_EXPECT_EQ(test, skbpool_ethtool_set_priv_flags(sdev, SKBPOOL_PRIV_FLAG_TAG), 0);
	rxq = skbpool_rxq_create(sdev, &p);
	rtnl_unlock();
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, rxq);
	skbpool_rxq_read(rxq, &snap);
	automatic = snap.total;

	KUNIT_EXPECT_EQ(test, skbpool_dev_set_override(sdev, SKBPOOL_CAP_BUFFERS + 1), -ERANGE);
	KUNIT_EXPECT_EQ(test, skbpool_dev_set_override(sdev, 3000), 0);
	skbpool_resync_sync();
	KUNIT_EXPECT_EQ(test, rxq->resize.state, SKBPOOL_RESIZE_PENDING);
	skbpool_rxq_read(rxq, &snap);
	KUNIT_EXPECT_EQ(test, snap.total, automatic);	/* not applied yet */
	napi_refill_once(test, rxq);
	skbpool_rxq_read(rxq, &snap);
	KUNIT_EXPECT_EQ(test, snap.total, 3000);
	KUNIT_EXPECT_EQ(test, snap.free, 3000);
	skbpool_resync_sync();
	KUNIT_EXPECT_EQ(test, rxq->resize.state, SKBPOOL_RESIZE_IDLE);

	KUNIT_EXPECT_EQ(test, skbpool_dev_set_override(sdev, 0), 0);
	skbpool_resync_sync();
	napi_refill_once(test, rxq);
	skbpool_rxq_read(rxq, &snap);
	KUNIT_EXPECT_EQ(test, snap.total, automatic);

	/* A resize the queue never applied is dropped with the pool. */
	KUNIT_EXPECT_EQ(test, skbpool_dev_set_override(sdev, 2000), 0);
	skbpool_resync_sync();
	rtnl_lock();
	skbpool_rxq_destroy(rxq);
	KUNIT_EXPECT_EQ(test, skbpool_ethtool_set_priv_flags(sdev, 0), 0);
	rtnl_unlock();
	unregister(test, sdev);
}

static void fake_netdev_mq_free(void *p)
{
	free_netdev(p);
}

/* A queue's own override beats the device's until the device's is set
 * again; both reach the pool through the resync worker and the queue's
 * next refill, and the other queue keeps its size.
 */
static void queue_override_beats_device(struct kunit *test)
{
	struct skbpool_rxq_params p0 = { .qid = 0, .ring_size = 64, .frame_len = 1514 };
	struct skbpool_rxq_params p1 = { .qid = 1, .ring_size = 64, .frame_len = 1514 };
	struct net_device *netdev = alloc_etherdev_mqs(0, 1, 2);
	struct skbpool_rxq_snapshot snap;
	struct skbpool_rxq *rxq0, *rxq1;
	struct skbpool_dev *sdev;
	u32 automatic;

	KUNIT_ASSERT_NOT_NULL(test, netdev);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, fake_netdev_mq_free, netdev), 0);
	sdev = skbpool_dev_register(netdev, fake_dma_dev(test), &test_ops);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sdev);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, registered_release, sdev), 0);
	KUNIT_EXPECT_EQ(test, skbpool_dev_set_queue_override(sdev, 2, 100), -EINVAL);
	KUNIT_EXPECT_EQ(test, skbpool_dev_set_queue_override(sdev, 1, SKBPOOL_CAP_BUFFERS + 1),
			-ERANGE);

	rtnl_lock();
	KUNIT_EXPECT_EQ(test, skbpool_ethtool_set_priv_flags(sdev, SKBPOOL_PRIV_FLAG_TAG), 0);
	rxq0 = skbpool_rxq_create(sdev, &p0);
	rxq1 = skbpool_rxq_create(sdev, &p1);
	rtnl_unlock();
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, rxq0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, rxq1);
	skbpool_rxq_read(rxq0, &snap);
	automatic = snap.total;
	KUNIT_ASSERT_NE(test, automatic, 1000);

	KUNIT_EXPECT_EQ(test, skbpool_dev_set_queue_override(sdev, 1, 1000), 0);
	skbpool_resync_sync();
	napi_refill_once(test, rxq0);
	napi_refill_once(test, rxq1);
	skbpool_rxq_read(rxq1, &snap);
	KUNIT_EXPECT_EQ(test, snap.total, 1000);
	skbpool_rxq_read(rxq0, &snap);
	KUNIT_EXPECT_EQ(test, snap.total, automatic);

	/* The device's override is for every queue: queue 1's is cleared. */
	KUNIT_EXPECT_EQ(test, skbpool_dev_set_override(sdev, 700), 0);
	skbpool_resync_sync();
	skbpool_resync_sync();
	napi_refill_once(test, rxq0);
	napi_refill_once(test, rxq1);
	skbpool_rxq_read(rxq0, &snap);
	KUNIT_EXPECT_EQ(test, snap.total, 700);
	skbpool_rxq_read(rxq1, &snap);
	KUNIT_EXPECT_EQ(test, snap.total, 700);

	skbpool_resync_sync();
	rtnl_lock();
	skbpool_rxq_destroy(rxq0);
	skbpool_rxq_destroy(rxq1);
	KUNIT_EXPECT_EQ(test, skbpool_ethtool_set_priv_flags(sdev, 0), 0);
	rtnl_unlock();
	unregister(test, sdev);
}

static u64 pages_alloc(struct skbpool_rxq *rxq)
{
	struct skbpool_rxq_snapshot s;

	skbpool_rxq_read(rxq, &s);
	return s.pages_alloc;
}

/* A ring rebuilt while tagged (an MTU or ring change, a reset) gets the
 * pool it had: the same pages, nothing allocated, the buffers that were
 * posted on the old ring free again, those the stack holds still held.
 * Buffers of another size cannot be reused: that pool goes, a new one is
 * made.  Untagging frees what was kept; so does closing the NIC.
 */
static void rebuilt_ring_keeps_its_pool(struct kunit *test)
{
	struct skbpool_rxq_params p = { .ring_size = 64, .frame_len = 1514 };
	struct skbpool_dev *sdev = registered(test);
	struct skbpool_rxq_snapshot s;
	struct skbpool_rxq *rxq, *again;
	struct sk_buff *skb;
	dma_addr_t dma;
	u64 pages;
	int id, i;

	/* No assertion under RTNL: a case that stops there leaves it held. */
	rtnl_lock();
	KUNIT_EXPECT_EQ(test, skbpool_ethtool_set_priv_flags(sdev, SKBPOOL_PRIV_FLAG_TAG), 0);
	/* Up: its queues are rebuilt, not closed. */
	fake_up(sdev, true);
	rxq = skbpool_rxq_create(sdev, &p);
	if (IS_ERR_OR_NULL(rxq)) {
		KUNIT_FAIL(test, "no pool: %ld", PTR_ERR(rxq));
		goto out;
	}
	pages = pages_alloc(rxq);
	KUNIT_EXPECT_GT(test, pages, 0);
	local_bh_disable();
	id = skbpool_rx_get(rxq, &dma);		/* held by the stack */
	if (id < 0) {
		local_bh_enable();
		KUNIT_FAIL(test, "no buffer: %d", id);
		goto out;
	}
	memset(skbpool_rx_va(rxq, id), 0, 60);
	((u8 *)skbpool_rx_va(rxq, id))[12] = 0x08;	/* ARP: critical */
	((u8 *)skbpool_rx_va(rxq, id))[13] = 0x06;
	skb = skbpool_rx_build(rxq, id, 60);
	for (i = 0; i < 10; i++)			/* posted on the ring */
		KUNIT_EXPECT_GE(test, skbpool_rx_get(rxq, &dma), 0);
	local_bh_enable();
	if (!skb) {
		KUNIT_FAIL(test, "no skb");
		goto out;
	}

	skbpool_rxq_destroy(rxq);
	p.ring_size = 128;			/* ethtool -G */
	p.frame_len = 1500;			/* a smaller MTU: same buffers */
	again = skbpool_rxq_create(sdev, &p);
	KUNIT_EXPECT_PTR_EQ(test, again, rxq);
	KUNIT_EXPECT_EQ(test, pages_alloc(again), pages);
	skbpool_rxq_read(again, &s);
	KUNIT_EXPECT_EQ(test, s.in_flight, 1);
	KUNIT_EXPECT_EQ(test, s.free, s.total - 1);
	KUNIT_EXPECT_EQ(test, again->posted, 0);
	KUNIT_EXPECT_EQ(test, again->params.ring_size, 128);
	consume_skb(skb);
	local_bh_disable();
	skbpool_rx_reclaim(again, U32_MAX);
	local_bh_enable();
	skbpool_rxq_read(again, &s);
	KUNIT_EXPECT_EQ(test, s.in_flight, 0);

	skbpool_rxq_destroy(again);
	p.frame_len = 9000;			/* jumbo: other buffers */
	rxq = skbpool_rxq_create(sdev, &p);
	if (IS_ERR_OR_NULL(rxq)) {
		KUNIT_FAIL(test, "no jumbo pool: %ld", PTR_ERR(rxq));
		goto out;
	}
	KUNIT_EXPECT_GT(test, rxq->order, 0);
	KUNIT_EXPECT_TRUE(test, list_empty(&sdev->parked));
	skbpool_rxq_destroy(rxq);
	KUNIT_EXPECT_FALSE(test, list_empty(&sdev->parked));
	KUNIT_EXPECT_EQ(test, skbpool_ethtool_set_priv_flags(sdev, 0), 0);
	KUNIT_EXPECT_TRUE(test, list_empty(&sdev->parked));

	/* Closed (ndo_stop runs with the device no longer running): the
	 * pool goes at once.
	 */
	KUNIT_EXPECT_EQ(test, skbpool_ethtool_set_priv_flags(sdev, SKBPOOL_PRIV_FLAG_TAG), 0);
	rxq = skbpool_rxq_create(sdev, &p);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, rxq);
	fake_up(sdev, false);
	skbpool_rxq_destroy(rxq);
	KUNIT_EXPECT_TRUE(test, list_empty(&sdev->parked));
	KUNIT_EXPECT_EQ(test, skbpool_ethtool_set_priv_flags(sdev, 0), 0);
out:
	fake_up(sdev, false);
	rtnl_unlock();
	unregister(test, sdev);
}

static int pages_left;

static struct page *few_pages(struct skbpool_rxq *rxq, gfp_t gfp)
{
	if (!pages_left)
		return NULL;
	pages_left--;
	return alloc_pages(gfp | __GFP_NOWARN | __GFP_NOMEMALLOC, rxq->order);
}

/* Pages running out while a queue comes up: the queue comes up with what
 * was had, and the resync worker fills the pool to its target later.
 */
static void short_of_pages_comes_up_partly(struct kunit *test)
{
	struct skbpool_rxq_params p = { .ring_size = 64, .frame_len = 1514 };
	struct skbpool_dev *sdev = registered(test);
	struct skbpool_rxq_snapshot s;
	struct skbpool_rxq *rxq;
	dma_addr_t dma;
	int id;

	pages_left = 10;
	kunit_activate_static_stub(test, skbpool_rx_page_alloc, few_pages);
	rtnl_lock();
	KUNIT_EXPECT_EQ(test, skbpool_ethtool_set_priv_flags(sdev, SKBPOOL_PRIV_FLAG_TAG), 0);
	rxq = skbpool_rxq_create(sdev, &p);
	rtnl_unlock();
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, rxq);
	skbpool_rxq_read(rxq, &s);
	KUNIT_EXPECT_EQ(test, s.total, 10 << rxq->split);	/* buffers of 10 pages */
	KUNIT_EXPECT_GE(test, rxq->requested, 64 * SKBPOOL_FLOOR_RINGS);

	kunit_deactivate_static_stub(test, skbpool_rx_page_alloc);
	skbpool_resync_sync();			/* asks for what is missing */
	local_bh_disable();
	id = skbpool_rx_get(rxq, &dma);		/* NAPI applies it */
	if (id >= 0)
		skbpool_rx_put(rxq, id);
	local_bh_enable();
	skbpool_rxq_read(rxq, &s);
	KUNIT_EXPECT_EQ(test, s.total, rxq->requested);

	rtnl_lock();
	skbpool_rxq_destroy(rxq);
	KUNIT_EXPECT_EQ(test, skbpool_ethtool_set_priv_flags(sdev, 0), 0);
	rtnl_unlock();
	skbpool_resync_sync();			/* frees the resize's leftovers */
	unregister(test, sdev);
}

/* Nothing will claim a pool a closed NIC kept: not one an open that failed
 * destroyed (dev_open() sets __LINK_STATE_START before ndo_open, IFF_UP
 * after), nor one a rebuild parked before it failed to make its new ring,
 * the NIC then taken down with no ring left to destroy.  Neither may keep
 * the reserve allocated and mapped.  (No assertion under RTNL: a case
 * that stops there would leave it held.)
 */
static void closed_nic_keeps_no_pool(struct kunit *test)
{
	struct skbpool_rxq_params p = { .ring_size = 64, .frame_len = 1514 };
	struct skbpool_dev *sdev = registered(test);
	struct skbpool_rxq *rxq;
	struct skbpool_txq *txq;
	bool parked;

	rtnl_lock();
	KUNIT_EXPECT_EQ(test, skbpool_ethtool_set_priv_flags(sdev, SKBPOOL_PRIV_FLAG_TAG), 0);
	set_bit(__LINK_STATE_START, &sdev->netdev->state);	/* in ndo_open */
	rxq = skbpool_rxq_create(sdev, &p);
	txq = skbpool_txq_create(sdev, 0, 64);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, rxq);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, txq);
	skbpool_txq_destroy(txq);		/* the open fails */
	skbpool_rxq_destroy(rxq);
	clear_bit(__LINK_STATE_START, &sdev->netdev->state);
	KUNIT_EXPECT_TRUE(test, list_empty(&sdev->parked));
	KUNIT_EXPECT_TRUE(test, list_empty(&sdev->parked_txqs));

	fake_up(sdev, true);
	rxq = skbpool_rxq_create(sdev, &p);
	txq = skbpool_txq_create(sdev, 0, 64);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, rxq);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, txq);
	skbpool_txq_destroy(txq);		/* a rebuild begins, and fails */
	skbpool_rxq_destroy(rxq);
	parked = !list_empty(&sdev->parked) && !list_empty(&sdev->parked_txqs);
	fake_up(sdev, false);			/* ip link set down */
	rtnl_unlock();
	KUNIT_EXPECT_TRUE(test, parked);
	skbpool_resync_sync();
	KUNIT_EXPECT_TRUE(test, list_empty(&sdev->parked));
	KUNIT_EXPECT_TRUE(test, list_empty(&sdev->parked_txqs));
	unregister(test, sdev);
}

/* A bounce buffer holds a frame of the MTU, never less than 2 KiB: a
 * 64 KiB GSO frame bounced in emergency takes at most 32 of them, which
 * drivers size their ring's stop threshold by.
 */
static void bounce_buffers_are_at_least_2k(struct kunit *test)
{
	static const struct { u32 mtu, buf; } cases[] = {
		{ 576, SKBPOOL_TX_BOUNCE_MIN }, { 1500, 2048 }, { 9000, PAGE_SIZE },
	};
	struct skbpool_dev *sdev = registered(test);
	struct skbpool_txq *txq;
	u32 i;

	rtnl_lock();
	KUNIT_EXPECT_EQ(test, skbpool_ethtool_set_priv_flags(sdev, SKBPOOL_PRIV_FLAG_TAG), 0);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		WRITE_ONCE(sdev->netdev->mtu, cases[i].mtu);
		txq = skbpool_txq_create(sdev, 0, 64);
		if (IS_ERR_OR_NULL(txq)) {
			KUNIT_FAIL(test, "mtu %u: no bounce pool: %ld", cases[i].mtu, PTR_ERR(txq));
			break;
		}
		KUNIT_EXPECT_EQ_MSG(test, txq->buf_size, cases[i].buf, "mtu %u", cases[i].mtu);
		skbpool_txq_destroy(txq);
	}
	rtnl_unlock();
	unregister(test, sdev);
}

/* A channel change that takes queues away leaves their pools parked on a
 * NIC that stays up: the resync pass frees those of queues past the new
 * count, RX and TX alike, and keeps the others for their rings.
 */
static void removed_queues_keep_no_pool(struct kunit *test)
{
	struct skbpool_rxq_params p = { .qid = 1, .ring_size = 64, .frame_len = 1514 };
	struct skbpool_dev *sdev = registered(test);
	struct skbpool_rxq *rxq;
	struct skbpool_txq *txq, *kept;
	bool parked;

	rtnl_lock();
	KUNIT_EXPECT_EQ(test, skbpool_ethtool_set_priv_flags(sdev, SKBPOOL_PRIV_FLAG_TAG), 0);
	fake_up(sdev, true);
	rxq = skbpool_rxq_create(sdev, &p);	/* queue 1 of a one-queue netdev */
	txq = skbpool_txq_create(sdev, 1, 64);
	kept = skbpool_txq_create(sdev, 0, 64);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, rxq);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, txq);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, kept);
	skbpool_txq_destroy(kept);
	skbpool_txq_destroy(txq);
	skbpool_rxq_destroy(rxq);
	parked = !list_empty(&sdev->parked) && !list_empty(&sdev->parked_txqs);
	rtnl_unlock();
	KUNIT_EXPECT_TRUE(test, parked);
	skbpool_resync_sync();
	KUNIT_EXPECT_TRUE(test, list_empty(&sdev->parked));
	KUNIT_EXPECT_TRUE(test, list_is_singular(&sdev->parked_txqs));
	unregister(test, sdev);
}

/* A ring made larger (ethtool -G) raises the queue's floor: the pool is
 * resized by the resync pass that the rebuild kicks, not one a whole
 * resync period (5 s) later, while its fence sits at its total.
 */
static void ring_change_resyncs_at_once(struct kunit *test)
{
	struct skbpool_rxq_params p = { .ring_size = 64, .frame_len = 1514 };
	struct skbpool_dev *sdev = registered(test);
	struct skbpool_rxq *rxq, *again;
	u32 old, floor, requested;
	int waited;

	rtnl_lock();
	KUNIT_EXPECT_EQ(test, skbpool_ethtool_set_priv_flags(sdev, SKBPOOL_PRIV_FLAG_TAG), 0);
	fake_up(sdev, true);
	rxq = skbpool_rxq_create(sdev, &p);
	rtnl_unlock();
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, rxq);
	skbpool_resync_sync();			/* the next tick is a period away */
	old = rxq->requested;
	p.ring_size = old / SKBPOOL_FLOOR_RINGS + 64;
	floor = p.ring_size * SKBPOOL_FLOOR_RINGS;	/* above old */
	KUNIT_ASSERT_LE(test, floor, SKBPOOL_CAP_BUFFERS);

	rtnl_lock();
	skbpool_rxq_destroy(rxq);
	again = skbpool_rxq_create(sdev, &p);
	rtnl_unlock();
	KUNIT_EXPECT_PTR_EQ(test, again, rxq);
	/* Well short of the period, well past what a pass takes under TCG. */
	for (waited = 0; waited < 2500; waited += 20) {
		requested = READ_ONCE(rxq->requested);
		if (requested != old)
			break;
		msleep(20);
	}
	KUNIT_EXPECT_GE(test, requested, floor);

	rtnl_lock();
	skbpool_rxq_destroy(rxq);
	fake_up(sdev, false);
	rtnl_unlock();
	unregister(test, sdev);
}

/* Rings made on a NIC that comes up with more channels than it had when
 * tagged shrink every other tagged queue's share: their pools follow at
 * once, not at the next periodic pass.
 */
static void new_rings_resync_at_once(struct kunit *test)
{
	struct skbpool_rxq_params p = { .ring_size = 16, .frame_len = 1514 };
	struct skbpool_dev *sdev = registered(test), *other;
	struct skbpool_rxq *rxq, *other_rxq[4];
	u32 before, requested = 0;
	struct net_device *wide;
	bool made = true;
	int waited, i;

	wide = alloc_etherdev_mqs(0, 4, 4);
	KUNIT_ASSERT_NOT_NULL(test, wide);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, fake_netdev_free, wide), 0);
	KUNIT_ASSERT_EQ(test, netif_set_real_num_rx_queues(wide, 1), 0);
	other = registered_on(test, wide, fake_dma_dev_named(test, "skbpool-fake-wide"));
	rtnl_lock();
	KUNIT_EXPECT_EQ(test, skbpool_ethtool_set_priv_flags(sdev, SKBPOOL_PRIV_FLAG_TAG), 0);
	KUNIT_EXPECT_EQ(test, skbpool_ethtool_set_priv_flags(other, SKBPOOL_PRIV_FLAG_TAG), 0);
	fake_up(sdev, true);
	rxq = skbpool_rxq_create(sdev, &p);
	rtnl_unlock();
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, rxq);
	skbpool_resync_sync();			/* the next tick is a period away */
	before = READ_ONCE(rxq->requested);
	if (before <= 2 * p.ring_size * SKBPOOL_FLOOR_RINGS) {
		rtnl_lock();
		fake_up(sdev, false);
		skbpool_rxq_destroy(rxq);	/* unregistering with it would WARN */
		rtnl_unlock();
		kunit_skip(test, "a two-queue share of %u is too near the floor, %u, to shrink",
			   before, p.ring_size * SKBPOOL_FLOOR_RINGS);
	}

	/* Four channels set while down, as ethtool -L does: nothing kicks. */
	KUNIT_EXPECT_EQ(test, netif_set_real_num_rx_queues(wide, 4), 0);
	rtnl_lock();
	fake_up(other, true);
	for (i = 0; i < 4; i++) {
		p.qid = i;
		other_rxq[i] = skbpool_rxq_create(other, &p);
		made &= !IS_ERR_OR_NULL(other_rxq[i]);
	}
	rtnl_unlock();
	KUNIT_EXPECT_TRUE(test, made);
	for (waited = 0; made && waited < 2500; waited += 20) {
		requested = READ_ONCE(rxq->requested);
		if (requested != before)
			break;
		msleep(20);
	}
	kunit_info(test, "share of 2 queues %u buffers, of 5 %u, after %d ms",
		   before, requested, waited);
	KUNIT_EXPECT_LT(test, requested, before);

	rtnl_lock();
	for (i = 0; i < 4; i++)
		skbpool_rxq_destroy(other_rxq[i]);
	skbpool_rxq_destroy(rxq);
	fake_up(other, false);
	fake_up(sdev, false);
	rtnl_unlock();
	unregister(test, other);
	unregister(test, sdev);
}

/* A grow that runs out of pages part way keeps what it got: the next pass
 * asks for the rest only, instead of allocating and freeing the whole
 * grow again and again while memory is short.
 */
static void short_grow_keeps_what_it_got(struct kunit *test)
{
	struct skbpool_rxq_params p = { .ring_size = 64, .frame_len = 1514 };
	struct skbpool_dev *sdev = registered(test);
	struct skbpool_rxq_snapshot s;
	struct skbpool_rxq *rxq;
	u32 before;
	int err;

	rtnl_lock();
	KUNIT_EXPECT_EQ(test, skbpool_ethtool_set_priv_flags(sdev, SKBPOOL_PRIV_FLAG_TAG), 0);
	rxq = skbpool_rxq_create(sdev, &p);
	rtnl_unlock();
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, rxq);
	skbpool_rxq_read(rxq, &s);
	before = s.total;
	pages_left = 3;
	kunit_activate_static_stub(test, skbpool_rx_page_alloc, few_pages);
	rtnl_lock();
	err = skbpool_rxq_resize(rxq, before + (8 << rxq->split));
	rtnl_unlock();
	kunit_deactivate_static_stub(test, skbpool_rx_page_alloc);
	KUNIT_EXPECT_EQ(test, err, 0);
	skbpool_rxq_read(rxq, &s);
	KUNIT_EXPECT_EQ(test, s.total, before + (3 << rxq->split));
	KUNIT_EXPECT_EQ(test, s.free, s.total);
	KUNIT_EXPECT_EQ(test, rxq->requested, before + (8 << rxq->split));

	rtnl_lock();
	skbpool_rxq_destroy(rxq);
	rtnl_unlock();
	unregister(test, sdev);
}

static struct kunit_case dev_cases[] = {
	KUNIT_CASE(queue_override_beats_device),
	KUNIT_CASE(resync_follows_override),
	KUNIT_CASE(untagged_gets_no_pool),
	KUNIT_CASE(tagged_gets_sized_pools),
	KUNIT_CASE(emergency_follows_the_tag),
	KUNIT_CASE(rebuilt_ring_keeps_its_pool),
	KUNIT_CASE(short_of_pages_comes_up_partly),
	KUNIT_CASE(closed_nic_keeps_no_pool),
	KUNIT_CASE(removed_queues_keep_no_pool),
	KUNIT_CASE(bounce_buffers_are_at_least_2k),
	KUNIT_CASE(ring_change_resyncs_at_once),
	KUNIT_CASE(new_rings_resync_at_once),
	KUNIT_CASE(short_grow_keeps_what_it_got),
	{}
};

static struct kunit_suite dev_suite = {
	.name = "skbpool_dev",
	.test_cases = dev_cases,
};

kunit_test_suite(dev_suite);
