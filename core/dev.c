// SPDX-License-Identifier: GPL-2.0
/*
 * Devices and their queues: registration, tagging, and the pools a tagged
 * device's queues get.
 *
 * Locking: RTNL, then skbpool_lock.  Drivers create and destroy queues
 * under RTNL (their open/stop paths); skbpool_lock additionally guards the
 * device list so the resync worker and the sizing see a stable set.
 */
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/rtnetlink.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include <skbpool/skbpool.h>

#include "dev.h"
#include "main.h"
#include "netlink.h"
#include "resync.h"
#include "rules.h"
#include "rx.h"
#include "sizing.h"
#include "tx.h"

static void dev_drop_parked(struct skbpool_dev *sdev);

LIST_HEAD(skbpool_devices);
/* Guards skbpool_devices and each device's tag, override and queue lists. */
DEFINE_MUTEX(skbpool_lock);
EXPORT_SYMBOL_IF_KUNIT(skbpool_lock);

/**
 * skbpool_dev_register() - make a netdev skbpool-capable
 * @netdev: the device; registered or not yet
 * @dma_dev: the device that maps buffers
 * @ops: the driver's callbacks
 *
 * The device starts untagged: its driver behaves like a stock driver until
 * the admin sets the "skbpool" private flag.
 *
 * Return: the handle, or an ERR_PTR.
 */
struct skbpool_dev *skbpool_dev_register(struct net_device *netdev,
					 struct device *dma_dev,
					 const struct skbpool_dev_ops *ops)
{
	struct skbpool_dev *sdev;

	if (!netdev || !dma_dev || !ops || !ops->restart)
		return ERR_PTR(-EINVAL);
	sdev = kzalloc(sizeof(*sdev), GFP_KERNEL);
	if (!sdev)
		return ERR_PTR(-ENOMEM);
	/* Sized once: num_rx_queues is the most the netdev can ever have. */
	sdev->nr_queue_override = netdev->num_rx_queues;
	sdev->queue_override = kcalloc(sdev->nr_queue_override,
				       sizeof(*sdev->queue_override), GFP_KERNEL);
	if (!sdev->queue_override) {
		kfree(sdev);
		return ERR_PTR(-ENOMEM);
	}
	sdev->netdev = netdev;
	sdev->dma_dev = dma_dev;
	sdev->ops = ops;
	INIT_LIST_HEAD(&sdev->rxqs);
	INIT_LIST_HEAD(&sdev->parked);
	INIT_LIST_HEAD(&sdev->txqs);
	INIT_LIST_HEAD(&sdev->parked_txqs);
	mutex_lock(&skbpool_lock);
	list_add_tail(&sdev->node, &skbpool_devices);
	mutex_unlock(&skbpool_lock);
	return sdev;
}
EXPORT_SYMBOL_GPL(skbpool_dev_register);

/**
 * skbpool_dev_unregister() - forget a device
 * @sdev: the handle; its queues must be destroyed already
 *
 * Context: after unregister_netdev() (or before register_netdev()): the
 * netlink family finds a device by its registered netdev under RTNL and
 * relies on the handle living as long as the registration.
 */
void skbpool_dev_unregister(struct skbpool_dev *sdev)
{
	if (IS_ERR_OR_NULL(sdev))
		return;
	dev_drop_parked(sdev);
	/* A queue left behind still points here: leak rather than corrupt. */
	if (WARN_ON(!list_empty(&sdev->rxqs) || !list_empty(&sdev->txqs)))
		return;
	mutex_lock(&skbpool_lock);
	list_del(&sdev->node);
	mutex_unlock(&skbpool_lock);
	if (sdev->tagged)
		skbpool_resync_kick();
	skbpool_rules_fini(sdev);
	kfree(sdev->queue_override);
	kfree(sdev);
}
EXPORT_SYMBOL_GPL(skbpool_dev_unregister);

/**
 * skbpool_dev_tagged() - is the NIC tagged
 * @sdev: the handle
 *
 * Return: true when the admin switched the "skbpool" flag on.
 */
bool skbpool_dev_tagged(const struct skbpool_dev *sdev)
{
	return READ_ONCE(sdev->tagged);
}
EXPORT_SYMBOL_GPL(skbpool_dev_tagged);

/*
 * A queue torn down while its NIC is up and tagged is being rebuilt (MTU
 * or ring change, reset, restart): its pools are kept for the new ring.
 * Torn down by ndo_stop (__LINK_STATE_START is cleared before it runs),
 * the NIC is going down and gives its memory back; so does a failing
 * ndo_open, which runs with __LINK_STATE_START set but before IFF_UP is.
 * Context: RTNL held.
 */
static bool dev_rebuilding(const struct skbpool_dev *sdev)
{
	return sdev->tagged && netif_running(sdev->netdev) &&
	       (sdev->netdev->flags & IFF_UP);
}

/*
 * Account a pool that goes away for good: its counters live on in
 * @sdev->gone, so ethtool -S stays monotonic.  Context: skbpool_lock held.
 */
static void rxq_gone(struct skbpool_dev *sdev, struct skbpool_rxq *rxq)
{
	struct skbpool_rxq_snapshot snap;

	lockdep_assert_held(&skbpool_lock);
	skbpool_rxq_read(rxq, &snap);
	list_del_init(&rxq->node);
	/* Counters only: what a dead pool holds is no longer anyone's. */
	snap.total = 0;
	snap.free = 0;
	snap.in_flight = 0;
	snap.fence = 0;
	skbpool_rxq_snapshot_add(&sdev->gone.rx, &snap);
}

/* Account a bounce pool that goes away for good.  skbpool_lock held. */
static void txq_gone(struct skbpool_dev *sdev, struct skbpool_txq *txq)
{
	list_del_init(&txq->node);
	sdev->gone.tx_bounce += skbpool_txq_bounced(txq);
	sdev->gone.tx_busy += skbpool_txq_busy(txq);
}

/**
 * skbpool_dev_take_parked() - detach parked pools of queues from @from_qid on
 * @sdev: the device
 * @from_qid: 0 for all of them (untag, unregister); the device's number of
 *	RX queues after a channel change, whose higher queues will not return
 * @list: where they go, to be freed with skbpool_rxqs_free() once
 *	skbpool_lock is dropped
 *
 * Context: skbpool_lock held.
 */
void skbpool_dev_take_parked(struct skbpool_dev *sdev, u32 from_qid,
			     struct list_head *list)
{
	struct skbpool_rxq *rxq, *tmp;

	lockdep_assert_held(&skbpool_lock);
	list_for_each_entry_safe(rxq, tmp, &sdev->parked, node) {
		if (rxq->params.qid < from_qid)
			continue;
		rxq_gone(sdev, rxq);
		list_add(&rxq->node, list);
	}
}

/**
 * skbpool_dev_take_parked_txqs() - detach parked TX bounce pools of queues
 *	from @from_qid on
 * @sdev: the device
 * @from_qid: as for skbpool_dev_take_parked(), in TX queues
 * @list: where they go, to be freed with skbpool_txqs_free() once
 *	skbpool_lock is dropped
 *
 * Context: skbpool_lock held.
 */
void skbpool_dev_take_parked_txqs(struct skbpool_dev *sdev, u32 from_qid,
				  struct list_head *list)
{
	struct skbpool_txq *txq, *tmp;

	lockdep_assert_held(&skbpool_lock);
	list_for_each_entry_safe(txq, tmp, &sdev->parked_txqs, node) {
		if (txq->qid < from_qid)
			continue;
		txq_gone(sdev, txq);
		list_add(&txq->node, list);
	}
}

/**
 * skbpool_txqs_free() - free the bounce pools on @list
 * @list: from skbpool_dev_take_parked_txqs()
 */
void skbpool_txqs_free(struct list_head *list)
{
	struct skbpool_txq *txq, *tmp;

	list_for_each_entry_safe(txq, tmp, list, node)
		skbpool_txq_free(txq);
	INIT_LIST_HEAD(list);
}

/* Free every parked TX bounce pool of @sdev.  skbpool_lock not held. */
static void dev_drop_parked_txqs(struct skbpool_dev *sdev)
{
	LIST_HEAD(drop);

	mutex_lock(&skbpool_lock);
	skbpool_dev_take_parked_txqs(sdev, 0, &drop);
	mutex_unlock(&skbpool_lock);
	skbpool_txqs_free(&drop);
}

/**
 * skbpool_rxqs_free() - free the pools on @list
 * @list: from skbpool_dev_take_parked()
 */
void skbpool_rxqs_free(struct list_head *list)
{
	struct skbpool_rxq *rxq, *tmp;

	list_for_each_entry_safe(rxq, tmp, list, node)
		skbpool_rxq_free(rxq);
	INIT_LIST_HEAD(list);
}

/* Free every parked pool of @sdev.  Context: skbpool_lock not held. */
static void dev_drop_parked(struct skbpool_dev *sdev)
{
	LIST_HEAD(drop);

	mutex_lock(&skbpool_lock);
	skbpool_dev_take_parked(sdev, 0, &drop);
	mutex_unlock(&skbpool_lock);
	skbpool_rxqs_free(&drop);
	dev_drop_parked_txqs(sdev);
}

/*
 * The pool queue @p->qid had before its ring was rebuilt, if it fits the
 * new ring.  One that does not (buffers of another size) is freed.
 */
static struct skbpool_rxq *rxq_adopt(struct skbpool_dev *sdev,
				     const struct skbpool_rxq_params *p)
{
	struct skbpool_rxq *rxq, *found = NULL;

	mutex_lock(&skbpool_lock);
	list_for_each_entry(rxq, &sdev->parked, node) {
		if (rxq->params.qid == p->qid) {
			found = rxq;
			break;
		}
	}
	if (found && !skbpool_rxq_unpark(found, p)) {
		list_move_tail(&found->node, &sdev->rxqs);
		mutex_unlock(&skbpool_lock);
		return found;
	}
	if (found)
		rxq_gone(sdev, found);
	mutex_unlock(&skbpool_lock);
	if (found)
		skbpool_rxq_free(found);
	return NULL;
}

/**
 * skbpool_rxq_create() - the pool for one RX queue, if the NIC is tagged
 * @sdev: the device
 * @p: the queue
 *
 * A queue whose ring is rebuilt (MTU or ring change, reset, restart) gets
 * back the pool it had, pages and all, when its buffers still fit: nothing
 * is allocated, so a rebuild during a memory storm cannot fail for want of
 * the reserve, nor wait on reclaim that may need this very NIC.  Otherwise
 * the pool is allocated in a NOIO scope (reclaim may not write through the
 * device being brought up) and accepted partly filled when pages run out.
 *
 * Context: RTNL held, the queue's NAPI not yet enabled; may sleep.
 * Return: the pool; NULL when the NIC is untagged (use the stock path); an
 * ERR_PTR when the pool cannot be allocated.
 */
struct skbpool_rxq *skbpool_rxq_create(struct skbpool_dev *sdev,
				       const struct skbpool_rxq_params *p)
{
	struct skbpool_sizing s;
	struct skbpool_rxq *rxq;
	unsigned int noio;
	u32 buffers;

	ASSERT_RTNL();
	if (!skbpool_dev_tagged(sdev))
		return NULL;
	/* A new ring size moves the floor: resize once the rebuild is done. */
	skbpool_resync_kick();
	rxq = rxq_adopt(sdev, p);
	if (rxq)
		return rxq;
	mutex_lock(&skbpool_lock);
	buffers = skbpool_size_rxq(sdev, p, &s);
	mutex_unlock(&skbpool_lock);
	noio = memalloc_noio_save();
	rxq = skbpool_rxq_alloc(sdev, p, buffers);
	memalloc_noio_restore(noio);
	if (IS_ERR(rxq))
		return rxq;
	mutex_lock(&skbpool_lock);
	list_add_tail(&rxq->node, &sdev->rxqs);
	mutex_unlock(&skbpool_lock);
	return rxq;
}
EXPORT_SYMBOL_GPL(skbpool_rxq_create);

/**
 * skbpool_rxq_destroy() - release an RX queue's pool
 * @rxq: the pool (NULL and ERR_PTR are ignored)
 *
 * While a tagged NIC stays up (its rings are being rebuilt) the pool is
 * kept for the queue's next ring (skbpool_rxq_create()); it is freed when
 * the NIC goes down, on untag, at unregistration, or when the queue does
 * not come back.  Buffers still in flight are left to the stack, which
 * frees their pages when it is done with them.
 *
 * A driver rebuilding its rings makes them again in the same RTNL section,
 * with the NIC still up; whatever a NIC that is not running still has
 * parked is freed by the next resync pass.
 *
 * Context: RTNL held, the queue's NAPI disabled and the device stopped.
 */
void skbpool_rxq_destroy(struct skbpool_rxq *rxq)
{
	struct skbpool_dev *sdev;

	if (IS_ERR_OR_NULL(rxq))
		return;
	ASSERT_RTNL();
	sdev = rxq->sdev;
	mutex_lock(&skbpool_lock);
	if (dev_rebuilding(sdev)) {
		skbpool_rxq_park(rxq);
		list_move_tail(&rxq->node, &sdev->parked);
		mutex_unlock(&skbpool_lock);
		/* Freed by the next pass if the queue does not come back. */
		skbpool_resync_kick();
		return;
	}
	rxq_gone(sdev, rxq);
	mutex_unlock(&skbpool_lock);
	skbpool_rxq_free(rxq);
}
EXPORT_SYMBOL_GPL(skbpool_rxq_destroy);

/**
 * skbpool_dev_read_totals() - a device's counters over all its queues
 * @sdev: the device
 * @t: filled in: the live and parked queues' counters added to those of the
 *	queues destroyed before (so every counter only grows); the gauge
 *	@t->tx_in_use counts live TX queues only
 *
 * The one reader behind both ethtool -S and netlink's dev-get.
 *
 * Context: skbpool_lock held.
 */
void skbpool_dev_read_totals(const struct skbpool_dev *sdev, struct skbpool_dev_totals *t)
{
	struct skbpool_rxq_snapshot snap;
	struct skbpool_rxq *rxq;
	struct skbpool_txq *txq;

	lockdep_assert_held(&skbpool_lock);
	t->rx = sdev->gone.rx;
	list_for_each_entry(rxq, &sdev->rxqs, node) {
		skbpool_rxq_read(rxq, &snap);
		skbpool_rxq_snapshot_add(&t->rx, &snap);
	}
	list_for_each_entry(rxq, &sdev->parked, node) {
		skbpool_rxq_read(rxq, &snap);
		skbpool_rxq_snapshot_add(&t->rx, &snap);
	}
	t->tx_bounce = sdev->gone.tx_bounce;
	t->tx_busy = sdev->gone.tx_busy;
	t->tx_in_use = 0;
	list_for_each_entry(txq, &sdev->txqs, node) {
		t->tx_bounce += skbpool_txq_bounced(txq);
		t->tx_busy += skbpool_txq_busy(txq);
		t->tx_in_use += skbpool_txq_in_use(txq);
	}
	list_for_each_entry(txq, &sdev->parked_txqs, node) {
		t->tx_bounce += skbpool_txq_bounced(txq);
		t->tx_busy += skbpool_txq_busy(txq);
	}
}

/*
 * The bounce pool TX queue @qid had before its ring was rebuilt, if its
 * buffers fit the new ring; one that does not is freed.
 */
static struct skbpool_txq *txq_adopt(struct skbpool_dev *sdev, u32 qid,
				     u32 count, u32 buf_size)
{
	struct skbpool_txq *txq, *found = NULL;

	mutex_lock(&skbpool_lock);
	list_for_each_entry(txq, &sdev->parked_txqs, node) {
		if (txq->qid == qid) {
			found = txq;
			break;
		}
	}
	if (found && skbpool_txq_fits(found, count, buf_size)) {
		skbpool_txq_reset(found);
		list_move_tail(&found->node, &sdev->txqs);
		mutex_unlock(&skbpool_lock);
		return found;
	}
	if (found)
		txq_gone(sdev, found);
	mutex_unlock(&skbpool_lock);
	if (found)
		skbpool_txq_free(found);
	return NULL;
}

/**
 * skbpool_txq_create() - bounce buffers for one TX queue, if tagged
 * @sdev: the device
 * @qid: the queue
 * @ring_size: TX descriptors; one bounce buffer each
 *
 * A buffer holds a frame of the MTU, at least %SKBPOOL_TX_BOUNCE_MIN and
 * at most a page.  A queue being rebuilt gets back the buffers it had, as
 * an RX queue does (skbpool_rxq_create()).
 *
 * Context: RTNL held; may sleep (NOIO: see skbpool_rxq_create()).
 * Return: the pool; NULL when the NIC is untagged; an ERR_PTR on failure.
 */
struct skbpool_txq *skbpool_txq_create(struct skbpool_dev *sdev, u32 qid,
				       u32 ring_size)
{
	u32 frame = sdev->netdev->mtu + VLAN_ETH_HLEN + VLAN_HLEN;
	u32 buf_size = clamp_t(u32, frame, SKBPOOL_TX_BOUNCE_MIN, PAGE_SIZE);
	struct skbpool_txq *txq;
	unsigned int noio;

	ASSERT_RTNL();
	if (!skbpool_dev_tagged(sdev))
		return NULL;
	txq = txq_adopt(sdev, qid, ring_size, buf_size);
	if (txq)
		return txq;
	noio = memalloc_noio_save();
	txq = skbpool_txq_alloc(sdev, qid, ring_size, buf_size);
	memalloc_noio_restore(noio);
	if (IS_ERR(txq))
		return txq;
	mutex_lock(&skbpool_lock);
	list_add_tail(&txq->node, &sdev->txqs);
	mutex_unlock(&skbpool_lock);
	return txq;
}
EXPORT_SYMBOL_GPL(skbpool_txq_create);

/**
 * skbpool_txq_destroy() - release a TX queue's bounce buffers
 * @txq: the pool (NULL and ERR_PTR are ignored)
 *
 * Kept for the queue's next ring while the NIC is being rebuilt, as
 * skbpool_rxq_destroy() keeps an RX pool.
 *
 * Context: RTNL held; the device is done with every bounce buffer.
 */
void skbpool_txq_destroy(struct skbpool_txq *txq)
{
	if (IS_ERR_OR_NULL(txq))
		return;
	ASSERT_RTNL();
	mutex_lock(&skbpool_lock);
	if (dev_rebuilding(txq->sdev)) {
		list_move_tail(&txq->node, &txq->sdev->parked_txqs);
		mutex_unlock(&skbpool_lock);
		return;
	}
	txq_gone(txq->sdev, txq);
	mutex_unlock(&skbpool_lock);
	skbpool_txq_free(txq);
}
EXPORT_SYMBOL_GPL(skbpool_txq_destroy);

/**
 * skbpool_dev_set_tag() - tag or untag a device
 * @sdev: the device
 * @tag: the new state
 *
 * A running device has its queues rebuilt by the driver; if that fails the
 * old state is restored and rebuilt again.
 *
 * Context: RTNL held.
 * Return: 0 or the driver's error.
 */
int skbpool_dev_set_tag(struct skbpool_dev *sdev, bool tag)
{
	int err = 0;

	ASSERT_RTNL();
	if (sdev->tagged == tag)
		return 0;
	mutex_lock(&skbpool_lock);
	WRITE_ONCE(sdev->tagged, tag);
	mutex_unlock(&skbpool_lock);
	if (netif_running(sdev->netdev)) {
		err = sdev->ops->restart(sdev->netdev);
		if (err) {
			netdev_warn(sdev->netdev, "skbpool: %s failed: %d\n",
				    tag ? "tagging" : "untagging", err);
			mutex_lock(&skbpool_lock);
			WRITE_ONCE(sdev->tagged, !tag);
			mutex_unlock(&skbpool_lock);
			sdev->ops->restart(sdev->netdev);
		}
	}
	/* Untagged, or back to untagged: what a closed NIC kept goes. */
	if (!sdev->tagged)
		dev_drop_parked(sdev);
	skbpool_emergency_tag_changed(sdev);
	skbpool_resync_kick();
	if (!err)
		skbpool_nl_notify_tag(sdev);
	return err;
}
