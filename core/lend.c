// SPDX-License-Identifier: GPL-2.0
/*
 * Lent buffers: what a tagged queue posts once its reserve is all in
 * flight and memory is not short.
 *
 * The reserve is sized for emergencies, not for the largest receive window
 * a socket may autotune to: one bulk TCP reader can park more frames than
 * the pool holds.  A stock driver would allocate a fresh buffer for each of
 * them, so a tagged queue does the same rather than let its ring run dry:
 * it lends a page from the page allocator, posts it like a pool buffer, and
 * gives it to the skb for good.  The stack frees it; it never joins the
 * pool, so the reserve stays the size the admin asked for.  A loan is a
 * whole page even where pool buffers are half pages: nothing would ever
 * come back to use the other half for.
 *
 * Outside emergency a pool that is all in flight is held by critical
 * frames (the fence keeps bulk ones from it: rx.c), so a loan is what a
 * stock driver would do for them.  In emergency a loan is still tried,
 * once per dry get, before the ring is left empty: it cannot touch the
 * reserves (__GFP_NOMEMALLOC), and a frame that arrives in it is judged
 * like any other.  A failed loan enters emergency like any failed
 * allocation on the receive path.
 *
 * A lent id carries SKBPOOL_RX_LENT; its slot is one of @lend_slots, at
 * least the ring's size (the driver cannot have more buffers posted than
 * its ring has descriptors).
 * All but init and fini runs in the queue's NAPI poll or in its stead,
 * like rx.c.
 */
#include <linux/dma-mapping.h>
#include <linux/mm.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "compat.h"
#include "emergency.h"
#include "lend.h"
#include "rx.h"

/**
 * skbpool_rxq_lend_init() - slots for the buffers a queue may lend
 * @rxq: the pool, its params set, no slots yet (or slots already reset)
 *
 * As many slots as the ring has descriptors.  On failure the slots the
 * pool had stay, every one free: fewer slots than descriptors only bound
 * how many loans are out at once (skbpool_rx_lend() refuses when none is
 * free), so a ring rebuilt longer under memory pressure keeps its pool.
 *
 * Return: 0 or -ENOMEM.
 */
int skbpool_rxq_lend_init(struct skbpool_rxq *rxq)
{
	u32 n = rxq->params.ring_size;
	int node = rxq->dma_dev ? dev_to_node(rxq->dma_dev) : NUMA_NO_NODE;
	struct skbpool_rxbuf *lent;
	u32 *lend_free;

	lent = kvcalloc_node(n, sizeof(*lent), GFP_KERNEL, node);
	lend_free = kvcalloc_node(n, sizeof(*lend_free), GFP_KERNEL, node);
	if (!lent || !lend_free) {
		kvfree(lent);
		kvfree(lend_free);
		return -ENOMEM;
	}
	skbpool_rxq_lend_fini(rxq);
	rxq->lent = lent;
	rxq->lend_free = lend_free;
	rxq->lend_slots = n;
	skbpool_rxq_lend_reset(rxq);
	return 0;
}

/**
 * skbpool_rxq_lend_reset() - free the loans still posted, every slot free
 * @rxq: the pool; its device no longer writes to any buffer
 *
 * For a ring rebuilt around the same pool: the slots are kept, and used
 * for the new ring as long as it has no more descriptors than there are
 * slots (the driver never posts more buffers than its ring holds).
 */
void skbpool_rxq_lend_reset(struct skbpool_rxq *rxq)
{
	u32 i;

	for (i = 0; i < rxq->lend_slots; i++) {
		struct page *page = rxq->lent[i].page;

		if (page) {
			dma_unmap_page_attrs(rxq->dma_dev, rxq->lent[i].dma,
					     skbpool_rxq_page_size(rxq), DMA_FROM_DEVICE,
					     DMA_ATTR_SKIP_CPU_SYNC);
			rxq->lent[i].page = NULL;
			__free_pages(page, rxq->order);
		}
	}
	for (i = 0; i < rxq->lend_slots; i++)
		rxq->lend_free[i] = rxq->lend_slots - 1 - i;
	rxq->nr_lend_free = rxq->lend_slots;
}

static void lend_release(struct skbpool_rxq *rxq, u32 slot)
{
	struct skbpool_rxbuf *buf = &rxq->lent[slot];

	dma_unmap_page_attrs(rxq->dma_dev, buf->dma, skbpool_rxq_page_size(rxq),
			     DMA_FROM_DEVICE, DMA_ATTR_SKIP_CPU_SYNC);
	buf->page = NULL;
	rxq->lend_free[rxq->nr_lend_free++] = slot;
}

/**
 * skbpool_rxq_lend_fini() - free the slots and any buffer still posted
 * @rxq: the pool; its device no longer writes to any buffer
 */
void skbpool_rxq_lend_fini(struct skbpool_rxq *rxq)
{
	if (rxq->lent)
		skbpool_rxq_lend_reset(rxq);
	kvfree(rxq->lent);
	kvfree(rxq->lend_free);
	rxq->lent = NULL;
	rxq->lend_free = NULL;
	rxq->nr_lend_free = 0;
	rxq->lend_slots = 0;
}

/**
 * skbpool_rx_lend_page() - the page a loan is made of, the seam the tests
 * use to make it fail
 * @rxq: the pool
 *
 * Like the pool's own pages, never from the reserves (see rx.c).
 * Return: the page or NULL.
 */
struct page *skbpool_rx_lend_page(struct skbpool_rxq *rxq)
{
	KUNIT_STATIC_STUB_REDIRECT(skbpool_rx_lend_page, rxq);
	return alloc_pages_node(rxq->dma_dev ? dev_to_node(rxq->dma_dev) : NUMA_NO_NODE,
				GFP_ATOMIC | __GFP_NOWARN | __GFP_NOMEMALLOC |
				(rxq->order ? __GFP_COMP : 0), rxq->order);
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_rx_lend_page);

/**
 * skbpool_rx_lend() - post a page from the allocator instead of the pool
 * @rxq: the pool, every buffer of it in flight
 * @dma: where the device may write
 *
 * Return: a lent id, or -ENOBUFS (no slot, no page or no mapping).  A page
 * that cannot be had is an allocation failure on the receive path and
 * enters emergency; but a buffer of several pages may fail for want of
 * contiguous memory alone, so then an order-0 probe decides.  A mapping
 * failure says nothing about memory.
 */
int skbpool_rx_lend(struct skbpool_rxq *rxq, dma_addr_t *dma)
{
	struct skbpool_rxbuf *buf;
	struct page *page;
	u32 slot;

	if (unlikely(!rxq->nr_lend_free))
		return -ENOBUFS;
	slot = rxq->lend_free[rxq->nr_lend_free - 1];
	buf = &rxq->lent[slot];
	page = skbpool_rx_lend_page(rxq);
	if (!page) {
		if (!rxq->order || !skbpool_emergency_probe()) {
			skbpool_emergency_alloc_failed(rxq->sdev);
			rxq->emergency = skbpool_emergency_poll(rxq->sdev);
		}
		return -ENOBUFS;
	}
	buf->dma = dma_map_page_attrs(rxq->dma_dev, page, 0,
				      skbpool_rxq_page_size(rxq), DMA_FROM_DEVICE,
				      DMA_ATTR_SKIP_CPU_SYNC);
	if (dma_mapping_error(rxq->dma_dev, buf->dma)) {
		__free_pages(page, rxq->order);
		return -ENOBUFS;
	}
	buf->page = page;
	rxq->nr_lend_free--;
	skbpool_rxq_count(rxq, &rxq->stats.lent, 1);
	dma_sync_single_range_for_device(rxq->dma_dev, buf->dma, rxq->headroom,
					 rxq->buf_len, DMA_FROM_DEVICE);
	*dma = buf->dma + rxq->headroom;
	return SKBPOOL_RX_LENT | slot;
}

/**
 * skbpool_rx_lent_va() - CPU address of a lent buffer's frame area
 * @rxq: the pool
 * @id: a lent id
 *
 * Return: the address.
 */
void *skbpool_rx_lent_va(const struct skbpool_rxq *rxq, u32 id)
{
	return page_address(rxq->lent[id & ~SKBPOOL_RX_LENT].page) + rxq->headroom;
}

/**
 * skbpool_rx_lent_put() - a lent buffer comes back unused: free it
 * @rxq: the pool
 * @id: a lent id
 */
void skbpool_rx_lent_put(struct skbpool_rxq *rxq, u32 id)
{
	u32 slot = id & ~SKBPOOL_RX_LENT;
	struct page *page = rxq->lent[slot].page;

	lend_release(rxq, slot);
	__free_pages(page, rxq->order);
}

/**
 * skbpool_rx_lent_build() - an skb on a lent buffer, which it then owns
 * @rxq: the pool
 * @id: a lent id
 * @len: bytes the device wrote, at most @rxq->buf_len
 *
 * Return: the skb, or NULL (dropped in emergency, or no head; the page is
 * freed and the frame counted as rx.c does).
 */
struct sk_buff *skbpool_rx_lent_build(struct skbpool_rxq *rxq, u32 id, u32 len)
{
	u32 slot = id & ~SKBPOOL_RX_LENT;
	struct skbpool_rxbuf *buf = &rxq->lent[slot];
	struct page *page = buf->page;
	void *va = page_address(page);
	bool pfmemalloc = false;
	struct sk_buff *skb;

	dma_sync_single_range_for_cpu(rxq->dma_dev, buf->dma, rxq->headroom,
				      len, DMA_FROM_DEVICE);
	/* Emergency may have begun since the loan. */
	if (unlikely(rxq->emergency) &&
	    !skbpool_rxq_admit(rxq, va + rxq->headroom, len, &pfmemalloc)) {
		skbpool_rx_lent_put(rxq, id);
		return NULL;
	}
	lend_release(rxq, slot);
	/* The skb owns the whole page: say so in its truesize. */
	skb = skbpool_rxq_head(rxq, va, skbpool_rxq_page_size(rxq));
	if (unlikely(!skb)) {
		__free_pages(page, rxq->order);
		return NULL;
	}
	skb_reserve(skb, rxq->headroom);
	__skb_put(skb, len);
	skbpool_rxq_mark(rxq, skb, pfmemalloc);
	return skb;
}
