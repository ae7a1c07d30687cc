// SPDX-License-Identifier: GPL-2.0
/*
 * simnic ethtool: -i, -S, -d, -g/-G, -l/-L, -C rx-usecs, and the skbpool
 * private flags; and ndo_get_stats64.
 */
#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "simnic.h"

#define SIMNIC_MAX_RX_USECS	10000

/* Driver statistics, device totals; skbpool_* follow them in ethtool -S. */
static const char simnic_stat_names[][ETH_GSTRING_LEN] = {
	"rx_packets", "rx_bytes", "rx_missed_errors", "rx_length_errors",
	"rx_dropped", "rx_alloc_failed", "tx_packets", "tx_bytes", "tx_dropped",
};

struct simnic_totals {
	u64 rx_packets, rx_bytes, rx_missed, rx_length_errors, rx_dropped;
	u64 rx_alloc_failed, tx_packets, tx_bytes, tx_dropped;
};

/*
 * One queue pair's counters.  Each read loop assigns, never adds: a retry
 * (a writer was mid-update, 32-bit only) reads the values again.
 */
static void simnic_queue_totals(struct simnic_qpair *qp, struct simnic_totals *q)
{
	struct simnic_rxq *rx = &qp->rx;
	struct simnic_txq *tx = &qp->tx;
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&rx->syncp);
		q->rx_packets = u64_stats_read(&rx->stats.packets);
		q->rx_bytes = u64_stats_read(&rx->stats.bytes);
		q->rx_dropped = u64_stats_read(&rx->stats.dropped);
		q->rx_alloc_failed = u64_stats_read(&rx->stats.alloc_failed);
	} while (u64_stats_fetch_retry(&rx->syncp, start));
	do {
		start = u64_stats_fetch_begin(&rx->hw_syncp);
		q->rx_missed = u64_stats_read(&rx->hw_stats.missed);
		q->rx_length_errors = u64_stats_read(&rx->hw_stats.length_errors);
	} while (u64_stats_fetch_retry(&rx->hw_syncp, start));
	do {
		start = u64_stats_fetch_begin(&tx->syncp);
		q->tx_packets = u64_stats_read(&tx->stats.packets);
		q->tx_bytes = u64_stats_read(&tx->stats.bytes);
		q->tx_dropped = u64_stats_read(&tx->stats.dropped);
	} while (u64_stats_fetch_retry(&tx->syncp, start));
}

static void simnic_totals(struct simnic_port *port, struct simnic_totals *t)
{
	struct simnic_totals q;
	u32 i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < SIMNIC_MAX_QUEUES; i++) {
		simnic_queue_totals(&port->qp[i], &q);
		t->rx_packets += q.rx_packets;
		t->rx_bytes += q.rx_bytes;
		t->rx_missed += q.rx_missed;
		t->rx_length_errors += q.rx_length_errors;
		t->rx_dropped += q.rx_dropped;
		t->rx_alloc_failed += q.rx_alloc_failed;
		t->tx_packets += q.tx_packets;
		t->tx_bytes += q.tx_bytes;
		t->tx_dropped += q.tx_dropped;
	}
}

/**
 * simnic_get_stats64() - ndo_get_stats64
 * @netdev: the port
 * @s: filled in
 *
 * Counters live per queue, including queues no longer active, so totals
 * never go backwards when the channel count changes.
 */
void simnic_get_stats64(struct net_device *netdev, struct rtnl_link_stats64 *s)
{
	struct simnic_totals t;

	simnic_totals(netdev_priv(netdev), &t);
	s->rx_packets = t.rx_packets;
	s->rx_bytes = t.rx_bytes;
	s->rx_missed_errors = t.rx_missed;
	s->rx_length_errors = t.rx_length_errors;
	s->rx_errors = t.rx_length_errors;
	s->rx_dropped = t.rx_dropped;
	s->tx_packets = t.tx_packets;
	s->tx_bytes = t.tx_bytes;
	s->tx_dropped = t.tx_dropped;
}

static void simnic_get_drvinfo(struct net_device *netdev,
			       struct ethtool_drvinfo *info)
{
	struct simnic_port *port = netdev_priv(netdev);

	strscpy(info->driver, SIMNIC_DRV_NAME, sizeof(info->driver));
	snprintf(info->bus_info, sizeof(info->bus_info), "simnic%u:%u",
		 port->sdev->id, port->port_index);
	info->n_priv_flags = SKBPOOL_PRIV_FLAGS_COUNT;
}

static int simnic_get_sset_count(struct net_device *netdev, int sset)
{
	switch (sset) {
	case ETH_SS_STATS:
		return ARRAY_SIZE(simnic_stat_names) + skbpool_ethtool_stats_count();
	case ETH_SS_PRIV_FLAGS:
		return SKBPOOL_PRIV_FLAGS_COUNT;
	default:
		return -EOPNOTSUPP;
	}
}

static void simnic_get_strings(struct net_device *netdev, u32 sset, u8 *data)
{
	u32 i;

	switch (sset) {
	case ETH_SS_STATS:
		for (i = 0; i < ARRAY_SIZE(simnic_stat_names); i++)
			ethtool_puts(&data, simnic_stat_names[i]);
		skbpool_ethtool_stats_strings(&data);
		break;
	case ETH_SS_PRIV_FLAGS:
		skbpool_ethtool_priv_flag_strings(&data);
		break;
	}
}

static void simnic_get_ethtool_stats(struct net_device *netdev,
				     struct ethtool_stats *stats, u64 *data)
{
	struct simnic_port *port = netdev_priv(netdev);
	struct simnic_totals t;

	simnic_totals(port, &t);
	*data++ = t.rx_packets;
	*data++ = t.rx_bytes;
	*data++ = t.rx_missed;
	*data++ = t.rx_length_errors;
	*data++ = t.rx_dropped;
	*data++ = t.rx_alloc_failed;
	*data++ = t.tx_packets;
	*data++ = t.tx_bytes;
	*data++ = t.tx_dropped;
	skbpool_ethtool_stats(port->pool_dev, &data);
}

static u32 simnic_get_priv_flags(struct net_device *netdev)
{
	struct simnic_port *port = netdev_priv(netdev);

	return skbpool_ethtool_get_priv_flags(port->pool_dev);
}

static int simnic_set_priv_flags(struct net_device *netdev, u32 flags)
{
	struct simnic_port *port = netdev_priv(netdev);

	return skbpool_ethtool_set_priv_flags(port->pool_dev, flags);
}

static void simnic_get_ringparam(struct net_device *netdev,
				 struct ethtool_ringparam *ring,
				 struct kernel_ethtool_ringparam *kring,
				 struct netlink_ext_ack *extack)
{
	struct simnic_port *port = netdev_priv(netdev);

	ring->rx_max_pending = SIMNIC_MAX_RING;
	ring->tx_max_pending = SIMNIC_MAX_RING;
	ring->rx_pending = port->rx_ring_size;
	ring->tx_pending = port->tx_ring_size;
}

static int simnic_set_ringparam(struct net_device *netdev,
				struct ethtool_ringparam *ring,
				struct kernel_ethtool_ringparam *kring,
				struct netlink_ext_ack *extack)
{
	struct simnic_port *port = netdev_priv(netdev);
	u32 old_rx = port->rx_ring_size, old_tx = port->tx_ring_size;
	int err;

	if (ring->rx_pending < SIMNIC_MIN_RING || ring->tx_pending < SIMNIC_MIN_RING ||
	    !is_power_of_2(ring->rx_pending) || !is_power_of_2(ring->tx_pending)) {
		NL_SET_ERR_MSG_FMT_MOD(extack, "ring sizes must be powers of two from %u to %u",
				       SIMNIC_MIN_RING, SIMNIC_MAX_RING);
		return -EINVAL;
	}
	port->rx_ring_size = ring->rx_pending;
	port->tx_ring_size = ring->tx_pending;
	err = simnic_reconfigure(netdev, NULL, NULL);
	if (err) {
		port->rx_ring_size = old_rx;
		port->tx_ring_size = old_tx;
		simnic_reconfigure(netdev, NULL, NULL);
	}
	return err;
}

/*
 * The register dump: per queue pair, what an e1000's ring registers would
 * show (RDLEN, RDT, RDH, TDLEN, TDT, TDH) plus where NAPI has cleaned up
 * to.  All zero while the port is down.
 */
enum {
	SIMNIC_REG_RX_SIZE, SIMNIC_REG_RX_TAIL, SIMNIC_REG_RX_HEAD, SIMNIC_REG_RX_CLEAN,
	SIMNIC_REG_TX_SIZE, SIMNIC_REG_TX_TAIL, SIMNIC_REG_TX_HEAD, SIMNIC_REG_TX_CLEAN,
	SIMNIC_REGS_PER_QUEUE
};

static int simnic_get_regs_len(struct net_device *netdev)
{
	return SIMNIC_MAX_QUEUES * SIMNIC_REGS_PER_QUEUE * sizeof(u32);
}

/* Context: RTNL held, so the rings stay as they are; the indices move. */
static void simnic_get_regs(struct net_device *netdev, struct ethtool_regs *regs,
			    void *p)
{
	struct simnic_port *port = netdev_priv(netdev);
	u32 *r = p, i;

	regs->version = 1;
	memset(p, 0, simnic_get_regs_len(netdev));
	if (!READ_ONCE(port->rings_ready))
		return;
	for (i = 0; i < netdev->real_num_rx_queues; i++, r += SIMNIC_REGS_PER_QUEUE) {
		const struct simnic_qpair *qp = &port->qp[i];

		r[SIMNIC_REG_RX_SIZE] = qp->rx.size;
		r[SIMNIC_REG_RX_TAIL] = READ_ONCE(qp->rx.next_to_use);
		r[SIMNIC_REG_RX_HEAD] = READ_ONCE(qp->rx.hw_head);
		r[SIMNIC_REG_RX_CLEAN] = READ_ONCE(qp->rx.next_to_clean);
		r[SIMNIC_REG_TX_SIZE] = qp->tx.size;
		r[SIMNIC_REG_TX_TAIL] = READ_ONCE(qp->tx.next_to_use);
		r[SIMNIC_REG_TX_HEAD] = READ_ONCE(qp->tx.hw_done);
		r[SIMNIC_REG_TX_CLEAN] = READ_ONCE(qp->tx.next_to_clean);
	}
}

static void simnic_get_channels(struct net_device *netdev,
				struct ethtool_channels *ch)
{
	ch->max_combined = SIMNIC_MAX_QUEUES;
	ch->combined_count = netdev->real_num_rx_queues;
}

static int simnic_apply_channels(struct net_device *netdev, const void *arg)
{
	u32 n = *(const u32 *)arg;

	return netif_set_real_num_queues(netdev, n, n);
}

static int simnic_set_channels(struct net_device *netdev,
			       struct ethtool_channels *ch)
{
	return simnic_reconfigure(netdev, simnic_apply_channels,
				  &ch->combined_count);
}

static int simnic_get_coalesce(struct net_device *netdev,
			       struct ethtool_coalesce *ec,
			       struct kernel_ethtool_coalesce *kec,
			       struct netlink_ext_ack *extack)
{
	struct simnic_port *port = netdev_priv(netdev);

	ec->rx_coalesce_usecs = READ_ONCE(port->rx_usecs);
	return 0;
}

static int simnic_set_coalesce(struct net_device *netdev,
			       struct ethtool_coalesce *ec,
			       struct kernel_ethtool_coalesce *kec,
			       struct netlink_ext_ack *extack)
{
	struct simnic_port *port = netdev_priv(netdev);

	if (ec->rx_coalesce_usecs > SIMNIC_MAX_RX_USECS) {
		NL_SET_ERR_MSG_FMT_MOD(extack, "rx-usecs is at most %u",
				       SIMNIC_MAX_RX_USECS);
		return -EINVAL;
	}
	WRITE_ONCE(port->rx_usecs, ec->rx_coalesce_usecs);
	return 0;
}

const struct ethtool_ops simnic_ethtool_ops = {
	.supported_coalesce_params = ETHTOOL_COALESCE_RX_USECS,
	.get_drvinfo		= simnic_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_sset_count		= simnic_get_sset_count,
	.get_strings		= simnic_get_strings,
	.get_ethtool_stats	= simnic_get_ethtool_stats,
	.get_priv_flags		= simnic_get_priv_flags,
	.set_priv_flags		= simnic_set_priv_flags,
	.get_regs_len		= simnic_get_regs_len,
	.get_regs		= simnic_get_regs,
	.get_ringparam		= simnic_get_ringparam,
	.set_ringparam		= simnic_set_ringparam,
	.get_channels		= simnic_get_channels,
	.set_channels		= simnic_set_channels,
	.get_coalesce		= simnic_get_coalesce,
	.set_coalesce		= simnic_set_coalesce,
};
