/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What differs between the kernels skbpool builds on, in what only the
 * core uses: the same rules as include/skbpool/compat.h (which this
 * includes, for what drivers and the core share), whose comment says how
 * a kernel's features are told apart.  The out-of-line half is compat.c.
 */
#ifndef _SKBPOOL_CORE_COMPAT_H
#define _SKBPOOL_CORE_COMPAT_H

#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/netlink.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include <skbpool/compat.h>

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
 * KUnit static stubs (kunit/static_stub.h, 6.3).  Without them the tests
 * cannot replace a function, and the function runs as written.
 */
#ifdef SKBPOOL_HAVE_KUNIT_STATIC_STUB_H
#include <kunit/static_stub.h>
#else
#define KUNIT_STATIC_STUB_REDIRECT(real_fn_name, args...) ((void)(real_fn_name))
#endif

/*
 * A dump's start callback gets the request's extack from 6.5
 * (netlink_dump_control.extack); before, cb->extack is NULL there, so a
 * dump refused by its start (rule-get, flow-get of a missing device)
 * answers with its errno alone.  main.c says so at load.
 */
#ifdef SKBPOOL_HAVE_DUMP_START_EXTACK
#define SKBPOOL_DUMP_START_EXTACK	true
#else
#define SKBPOOL_DUMP_START_EXTACK	false
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
 * Giving back what a page-fragment cache still holds of its page:
 * page_frag_cache_drain() from 6.10; before, the cache is its page and
 * the references it has yet to hand out (6.1's struct page_frag_cache).
 */
#ifndef SKBPOOL_HAVE_PAGE_FRAG_CACHE_DRAIN
static inline void page_frag_cache_drain(struct page_frag_cache *nc)
{
	if (nc->va)
		__page_frag_cache_drain(virt_to_head_page(nc->va), nc->pagecnt_bias);
	nc->va = NULL;
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

#endif /* _SKBPOOL_CORE_COMPAT_H */
