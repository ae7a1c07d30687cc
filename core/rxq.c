// SPDX-License-Identifier: GPL-2.0
/*
 * An RX pool's life outside the per-packet path (rx.c): its pages (taken
 * outside the reserves, mapped, released), its id arrays and how many
 * buffers fit them, the pool's allocation and freeing (with the page the
 * copies' fragment cache holds, rx.c), parking across a ring rebuild
 * (dev.c) and reading its counters.
 *
 * Allocation and parking run under RTNL and skbpool_lock while the queue's
 * NAPI is stopped; a page is also taken from NAPI's slow path when the
 * pool runs dry (rx.c).  Reading runs beside NAPI and relies on the
 * counters' u64_stats syncs and the published in_flight word (rx.h).
 */
#include <linux/dma-mapping.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <kunit/static_stub.h>
#include <kunit/visibility.h>

#include <skbpool/skbpool.h>

#include "classify.h"
#include "compat.h"
#include "dev.h"
#include "lend.h"
#include "resize.h"
#include "rx.h"
#include "stash.h"

/**
 * skbpool_rxq_node() - the NUMA node a pool's pages come from
 * @rxq: the pool
 *
 * Return: its DMA device's node, or NUMA_NO_NODE.
 */
int skbpool_rxq_node(const struct skbpool_rxq *rxq)
{
	return rxq->sdev->dma_dev ? dev_to_node(rxq->sdev->dma_dev) : NUMA_NO_NODE;
}

/**
 * skbpool_rxq_arrays_alloc() - id arrays for @capacity buffers
 * @a: filled in; on failure whatever was allocated is freed
 * @capacity: ids, a whole number of pages
 * @split: the pool's (skbpool_rxq.split)
 * @node: NUMA node
 * @gfp: for kvcalloc_node()
 *
 * The held FIFO is a power of two so it is indexed with a mask.
 *
 * Return: 0 or -ENOMEM.
 */
int skbpool_rxq_arrays_alloc(struct skbpool_rxq_arrays *a, u32 capacity,
			     u32 split, int node, gfp_t gfp)
{
	u32 fifo = roundup_pow_of_two(capacity);

	a->bufs = kvcalloc_node(capacity >> split, sizeof(*a->bufs), gfp, node);
	a->free = kvcalloc_node(capacity, sizeof(*a->free), gfp, node);
	a->held = kvcalloc_node(fifo, sizeof(*a->held), gfp, node);
	a->capacity = capacity;
	a->held_mask = fifo - 1;
	if (a->bufs && a->free && a->held)
		return 0;
	skbpool_rxq_arrays_free(a);
	return -ENOMEM;
}

/**
 * skbpool_rxq_arrays_free() - free id arrays (the buffers are not touched)
 * @a: the arrays; cleared
 */
void skbpool_rxq_arrays_free(struct skbpool_rxq_arrays *a)
{
	kvfree(a->bufs);
	kvfree(a->free);
	kvfree(a->held);
	memset(a, 0, sizeof(*a));
}

static void rxq_take_arrays(struct skbpool_rxq *rxq, struct skbpool_rxq_arrays *a)
{
	rxq->bufs = a->bufs;
	rxq->free = a->free;
	rxq->held = a->held;
	rxq->capacity = a->capacity;
	rxq->held_mask = a->held_mask;
}

static void rxq_give_arrays(struct skbpool_rxq *rxq, struct skbpool_rxq_arrays *a)
{
	a->bufs = rxq->bufs;
	a->free = rxq->free;
	a->held = rxq->held;
	a->capacity = rxq->capacity;
	a->held_mask = rxq->held_mask;
}

/**
 * skbpool_rxq_swap_arrays() - move the pool's ids into new arrays
 * @rxq: the pool
 * @a: the new arrays, large enough; on return, the old ones
 *
 * The held FIFO is repacked from 0, so it may change size.
 * Context: the queue's NAPI (or no NAPI running).
 */
void skbpool_rxq_swap_arrays(struct skbpool_rxq *rxq, struct skbpool_rxq_arrays *a)
{
	struct skbpool_rxq_arrays old;
	u32 n = 0;

	memcpy(a->bufs, rxq->bufs, (rxq->total >> rxq->split) * sizeof(*a->bufs));
	memcpy(a->free, rxq->free, rxq->nr_free * sizeof(*a->free));
	for (; rxq->held_head != rxq->held_tail; rxq->held_head++)
		a->held[n++] = rxq->held[rxq->held_head & rxq->held_mask];
	rxq->held_head = 0;
	rxq->held_tail = n;
	rxq_give_arrays(rxq, &old);
	rxq_take_arrays(rxq, a);
	*a = old;
}

/**
 * skbpool_rxq_whole_pages() - @buffers rounded up to fill whole pages
 * @rxq: the pool
 * @buffers: a count of buffers
 *
 * Return: the count, a multiple of the buffers a page holds.
 */
u32 skbpool_rxq_whole_pages(const struct skbpool_rxq *rxq, u32 buffers)
{
	return round_up(buffers, 1U << rxq->split);
}

/* Room to grow by one ring on the slow path before the pool says no. */
u32 skbpool_rxq_capacity_for(const struct skbpool_rxq *rxq, u32 buffers)
{
	return skbpool_rxq_whole_pages(rxq, buffers + rxq->params.ring_size);
}

/**
 * skbpool_rx_truesize() - bytes one buffer pins for frames of @frame_len
 * @frame_len: the largest frame
 *
 * Headroom, the frame and skb_shared_info: half a page when that holds
 * them (a standard frame on 4 KiB pages), else whole pages.
 *
 * Return: the size.
 */
u32 skbpool_rx_truesize(u32 frame_len)
{
	u32 need = SKBPOOL_RX_HEADROOM + frame_len +
		   SKB_DATA_ALIGN(sizeof(struct skb_shared_info));

	if (need <= PAGE_SIZE / 2)
		return PAGE_SIZE / 2;
	return PAGE_SIZE << get_order(need);
}

/**
 * skbpool_rx_page_alloc() - a page (or compound page) for a pool buffer,
 *	the seam the tests use to make it fail
 * @rxq: the pool
 * @gfp: the context's allocation flags
 *
 * Never from the emergency reserves: a pfmemalloc page would mark every
 * skb built on it for as long as it stays in the pool, and such frames
 * are dropped for ordinary sockets.
 *
 * Return: the page or NULL.
 */
struct page *skbpool_rx_page_alloc(struct skbpool_rxq *rxq, gfp_t gfp)
{
	KUNIT_STATIC_STUB_REDIRECT(skbpool_rx_page_alloc, rxq, gfp);
	if (rxq->order)
		gfp |= __GFP_COMP;
	return alloc_pages_node(skbpool_rxq_node(rxq), gfp | __GFP_NOWARN | __GFP_NOMEMALLOC,
				rxq->order);
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_rx_page_alloc);

/**
 * skbpool_rx_page_map() - map a pool page for the device to write,
 *	the seam the tests use to make it fail
 * @rxq: the pool
 * @page: from skbpool_rx_page_alloc()
 *
 * Return: the DMA address, or one dma_mapping_error() recognises.
 */
dma_addr_t skbpool_rx_page_map(struct skbpool_rxq *rxq, struct page *page)
{
	KUNIT_STATIC_STUB_REDIRECT(skbpool_rx_page_map, rxq, page);
	return dma_map_page_attrs(rxq->sdev->dma_dev, page, 0, skbpool_rxq_page_size(rxq),
				  DMA_FROM_DEVICE, DMA_ATTR_SKIP_CPU_SYNC);
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_rx_page_map);

int skbpool_rxbuf_alloc(struct skbpool_rxq *rxq, struct skbpool_rxbuf *buf,
			gfp_t gfp)
{
	struct device *dev = rxq->sdev->dma_dev;
	struct page *page;
	dma_addr_t dma;

	page = skbpool_rx_page_alloc(rxq, gfp);
	if (!page)
		return -ENOMEM;
	dma = skbpool_rx_page_map(rxq, page);
	if (dma_mapping_error(dev, dma)) {
		__free_pages(page, rxq->order);
		return -ENOMEM;
	}
	atomic_long_inc(&rxq->pages_alloc);
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
void skbpool_rxbuf_release(struct skbpool_rxq *rxq, struct skbpool_rxbuf *buf)
{
	dma_unmap_page_attrs(rxq->sdev->dma_dev, buf->dma,
			     skbpool_rxq_page_size(rxq), DMA_FROM_DEVICE,
			     DMA_ATTR_SKIP_CPU_SYNC);
	__page_frag_cache_drain(buf->page, buf->bias);
	buf->page = NULL;
}

/**
 * skbpool_rxq_alloc() - a pool of @buffers buffers for one RX queue
 * @sdev: the device
 * @p: the queue
 * @buffers: how many buffers to preallocate (at least one ring)
 *
 * When pages run out part way, the pool is made with what was had: a ring
 * rebuilt during a memory storm must come back up, and the resync worker
 * grows the pool to @buffers later (it asks for what is missing whenever
 * the pool is short of its target).  Until then the pool grows on the slow
 * path or lends, as any pool does when it runs dry.
 *
 * Return: the pool or an ERR_PTR (no memory for its bookkeeping); nothing
 * is left allocated on failure.
 */
struct skbpool_rxq *
skbpool_rxq_alloc(struct skbpool_dev *sdev, const struct skbpool_rxq_params *p,
		  u32 buffers)
{
	struct skbpool_rxq_arrays arrays;
	struct skbpool_rxq *rxq;
	int err = -ENOMEM;

	if (!p->ring_size || !p->frame_len || buffers < p->ring_size)
		return ERR_PTR(-EINVAL);
	rxq = kzalloc(sizeof(*rxq), GFP_KERNEL);
	if (!rxq)
		return ERR_PTR(-ENOMEM);
	rxq->sdev = sdev;
	rxq->dma_dev = sdev->dma_dev;
	rxq->params = *p;
	rxq->truesize = skbpool_rx_truesize(p->frame_len);
	rxq->split = rxq->truesize < PAGE_SIZE;
	rxq->order = get_order(rxq->truesize);
	rxq->headroom = SKBPOOL_RX_HEADROOM;
	rxq->buf_len = SKB_WITH_OVERHEAD(rxq->truesize) - rxq->headroom;
	u64_stats_init(&rxq->syncp);
	INIT_LIST_HEAD(&rxq->node);

	buffers = skbpool_rxq_whole_pages(rxq, buffers);
	if (skbpool_rxq_arrays_alloc(&arrays, skbpool_rxq_capacity_for(rxq, buffers),
				     rxq->split, skbpool_rxq_node(rxq), GFP_KERNEL))
		goto err;
	rxq_take_arrays(rxq, &arrays);
	if (skbpool_stash_init(rxq) || skbpool_rxq_lend_init(rxq))
		goto err;
	while (rxq->total < buffers) {
		struct skbpool_rxbuf buf;

		if (skbpool_rxbuf_alloc(rxq, &buf, GFP_KERNEL))
			break;
		skbpool_rxq_add_page(rxq, &buf);
	}
	rxq->requested = buffers;
	rxq->scan_left = SKBPOOL_SCAN_PER_POLL;
	skbpool_rxq_set_fence(rxq);
	skbpool_rxq_publish(rxq);
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
	struct skbpool_rxq_arrays arrays;
	u32 i;

	skbpool_rxq_resize_finish(rxq);
	for (i = 0; rxq->bufs && i < rxq->capacity >> rxq->split; i++)
		if (rxq->bufs[i].page)
			skbpool_rxbuf_release(rxq, &rxq->bufs[i]);
	skbpool_rxq_lend_fini(rxq);
	skbpool_stash_fini(rxq);
	page_frag_cache_drain(&rxq->copy_frag);
	rxq_give_arrays(rxq, &arrays);
	skbpool_rxq_arrays_free(&arrays);
	kfree(rxq);
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_rxq_free);

static void rxq_mark(struct skbpool_rxq *rxq, u32 id)
{
	skbpool_rxq_page(rxq, id)->bias |= SKBPOOL_RXBUF_MARK(id & rxq->split);
}

/**
 * skbpool_rxq_park() - keep a pool while its queue's ring is rebuilt
 * @rxq: the pool; its device no longer writes to any buffer, its NAPI is
 *	stopped
 *
 * The buffers that were posted on the old ring go back to the free list:
 * what is neither free nor held was posted, found by marking the free and
 * held ones in their page's bias (which never uses its top bits) rather
 * than in memory allocated for it, so parking cannot fail.  Pages lent for the old
 * ring are freed; their slots stay, and so does the copies' fragment cache,
 * emptied.  Buffers the stack holds stay held and come back as usual once
 * the queue runs again.
 */
void skbpool_rxq_park(struct skbpool_rxq *rxq)
{
	u32 i, n = 0;

	for (i = 0; i < rxq->nr_free; i++)
		rxq_mark(rxq, rxq->free[i]);
	for (i = rxq->held_head; i != rxq->held_tail; i++)
		rxq_mark(rxq, rxq->held[i & rxq->held_mask]);
	for (i = 0; i < rxq->total; i++) {
		struct skbpool_rxbuf *buf = skbpool_rxq_page(rxq, i);
		u32 mark = SKBPOOL_RXBUF_MARK(i & rxq->split);

		if (buf->bias & mark) {
			buf->bias &= ~mark;
		} else {
			rxq->free[rxq->nr_free++] = i;
			n++;
		}
	}
	DEBUG_NET_WARN_ON_ONCE(n != rxq->posted);
	rxq->posted = 0;
	if (rxq->lent)
		skbpool_rxq_lend_reset(rxq);
	/* The copies' page goes too: a ring that stays down holds nothing. */
	page_frag_cache_drain(&rxq->copy_frag);
	skbpool_rxq_publish(rxq);
}

/**
 * skbpool_rxq_unpark() - give a parked pool to the queue's new ring
 * @rxq: the pool, from skbpool_rxq_park()
 * @p: the queue as rebuilt; its frames must fit the same buffers
 *
 * Allocates nothing unless the new ring has more descriptors than the pool
 * has loan slots; when those cannot be had, the pool keeps the slots it
 * had (a few loans fewer at once, the reserve kept whole).
 *
 * Return: 0; -EINVAL when the new frame size needs buffers of another
 * size (free the pool then).
 */
int skbpool_rxq_unpark(struct skbpool_rxq *rxq, const struct skbpool_rxq_params *p)
{
	if (skbpool_rx_truesize(p->frame_len) != rxq->truesize || !p->ring_size)
		return -EINVAL;
	rxq->params = *p;
	/* Failing, the slots it had stay (skbpool_rxq_lend_init()). */
	if (p->ring_size > rxq->lend_slots)
		skbpool_rxq_lend_init(rxq);
	rxq->scan_left = SKBPOOL_SCAN_PER_POLL;
	skbpool_rxq_set_fence(rxq);
	return 0;
}

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
	int i;

	do {
		start = u64_stats_fetch_begin(&rxq->syncp);
		occ = u64_stats_read(&rxq->occupancy);
		snap->recycled = u64_stats_read(&rxq->stats.recycled);
		snap->slowpath = u64_stats_read(&rxq->stats.slowpath);
		snap->stash_used = u64_stats_read(&rxq->stats.stash_used);
		snap->build_failed = u64_stats_read(&rxq->stats.build_failed);
		snap->exhausted = u64_stats_read(&rxq->stats.exhausted);
		snap->lent = u64_stats_read(&rxq->stats.lent);
		snap->fence_copied = u64_stats_read(&rxq->stats.fence_copied);
		snap->fence_dropped = u64_stats_read(&rxq->stats.fence_dropped);
		snap->small_copied = u64_stats_read(&rxq->stats.small_copied);
		snap->copy_failed = u64_stats_read(&rxq->stats.copy_failed);
		snap->pfmemalloc = u64_stats_read(&rxq->stats.pfmemalloc);
		snap->fence = READ_ONCE(rxq->fence);
		snap->pages_alloc = atomic_long_read(&rxq->pages_alloc);
		for (i = 0; i < SKBPOOL_CLASS_REASONS; i++)
			snap->cls[i] = u64_stats_read(&rxq->stats.cls[i]);
	} while (u64_stats_fetch_retry(&rxq->syncp, start));
	snap->total = occ >> 32;
	snap->in_flight = (u32)occ;
	snap->free = snap->total - snap->in_flight;
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_rxq_read);

/**
 * skbpool_rxq_snapshot_add() - add the counters of @snap to @sum
 * @sum: the running total
 * @snap: one queue's reading
 */
void skbpool_rxq_snapshot_add(struct skbpool_rxq_snapshot *sum,
			      const struct skbpool_rxq_snapshot *snap)
{
	int i;

	sum->total += snap->total;
	sum->free += snap->free;
	sum->in_flight += snap->in_flight;
	sum->recycled += snap->recycled;
	sum->slowpath += snap->slowpath;
	sum->stash_used += snap->stash_used;
	sum->build_failed += snap->build_failed;
	sum->exhausted += snap->exhausted;
	sum->lent += snap->lent;
	sum->fence += snap->fence;
	sum->fence_copied += snap->fence_copied;
	sum->fence_dropped += snap->fence_dropped;
	sum->small_copied += snap->small_copied;
	sum->copy_failed += snap->copy_failed;
	sum->pfmemalloc += snap->pfmemalloc;
	sum->pages_alloc += snap->pages_alloc;
	for (i = 0; i < SKBPOOL_CLASS_REASONS; i++)
		sum->cls[i] += snap->cls[i];
}
