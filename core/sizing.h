/* SPDX-License-Identifier: GPL-2.0 */
/* Reserve sizing: how many buffers a tagged RX queue preallocates. */
#ifndef _SKBPOOL_SIZING_H
#define _SKBPOOL_SIZING_H

#include <linux/mmzone.h>
#include <linux/types.h>

/**
 * define SKBPOOL_FLOOR_RINGS - the smallest reserve, in RX rings per queue
 *
 * A queue's reserve never drops below this many full RX rings: one ring
 * posted to the device, one ring's worth of frames still queued in socket
 * receive queues and the backlog when the next NAPI poll runs, one ring of
 * refill after a full poll, and one spare so a slow reader (a swap device
 * completing I/O) cannot starve the refill.
 */
#define SKBPOOL_FLOOR_RINGS	4

/**
 * define SKBPOOL_CAP_BUFFERS - the largest automatic reserve per queue
 *
 * Past this the reserve would pin more memory than any NIC of this class
 * can have in flight (64k buffers hold well over a second of traffic at
 * 1 Gbit/s), so a huge min_free_kbytes does not turn into a huge pool.
 */
#define SKBPOOL_CAP_BUFFERS	65536

/**
 * struct skbpool_sizing - inputs and result of one reserve computation
 * @min_free_kbytes: the live kernel reserve (sum of the zones' min watermarks)
 * @share_pct: percent of @min_free_kbytes shared by all tagged RX queues
 * @nr_queues: tagged RX queues over every tagged NIC, this one included
 * @ring_size: RX descriptors of this queue
 * @buf_truesize: bytes one buffer pins (data, headroom, skb_shared_info)
 * @override: the admin's buffers per queue; 0 means automatic
 * @share_buffers: result: buffers the share alone would give this queue
 * @floor: result: SKBPOOL_FLOOR_RINGS rings
 * @cap: result: the automatic ceiling
 * @buffers: result: the buffers this queue's pool holds
 *
 * Kept as one structure so the admin sees the formula's inputs next to its
 * result (ethtool -S, the netlink family) and the tests can check each step.
 */
struct skbpool_sizing {
	u64 min_free_kbytes;
	u32 share_pct;
	u32 nr_queues;
	u32 ring_size;
	u32 buf_truesize;
	u32 override;
	u32 share_buffers;
	u32 floor;
	u32 cap;
	u32 buffers;
};

void skbpool_size_reserve(struct skbpool_sizing *s);
u64 skbpool_min_free_kbytes(void);
unsigned long skbpool_watermark_pages(enum zone_watermarks mark);
unsigned long skbpool_lowmem_free_pages(void);

#endif /* _SKBPOOL_SIZING_H */
