// SPDX-License-Identifier: GPL-2.0
/*
 * Reserve sizing: how many buffers a tagged RX queue preallocates.
 *
 * buffers = clamp(min_free_kbytes * share / nr_queues / buf_truesize,
 *                 floor, cap)           unless the admin set an override
 *
 * Runs on the control path only (tag, untag, ring resize, the periodic
 * resync), so 64-bit divisions are fine here.
 */
#include <linux/gfp.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/mm.h>
#include <kunit/visibility.h>

#include "compat.h"
#include "sizing.h"

/**
 * skbpool_size_reserve() - compute one queue's reserve from its inputs
 * @s: inputs filled in; the result fields are written
 *
 * A zero @s->nr_queues counts as one queue; a zero @s->buf_truesize gives
 * the floor.  An override is still kept to at least one ring (the ring must
 * be fillable) and to at most %SKBPOOL_CAP_BUFFERS.  The result fills
 * whole pages (an odd count of half-page buffers goes up by one).
 */
void skbpool_size_reserve(struct skbpool_sizing *s)
{
	u64 bytes = s->min_free_kbytes * 1024 * s->share_pct / 100;
	u64 per_queue = div_u64(bytes, max(s->nr_queues, 1U));
	u64 floor = (u64)s->ring_size * SKBPOOL_FLOOR_RINGS;

	s->share_buffers = s->buf_truesize ?
		min_t(u64, div_u64(per_queue, s->buf_truesize), U32_MAX) : 0;
	s->floor = min_t(u64, floor, SKBPOOL_CAP_BUFFERS);
	s->cap = SKBPOOL_CAP_BUFFERS;

	if (s->override)
		s->buffers = clamp(s->override, s->ring_size, s->cap);
	else
		s->buffers = clamp(s->share_buffers, s->floor, s->cap);
	/* A pool holds whole pages: two half-page buffers share one. */
	if (s->buf_truesize && s->buf_truesize < PAGE_SIZE)
		s->buffers = roundup(s->buffers, PAGE_SIZE / s->buf_truesize);
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_size_reserve);

/*
 * Zone @i of node @nid if it is one whose watermarks make up
 * min_free_kbytes, else NULL: highmem and movable zones get a fixed minimum
 * of their own that is not part of it (even when empty).
 */
static struct zone *lowmem_zone(int nid, int i)
{
	struct zone *zone = &NODE_DATA(nid)->node_zones[i];

	return is_highmem(zone) || i == ZONE_MOVABLE ? NULL : zone;
}

/**
 * skbpool_watermark_pages() - one watermark summed over the lowmem zones
 * @mark: WMARK_MIN, WMARK_LOW or WMARK_HIGH
 *
 * Highmem and movable zones get a fixed minimum of their own that is not
 * part of min_free_kbytes (even when empty), and watermark boosts are
 * transient: both are left out.
 *
 * Return: pages.
 */
unsigned long skbpool_watermark_pages(enum zone_watermarks mark)
{
	unsigned long pages = 0;
	struct zone *zone;
	int nid, i;

	for_each_online_node(nid) {
		for (i = 0; i < MAX_NR_ZONES; i++) {
			zone = lowmem_zone(nid, i);
			if (zone)
				pages += READ_ONCE(zone->_watermark[mark]);
		}
	}
	return pages;
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_watermark_pages);

/**
 * skbpool_lowmem_free_pages() - free pages an ordinary allocation could
 *	use, in the zones the watermarks above are summed over
 *
 * The same zones as skbpool_watermark_pages(), so free memory and the
 * thresholds are compared like for like.  Left out, as the page allocator
 * leaves them out when it checks a watermark for an allocation without
 * access to the reserves (a page fault, GFP_KERNEL, GFP_NOIO: the ones
 * that stall in direct reclaim, and then call the OOM killer, once free
 * memory is at min):
 *  - free CMA pages;
 *  - free pages of the high-order atomic reserve (MIGRATE_HIGHATOMIC
 *    pageblocks, which the allocator sets aside, up to 1% of a zone, after
 *    high-order atomic allocations succeed; a NIC's page-fragment refills
 *    are such allocations, so a flood builds this reserve up).  Counting
 *    them, free memory seemed a few hundred pages above min while page
 *    faults already found it below and the OOM killer ran;
 *  - a watermark boost: after fragmenting fallbacks (a flood of
 *    page-fragment refills beside a hog makes them common) the allocator
 *    raises a zone's watermarks until kswapd has reclaimed the boost, and
 *    an ordinary allocation stalls at the boosted min.  The thresholds
 *    stay unboosted (skbpool_watermark_pages()) and the boost is taken
 *    from free memory instead, so the comparison follows it at once;
 *  - in each zone, the part it protects from allocations that could be
 *    served higher up (lowmem_reserve, vm.lowmem_reserve_ratio, for
 *    GFP_ATOMIC's highest zone, ZONE_NORMAL).  Without that, the 16 MiB of
 *    ZONE_DMA, nearly all free and nearly all protected, would count as
 *    headroom while ZONE_DMA32 or ZONE_NORMAL is already below its min
 *    watermark.
 *
 * Return: pages.
 */
unsigned long skbpool_lowmem_free_pages(void)
{
	enum zone_type classzone = gfp_zone(GFP_ATOMIC);
	unsigned long pages = 0;
	struct zone *zone;
	int nid, i;
	long free;

	for_each_online_node(nid) {
		for (i = 0; i < MAX_NR_ZONES; i++) {
			zone = lowmem_zone(nid, i);
			if (!zone)
				continue;
			free = zone_page_state(zone, NR_FREE_PAGES) -
			       zone_page_state(zone, NR_FREE_CMA_PAGES) -
			       skbpool_zone_highatomic(zone) -
			       READ_ONCE(zone->watermark_boost) -
			       READ_ONCE(zone->lowmem_reserve[classzone]);
			pages += max(free, 0L);
		}
	}
	return pages;
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_lowmem_free_pages);

/**
 * skbpool_min_free_kbytes() - the live vm.min_free_kbytes
 *
 * The sysctl's variable is not exported; the kernel spreads it over the
 * lowmem zones as their min watermarks, so their sum is the same figure (to
 * within a page per zone of rounding), and it follows every write to the
 * sysctl.
 *
 * Return: the reserve in kilobytes.
 */
u64 skbpool_min_free_kbytes(void)
{
	return (u64)skbpool_watermark_pages(WMARK_MIN) << (PAGE_SHIFT - 10);
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_min_free_kbytes);
