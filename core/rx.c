// SPDX-License-Identifier: GPL-2.0
/*
 * RX pools: preallocated, premapped buffers recycled on the queue's own
 * lists.
 *
 * Each buffer is a page (a compound page for jumbo frames) of its own, so
 * a buffer's return is a fact about its page alone: when the stack has
 * dropped every reference it was given, page_ref_count() equals the bias
 * the pool keeps (see SKBPOOL_BIAS_MAX).  Half-page buffers would pin half
 * the memory, but two frames sharing one refcount cannot be told apart,
 * and a reserve must know exactly which buffer is free.
 *
 * Life of a buffer id:  free --get--> posted --build--> held --reclaim--> free
 * (posted --put--> free when the driver returns one unused).  The counts are
 * exact: total = nr_free + posted + held, and the pool reports
 * in_flight = held, free = total - in_flight.
 *
 * Every function here but create/destroy/resize runs in the queue's NAPI
 * poll and touches only this queue: no locks, no atomic read-modify-write,
 * no divisions.  Resize runs with that NAPI disabled.
 */
#include <linux/dma-mapping.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <net/hotdata.h>
#include <kunit/static_stub.h>
#include <kunit/visibility.h>

#include "internal.h"

/* Buffers checked per reclaim pass when the free list runs dry. */
#define SKBPOOL_RECLAIM_BATCH	64
/* Preallocated skb heads per queue: a NAPI budget's worth. */
#define SKBPOOL_STASH_SIZE	NAPI_POLL_WEIGHT

static u32 rxq_in_flight(const struct skbpool_rxq *rxq)
{
	return rxq->held_tail - rxq->held_head;
}

static void rxq_publish(struct skbpool_rxq *rxq)
{
	DEBUG_NET_WARN_ON_ONCE(rxq->nr_free + rxq->posted + rxq_in_flight(rxq) !=
			       rxq->total);
	u64_stats_update_begin(&rxq->syncp);
	u64_stats_set(&rxq->occupancy,
		      (u64)rxq->total << 32 | rxq_in_flight(rxq));
	u64_stats_update_end(&rxq->syncp);
}

static void rxq_count(struct skbpool_rxq *rxq, u64_stats_t *counter, u32 n)
{
	u64_stats_update_begin(&rxq->syncp);
	u64_stats_add(counter, n);
	u64_stats_update_end(&rxq->syncp);
}

static int rxq_node(const struct skbpool_rxq *rxq)
{
	return rxq->sdev->dma_dev ? dev_to_node(rxq->sdev->dma_dev) : NUMA_NO_NODE;
}

static int rxbuf_alloc(struct skbpool_rxq *rxq, struct skbpool_rxbuf *buf,
		       gfp_t gfp)
{
	struct device *dev = rxq->sdev->dma_dev;
	struct page *page;
	dma_addr_t dma;

	if (rxq->order)
		gfp |= __GFP_COMP;
	page = alloc_pages_node(rxq_node(rxq), gfp | __GFP_NOWARN, rxq->order);
	if (!page)
		return -ENOMEM;
	dma = dma_map_page_attrs(dev, page, 0, rxq->truesize, DMA_FROM_DEVICE,
				 DMA_ATTR_SKIP_CPU_SYNC);
	if (dma_mapping_error(dev, dma)) {
		__free_pages(page, rxq->order);
		return -ENOMEM;
	}
	page_ref_add(page, SKBPOOL_BIAS_MAX - 1);
	buf->page = page;
	buf->dma = dma;
	buf->bias = SKBPOOL_BIAS_MAX;
	return 0;
}

/*
 * Unmap and drop the pool's references.  A buffer the stack still holds is
 * not waited for: its page lives on through the stack's own reference and
 * is freed by whoever drops the last one, the device being stopped before a
 * pool is destroyed.  So nothing outlives the pool that points into it, and
 * no module unload waits on a socket that nobody reads.
 */
static void rxbuf_release(struct skbpool_rxq *rxq, struct skbpool_rxbuf *buf)
{
	dma_unmap_page_attrs(rxq->sdev->dma_dev, buf->dma, rxq->truesize,
			     DMA_FROM_DEVICE, DMA_ATTR_SKIP_CPU_SYNC);
	__page_frag_cache_drain(buf->page, buf->bias);
	buf->page = NULL;
}

static bool rxbuf_returned(const struct skbpool_rxbuf *buf)
{
	if (page_ref_count(buf->page) != buf->bias)
		return false;
	/* Pairs with the full barrier of the stack's put_page(): the stack
	 * is done reading before the device may write the buffer again.
	 */
	smp_acquire__after_ctrl_dep();
	return true;
}

/**
 * skbpool_rx_reclaim() - move buffers the stack returned to the free list
 * @rxq: the pool
 * @budget: held buffers to look at, oldest first
 *
 * A buffer still held goes to the back of the FIFO, so one frame parked in
 * an unread socket does not block the others behind it.
 *
 * Return: buffers reclaimed.
 */
u32 skbpool_rx_reclaim(struct skbpool_rxq *rxq, u32 budget)
{
	u32 n = 0, scanned = min(budget, rxq_in_flight(rxq));

	while (scanned--) {
		u32 id = rxq->held[rxq->held_head++ & rxq->held_mask];

		if (rxbuf_returned(&rxq->bufs[id])) {
			rxq->free[rxq->nr_free++] = id;
			n++;
		} else {
			rxq->held[rxq->held_tail++ & rxq->held_mask] = id;
		}
	}
	if (n) {
		rxq_count(rxq, &rxq->stats.recycled, n);
		rxq_publish(rxq);
	}
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_rx_reclaim);

/* The slow path: the pool is empty and every buffer is in flight. */
static int rxq_grow(struct skbpool_rxq *rxq)
{
	u32 id = rxq->total;

	if (id >= rxq->capacity || rxbuf_alloc(rxq, &rxq->bufs[id], GFP_ATOMIC))
		return -ENOBUFS;
	rxq->total++;
	rxq->free[rxq->nr_free++] = id;
	rxq_count(rxq, &rxq->stats.slowpath, 1);
	rxq_publish(rxq);
	return 0;
}

static void rxq_stash_refill(struct skbpool_rxq *rxq)
{
	struct sk_buff *skb;

	skb = kmem_cache_alloc(net_hotdata.skbuff_cache, GFP_ATOMIC | __GFP_NOWARN);
	if (skb)
		rxq->stash[rxq->stash_count++] = skb;
}

/**
 * skbpool_rx_get() - take a buffer to post on the RX ring
 * @rxq: the queue's pool
 * @dma: where the device may write the frame (skbpool_rx_buf_len() bytes)
 *
 * Context: the queue's NAPI poll.
 * Return: the buffer's id, to hand back with skbpool_rx_build() or
 * skbpool_rx_put(), or -ENOBUFS when every buffer is in flight and the
 * pool could not grow (leave the descriptor empty: the device then drops,
 * as a real NIC does when its ring runs dry).
 */
int skbpool_rx_get(struct skbpool_rxq *rxq, dma_addr_t *dma)
{
	struct skbpool_rxbuf *buf;
	u32 id;

	/* One look at the oldest frame per buffer taken keeps the FIFO
	 * drained at the rate buffers are used, so in_flight stays honest.
	 */
	if (rxq->held_head != rxq->held_tail)
		skbpool_rx_reclaim(rxq, 1);
	if (unlikely(!rxq->nr_free)) {
		if (!skbpool_rx_reclaim(rxq, SKBPOOL_RECLAIM_BATCH) &&
		    rxq_grow(rxq)) {
			rxq_count(rxq, &rxq->stats.exhausted, 1);
			return -ENOBUFS;
		}
	}
	if (unlikely(rxq->stash_count < SKBPOOL_STASH_SIZE))
		rxq_stash_refill(rxq);

	id = rxq->free[--rxq->nr_free];
	rxq->posted++;
	buf = &rxq->bufs[id];
	dma_sync_single_range_for_device(rxq->dma_dev, buf->dma,
					 rxq->headroom, rxq->buf_len,
					 DMA_FROM_DEVICE);
	*dma = buf->dma + rxq->headroom;
	return id;
}
EXPORT_SYMBOL_GPL(skbpool_rx_get);

/**
 * skbpool_rx_va() - CPU address of a posted buffer's frame area
 * @rxq: the queue's pool
 * @id: a posted buffer
 *
 * For software devices that "DMA" with memcpy (simnic).
 * Return: the address matching the DMA address skbpool_rx_get() gave.
 */
void *skbpool_rx_va(const struct skbpool_rxq *rxq, u32 id)
{
	return page_address(rxq->bufs[id].page) + rxq->headroom;
}
EXPORT_SYMBOL_GPL(skbpool_rx_va);

/**
 * skbpool_rx_buf_len() - bytes the device may write into one buffer
 * @rxq: the queue's pool
 *
 * Return: the buffer length to program into the device.
 */
u32 skbpool_rx_buf_len(const struct skbpool_rxq *rxq)
{
	return rxq->buf_len;
}
EXPORT_SYMBOL_GPL(skbpool_rx_buf_len);

/**
 * skbpool_rx_put() - give back a posted buffer that carries no frame
 * @rxq: the queue's pool
 * @id: the buffer, from skbpool_rx_get()
 *
 * For errored descriptors and frames the driver drops itself.
 * Context: the queue's NAPI poll.
 */
void skbpool_rx_put(struct skbpool_rxq *rxq, u32 id)
{
	rxq->posted--;
	rxq->free[rxq->nr_free++] = id;
}
EXPORT_SYMBOL_GPL(skbpool_rx_put);

/**
 * skbpool_rx_napi_build() - napi_build_skb(), the seam the tests use to
 * make the NAPI head cache look empty
 * @va: the buffer
 * @truesize: its size
 *
 * Return: the skb or NULL.
 */
struct sk_buff *skbpool_rx_napi_build(void *va, u32 truesize)
{
	KUNIT_STATIC_STUB_REDIRECT(skbpool_rx_napi_build, va, truesize);
	return napi_build_skb(va, truesize);
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_rx_napi_build);

static struct sk_buff *rxq_build_from_stash(struct skbpool_rxq *rxq, void *va)
{
	struct sk_buff *skb;

	if (!rxq->stash_count)
		return NULL;
	skb = rxq->stash[--rxq->stash_count];
	memset(skb, 0, offsetof(struct sk_buff, tail));
	rxq_count(rxq, &rxq->stats.stash_used, 1);
	return build_skb_around(skb, va, rxq->truesize);
}

/**
 * skbpool_rx_build() - turn a completed buffer into an skb
 * @rxq: the queue's pool
 * @id: the buffer, from skbpool_rx_get()
 * @len: bytes the device wrote
 *
 * The skb's head is the buffer itself; its sk_buff comes from the NAPI
 * cache, or from the queue's stash when that cache cannot be refilled.
 * The caller sets the protocol (eth_type_trans()) and passes the skb up.
 *
 * Context: the queue's NAPI poll.
 * Return: the skb, or NULL when no head could be had; the buffer is then
 * already back on the free list and the frame is lost.
 */
struct sk_buff *skbpool_rx_build(struct skbpool_rxq *rxq, u32 id, u32 len)
{
	struct skbpool_rxbuf *buf = &rxq->bufs[id];
	void *va = page_address(buf->page);
	struct sk_buff *skb;

	dma_sync_single_range_for_cpu(rxq->dma_dev, buf->dma,
				      rxq->headroom, len, DMA_FROM_DEVICE);
	net_prefetch(va + rxq->headroom);
	rxq->posted--;

	skb = skbpool_rx_napi_build(va, rxq->truesize);
	if (unlikely(!skb))
		skb = rxq_build_from_stash(rxq, va);
	if (unlikely(!skb)) {
		rxq_count(rxq, &rxq->stats.build_failed, 1);
		rxq->free[rxq->nr_free++] = id;
		return NULL;
	}
	skb_reserve(skb, rxq->headroom);
	__skb_put(skb, len);

	/* The stack now owns one page reference, dropped when it frees the
	 * data; top the bias up before the count could reach zero.
	 */
	if (unlikely(--buf->bias == 1)) {
		page_ref_add(buf->page, SKBPOOL_BIAS_MAX - 1);
		buf->bias += SKBPOOL_BIAS_MAX - 1;
	}
	rxq->held[rxq->held_tail++ & rxq->held_mask] = id;
	rxq_publish(rxq);
	return skb;
}
EXPORT_SYMBOL_GPL(skbpool_rx_build);

/* Arrays sized for @capacity ids; the FIFO needs a power of two. */
static int rxq_alloc_arrays(struct skbpool_rxq *rxq, u32 capacity)
{
	u32 fifo = roundup_pow_of_two(capacity);
	int node = rxq_node(rxq);

	rxq->bufs = kvcalloc_node(capacity, sizeof(*rxq->bufs), GFP_KERNEL, node);
	rxq->free = kvcalloc_node(capacity, sizeof(*rxq->free), GFP_KERNEL, node);
	rxq->held = kvcalloc_node(fifo, sizeof(*rxq->held), GFP_KERNEL, node);
	if (!rxq->bufs || !rxq->free || !rxq->held)
		return -ENOMEM;
	rxq->capacity = capacity;
	rxq->held_mask = fifo - 1;
	return 0;
}

static void rxq_free_arrays(struct skbpool_rxq *rxq)
{
	kvfree(rxq->bufs);
	kvfree(rxq->free);
	kvfree(rxq->held);
}

/* Room to grow by one ring on the slow path before the pool says no. */
static u32 rxq_capacity_for(const struct skbpool_rxq *rxq, u32 buffers)
{
	return buffers + rxq->params.ring_size;
}

/**
 * skbpool_rxq_alloc() - a pool of @buffers buffers for one RX queue
 * @sdev: the device
 * @p: the queue
 * @buffers: how many buffers to preallocate (at least one ring)
 *
 * Return: the pool or an ERR_PTR; nothing is left allocated on failure.
 */
struct skbpool_rxq *
skbpool_rxq_alloc(struct skbpool_dev *sdev, const struct skbpool_rxq_params *p,
		  u32 buffers)
{
	u32 need = NET_SKB_PAD + NET_IP_ALIGN + p->frame_len +
		   SKB_DATA_ALIGN(sizeof(struct skb_shared_info));
	struct skbpool_rxq *rxq;
	int err = -ENOMEM;
	u32 i;

	if (!p->ring_size || !p->frame_len || buffers < p->ring_size)
		return ERR_PTR(-EINVAL);
	rxq = kzalloc(sizeof(*rxq), GFP_KERNEL);
	if (!rxq)
		return ERR_PTR(-ENOMEM);
	rxq->sdev = sdev;
	rxq->dma_dev = sdev->dma_dev;
	rxq->params = *p;
	rxq->order = get_order(need);
	rxq->truesize = PAGE_SIZE << rxq->order;
	rxq->headroom = NET_SKB_PAD + NET_IP_ALIGN;
	rxq->buf_len = SKB_WITH_OVERHEAD(rxq->truesize) - rxq->headroom;
	u64_stats_init(&rxq->syncp);
	INIT_LIST_HEAD(&rxq->node);

	if (rxq_alloc_arrays(rxq, rxq_capacity_for(rxq, buffers)))
		goto err;
	rxq->stash = kcalloc(SKBPOOL_STASH_SIZE, sizeof(*rxq->stash), GFP_KERNEL);
	if (!rxq->stash)
		goto err;
	rxq->stash_count = kmem_cache_alloc_bulk(net_hotdata.skbuff_cache,
						 GFP_KERNEL, SKBPOOL_STASH_SIZE,
						 (void **)rxq->stash);
	if (rxq->stash_count != SKBPOOL_STASH_SIZE)
		goto err;
	for (i = 0; i < buffers; i++) {
		err = rxbuf_alloc(rxq, &rxq->bufs[i], GFP_KERNEL);
		if (err)
			goto err;
		rxq->free[rxq->nr_free++] = i;
		rxq->total++;
	}
	rxq_publish(rxq);
	return rxq;
err:
	skbpool_rxq_free(rxq);
	return ERR_PTR(err);
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_rxq_alloc);

/**
 * skbpool_rxq_free() - release every buffer and the pool itself
 * @rxq: the pool; its device must no longer write to any buffer
 */
void skbpool_rxq_free(struct skbpool_rxq *rxq)
{
	u32 i;

	for (i = 0; rxq->bufs && i < rxq->capacity; i++)
		if (rxq->bufs[i].page)
			rxbuf_release(rxq, &rxq->bufs[i]);
	if (rxq->stash && rxq->stash_count)
		kmem_cache_free_bulk(net_hotdata.skbuff_cache, rxq->stash_count,
				     (void **)rxq->stash);
	kfree(rxq->stash);
	rxq_free_arrays(rxq);
	kfree(rxq);
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_rxq_free);

/*
 * Ids stay dense, [0, total): shrinking releases the highest ids while they
 * sit on the free list and stops at the first one posted or in flight.
 * @pos maps an id to its place on the free list for the O(1) removal.
 */
static void rxq_shrink(struct skbpool_rxq *rxq, u32 buffers)
{
	u32 *pos, i;

	pos = kvmalloc_array(rxq->total, sizeof(*pos), GFP_KERNEL);
	if (!pos)
		return;
	memset(pos, 0xff, rxq->total * sizeof(*pos));
	for (i = 0; i < rxq->nr_free; i++)
		pos[rxq->free[i]] = i;

	while (rxq->total > buffers) {
		u32 last = rxq->total - 1, moved;

		i = pos[last];
		if (i == U32_MAX)
			break;
		rxbuf_release(rxq, &rxq->bufs[last]);
		moved = rxq->free[--rxq->nr_free];
		rxq->free[i] = moved;
		pos[moved] = i;
		rxq->total--;
	}
	kvfree(pos);
}

/**
 * skbpool_rxq_resize() - grow or shrink a pool towards @buffers
 * @rxq: the pool, its NAPI disabled by the caller (or not yet enabled)
 * @buffers: the new target, at least one ring
 *
 * Growth allocates pages and, if needed, larger arrays; shrinking frees only
 * buffers on the free list (posted and in-flight ones stay), so a shrink
 * may stop short and finish at a later resync.  Ids stay valid throughout:
 * the driver's ring is untouched.
 *
 * Return: 0, or -ENOMEM with the pool unchanged in size beyond the buffers
 * it managed to add.
 */
int skbpool_rxq_resize(struct skbpool_rxq *rxq, u32 buffers)
{
	u32 capacity = rxq_capacity_for(rxq, buffers);
	int err = 0;

	if (buffers < rxq->params.ring_size)
		return -EINVAL;

	if (rxq->total > buffers)
		rxq_shrink(rxq, buffers);

	if (capacity > rxq->capacity) {
		struct skbpool_rxq tmp = *rxq;

		err = rxq_alloc_arrays(&tmp, capacity);
		if (err) {
			rxq_free_arrays(&tmp);
			return err;
		}
		memcpy(tmp.bufs, rxq->bufs, rxq->capacity * sizeof(*rxq->bufs));
		memcpy(tmp.free, rxq->free, rxq->nr_free * sizeof(*rxq->free));
		tmp.held_tail = 0;
		for (tmp.held_head = rxq->held_head; tmp.held_head != rxq->held_tail;
		     tmp.held_head++)
			tmp.held[tmp.held_tail++] =
				rxq->held[tmp.held_head & rxq->held_mask];
		tmp.held_head = 0;
		rxq_free_arrays(rxq);
		rxq->bufs = tmp.bufs;
		rxq->free = tmp.free;
		rxq->held = tmp.held;
		rxq->held_head = tmp.held_head;
		rxq->held_tail = tmp.held_tail;
		rxq->held_mask = tmp.held_mask;
		rxq->capacity = tmp.capacity;
	}

	while (rxq->total < buffers) {
		err = rxbuf_alloc(rxq, &rxq->bufs[rxq->total], GFP_KERNEL);
		if (err)
			break;
		rxq->free[rxq->nr_free++] = rxq->total++;
	}
	rxq_publish(rxq);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_rxq_resize);

/**
 * skbpool_rxq_read() - a consistent reading of a pool's counts
 * @rxq: the pool
 * @snap: filled in
 *
 * Context: any; lockless.
 */
void skbpool_rxq_read(const struct skbpool_rxq *rxq,
		      struct skbpool_rxq_snapshot *snap)
{
	unsigned int start;
	u64 occ;

	do {
		start = u64_stats_fetch_begin(&rxq->syncp);
		occ = u64_stats_read(&rxq->occupancy);
		snap->recycled = u64_stats_read(&rxq->stats.recycled);
		snap->slowpath = u64_stats_read(&rxq->stats.slowpath);
		snap->stash_used = u64_stats_read(&rxq->stats.stash_used);
	} while (u64_stats_fetch_retry(&rxq->syncp, start));
	snap->total = occ >> 32;
	snap->in_flight = (u32)occ;
	snap->free = snap->total - snap->in_flight;
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_rxq_read);
