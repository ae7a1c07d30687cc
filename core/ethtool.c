// SPDX-License-Identifier: GPL-2.0
/*
 * ethtool helpers: the two private flags and the skbpool_* statistics, so
 * a driver wires them with one call per ethtool operation.
 */
#include <linux/ethtool.h>
#include <linux/rtnetlink.h>

#include <skbpool/skbpool.h>

#include "classify.h"
#include "compat.h"
#include "dev.h"
#include "emergency.h"
#include "main.h"
#include "netns.h"
#include "rx.h"
#include "sizing.h"
#include "tx.h"

static const char skbpool_priv_flag_names[][ETH_GSTRING_LEN] = {
	"skbpool",
	"skbpool-emergency",
};

/* Order matters: skbpool_ethtool_stats() fills values in this order. */
static const char skbpool_stat_names[][ETH_GSTRING_LEN] = {
	"skbpool_rx_total",
	"skbpool_rx_free",
	"skbpool_rx_inflight",
	"skbpool_rx_recycled",
	"skbpool_rx_alloc_slowpath",
	"skbpool_rx_stash_used",
	"skbpool_rx_build_failed",
	"skbpool_rx_exhausted",
	"skbpool_rx_lent",
	"skbpool_rx_fence",
	"skbpool_rx_fence_copied",
	"skbpool_rx_fence_dropped",
	"skbpool_rx_small_copied",
	"skbpool_rx_copy_failed",
	"skbpool_rx_pfmemalloc",
	"skbpool_rx_pages_alloc",
	"skbpool_tx_bounce",
	"skbpool_tx_bounce_inuse",
	"skbpool_tx_bounce_busy",
	"skbpool_sizing_min_free_kbytes",
	"skbpool_sizing_share_pct",
	"skbpool_sizing_queues",
	"skbpool_sizing_floor",
	"skbpool_sizing_cap",
	"skbpool_sizing_override",
	"skbpool_sizing_buffers",
	"skbpool_emergency",
	"skbpool_emergency_enter",
	"skbpool_rx_drop_noncritical",
	/* enum skbpool_class_reason order */
	"skbpool_rx_critical_link",
	"skbpool_rx_critical_flow",
	"skbpool_rx_critical_rule",
	"skbpool_rx_drop_nonip",
	"skbpool_rx_drop_malformed",
	"skbpool_rx_drop_fragment",
	"skbpool_rx_drop_rule",
	"skbpool_rx_drop_nomatch",
	"skbpool_flows_unlearned",
};

/**
 * skbpool_ethtool_priv_flag_strings() - append the private flag names
 * @data: the ethtool strings cursor, advanced past them
 */
void skbpool_ethtool_priv_flag_strings(u8 **data)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(skbpool_priv_flag_names); i++)
		ethtool_puts(data, skbpool_priv_flag_names[i]);
}
EXPORT_SYMBOL_GPL(skbpool_ethtool_priv_flag_strings);

/**
 * skbpool_ethtool_get_priv_flags() - the flags' current values
 * @sdev: the device
 *
 * Return: SKBPOOL_PRIV_FLAG_* bits; shift them to where the driver put our
 * names among its own.
 */
u32 skbpool_ethtool_get_priv_flags(const struct skbpool_dev *sdev)
{
	u32 flags = 0;

	if (skbpool_dev_tagged(sdev))
		flags |= SKBPOOL_PRIV_FLAG_TAG;
	if (READ_ONCE(sdev->em.policy) == SKBPOOL_EM_POLICY_ON)
		flags |= SKBPOOL_PRIV_FLAG_EMERGENCY;
	return flags;
}
EXPORT_SYMBOL_GPL(skbpool_ethtool_get_priv_flags);

/**
 * skbpool_ethtool_set_priv_flags() - apply the admin's flags
 * @sdev: the device
 * @flags: SKBPOOL_PRIV_FLAG_* bits
 *
 * Tagging or untagging a running device rebuilds its queues through the
 * driver's restart callback.  "skbpool-emergency" forces emergency mode on;
 * clearing it returns to the automatic policy (only netlink can force it
 * off).
 *
 * Context: RTNL held (ethtool's set_priv_flags).
 * Return: 0 or a negative errno, with nothing changed.
 */
int skbpool_ethtool_set_priv_flags(struct skbpool_dev *sdev, u32 flags)
{
	int err;

	if (flags & ~(SKBPOOL_PRIV_FLAG_TAG | SKBPOOL_PRIV_FLAG_EMERGENCY))
		return -EINVAL;
	err = skbpool_dev_set_tag(sdev, flags & SKBPOOL_PRIV_FLAG_TAG);
	if (err)
		return err;
	if (!!(flags & SKBPOOL_PRIV_FLAG_EMERGENCY) ==
	    (READ_ONCE(sdev->em.policy) == SKBPOOL_EM_POLICY_ON))
		return 0;
	mutex_lock(&skbpool_lock);
	err = skbpool_emergency_set_policy(sdev, flags & SKBPOOL_PRIV_FLAG_EMERGENCY ?
					   SKBPOOL_EM_POLICY_ON : SKBPOOL_EM_POLICY_AUTO);
	mutex_unlock(&skbpool_lock);
	return err;
}
EXPORT_SYMBOL_GPL(skbpool_ethtool_set_priv_flags);

/**
 * skbpool_ethtool_stats_count() - how many skbpool_* statistics there are
 *
 * Return: the count, for get_sset_count(ETH_SS_STATS).
 */
int skbpool_ethtool_stats_count(void)
{
	return ARRAY_SIZE(skbpool_stat_names);
}
EXPORT_SYMBOL_GPL(skbpool_ethtool_stats_count);

/**
 * skbpool_ethtool_stats_strings() - append the statistics' names
 * @data: the ethtool strings cursor, advanced past them
 */
void skbpool_ethtool_stats_strings(u8 **data)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(skbpool_stat_names); i++)
		ethtool_puts(data, skbpool_stat_names[i]);
}
EXPORT_SYMBOL_GPL(skbpool_ethtool_stats_strings);

/**
 * skbpool_ethtool_stats() - append the statistics' values
 * @sdev: the device
 * @data: the ethtool values cursor, advanced past them
 *
 * Device totals over its queues; counters of destroyed queues are kept so
 * every counter only grows.
 *
 * Context: process context (ethtool holds RTNL).
 */
void skbpool_ethtool_stats(struct skbpool_dev *sdev, u64 **data)
{
	struct skbpool_emergency_info em;
	struct skbpool_sizing s = {};
	struct skbpool_dev_totals t;
	struct skbpool_rxq *rxq;
	u64 dropped = 0;
	u64 *v = *data;
	int i;

	mutex_lock(&skbpool_lock);
	skbpool_dev_read_totals(sdev, &t);
	rxq = list_first_entry_or_null(&sdev->rxqs, struct skbpool_rxq, node);
	if (rxq)
		skbpool_size_rxq(sdev, &rxq->params, &s);
	mutex_unlock(&skbpool_lock);

	*v++ = t.rx.total;
	*v++ = t.rx.free;
	*v++ = t.rx.in_flight;
	*v++ = t.rx.recycled;
	*v++ = t.rx.slowpath;
	*v++ = t.rx.stash_used;
	*v++ = t.rx.build_failed;
	*v++ = t.rx.exhausted;
	*v++ = t.rx.lent;
	*v++ = t.rx.fence;
	*v++ = t.rx.fence_copied;
	*v++ = t.rx.fence_dropped;
	*v++ = t.rx.small_copied;
	*v++ = t.rx.copy_failed;
	*v++ = t.rx.pfmemalloc;
	*v++ = t.rx.pages_alloc;
	*v++ = t.tx_bounce;
	*v++ = t.tx_in_use;
	*v++ = t.tx_busy;
	*v++ = rxq ? s.min_free_kbytes : skbpool_min_free_kbytes();
	*v++ = READ_ONCE(skbpool_share_pct);
	*v++ = s.nr_queues;
	*v++ = s.floor;
	*v++ = s.cap;
	*v++ = READ_ONCE(sdev->override);
	*v++ = s.buffers;
	skbpool_emergency_read(sdev, &em);
	*v++ = em.active;
	*v++ = em.enters;
	for (i = SKBPOOL_FIRST_DROP; i < SKBPOOL_CLASS_REASONS; i++)
		dropped += t.rx.cls[i];
	*v++ = dropped;
	for (i = 0; i < SKBPOOL_CLASS_REASONS; i++)
		*v++ = t.rx.cls[i];
	/* the device's namespace's, shared by its tagged devices (netns.c) */
	*v++ = skbpool_dev_flows_unlearned(sdev);
	*data = v;
}
EXPORT_SYMBOL_GPL(skbpool_ethtool_stats);
