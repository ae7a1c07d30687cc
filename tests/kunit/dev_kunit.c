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

/* The resync worker brings a live pool to the admin's override and back,
 * through napi_disable() on a real (if idle) NAPI context.
 */
static int idle_poll(struct napi_struct *napi, int budget)
{
	return 0;
}

static void resync_follows_override(struct kunit *test)
{
	struct skbpool_dev *sdev = registered(test);
	struct skbpool_rxq_params p = { .ring_size = 64, .frame_len = 1514 };
	struct napi_struct *napi = kunit_kzalloc(test, sizeof(*napi), GFP_KERNEL);
	struct skbpool_rxq_snapshot snap;
	struct skbpool_rxq *rxq;
	u32 automatic;

	KUNIT_ASSERT_NOT_NULL(test, napi);
	netif_napi_add(sdev->netdev, napi, idle_poll);
	napi_enable(napi);
	p.napi = napi;
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
	skbpool_rxq_read(rxq, &snap);
	KUNIT_EXPECT_EQ(test, snap.total, 3000);
	KUNIT_EXPECT_EQ(test, snap.free, 3000);

	KUNIT_EXPECT_EQ(test, skbpool_dev_set_override(sdev, 0), 0);
	skbpool_resync_sync();
	skbpool_rxq_read(rxq, &snap);
	KUNIT_EXPECT_EQ(test, snap.total, automatic);

	napi_disable(napi);
	rtnl_lock();
	skbpool_rxq_destroy(rxq);
	KUNIT_EXPECT_EQ(test, skbpool_ethtool_set_priv_flags(sdev, 0), 0);
	rtnl_unlock();
	netif_napi_del(napi);
	skbpool_dev_unregister(sdev);
}

static struct kunit_case dev_cases[] = {
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
