// SPDX-License-Identifier: GPL-2.0
/*
 * The reserve each RX queue of a tagged device should hold: the formula's
 * answer over every tagged queue (sizing.c), or the admin's override for
 * the device or for one queue.  The resync worker and queue creation ask
 * here; the pools follow through resync.c.
 */
#include <linux/netdevice.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "dev.h"
#include "main.h"
#include "resync.h"
#include "rx.h"
#include "sizing.h"

/* Tagged RX queues on every device: the reserve is shared over them. */
static u32 tagged_rx_queues(void)
{
	struct skbpool_dev *sdev;
	u32 n = 0;

	lockdep_assert_held(&skbpool_lock);
	list_for_each_entry(sdev, &skbpool_devices, node)
		if (sdev->tagged)
			n += sdev->netdev->real_num_rx_queues;
	return n;
}

/**
 * skbpool_size_rxq() - the reserve one RX queue of @sdev should hold
 * @sdev: the device
 * @p: the queue
 * @s: filled with the inputs and the result
 *
 * Context: skbpool_lock held.
 * Return: @s->buffers.
 */
u32 skbpool_size_rxq(struct skbpool_dev *sdev,
		     const struct skbpool_rxq_params *p,
		     struct skbpool_sizing *s)
{
	memset(s, 0, sizeof(*s));
	s->min_free_kbytes = skbpool_min_free_kbytes();
	s->share_pct = READ_ONCE(skbpool_share_pct);
	s->nr_queues = tagged_rx_queues();
	s->ring_size = p->ring_size;
	s->buf_truesize = skbpool_rx_truesize(p->frame_len);
	s->override = skbpool_dev_queue_override(sdev, p->qid) ?: sdev->override;
	skbpool_size_reserve(s);
	return s->buffers;
}

/**
 * skbpool_dev_set_override() - the admin's reserve, in buffers per RX queue
 * @sdev: the device
 * @buffers: 0 for automatic sizing, else at most %SKBPOOL_CAP_BUFFERS (a
 *	value below a queue's ring is raised to one ring)
 *
 * Applies to every RX queue of the device: per-queue overrides are
 * cleared.  The pools follow at once, through the resync worker.
 *
 * Return: 0, or -ERANGE with nothing changed.
 */
int skbpool_dev_set_override(struct skbpool_dev *sdev, u32 buffers)
{
	if (buffers > SKBPOOL_CAP_BUFFERS)
		return -ERANGE;
	mutex_lock(&skbpool_lock);
	WRITE_ONCE(sdev->override, buffers);
	if (sdev->queue_override)
		memset(sdev->queue_override, 0,
		       sdev->nr_queue_override * sizeof(*sdev->queue_override));
	mutex_unlock(&skbpool_lock);
	skbpool_resync_kick();
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_dev_set_override);

/**
 * skbpool_dev_set_queue_override() - the admin's reserve for one RX queue
 * @sdev: the device
 * @qid: the queue, below the netdev's num_rx_queues
 * @buffers: 0 to follow the device's override (or automatic sizing), else
 *	at most %SKBPOOL_CAP_BUFFERS (raised to one ring, as the device's)
 *
 * Kept across channel changes and tag flips, like the device's override.
 *
 * Return: 0; -ERANGE or -EINVAL with nothing changed.
 */
int skbpool_dev_set_queue_override(struct skbpool_dev *sdev, u32 qid, u32 buffers)
{
	if (buffers > SKBPOOL_CAP_BUFFERS)
		return -ERANGE;
	if (qid >= sdev->nr_queue_override)
		return -EINVAL;
	mutex_lock(&skbpool_lock);
	sdev->queue_override[qid] = buffers;
	mutex_unlock(&skbpool_lock);
	skbpool_resync_kick();
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_dev_set_queue_override);

/**
 * skbpool_dev_queue_override() - the admin's reserve for one RX queue
 * @sdev: the device
 * @qid: the queue
 *
 * Context: skbpool_lock held.
 * Return: the per-queue override, 0 when the queue follows the device's.
 */
u32 skbpool_dev_queue_override(const struct skbpool_dev *sdev, u32 qid)
{
	lockdep_assert_held(&skbpool_lock);
	return qid < sdev->nr_queue_override ? sdev->queue_override[qid] : 0;
}
