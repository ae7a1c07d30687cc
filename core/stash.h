/* SPDX-License-Identifier: GPL-2.0 */
/* The stash: preallocated skb heads for an RX queue's NAPI poll. */
#ifndef _SKBPOOL_STASH_H
#define _SKBPOOL_STASH_H

#include <linux/types.h>
#include <linux/workqueue.h>

struct sk_buff;
struct skbpool_rxq;

/**
 * struct skbpool_stash - preallocated skb heads for one RX queue
 * @heads: heads ready for NAPI, @count of them; NAPI's alone
 * @spare: heads the refill worker prepared, @spare_count of them
 * @spare_ready: 0 while the worker owns @spare, 1 once NAPI may take it;
 *	each side hands it over with a release store the other reads with
 *	acquire, so the array contents travel with the flag
 * @work: the refill, on a WQ_MEM_RECLAIM workqueue
 *
 * NAPI never allocates heads itself: under pressure a GFP_ATOMIC attempt
 * per frame would fail every time, and the refill is better done by a
 * worker that may sleep (GFP_NOIO: it must not write to the very device
 * reclaim may be waiting on).
 */
struct skbpool_stash {
	struct sk_buff **heads;
	u32 count;
	struct sk_buff **spare;
	u32 spare_count;
	int spare_ready;
	struct work_struct work;
};

int skbpool_stash_init(struct skbpool_rxq *rxq);
void skbpool_stash_fini(struct skbpool_rxq *rxq);
struct sk_buff *skbpool_stash_take(struct skbpool_rxq *rxq);
int skbpool_stash_wq_init(void);
void skbpool_stash_wq_exit(void);
void skbpool_stash_flush(struct skbpool_rxq *rxq);

#endif /* _SKBPOOL_STASH_H */
