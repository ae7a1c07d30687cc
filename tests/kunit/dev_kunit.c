// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: a registered device through the public API: untagged it gets no
 * pools (the stock path), tagged it gets pools sized by the formula, the
 * private flags read back what was set, and ethtool -S adds up.
 */
#include <kunit/test.h>
#include <linux/rtnetlink.h>

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

static struct skbpool_dev *registered(struct kunit *test)
{
	struct net_device *netdev = fake_netdev(test);
	struct device *dev = fake_dma_dev(test);
	struct skbpool_dev *sdev;

	KUNIT_EXPECT_EQ(test, PTR_ERR(skbpool_dev_register(netdev, dev, NULL)), -EINVAL);
	sdev = skbpool_dev_register(netdev, dev, &test_ops);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sdev);
	return sdev;
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
	skbpool_dev_unregister(sdev);
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
	KUNIT_ASSERT_EQ(test, skbpool_ethtool_set_priv_flags(sdev, flags), 0);
	KUNIT_EXPECT_EQ(test, restarts, 0);	/* not running: nothing to rebuild */
	KUNIT_EXPECT_EQ(test, skbpool_ethtool_get_priv_flags(sdev), flags);
	rxq = skbpool_rxq_create(sdev, &p);
	txq = skbpool_txq_create(sdev, 0, 64);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, rxq);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, txq);

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
	skbpool_dev_unregister(sdev);
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
	KUNIT_ASSERT_EQ(test, skbpool_ethtool_set_priv_flags(sdev, SKBPOOL_PRIV_FLAG_TAG), 0);
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
	skbpool_dev_unregister(sdev);
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
	KUNIT_EXPECT_EQ(test, skbpool_dev_set_queue_override(sdev, 2, 100), -EINVAL);
	KUNIT_EXPECT_EQ(test, skbpool_dev_set_queue_override(sdev, 1, SKBPOOL_CAP_BUFFERS + 1),
			-ERANGE);

	rtnl_lock();
	KUNIT_ASSERT_EQ(test, skbpool_ethtool_set_priv_flags(sdev, SKBPOOL_PRIV_FLAG_TAG), 0);
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
	skbpool_dev_unregister(sdev);
}

static struct kunit_case dev_cases[] = {
	KUNIT_CASE(queue_override_beats_device),
	KUNIT_CASE(resync_follows_override),
	KUNIT_CASE(untagged_gets_no_pool),
	KUNIT_CASE(tagged_gets_sized_pools),
	{}
};

static struct kunit_suite dev_suite = {
	.name = "skbpool_dev",
	.test_cases = dev_cases,
};

kunit_test_suite(dev_suite);
