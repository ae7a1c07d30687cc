// SPDX-License-Identifier: GPL-2.0
/*
 * RX pools: preallocated, premapped buffers recycled on the queue's own
 * lists.
 *
 * A standard frame gets half a page, as a stock driver's page fragment
 * would give it: a frame pins 2 KiB, not 4, so the same reserve holds
 * twice the frames and a socket's receive buffer queues as many of them as
 * from a stock NIC.  A jumbo frame gets a page (a compound page) of its
 * own.  The page is the unit of return: when the stack has dropped every
 * reference it was given, page_ref_count() equals the bias the pool keeps
 * (see SKBPOOL_BIAS_MAX).  Two frames on one page share that count and
 * cannot be told apart, so a buffer the stack returned comes back only
 * once its mate is not held by the stack either.  A reserve must know
 * exactly which buffer is free, and this errs one way only: a frame parked
 * in an unread socket also keeps its mate out of use, so at worst the pool
 * holds as many frames per byte as whole pages would, and typically twice.
 *
 * Life of a buffer id:  free --get--> posted --build--> held --reclaim--> free
 * (posted --put--> free when the driver returns one unused).  Buffer id
 * >> split names the page, its low bit (when split) the half.  The counts
 * are exact: total = nr_free + posted + held, and the pool reports
 * in_flight = held, free = total - in_flight.  Once all of them are in
 * flight, ids with SKBPOOL_RX_LENT name pages lent for one frame (lend.c).
 *
 * Every function here but the buffer allocation and release (which rxq.c
 * and resize.c also call, outside the poll) runs in the queue's NAPI poll
 * and touches only this queue: no locks, no atomic read-modify-write, no
 * divisions.  A resize is prepared elsewhere and applied here (resize.c);
 * the pool's life outside the poll (allocation, parking, counters) is
 * rxq.c's.
 */
#include <linux/dma-mapping.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <net/sock.h>
#include <kunit/visibility.h>

#include <skbpool/skbpool.h>

#include "classify.h"
#include "compat.h"
#include "dev.h"
#include "emergency.h"
#include "lend.h"
#include "netlink.h"
#include "netns.h"
#include "resize.h"
#include "rx.h"
#include "stash.h"

/* Buffers a pass aims to reclaim when the free list runs dry. */
#define SKBPOOL_RECLAIM_BATCH	64

static u32 rxq_in_flight(const struct skbpool_rxq *rxq)
{
	return rxq->held_tail - rxq->held_head;
}

void skbpool_rxq_publish(struct skbpool_rxq *rxq)
{
	DEBUG_NET_WARN_ON_ONCE(rxq->nr_free + rxq->posted + rxq_in_flight(rxq) !=
			       rxq->total);
	u64_stats_update_begin(&rxq->syncp);
	u64_stats_set(&rxq->occupancy,
		      (u64)rxq->total << 32 | rxq_in_flight(rxq));
	u64_stats_update_end(&rxq->syncp);
}

void skbpool_rxq_count(struct skbpool_rxq *rxq, u64_stats_t *counter, u32 n)
{
	u64_stats_update_begin(&rxq->syncp);
	u64_stats_add(counter, n);
	u64_stats_update_end(&rxq->syncp);
}

/* Neither buffer of the page is held by the stack (see the top comment). */
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

/*
 * Look at up to *@budget held buffers, oldest first, and move those the
 * stack returned to the free list; stop once @want came back.  *@budget
 * goes down by the buffers looked at.  A buffer still held goes to the
 * back of the FIFO, so one frame parked in an unread socket does not block
 * the others behind it, and the next look starts where this one stopped.
 */
static u32 rxq_reclaim(struct skbpool_rxq *rxq, u32 *budget, u32 want)
{
	u32 n = 0, scanned = min(*budget, rxq_in_flight(rxq));

	*budget -= scanned;
	while (scanned && n < want) {
		u32 id = rxq->held[rxq->held_head++ & rxq->held_mask];

		scanned--;
		if (rxbuf_returned(skbpool_rxq_page(rxq, id))) {
			rxq->free[rxq->nr_free++] = id;
			n++;
		} else {
			rxq->held[rxq->held_tail++ & rxq->held_mask] = id;
		}
	}
	*budget += scanned;	/* stopped early: not looked at */
	if (n) {
		skbpool_rxq_count(rxq, &rxq->stats.recycled, n);
		skbpool_rxq_publish(rxq);
	}
	return n;
}

/**
 * skbpool_rx_reclaim() - move buffers the stack returned to the free list
 * @rxq: the pool
 * @budget: held buffers to look at, oldest first
 *
 * Return: buffers reclaimed.
 */
u32 skbpool_rx_reclaim(struct skbpool_rxq *rxq, u32 budget)
{
	return rxq_reclaim(rxq, &budget, U32_MAX);
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_rx_reclaim);

/**
 * skbpool_rxq_set_fence() - size the part of the pool kept for critical
 *	frames, after the pool's size changed
 * @rxq: the pool
 *
 * Two rings' worth: one posted for frames to land in, one for critical
 * frames the stack is still working through; a quarter of a larger pool.
 * Never more than the pool: a pool of one ring gives bulk frames copies
 * only.  The bound is a count of held buffers, not of particular ones, so
 * it costs one comparison per frame (skbpool_rx_build()).
 *
 * Context: the queue's NAPI, or no NAPI running.
 */
void skbpool_rxq_set_fence(struct skbpool_rxq *rxq)
{
	u32 fence = max(rxq->total / 4, 2 * rxq->params.ring_size);

	WRITE_ONCE(rxq->fence, min(fence, rxq->total));
}

/**
 * skbpool_rxq_add_page() - put a new page's buffers on the free list
 * @rxq: the pool, with room for them (@capacity)
 * @buf: the page, from skbpool_rxbuf_alloc(); copied into its slot
 */
void skbpool_rxq_add_page(struct skbpool_rxq *rxq, const struct skbpool_rxbuf *buf)
{
	u32 end = rxq->total + (1U << rxq->split);

	*skbpool_rxq_page(rxq, rxq->total) = *buf;
	while (rxq->total < end)
		rxq->free[rxq->nr_free++] = rxq->total++;
}

/* The slow path: the pool is empty and every buffer is in flight. */
static int rxq_grow(struct skbpool_rxq *rxq)
{
	struct skbpool_rxbuf buf;

	if (rxq->total + (1U << rxq->split) > rxq->capacity ||
	    skbpool_rxbuf_alloc(rxq, &buf, GFP_ATOMIC))
		return -ENOBUFS;
	skbpool_rxq_add_page(rxq, &buf);
	skbpool_rxq_set_fence(rxq);
	skbpool_rxq_count(rxq, &rxq->stats.slowpath, 1);
	skbpool_rxq_publish(rxq);
	return 0;
}

/*
 * The free list is empty.  Return: 0 once it has a buffer again, 1 when
 * the caller should lend one (lend.c).
 *
 * Held buffers are looked at first, but no more than SKBPOOL_SCAN_PER_POLL
 * in one NAPI poll: a socket parking a large pool would otherwise cost a
 * walk of the whole FIFO on every poll, in emergency on the poll that can
 * least afford it.  The FIFO rotates as it is looked at, so the next poll
 * goes on where this one stopped and every held buffer is seen within
 * in_flight / SKBPOOL_SCAN_PER_POLL polls.  When that finds nothing the
 * pool counts as parked: it grows by one page while memory is not short
 * (up to @capacity), else a page is lent; in emergency too, as a last try
 * that cannot touch the reserves (skbpool_rx_lend()), before refusing.
 */
static int rxq_refill_free(struct skbpool_rxq *rxq)
{
	if (rxq->scan_left && rxq_reclaim(rxq, &rxq->scan_left, SKBPOOL_RECLAIM_BATCH))
		return 0;
	if (!rxq->emergency && rxq->total < rxq->capacity && !rxq_grow(rxq))
		return 0;
	return 1;
}

/**
 * skbpool_rx_napi_begin() - start of a NAPI poll on a tagged queue
 * @rxq: the queue's pool (NULL is fine: untagged)
 *
 * Looks at memory pressure once per poll, so the per-frame path reads only
 * this queue's copy of the verdict.
 *
 * Context: the queue's NAPI poll, before its first skbpool_rx_build().
 * Return: whether the device is in emergency mode.
 */
bool skbpool_rx_napi_begin(struct skbpool_rxq *rxq)
{
	if (!rxq)
		return false;
	rxq->scan_left = SKBPOOL_SCAN_PER_POLL;
	rxq->emergency = skbpool_emergency_poll(rxq->sdev);
	return rxq->emergency;
}
EXPORT_SYMBOL_GPL(skbpool_rx_napi_begin);

/**
 * skbpool_rx_get() - take a buffer to post on the RX ring
 * @rxq: the queue's pool
 * @dma: where the device may write the frame (skbpool_rx_buf_len() bytes)
 *
 * Context: the queue's NAPI poll, or in its stead (NAPI disabled, BH off).
 * When every buffer is in flight and the pool may not grow, a buffer is
 * lent from the page allocator (lend.c).
 *
 * Return: the buffer's id, to hand back with skbpool_rx_build() or
 * skbpool_rx_put(), or -ENOBUFS when no buffer may be had (leave the
 * descriptor empty: the device then drops, as a real NIC does when its
 * ring runs dry).
 */
int skbpool_rx_get(struct skbpool_rxq *rxq, dma_addr_t *dma)
{
	struct skbpool_rxbuf *buf;
	u32 id, at;

	/* Two looks at the oldest frames per buffer taken: the FIFO drains
	 * faster than frames join it, so after a burst the stack has let go
	 * of, in_flight falls back to what the stack really holds.  One look
	 * per buffer would keep it level at the burst's height, and the pool
	 * would look held until the fence or a dry free list forced a scan.
	 */
	if (unlikely(smp_load_acquire(&rxq->resize.state) == SKBPOOL_RESIZE_PENDING))
		skbpool_rxq_apply_resize(rxq);
	if (rxq->held_head != rxq->held_tail)
		skbpool_rx_reclaim(rxq, 2);
	if (unlikely(!rxq->nr_free)) {
		if (rxq_refill_free(rxq)) {
			int lent = skbpool_rx_lend(rxq, dma);

			if (lent >= 0)
				return lent;
			skbpool_rxq_count(rxq, &rxq->stats.exhausted, 1);
			skbpool_nl_exhausted(rxq);
			return -ENOBUFS;
		}
	}

	id = rxq->free[--rxq->nr_free];
	rxq->posted++;
	buf = skbpool_rxq_page(rxq, id);
	at = skbpool_rxq_offset(rxq, id) + rxq->headroom;
	dma_sync_single_range_for_device(rxq->dma_dev, buf->dma, at,
					 rxq->buf_len, DMA_FROM_DEVICE);
	*dma = buf->dma + at;
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
	if (unlikely(id & SKBPOOL_RX_LENT))
		return skbpool_rx_lent_va(rxq, id);
	return page_address(skbpool_rxq_page(rxq, id)->page) +
	       skbpool_rxq_offset(rxq, id) + rxq->headroom;
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
 * For errored descriptors and frames the driver drops itself, and for
 * the posted buffers of a ring about to be freed.
 * Context: the queue's NAPI poll, or in its stead (NAPI disabled, BH off).
 */
void skbpool_rx_put(struct skbpool_rxq *rxq, u32 id)
{
	if (unlikely(id & SKBPOOL_RX_LENT)) {
		skbpool_rx_lent_put(rxq, id);
		return;
	}
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

static struct sk_buff *rxq_build_from_stash(struct skbpool_rxq *rxq, void *va,
					    u32 truesize)
{
	struct sk_buff *skb = skbpool_stash_take(rxq);

	if (!skb)
		return NULL;
	memset(skb, 0, offsetof(struct sk_buff, tail));
	skbpool_rxq_count(rxq, &rxq->stats.stash_used, 1);
	return build_skb_around(skb, va, truesize);
}

/*
 * An skb head around the @truesize bytes at @va: from the NAPI cache, else
 * from the stash.  A failure counts as build_failed; the caller still owns
 * the buffer.
 */
struct sk_buff *skbpool_rxq_head(struct skbpool_rxq *rxq, void *va, u32 truesize)
{
	struct sk_buff *skb = skbpool_rx_napi_build(va, truesize);

	if (unlikely(!skb)) {
		/* The NAPI head cache could not be refilled: that is memory
		 * pressure on this NIC's path, whatever the watermarks say.
		 */
		skbpool_emergency_alloc_failed(rxq->sdev);
		rxq->emergency = skbpool_emergency_poll(rxq->sdev);
		skb = rxq_build_from_stash(rxq, va, truesize);
		if (!skb)
			skbpool_rxq_count(rxq, &rxq->stats.build_failed, 1);
	}
	return skb;
}

static enum skbpool_class_reason rxq_classify(struct skbpool_rxq *rxq,
					      const void *frame, u32 len,
					      u8 *flow_flags)
{
	struct skbpool_dev *sdev = rxq->sdev;

	return skbpool_classify(frame, len, rcu_dereference_bh(sdev->rules),
				skbpool_dev_flows(sdev), (u32)jiffies, flow_flags);
}

/*
 * Emergency: only critical frames may have an skb built.  The verdict
 * comes from the buffer's bytes alone, before anything is allocated.
 *
 * What the stack should see of an admitted frame: in emergency the pool
 * is the NIC's share of the memory reserves, so a frame of a learned
 * SOCK_MEMALLOC flow is marked pfmemalloc, as a stock driver's frame is
 * when its page came from the reserves: the stack processes it with
 * PF_MEMALLOC, exempts it from protocol memory limits (tcp_mem), keeps it
 * from packet taps (which would pin a reserve buffer for as long as they
 * please) and hands it only to SOCK_MEMALLOC sockets.  So are ARP and
 * IPv6 neighbour solicitations and adverts, which the kernel consumes
 * itself: their entry and reply must come from the reserves when nothing
 * else is left, or a link that comes back under exhaustion may never find
 * its storage peer again (the field's wire-pull).  Only while a
 * SOCK_MEMALLOC socket exists, as for a stock driver, whose frames come
 * from the reserves only then: without one the mark buys nothing and
 * would keep these frames from raw sockets (radvd, NDP tools).
 * Nothing else is marked, since the last rule would drop it:
 * other link control (LACP is not a protocol the stack lets pfmemalloc
 * frames reach), kernel TCP flows that are not memalloc (NFS writeback)
 * and admin rules (often an application's UDP socket).
 */
bool skbpool_rxq_admit(struct skbpool_rxq *rxq, const void *frame, u32 len,
		       bool *pfmemalloc)
{
	u8 flags;
	enum skbpool_class_reason why = rxq_classify(rxq, frame, len, &flags);

	skbpool_rxq_count(rxq, &rxq->stats.cls[why], 1);
	*pfmemalloc = (flags & SKBPOOL_FLOW_MEMALLOC) && sk_memalloc_socks();
	return skbpool_class_critical(why);
}

/**
 * skbpool_rxq_mark() - give an admitted frame's skb what the stack should see
 * @rxq: the queue's pool
 * @skb: the skb just built
 * @pfmemalloc: from skbpool_rxq_admit()
 */
void skbpool_rxq_mark(struct skbpool_rxq *rxq, struct sk_buff *skb,
		      bool pfmemalloc)
{
	if (pfmemalloc) {
		skb->pfmemalloc = 1;
		skbpool_rxq_count(rxq, &rxq->stats.pfmemalloc, 1);
	}
}

/*
 * Would holding one more frame leave fewer than @fence buffers for
 * critical ones?  in_flight counts buffers not looked at since the stack
 * returned them, so look (within the poll's scan budget) before saying so.
 */
static bool rxq_at_fence(struct skbpool_rxq *rxq)
{
	if (likely(rxq_in_flight(rxq) + rxq->fence < rxq->total))
		return false;
	rxq_reclaim(rxq, &rxq->scan_left, SKBPOOL_RECLAIM_BATCH);
	return rxq_in_flight(rxq) + rxq->fence >= rxq->total;
}

/*
 * A copy's head whose size (data and shared info) is over this goes in a
 * page fragment (rxq_copy_in_frag()): on x86-64 a frame of about 640
 * bytes or more, fence copy or copybreak alike.  Up to it kmalloc's
 * buckets hold it better: a small datagram a socket keeps would pin a
 * fragment's whole page, up to 32 KiB.
 */
#define SKBPOOL_COPY_FRAG_MIN	1024

/*
 * A copy's head in a page fragment of the queue's own cache.  Fragments
 * are what TCP merges: a head in a page fragment can join the previous
 * skb of a receive queue as one of its frags, where a kmalloc'd head
 * stays a packet of its own, and a reader behind on many of those makes
 * TCP collapse and prune its queue.  The cache never takes the
 * PF_MEMALLOC reserves: __GFP_NOMEMALLOC holds for its refills of either
 * order, so its pages are never pfmemalloc and neither are the copies.
 * GFP_ATOMIC's __GFP_HIGH still lets a refill go below min, as any
 * atomic allocation may, for the rest of the poll that found free memory
 * above it: the next poll's check enters emergency (emergency.c), which
 * drops bulk frames before any copy.
 */
static struct sk_buff *rxq_copy_in_frag(struct skbpool_rxq *rxq, u32 size)
{
	struct sk_buff *skb;
	void *data;

	data = page_frag_alloc(&rxq->copy_frag, size,
			       GFP_ATOMIC | __GFP_NOMEMALLOC | __GFP_NOWARN);
	if (unlikely(!data))
		return NULL;
	skb = napi_build_skb(data, size);
	if (unlikely(!skb))
		page_frag_free(data);
	return skb;
}

/**
 * skbpool_rx_copy() - a frame's bytes in an skb of their own, the seam the
 *	tests use to make it fail
 * @rxq: the queue's pool
 * @frame: the frame
 * @len: its length
 *
 * Never from the reserves: a copy is made so that the pool's buffer goes
 * back at once, and must not take what critical frames need.  A frame of
 * bulk size goes in a page fragment of the queue's own cache
 * (rxq_copy_in_frag()), a small one in a kmalloc'd head; both hold to
 * __GFP_NOMEMALLOC.  netdev_alloc_skb() would not do: its per-CPU
 * fragment cache takes reserve pages whenever a SOCK_MEMALLOC socket
 * exists, and a frame on such a page is marked pfmemalloc, which its
 * ordinary socket then drops.
 *
 * Context: the queue's NAPI poll, bottom halves disabled (napi_build_skb()).
 * Return: the skb, or NULL with no memory for it.
 */
struct sk_buff *skbpool_rx_copy(struct skbpool_rxq *rxq, const void *frame, u32 len)
{
	u32 room = NET_SKB_PAD + NET_IP_ALIGN + len;
	u32 size = SKB_DATA_ALIGN(room) + SKB_DATA_ALIGN(sizeof(struct skb_shared_info));
	struct sk_buff *skb;

	KUNIT_STATIC_STUB_REDIRECT(skbpool_rx_copy, rxq, frame, len);
	if (size > SKBPOOL_COPY_FRAG_MIN && size <= PAGE_SIZE)
		skb = rxq_copy_in_frag(rxq, size);
	else
		skb = alloc_skb(room, GFP_ATOMIC | __GFP_NOMEMALLOC | __GFP_NOWARN);
	if (likely(skb)) {
		skb_reserve(skb, NET_SKB_PAD + NET_IP_ALIGN);
		skb->dev = rxq->sdev->netdev;
		skb_put_data(skb, frame, len);
	}
	return skb;
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_rx_copy);

/*
 * A small frame, as a stock driver's copybreak: copied into a small skb
 * (skbpool_rx_copy()), the buffer posted again at once.  The socket is
 * charged a few hundred bytes of truesize instead of half a page, so a
 * receive buffer holds several times the datagrams, and no pool buffer
 * waits on a frame of a few bytes.  With no memory for the copy the frame
 * is built on its buffer like any other, and the failure counted: the
 * first sign, before any emergency, that atomic allocations fail here.
 */
static struct sk_buff *rxq_copybreak(struct skbpool_rxq *rxq, u32 id,
				     const void *frame, u32 len)
{
	struct sk_buff *skb = skbpool_rx_copy(rxq, frame, len);

	if (unlikely(!skb)) {
		skbpool_rxq_count(rxq, &rxq->stats.copy_failed, 1);
		return NULL;
	}
	skbpool_rxq_count(rxq, &rxq->stats.small_copied, 1);
	skbpool_rx_put(rxq, id);
	return skb;
}

/*
 * A bulk frame at the fence with no memory for its copy: an allocation
 * failure on the receive path.  The frame is dropped, counted, and
 * emergency entered; its buffer goes back at once.
 */
static struct sk_buff *rxq_fence_drop(struct skbpool_rxq *rxq, u32 id)
{
	skbpool_rxq_count(rxq, &rxq->stats.fence_dropped, 1);
	skbpool_emergency_alloc_failed(rxq->sdev);
	rxq->emergency = skbpool_emergency_poll(rxq->sdev);
	skbpool_rx_put(rxq, id);
	return NULL;
}

/*
 * A bulk frame at the fence: copied (skbpool_rx_copy()) and the pool
 * buffer posted again at once, or dropped with no memory for the copy.
 */
static struct sk_buff *rxq_fence_copy(struct skbpool_rxq *rxq, u32 id,
				      const void *frame, u32 len)
{
	struct sk_buff *skb = skbpool_rx_copy(rxq, frame, len);

	if (unlikely(!skb)) {
		skbpool_rxq_count(rxq, &rxq->stats.copy_failed, 1);
		return rxq_fence_drop(rxq, id);
	}
	skbpool_rxq_count(rxq, &rxq->stats.fence_copied, 1);
	skbpool_rx_put(rxq, id);
	return skb;
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
 * In emergency mode the frame is first classified; a frame that is not
 * critical is dropped here, counted by reason, and its buffer reused.
 * Outside emergency, a frame up to the queue's copybreak is copied into a
 * small skb and its buffer reused (rxq_copybreak()); a frame that would
 * leave fewer than the fence's buffers free is classified too: a bulk one
 * is copied (skbpool_rx_copy()) and its buffer reused, so a socket that
 * stops reading can never hold what critical traffic needs
 * (skbpool_rxq_set_fence()).  A lent buffer
 * (lend.c) goes to the skb for good; dropped, it is freed.
 *
 * Context: the queue's NAPI poll, after skbpool_rx_napi_begin().
 * Return: the skb, or NULL when the frame was dropped in emergency mode, no
 * head could be had, or @len exceeds what the buffer holds; the buffer is
 * then already back on the free list (a lent one freed).
 */
struct sk_buff *skbpool_rx_build(struct skbpool_rxq *rxq, u32 id, u32 len)
{
	bool pfmemalloc = false, copy_failed = false;
	struct skbpool_rxbuf *buf;
	struct sk_buff *skb;
	void *va;
	u32 at;

	if (unlikely(len > rxq->buf_len)) {
		skbpool_rx_put(rxq, id);
		return NULL;
	}
	if (unlikely(id & SKBPOOL_RX_LENT))
		return skbpool_rx_lent_build(rxq, id, len);
	buf = skbpool_rxq_page(rxq, id);
	at = skbpool_rxq_offset(rxq, id);
	va = page_address(buf->page) + at;
	dma_sync_single_range_for_cpu(rxq->dma_dev, buf->dma, at + rxq->headroom,
				      len, DMA_FROM_DEVICE);
	net_prefetch(va + rxq->headroom);
	if (unlikely(rxq->emergency)) {
		if (!skbpool_rxq_admit(rxq, va + rxq->headroom, len, &pfmemalloc)) {
			skbpool_rx_put(rxq, id);
			return NULL;
		}
	} else {
		if (len <= rxq->params.copybreak) {
			skb = rxq_copybreak(rxq, id, va + rxq->headroom, len);
			if (likely(skb))
				return skb;
			copy_failed = true;
		}
		/* Copybreak just asked for this frame's copy and got nothing:
		 * at the fence, asking again would only spend time.
		 */
		if (unlikely(rxq_at_fence(rxq)) &&
		    !skbpool_class_critical(rxq_classify(rxq, va + rxq->headroom,
							 len, NULL)))
			return copy_failed ? rxq_fence_drop(rxq, id) :
			       rxq_fence_copy(rxq, id, va + rxq->headroom, len);
	}
	rxq->posted--;

	skb = skbpool_rxq_head(rxq, va, rxq->truesize);
	if (unlikely(!skb)) {
		rxq->free[rxq->nr_free++] = id;
		return NULL;
	}
	skb_reserve(skb, rxq->headroom);
	__skb_put(skb, len);
	skbpool_rxq_mark(rxq, skb, pfmemalloc);

	/* The stack now owns one page reference, dropped when it frees the
	 * data; top the bias up before the count could reach zero.
	 */
	if (unlikely(--buf->bias == 1)) {
		page_ref_add(buf->page, SKBPOOL_BIAS_MAX - 1);
		buf->bias += SKBPOOL_BIAS_MAX - 1;
	}
	rxq->held[rxq->held_tail++ & rxq->held_mask] = id;
	skbpool_rxq_publish(rxq);
	return skb;
}
EXPORT_SYMBOL_GPL(skbpool_rx_build);
