/* SPDX-License-Identifier: GPL-2.0 */
/*
 * simnic: a software NIC pair modelled on an e1000-class device.
 *
 * Each port has per-queue RX and TX descriptor rings and one NAPI context
 * per queue pair.  Its "hardware" is the peer's transmit path: a frame sent
 * on TX queue i is copied ("DMA") into the next buffer the peer posted on
 * its RX queue (i mod the peer's queue count); with no posted buffer the
 * frame is missed, as on real hardware.  A TSO frame is cut into segments
 * as it is copied, one posted buffer each.  TX completes at once and is
 * reaped by the sender's NAPI poll.
 */
#ifndef _SIMNIC_H
#define _SIMNIC_H

#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/hrtimer.h>
#include <linux/netdevice.h>
#include <linux/u64_stats_sync.h>

#include <skbpool/compat.h>
#include <skbpool/skbpool.h>

#define SIMNIC_DRV_NAME		"simnic"
#define SIMNIC_MAX_QUEUES	8
#define SIMNIC_DEF_RING		256
#define SIMNIC_MIN_RING		64
#define SIMNIC_MAX_RING		4096
#define SIMNIC_MAX_MTU		9000

/* One RX descriptor: a posted buffer, then the frame the peer wrote. */
struct simnic_rx_desc {
	void *va;		/* where the "device" writes */
	dma_addr_t dma;
	struct sk_buff *skb;	/* untagged: the stock buffer */
	int id;			/* tagged: the skbpool buffer */
	u32 len;		/* written by the device */
};

/* Counted by the queue's NAPI poll (or with NAPI disabled, under RTNL). */
struct simnic_rx_stats {
	u64_stats_t packets;
	u64_stats_t bytes;
	u64_stats_t dropped;	/* no skb could be built */
	u64_stats_t alloc_failed;
};

/*
 * Counted by the device side, from whichever of the peer's TX queues is
 * sending: under hw_lock, so two CPUs never add to one counter at once
 * (u64_stats_add() is not atomic against another CPU).
 */
struct simnic_rx_hw_stats {
	u64_stats_t missed;	/* no posted buffer: rx_missed_errors */
	u64_stats_t length_errors;
};

/*
 * RX ring indices (free-running u32, masked):
 *   [next_to_clean, hw_head)  frames the device wrote, for NAPI
 *   [hw_head, next_to_use)    buffers posted and still empty
 * next_to_use and next_to_clean are written by NAPI only; hw_head by the
 * device side under hw_lock (several peer TX queues may share this ring).
 * Each side publishes its index with smp_store_release() after writing the
 * descriptors, the other reads it with smp_load_acquire().
 */
struct simnic_rxq {
	struct simnic_port *port;
	u32 index;
	struct simnic_rx_desc *desc;
	u32 size;
	u32 next_to_use;
	u32 next_to_clean;
	u32 hw_head;
	bool hw_enabled;	/* under hw_lock: the ring takes frames */
	spinlock_t hw_lock;	/* the device's DMA engine, one writer at a time */
	/* Written by the senders' CPUs under hw_lock: kept beside it. */
	struct u64_stats_sync hw_syncp;	/* hw_stats: writers hold hw_lock */
	struct simnic_rx_hw_stats hw_stats;
	struct skbpool_rxq *pool;
	struct hrtimer moderation;
	struct u64_stats_sync syncp;	/* stats: one writer, NAPI */
	struct simnic_rx_stats stats;
};

struct simnic_tx_desc {
	struct sk_buff *skb;	/* freed at completion */
	int bounce;		/* skbpool bounce buffer id, or -1 */
};

struct simnic_tx_stats {
	u64_stats_t packets;
	u64_stats_t bytes;
	u64_stats_t dropped;	/* no peer, or peer down */
};

/*
 * TX ring: xmit (under the TX queue lock) fills next_to_use; the device
 * completes at once by publishing hw_done; NAPI reaps up to hw_done and
 * publishes next_to_clean, which xmit reads to know the ring's room.
 */
struct simnic_txq {
	struct simnic_port *port;
	u32 index;
	struct simnic_tx_desc *desc;
	u32 size;
	u32 next_to_use;
	u32 hw_done;
	u32 next_to_clean;
	struct skbpool_txq *bounce;
	struct u64_stats_sync syncp;
	struct simnic_tx_stats stats;
};

/* A queue pair and the NAPI context that serves both. */
struct simnic_qpair {
	struct napi_struct napi;
	struct simnic_rxq rx;
	struct simnic_txq tx;
};

struct simnic_faults {
	atomic_t fail_rx_alloc;		/* fail the next N buffer allocations */
	bool stall_tx_completions;	/* the device stops completing TX */
	bool link_down;			/* the wire is cut */
	atomic_t corrupt_next;		/* flip a byte in the next N frames sent */
};

struct simnic_port {
	struct net_device *netdev;
	struct simnic_dev *sdev;
	u32 port_index;
	struct simnic_port __rcu *peer;	/* under RTNL; RCU for the data path */
	struct skbpool_dev *pool_dev;
	struct simnic_qpair *qp;	/* SIMNIC_MAX_QUEUES of them */
	u32 rx_ring_size;
	u32 tx_ring_size;
	u32 rx_usecs;
	bool rings_ready;	/* rings up: TX reaping may wake the queues */
	bool rings_up;		/* rings and NAPI exist; under RTNL */
	struct simnic_faults faults;
	struct dentry *ddir;
	struct list_head node;
};

struct simnic_dev {
	struct device dev;
	u32 id;
	u32 nr_ports;
	u32 nr_queues;
	struct simnic_port **ports;	/* under RTNL; NULL once deleted */
	struct list_head node;
};

extern const struct ethtool_ops simnic_ethtool_ops;
extern const struct net_device_ops simnic_netdev_ops;
extern struct rtnl_link_ops simnic_link_ops;

int simnic_port_create(struct simnic_dev *sdev, u32 index);
void simnic_port_unregister(struct simnic_port *port, struct list_head *kill);
int simnic_reconfigure(struct net_device *netdev,
		       int (*apply)(struct net_device *netdev, const void *arg),
		       const void *arg);
void simnic_update_carrier(struct simnic_port *port);
void simnic_tx_resume(struct simnic_port *port);
void simnic_link(struct simnic_port *a, struct simnic_port *b);
void simnic_unlink(struct simnic_port *port);
void simnic_get_stats64(struct net_device *netdev, struct rtnl_link_stats64 *s);
void simnic_debugfs_port_init(struct simnic_port *port);
int simnic_debugfs_init(void);
void simnic_debugfs_exit(void);

/*
 * qstats.c: per-queue statistics for the netdev family, built where the
 * kernel has netdev_stat_ops (include/skbpool/compat.h).
 */
#ifdef SKBPOOL_HAVE_NETDEV_STAT_OPS
#define SIMNIC_QSTATS	true
void simnic_qstats_attach(struct net_device *netdev);
#else
#define SIMNIC_QSTATS	false
static inline void simnic_qstats_attach(struct net_device *netdev)
{
}
#endif

#endif /* _SIMNIC_H */
