// SPDX-License-Identifier: GPL-2.0
/*
 * skbpool_bench: side-by-side micro-benchmarks, run once at module load in
 * softirq context on one CPU, results in debugfs (skbpool_bench/micro):
 *
 *   skbpool           skbpool_rx_get() + skbpool_rx_put(): a buffer off the
 *                     free list and back (what a ring refill costs)
 *   page_pool         page_pool_alloc_pages() + page_pool_recycle_direct()
 *                     on a page_pool of our own: its fast path (alloc cache)
 *   alloc_page        alloc_page(GFP_ATOMIC) + __free_page()
 *   napi_alloc_skb    napi_alloc_skb(1500) + napi_consume_skb()
 *   netdev_alloc_skb  netdev_alloc_skb(1500) + kfree_skb()
 *   skbpool_rx_path   skbpool_rx_get() + skbpool_rx_build() +
 *                     napi_consume_skb(), the buffer seen back on a later
 *                     get: a whole receive with recycling (emergency off)
 *   napi_begin        skbpool_rx_napi_begin() with emergency off: the
 *                     pressure check, paid once per NAPI poll
 *   em_rx_critical    the whole receive of a critical frame (ARP) on a
 *                     device in emergency: classification, then as above
 *   em_rx_drop        a bulk UDP frame on a device in emergency: get,
 *                     classify, drop and reuse the buffer; no skb
 *   poll              one NAPI poll of NAPI_POLL_WEIGHT frames, each a
 *                     skbpool_rx_path: what a busy queue pays per poll
 *   em_poll_drop      one NAPI poll of NAPI_POLL_WEIGHT bulk UDP frames on
 *                     a device in emergency, each got, classified, dropped
 *                     and its buffer reused, the frame already in the
 *                     buffer as the device's DMA leaves it: the flood's
 *                     cost, to set against "poll"
 *   em_poll_getput    its parts: the same poll's gets and puts alone
 *   em_poll_classify  and NAPI_POLL_WEIGHT classifications of the frame
 *                     alone (no rules, no learned flows), the classifier
 *                     reached as the KUnit suites reach it
 *   parked_poll_floor one NAPI poll of NAPI_POLL_WEIGHT gets on a pool of
 *                     one floor (4 rings of 256) that stuck sockets hold
 *                     entirely, in emergency, every loan slot taken: each
 *                     get looks for a buffer back and finds none
 *   parked_poll_cap   the same on a pool at the cap (65,536 buffers)
 *
 * Each figure: ROUNDS rounds of ITERS operations; per-operation minimum and
 * median over the rounds, in ns (ktime) and in cycles (get_cycles()), and
 * (skbpool_bench/rounds) each round's ns per operation.
 */
#include <linux/bottom_half.h>
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/etherdevice.h>
#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <linux/seq_file.h>
#include <linux/sort.h>
#include <linux/timex.h>

#include <skbpool/compat.h>
#include <skbpool/skbpool.h>

#include "../../core/classify.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define ITERS	20000
#define POLL_ITERS	500
#define ROUNDS	9
#define FRAME	1500
/* A ring whose floor (four rings) is the cap, 65,536 buffers. */
#define SKBPOOL_BENCH_CAP_RING	16384

struct bench_ctx {
	struct net_device *netdev;
	struct device *dev;
	struct skbpool_dev *sdev;
	struct skbpool_rxq *rxq;
	struct net_device *em_netdev;
	struct skbpool_dev *em_sdev;
	struct skbpool_rxq *em_rxq;
	struct page_pool *pp;
	struct napi_struct napi;
};

struct figure {
	const char *name;
	u64 ns[ROUNDS];		/* per ITERS operations */
	u64 cycles[ROUNDS];
	int err;
};

static struct bench_ctx ctx;
static struct dentry *bench_dir;

enum {
	F_SKBPOOL, F_PAGE_POOL, F_ALLOC_PAGE, F_NAPI_SKB, F_NETDEV_SKB, F_RX_PATH,
	F_NAPI_BEGIN, F_EM_CRIT, F_EM_DROP, F_POLL, F_EM_POLL_DROP,
	F_EM_POLL_GETPUT, F_EM_POLL_CLASSIFY, F_PARKED_FLOOR, F_PARKED_CAP, F_MAX
};

static struct figure figures[F_MAX] = {
	[F_SKBPOOL] = { .name = "skbpool" },
	[F_PAGE_POOL] = { .name = "page_pool" },
	[F_ALLOC_PAGE] = { .name = "alloc_page" },
	[F_NAPI_SKB] = { .name = "napi_alloc_skb" },
	[F_NETDEV_SKB] = { .name = "netdev_alloc_skb" },
	[F_RX_PATH] = { .name = "skbpool_rx_path" },
	[F_NAPI_BEGIN] = { .name = "napi_begin" },
	[F_EM_CRIT] = { .name = "em_rx_critical" },
	[F_EM_DROP] = { .name = "em_rx_drop" },
	[F_POLL] = { .name = "poll" },
	[F_EM_POLL_DROP] = { .name = "em_poll_drop" },
	[F_EM_POLL_GETPUT] = { .name = "em_poll_getput" },
	[F_EM_POLL_CLASSIFY] = { .name = "em_poll_classify" },
	[F_PARKED_FLOOR] = { .name = "parked_poll_floor" },
	[F_PARKED_CAP] = { .name = "parked_poll_cap" },
};

/*
 * A pool nobody gives buffers back to: every buffer held by an skb that is
 * not freed, every loan slot taken by a loan posted and never filled.
 */
struct parked {
	struct net_device *netdev;
	struct skbpool_dev *sdev;
	struct skbpool_rxq *rxq;
	struct sk_buff **held;
	u32 nr_held;
	int *loans;
	u32 nr_loans;
};

/* The drop device: tagged, in emergency, nothing held. */
static struct parked parked_floor, parked_cap, drop_dev;

/* An ARP request (critical) and a UDP datagram no rule claims (bulk). */
static const u8 arp_frame[42] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 1, 0x08, 0x06,
	0, 1, 0x08, 0, 6, 4, 0, 1, 0x02, 0, 0, 0, 0, 1, 192, 0, 2, 1,
	0, 0, 0, 0, 0, 0, 192, 0, 2, 2,
};

static const u8 udp_frame[42] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00,
	0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2,
	0x9c, 0x40, 0x14, 0x51, 0, 8, 0, 0,
};

static int op_skbpool(void)
{
	dma_addr_t dma;
	int id = skbpool_rx_get(ctx.rxq, &dma);

	if (id < 0)
		return id;
	skbpool_rx_put(ctx.rxq, id);
	return 0;
}

static int op_page_pool(void)
{
	struct page *page = page_pool_alloc_pages(ctx.pp, GFP_ATOMIC);

	if (!page)
		return -ENOMEM;
	page_pool_recycle_direct(ctx.pp, page);
	return 0;
}

static int op_alloc_page(void)
{
	struct page *page = alloc_page(GFP_ATOMIC);

	if (!page)
		return -ENOMEM;
	__free_page(page);
	return 0;
}

static int op_napi_skb(void)
{
	struct sk_buff *skb = napi_alloc_skb(&ctx.napi, FRAME);

	if (!skb)
		return -ENOMEM;
	skb_put(skb, FRAME);
	napi_consume_skb(skb, NAPI_POLL_WEIGHT);
	return 0;
}

static int op_netdev_skb(void)
{
	struct sk_buff *skb = netdev_alloc_skb(ctx.netdev, FRAME);

	if (!skb)
		return -ENOMEM;
	skb_put(skb, FRAME);
	kfree_skb(skb);
	return 0;
}

static int op_rx_path(void)
{
	struct sk_buff *skb;
	dma_addr_t dma;
	int id = skbpool_rx_get(ctx.rxq, &dma);

	if (id < 0)
		return id;
	skb = skbpool_rx_build(ctx.rxq, id, FRAME);
	if (!skb)
		return -ENOMEM;
	napi_consume_skb(skb, NAPI_POLL_WEIGHT);
	return 0;
}

static int op_napi_begin(void)
{
	return skbpool_rx_napi_begin(ctx.rxq) ? -EBUSY : 0;
}

static int em_receive(const u8 *frame, u32 len, bool want_skb)
{
	struct sk_buff *skb;
	dma_addr_t dma;
	int id;

	skbpool_rx_napi_begin(ctx.em_rxq);
	id = skbpool_rx_get(ctx.em_rxq, &dma);
	if (id < 0)
		return id;
	memcpy(skbpool_rx_va(ctx.em_rxq, id), frame, len);
	skb = skbpool_rx_build(ctx.em_rxq, id, len);
	if (!skb)
		return want_skb ? -ENOMEM : 0;
	napi_consume_skb(skb, NAPI_POLL_WEIGHT);
	return want_skb ? 0 : -EPROTO;
}

static int op_em_crit(void)
{
	return em_receive(arp_frame, sizeof(arp_frame), true);
}

static int op_em_drop(void)
{
	return em_receive(udp_frame, sizeof(udp_frame), false);
}

static int op_poll(void)
{
	int i, err = 0;

	skbpool_rx_napi_begin(ctx.rxq);
	for (i = 0; i < NAPI_POLL_WEIGHT && !err; i++)
		err = op_rx_path();
	return err;
}

/*
 * A poll of NAPI_POLL_WEIGHT bulk frames on the drop device: each got and
 * then dropped by skbpool_rx_build() (@build), or only put back.  Only
 * bulk frames ever reach this pool and a dropped buffer goes back on top
 * of the free list, so each get finds the frame drop_setup() wrote; a
 * frame that builds an skb is an error in the table, not a fast figure.
 */
static int em_poll(bool build)
{
	struct skbpool_rxq *rxq = drop_dev.rxq;
	struct sk_buff *skb;
	dma_addr_t dma;
	int i, id;

	skbpool_rx_napi_begin(rxq);
	for (i = 0; i < NAPI_POLL_WEIGHT; i++) {
		id = skbpool_rx_get(rxq, &dma);
		if (id < 0)
			return id;
		if (!build) {
			skbpool_rx_put(rxq, id);
			continue;
		}
		skb = skbpool_rx_build(rxq, id, sizeof(udp_frame));
		if (skb) {
			napi_consume_skb(skb, NAPI_POLL_WEIGHT);
			return -EPROTO;
		}
	}
	return 0;
}

static int op_em_poll_drop(void)
{
	return em_poll(true);
}

static int op_em_poll_getput(void)
{
	return em_poll(false);
}

static int op_em_poll_classify(void)
{
	int i;

	for (i = 0; i < NAPI_POLL_WEIGHT; i++)
		if (skbpool_classify(udp_frame, sizeof(udp_frame), NULL, NULL, 0,
				     NULL) != SKBPOOL_DROP_NOMATCH)
			return -EPROTO;
	return 0;
}

/* Every get must be refused: nothing is back and no loan can be posted. */
static int parked_poll(struct parked *p)
{
	dma_addr_t dma;
	int i;

	skbpool_rx_napi_begin(p->rxq);
	for (i = 0; i < NAPI_POLL_WEIGHT; i++)
		if (skbpool_rx_get(p->rxq, &dma) != -ENOBUFS)
			return -EPROTO;
	return 0;
}

static int op_parked_floor(void)
{
	return parked_poll(&parked_floor);
}

static int op_parked_cap(void)
{
	return parked_poll(&parked_cap);
}

static int (*const ops[F_MAX])(void) = {
	[F_SKBPOOL] = op_skbpool,
	[F_PAGE_POOL] = op_page_pool,
	[F_ALLOC_PAGE] = op_alloc_page,
	[F_NAPI_SKB] = op_napi_skb,
	[F_NETDEV_SKB] = op_netdev_skb,
	[F_RX_PATH] = op_rx_path,
	[F_NAPI_BEGIN] = op_napi_begin,
	[F_EM_CRIT] = op_em_crit,
	[F_EM_DROP] = op_em_drop,
	[F_POLL] = op_poll,
	[F_EM_POLL_DROP] = op_em_poll_drop,
	[F_EM_POLL_GETPUT] = op_em_poll_getput,
	[F_EM_POLL_CLASSIFY] = op_em_poll_classify,
	[F_PARKED_FLOOR] = op_parked_floor,
	[F_PARKED_CAP] = op_parked_cap,
};

/* Polls are long operations (the last figures): fewer of them a round. */
static int iters(int f)
{
	return f >= F_POLL ? POLL_ITERS : ITERS;
}

/* Rounds interleave the figures so drift in the emulator hits all alike. */
static void bench_run(void)
{
	int r, f, i;

	for (r = 0; r < ROUNDS; r++) {
		for (f = 0; f < F_MAX; f++) {
			cycles_t c0;
			u64 t0;

			if (figures[f].err)
				continue;
			local_bh_disable();
			t0 = ktime_get_ns();
			c0 = get_cycles();
			for (i = 0; i < iters(f); i++) {
				figures[f].err = ops[f]();
				if (figures[f].err)
					break;
			}
			figures[f].cycles[r] = get_cycles() - c0;
			figures[f].ns[r] = ktime_get_ns() - t0;
			local_bh_enable();
			cond_resched();
		}
	}
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Per-operation figure in hundredths, so the table keeps 2 decimals. */
static u64 per_op_x100(u64 total, int f)
{
	return div_u64(total * 100, iters(f));
}

static int micro_show(struct seq_file *m, void *v)
{
	int f;

	seq_printf(m, "# figure ns_min ns_median cycles_min cycles_median (x100, per op; %d rounds of %d ops, %d polls)\n",
		   ROUNDS, ITERS, POLL_ITERS);
	for (f = 0; f < F_MAX; f++) {
		struct figure *fig = &figures[f];
		u64 ns[ROUNDS], cycles[ROUNDS];

		if (fig->err) {
			seq_printf(m, "%s error %d\n", fig->name, fig->err);
			continue;
		}
		/* Sorted copies: "rounds" shows each round as it ran. */
		memcpy(ns, fig->ns, sizeof(ns));
		memcpy(cycles, fig->cycles, sizeof(cycles));
		sort(ns, ROUNDS, sizeof(u64), cmp_u64, NULL);
		sort(cycles, ROUNDS, sizeof(u64), cmp_u64, NULL);
		seq_printf(m, "%s %llu %llu %llu %llu\n", fig->name,
			   per_op_x100(ns[0], f), per_op_x100(ns[ROUNDS / 2], f),
			   per_op_x100(cycles[0], f), per_op_x100(cycles[ROUNDS / 2], f));
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(micro);

/*
 * Per round, each figure's ns per operation (x100) in the order the rounds
 * ran: figures measured back to back in one round share the emulator's
 * drift, so their per-round ratios are the tight comparison.
 */
static int rounds_show(struct seq_file *m, void *v)
{
	int f, r;

	for (f = 0; f < F_MAX; f++) {
		if (figures[f].err)
			continue;
		seq_puts(m, figures[f].name);
		for (r = 0; r < ROUNDS; r++)
			seq_printf(m, " %llu", per_op_x100(figures[f].ns[r], f));
		seq_putc(m, '\n');
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(rounds);

static int bench_restart(struct net_device *netdev)
{
	return 0;
}

static const struct skbpool_dev_ops bench_ops = {
	.restart = bench_restart,
};

/* The pool's size, as ethtool -S reports it (the driver API's view). */
static u64 parked_total(struct parked *p)
{
	int i, n = skbpool_ethtool_stats_count();
	u8 *names = kcalloc(n, ETH_GSTRING_LEN, GFP_KERNEL);
	u64 *vals = kcalloc(n, sizeof(u64), GFP_KERNEL);
	u64 total = 0, *v = vals;
	u8 *s = names;

	if (names && vals) {
		skbpool_ethtool_stats_strings(&s);
		skbpool_ethtool_stats(p->sdev, &v);
		for (i = 0; i < n; i++)
			if (!strcmp(names + i * ETH_GSTRING_LEN, "skbpool_rx_total"))
				total = vals[i];
	}
	kfree(names);
	kfree(vals);
	return total;
}

static void parked_teardown(struct parked *p)
{
	u32 i;

	local_bh_disable();
	for (i = 0; i < p->nr_loans; i++)
		skbpool_rx_put(p->rxq, p->loans[i]);
	local_bh_enable();
	for (i = 0; i < p->nr_held; i++)
		kfree_skb(p->held[i]);
	kvfree(p->held);
	kvfree(p->loans);
	rtnl_lock();
	skbpool_rxq_destroy(p->rxq);
	rtnl_unlock();
	skbpool_dev_unregister(p->sdev);
	if (p->netdev)
		free_netdev(p->netdev);
	memset(p, 0, sizeof(*p));
}

/* A tagged device in emergency whose one pool (sized by @ring: the floor is
 * four rings, the cap 65,536 buffers) is held whole, its loan slots full.
 */
/* A tagged device in emergency with one queue, @rp. */
static int em_dev_setup(struct parked *p, const struct skbpool_rxq_params *rp)
{
	int err;

	p->netdev = alloc_etherdev(0);
	if (!p->netdev)
		return -ENOMEM;
	p->sdev = skbpool_dev_register(p->netdev, ctx.dev, &bench_ops);
	err = PTR_ERR_OR_ZERO(p->sdev);
	if (err) {
		p->sdev = NULL;
		return err;
	}
	rtnl_lock();
	err = skbpool_ethtool_set_priv_flags(p->sdev, SKBPOOL_PRIV_FLAG_TAG |
					     SKBPOOL_PRIV_FLAG_EMERGENCY);
	if (!err) {
		p->rxq = skbpool_rxq_create(p->sdev, rp);
		err = PTR_ERR_OR_ZERO(p->rxq);
	}
	rtnl_unlock();
	if (err) {
		p->rxq = NULL;
		return err;
	}
	return 0;
}

static int parked_setup(struct parked *p, u32 ring)
{
	struct skbpool_rxq_params rp = {
		.qid = 0, .ring_size = ring, .frame_len = FRAME + ETH_HLEN,
	};
	u64 total;
	dma_addr_t dma;
	int err, id;

	err = em_dev_setup(p, &rp);
	if (err)
		return err;
	total = parked_total(p);
	p->held = kvcalloc(total, sizeof(*p->held), GFP_KERNEL);
	p->loans = kvcalloc(ring, sizeof(*p->loans), GFP_KERNEL);
	if (!total || !p->held || !p->loans)
		return -ENOMEM;
	local_bh_disable();
	while (p->nr_held < total) {
		struct sk_buff *skb;

		skbpool_rx_napi_begin(p->rxq);
		id = skbpool_rx_get(p->rxq, &dma);
		if (id < 0)
			break;
		memcpy(skbpool_rx_va(p->rxq, id), arp_frame, sizeof(arp_frame));
		skb = skbpool_rx_build(p->rxq, id, sizeof(arp_frame));
		if (!skb)
			break;
		p->held[p->nr_held++] = skb;
	}
	while (p->nr_loans < ring) {
		id = skbpool_rx_get(p->rxq, &dma);
		if (id < 0)
			break;
		p->loans[p->nr_loans++] = id;
	}
	local_bh_enable();
	if (p->nr_held < total || p->nr_loans < ring)
		return -ENOBUFS;
	cond_resched();
	return 0;
}

/* The drop device, its buffers only ever holding bulk frames. */
static int drop_setup(const struct skbpool_rxq_params *rp)
{
	dma_addr_t dma;
	int err, id;

	err = em_dev_setup(&drop_dev, rp);
	if (err)
		return err;
	local_bh_disable();
	skbpool_rx_napi_begin(drop_dev.rxq);
	id = skbpool_rx_get(drop_dev.rxq, &dma);
	if (id >= 0) {
		memcpy(skbpool_rx_va(drop_dev.rxq, id), udp_frame, sizeof(udp_frame));
		skbpool_rx_put(drop_dev.rxq, id);
	}
	local_bh_enable();
	return id < 0 ? id : 0;
}

static void bench_teardown(void)
{
	parked_teardown(&parked_floor);
	parked_teardown(&parked_cap);
	parked_teardown(&drop_dev);
	rtnl_lock();
	skbpool_rxq_destroy(ctx.rxq);
	skbpool_rxq_destroy(ctx.em_rxq);
	rtnl_unlock();
	skbpool_dev_unregister(ctx.sdev);
	skbpool_dev_unregister(ctx.em_sdev);
	if (ctx.em_netdev)
		free_netdev(ctx.em_netdev);
	if (!IS_ERR_OR_NULL(ctx.pp))
		page_pool_destroy(ctx.pp);
	if (!IS_ERR_OR_NULL(ctx.dev))
		root_device_unregister(ctx.dev);
	free_netdev(ctx.netdev);
}

static int __init bench_init(void)
{
	struct skbpool_rxq_params rp = {
		.qid = 0, .ring_size = 256, .frame_len = FRAME + ETH_HLEN,
	};
	struct page_pool_params pp = {
		.order = 0, .pool_size = 1024, .nid = NUMA_NO_NODE,
	};
	int err;

	ctx.netdev = alloc_etherdev(0);
	if (!ctx.netdev)
		return -ENOMEM;
	ctx.napi.dev = ctx.netdev;
	ctx.dev = root_device_register("skbpool_bench");
	err = PTR_ERR_OR_ZERO(ctx.dev);
	if (!err)
		err = dma_coerce_mask_and_coherent(ctx.dev, DMA_BIT_MASK(64));
	if (!err) {
		pp.dev = ctx.dev;
		ctx.pp = page_pool_create(&pp);
		err = PTR_ERR_OR_ZERO(ctx.pp);
	}
	if (!err) {
		ctx.sdev = skbpool_dev_register(ctx.netdev, ctx.dev, &bench_ops);
		err = PTR_ERR_OR_ZERO(ctx.sdev);
	}
	if (!err) {
		ctx.em_netdev = alloc_etherdev(0);
		err = ctx.em_netdev ? 0 : -ENOMEM;
	}
	if (!err) {
		ctx.em_sdev = skbpool_dev_register(ctx.em_netdev, ctx.dev, &bench_ops);
		err = PTR_ERR_OR_ZERO(ctx.em_sdev);
	}
	if (!err) {
		rtnl_lock();
		err = skbpool_ethtool_set_priv_flags(ctx.sdev, SKBPOOL_PRIV_FLAG_TAG);
		if (!err) {
			ctx.rxq = skbpool_rxq_create(ctx.sdev, &rp);
			err = PTR_ERR_OR_ZERO(ctx.rxq);
		}
		if (!err)
			err = skbpool_ethtool_set_priv_flags(ctx.em_sdev, SKBPOOL_PRIV_FLAG_TAG |
							     SKBPOOL_PRIV_FLAG_EMERGENCY);
		if (!err) {
			ctx.em_rxq = skbpool_rxq_create(ctx.em_sdev, &rp);
			err = PTR_ERR_OR_ZERO(ctx.em_rxq);
		}
		rtnl_unlock();
	}
	if (!err)
		err = drop_setup(&rp);
	if (!err)
		err = parked_setup(&parked_floor, 256);
	if (!err)
		err = parked_setup(&parked_cap, SKBPOOL_BENCH_CAP_RING);
	if (err) {
		bench_teardown();
		return err;
	}
	bench_run();
	bench_dir = debugfs_create_dir("skbpool_bench", NULL);
	debugfs_create_file("micro", 0444, bench_dir, NULL, &micro_fops);
	debugfs_create_file("rounds", 0444, bench_dir, NULL, &rounds_fops);
	return 0;
}

static void __exit bench_exit(void)
{
	debugfs_remove_recursive(bench_dir);
	bench_teardown();
}

module_init(bench_init);
module_exit(bench_exit);

MODULE_DESCRIPTION("skbpool micro-benchmarks against page_pool, the page allocator and the slab");
MODULE_LICENSE("GPL");
