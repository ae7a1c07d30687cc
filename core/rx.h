/* SPDX-License-Identifier: GPL-2.0 */
/* RX pools: buffers, id arrays, resize, counters, the queue, snapshots. */
#ifndef _SKBPOOL_RX_H
#define _SKBPOOL_RX_H

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/limits.h>
#include <linux/list.h>
#include <linux/mm_types.h>
#include <linux/types.h>
#include <linux/u64_stats_sync.h>
#include <asm/page.h>

#include <skbpool/skbpool.h>

#include "classify.h"
#include "stash.h"

/*
 * Page-reference bias.  A pool page carries SKBPOOL_BIAS_MAX references
 * from the start; each time the page goes up the stack inside an skb, one
 * of them goes with it (the stack drops it with put_page() when it frees
 * the data) and @bias counts the ones still ours.  The page is back when
 * page_ref_count(page) == bias: nobody else holds it.  The count never
 * reaches zero, so the stack never frees the page; no atomic RMW is needed
 * per packet, only a top-up every SKBPOOL_BIAS_MAX - 1 uses.
 */
#define SKBPOOL_BIAS_MAX	USHRT_MAX

/*
 * Marks a buffer in its page's @bias while a pool is parked
 * (skbpool_rxq_park()): bit 31 for a page's first buffer, bit 30 for its
 * second.  @bias never reaches either.
 */
#define SKBPOOL_RXBUF_MARK(half)	(BIT(31) >> (half))

/* Marks an id that names a lent page, not a pool buffer (lend.c). */
#define SKBPOOL_RX_LENT		BIT(30)

/* Room before the frame: what the stack expects to be able to push. */
#define SKBPOOL_RX_HEADROOM	(NET_SKB_PAD + NET_IP_ALIGN)

/**
 * struct skbpool_rxbuf - one pool page: two buffers (standard frames) or
 *	one (a compound page for jumbo frames); see skbpool_rxq.split
 * @page: the page, NULL for an unused slot
 * @dma: the page's DMA address (mapped once, for the pool's life)
 * @bias: page references still owned by the pool
 */
struct skbpool_rxbuf {
	struct page *page;
	dma_addr_t dma;
	u32 bias;
};

/**
 * struct skbpool_rxq_arrays - the id arrays of a pool, as one unit
 * @bufs: page slots, one per buffer or per pair of buffers
 * @free: free-list storage
 * @held: held-FIFO storage
 * @capacity: buffer ids: entries in @free (@bufs has capacity >> split)
 * @held_mask: entries in @held, minus one (a power of two)
 */
struct skbpool_rxq_arrays {
	struct skbpool_rxbuf *bufs;
	u32 *free;
	u32 *held;
	u32 capacity;
	u32 held_mask;
};

enum skbpool_resize_state {
	SKBPOOL_RESIZE_IDLE,	/* the resync worker owns @resize */
	SKBPOOL_RESIZE_PENDING,	/* NAPI applies it at its next buffer get */
	SKBPOOL_RESIZE_DONE,	/* applied; the worker frees the leftovers */
};

/**
 * struct skbpool_rxq_resize - a resize prepared in process context and
 *	applied by the queue's NAPI, so the queue never stops and nothing is
 *	allocated in softirq
 * @state: enum skbpool_resize_state; ownership passes with
 *	smp_store_release() / smp_load_acquire()
 * @target: buffers wanted (whole pages of them)
 * @arrays: larger id arrays to move into, when growing past capacity;
 *	after the apply, the old arrays to free
 * @grow: preallocated pages to add, @nr_grow of them
 * @pos: scratch for the shrink, one entry per id
 * @released: pages NAPI took out of the pool (shrink, and @grow entries
 *	that did not fit), @nr_released of them, to unmap and free
 */
struct skbpool_rxq_resize {
	int state;
	u32 target;
	struct skbpool_rxq_arrays arrays;
	struct skbpool_rxbuf *grow;
	u32 nr_grow;
	u32 *pos;
	struct skbpool_rxbuf *released;
	u32 nr_released;
};

/*
 * Counters, per queue.  Written only by the queue's NAPI poll, or in its
 * place with NAPI disabled; read from anywhere through @syncp.  Nothing on
 * a transmit path writes here (the bounce buffers count in their own
 * struct skbpool_txq): u64_stats allows one writer at a time, and any
 * xmit, this queue's included, may run beside this queue's poll.
 */
struct skbpool_rxq_stats {
	u64_stats_t recycled;
	u64_stats_t slowpath;
	u64_stats_t stash_used;
	u64_stats_t build_failed;
	u64_stats_t exhausted;
	u64_stats_t lent;
	u64_stats_t fence_copied;
	u64_stats_t fence_dropped;
	u64_stats_t small_copied;
	u64_stats_t copy_failed;
	u64_stats_t pfmemalloc;
	u64_stats_t cls[SKBPOOL_CLASS_REASONS];
};

/* Held buffers dry gets may look at in one NAPI poll (rx.c, rxq_refill_free()). */
#define SKBPOOL_SCAN_PER_POLL	256

/**
 * struct skbpool_rxq - one RX queue's pool
 * @bufs: page slots; buffer id >> @split indexes this array (lent ids,
 *	with SKBPOOL_RX_LENT, index @lent instead)
 * @free: stack of ids ready to post, @nr_free on it
 * @held: FIFO of ids whose frame went up the stack (in flight), indexed
 *	with @held_mask; @held_head is the oldest
 * @occupancy: packed (total << 32 | in_flight), one store per change so
 *	a reader always sees a consistent pair (total = free + in_flight)
 * @posted: pool ids given to the driver and not yet back (ring contents;
 *	lent ids are not counted: they are not the pool's)
 * @total: buffers the pool owns (a whole number of pages)
 * @capacity: buffer ids the arrays hold; growth past @total is the slow path
 * @split: 1 when two buffers share an order-0 page (the id's low bit names
 *	the half), 0 when a buffer is a page or compound page of its own
 * @order: page order of a pool page
 * @headroom: bytes before the frame (NET_SKB_PAD + NET_IP_ALIGN)
 * @buf_len: bytes the device may write
 * @truesize: bytes a buffer pins: half a page, or PAGE_SIZE << @order
 * @fence: buffers only critical frames may hold (skbpool_rxq_set_fence());
 *	written with WRITE_ONCE() for readers outside NAPI
 * @scan_left: held buffers a dry get may still look at in this poll
 *	(SKBPOOL_SCAN_PER_POLL at each skbpool_rx_napi_begin())
 * @emergency: the device's emergency state as this NAPI poll saw it
 * @lent: lent buffers, one slot per ring descriptor (lend.c)
 * @lend_slots: entries in @lent and @lend_free
 * @lend_free: stack of free slots in @lent, @nr_lend_free on it
 * @stash: preallocated skb heads for when the NAPI head cache is empty
 * @copy_frag: page fragments the copies of bulk-sized frames are made in
 *	(skbpool_rx_copy()); never reserve pages
 * @pages_alloc: pages allocated for the pool, ever (any context:
 *	atomic, as the resync worker grows a pool while NAPI runs)
 * @dma_dev: @sdev->dma_dev, kept here for the hot path
 * @resize: a resize on its way to NAPI
 * @requested: the target of the last resize asked for
 * @syncp: guards @occupancy and @stats for 32-bit readers
 * @stats: counters
 * @exhaust_next: jiffies before which no pool-exhausted event is asked
 *	for again (written by NAPI only)
 * @exhaust_reported: @stats.exhausted as of the last event (written by the
 *	event worker, under skbpool_lock)
 * @sdev: owning device
 * @params: the driver's description of the queue
 * @node: on @sdev->rxqs
 *
 * Everything above @resize is touched by the NAPI poll only (or before
 * NAPI starts and after it stops), hence no locks and no atomics; @resize
 * changes hands as its comment says.
 */
struct skbpool_rxq {
	struct skbpool_rxbuf *bufs;
	u32 *free;
	u32 nr_free;
	u32 *held;
	u32 held_head;
	u32 held_tail;
	u32 held_mask;
	u32 posted;
	u32 total;
	u32 capacity;
	u32 split;
	u32 order;
	u32 headroom;
	u32 buf_len;
	u32 truesize;
	u32 fence;
	u32 scan_left;
	bool emergency;
	struct skbpool_rxbuf *lent;
	u32 lend_slots;
	u32 *lend_free;
	u32 nr_lend_free;
	struct skbpool_stash stash;
	struct page_frag_cache copy_frag;
	atomic_long_t pages_alloc;
	struct device *dma_dev;
	struct skbpool_rxq_resize resize;
	u32 requested;

	struct u64_stats_sync syncp;
	u64_stats_t occupancy;
	struct skbpool_rxq_stats stats;
	unsigned long exhaust_next;
	u64 exhaust_reported;

	struct skbpool_dev *sdev;
	struct skbpool_rxq_params params;
	struct list_head node;
};

/**
 * struct skbpool_rxq_snapshot - one consistent reading of a queue
 * @total: buffers owned
 * @free: buffers with the driver or on the free list
 * @in_flight: buffers whose frames the stack holds
 * @recycled: buffers seen back from the stack and reused
 * @slowpath: page allocations for packet data on the receive path
 * @stash_used: skb heads taken from the stash
 * @build_failed: frames lost for want of an skb head
 * @exhausted: buffer gets refused: every buffer in flight, no growth left,
 *	nothing lent
 * @lent: pages lent for one frame while the pool was all in flight
 * @fence: buffers kept for critical frames
 * @fence_copied: bulk frames copied out at the fence, their buffer reused
 * @fence_dropped: bulk frames dropped at the fence (no memory for a copy)
 * @small_copied: frames up to the queue's copybreak copied into a small skb
 * @copy_failed: copies (copybreak's or the fence's) that found no memory
 * @pfmemalloc: frames handed up marked pfmemalloc (skbpool_rxq_admit())
 * @pages_alloc: pages allocated and mapped for pool buffers, ever
 * @cls: frames classified in emergency, by enum skbpool_class_reason
 */
struct skbpool_rxq_snapshot {
	u32 total;
	u32 free;
	u32 in_flight;
	u32 fence;
	u64 recycled;
	u64 slowpath;
	u64 stash_used;
	u64 build_failed;
	u64 exhausted;
	u64 lent;
	u64 fence_copied;
	u64 fence_dropped;
	u64 small_copied;
	u64 copy_failed;
	u64 pfmemalloc;
	u64 pages_alloc;
	u64 cls[SKBPOOL_CLASS_REASONS];
};

/* Bytes a pool page (or a lent one) spans: what is mapped for DMA. */
static inline u32 skbpool_rxq_page_size(const struct skbpool_rxq *rxq)
{
	return PAGE_SIZE << rxq->order;
}

/* The page slot of buffer @id. */
static inline struct skbpool_rxbuf *
skbpool_rxq_page(const struct skbpool_rxq *rxq, u32 id)
{
	return &rxq->bufs[id >> rxq->split];
}

/* Where buffer @id starts in its page: a shift and a mask, no division. */
static inline u32 skbpool_rxq_offset(const struct skbpool_rxq *rxq, u32 id)
{
	return (id & rxq->split) * rxq->truesize;
}

u32 skbpool_rx_truesize(u32 frame_len);
int skbpool_rxq_node(const struct skbpool_rxq *rxq);
struct skbpool_rxq *skbpool_rxq_alloc(struct skbpool_dev *sdev,
				      const struct skbpool_rxq_params *p,
				      u32 buffers);
void skbpool_rxq_free(struct skbpool_rxq *rxq);
void skbpool_rxq_park(struct skbpool_rxq *rxq);
int skbpool_rxq_unpark(struct skbpool_rxq *rxq, const struct skbpool_rxq_params *p);
struct page *skbpool_rx_page_alloc(struct skbpool_rxq *rxq, gfp_t gfp);
dma_addr_t skbpool_rx_page_map(struct skbpool_rxq *rxq, struct page *page);
struct sk_buff *skbpool_rx_copy(struct skbpool_rxq *rxq, const void *frame, u32 len);
struct sk_buff *skbpool_rx_napi_build(void *va, u32 truesize);
void skbpool_rxq_read(const struct skbpool_rxq *rxq,
		      struct skbpool_rxq_snapshot *snap);
void skbpool_rxq_publish(struct skbpool_rxq *rxq);
int skbpool_rxbuf_alloc(struct skbpool_rxq *rxq, struct skbpool_rxbuf *buf,
			gfp_t gfp);
void skbpool_rxbuf_release(struct skbpool_rxq *rxq, struct skbpool_rxbuf *buf);
int skbpool_rxq_arrays_alloc(struct skbpool_rxq_arrays *a, u32 capacity,
			     u32 split, int node, gfp_t gfp);
void skbpool_rxq_arrays_free(struct skbpool_rxq_arrays *a);
void skbpool_rxq_swap_arrays(struct skbpool_rxq *rxq, struct skbpool_rxq_arrays *a);
void skbpool_rxq_add_page(struct skbpool_rxq *rxq, const struct skbpool_rxbuf *buf);
u32 skbpool_rxq_whole_pages(const struct skbpool_rxq *rxq, u32 buffers);
u32 skbpool_rxq_capacity_for(const struct skbpool_rxq *rxq, u32 buffers);
u32 skbpool_rx_reclaim(struct skbpool_rxq *rxq, u32 budget);
void skbpool_rxq_set_fence(struct skbpool_rxq *rxq);
void skbpool_rxq_count(struct skbpool_rxq *rxq, u64_stats_t *counter, u32 n);
struct sk_buff *skbpool_rxq_head(struct skbpool_rxq *rxq, void *va, u32 truesize);
bool skbpool_rxq_admit(struct skbpool_rxq *rxq, const void *frame, u32 len,
		       bool *pfmemalloc);
void skbpool_rxq_mark(struct skbpool_rxq *rxq, struct sk_buff *skb,
		      bool pfmemalloc);
void skbpool_rxq_snapshot_add(struct skbpool_rxq_snapshot *sum,
			      const struct skbpool_rxq_snapshot *snap);

#endif /* _SKBPOOL_RX_H */
