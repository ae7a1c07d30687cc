// SPDX-License-Identifier: GPL-2.0
/*
 * Keeping each pool at its reserve, and the emergency thresholds current:
 * the target follows vm.min_free_kbytes (which has no change notifier,
 * hence a periodic look), the set of tagged
 * NICs and their ring sizes (which kick an immediate pass).  The resize
 * itself is prepared here and applied by each queue's NAPI (resize.c).
 */
#include <linux/moduleparam.h>
#include <linux/net.h>
#include <linux/rtnetlink.h>
#include <linux/sched/mm.h>
#include <linux/workqueue.h>
#include <kunit/visibility.h>

#include "dev.h"
#include "emergency.h"
#include "resize.h"
#include "resync.h"
#include "rx.h"
#include "sizing.h"

static unsigned int resync_ms = 5000;
module_param(resync_ms, uint, 0644);
MODULE_PARM_DESC(resync_ms, "How often pools follow vm.min_free_kbytes, in ms (default 5000)");

static void skbpool_resync(struct work_struct *work);
static DECLARE_DELAYED_WORK(resync_work, skbpool_resync);
static bool resync_stopping;

/*
 * One step per pass and queue: free what an applied resize left, then ask
 * for a new one if the target moved.  NAPI applies it; the queue never
 * stops.
 */
static void resync_rxq(struct skbpool_dev *sdev, struct skbpool_rxq *rxq)
{
	struct skbpool_rxq_snapshot snap;
	struct skbpool_sizing s;
	unsigned int noio;
	u32 target;
	int err;

	/* Pairs with the release in skbpool_rxq_apply_resize(). */
	if (smp_load_acquire(&rxq->resize.state) == SKBPOOL_RESIZE_DONE)
		skbpool_rxq_resize_finish(rxq);
	target = skbpool_size_rxq(sdev, &rxq->params, &s);
	/* A pool made short of its target (pages ran out) asks again. */
	skbpool_rxq_read(rxq, &snap);
	if (target == rxq->requested && snap.total >= target)
		return;
	/* Reclaim may not write through a NIC whose reserve it is growing. */
	noio = memalloc_noio_save();
	err = skbpool_rxq_resize_request(rxq, target);
	memalloc_noio_restore(noio);
	/* Every pass while pages are short, and passes follow rebuilds. */
	if (err && err != -EBUSY && net_ratelimit())
		netdev_warn(sdev->netdev, "skbpool: queue %u: resize to %u failed: %d\n",
			    rxq->params.qid, target, err);
}

/*
 * Parked pools nobody will claim: those of queues a channel change took
 * away, and all of a NIC that went down with pools parked (a rebuild that
 * failed to make its new rings, then ip link set down: ndo_stop had no
 * ring left to destroy).  RTNL is held, so no rebuild is half done.
 */
static void resync_take_unclaimed(struct skbpool_dev *sdev,
				  struct list_head *rx, struct list_head *tx)
{
	const struct net_device *netdev = sdev->netdev;
	bool up = netif_running(netdev);

	skbpool_dev_take_parked(sdev, up ? netdev->real_num_rx_queues : 0, rx);
	skbpool_dev_take_parked_txqs(sdev, up ? netdev->real_num_tx_queues : 0, tx);
}

static void skbpool_resync(struct work_struct *work)
{
	struct skbpool_dev *sdev;
	struct skbpool_rxq *rxq;
	LIST_HEAD(drop_tx);
	LIST_HEAD(drop);

	skbpool_emergency_update_thresholds();
	rtnl_lock();
	mutex_lock(&skbpool_lock);
	list_for_each_entry(sdev, &skbpool_devices, node) {
		/* An idle NIC runs no NAPI poll: leave emergency from here.
		 * An untagged one is left alone (never in emergency).
		 */
		skbpool_emergency_poll(sdev);
		list_for_each_entry(rxq, &sdev->rxqs, node)
			resync_rxq(sdev, rxq);
		resync_take_unclaimed(sdev, &drop, &drop_tx);
	}
	mutex_unlock(&skbpool_lock);
	skbpool_rxqs_free(&drop);
	skbpool_txqs_free(&drop_tx);
	rtnl_unlock();
	if (!READ_ONCE(resync_stopping))
		queue_delayed_work(system_wq, &resync_work,
				   msecs_to_jiffies(max(READ_ONCE(resync_ms), 100U)));
}

/**
 * skbpool_resync_kick() - resize every pool now
 *
 * After a tag change, an override, or a queue's ring made or parked (a
 * ring size or channel change): the pass runs once RTNL is let go.
 */
void skbpool_resync_kick(void)
{
	if (!READ_ONCE(resync_stopping))
		mod_delayed_work(system_wq, &resync_work, 0);
}

/**
 * skbpool_resync_sync() - run a resync pass now and wait for it
 *
 * Context: process context, RTNL not held.
 */
void skbpool_resync_sync(void)
{
	skbpool_resync_kick();
	flush_delayed_work(&resync_work);
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_resync_sync);

/**
 * skbpool_resync_init() - start the periodic resync
 *
 * Return: 0.
 */
int skbpool_resync_init(void)
{
	queue_delayed_work(system_wq, &resync_work, msecs_to_jiffies(resync_ms));
	return 0;
}

/**
 * skbpool_resync_exit() - stop it, waiting for a pass under way
 */
void skbpool_resync_exit(void)
{
	WRITE_ONCE(resync_stopping, true);
	cancel_delayed_work_sync(&resync_work);
}
