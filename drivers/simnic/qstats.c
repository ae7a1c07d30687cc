// SPDX-License-Identifier: GPL-2.0
/*
 * simnic per-queue statistics for the netdev family (netdev_stat_ops):
 * what "ynl --family netdev --dump qstats-get" and the kernel's
 * drivers/net/stats.py read.
 *
 * The counters live per queue pair, for every queue the port may ever
 * have, so the base statistics are those of the queues not active now:
 * the base plus the active queues always adds up to ndo_get_stats64.
 */
#include <linux/netdevice.h>
#include <net/netdev_queues.h>

#include "simnic.h"

/*
 * The core marks every field "not reported" before asking; only the
 * fields simnic counts are set, so it reports no zero it did not count.
 */
static void qstats_rx_zero(struct netdev_queue_stats_rx *s)
{
	s->packets = 0;
	s->bytes = 0;
	s->hw_drop_overruns = 0;
	s->alloc_fail = 0;
}

static void qstats_tx_zero(struct netdev_queue_stats_tx *s)
{
	s->packets = 0;
	s->bytes = 0;
}

static void qstats_rx_add(struct simnic_rxq *rx, struct netdev_queue_stats_rx *s)
{
	u64 packets, bytes, missed, alloc_failed;
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&rx->syncp);
		packets = u64_stats_read(&rx->stats.packets);
		bytes = u64_stats_read(&rx->stats.bytes);
		alloc_failed = u64_stats_read(&rx->stats.alloc_failed);
	} while (u64_stats_fetch_retry(&rx->syncp, start));
	do {
		start = u64_stats_fetch_begin(&rx->hw_syncp);
		missed = u64_stats_read(&rx->hw_stats.missed);
	} while (u64_stats_fetch_retry(&rx->hw_syncp, start));
	s->packets += packets;
	s->bytes += bytes;
	/* No posted buffer when the frame came: a lack of host memory. */
	s->hw_drop_overruns += missed;
	s->alloc_fail += alloc_failed;
}

static void qstats_tx_add(struct simnic_txq *tx, struct netdev_queue_stats_tx *s)
{
	u64 packets, bytes;
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&tx->syncp);
		packets = u64_stats_read(&tx->stats.packets);
		bytes = u64_stats_read(&tx->stats.bytes);
	} while (u64_stats_fetch_retry(&tx->syncp, start));
	s->packets += packets;
	s->bytes += bytes;
}

static void simnic_qstats_rx(struct net_device *netdev, int idx,
			     struct netdev_queue_stats_rx *s)
{
	struct simnic_port *port = netdev_priv(netdev);

	qstats_rx_zero(s);
	qstats_rx_add(&port->qp[idx].rx, s);
}

static void simnic_qstats_tx(struct net_device *netdev, int idx,
			     struct netdev_queue_stats_tx *s)
{
	struct simnic_port *port = netdev_priv(netdev);

	qstats_tx_zero(s);
	qstats_tx_add(&port->qp[idx].tx, s);
}

static void simnic_qstats_base(struct net_device *netdev,
			       struct netdev_queue_stats_rx *rx,
			       struct netdev_queue_stats_tx *tx)
{
	struct simnic_port *port = netdev_priv(netdev);
	u32 i;

	qstats_rx_zero(rx);
	qstats_tx_zero(tx);
	for (i = netdev->real_num_rx_queues; i < SIMNIC_MAX_QUEUES; i++)
		qstats_rx_add(&port->qp[i].rx, rx);
	for (i = netdev->real_num_tx_queues; i < SIMNIC_MAX_QUEUES; i++)
		qstats_tx_add(&port->qp[i].tx, tx);
}

static const struct netdev_stat_ops simnic_stat_ops = {
	.get_queue_stats_rx	= simnic_qstats_rx,
	.get_queue_stats_tx	= simnic_qstats_tx,
	.get_base_stats		= simnic_qstats_base,
};

/**
 * simnic_qstats_attach() - report per-queue statistics for @netdev
 * @netdev: a port being set up, not registered yet
 */
void simnic_qstats_attach(struct net_device *netdev)
{
	netdev->stat_ops = &simnic_stat_ops;
}
