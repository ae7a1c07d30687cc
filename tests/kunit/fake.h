/* SPDX-License-Identifier: GPL-2.0 */
/* A fake device for the pool suites: a DMA-capable struct device and an
 * unregistered netdev, enough for pools to allocate, map and build skbs.
 */
#ifndef _SKBPOOL_KUNIT_FAKE_H
#define _SKBPOOL_KUNIT_FAKE_H

#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/dma-mapping.h>
#include <linux/etherdevice.h>

#include "../../core/dev.h"
#include "../../core/emergency.h"

struct fake_dev {
	struct skbpool_dev sdev;
	struct net_device *netdev;
};

static inline void fake_netdev_free(void *p)
{
	free_netdev(p);
}

/* An unregistered Ethernet netdev, freed when the test ends. */
static inline struct net_device *fake_netdev(struct kunit *test)
{
	struct net_device *netdev = alloc_etherdev(0);

	KUNIT_ASSERT_NOT_NULL(test, netdev);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, fake_netdev_free, netdev), 0);
	return netdev;
}

/* A struct device that maps through dma-direct, like a PCI function;
 * names are unique while their devices live.
 */
static inline struct device *fake_dma_dev_named(struct kunit *test, const char *name)
{
	struct device *dev = kunit_device_register(test, name);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	KUNIT_ASSERT_EQ(test, dma_coerce_mask_and_coherent(dev, DMA_BIT_MASK(64)), 0);
	return dev;
}

static inline struct device *fake_dma_dev(struct kunit *test)
{
	return fake_dma_dev_named(test, "skbpool-fake");
}

/* A device the pools can use without going through registration. */
static inline struct skbpool_dev *fake_dev_new(struct kunit *test)
{
	struct fake_dev *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	f->netdev = fake_netdev(test);
	f->sdev.netdev = f->netdev;
	f->sdev.dma_dev = fake_dma_dev(test);
	/* Off unless a case turns it on: a fake head failure must not
	 * switch the pool suites into emergency mode.
	 */
	f->sdev.em.policy = SKBPOOL_EM_POLICY_OFF;
	INIT_LIST_HEAD(&f->sdev.rxqs);
	INIT_LIST_HEAD(&f->sdev.parked);
	INIT_LIST_HEAD(&f->sdev.txqs);
	INIT_LIST_HEAD(&f->sdev.parked_txqs);
	return &f->sdev;
}

#endif /* _SKBPOOL_KUNIT_FAKE_H */
