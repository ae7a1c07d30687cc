/* SPDX-License-Identifier: GPL-2.0 */
/*
 * e1000sp: a netdev driver for the Intel 82540EM built on skbpool.
 *
 * One RX ring and one TX ring, served by one NAPI context.  Untagged, RX
 * buffers are skbs from napi_alloc_skb() mapped per buffer, as a stock
 * driver does; tagged, they come premapped from the queue's skbpool pool,
 * and small frames are sent from premapped bounce buffers.
 */
#ifndef _E1000SP_H
#define _E1000SP_H

#include <linux/netdevice.h>
#include <linux/pci.h>
#include <linux/timer.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>

#include <skbpool/compat.h>
#include <skbpool/skbpool.h>

#include "hw.h"
#include "phy.h"

#define E1000SP_DRV_NAME	"e1000sp"
#define E1000SP_DEF_RING	256
#define E1000SP_MIN_RING	64
#define E1000SP_MAX_RING	4096
/* 16 KB frames with LPE (the 82540's largest), less header and FCS. */
#define E1000SP_MAX_MTU		(16128 - ETH_HLEN - ETH_FCS_LEN)
/* RX buffers are posted this many at a time (one tail write each). */
#define E1000SP_RX_REFILL_BATCH	16
#define E1000SP_DEF_RX_USECS	50
#define E1000SP_MAX_RX_USECS	16000
/* A TX buffer longer than this takes several descriptors. */
#define E1000SP_TXD_SHIFT	13
#define E1000SP_TXD_MAX		BIT(E1000SP_TXD_SHIFT)
/* Worst cases for one skb.  Mapped: a context, the head and MAX_SKB_FRAGS
 * frags of at most 64 KB in all, each split at E1000SP_TXD_MAX.  Bounced
 * in emergency: a context and 64 KB in buffers of SKBPOOL_TX_BOUNCE_MIN.
 * The queue stops while the worst of the two may not fit and wakes half
 * way from there to the smallest ring.
 */
#define E1000SP_TX_MAPPED_MAX	(2 + MAX_SKB_FRAGS + (SZ_64K >> E1000SP_TXD_SHIFT) + 1)
#define E1000SP_TX_BOUNCED_MAX	(1 + SZ_64K / SKBPOOL_TX_BOUNCE_MIN)
#define E1000SP_TX_STOP		max(E1000SP_TX_MAPPED_MAX, E1000SP_TX_BOUNCED_MAX)
#define E1000SP_TX_WAKE		((E1000SP_TX_STOP + E1000SP_MIN_RING) / 2)

/* Software state of one RX descriptor. */
struct e1000sp_rx_buf {
	struct sk_buff *skb;	/* untagged: the posted skb */
	dma_addr_t dma;		/* untagged: its mapping */
	struct page *page;	/* untagged on page_pool: the fragment's page */
	u32 offset;		/* untagged on page_pool: the frame's offset */
	u32 id;			/* tagged: the skbpool buffer */
};

struct e1000sp_rx_stats {
	u64_stats_t dropped;	/* frames no skb was built for (skbpool counts why) */
	u64_stats_t alloc_failed;
	u64_stats_t split;	/* frames longer than one buffer: dropped */
	u64_stats_t errors;	/* frames the MAC flagged (CE, SE, SEQ, CXE, RXE) */
	u64_stats_t csum_good;
	u64_stats_t copied;	/* untagged: small frames copied (copybreak) */
};

/*
 * RX ring.  next_to_use and next_to_clean are free-running and masked;
 * [next_to_clean, next_to_use) is posted to the device, which owns a
 * descriptor until it sets DD.  Both indices are NAPI's alone (and the
 * open, stop and reset paths', with NAPI disabled).  The device is told
 * of new buffers by the RDT write, which writel() orders after the
 * descriptor writes; DD is read before the rest of a descriptor
 * (dma_rmb()).
 */
struct e1000sp_rx_ring {
	struct e1000sp_rx_desc *desc;
	dma_addr_t desc_dma;
	struct e1000sp_rx_buf *buf;
	u32 count;
	u32 next_to_use;
	u32 next_to_clean;
	u32 buf_len;		/* what the device may write: RCTL.BSIZE */
	u32 copybreak;		/* untagged: frames up to this are copied */
	bool discard;		/* inside a frame longer than one buffer */
	struct skbpool_rxq *pool;
	struct page_pool *pp;	/* untagged, rx_page_pool=1 (rx_pp.c) */
	struct timer_list refill;	/* retries an empty ring */
	struct u64_stats_sync syncp;
	struct e1000sp_rx_stats stats;
};

/* Software state of one TX descriptor; the packet's fields on its first. */
struct e1000sp_tx_buf {
	struct sk_buff *skb;	/* first: freed at completion (NULL if bounced) */
	dma_addr_t dma;		/* mapped here, for unmapping */
	u32 len;		/* 0: nothing mapped here */
	bool page;		/* mapped with skb_frag_dma_map() */
	s32 bounce;		/* first: skbpool bounce buffer, or -1 */
	u32 nr_bounce;		/* first: consecutive bounce buffers from there */
	u32 eop;		/* first: free-running index of the last descriptor */
	u32 bytes;		/* first: bytes on the wire, for BQL */
	u32 pkts;		/* first: frames on the wire (TSO segments) */
};

struct e1000sp_tx_stats {
	u64_stats_t busy;	/* ring full at xmit: should never happen */
	u64_stats_t dropped;
	u64_stats_t dma_failed;
	u64_stats_t csum_sw;	/* offsets out of the device's reach */
	u64_stats_t tso;
	u64_stats_t mapped;	/* frames sent from a DMA mapping of the skb */
};

/*
 * TX ring.  xmit (under the TX queue lock) fills descriptors and slot
 * state from next_to_use and publishes it with smp_store_release(); NAPI
 * reaps from next_to_clean up to it, and publishes next_to_clean with
 * smp_store_release() once the slots are clear, which xmit reads with
 * smp_load_acquire() to know its room.  Stopping and waking the queue use
 * netif_txq_maybe_stop() / __netif_txq_completed_wake(), whose barriers
 * pair with each other.  The device owns [TDH, TDT); it writes DD back into
 * each packet's last descriptor (RS is set there only).
 */
struct e1000sp_tx_ring {
	struct e1000sp_tx_desc *desc;
	dma_addr_t desc_dma;
	struct e1000sp_tx_buf *buf;
	u32 count;
	u32 next_to_use;
	u32 next_to_clean;
	u32 ctx;		/* xmit's: the offsets of the loaded context, 0: none */
	struct skbpool_txq *bounce;
	struct u64_stats_sync syncp;
	struct e1000sp_tx_stats stats;
};

/**
 * struct e1000sp_adapter - one port
 * @netdev: its netdev
 * @pdev: its PCI function
 * @hw: the MAC
 * @link: the link settings ethtool made, given to the PHY after each reset
 * @napi: serves both rings
 * @rx: the RX ring (built and freed under RTNL by open, stop and
 *	reconfigure; kept across a reset)
 * @tx: the TX ring (likewise)
 * @pool_dev: the skbpool handle
 * @rings_up: the rings run and NAPI may wake the TX queue; cleared first
 *	when they stop (READ_ONCE from NAPI)
 * @rings_lost: a rebuild failed and the port runs without rings: the
 *	carrier stays off, and the watchdog asks reset_work to build them
 *	(written under RTNL, READ_ONCE from the watchdog and link interrupt)
 * @rctl: RCTL as last written; under netif_addr_lock_bh(), which both
 *	ndo_set_rx_mode and the ring paths take to write RCTL
 * @mta: the multicast table as last written, under the same lock
 * @rx_ring_size: descriptors for the next ring build (RTNL)
 * @tx_ring_size: likewise
 * @rx_usecs: interrupt throttling interval, -C rx-usecs (RTNL)
 * @tx_timeouts: ndo_tx_timeout calls
 * @restarts: ring restarts (tag flips, resizes, MTU, resets)
 * @reset_work: resets the port after a TX timeout; builds the rings a
 *	failed rebuild left it without
 * @watchdog: folds the statistics registers and checks the link, every 2 s
 */
struct e1000sp_adapter {
	struct net_device *netdev;
	struct pci_dev *pdev;
	struct e1000sp_hw hw;
	struct e1000sp_link_cfg link;
	struct napi_struct napi;
	struct e1000sp_rx_ring rx;
	struct e1000sp_tx_ring tx;
	struct skbpool_dev *pool_dev;
	bool rings_up;
	bool rings_lost;
	u32 rctl;
	u32 mta[E1000SP_MTA_WORDS];
	u32 rx_ring_size;
	u32 tx_ring_size;
	u32 rx_usecs;
	atomic_t tx_timeouts;
	atomic_t restarts;
	struct work_struct reset_work;
	struct delayed_work watchdog;
};

extern const struct ethtool_ops e1000sp_ethtool_ops;

void e1000sp_link_restore(struct e1000sp_adapter *ad);
int e1000sp_reconfigure(struct net_device *netdev,
			int (*apply)(struct net_device *netdev, const void *arg),
			const void *arg);
void e1000sp_set_itr(struct e1000sp_adapter *ad);
int e1000sp_reset(struct e1000sp_adapter *ad);
void e1000sp_get_stats64(struct net_device *netdev, struct rtnl_link_stats64 *s);

/* rx_pp.c: the untagged ring on the kernel's page_pool */
int e1000sp_pp_create(struct e1000sp_adapter *ad, u32 frame_max);
int e1000sp_pp_post(struct e1000sp_rx_ring *rx, struct e1000sp_rx_buf *b,
		    dma_addr_t *dma);
void e1000sp_pp_recycle(struct e1000sp_rx_ring *rx, struct e1000sp_rx_buf *b,
			bool napi);
struct sk_buff *e1000sp_pp_take(struct e1000sp_rx_ring *rx,
				struct e1000sp_rx_buf *b, u32 len,
				struct napi_struct *napi);
struct sk_buff *e1000sp_rx_copy(struct napi_struct *napi, const void *frame, u32 len);
u32 e1000sp_pp_buf_len(void);

/* A ring counter, from the ring's NAPI poll (its only writer). */
static inline void e1000sp_rx_count(struct e1000sp_rx_ring *rx, u64_stats_t *counter, u32 n)
{
	u64_stats_update_begin(&rx->syncp);
	u64_stats_add(counter, n);
	u64_stats_update_end(&rx->syncp);
}

#endif /* _E1000SP_H */
