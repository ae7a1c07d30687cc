// SPDX-License-Identifier: GPL-2.0
/*
 * Resizing a live pool without stopping its queue.
 *
 * The resync worker prepares everything that needs memory in process
 * context (new buffers, larger id arrays, scratch space) and hands it to
 * the queue with one release store; the queue's NAPI applies it at its next
 * buffer get, which takes no allocation and no lock, and hands back what is
 * to be freed.  The queue keeps receiving throughout, and the allocations
 * never wait on reclaim while this NIC, possibly the one reclaim writes
 * through, is stopped.
 *
 * Pools change by whole pages (two buffers each where a buffer is half a
 * page).  Shrinking releases only pages whose buffers all sit on the free
 * list, highest ids first so ids stay dense; what is posted or in flight
 * stays, and the pool is left larger than asked until the target changes
 * again.
 */
#include <linux/bottom_half.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "compat.h"
#include "resize.h"
#include "rx.h"
#include "sizing.h"

/*
 * The resync worker asks with RTNL held, often while memory is short (a
 * pool made short by a failed grow asks again every pass).  No allocation
 * here may stay in the allocator: after a carrier loss the swap I/O that
 * would free memory waits for linkwatch, which waits for RTNL.  The scope
 * is already GFP_NOIO (resync.c), and GFP_NOIO alone retries until someone
 * else frees memory, since the OOM killer is not called for it.  So pages
 * take one reclaim pass each (__GFP_NORETRY), and the grow stops at the
 * first page it cannot get (the next pass asks again): under exhaustion a
 * pass holds RTNL for one reclaim pass; where reclaim keeps finding pages
 * a large grow holds it longer, but no page waits for swap to move.  The id
 * arrays go through kvmalloc(), which takes no __GFP_NORETRY: they fail
 * once reclaim stops making progress, with no OOM kill
 * (__GFP_RETRY_MAYFAIL).
 */
#define RESIZE_PAGE_GFP		(GFP_KERNEL | __GFP_NORETRY)
#define RESIZE_ARRAY_GFP	(GFP_KERNEL | __GFP_RETRY_MAYFAIL)

static void resize_drop_buffers(struct skbpool_rxq *rxq,
				struct skbpool_rxbuf *bufs, u32 n)
{
	while (n--)
		skbpool_rxbuf_release(rxq, &bufs[n]);
}

static void resize_clear(struct skbpool_rxq_resize *r)
{
	skbpool_rxq_arrays_free(&r->arrays);
	kvfree(r->grow);
	kvfree(r->pos);
	kvfree(r->released);
	memset(r, 0, sizeof(*r));
}

/**
 * skbpool_rxq_resize_request() - prepare a resize and hand it to NAPI
 * @rxq: the pool
 * @buffers: the new target, at least one ring; rounded up to whole pages
 *
 * Context: process context, RTNL or skbpool_lock held (one requester).
 * Return: 0, also when pages ran out part way through a grow (what was had
 * is handed over and @rxq->requested stays @buffers, so the next request
 * asks for the rest); -EBUSY while an earlier resize is not finished;
 * -EINVAL; -ENOMEM with nothing handed over.
 */
int skbpool_rxq_resize_request(struct skbpool_rxq *rxq, u32 buffers)
{
	struct skbpool_rxq_resize *r = &rxq->resize;
	int node = dev_to_node(rxq->dma_dev);
	struct skbpool_rxq_snapshot snap;
	u32 capacity, room;

	if (buffers < rxq->params.ring_size || buffers > SKBPOOL_CAP_BUFFERS)
		return -EINVAL;
	/* Pairs with the release in skbpool_rxq_apply_resize(). */
	if (smp_load_acquire(&r->state) != SKBPOOL_RESIZE_IDLE)
		return -EBUSY;
	buffers = skbpool_rxq_whole_pages(rxq, buffers);

	/* Capacity only changes when a resize is applied, so with none
	 * pending it is stable here; total may still grow on the slow path,
	 * which the apply step allows for.
	 */
	skbpool_rxq_read(rxq, &snap);
	capacity = skbpool_rxq_capacity_for(rxq, buffers);
	if (capacity > rxq->capacity &&
	    skbpool_rxq_arrays_alloc(&r->arrays, capacity, rxq->split, node, RESIZE_ARRAY_GFP))
		goto nomem;
	room = max(capacity, rxq->capacity);

	if (buffers > snap.total) {
		u32 pages = (buffers - snap.total) >> rxq->split;

		r->grow = kvcalloc_node(pages, sizeof(*r->grow), RESIZE_ARRAY_GFP, node);
		if (!r->grow)
			goto nomem;
		/* Short of pages, hand over what was had: the next pass asks
		 * for the rest instead of allocating it all again.
		 */
		while (r->nr_grow < pages &&
		       !skbpool_rxbuf_alloc(rxq, &r->grow[r->nr_grow], RESIZE_PAGE_GFP))
			r->nr_grow++;
		if (!r->nr_grow)
			goto nomem;
	}
	r->pos = kvmalloc_array(room, sizeof(*r->pos), RESIZE_ARRAY_GFP);
	r->released = kvcalloc_node(room + r->nr_grow, sizeof(*r->released),
				    RESIZE_ARRAY_GFP, node);
	if (!r->pos || !r->released)
		goto nomem;

	r->target = buffers;
	rxq->requested = buffers;
	/* Pairs with smp_load_acquire() in skbpool_rx_get(). */
	smp_store_release(&r->state, SKBPOOL_RESIZE_PENDING);
	return 0;
nomem:
	resize_drop_buffers(rxq, r->grow, r->nr_grow);
	resize_clear(r);
	return -ENOMEM;
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_rxq_resize_request);

/* Take free buffer @id off the free list; @pos says where each free id is. */
static void resize_unfree(struct skbpool_rxq *rxq, u32 *pos, u32 id)
{
	u32 moved = rxq->free[--rxq->nr_free];

	rxq->free[pos[id]] = moved;
	pos[moved] = pos[id];
	pos[id] = U32_MAX;
}

/* Release the highest pages while all their buffers are free; stop at
 * one that is not.
 */
static void resize_shrink(struct skbpool_rxq *rxq, struct skbpool_rxq_resize *r)
{
	u32 i;

	memset(r->pos, 0xff, rxq->total * sizeof(*r->pos));
	for (i = 0; i < rxq->nr_free; i++)
		r->pos[rxq->free[i]] = i;

	while (rxq->total > r->target) {
		u32 first = rxq->total - (1U << rxq->split);
		struct skbpool_rxbuf *buf = skbpool_rxq_page(rxq, first);

		for (i = first; i < rxq->total; i++)
			if (r->pos[i] == U32_MAX)
				return;
		for (i = first; i < rxq->total; i++)
			resize_unfree(rxq, r->pos, i);
		r->released[r->nr_released++] = *buf;
		buf->page = NULL;
		rxq->total = first;
	}
}

/**
 * skbpool_rxq_apply_resize() - apply a pending resize
 * @rxq: the pool
 *
 * Context: the queue's NAPI poll (from skbpool_rx_get()); no allocation.
 */
void skbpool_rxq_apply_resize(struct skbpool_rxq *rxq)
{
	struct skbpool_rxq_resize *r = &rxq->resize;
	u32 i;

	if (r->arrays.bufs)
		skbpool_rxq_swap_arrays(rxq, &r->arrays);
	for (i = 0; i < r->nr_grow; i++) {
		if (rxq->total + (1U << rxq->split) <= rxq->capacity &&
		    rxq->total < r->target) {
			skbpool_rxq_add_page(rxq, &r->grow[i]);
		} else {
			r->released[r->nr_released++] = r->grow[i];
		}
	}
	r->nr_grow = 0;
	if (rxq->total > r->target)
		resize_shrink(rxq, r);
	skbpool_rxq_set_fence(rxq);
	skbpool_rxq_publish(rxq);
	/* Pairs with smp_load_acquire() in skbpool_rxq_resize_finish(). */
	smp_store_release(&r->state, SKBPOOL_RESIZE_DONE);
}

/**
 * skbpool_rxq_resize_finish() - free what an applied resize left over
 * @rxq: the pool
 *
 * Also called when the pool is freed: then NAPI is stopped and a resize it
 * never applied is dropped whole.
 *
 * Context: process context; NAPI not applying at the same time (it only
 * touches a PENDING resize, and this frees only a DONE one unless NAPI is
 * stopped).
 */
void skbpool_rxq_resize_finish(struct skbpool_rxq *rxq)
{
	struct skbpool_rxq_resize *r = &rxq->resize;

	/* Pairs with the release in skbpool_rxq_apply_resize(): NAPI's
	 * writes to @r are visible before we free what it left.
	 */
	if (smp_load_acquire(&r->state) == SKBPOOL_RESIZE_IDLE)
		return;
	resize_drop_buffers(rxq, r->grow, r->nr_grow);
	resize_drop_buffers(rxq, r->released, r->nr_released);
	resize_clear(r);
}

/**
 * skbpool_rxq_resize() - resize at once, acting as the queue's NAPI
 * @rxq: a pool whose NAPI is not running (tests, setup)
 * @buffers: the new target
 *
 * Return: as skbpool_rxq_resize_request().
 */
int skbpool_rxq_resize(struct skbpool_rxq *rxq, u32 buffers)
{
	int err = skbpool_rxq_resize_request(rxq, buffers);

	if (err)
		return err;
	local_bh_disable();
	skbpool_rxq_apply_resize(rxq);
	local_bh_enable();
	skbpool_rxq_resize_finish(rxq);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_rxq_resize);
