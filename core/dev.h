/* SPDX-License-Identifier: GPL-2.0 */
/* Registered devices: struct skbpool_dev, the device list and its lock. */
#ifndef _SKBPOOL_DEV_H
#define _SKBPOOL_DEV_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>

#include "emergency.h"
#include "rx.h"

struct device;
struct net_device;
struct skbpool_dev_ops;
struct skbpool_rules;
struct skbpool_rxq_params;
struct skbpool_sizing;

/**
 * struct skbpool_dev - the library's state for one registered netdev
 * @netdev: the device
 * @dma_dev: the device that maps buffers (the PCI function, or simnic's)
 * @ops: driver callbacks
 * @tagged: the admin's tag (private flag "skbpool")
 * @em: emergency mode
 * @rules: the admin's critical-traffic rules (RCU; written under skbpool_lock)
 * @override: admin's buffers per RX queue, 0 for automatic
 * @queue_override: admin's buffers for one RX queue, indexed by queue id,
 *	0 to follow @override; @nr_queue_override entries (the netdev's
 *	num_rx_queues, fixed at its allocation)
 * @nr_queue_override: see @queue_override
 * @rxqs: live RX pools
 * @parked: RX pools of queues being rebuilt, kept for the new ring
 *	(skbpool_rxq_destroy() and skbpool_rxq_create())
 * @txqs: live TX bounce pools
 * @parked_txqs: TX bounce pools of queues being rebuilt, likewise
 * @gone: counters of pools already destroyed, so ethtool -S stays monotonic
 * @em_reported: emergency transitions sent as netlink events (the event
 *	worker's, under skbpool_lock)
 * @node: on skbpool_devices
 *
 * @tagged, @override, @queue_override and the lists change under RTNL and
 * skbpool_lock.
 */
struct skbpool_dev {
	struct net_device *netdev;
	struct device *dma_dev;
	const struct skbpool_dev_ops *ops;
	bool tagged;
	struct skbpool_emergency em;
	struct skbpool_rules __rcu *rules;
	u32 override;
	u32 *queue_override;
	u32 nr_queue_override;
	struct list_head rxqs;
	struct list_head parked;
	struct list_head txqs;
	struct list_head parked_txqs;
	struct {
		struct skbpool_rxq_snapshot rx;
		u64 tx_bounce;
		u64 tx_busy;
	} gone;
	unsigned long em_reported;
	struct list_head node;
};

/* All registered devices; skbpool_lock guards the list and the fields above. */
extern struct list_head skbpool_devices;
extern struct mutex skbpool_lock;

/**
 * struct skbpool_dev_totals - a device's counters over all its queues
 * @rx: every RX pool's, destroyed and parked ones included
 * @tx_bounce: frames copied into TX bounce buffers
 * @tx_busy: frames that found no free bounce buffer
 * @tx_in_use: bounce buffers in use now (a gauge)
 */
struct skbpool_dev_totals {
	struct skbpool_rxq_snapshot rx;
	u64 tx_bounce;
	u64 tx_busy;
	u64 tx_in_use;
};

void skbpool_dev_read_totals(const struct skbpool_dev *sdev, struct skbpool_dev_totals *t);
void skbpool_dev_take_parked(struct skbpool_dev *sdev, u32 from_qid,
			     struct list_head *list);
void skbpool_rxqs_free(struct list_head *list);
void skbpool_dev_take_parked_txqs(struct skbpool_dev *sdev, u32 from_qid,
				  struct list_head *list);
void skbpool_txqs_free(struct list_head *list);
u32 skbpool_size_rxq(struct skbpool_dev *sdev,
		     const struct skbpool_rxq_params *p,
		     struct skbpool_sizing *s);
int skbpool_dev_set_tag(struct skbpool_dev *sdev, bool tag);
int skbpool_dev_set_override(struct skbpool_dev *sdev, u32 buffers);
int skbpool_dev_set_queue_override(struct skbpool_dev *sdev, u32 qid, u32 buffers);
u32 skbpool_dev_queue_override(const struct skbpool_dev *sdev, u32 qid);

#endif /* _SKBPOOL_DEV_H */
