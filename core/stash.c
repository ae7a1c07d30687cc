// SPDX-License-Identifier: GPL-2.0
/*
 * The skb head stash: heads for a queue's frames when the NAPI head cache
 * cannot be refilled, that is, exactly when memory is short.
 *
 * NAPI takes heads from @heads and never allocates.  When it has used half,
 * it asks a worker for more; the worker allocates a batch into @spare with
 * a sleeping allocation (which memory pressure and the GFP_ATOMIC failures
 * it brings do not fail as readily) and hands the batch over; NAPI swaps it
 * in at its next take.  A failed refill counts as an allocation failure on
 * the device's RX path, for emergency mode.
 *
 * Heads come from the kernel's skb head cache; where it is out of reach
 * (6.1, core/compat.h) a queue has no stash: skbpool_stash_init()
 * leaves it empty, and critical frames get heads from the NAPI cache only.
 */
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "compat.h"
#include "emergency.h"
#include "rx.h"
#include "stash.h"

/* Heads per queue: enough for the critical frames of a refill's latency. */
#define SKBPOOL_STASH_SIZE	256

static struct workqueue_struct *stash_wq;

static void stash_refill(struct work_struct *work)
{
	struct skbpool_stash *st = container_of(work, struct skbpool_stash, work);
	struct skbpool_rxq *rxq = container_of(st, struct skbpool_rxq, stash);
	u32 want;

	/* Pairs with the release in stash_swap(): NAPI is done with @spare. */
	if (smp_load_acquire(&st->spare_ready))
		return;
	want = SKBPOOL_STASH_SIZE - st->spare_count;
	st->spare_count += kmem_cache_alloc_bulk(skbpool_skb_head_cache(),
						 GFP_NOIO | __GFP_NOWARN, want,
						 (void **)st->spare + st->spare_count);
	if (st->spare_count < SKBPOOL_STASH_SIZE)
		skbpool_emergency_alloc_failed(rxq->sdev);
	if (st->spare_count)
		/* Publishes the heads written above to stash_swap(). */
		smp_store_release(&st->spare_ready, 1);
}

/* NAPI: move the worker's batch in, and ask for the next one. */
static void stash_swap(struct skbpool_stash *st)
{
	/* Pairs with the release in stash_refill(). */
	if (smp_load_acquire(&st->spare_ready)) {
		while (st->spare_count && st->count < SKBPOOL_STASH_SIZE)
			st->heads[st->count++] = st->spare[--st->spare_count];
		/* Hands @spare back with what is left in it. */
		smp_store_release(&st->spare_ready, 0);
	}
	queue_work(stash_wq, &st->work);
}

/**
 * skbpool_stash_take() - one head from the stash
 * @rxq: the queue
 *
 * Context: the queue's NAPI poll.
 * Return: a head (not zeroed) or NULL when the stash is empty or absent.
 */
struct sk_buff *skbpool_stash_take(struct skbpool_rxq *rxq)
{
	struct skbpool_stash *st = &rxq->stash;

	if (unlikely(!st->heads))
		return NULL;
	if (unlikely(st->count <= SKBPOOL_STASH_SIZE / 2))
		stash_swap(st);
	return st->count ? st->heads[--st->count] : NULL;
}

/**
 * skbpool_stash_init() - fill a queue's stash
 * @rxq: the queue
 *
 * Context: process context, GFP_KERNEL.
 * Return: 0 (the stash left empty where the kernel's skb head cache is out
 * of reach) or -ENOMEM, with nothing left allocated.
 */
int skbpool_stash_init(struct skbpool_rxq *rxq)
{
	struct skbpool_stash *st = &rxq->stash;

	INIT_WORK(&st->work, stash_refill);
	if (!skbpool_skb_head_cache())
		return 0;
	st->heads = kcalloc(SKBPOOL_STASH_SIZE, sizeof(*st->heads), GFP_KERNEL);
	st->spare = kcalloc(SKBPOOL_STASH_SIZE, sizeof(*st->spare), GFP_KERNEL);
	if (!st->heads || !st->spare)
		goto err;
	st->count = kmem_cache_alloc_bulk(skbpool_skb_head_cache(), GFP_KERNEL,
					  SKBPOOL_STASH_SIZE, (void **)st->heads);
	if (st->count)
		return 0;
err:
	skbpool_stash_fini(rxq);
	return -ENOMEM;
}

/**
 * skbpool_stash_fini() - free the stash, waiting for a refill under way
 * @rxq: the queue; its NAPI no longer runs
 */
void skbpool_stash_fini(struct skbpool_rxq *rxq)
{
	struct skbpool_stash *st = &rxq->stash;

	if (st->work.func)
		cancel_work_sync(&st->work);
	if (st->count)
		kmem_cache_free_bulk(skbpool_skb_head_cache(), st->count,
				     (void **)st->heads);
	if (st->spare_count)
		kmem_cache_free_bulk(skbpool_skb_head_cache(), st->spare_count,
				     (void **)st->spare);
	kfree(st->heads);
	kfree(st->spare);
	memset(st, 0, sizeof(*st));
}

/**
 * skbpool_stash_flush() - wait for a refill under way (for tests)
 * @rxq: the queue
 */
void skbpool_stash_flush(struct skbpool_rxq *rxq)
{
	flush_work(&rxq->stash.work);
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_stash_flush);

/**
 * skbpool_stash_wq_init() - the refill workqueue
 *
 * WQ_MEM_RECLAIM gives it a rescuer thread, so a refill still runs when
 * memory is too short to create a worker: the moment it matters most.
 *
 * Return: 0 or -ENOMEM.
 */
int skbpool_stash_wq_init(void)
{
	stash_wq = alloc_workqueue("skbpool_stash", WQ_MEM_RECLAIM | WQ_HIGHPRI, 0);
	return stash_wq ? 0 : -ENOMEM;
}

/**
 * skbpool_stash_wq_exit() - destroy it; every queue is gone by now
 */
void skbpool_stash_wq_exit(void)
{
	destroy_workqueue(stash_wq);
}
