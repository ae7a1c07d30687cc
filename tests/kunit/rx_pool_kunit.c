// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: RX pools on a fake queue: buffers come back from the stack to the
 * local lists, the counts stay exact under any sequence of operations,
 * steady state never allocates, the stash stands in for the NAPI head
 * cache, and a pool can go away while the stack still holds its buffers.
 */
#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/bottom_half.h>
#include <linux/prandom.h>
#include <linux/skbuff.h>
#include <net/hotdata.h>

#include <skbpool/skbpool.h>

#include "../../core/dev.h"
#include "../../core/resize.h"
#include "../../core/rx.h"
#include "../../core/stash.h"
#include "fake.h"

#define FRAME_LEN	1514
#define RING		16

static struct skbpool_rxq *pool_new(struct kunit *test, u32 buffers)
{
	struct skbpool_rxq_params p = {
		.ring_size = RING,
		.frame_len = FRAME_LEN,
	};
	struct skbpool_rxq *q = skbpool_rxq_alloc(fake_dev_new(test), &p, buffers);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, q);
	return q;
}

static int rx_get(struct skbpool_rxq *q)
{
	dma_addr_t dma;
	int id;

	local_bh_disable();
	id = skbpool_rx_get(q, &dma);
	local_bh_enable();
	return id;
}

/* Frames are ARP unless a case says otherwise: critical, so that the
 * fence (which only bulk frames meet) leaves the pool's own mechanics to
 * be seen.  Bytes 12 to 41; the MAC addresses and the rest stay as they
 * were written.
 */
static void stamp_arp(u8 *frame)
{
	static const u8 arp[] = { 0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1 };

	memcpy(frame + 12, arp, sizeof(arp));
	memset(frame + 12 + sizeof(arp), 0, 42 - 12 - sizeof(arp));
}

static struct sk_buff *rx_build_raw(struct skbpool_rxq *q, u32 id, u32 len)
{
	struct sk_buff *skb;

	local_bh_disable();
	skb = skbpool_rx_build(q, id, len);
	local_bh_enable();
	return skb;
}

static struct sk_buff *rx_build(struct skbpool_rxq *q, u32 id, u32 len)
{
	if (len >= 42 && len <= skbpool_rx_buf_len(q))
		stamp_arp(skbpool_rx_va(q, id));
	return rx_build_raw(q, id, len);
}

/* A frame "received" into a fresh buffer and built into an skb. */
static struct sk_buff *rx_frame(struct kunit *test, struct skbpool_rxq *q)
{
	struct sk_buff *skb;
	int id = rx_get(q);

	KUNIT_ASSERT_GE(test, id, 0);
	memset(skbpool_rx_va(q, id), 0x5a, 64);
	skb = rx_build(q, id, 64);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	return skb;
}

/*
 * A bulk frame of @len bytes, 0x5a each (an ethertype that is neither IP
 * nor control), received into a fresh buffer; NULL when it was dropped.
 */
static struct sk_buff *rx_bulk_len(struct kunit *test, struct skbpool_rxq *q, u32 len)
{
	int id = rx_get(q);

	KUNIT_ASSERT_GE(test, id, 0);
	memset(skbpool_rx_va(q, id), 0x5a, len);
	return rx_build_raw(q, id, len);
}

/* A 64-byte bulk frame, built. */
static struct sk_buff *rx_bulk_frame(struct kunit *test, struct skbpool_rxq *q)
{
	struct sk_buff *skb = rx_bulk_len(test, q, 64);

	KUNIT_ASSERT_NOT_NULL(test, skb);
	return skb;
}

static void reclaim_all(struct skbpool_rxq *q)
{
	local_bh_disable();
	skbpool_rx_reclaim(q, U32_MAX);
	local_bh_enable();
}

static void expect_exact(struct kunit *test, struct skbpool_rxq *q)
{
	struct skbpool_rxq_snapshot s;

	skbpool_rxq_read(q, &s);
	KUNIT_EXPECT_EQ(test, s.total, s.free + s.in_flight);
	KUNIT_EXPECT_EQ(test, s.total, q->total);
	KUNIT_EXPECT_EQ(test, q->nr_free + q->posted + (q->held_tail - q->held_head),
			q->total);
}

static void pool_starts_full(struct kunit *test)
{
	struct skbpool_rxq *q = pool_new(test, 64);
	struct skbpool_rxq_snapshot s;

	skbpool_rxq_read(q, &s);
	KUNIT_EXPECT_EQ(test, s.total, 64);
	KUNIT_EXPECT_EQ(test, s.free, 64);
	KUNIT_EXPECT_EQ(test, s.in_flight, 0);
	KUNIT_EXPECT_GE(test, skbpool_rx_buf_len(q), FRAME_LEN);
	skbpool_rxq_free(q);
}

static void pool_rejects_bad_params(struct kunit *test)
{
	struct skbpool_rxq_params p = { .ring_size = RING, .frame_len = FRAME_LEN };
	struct skbpool_dev *sdev = fake_dev_new(test);

	KUNIT_EXPECT_EQ(test, PTR_ERR(skbpool_rxq_alloc(sdev, &p, RING - 1)), -EINVAL);
	p.frame_len = 0;
	KUNIT_EXPECT_EQ(test, PTR_ERR(skbpool_rxq_alloc(sdev, &p, RING)), -EINVAL);
}

/* The skb's data is the pool's page; freeing the skb returns the buffer. */
static void buffer_comes_back(struct kunit *test)
{
	struct skbpool_rxq *q = pool_new(test, RING);
	struct skbpool_rxq_snapshot s;
	struct sk_buff *skb;
	int id = rx_get(q);

	KUNIT_ASSERT_GE(test, id, 0);
	skb = rx_build(q, id, 100);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_EXPECT_PTR_EQ(test, virt_to_head_page(skb->data),
			    skbpool_rxq_page(q, id)->page);
	KUNIT_EXPECT_EQ(test, skb->len, 100);
	KUNIT_EXPECT_TRUE(test, skb->head_frag);
	skbpool_rxq_read(q, &s);
	KUNIT_EXPECT_EQ(test, s.in_flight, 1);

	reclaim_all(q);
	skbpool_rxq_read(q, &s);
	KUNIT_EXPECT_EQ(test, s.in_flight, 1);	/* the stack still holds it */

	consume_skb(skb);
	reclaim_all(q);
	skbpool_rxq_read(q, &s);
	KUNIT_EXPECT_EQ(test, s.in_flight, 0);
	KUNIT_EXPECT_EQ(test, s.recycled, 1);
	expect_exact(test, q);
	skbpool_rxq_free(q);
}

/* A standard frame pins half a page, as a stock driver's page fragment
 * would (its truesize decides how many frames a socket may queue); the two
 * halves of a page never overlap, and each is mapped where the device is
 * told to write.
 */
static void standard_frame_pins_half_a_page(struct kunit *test)
{
	struct skbpool_rxq *q = pool_new(test, RING);
	u32 len = skbpool_rx_buf_len(q);
	dma_addr_t dma[2];
	struct sk_buff *skb[2];
	int id[2], i;

	KUNIT_EXPECT_EQ(test, q->split, 1);
	local_bh_disable();
	for (i = 0; i < 2; i++) {
		id[i] = skbpool_rx_get(q, &dma[i]);
		KUNIT_ASSERT_GE(test, id[i], 0);
		memset(skbpool_rx_va(q, id[i]), 0x11 * (i + 1), len);
	}
	local_bh_enable();
	KUNIT_ASSERT_EQ(test, id[0] >> 1, id[1] >> 1);	/* one page */
	KUNIT_EXPECT_EQ(test, abs((int)(dma[0] - dma[1])), PAGE_SIZE / 2);
	for (i = 0; i < 2; i++) {
		skb[i] = rx_build_raw(q, id[i], len);
		KUNIT_ASSERT_NOT_NULL(test, skb[i]);
		KUNIT_EXPECT_LE(test, skb[i]->truesize,
				SKB_TRUESIZE(SKB_WITH_OVERHEAD(PAGE_SIZE / 2)));
	}
	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_EQ(test, skb[i]->data[0], 0x11 * (i + 1));
		KUNIT_EXPECT_EQ(test, skb[i]->data[len - 1], 0x11 * (i + 1));
		KUNIT_EXPECT_EQ(test, skb_shinfo(skb[i])->nr_frags, 0);
	}
	consume_skb(skb[0]);
	consume_skb(skb[1]);
	reclaim_all(q);
	expect_exact(test, q);
	skbpool_rxq_free(q);
}

/* Frames too large for half a page get a page (or more) each. */
static void jumbo_frame_pins_whole_pages(struct kunit *test)
{
	struct skbpool_rxq_params p = { .ring_size = RING, .frame_len = 9000 };
	struct skbpool_rxq *q = skbpool_rxq_alloc(fake_dev_new(test), &p, RING);
	struct sk_buff *skb;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, q);
	KUNIT_EXPECT_EQ(test, q->split, 0);
	KUNIT_EXPECT_GE(test, skbpool_rx_buf_len(q), 9000);
	skb = rx_frame(test, q);
	KUNIT_EXPECT_GT(test, skb->truesize, 9000);
	consume_skb(skb);
	reclaim_all(q);
	expect_exact(test, q);
	skbpool_rxq_free(q);
}

/* A length the buffer cannot hold (a bad descriptor) builds nothing and
 * puts the buffer straight back.
 */
static void oversized_length_rejected(struct kunit *test)
{
	struct skbpool_rxq *q = pool_new(test, RING);
	int id = rx_get(q);

	KUNIT_ASSERT_GE(test, id, 0);
	KUNIT_EXPECT_NULL(test, rx_build(q, id, skbpool_rx_buf_len(q) + 1));
	KUNIT_EXPECT_EQ(test, q->posted, 0);
	KUNIT_EXPECT_EQ(test, q->nr_free, RING);
	expect_exact(test, q);
	skbpool_rxq_free(q);
}

/* One frame parked in an unread socket does not block the others, only
 * the buffer that shares its page (rx.c: the page is the unit of return).
 */
static void held_buffer_does_not_block(struct kunit *test)
{
	struct skbpool_rxq *q = pool_new(test, 32);
	u32 mates = 1U << q->split;
	struct skbpool_rxq_snapshot s;
	struct sk_buff *skbs[8];
	int i;

	for (i = 0; i < 8; i++)
		skbs[i] = rx_frame(test, q);
	for (i = 1; i < 8; i++)
		consume_skb(skbs[i]);
	reclaim_all(q);
	skbpool_rxq_read(q, &s);
	KUNIT_EXPECT_EQ(test, s.in_flight, mates);
	KUNIT_EXPECT_EQ(test, s.recycled, 8 - mates);
	consume_skb(skbs[0]);
	reclaim_all(q);
	skbpool_rxq_read(q, &s);
	KUNIT_EXPECT_EQ(test, s.in_flight, 0);
	skbpool_rxq_free(q);
}

/* After a burst the stack has let go of, steady traffic brings in_flight
 * back down to what the stack really holds: the FIFO must drain faster
 * than frames join it, or in_flight stays at the burst's height and the
 * pool looks held while it is free (what the soak's leak check saw).
 */
static void in_flight_falls_after_a_burst(struct kunit *test)
{
	struct skbpool_rxq *q = pool_new(test, 8 * RING);
	struct sk_buff *skbs[4 * RING];
	struct skbpool_rxq_snapshot s;
	int i;

	for (i = 0; i < ARRAY_SIZE(skbs); i++)
		skbs[i] = rx_frame(test, q);
	for (i = 0; i < ARRAY_SIZE(skbs); i++)
		consume_skb(skbs[i]);
	for (i = 0; i < 4 * RING; i++)
		consume_skb(rx_frame(test, q));
	skbpool_rxq_read(q, &s);
	kunit_info(test, "in_flight %u after the burst and %d frames",
		   s.in_flight, 4 * RING);
	KUNIT_EXPECT_LE(test, s.in_flight, 2);
	KUNIT_EXPECT_EQ(test, s.slowpath, 0);
	expect_exact(test, q);
	skbpool_rxq_free(q);
}

/* 100,000 frames through a pool of one ring: no page allocation at all. */
static void steady_state_never_allocates(struct kunit *test)
{
	struct skbpool_rxq *q = pool_new(test, RING * 4);
	struct skbpool_rxq_snapshot s;
	int i;

	for (i = 0; i < 100000; i++) {
		struct sk_buff *skb = rx_frame(test, q);

		consume_skb(skb);
		if (!(i & 1023))
			cond_resched();
	}
	skbpool_rxq_read(q, &s);
	KUNIT_EXPECT_EQ(test, s.slowpath, 0);
	KUNIT_EXPECT_EQ(test, s.total, RING * 4);
	KUNIT_EXPECT_GE(test, s.recycled, 100000 - RING * 4);
	expect_exact(test, q);
	skbpool_rxq_free(q);
}

/* A pool too small for what the stack holds grows on the slow path, up to
 * one extra ring, and counts every page it had to allocate; past that it
 * lends pages that the skbs own outright and that never join the pool.
 */
static void too_small_pool_grows_then_lends(struct kunit *test)
{
	struct skbpool_rxq *q = pool_new(test, RING);
	struct skbpool_rxq_snapshot s;
	struct sk_buff *skbs[3 * RING];
	int posted[RING];
	int i;

	for (i = 0; i < 2 * RING; i++)
		skbs[i] = rx_frame(test, q);
	skbpool_rxq_read(q, &s);
	KUNIT_EXPECT_EQ(test, s.slowpath, RING >> q->split);	/* pages */
	KUNIT_EXPECT_EQ(test, s.total, 2 * RING);
	KUNIT_EXPECT_EQ(test, s.lent, 0);

	for (i = 2 * RING; i < 3 * RING; i++) {
		skbs[i] = rx_frame(test, q);
		/* The pool gave up its references: the skb's is the only one. */
		KUNIT_EXPECT_EQ(test, page_ref_count(virt_to_head_page(skbs[i]->head)), 1);
		KUNIT_EXPECT_EQ(test, skbs[i]->len, 64);
		KUNIT_EXPECT_EQ(test, skbs[i]->data[63], 0x5a);
	}
	skbpool_rxq_read(q, &s);
	KUNIT_EXPECT_EQ(test, s.lent, RING);
	KUNIT_EXPECT_EQ(test, s.total, 2 * RING);
	KUNIT_EXPECT_EQ(test, s.in_flight, 2 * RING);
	KUNIT_EXPECT_EQ(test, s.exhausted, 0);

	/* One loan per ring descriptor at a time: then the ring runs dry. */
	for (i = 0; i < RING; i++) {
		posted[i] = rx_get(q);
		KUNIT_EXPECT_TRUE(test, posted[i] >= 0 && (posted[i] & SKBPOOL_RX_LENT));
	}
	KUNIT_EXPECT_EQ(test, rx_get(q), -ENOBUFS);
	skbpool_rxq_read(q, &s);
	KUNIT_EXPECT_EQ(test, s.exhausted, 1);
	local_bh_disable();
	skbpool_rx_put(q, posted[0]);
	local_bh_enable();
	KUNIT_EXPECT_EQ(test, q->nr_lend_free, 1);
	KUNIT_EXPECT_TRUE(test, rx_get(q) & SKBPOOL_RX_LENT);
	KUNIT_EXPECT_EQ(test, q->nr_lend_free, 0);
	/* A length past the buffer: refused, the loan freed. */
	KUNIT_EXPECT_NULL(test, rx_build(q, posted[1], skbpool_rx_buf_len(q) + 1));
	KUNIT_EXPECT_EQ(test, q->nr_lend_free, 1);

	for (i = 0; i < 3 * RING; i++)
		consume_skb(skbs[i]);
	reclaim_all(q);
	expect_exact(test, q);
	/* RING - 1 loans are still posted: the pool frees them with itself. */
	skbpool_rxq_free(q);
}

/* A pool that looks parked may not be: buffers deep in the held FIFO can
 * be back.  Before lending, held buffers are looked at (up to
 * SKBPOOL_SCAN_PER_POLL of them a poll, here all).
 */
static void lends_only_when_really_parked(struct kunit *test)
{
	struct skbpool_rxq *q = pool_new(test, 4 * RING);
	struct skbpool_rxq_snapshot s;
	struct sk_buff *skbs[5 * RING];
	int i, id;

	for (i = 0; i < 5 * RING; i++)		/* the reserve and its growth */
		skbs[i] = rx_frame(test, q);
	/* The newest frames are freed: their buffers sit at the FIFO's tail,
	 * behind more held ones than one reclaim batch looks at.
	 */
	for (i = 5 * RING - 4; i < 5 * RING; i++) {
		consume_skb(skbs[i]);
		skbs[i] = NULL;
	}
	local_bh_disable();
	skbpool_rx_napi_begin(q);
	local_bh_enable();
	id = rx_get(q);
	KUNIT_EXPECT_TRUE(test, id >= 0 && !(id & SKBPOOL_RX_LENT));
	skbpool_rxq_read(q, &s);
	KUNIT_EXPECT_EQ(test, s.lent, 0);
	if (id >= 0) {
		local_bh_disable();
		skbpool_rx_put(q, id);
		local_bh_enable();
	}
	for (i = 0; i < 5 * RING; i++)
		consume_skb(skbs[i]);
	skbpool_rxq_free(q);
}

/* The fence: bulk frames may hold the pool only down to @fence free
 * buffers; past that each is copied into an ordinary skb and its buffer
 * reused, and the buffers behind the fence stay for critical frames.
 */
static void bulk_frames_stop_at_fence(struct kunit *test)
{
	struct skbpool_rxq *q = pool_new(test, 8 * RING);
	struct sk_buff *skbs[10 * RING];
	struct skbpool_rxq_snapshot s;
	u32 fence, i;

	skbpool_rxq_read(q, &s);
	fence = s.fence;
	KUNIT_EXPECT_EQ(test, fence, 2 * RING);	/* two rings, > a quarter */
	for (i = 0; i < 8 * RING; i++)
		skbs[i] = rx_bulk_frame(test, q);
	skbpool_rxq_read(q, &s);
	KUNIT_EXPECT_EQ(test, s.in_flight, 8 * RING - fence);
	KUNIT_EXPECT_EQ(test, s.fence_copied, fence);
	KUNIT_EXPECT_EQ(test, s.slowpath, 0);
	KUNIT_EXPECT_EQ(test, s.lent, 0);
	/* A copy owns its data: nothing of the pool's. */
	KUNIT_EXPECT_EQ(test, skbs[8 * RING - 1]->len, 64);
	KUNIT_EXPECT_EQ(test, skbs[8 * RING - 1]->data[63], 0x5a);
	for (i = 0; i < 8 * RING; i++)
		KUNIT_EXPECT_PTR_NE(test, virt_to_head_page(skbs[8 * RING - 1]->data),
				    skbpool_rxq_page(q, i)->page);

	for (i = 8 * RING; i < 8 * RING + fence; i++)	/* critical: all of it */
		skbs[i] = rx_frame(test, q);
	skbpool_rxq_read(q, &s);
	KUNIT_EXPECT_EQ(test, s.in_flight, 8 * RING);
	KUNIT_EXPECT_EQ(test, s.fence_copied, fence);
	expect_exact(test, q);

	for (i = 0; i < 8 * RING + fence; i++)
		consume_skb(skbs[i]);
	reclaim_all(q);
	expect_exact(test, q);
	skbpool_rxq_free(q);
}

/* A bulk frame of 1,000 bytes copied at the fence gets its head in a page
 * fragment of the queue's own cache, which asks for its pages with
 * __GFP_NOMEMALLOC: never a page of the memory reserves, so never
 * pfmemalloc (a mark that has the frame's ordinary socket drop it).  The
 * per-CPU cache of netdev_alloc_skb() would also give a head fragment but
 * may hold a reserve page, so the head must be the queue's: the cache's
 * next fragment comes from the same page.  Two such copies coalesce, the
 * second's head stolen as a frag, as TCP merges consecutive segments in a
 * receive queue; kmalloc'd heads could not, and a reader behind on them
 * makes TCP collapse and prune its queue.
 */
static void fence_copies_are_fragments_that_coalesce(struct kunit *test)
{
	struct skbpool_rxq *q = pool_new(test, 8 * RING);
	struct sk_buff *skbs[8 * RING], *copy[2];
	struct skbpool_rxq_snapshot s;
	void *next;
	bool stolen;
	int delta;
	u32 held, i;
	u8 byte;
	int id;

	skbpool_rxq_read(q, &s);
	held = 8 * RING - s.fence;
	for (i = 0; i < held; i++)
		skbs[i] = rx_bulk_frame(test, q);
	for (i = 0; i < 2; i++) {
		id = rx_get(q);
		KUNIT_ASSERT_GE(test, id, 0);
		memset(skbpool_rx_va(q, id), i ? 0xa5 : 0x5a, 1000);
		copy[i] = rx_build_raw(q, id, 1000);
		KUNIT_ASSERT_NOT_NULL(test, copy[i]);
		KUNIT_EXPECT_EQ(test, copy[i]->len, 1000);
		KUNIT_EXPECT_TRUE(test, copy[i]->head_frag);
		/*
		 * Memory is plentiful here, so this only catches a copy on a
		 * page some earlier pressure left marked; that refills never
		 * dip into the reserves is __GFP_NOMEMALLOC's to keep.
		 */
		KUNIT_EXPECT_FALSE(test, copy[i]->pfmemalloc);
	}
	skbpool_rxq_read(q, &s);
	KUNIT_EXPECT_EQ(test, s.fence_copied, 2);
	KUNIT_EXPECT_EQ(test, s.in_flight, held);
	next = page_frag_alloc(&q->copy_frag, 64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, next);
	for (i = 0; i < 2; i++)
		KUNIT_EXPECT_PTR_EQ(test, virt_to_head_page(copy[i]->head),
				    virt_to_head_page(next));
	page_frag_free(next);

	KUNIT_ASSERT_TRUE(test, skb_try_coalesce(copy[0], copy[1], &stolen, &delta));
	KUNIT_EXPECT_TRUE(test, stolen);
	kfree_skb_partial(copy[1], stolen);
	KUNIT_EXPECT_EQ(test, copy[0]->len, 2000);
	KUNIT_ASSERT_EQ(test, skb_copy_bits(copy[0], 999, &byte, 1), 0);
	KUNIT_EXPECT_EQ(test, byte, 0x5a);
	KUNIT_ASSERT_EQ(test, skb_copy_bits(copy[0], 1000, &byte, 1), 0);
	KUNIT_EXPECT_EQ(test, byte, 0xa5);
	consume_skb(copy[0]);
	for (i = 0; i < held; i++)
		consume_skb(skbs[i]);
	reclaim_all(q);
	expect_exact(test, q);
	skbpool_rxq_free(q);
}

/* A dry get looks at no more than SKBPOOL_SCAN_PER_POLL held buffers in a
 * poll, and the next poll goes on where it stopped: buffers back deep in a
 * large parked FIFO are found within a few polls, not by one long walk.
 * A poll whose scan found nothing grows the pool by a page; its spare
 * buffers serve the next polls without a scan.
 */
static void dry_scan_bounded_per_poll(struct kunit *test)
{
	const u32 n = 40 * RING;		/* 640 held: over two polls' scans */
	struct skbpool_rxq *q = pool_new(test, n);
	struct sk_buff **skbs = kunit_kcalloc(test, n, sizeof(*skbs), GFP_KERNEL);
	struct skbpool_rxq_snapshot s;
	int got[8], polls, id = -1;
	u64 grown = 0;
	dma_addr_t dma;
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, skbs);
	for (i = 0; i < n; i++)
		skbs[i] = rx_frame(test, q);
	for (i = n - 4; i < n; i++) {		/* the FIFO's tail comes back */
		consume_skb(skbs[i]);
		skbs[i] = NULL;
	}
	for (polls = 0; polls < ARRAY_SIZE(got); polls++) {
		local_bh_disable();
		skbpool_rx_napi_begin(q);
		id = skbpool_rx_get(q, &dma);
		local_bh_enable();
		KUNIT_ASSERT_GE(test, id, 0);
		got[polls] = id;
		if (id < n)
			break;
		skbpool_rxq_read(q, &s);
		/* Grown in this poll: its scan ran out first. */
		if (s.slowpath > grown)
			KUNIT_EXPECT_EQ(test, q->scan_left, 0);
		grown = s.slowpath;
	}
	skbpool_rxq_read(q, &s);
	kunit_info(test, "found in poll %d, %llu pages grown", polls + 1, s.slowpath);
	KUNIT_EXPECT_LT(test, polls, ARRAY_SIZE(got));
	KUNIT_EXPECT_GT(test, s.slowpath, 0);	/* not in one walk of 640 */
	KUNIT_EXPECT_LE(test, s.slowpath, 2);	/* by the third scan: 640 / 256 */
	local_bh_disable();
	for (i = 0; i <= polls && i < ARRAY_SIZE(got); i++)
		skbpool_rx_put(q, got[i]);
	local_bh_enable();
	for (i = 0; i < n; i++)
		consume_skb(skbs[i]);
	skbpool_rxq_free(q);
}

/* Empty the stash and the worker's batch, with no refill under way. */
static void stash_drain(struct skbpool_rxq *q)
{
	struct skbpool_stash *st = &q->stash;

	skbpool_stash_flush(q);
	kmem_cache_free_bulk(net_hotdata.skbuff_cache, st->count, (void **)st->heads);
	st->count = 0;
	/* The worker is idle (flushed); acquire still pairs with its release. */
	if (smp_load_acquire(&st->spare_ready))
		kmem_cache_free_bulk(net_hotdata.skbuff_cache, st->spare_count,
				     (void **)st->spare);
	st->spare_count = 0;
	/* Hands @spare back to the worker, as NAPI would. */
	smp_store_release(&st->spare_ready, 0);
}

static struct sk_buff *no_napi_head(void *va, u32 truesize)
{
	return NULL;
}

static dma_addr_t map_fails(struct skbpool_rxq *rxq, struct page *page)
{
	return DMA_MAPPING_ERROR;
}

/* A page whose mapping fails goes straight back and was never the pool's:
 * skbpool_rx_pages_alloc counts pages allocated and mapped for the pool.
 */
static void unmapped_page_is_not_counted(struct kunit *test)
{
	struct skbpool_rxq_params p = { .ring_size = RING, .frame_len = FRAME_LEN };
	struct skbpool_rxq_snapshot s;
	struct skbpool_rxq *q;

	kunit_activate_static_stub(test, skbpool_rx_page_map, map_fails);
	q = skbpool_rxq_alloc(fake_dev_new(test), &p, 4 * RING);
	kunit_deactivate_static_stub(test, skbpool_rx_page_map);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, q);
	skbpool_rxq_read(q, &s);
	KUNIT_EXPECT_EQ(test, s.total, 0);
	KUNIT_EXPECT_EQ(test, s.pages_alloc, 0);
	skbpool_rxq_free(q);
}

static struct sk_buff *no_copy(struct skbpool_rxq *rxq, const void *frame, u32 len)
{
	return NULL;
}

/* Copybreak: a frame up to the queue's copybreak goes up in a small skb of
 * its own and its buffer is free again at once; a longer one is built on
 * its buffer.  With no memory for the copy, a small frame is built on its
 * buffer too: never lost for want of a copy, but the failure is counted.
 */
static void small_frames_are_copied(struct kunit *test)
{
	struct skbpool_rxq_params p = {
		.ring_size = RING, .frame_len = FRAME_LEN, .copybreak = 256,
	};
	struct skbpool_rxq *q = skbpool_rxq_alloc(fake_dev_new(test), &p, 4 * RING);
	struct sk_buff *small, *big, *fallback;
	struct skbpool_rxq_snapshot s;
	int id;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, q);
	small = rx_frame(test, q);			/* 64 bytes */
	skbpool_rxq_read(q, &s);
	KUNIT_EXPECT_EQ(test, s.small_copied, 1);
	KUNIT_EXPECT_EQ(test, s.copy_failed, 0);
	KUNIT_EXPECT_EQ(test, s.in_flight, 0);
	KUNIT_EXPECT_EQ(test, small->len, 64);
	KUNIT_EXPECT_EQ(test, small->data[0], 0x5a);
	KUNIT_EXPECT_FALSE(test, small->head_frag);
	KUNIT_EXPECT_LT(test, small->truesize, 1024);

	id = rx_get(q);
	KUNIT_ASSERT_GE(test, id, 0);
	memset(skbpool_rx_va(q, id), 0x5a, 257);
	big = rx_build(q, id, 257);
	KUNIT_ASSERT_NOT_NULL(test, big);
	skbpool_rxq_read(q, &s);
	KUNIT_EXPECT_EQ(test, s.small_copied, 1);
	KUNIT_EXPECT_EQ(test, s.in_flight, 1);
	KUNIT_EXPECT_TRUE(test, big->head_frag);

	kunit_activate_static_stub(test, skbpool_rx_copy, no_copy);
	fallback = rx_frame(test, q);
	kunit_deactivate_static_stub(test, skbpool_rx_copy);
	skbpool_rxq_read(q, &s);
	KUNIT_EXPECT_EQ(test, s.small_copied, 1);
	KUNIT_EXPECT_EQ(test, s.copy_failed, 1);
	KUNIT_EXPECT_EQ(test, s.in_flight, 2);
	KUNIT_EXPECT_EQ(test, s.fence_dropped, 0);
	KUNIT_EXPECT_EQ(test, fallback->len, 64);

	consume_skb(small);
	consume_skb(big);
	consume_skb(fallback);
	reclaim_all(q);
	expect_exact(test, q);
	skbpool_rxq_free(q);
}

static struct sk_buff *no_copy_counted(struct skbpool_rxq *rxq, const void *frame,
				       u32 len)
{
	int *calls = kunit_get_current_test()->priv;

	(*calls)++;
	return NULL;
}

/* A small bulk frame at the fence whose copybreak copy failed is dropped
 * there: the fence would only ask the allocator the same question again,
 * in the same poll, with memory already short.  Each failed copy is
 * counted, copybreak's and the fence's alike.
 */
static void fence_drop_asks_for_one_copy(struct kunit *test)
{
	struct skbpool_rxq_params p = {
		.ring_size = RING, .frame_len = FRAME_LEN, .copybreak = 256,
	};
	struct skbpool_rxq *q = skbpool_rxq_alloc(fake_dev_new(test), &p, 8 * RING);
	struct sk_buff *skbs[8 * RING], *small, *big;
	struct skbpool_rxq_snapshot s;
	int calls = 0;
	u32 held, i;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, q);
	skbpool_rxq_read(q, &s);
	held = 8 * RING - s.fence;
	for (i = 0; i < held; i++) {		/* over copybreak: on buffers */
		skbs[i] = rx_bulk_len(test, q, 1000);
		KUNIT_ASSERT_NOT_NULL(test, skbs[i]);
	}
	skbpool_rxq_read(q, &s);
	KUNIT_ASSERT_EQ(test, s.fence_copied, 0);

	test->priv = &calls;
	kunit_activate_static_stub(test, skbpool_rx_copy, no_copy_counted);
	small = rx_bulk_len(test, q, 64);
	kunit_deactivate_static_stub(test, skbpool_rx_copy);
	skbpool_rxq_read(q, &s);
	KUNIT_EXPECT_NULL(test, small);
	KUNIT_EXPECT_EQ(test, calls, 1);
	KUNIT_EXPECT_EQ(test, s.copy_failed, 1);
	KUNIT_EXPECT_EQ(test, s.fence_dropped, 1);
	KUNIT_EXPECT_EQ(test, s.small_copied, 0);
	KUNIT_EXPECT_EQ(test, s.in_flight, held);

	/* Over copybreak: the fence's own copy fails, counted the same. */
	kunit_activate_static_stub(test, skbpool_rx_copy, no_copy_counted);
	big = rx_bulk_len(test, q, 1000);
	kunit_deactivate_static_stub(test, skbpool_rx_copy);
	skbpool_rxq_read(q, &s);
	KUNIT_EXPECT_NULL(test, big);
	KUNIT_EXPECT_EQ(test, calls, 2);
	KUNIT_EXPECT_EQ(test, s.copy_failed, 2);
	KUNIT_EXPECT_EQ(test, s.fence_dropped, 2);
	KUNIT_EXPECT_EQ(test, s.fence_copied, 0);
	KUNIT_EXPECT_EQ(test, s.in_flight, held);

	consume_skb(small);
	consume_skb(big);
	for (i = 0; i < held; i++)
		consume_skb(skbs[i]);
	reclaim_all(q);
	expect_exact(test, q);
	skbpool_rxq_free(q);
}

/* With the NAPI head cache empty, heads come from the stash; NAPI never
 * allocates them: a worker refills the stash once half is used.  With the
 * stash empty too, the frame is lost and its buffer is back on the free
 * list at once.
 */
static void stash_stands_in(struct kunit *test)
{
	struct skbpool_rxq *q = pool_new(test, 4 * RING);
	struct skbpool_stash *st = &q->stash;
	struct skbpool_rxq_snapshot s;
	u32 full = st->count, i;
	struct sk_buff *skb;
	int id;

	kunit_activate_static_stub(test, skbpool_rx_napi_build, no_napi_head);
	skb = rx_frame(test, q);
	skbpool_rxq_read(q, &s);
	KUNIT_EXPECT_EQ(test, s.stash_used, 1);
	KUNIT_EXPECT_EQ(test, st->count, full - 1);
	KUNIT_EXPECT_EQ(test, skb->len, 64);
	consume_skb(skb);

	/* Use up half: the worker is asked for more, NAPI takes them in. */
	for (i = 0; i < full / 2; i++)
		consume_skb(rx_frame(test, q));
	skbpool_stash_flush(q);
	/* Pairs with the worker's release of its batch. */
	KUNIT_EXPECT_EQ(test, smp_load_acquire(&st->spare_ready), 1);
	consume_skb(rx_frame(test, q));
	KUNIT_EXPECT_GT(test, st->count, full / 2 + 1);

	stash_drain(q);
	id = rx_get(q);
	KUNIT_ASSERT_GE(test, id, 0);
	KUNIT_EXPECT_NULL(test, rx_build(q, id, 64));
	skbpool_rxq_read(q, &s);
	KUNIT_EXPECT_EQ(test, s.build_failed, 1);
	expect_exact(test, q);

	/* The refill that failed frame asked for arrives. */
	skbpool_stash_flush(q);
	consume_skb(rx_frame(test, q));
	kunit_deactivate_static_stub(test, skbpool_rx_napi_build);
	reclaim_all(q);
	skbpool_rxq_read(q, &s);
	KUNIT_EXPECT_EQ(test, s.in_flight, 0);
	skbpool_rxq_free(q);
}

/* Random get/build/free/put/reclaim/resize: the counts are exact after
 * every step, and everything comes back at the end.
 */
static void counts_exact_under_random_ops(struct kunit *test)
{
	struct skbpool_rxq *q = pool_new(test, 2 * RING);
	struct sk_buff **skbs = kunit_kcalloc(test, 256, sizeof(*skbs), GFP_KERNEL);
	int *posted = kunit_kcalloc(test, 256, sizeof(*posted), GFP_KERNEL);
	u32 nr_skbs = 0, nr_posted = 0, step;
	struct skbpool_rxq_snapshot s;
	struct rnd_state rnd;

	KUNIT_ASSERT_NOT_NULL(test, skbs);
	KUNIT_ASSERT_NOT_NULL(test, posted);
	prandom_seed_state(&rnd, 20261122);
	for (step = 0; step < 20000; step++) {
		u32 op = prandom_u32_state(&rnd) % 6, i;
		int id;

		switch (op) {
		case 0:
			if (nr_posted == 256)
				break;
			id = rx_get(q);
			if (id >= 0)
				posted[nr_posted++] = id;
			break;
		case 1:
			if (!nr_posted || nr_skbs == 256)
				break;
			id = posted[--nr_posted];
			skbs[nr_skbs] = rx_build(q, id, 60 + step % 1400);
			KUNIT_ASSERT_NOT_NULL(test, skbs[nr_skbs]);
			nr_skbs++;
			break;
		case 2:
			if (!nr_skbs)
				break;
			i = prandom_u32_state(&rnd) % nr_skbs;
			consume_skb(skbs[i]);
			skbs[i] = skbs[--nr_skbs];
			break;
		case 3:
			if (nr_posted)
				skbpool_rx_put(q, posted[--nr_posted]);
			break;
		case 4:
			local_bh_disable();
			skbpool_rx_reclaim(q, prandom_u32_state(&rnd) % 8);
			local_bh_enable();
			break;
		case 5:
			if (step % 50)
				break;
			KUNIT_EXPECT_EQ(test, skbpool_rxq_resize(q, RING +
					prandom_u32_state(&rnd) % (8 * RING)), 0);
			break;
		}
		expect_exact(test, q);
		if (test->status == KUNIT_FAILURE) {
			kunit_info(test, "first failure at step %u, op %u", step, op);
			break;
		}
	}
	while (nr_skbs)
		consume_skb(skbs[--nr_skbs]);
	while (nr_posted)
		skbpool_rx_put(q, posted[--nr_posted]);
	reclaim_all(q);
	skbpool_rxq_read(q, &s);
	KUNIT_EXPECT_EQ(test, s.in_flight, 0);
	KUNIT_EXPECT_EQ(test, s.free, s.total);
	skbpool_rxq_free(q);
}

/* Shrinking frees only buffers on the free list; growing adds free ones. */
static void resize_keeps_ids_valid(struct kunit *test)
{
	struct skbpool_rxq *q = pool_new(test, 4 * RING);
	struct sk_buff *held = rx_frame(test, q);
	struct skbpool_rxq_snapshot s;

	KUNIT_EXPECT_EQ(test, skbpool_rxq_resize(q, RING), 0);
	skbpool_rxq_read(q, &s);
	KUNIT_EXPECT_LE(test, s.total, 4 * RING);
	KUNIT_EXPECT_GE(test, s.total, RING);
	KUNIT_EXPECT_EQ(test, s.in_flight, 1);
	/* Whole pages only, and the held frame's page is still the pool's. */
	KUNIT_EXPECT_EQ(test, s.total & ((1U << q->split) - 1), 0);
	KUNIT_EXPECT_PTR_EQ(test, virt_to_head_page(held->data),
			    skbpool_rxq_page(q, q->held[q->held_head & q->held_mask])->page);
	KUNIT_EXPECT_EQ(test, skbpool_rxq_resize(q, 64 * RING), 0);
	skbpool_rxq_read(q, &s);
	KUNIT_EXPECT_EQ(test, s.total, 64 * RING);
	KUNIT_EXPECT_EQ(test, skbpool_rxq_resize(q, RING - 1), -EINVAL);
	consume_skb(held);
	reclaim_all(q);
	expect_exact(test, q);
	skbpool_rxq_free(q);
}

/* The pool goes first, the stack frees its frames later: the pages must
 * outlive the pool and be freed by the stack's last put.
 */
static void pool_dies_before_its_frames(struct kunit *test)
{
	struct skbpool_rxq *q = pool_new(test, RING);
	struct sk_buff *skbs[4];
	struct page *page;
	int i;

	int on_page = 0;

	for (i = 0; i < 4; i++)
		skbs[i] = rx_frame(test, q);
	page = virt_to_head_page(skbs[0]->head);
	for (i = 0; i < 4; i++)
		on_page += virt_to_head_page(skbs[i]->head) == page;
	skbpool_rxq_free(q);
	/* One reference per frame on the page: the stack's, nothing else. */
	KUNIT_EXPECT_EQ(test, page_ref_count(page), on_page);
	KUNIT_EXPECT_EQ(test, ((u8 *)skbs[0]->data)[0], 0x5a);
	for (i = 0; i < 4; i++)
		consume_skb(skbs[i]);
}

static struct kunit_case rx_pool_cases[] = {
	KUNIT_CASE(pool_starts_full),
	KUNIT_CASE(pool_rejects_bad_params),
	KUNIT_CASE(buffer_comes_back),
	KUNIT_CASE(standard_frame_pins_half_a_page),
	KUNIT_CASE(jumbo_frame_pins_whole_pages),
	KUNIT_CASE(held_buffer_does_not_block),
	KUNIT_CASE(oversized_length_rejected),
	KUNIT_CASE(in_flight_falls_after_a_burst),
	KUNIT_CASE_SLOW(steady_state_never_allocates),
	KUNIT_CASE(too_small_pool_grows_then_lends),
	KUNIT_CASE(lends_only_when_really_parked),
	KUNIT_CASE(bulk_frames_stop_at_fence),
	KUNIT_CASE(fence_copies_are_fragments_that_coalesce),
	KUNIT_CASE(dry_scan_bounded_per_poll),
	KUNIT_CASE(stash_stands_in),
	KUNIT_CASE(counts_exact_under_random_ops),
	KUNIT_CASE(resize_keeps_ids_valid),
	KUNIT_CASE(small_frames_are_copied),
	KUNIT_CASE(fence_drop_asks_for_one_copy),
	KUNIT_CASE(unmapped_page_is_not_counted),
	KUNIT_CASE(pool_dies_before_its_frames),
	{}
};

static struct kunit_suite rx_pool_suite = {
	.name = "skbpool_rx_pool",
	.test_cases = rx_pool_cases,
};

kunit_test_suite(rx_pool_suite);
