// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: TX bounce buffers: frames are copied and padded, buffers are
 * returned in ring order, a full ring says -EBUSY and a too large frame
 * -EMSGSIZE, with nothing taken.  In emergency every frame that fits one
 * buffer is bounced.
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
	/* A GSO frame is never put into one buffer. */
	skb_shinfo(skb)->gso_size = 500;
	KUNIT_EXPECT_FALSE(test, skbpool_tx_wants_bounce(txq, skb));
	skb_shinfo(skb)->gso_size = 0;
	set_emergency(txq, false);
	KUNIT_EXPECT_FALSE(test, skbpool_tx_wants_bounce(txq, skb));
	kfree_skb(skb);
	kfree_skb(big);
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
	{}
};

static struct kunit_suite tx_bounce_suite = {
	.name = "skbpool_tx_bounce",
	.test_cases = tx_bounce_cases,
};

kunit_test_suite(tx_bounce_suite);
