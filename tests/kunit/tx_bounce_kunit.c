// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: TX bounce buffers: frames are copied and padded, buffers are
 * returned in ring order, a full ring says -EBUSY and a too large frame
 * -EMSGSIZE, with nothing taken.  In emergency every frame is bounced:
 * one buffer when it fits, else a chain of them.
 */
#include <kunit/test.h>
#include <linux/etherdevice.h>
#include <linux/skbuff.h>

#include <skbpool/skbpool.h>

#include "../../core/dev.h"
#include "../../core/tx.h"
#include "fake.h"

static struct sk_buff *frame(struct kunit *test, u32 len, u8 fill)
{
	struct sk_buff *skb = alloc_skb(len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, skb);
	memset(skb_put(skb, len), fill, len);
	return skb;
}

static void bounce_copies_and_pads(struct kunit *test)
{
	struct skbpool_txq *txq = skbpool_txq_alloc(fake_dev_new(test), 0, 8, 1536);
	struct sk_buff *skb = frame(test, 42, 0xc3);
	dma_addr_t dma;
	u32 len;
	int id;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, txq);
	KUNIT_EXPECT_EQ(test, txq->buf_size, 2048);
	KUNIT_EXPECT_TRUE(test, skbpool_tx_wants_bounce(txq, skb));
	id = skbpool_tx_bounce(txq, skb, &dma, &len);
	KUNIT_ASSERT_GE(test, id, 0);
	KUNIT_EXPECT_EQ(test, len, ETH_ZLEN);
	KUNIT_EXPECT_EQ(test, dma, txq->dma[id]);
	KUNIT_EXPECT_NULL(test, memchr_inv(txq->va[id], 0xc3, 42));
	KUNIT_EXPECT_NULL(test, memchr_inv(txq->va[id] + 42, 0, ETH_ZLEN - 42));
	KUNIT_EXPECT_EQ(test, skbpool_txq_in_use(txq), 1);
	KUNIT_EXPECT_EQ(test, skbpool_txq_bounced(txq), 1);
	skbpool_tx_complete(txq, id);
	KUNIT_EXPECT_EQ(test, skbpool_txq_in_use(txq), 0);
	kfree_skb(skb);
	skbpool_txq_free(txq);
}

static void bounce_ring_full_and_oversize(struct kunit *test)
{
	struct skbpool_txq *txq = skbpool_txq_alloc(fake_dev_new(test), 0, 8, 1536);
	struct sk_buff *small = frame(test, 100, 1), *big = frame(test, 4000, 2);
	dma_addr_t dma;
	int ids[8], i;
	u32 len;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, txq);
	KUNIT_EXPECT_FALSE(test, skbpool_tx_wants_bounce(txq, big));
	KUNIT_EXPECT_FALSE(test, skbpool_tx_wants_bounce(NULL, small));
	skb_shinfo(small)->gso_size = 50;	/* a GSO frame is never bounced */
	KUNIT_EXPECT_FALSE(test, skbpool_tx_wants_bounce(txq, small));
	skb_shinfo(small)->gso_size = 0;
	KUNIT_EXPECT_TRUE(test, skbpool_tx_wants_bounce(txq, small));
	KUNIT_EXPECT_EQ(test, skbpool_tx_bounce(txq, big, &dma, &len), -EMSGSIZE);
	for (i = 0; i < 8; i++) {
		ids[i] = skbpool_tx_bounce(txq, small, &dma, &len);
		KUNIT_EXPECT_EQ(test, ids[i], i);
	}
	KUNIT_EXPECT_EQ(test, skbpool_tx_bounce(txq, small, &dma, &len), -EBUSY);
	KUNIT_EXPECT_EQ(test, skbpool_txq_busy(txq), 1);
	KUNIT_EXPECT_EQ(test, skbpool_txq_in_use(txq), 8);
	skbpool_tx_complete(txq, ids[0]);
	KUNIT_EXPECT_EQ(test, skbpool_tx_bounce(txq, small, &dma, &len), 0);
	for (i = 1; i < 8; i++)
		skbpool_tx_complete(txq, ids[i]);
	skbpool_tx_complete(txq, 0);
	KUNIT_EXPECT_EQ(test, skbpool_txq_in_use(txq), 0);
	KUNIT_EXPECT_EQ(test, skbpool_txq_bounced(txq), 9);
	kfree_skb(small);
	kfree_skb(big);
	skbpool_txq_free(txq);
}

/* Nonlinear frames are gathered from their fragments. */
static void bounce_gathers_frags(struct kunit *test)
{
	struct skbpool_txq *txq = skbpool_txq_alloc(fake_dev_new(test), 0, 4, 1536);
	struct sk_buff *skb = frame(test, 20, 0x11);
	struct page *page = alloc_page(GFP_KERNEL);
	dma_addr_t dma;
	u32 len;
	int id;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, txq);
	KUNIT_ASSERT_NOT_NULL(test, page);
	memset(page_address(page), 0x22, 100);
	skb_add_rx_frag(skb, 0, page, 0, 100, PAGE_SIZE);
	id = skbpool_tx_bounce(txq, skb, &dma, &len);
	KUNIT_ASSERT_GE(test, id, 0);
	KUNIT_EXPECT_EQ(test, len, 120);
	KUNIT_EXPECT_NULL(test, memchr_inv(txq->va[id], 0x11, 20));
	KUNIT_EXPECT_NULL(test, memchr_inv(txq->va[id] + 20, 0x22, 100));
	skbpool_tx_complete(txq, id);
	kfree_skb(skb);
	skbpool_txq_free(txq);
}

/* The state skbpool_emergency_poll() leaves; switching is emergency_kunit's. */
static void set_emergency(struct skbpool_txq *txq, bool on)
{
	WRITE_ONCE(txq->sdev->em.active, on);
}

/* A frame of @head linear bytes and @frags page fragments of @frag bytes,
 * byte i of the frame being (u8)(i * 7 + 3).
 */
static struct sk_buff *patterned(struct kunit *test, u32 head, u32 frags, u32 frag)
{
	struct sk_buff *skb = alloc_skb(head, GFP_KERNEL);
	u32 i, j, at = 0;
	u8 *p;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	p = skb_put(skb, head);
	for (i = 0; i < head; i++)
		p[i] = (u8)(at++ * 7 + 3);
	for (j = 0; j < frags; j++) {
		struct page *page = alloc_page(GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, page);
		p = page_address(page);
		for (i = 0; i < frag; i++)
			p[i] = (u8)(at++ * 7 + 3);
		skb_add_rx_frag(skb, j, page, 0, frag, PAGE_SIZE);
	}
	return skb;
}

/* Where @len bytes at @p stop matching patterned() from frame byte @from:
 * @len when they all match.
 */
static u32 pattern_differs(const u8 *p, u32 len, u32 from)
{
	u32 j;

	for (j = 0; j < len; j++)
		if (p[j] != (u8)((from + j) * 7 + 3))
			break;
	return j;
}

/* A frame that fits one buffer is bounced whatever its size in emergency:
 * a mapping may allocate (an IOMMU's page tables), memory is what is short.
 */
static void emergency_bounces_every_frame_that_fits(struct kunit *test)
{
	struct skbpool_txq *txq = skbpool_txq_alloc(fake_dev_new(test), 0, 8, 1536);
	struct sk_buff *skb = frame(test, 1000, 0x5a), *big = frame(test, 3000, 1);
	dma_addr_t dma;
	u32 len;
	int id;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, txq);
	KUNIT_EXPECT_FALSE(test, skbpool_tx_wants_bounce(txq, skb));
	set_emergency(txq, true);
	KUNIT_EXPECT_TRUE(test, skbpool_tx_wants_bounce(txq, skb));
	KUNIT_EXPECT_FALSE(test, skbpool_tx_wants_bounce(txq, big));
	id = skbpool_tx_bounce(txq, skb, &dma, &len);
	KUNIT_ASSERT_GE(test, id, 0);
	KUNIT_EXPECT_EQ(test, len, 1000);
	KUNIT_EXPECT_NULL(test, memchr_inv(txq->va[id], 0x5a, 1000));
	skbpool_tx_complete(txq, id);
	/* A GSO frame goes into a chain, never into one buffer. */
	skb_shinfo(skb)->gso_size = 500;
	KUNIT_EXPECT_FALSE(test, skbpool_tx_wants_bounce(txq, skb));
	skb_shinfo(skb)->gso_size = 0;
	set_emergency(txq, false);
	KUNIT_EXPECT_FALSE(test, skbpool_tx_wants_bounce(txq, skb));
	kfree_skb(skb);
	kfree_skb(big);
	skbpool_txq_free(txq);
}

/* A 40,000-byte GSO frame in emergency: 20 consecutive 2 KiB buffers,
 * every byte in place, counted as one frame bounced, all returned at once.
 */
static void emergency_chains_a_gso_frame(struct kunit *test)
{
	struct skbpool_txq *txq = skbpool_txq_alloc(fake_dev_new(test), 0, 32, 1536);
	struct sk_buff *skb = patterned(test, 70, 10, 3993), *small = frame(test, 60, 0);
	u32 offset = 0, len, first = 0, i;
	dma_addr_t dma;
	int n;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, txq);
	KUNIT_ASSERT_EQ(test, skb->len, 40000);
	KUNIT_EXPECT_EQ(test, skbpool_tx_bounce_chain(NULL, skb), 0);
	skb_shinfo(skb)->gso_size = 1448;
	skb_shinfo(skb)->gso_type = SKB_GSO_TCPV4;
	/* Two buffers in use already: the chain starts at id 2. */
	for (i = 0; i < 2; i++)
		KUNIT_EXPECT_EQ(test, skbpool_tx_bounce(txq, small, &dma, &len), i);
	KUNIT_EXPECT_EQ(test, skbpool_tx_bounce_chain(txq, skb), 0);
	set_emergency(txq, true);
	n = skbpool_tx_bounce_chain(txq, skb);
	KUNIT_ASSERT_EQ(test, n, 20);
	for (i = 0; i < n; i++) {
		u32 id = skbpool_tx_bounce_next(txq, skb, &offset, &dma, &len);
		const u8 *p = txq->va[id];
		u32 j;

		if (!i)
			first = id;
		KUNIT_EXPECT_EQ(test, id, 2 + i);	/* after the two in use */
		KUNIT_EXPECT_EQ(test, dma, txq->dma[id]);
		KUNIT_EXPECT_EQ(test, len, i < 19 ? 2048 : 40000 - 19 * 2048);
		j = pattern_differs(p, len, offset - len);
		KUNIT_EXPECT_EQ_MSG(test, j, len, "buffer %u differs at byte %u", i, j);
	}
	KUNIT_EXPECT_EQ(test, offset, 40000);
	KUNIT_EXPECT_EQ(test, skbpool_txq_in_use(txq), 22);
	KUNIT_EXPECT_EQ(test, skbpool_txq_bounced(txq), 3);
	/* Ten free of 32: a second chain does not fit, takes nothing. */
	KUNIT_EXPECT_EQ(test, skbpool_tx_bounce_chain(txq, skb), -EBUSY);
	KUNIT_EXPECT_EQ(test, skbpool_txq_busy(txq), 1);
	KUNIT_EXPECT_EQ(test, skbpool_txq_in_use(txq), 22);
	skbpool_tx_complete(txq, 0);
	skbpool_tx_complete(txq, 1);
	skbpool_tx_complete_n(txq, first, n);
	KUNIT_EXPECT_EQ(test, skbpool_txq_in_use(txq), 0);
	kfree_skb(small);
	kfree_skb(skb);
	skbpool_txq_free(txq);
}

/* A frame longer than a buffer, not GSO (a jumbo frame), in emergency:
 * a chain of three across the ring's end, the last buffer one byte.
 */
static void emergency_chains_across_the_wrap(struct kunit *test)
{
	struct skbpool_txq *txq = skbpool_txq_alloc(fake_dev_new(test), 0, 8, 1536);
	struct sk_buff *skb = patterned(test, 2 * 2048 + 1, 0, 0), *small = frame(test, 60, 0);
	static const u32 ids[] = { 7, 0, 1 }, lens[] = { 2048, 2048, 1 };
	u32 offset = 0, len, i, j;
	dma_addr_t dma;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, txq);
	for (i = 0; i < 7; i++)
		skbpool_tx_complete(txq, skbpool_tx_bounce(txq, small, &dma, &len));
	KUNIT_EXPECT_FALSE(test, skbpool_tx_wants_bounce(txq, skb));
	KUNIT_EXPECT_EQ(test, skbpool_tx_bounce_chain(txq, skb), 0);
	set_emergency(txq, true);
	KUNIT_EXPECT_FALSE(test, skbpool_tx_wants_bounce(txq, skb));
	KUNIT_ASSERT_EQ(test, skbpool_tx_bounce_chain(txq, skb), 3);
	for (i = 0; i < 3; i++) {
		const u8 *p;
		u32 id = skbpool_tx_bounce_next(txq, skb, &offset, &dma, &len);

		KUNIT_EXPECT_EQ(test, id, ids[i]);
		KUNIT_EXPECT_EQ(test, len, lens[i]);
		p = txq->va[ids[i]];
		j = pattern_differs(p, len, offset - len);
		KUNIT_EXPECT_EQ_MSG(test, j, len, "buffer %u differs at byte %u", i, j);
	}
	KUNIT_EXPECT_EQ(test, skbpool_txq_in_use(txq), 3);
	skbpool_tx_complete_n(txq, 7, 3);
	KUNIT_EXPECT_EQ(test, skbpool_txq_in_use(txq), 0);
	KUNIT_EXPECT_EQ(test, skbpool_txq_bounced(txq), 8);
	kfree_skb(small);
	kfree_skb(skb);
	skbpool_txq_free(txq);
}

static void bounce_rejects_bad_params(struct kunit *test)
{
	struct skbpool_dev *sdev = fake_dev_new(test);

	KUNIT_EXPECT_EQ(test, PTR_ERR(skbpool_txq_alloc(sdev, 0, 0, 1536)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(skbpool_txq_alloc(sdev, 0, 8, PAGE_SIZE + 1)),
			-EINVAL);
}

static struct kunit_case tx_bounce_cases[] = {
	KUNIT_CASE(bounce_copies_and_pads),
	KUNIT_CASE(bounce_ring_full_and_oversize),
	KUNIT_CASE(bounce_gathers_frags),
	KUNIT_CASE(bounce_rejects_bad_params),
	KUNIT_CASE(emergency_bounces_every_frame_that_fits),
	KUNIT_CASE(emergency_chains_a_gso_frame),
	KUNIT_CASE(emergency_chains_across_the_wrap),
	{}
};

static struct kunit_suite tx_bounce_suite = {
	.name = "skbpool_tx_bounce",
	.test_cases = tx_bounce_cases,
};

kunit_test_suite(tx_bounce_suite);
