/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What differs between the kernels skbpool builds on: its own test kernel
 * (6.12.118), Debian 12's stock 6.12.118+deb12 and 6.1.0 (6.1.192).  Every
 * difference the code meets is bridged in one of two headers: this one
 * for what drivers (and the core) use, core/compat.h for what only the
 * core does.  The code uses the newer kernel's interface, or one of the
 * helpers below where there is no way to give it the older kernel.  Two
 * are met in place, each saying so: the netlink ranges in
 * core/netlink-gen.c, and simnic's qstats.c.
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
#include <linux/netdevice.h>
#include <linux/netlink.h>
#include <linux/pci.h>
#include <linux/string.h>
#include <net/netdev_queues.h>

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

#endif /* _SKBPOOL_COMPAT_H */
