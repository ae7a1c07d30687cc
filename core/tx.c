// SPDX-License-Identifier: GPL-2.0
/*
 * TX bounce buffers: preallocated, premapped, taken and returned in ring
 * order.  A frame copied into one needs no allocation (padding,
 * linearising) and no DMA mapping, so transmit works when memory does not.
 */
#include <linux/dma-mapping.h>
#include <linux/etherdevice.h>
#include <linux/log2.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <net/mptcp.h>
#include <net/sock.h>
#include <kunit/visibility.h>

#include <skbpool/skbpool.h>

#include "classify.h"
#include "dev.h"
#include "netns.h"
#include "tx.h"

/* Frames this small are cheaper to copy than to map. */
#define SKBPOOL_TX_COPYBREAK	256

static u64 txq_read(const struct skbpool_txq *txq, const u64_stats_t *counter)
{
	unsigned int start;
	u64 v;

	do {
		start = u64_stats_fetch_begin(&txq->syncp);
		v = u64_stats_read(counter);
	} while (u64_stats_fetch_retry(&txq->syncp, start));
	return v;
}

static void txq_release(struct skbpool_txq *txq)
{
	u32 i;

	for (i = 0; txq->pages && i < txq->nr_pages; i++) {
		if (!txq->pages[i])
			continue;
		dma_unmap_page(txq->sdev->dma_dev, txq->dma[i * (PAGE_SIZE / txq->buf_size)],
			       PAGE_SIZE, DMA_TO_DEVICE);
		__free_page(txq->pages[i]);
	}
	kfree(txq->pages);
	kfree(txq->va);
	kfree(txq->dma);
	kfree(txq);
}

/**
 * skbpool_txq_fits() - can a parked bounce pool serve a rebuilt queue
 * @txq: the pool
 * @count: the new ring's descriptors
 * @buf_size: the largest frame to bounce
 *
 * Return: true when it has a buffer per descriptor, each large enough.
 */
bool skbpool_txq_fits(const struct skbpool_txq *txq, u32 count, u32 buf_size)
{
	return count && count <= txq->count &&
	       max_t(u32, buf_size, ETH_ZLEN) <= txq->buf_size;
}

/**
 * skbpool_txq_reset() - every bounce buffer free again, for a new ring
 * @txq: the pool; the device is done with every buffer
 */
void skbpool_txq_reset(struct skbpool_txq *txq)
{
	txq->next_to_use = 0;
	/* No xmit or completion runs on a ring being rebuilt; the release
	 * only keeps the pairing skbpool_tx_bounce() expects.
	 */
	smp_store_release(&txq->next_to_clean, 0);
}

/**
 * skbpool_txq_alloc() - bounce buffers for one TX queue
 * @sdev: the device
 * @qid: the queue
 * @count: buffers wanted (rounded up to a power of two)
 * @buf_size: bytes per buffer (rounded up to a power of two, at most a page)
 *
 * Return: the pool or an ERR_PTR; nothing is left allocated on failure.
 */
struct skbpool_txq *skbpool_txq_alloc(struct skbpool_dev *sdev, u32 qid,
				      u32 count, u32 buf_size)
{
	struct device *dev = sdev->dma_dev;
	struct skbpool_txq *txq;
	u32 per_page, i;

	if (!count || !buf_size || buf_size > PAGE_SIZE)
		return ERR_PTR(-EINVAL);
	txq = kzalloc(sizeof(*txq), GFP_KERNEL);
	if (!txq)
		return ERR_PTR(-ENOMEM);
	txq->sdev = sdev;
	txq->qid = qid;
	txq->count = roundup_pow_of_two(count);
	txq->buf_size = roundup_pow_of_two(max_t(u32, buf_size, ETH_ZLEN));
	txq->buf_shift = ilog2(txq->buf_size);
	per_page = PAGE_SIZE / txq->buf_size;
	txq->nr_pages = DIV_ROUND_UP(txq->count, per_page);
	u64_stats_init(&txq->syncp);
	INIT_LIST_HEAD(&txq->node);

	txq->va = kcalloc(txq->count, sizeof(*txq->va), GFP_KERNEL);
	txq->dma = kcalloc(txq->count, sizeof(*txq->dma), GFP_KERNEL);
	txq->pages = kcalloc(txq->nr_pages, sizeof(*txq->pages), GFP_KERNEL);
	if (!txq->va || !txq->dma || !txq->pages)
		goto err;

	for (i = 0; i < txq->nr_pages; i++) {
		struct page *page;
		dma_addr_t dma;
		u32 j;

		page = alloc_pages_node(dev ? dev_to_node(dev) : NUMA_NO_NODE,
					GFP_KERNEL | __GFP_NOWARN, 0);
		if (!page)
			goto err;
		dma = dma_map_page(dev, page, 0, PAGE_SIZE, DMA_TO_DEVICE);
		if (dma_mapping_error(dev, dma)) {
			__free_page(page);
			goto err;
		}
		txq->pages[i] = page;
		for (j = 0; j < per_page && i * per_page + j < txq->count; j++) {
			txq->va[i * per_page + j] = page_address(page) + j * txq->buf_size;
			txq->dma[i * per_page + j] = dma + j * txq->buf_size;
		}
	}
	return txq;
err:
	txq_release(txq);
	return ERR_PTR(-ENOMEM);
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_txq_alloc);

/**
 * skbpool_txq_free() - release a TX queue's bounce buffers
 * @txq: the pool; the device must be done with every buffer
 */
void skbpool_txq_free(struct skbpool_txq *txq)
{
	txq_release(txq);
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_txq_free);

/* In emergency every frame is bounced: a mapping may allocate (an IOMMU's
 * page tables, swiotlb), and memory is what the machine lacks.  One load
 * per frame; the device's state is read without a lock (emergency.h).
 */
static bool tx_emergency(const struct skbpool_txq *txq)
{
	return READ_ONCE(txq->sdev->em.active);
}

/**
 * skbpool_tx_wants_bounce() - should this frame go into one bounce buffer
 * @txq: the queue's bounce pool, or NULL when the NIC is untagged
 * @skb: the frame
 *
 * Yes for small frames (a copy is cheaper than a mapping), for frames
 * that would need padding to the Ethernet minimum, and in emergency for
 * every frame that fits one buffer; never for a GSO frame (in emergency
 * the device gathers it from a chain of buffers: see
 * skbpool_tx_bounce_chain()).
 *
 * Return: true to call skbpool_tx_bounce().
 */
bool skbpool_tx_wants_bounce(const struct skbpool_txq *txq,
			     const struct sk_buff *skb)
{
	if (!txq || skb->len > txq->buf_size || skb_is_gso(skb))
		return false;
	return skb->len <= SKBPOOL_TX_COPYBREAK || skb->len < ETH_ZLEN ||
	       tx_emergency(txq);
}
EXPORT_SYMBOL_GPL(skbpool_tx_wants_bounce);

/*
 * Copy @n bytes of @skb from @offset into the next buffer.  The caller
 * made sure one is free (xmit is the only taker, under its lock).
 */
static u32 tx_copy(struct skbpool_txq *txq, const struct sk_buff *skb,
		   u32 offset, u32 n, u32 padded)
{
	u32 ntu = txq->next_to_use, id = ntu & (txq->count - 1);

	/* Offsets within skb->len: skb_copy_bits() cannot fail here. */
	WARN_ON_ONCE(skb_copy_bits(skb, offset, txq->va[id], n));
	if (n < padded)
		memset(txq->va[id] + n, 0, padded - n);
	dma_sync_single_for_device(txq->sdev->dma_dev, txq->dma[id],
				   max(n, padded), DMA_TO_DEVICE);
	WRITE_ONCE(txq->next_to_use, ntu + 1);
	return id;
}

/* Buffers free for xmit. */
static u32 tx_room(struct skbpool_txq *txq)
{
	/* Pairs with the release in skbpool_tx_complete_n(). */
	return txq->count - (txq->next_to_use - smp_load_acquire(&txq->next_to_clean));
}

static void tx_count(struct skbpool_txq *txq, u64_stats_t *counter)
{
	u64_stats_update_begin(&txq->syncp);
	u64_stats_inc(counter);
	u64_stats_update_end(&txq->syncp);
}

/**
 * skbpool_tx_bounce() - copy a frame into the next bounce buffer
 * @txq: the queue's bounce pool
 * @skb: the frame; the caller still owns it and may free it at once
 * @dma: where the device reads the frame
 * @len: bytes to send (padded to ETH_ZLEN)
 *
 * Context: the TX queue's xmit path (its lock held).
 * Return: the buffer id for skbpool_tx_complete(), -EMSGSIZE when the frame
 * does not fit, or -EBUSY when every buffer is in use.
 */
int skbpool_tx_bounce(struct skbpool_txq *txq, const struct sk_buff *skb,
		      dma_addr_t *dma, u32 *len)
{
	u32 id;

	if (unlikely(skb->len > txq->buf_size))
		return -EMSGSIZE;
	if (unlikely(!tx_room(txq))) {
		tx_count(txq, &txq->busy);
		return -EBUSY;
	}
	id = tx_copy(txq, skb, 0, skb->len, ETH_ZLEN);
	tx_count(txq, &txq->bounced);
	*dma = txq->dma[id];
	*len = max_t(u32, skb->len, ETH_ZLEN);
	return id;
}
EXPORT_SYMBOL_GPL(skbpool_tx_bounce);

/**
 * skbpool_tx_bounce_chain() - in emergency, how many buffers a frame takes
 * @txq: the queue's bounce pool, or NULL when the NIC is untagged
 * @skb: a frame skbpool_tx_wants_bounce() turned down (GSO, or larger
 *	than one buffer)
 *
 * Outside emergency such a frame is mapped.  In emergency it is copied
 * into consecutive buffers with skbpool_tx_bounce_next(), each described
 * to the device by a descriptor of its own, so that transmit needs no
 * mapping: the device gathers a frame, or a GSO frame's payload, from
 * several buffers as it does from an skb's fragments.  A buffer is at
 * least %SKBPOOL_TX_BOUNCE_MIN bytes, so a 64 KiB GSO frame takes at most
 * 32.
 *
 * Context: the TX queue's xmit path (its lock held).
 * Return: 0 to map the frame (not in emergency, or untagged); the number
 * of buffers, all free, for skbpool_tx_bounce_next(); -EBUSY when fewer
 * are free (counted; the caller drops the frame).
 */
int skbpool_tx_bounce_chain(struct skbpool_txq *txq, const struct sk_buff *skb)
{
	u32 n;

	if (!txq || !tx_emergency(txq))
		return 0;
	n = (skb->len + txq->buf_size - 1) >> txq->buf_shift;
	if (unlikely(n > tx_room(txq))) {
		tx_count(txq, &txq->busy);
		return -EBUSY;
	}
	return n;
}
EXPORT_SYMBOL_GPL(skbpool_tx_bounce_chain);

/**
 * skbpool_tx_bounce_next() - copy the next part of a chained frame
 * @txq: the queue's bounce pool
 * @skb: the frame skbpool_tx_bounce_chain() counted
 * @offset: bytes of @skb already copied, 0 at first; advanced
 * @dma: where the device reads this part
 * @len: its length, at most one buffer
 *
 * Called once per buffer skbpool_tx_bounce_chain() gave, until @offset
 * reaches skb->len.  The buffers are consecutive: the first id and the
 * count go to skbpool_tx_complete_n().  No padding: a frame shorter than
 * ETH_ZLEN fits one buffer and went through skbpool_tx_bounce().
 *
 * Context: the TX queue's xmit path (its lock held).
 * Return: the buffer's id.
 */
u32 skbpool_tx_bounce_next(struct skbpool_txq *txq, const struct sk_buff *skb,
			   u32 *offset, dma_addr_t *dma, u32 *len)
{
	u32 n = min(skb->len - *offset, txq->buf_size), id;

	/* Counted once copying starts: a driver may yet turn the frame back
	 * (NETDEV_TX_BUSY) after skbpool_tx_bounce_chain().
	 */
	if (!*offset)
		tx_count(txq, &txq->bounced);
	id = tx_copy(txq, skb, *offset, n, 0);
	*offset += n;
	*dma = txq->dma[id];
	*len = n;
	return id;
}
EXPORT_SYMBOL_GPL(skbpool_tx_bounce_next);

/**
 * skbpool_tx_va() - CPU address of a bounce buffer
 * @txq: the queue's bounce pool
 * @id: a buffer from skbpool_tx_bounce()
 *
 * For software devices that "DMA" with memcpy (simnic).
 * Return: the address matching the DMA address skbpool_tx_bounce() gave.
 */
void *skbpool_tx_va(const struct skbpool_txq *txq, u32 id)
{
	return txq->va[id];
}
EXPORT_SYMBOL_GPL(skbpool_tx_va);

/**
 * skbpool_tx_complete_n() - the device is done with consecutive buffers
 * @txq: the queue's bounce pool
 * @id: the first, the oldest one in use (completions come in ring order)
 * @n: how many: 1, or what skbpool_tx_bounce_chain() returned
 *
 * Context: the TX completion path.
 */
void skbpool_tx_complete_n(struct skbpool_txq *txq, u32 id, u32 n)
{
	u32 ntc = txq->next_to_clean;

	DEBUG_NET_WARN_ON_ONCE(id != (ntc & (txq->count - 1)));
	/* The device is done reading the buffers before xmit may refill
	 * them: pairs with smp_load_acquire() in tx_room().
	 */
	smp_store_release(&txq->next_to_clean, ntc + n);
}
EXPORT_SYMBOL_GPL(skbpool_tx_complete_n);

/**
 * skbpool_tx_complete() - the device is done with a bounce buffer
 * @txq: the queue's bounce pool
 * @id: the buffer, the oldest one in use
 *
 * Context: the TX completion path.
 */
void skbpool_tx_complete(struct skbpool_txq *txq, u32 id)
{
	skbpool_tx_complete_n(txq, id, 1);
}
EXPORT_SYMBOL_GPL(skbpool_tx_complete);

/**
 * skbpool_txq_bounced() - frames copied into bounce buffers so far
 * @txq: the queue's bounce pool
 *
 * Return: the count.
 */
u64 skbpool_txq_bounced(const struct skbpool_txq *txq)
{
	return txq_read(txq, &txq->bounced);
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_txq_bounced);

/**
 * skbpool_txq_busy() - frames that found every bounce buffer in use
 * @txq: the queue's bounce pool
 *
 * Return: the count.
 */
u64 skbpool_txq_busy(const struct skbpool_txq *txq)
{
	return txq_read(txq, &txq->busy);
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_txq_busy);

/**
 * skbpool_txq_in_use() - bounce buffers the device has not completed
 * @txq: the queue's bounce pool
 *
 * Return: the count, a snapshot.
 */
u32 skbpool_txq_in_use(const struct skbpool_txq *txq)
{
	u32 ntc = READ_ONCE(txq->next_to_clean);

	/* next_to_clean never passes next_to_use: read it first. */
	smp_rmb();
	return READ_ONCE(txq->next_to_use) - ntc;
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_txq_in_use);

/*
 * Whose flows are critical.  SOCK_MEMALLOC sockets: the kernel marks them
 * because reclaim needs them (nbd, iSCSI, NVMe/TCP, swap over NFS).
 * Kernel-owned TCP sockets: the storage clients the kernel runs itself
 * (sunrpc, so every NFS transport and not only swap ones; CIFS, Ceph,
 * DLM), whose replies dirty-page writeback waits on although nothing
 * marks them.  Not every kernel-owned socket over TCP is one:
 *  - TCP's control socket (SOCK_RAW) sends the resets and the SYN-RECV
 *    and TIME-WAIT ACKs for whoever knocks: learned, any peer knocking on
 *    closed ports would fill the table with flows of its choosing,
 *    critical in emergency;
 *  - MPTCP's subflows are kernel sockets carrying an application's data.
 * Kernel UDP sockets are left out: they are mostly tunnels (VXLAN,
 * WireGuard's own is marked), which would make whatever they carry
 * critical.
 */
static bool tx_sock_critical(const struct sock *sk)
{
	if (!sk_fullsock(sk))
		return false;
	if (sock_flag(sk, SOCK_MEMALLOC))
		return true;
	return sk->sk_kern_sock && sk->sk_type == SOCK_STREAM &&
	       sk->sk_protocol == IPPROTO_TCP && !sk_is_mptcp(sk);
}

/**
 * __skbpool_tx_learn() - skbpool_tx_note()'s slow half
 * @txq: the TX queue's pool
 * @skb: the frame, from a socket
 *
 * The flow goes into the table of the device's namespace (netns.c), where
 * every tagged device of the namespace finds it.
 *
 * Context: the driver's ndo_start_xmit; lockless (see struct skbpool_flows).
 */
void __skbpool_tx_learn(struct skbpool_txq *txq, const struct sk_buff *skb)
{
	struct skbpool_flow_key key;

	if (!tx_sock_critical(skb->sk))
		return;
	if (!skbpool_flow_key_from_frame(skb->data, skb_headlen(skb), &key))
		return;
	if (sock_flag(skb->sk, SOCK_MEMALLOC))
		key.flags = SKBPOOL_FLOW_MEMALLOC;
	if (!skbpool_flow_learn(skbpool_dev_flows(txq->sdev), &key, (u32)jiffies))
		skbpool_dev_flow_unlearned(txq->sdev);
}
EXPORT_SYMBOL_GPL(__skbpool_tx_learn);
