/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What differs between the kernels skbpool builds on: its own test kernel
 * (6.12.118), Debian 12's stock 6.12.118+deb12 and 6.1.0 (6.1.192).  Every
 * difference the code meets is bridged here: the code uses the newer
 * kernel's interface, or one of the helpers below where there is no way
 * to give it the older kernel.  Two are met in place, each saying so: the
 * netlink ranges in core/netlink-gen.c, and simnic's qstats.c.
 *
 * Each item says what the newer kernel has, since when, and what the older
 * one gets instead.  What a kernel has is told by a header macro where one
 * exists, and otherwise by a SKBPOOL_HAVE_* symbol the top-level Kbuild
 * defines after looking for the header or the declaration in the kernel's
 * headers (sparse 0.6.4 knows no __has_include()).  Not by the version
 * number: stable kernels carry backports (6.1.192 has timer_delete_sync()
 * and net/netdev_queues.h, and 6.12.118 a zone counter mainline got later).
 *
 * Some features cannot exist on the older kernel; they are absent, and
 * the module says so when it loads (skbpool_skb_head_cache(),
 * SKBPOOL_HAVE_NETDEV_STAT_OPS).
 */
#ifndef _SKBPOOL_COMPAT_H
#define _SKBPOOL_COMPAT_H

#include <linux/device/bus.h>
#include <linux/ethtool.h>
#include <linux/mmzone.h>
#include <linux/netdevice.h>
#include <linux/netlink.h>
#include <linux/overflow.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/netdev_queues.h>
#include <net/netlink.h>

/*
 * The skb head cache.  Reachable through net_hotdata since 6.9; 6.1 does
 * not export it, so nothing outside the core can hold skb heads in
 * reserve: there is no stash (core/stash.c), and the emergency probe
 * allocates a whole skb instead.
 */
#ifdef SKBPOOL_HAVE_NET_HOTDATA_H
#include <net/hotdata.h>
static inline struct kmem_cache *skbpool_skb_head_cache(void)
{
	return net_hotdata.skbuff_cache;
}
#else
static inline struct kmem_cache *skbpool_skb_head_cache(void)
{
	return NULL;
}
#endif

/*
 * page_pool: its header split into net/page_pool/{types,helpers}.h in 6.6.
 * Fragments of a page need PP_FLAG_PAGE_FRAG up to 6.6; from 6.7 every
 * pool hands them out and the flag is gone.
 */
#ifdef SKBPOOL_HAVE_PAGE_POOL_HELPERS_H
#include <net/page_pool/helpers.h>
#else
#include <net/page_pool.h>
#endif
#ifdef PP_FLAG_PAGE_FRAG
#define SKBPOOL_PP_FLAG_FRAG	PP_FLAG_PAGE_FRAG
#else
#define SKBPOOL_PP_FLAG_FRAG	0
#endif

/*
 * page_pool_params.napi (6.5: pages freed in that NAPI's context go
 * straight back to the pool's cache) and .netdev (6.8: the pool is listed
 * in the netdev netlink family).  Without them a pool works the same,
 * recycling through its ring instead.
 */
static inline void skbpool_pp_params_owner(struct page_pool_params *pp,
					   struct napi_struct *napi,
					   struct net_device *netdev)
{
#ifdef SKBPOOL_HAVE_PP_NAPI
	pp->napi = napi;
#endif
#ifdef SKBPOOL_HAVE_PP_NETDEV
	pp->netdev = netdev;
#endif
}

/*
 * KUnit static stubs (kunit/static_stub.h, 6.3).  Without them the tests
 * cannot replace a function, and the function runs as written.
 */
#ifdef SKBPOOL_HAVE_KUNIT_STATIC_STUB_H
#include <kunit/static_stub.h>
#else
#define KUNIT_STATIC_STUB_REDIRECT(real_fn_name, args...) ((void)(real_fn_name))
#endif

/* kvcalloc_node(): in 6.12, not in 6.1. */
#ifndef SKBPOOL_HAVE_KVCALLOC_NODE
static inline void *kvcalloc_node(size_t n, size_t size, gfp_t flags, int node)
{
	size_t bytes;

	if (unlikely(check_mul_overflow(n, size, &bytes)))
		return NULL;
	return kvzalloc_node(bytes, flags, node);
}
#endif

/*
 * The free pages a zone keeps from ordinary allocations for high-order
 * atomic ones, as its watermark check subtracts them: what is free in the
 * highatomic blocks (zone->nr_free_highatomic, in Debian's 6.12.118, not
 * in 6.1), where 6.1 subtracts the blocks' whole size.
 */
static inline unsigned long skbpool_zone_highatomic(const struct zone *zone)
{
#ifdef SKBPOOL_HAVE_NR_FREE_HIGHATOMIC
	return READ_ONCE(zone->nr_free_highatomic);
#else
	return READ_ONCE(zone->nr_reserved_highatomic);
#endif
}

/* ethtool_puts() (6.8): one string into its ETH_GSTRING_LEN slot. */
#ifndef SKBPOOL_HAVE_ETHTOOL_PUTS
static inline void ethtool_puts(u8 **data, const char *str)
{
	strscpy_pad(*data, str, ETH_GSTRING_LEN);
	*data += ETH_GSTRING_LEN;
}
#endif

/*
 * TX completions that report to BQL and wake the queue in one
 * (__netif_txq_completed_wake(), 6.5).  6.1's net/netdev_queues.h has
 * the wake alone.
 */
#ifndef __netif_txq_completed_wake
#define __netif_txq_completed_wake(txq, pkts, bytes, get_desc, start_thrs, down_cond) \
	({									\
		struct netdev_queue *_txq = (txq);				\
										\
		netdev_tx_completed_queue(_txq, pkts, bytes);			\
		__netif_txq_maybe_wake(_txq, get_desc, start_thrs, down_cond);	\
	})
#endif

/* pcim_iomap_region() (6.11): request and map one BAR, managed. */
#ifndef SKBPOOL_HAVE_PCIM_IOMAP_REGION
static inline void __iomem *pcim_iomap_region(struct pci_dev *pdev, int bar,
					      const char *name)
{
	int err = pcim_iomap_regions(pdev, BIT(bar), name);

	if (err)
		return IOMEM_ERR_PTR(err);
	return pcim_iomap_table(pdev)[bar];
}
#endif

/*
 * A string in a tracepoint (core/trace.h): __assign_str() takes the
 * field alone since 6.10, the source coming from __string() (and @src
 * is only evaluated, for nothing); before, the field and the source.
 */
#ifdef SKBPOOL_HAVE_ASSIGN_STR_SRC
#define skbpool_assign_str(dst, src)	__assign_str(dst, src)
#else
#define skbpool_assign_str(dst, src)	do { (void)(src); __assign_str(dst); } while (0)
#endif

/*
 * A bus a driver registers: const in 6.12, for bus_register(), for its
 * attributes' show() and store() and for the devices on it; writable in
 * 6.1, whose bus_register() writes to it.  The type is that of the
 * bus a struct device points at, which changed with the rest.
 */
#define skbpool_bus_type	typeof(*((struct device *)NULL)->bus)

/*
 * Per-queue statistics in the netdev netlink family (netdev_stat_ops,
 * 6.10).  Absent before: simnic builds its qstats.c only where
 * SKBPOOL_HAVE_NETDEV_STAT_OPS is set (drivers/simnic/simnic.h), and says
 * at load that it has device totals only.
 */

/*
 * Formatted extack messages (NL_SET_ERR_MSG_FMT and its variants, 6.2).
 * 6.1's extack holds a pointer to a message and no buffer, and the
 * message is read when the ack is built, after the handler has returned:
 * the text is formatted into one of a ring of buffers in skbpool.ko
 * instead (core/compat.c).
 */
#ifndef NL_SET_ERR_MSG_FMT
#define SKBPOOL_COMPAT_EXTACK_FMT
__printf(3, 4)
void skbpool_extack_fmt(struct netlink_ext_ack *extack, const struct nlattr *attr,
			const char *fmt, ...);
#define NL_SET_ERR_MSG_FMT(extack, fmt, args...) \
	skbpool_extack_fmt(extack, NULL, fmt, ##args)
#define NL_SET_ERR_MSG_FMT_MOD(extack, fmt, args...) \
	skbpool_extack_fmt(extack, NULL, KBUILD_MODNAME ": " fmt, ##args)
#define NL_SET_ERR_MSG_ATTR_FMT(extack, attr, fmt, args...) \
	skbpool_extack_fmt(extack, attr, fmt, ##args)
#endif

/*
 * Variable-width unsigned attributes (NLA_UINT, 6.7): 4 bytes when the
 * value fits, else 8.  6.1 validates them as binary attributes with a
 * function that accepts those two sizes, which is why NLA_UINT stands
 * for several initializers there: it is only ever written as
 * ".type = NLA_UINT" in a policy.
 */
#ifndef SKBPOOL_HAVE_NLA_UINT
#define SKBPOOL_COMPAT_NLA_UINT
int skbpool_nla_uint_validate(const struct nlattr *attr, struct netlink_ext_ack *extack);
#define NLA_UINT	NLA_BINARY,					\
			.validation_type = NLA_VALIDATE_FUNCTION,	\
			.validate = skbpool_nla_uint_validate

static inline int nla_put_uint(struct sk_buff *skb, int attrtype, u64 value)
{
	u64 v64 = value;
	u32 v32 = value;

	if (v64 == v32)
		return nla_put_u32(skb, attrtype, v32);
	return nla_put(skb, attrtype, sizeof(v64), &v64);
}

static inline u64 nla_get_uint(const struct nlattr *nla)
{
	if (nla_len(nla) == sizeof(u32))
		return nla_get_u32(nla);
	return nla_get_u64(nla);
}
#endif

/*
 * Generic netlink "split" ops (6.2): one entry for do and one for dump,
 * each with its own policy.  6.1 has one entry per command: the entries
 * of a command are merged at registration, with the do's policy for both
 * when they have one each.  The struct below is the subset of 6.2's that
 * the code sets.
 */
#ifndef SKBPOOL_HAVE_GENL_SPLIT_OPS
#define SKBPOOL_COMPAT_GENL_SPLIT_OPS
struct genl_split_ops {
	int (*doit)(struct sk_buff *skb, struct genl_info *info);
	int (*start)(struct netlink_callback *cb);
	int (*dumpit)(struct sk_buff *skb, struct netlink_callback *cb);
	int (*done)(struct netlink_callback *cb);
	const struct nla_policy *policy;
	unsigned int maxattr;
	u8 cmd;
	u8 flags;
};

int skbpool_genl_register_family(struct genl_family *family,
				 const struct genl_split_ops *ops, unsigned int n_ops);
void skbpool_genl_unregister_family(struct genl_family *family);
#else
static inline int skbpool_genl_register_family(struct genl_family *family,
					       const struct genl_split_ops *ops,
					       unsigned int n_ops)
{
	family->split_ops = ops;
	family->n_split_ops = n_ops;
	return genl_register_family(family);
}

static inline void skbpool_genl_unregister_family(struct genl_family *family)
{
	genl_unregister_family(family);
}
#endif

/*
 * A dump's parsed request attributes: genl_info_dump() since 6.6, the
 * dump info's own attrs before.
 */
static inline struct nlattr **skbpool_genl_dump_attrs(struct netlink_callback *cb)
{
#ifdef SKBPOOL_HAVE_GENL_INFO_DUMP
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

#endif /* _SKBPOOL_COMPAT_H */
