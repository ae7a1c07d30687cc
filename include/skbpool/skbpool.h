/* SPDX-License-Identifier: GPL-2.0 */
/*
 * skbpool driver API.
 *
 * A driver registers each netdev once (skbpool_dev_register()) and wires
 * the ethtool helpers.  When the admin tags the NIC, the library asks the
 * driver to restart its queues (ops->restart); each queue then gets a pool
 * from skbpool_rxq_create() / skbpool_txq_create(), which return NULL while
 * the NIC is untagged, so the driver keeps its stock path for that case.
 *
 * Contexts: create/destroy under RTNL, with the queue's NAPI not running
 * (and the device no longer writing to the ring at destroy).
 * skbpool_rx_napi_begin() runs once per NAPI poll, first (it may make the
 * emergency canary's allocation).  skbpool_rx_get(), skbpool_rx_build()
 * and skbpool_rx_put() run in the queue's NAPI poll, or in its stead:
 * with the queue's NAPI disabled and BH off, as a driver fills its ring
 * before enabling NAPI or empties it after disabling it.
 * The library never stops a queue itself (a resize is applied by the
 * queue's own next skbpool_rx_get()).
 * skbpool_tx_bounce(), skbpool_tx_bounce_chain() and
 * skbpool_tx_bounce_next() run under the TX queue's xmit lock and
 * skbpool_tx_complete() or skbpool_tx_complete_n() in the TX completion
 * path; they may run on different CPUs.
 */
#ifndef _SKBPOOL_SKBPOOL_H
#define _SKBPOOL_SKBPOOL_H

#include <linux/dma-mapping.h>
#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/sizes.h>
#include <linux/skbuff.h>
#include <net/sock.h>

struct skbpool_dev;
struct skbpool_rxq;
struct skbpool_txq;

/**
 * struct skbpool_dev_ops - what the library needs from a driver
 * @restart: tear down and rebuild every queue of a running @netdev, so that
 *	its pools follow the new tag state.  Called under RTNL from
 *	skbpool_ethtool_set_priv_flags() only when the netdev is running.
 *	Return: 0 or a negative errno (the tag change is then undone).
 */
struct skbpool_dev_ops {
	int (*restart)(struct net_device *netdev);
};

struct skbpool_dev *skbpool_dev_register(struct net_device *netdev,
					 struct device *dma_dev,
					 const struct skbpool_dev_ops *ops);
void skbpool_dev_unregister(struct skbpool_dev *sdev);
bool skbpool_dev_tagged(const struct skbpool_dev *sdev);

/**
 * struct skbpool_rxq_params - an RX queue as the driver describes it
 * @qid: queue index, for statistics and messages
 * @ring_size: RX descriptors the driver posts
 * @frame_len: the largest frame the device writes into one buffer
 * @copybreak: frames of at most this many bytes are copied into a small
 *	skb outside emergency, their buffer reused at once, as a stock
 *	driver's copybreak does; 0 for never
 */
struct skbpool_rxq_params {
	u32 qid;
	u32 ring_size;
	u32 frame_len;
	u32 copybreak;
};

struct skbpool_rxq *skbpool_rxq_create(struct skbpool_dev *sdev,
				       const struct skbpool_rxq_params *p);
void skbpool_rxq_destroy(struct skbpool_rxq *rxq);
u32 skbpool_rx_buf_len(const struct skbpool_rxq *rxq);
int skbpool_rx_get(struct skbpool_rxq *rxq, dma_addr_t *dma);
void *skbpool_rx_va(const struct skbpool_rxq *rxq, u32 id);
struct sk_buff *skbpool_rx_build(struct skbpool_rxq *rxq, u32 id, u32 len);
void skbpool_rx_put(struct skbpool_rxq *rxq, u32 id);
bool skbpool_rx_napi_begin(struct skbpool_rxq *rxq);

/*
 * The smallest bounce buffer, whatever the MTU: a 64 KiB GSO frame bounced
 * in emergency takes at most 32 of them (skbpool_tx_bounce_chain()), a
 * bound a driver sizes its ring's stop threshold by.
 */
#define SKBPOOL_TX_BOUNCE_MIN	SZ_2K

struct skbpool_txq *skbpool_txq_create(struct skbpool_dev *sdev, u32 qid,
				       u32 ring_size);
void skbpool_txq_destroy(struct skbpool_txq *txq);
bool skbpool_tx_wants_bounce(const struct skbpool_txq *txq,
			     const struct sk_buff *skb);
int skbpool_tx_bounce(struct skbpool_txq *txq, const struct sk_buff *skb,
		      dma_addr_t *dma, u32 *len);
int skbpool_tx_bounce_chain(struct skbpool_txq *txq, const struct sk_buff *skb);
u32 skbpool_tx_bounce_next(struct skbpool_txq *txq, const struct sk_buff *skb,
			   u32 *offset, dma_addr_t *dma, u32 *len);
void skbpool_tx_complete(struct skbpool_txq *txq, u32 id);
void skbpool_tx_complete_n(struct skbpool_txq *txq, u32 id, u32 n);
void *skbpool_tx_va(const struct skbpool_txq *txq, u32 id);
void __skbpool_tx_learn(struct skbpool_txq *txq, const struct sk_buff *skb);

/**
 * skbpool_tx_note() - let emergency mode learn the flows of storage sockets
 * @txq: the TX queue's pool (NULL while untagged)
 * @skb: a frame about to be transmitted, Ethernet header at skb->data
 *
 * Frames of sockets marked SOCK_MEMALLOC (nbd, NFS swap, iSCSI, NVMe/TCP)
 * and of kernel-owned TCP sockets (sunrpc for all of NFS, including the
 * writeback of dirty pages that is not SOCK_MEMALLOC; CIFS, Ceph, DLM)
 * teach the device their flow, so that the replies are known critical on
 * receive.  A frame of any other socket costs a test of two flags.
 *
 * Context: the driver's ndo_start_xmit.
 */
static inline void skbpool_tx_note(struct skbpool_txq *txq,
				   const struct sk_buff *skb)
{
	if (txq && skb->sk)
		__skbpool_tx_learn(txq, skb);
}

/* ethtool: two private flags, "skbpool" and "skbpool-emergency". */
#define SKBPOOL_PRIV_FLAG_TAG		BIT(0)
#define SKBPOOL_PRIV_FLAG_EMERGENCY	BIT(1)
#define SKBPOOL_PRIV_FLAGS_COUNT	2

void skbpool_ethtool_priv_flag_strings(u8 **data);
u32 skbpool_ethtool_get_priv_flags(const struct skbpool_dev *sdev);
int skbpool_ethtool_set_priv_flags(struct skbpool_dev *sdev, u32 flags);
int skbpool_ethtool_stats_count(void);
void skbpool_ethtool_stats_strings(u8 **data);
void skbpool_ethtool_stats(struct skbpool_dev *sdev, u64 **data);

#endif /* _SKBPOOL_SKBPOOL_H */
