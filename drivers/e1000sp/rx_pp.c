// SPDX-License-Identifier: GPL-2.0
/*
 * e1000sp: the untagged RX ring on the kernel's page_pool, for comparison.
 *
 * With the module parameter rx_page_pool=1 an untagged ring takes its
 * buffers from a page_pool, as most recent drivers do, instead of mapping
 * an skb per buffer: half a page per frame (page_pool fragments, 2 KiB
 * like skbpool's), mapped once per page by the pool and recycled through
 * it when the stack frees the skb (skb_mark_for_recycle()).  It is what a
 * driver author would pick instead of skbpool, measured on the same
 * emulated hardware by bench-e1000.  No reserve, nothing classified:
 * under memory pressure it allocates like any stock driver.
 *
 * Only frames that fit half a page take this path (RCTL.LPE clear: the
 * device stores at most 1,522 bytes); a jumbo MTU keeps the skb path.
 * Everything here runs in the ring's NAPI poll, or with NAPI stopped.
 */
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/skbuff.h>

#include "e1000sp.h"

/* A fragment: headroom, the frame, skb_shared_info. */
#define E1000SP_PP_FRAG		(PAGE_SIZE / 2)
#define E1000SP_PP_HEADROOM	(NET_SKB_PAD + NET_IP_ALIGN)

static bool rx_page_pool;
module_param(rx_page_pool, bool, 0644);
MODULE_PARM_DESC(rx_page_pool,
		 "untagged RX on the kernel's page_pool instead of an skb per buffer (for comparison; read when the ring is built)");

/**
 * e1000sp_pp_create() - a page_pool for the RX ring, when asked for
 * @ad: the adapter, its RX ring being built untagged
 * @frame_max: the longest frame the device stores
 *
 * Return: 0 (rx->pp set, or NULL: not asked for or frames too large), or
 * a negative errno.
 */
int e1000sp_pp_create(struct e1000sp_adapter *ad, u32 frame_max)
{
	struct page_pool_params pp = {
		.order = 0,
		.pool_size = ad->rx.count,
		.nid = NUMA_NO_NODE,
		.dev = &ad->pdev->dev,
		.dma_dir = DMA_FROM_DEVICE,
		.flags = PP_FLAG_DMA_MAP | SKBPOOL_PP_FLAG_FRAG,
	};
	struct page_pool *pool;

	skbpool_pp_params_owner(&pp, &ad->napi, ad->netdev);
	ad->rx.pp = NULL;
	if (!READ_ONCE(rx_page_pool) ||
	    E1000SP_PP_HEADROOM + frame_max +
	    SKB_DATA_ALIGN(sizeof(struct skb_shared_info)) > E1000SP_PP_FRAG)
		return 0;
	pool = page_pool_create(&pp);
	if (IS_ERR(pool))
		return PTR_ERR(pool);
	ad->rx.pp = pool;
	return 0;
}

/**
 * e1000sp_pp_post() - a fragment for one descriptor
 * @rx: the ring
 * @b: the descriptor's state
 * @dma: where the device may write
 *
 * Return: 0 or -ENOMEM.
 */
int e1000sp_pp_post(struct e1000sp_rx_ring *rx, struct e1000sp_rx_buf *b,
		    dma_addr_t *dma)
{
	unsigned int offset;
	struct page *page;

	page = page_pool_dev_alloc_frag(rx->pp, &offset, E1000SP_PP_FRAG);
	if (unlikely(!page))
		return -ENOMEM;
	b->page = page;
	b->offset = offset + E1000SP_PP_HEADROOM;
	/* The pool maps pages once; each fragment is synced here. */
	dma_sync_single_range_for_device(rx->pp->p.dev, page_pool_get_dma_addr(page),
					 b->offset, e1000sp_pp_buf_len(),
					 DMA_FROM_DEVICE);
	*dma = page_pool_get_dma_addr(page) + b->offset;
	return 0;
}

/**
 * e1000sp_pp_recycle() - give back a fragment that carries no frame
 * @rx: the ring
 * @b: the descriptor's state
 * @napi: in the NAPI poll (the pool's lockless cache may take it)
 */
void e1000sp_pp_recycle(struct e1000sp_rx_ring *rx, struct e1000sp_rx_buf *b,
			bool napi)
{
	page_pool_put_page(rx->pp, b->page, -1, napi);
	b->page = NULL;
}

/**
 * e1000sp_pp_take() - an skb on a completed fragment
 * @rx: the ring
 * @b: the descriptor's state
 * @len: bytes the device wrote
 * @napi: the ring's NAPI
 *
 * A frame up to the ring's copybreak is copied into a small skb and its
 * fragment goes back to the pool at once.
 *
 * Return: the skb, or NULL (no head, or a length the fragment cannot
 * hold); the fragment then goes back to the pool.
 */
struct sk_buff *e1000sp_pp_take(struct e1000sp_rx_ring *rx,
				struct e1000sp_rx_buf *b, u32 len,
				struct napi_struct *napi)
{
	void *va = page_address(b->page) + b->offset - E1000SP_PP_HEADROOM;
	struct sk_buff *skb;

	if (unlikely(len > e1000sp_pp_buf_len())) {
		e1000sp_pp_recycle(rx, b, true);
		return NULL;
	}
	dma_sync_single_range_for_cpu(rx->pp->p.dev, page_pool_get_dma_addr(b->page),
				      b->offset, len, DMA_FROM_DEVICE);
	net_prefetch(va + E1000SP_PP_HEADROOM);
	if (len <= rx->copybreak) {
		skb = e1000sp_rx_copy(napi, va + E1000SP_PP_HEADROOM, len);
		if (likely(skb)) {
			e1000sp_pp_recycle(rx, b, true);
			e1000sp_rx_count(rx, &rx->stats.copied, 1);
			return skb;
		}
	}
	skb = napi_build_skb(va, E1000SP_PP_FRAG);
	if (unlikely(!skb)) {
		e1000sp_pp_recycle(rx, b, true);
		return NULL;
	}
	skb_mark_for_recycle(skb);
	skb_reserve(skb, E1000SP_PP_HEADROOM);
	__skb_put(skb, len);
	b->page = NULL;
	return skb;
}

/**
 * e1000sp_pp_buf_len() - bytes the device may write into a fragment
 *
 * Return: the length (what RCTL.LPE clear lets the device store fits).
 */
u32 e1000sp_pp_buf_len(void)
{
	return E1000SP_PP_FRAG - E1000SP_PP_HEADROOM -
	       SKB_DATA_ALIGN(sizeof(struct skb_shared_info));
}
