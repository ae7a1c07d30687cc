/* SPDX-License-Identifier: GPL-2.0 */
/* TX bounce buffers: preallocated, premapped, returned in ring order. */
#ifndef _SKBPOOL_TX_H
#define _SKBPOOL_TX_H

#include <linux/list.h>
#include <linux/types.h>
#include <linux/u64_stats_sync.h>

struct page;
struct skbpool_dev;

/**
 * struct skbpool_txq - one TX queue's bounce buffers
 * @va: CPU address of each bounce buffer
 * @dma: DMA address of each bounce buffer
 * @pages: the pages the buffers are cut from
 * @nr_pages: entries in @pages
 * @count: bounce buffers, a power of two
 * @buf_size: bytes per bounce buffer, a power of two
 * @buf_shift: log2(@buf_size), to count buffers without a division
 * @next_to_use: next buffer xmit takes; written under the xmit lock
 * @next_to_clean: next buffer completion returns; written by completion
 * @syncp: guards @bounced and @busy
 * @bounced: frames copied into a bounce buffer
 * @busy: frames that found too few bounce buffers free: a single one is
 *	mapped instead, a chain dropped (with a buffer per descriptor,
 *	neither happens)
 * @sdev: owning device
 * @qid: queue index
 * @node: on @sdev->txqs
 *
 * Buffers are taken and returned in ring order, as TX completions arrive
 * in order: in use = next_to_use - next_to_clean.  The two indices have a
 * single writer each; completion publishes with smp_store_release() and
 * xmit reads with smp_load_acquire(), so a buffer is reused only after the
 * device is done with it.
 */
struct skbpool_txq {
	void **va;
	dma_addr_t *dma;
	struct page **pages;
	u32 nr_pages;
	u32 count;
	u32 buf_size;
	u32 buf_shift;
	u32 next_to_use;
	u32 next_to_clean;
	struct u64_stats_sync syncp;
	u64_stats_t bounced;
	u64_stats_t busy;
	struct skbpool_dev *sdev;
	u32 qid;
	struct list_head node;
};

struct skbpool_txq *skbpool_txq_alloc(struct skbpool_dev *sdev, u32 qid,
				      u32 count, u32 buf_size);
void skbpool_txq_free(struct skbpool_txq *txq);
bool skbpool_txq_fits(const struct skbpool_txq *txq, u32 count, u32 buf_size);
void skbpool_txq_reset(struct skbpool_txq *txq);
u64 skbpool_txq_bounced(const struct skbpool_txq *txq);
u64 skbpool_txq_busy(const struct skbpool_txq *txq);
u32 skbpool_txq_in_use(const struct skbpool_txq *txq);

#endif /* _SKBPOOL_TX_H */
