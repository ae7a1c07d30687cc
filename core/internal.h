/* SPDX-License-Identifier: GPL-2.0 */
/* skbpool internals shared by core/ files; drivers see include/ only. */
#ifndef _SKBPOOL_INTERNAL_H
#define _SKBPOOL_INTERNAL_H

#include <linux/list.h>
#include <linux/mmzone.h>
#include <linux/mutex.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>

#include <skbpool/classify.h>
#include <skbpool/skbpool.h>
#include <skbpool/sizing.h>

/*
 * Page-reference bias.  A pool page carries SKBPOOL_BIAS_MAX references
 * from the start; each time the page goes up the stack inside an skb, one
 * of them goes with it (the stack drops it with put_page() when it frees
 * the data) and @bias counts the ones still ours.  The page is back when
 * page_ref_count(page) == bias: nobody else holds it.  The count never
 * reaches zero, so the stack never frees the page; no atomic RMW is needed
 * per packet, only a top-up every SKBPOOL_BIAS_MAX - 1 uses.
 */
#define SKBPOOL_BIAS_MAX	USHRT_MAX

/* Marks a buffer's @bias while a pool is parked (skbpool_rxq_park()). */
#define SKBPOOL_RXBUF_MARK	BIT(31)

/* Marks an id that names a lent page, not a pool buffer (lend.c). */
#define SKBPOOL_RX_LENT		BIT(30)

/* Room before the frame: what the stack expects to be able to push. */
#define SKBPOOL_RX_HEADROOM	(NET_SKB_PAD + NET_IP_ALIGN)

/**
 * struct skbpool_rxbuf - one RX buffer: a page (or compound page) of its own
 * @page: the page, NULL for an unused slot
 * @dma: the page's DMA address (mapped once, for the pool's life)
 * @bias: page references still owned by the pool
 */
struct skbpool_rxbuf {
	struct page *page;
	dma_addr_t dma;
	u32 bias;
};

/**
 * struct skbpool_rxq_arrays - the id arrays of a pool, as one unit
 * @bufs: buffer slots
 * @free: free-list storage
 * @held: held-FIFO storage
 * @capacity: entries in @bufs and @free
 * @held_mask: entries in @held, minus one (a power of two)
 */
struct skbpool_rxq_arrays {
	struct skbpool_rxbuf *bufs;
	u32 *free;
	u32 *held;
	u32 capacity;
	u32 held_mask;
};

enum skbpool_resize_state {
	SKBPOOL_RESIZE_IDLE,	/* the resync worker owns @resize */
	SKBPOOL_RESIZE_PENDING,	/* NAPI applies it at its next buffer get */
	SKBPOOL_RESIZE_DONE,	/* applied; the worker frees the leftovers */
};

/**
 * struct skbpool_rxq_resize - a resize prepared in process context and
 *	applied by the queue's NAPI, so the queue never stops and nothing is
 *	allocated in softirq
 * @state: enum skbpool_resize_state; ownership passes with
 *	smp_store_release() / smp_load_acquire()
 * @target: buffers wanted
 * @arrays: larger id arrays to move into, when growing past capacity;
 *	after the apply, the old arrays to free
 * @grow: preallocated buffers to add, @nr_grow of them
 * @pos: scratch for the shrink, one entry per id
 * @released: buffers NAPI took out of the pool (shrink, and @grow entries
 *	that did not fit), @nr_released of them, to unmap and free
 */
struct skbpool_rxq_resize {
	int state;
	u32 target;
	struct skbpool_rxq_arrays arrays;
	struct skbpool_rxbuf *grow;
	u32 nr_grow;
	u32 *pos;
	struct skbpool_rxbuf *released;
	u32 nr_released;
};

/*
 * Counters, per queue.  Written only by the queue's NAPI poll (RX) or its
 * xmit path (TX bounce: xmit lock), read from anywhere through @syncp.
 */
struct skbpool_rxq_stats {
	u64_stats_t recycled;
	u64_stats_t slowpath;
	u64_stats_t stash_used;
	u64_stats_t build_failed;
	u64_stats_t exhausted;
	u64_stats_t lent;
	u64_stats_t fence_copied;
	u64_stats_t fence_dropped;
	u64_stats_t pfmemalloc;
	u64_stats_t cls[SKBPOOL_CLASS_REASONS];
};

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

/**
 * struct skbpool_rxq - one RX queue's pool
 * @bufs: buffer slots, @capacity of them; pool ids index this array
 *	(lent ids, with SKBPOOL_RX_LENT, index @lent instead)
 * @free: stack of ids ready to post, @nr_free on it
 * @held: FIFO of ids whose frame went up the stack (in flight), indexed
 *	with @held_mask; @held_head is the oldest
 * @occupancy: packed (total << 32 | in_flight), one store per change so
 *	a reader always sees a consistent pair (total = free + in_flight)
 * @posted: pool ids given to the driver and not yet back (ring contents;
 *	lent ids are not counted: they are not the pool's)
 * @total: buffers the pool owns (allocated slots)
 * @capacity: slots in @bufs; growth past @total is the slow path
 * @order: page order of a buffer
 * @headroom: bytes before the frame (NET_SKB_PAD + NET_IP_ALIGN)
 * @buf_len: bytes the device may write
 * @truesize: bytes a buffer pins (PAGE_SIZE << @order)
 * @fence: buffers only critical frames may hold (skbpool_rxq_set_fence());
 *	written with WRITE_ONCE() for readers outside NAPI
 * @scan_left: held buffers a dry get may still look at in this poll
 *	(SKBPOOL_SCAN_PER_POLL at each skbpool_rx_napi_begin())
 * @emergency: the device's emergency state as this NAPI poll saw it
 * @lent: lent buffers, one slot per ring descriptor (lend.c)
 * @lend_slots: entries in @lent and @lend_free
 * @lend_free: stack of free slots in @lent, @nr_lend_free on it
 * @stash: preallocated skb heads for when the NAPI head cache is empty
 * @pages_alloc: pages allocated for pool buffers, ever (any context:
 *	atomic, as the resync worker grows a pool while NAPI runs)
 * @dma_dev: @sdev->dma_dev, kept here for the hot path
 * @resize: a resize on its way to NAPI
 * @requested: the target of the last resize asked for
 * @syncp: guards @occupancy and @stats for 32-bit readers
 * @stats: counters
 * @exhaust_next: jiffies before which no pool-exhausted event is asked
 *	for again (written by NAPI only)
 * @exhaust_reported: @stats.exhausted as of the last event (written by the
 *	event worker, under skbpool_lock)
 * @sdev: owning device
 * @params: the driver's description of the queue
 * @node: on @sdev->rxqs
 *
 * Everything above @resize is touched by the NAPI poll only (or before
 * NAPI starts and after it stops), hence no locks and no atomics; @resize
 * changes hands as its comment says.
 */
struct skbpool_rxq {
	struct skbpool_rxbuf *bufs;
	u32 *free;
	u32 nr_free;
	u32 *held;
	u32 held_head;
	u32 held_tail;
	u32 held_mask;
	u32 posted;
	u32 total;
	u32 capacity;
	u32 order;
	u32 headroom;
	u32 buf_len;
	u32 truesize;
	u32 fence;
	u32 scan_left;
	bool emergency;
	struct skbpool_rxbuf *lent;
	u32 lend_slots;
	u32 *lend_free;
	u32 nr_lend_free;
	struct skbpool_stash stash;
	atomic_long_t pages_alloc;
	struct device *dma_dev;
	struct skbpool_rxq_resize resize;
	u32 requested;

	struct u64_stats_sync syncp;
	u64_stats_t occupancy;
	struct skbpool_rxq_stats stats;
	unsigned long exhaust_next;
	u64 exhaust_reported;

	struct skbpool_dev *sdev;
	struct skbpool_rxq_params params;
	struct list_head node;
};

/**
 * struct skbpool_txq - one TX queue's bounce buffers
 * @va: CPU address of each bounce buffer
 * @dma: DMA address of each bounce buffer
 * @pages: the pages the buffers are cut from
 * @nr_pages: entries in @pages
 * @count: bounce buffers, a power of two
 * @buf_size: bytes per bounce buffer
 * @next_to_use: next buffer xmit takes; written under the xmit lock
 * @next_to_clean: next buffer completion returns; written by completion
 * @syncp: guards @bounced and @busy
 * @bounced: frames copied into a bounce buffer
 * @busy: frames that found every bounce buffer in use (sent unbounced)
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
	u32 next_to_use;
	u32 next_to_clean;
	struct u64_stats_sync syncp;
	u64_stats_t bounced;
	u64_stats_t busy;
	struct skbpool_dev *sdev;
	u32 qid;
	struct list_head node;
};

/**
 * struct skbpool_rxq_snapshot - one consistent reading of a queue
 * @total: buffers owned
 * @free: buffers with the driver or on the free list
 * @in_flight: buffers whose frames the stack holds
 * @recycled: buffers seen back from the stack and reused
 * @slowpath: page allocations for packet data on the receive path
 * @stash_used: skb heads taken from the stash
 * @build_failed: frames lost for want of an skb head
 * @exhausted: buffer gets refused: every buffer in flight, no growth left,
 *	nothing lent
 * @lent: pages lent for one frame while the pool was all in flight
 * @fence: buffers kept for critical frames
 * @fence_copied: bulk frames copied out at the fence, their buffer reused
 * @fence_dropped: bulk frames dropped at the fence (no memory for a copy)
 * @pfmemalloc: frames handed up marked pfmemalloc (skbpool_rxq_admit())
 * @pages_alloc: pages allocated for pool buffers
 * @cls: frames classified in emergency, by enum skbpool_class_reason
 */
struct skbpool_rxq_snapshot {
	u32 total;
	u32 free;
	u32 in_flight;
	u32 fence;
	u64 recycled;
	u64 slowpath;
	u64 stash_used;
	u64 build_failed;
	u64 exhausted;
	u64 lent;
	u64 fence_copied;
	u64 fence_dropped;
	u64 pfmemalloc;
	u64 pages_alloc;
	u64 cls[SKBPOOL_CLASS_REASONS];
};

/**
 * enum skbpool_em_policy - the admin's emergency policy
 * @SKBPOOL_EM_POLICY_AUTO: follow memory pressure (the default)
 * @SKBPOOL_EM_POLICY_ON: forced on (private flag "skbpool-emergency")
 * @SKBPOOL_EM_POLICY_OFF: never
 */
enum skbpool_em_policy {
	SKBPOOL_EM_POLICY_AUTO,
	SKBPOOL_EM_POLICY_ON,
	SKBPOOL_EM_POLICY_OFF,
};

/**
 * enum skbpool_em_reason - why the state last changed
 * @SKBPOOL_EM_PRESSURE: free memory at the enter threshold
 * @SKBPOOL_EM_ALLOC_FAIL: an allocation on the RX path failed
 * @SKBPOOL_EM_ADMIN: the policy changed
 * @SKBPOOL_EM_CALM: memory calm for the hold time
 */
enum skbpool_em_reason {
	SKBPOOL_EM_PRESSURE,
	SKBPOOL_EM_ALLOC_FAIL,
	SKBPOOL_EM_ADMIN,
	SKBPOOL_EM_CALM,
};

/* Transitions whose causes are kept for the event worker, per device. */
#define SKBPOOL_EM_LOG		8

/**
 * struct skbpool_emergency - one device's emergency state
 * @policy: enum skbpool_em_policy; written under skbpool_lock
 * @active: 0 or 1; changed only by compare-and-exchange (emergency.c)
 * @calm_after: jiffies; auto mode may not leave before
 * @next_probe: jiffies; the next canary allocation while not in emergency
 * @enters: transitions into emergency
 * @leaves: transitions out of it
 * @last_reason: enum skbpool_em_reason of the last transition
 * @last_change_ns: boottime of the last transition
 * @log: the causes of the latest transitions, for events: transition n
 *	(enter k is number 2k - 1, leave k number 2k, as the state starts
 *	off and alternates) is stored in slot n % %SKBPOOL_EM_LOG as
 *	n << 2 | enum skbpool_em_reason, with a release store by whoever
 *	made the transition; the number tells a reader whether the slot is
 *	written yet, or already reused
 *
 * Read locklessly from every NAPI poll; each field is one word.
 */
struct skbpool_emergency {
	int policy;
	int active;
	unsigned long calm_after;
	unsigned long next_probe;
	atomic_long_t enters;
	atomic_long_t leaves;
	u32 last_reason;
	u64 last_change_ns;
	unsigned long log[SKBPOOL_EM_LOG];
};

/**
 * struct skbpool_emergency_info - a reading of struct skbpool_emergency
 * @policy: enum skbpool_em_policy
 * @active: in emergency now
 * @enters: transitions into emergency
 * @last_reason: enum skbpool_em_reason
 * @last_change_ns: boottime of the last transition, 0 if none
 */
struct skbpool_emergency_info {
	u32 policy;
	bool active;
	u64 enters;
	u32 last_reason;
	u64 last_change_ns;
};

/**
 * struct skbpool_dev - the library's state for one registered netdev
 * @netdev: the device
 * @dma_dev: the device that maps buffers (the PCI function, or simnic's)
 * @ops: driver callbacks
 * @tagged: the admin's tag (private flag "skbpool")
 * @em: emergency mode
 * @rules: the admin's critical-traffic rules (RCU; written under skbpool_lock)
 * @override: admin's buffers per RX queue, 0 for automatic
 * @queue_override: admin's buffers for one RX queue, indexed by queue id,
 *	0 to follow @override; @nr_queue_override entries (the netdev's
 *	num_rx_queues, fixed at its allocation)
 * @nr_queue_override: see @queue_override
 * @rxqs: live RX pools
 * @parked: RX pools of queues being rebuilt, kept for the new ring
 *	(skbpool_rxq_destroy() and skbpool_rxq_create())
 * @txqs: live TX bounce pools
 * @parked_txqs: TX bounce pools of queues being rebuilt, likewise
 * @gone: counters of pools already destroyed, so ethtool -S stays monotonic
 * @em_reported: emergency transitions sent as netlink events (the event
 *	worker's, under skbpool_lock)
 * @node: on skbpool_devices
 *
 * @tagged, @override, @queue_override and the lists change under RTNL and
 * skbpool_lock.
 */
struct skbpool_dev {
	struct net_device *netdev;
	struct device *dma_dev;
	const struct skbpool_dev_ops *ops;
	bool tagged;
	struct skbpool_emergency em;
	struct skbpool_rules __rcu *rules;
	u32 override;
	u32 *queue_override;
	u32 nr_queue_override;
	struct list_head rxqs;
	struct list_head parked;
	struct list_head txqs;
	struct list_head parked_txqs;
	struct {
		struct skbpool_rxq_snapshot rx;
		u64 tx_bounce;
		u64 tx_busy;
	} gone;
	unsigned long em_reported;
	struct list_head node;
};

/* A learned flow not seen on transmit for a minute is forgotten. */
#define SKBPOOL_FLOW_MAX_AGE	(60 * HZ)

/* netns.c: the learned flows, one table per network namespace */
int skbpool_netns_init(void);
void skbpool_netns_exit(void);
struct skbpool_flows *skbpool_dev_flows(const struct skbpool_dev *sdev);
void skbpool_dev_flow_unlearned(const struct skbpool_dev *sdev);
u64 skbpool_dev_flows_unlearned(const struct skbpool_dev *sdev);

/* All registered devices; skbpool_lock guards the list and the fields above. */
extern struct list_head skbpool_devices;
extern struct mutex skbpool_lock;

extern unsigned int skbpool_share_pct;

u32 skbpool_rx_truesize(u32 frame_len);
struct skbpool_rxq *skbpool_rxq_alloc(struct skbpool_dev *sdev,
				      const struct skbpool_rxq_params *p,
				      u32 buffers);
void skbpool_rxq_free(struct skbpool_rxq *rxq);
void skbpool_rxq_park(struct skbpool_rxq *rxq);
int skbpool_rxq_unpark(struct skbpool_rxq *rxq, const struct skbpool_rxq_params *p);
struct page *skbpool_rx_page_alloc(struct skbpool_rxq *rxq, gfp_t gfp);
void skbpool_dev_read_rx(const struct skbpool_dev *sdev, struct skbpool_rxq_snapshot *sum);
void skbpool_dev_take_parked(struct skbpool_dev *sdev, u32 from_qid,
			     struct list_head *list);
void skbpool_rxqs_free(struct list_head *list);
struct skbpool_txq *skbpool_txq_alloc(struct skbpool_dev *sdev, u32 qid,
				      u32 count, u32 buf_size);
void skbpool_txq_free(struct skbpool_txq *txq);
bool skbpool_txq_fits(const struct skbpool_txq *txq, u32 count, u32 buf_size);
void skbpool_txq_reset(struct skbpool_txq *txq);
u32 skbpool_size_rxq(struct skbpool_dev *sdev,
		     const struct skbpool_rxq_params *p,
		     struct skbpool_sizing *s);
int skbpool_dev_set_tag(struct skbpool_dev *sdev, bool tag);
struct sk_buff *skbpool_rx_napi_build(void *va, u32 truesize);
void skbpool_rxq_read(const struct skbpool_rxq *rxq,
		      struct skbpool_rxq_snapshot *snap);
int skbpool_rxq_resize(struct skbpool_rxq *rxq, u32 buffers);
int skbpool_rxq_resize_request(struct skbpool_rxq *rxq, u32 buffers);
void skbpool_rxq_apply_resize(struct skbpool_rxq *rxq);
void skbpool_rxq_resize_finish(struct skbpool_rxq *rxq);
void skbpool_rxq_publish(struct skbpool_rxq *rxq);
int skbpool_rxbuf_alloc(struct skbpool_rxq *rxq, struct skbpool_rxbuf *buf,
			gfp_t gfp);
void skbpool_rxbuf_release(struct skbpool_rxq *rxq, struct skbpool_rxbuf *buf);
int skbpool_rxq_arrays_alloc(struct skbpool_rxq_arrays *a, u32 capacity, int node);
void skbpool_rxq_arrays_free(struct skbpool_rxq_arrays *a);
void skbpool_rxq_swap_arrays(struct skbpool_rxq *rxq, struct skbpool_rxq_arrays *a);
u32 skbpool_rxq_capacity_for(const struct skbpool_rxq *rxq, u32 buffers);
u32 skbpool_rx_reclaim(struct skbpool_rxq *rxq, u32 budget);
void skbpool_rxq_set_fence(struct skbpool_rxq *rxq);
void skbpool_rxq_count(struct skbpool_rxq *rxq, u64_stats_t *counter, u32 n);
struct sk_buff *skbpool_rxq_head(struct skbpool_rxq *rxq, void *va);
bool skbpool_rxq_admit(struct skbpool_rxq *rxq, const void *frame, u32 len,
		       bool *pfmemalloc);
void skbpool_rxq_mark(struct skbpool_rxq *rxq, struct sk_buff *skb,
		      bool pfmemalloc);
int skbpool_rxq_lend_init(struct skbpool_rxq *rxq);
void skbpool_rxq_lend_fini(struct skbpool_rxq *rxq);
void skbpool_rxq_lend_reset(struct skbpool_rxq *rxq);
struct page *skbpool_rx_lend_page(struct skbpool_rxq *rxq);
int skbpool_rx_lend(struct skbpool_rxq *rxq, dma_addr_t *dma);
void *skbpool_rx_lent_va(const struct skbpool_rxq *rxq, u32 id);
void skbpool_rx_lent_put(struct skbpool_rxq *rxq, u32 id);
struct sk_buff *skbpool_rx_lent_build(struct skbpool_rxq *rxq, u32 id, u32 len);
u64 skbpool_txq_bounced(const struct skbpool_txq *txq);
u64 skbpool_txq_busy(const struct skbpool_txq *txq);
u32 skbpool_txq_in_use(const struct skbpool_txq *txq);

int skbpool_dev_set_override(struct skbpool_dev *sdev, u32 buffers);
int skbpool_dev_set_queue_override(struct skbpool_dev *sdev, u32 qid, u32 buffers);
u32 skbpool_dev_queue_override(const struct skbpool_dev *sdev, u32 qid);
void skbpool_resync_kick(void);

int skbpool_nl_init(void);
void skbpool_nl_exit(void);
void skbpool_nl_notify_tag(struct skbpool_dev *sdev);
void skbpool_nl_exhausted(struct skbpool_rxq *rxq);
void skbpool_nl_emergency_changed(void);
void skbpool_resync_sync(void);
int skbpool_resync_init(void);
void skbpool_resync_exit(void);
void skbpool_resync_devices(void);

unsigned long skbpool_watermark_pages(enum zone_watermarks mark);
unsigned long skbpool_lowmem_free_pages(void);
unsigned long skbpool_free_pages(void);
bool skbpool_emergency_probe(void);
void skbpool_emergency_update_thresholds(void);
void skbpool_emergency_pin_thresholds(unsigned long enter_pages,
				      unsigned long leave_pages,
				      unsigned long hold);
void skbpool_emergency_unpin_thresholds(void);
bool skbpool_emergency_poll(struct skbpool_dev *sdev);
void skbpool_emergency_alloc_failed(struct skbpool_dev *sdev);
int skbpool_emergency_set_policy(struct skbpool_dev *sdev, u32 policy);
void skbpool_emergency_read(const struct skbpool_dev *sdev,
			    struct skbpool_emergency_info *info);
const char *skbpool_emergency_reason_name(u32 reason);
bool skbpool_emergency_next_change(const struct skbpool_dev *sdev,
				   unsigned long *reported, bool *on, int *reason);

int skbpool_stash_init(struct skbpool_rxq *rxq);
void skbpool_stash_fini(struct skbpool_rxq *rxq);
struct sk_buff *skbpool_stash_take(struct skbpool_rxq *rxq);
int skbpool_stash_wq_init(void);
void skbpool_stash_wq_exit(void);
void skbpool_stash_flush(struct skbpool_rxq *rxq);

void skbpool_rules_fini(struct skbpool_dev *sdev);
int skbpool_rule_add(struct skbpool_dev *sdev, const struct skbpool_rule *rule,
		     u32 pos, const char **why);
int skbpool_rule_del(struct skbpool_dev *sdev, u32 index);
void skbpool_rules_flush(struct skbpool_dev *sdev);
u32 skbpool_rules_gen(void);

void skbpool_debugfs_init(void);
void skbpool_debugfs_exit(void);

void skbpool_rxq_snapshot_add(struct skbpool_rxq_snapshot *sum,
			      const struct skbpool_rxq_snapshot *snap);

#endif /* _SKBPOOL_INTERNAL_H */
