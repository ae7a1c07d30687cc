// SPDX-License-Identifier: GPL-2.0
/*
 * e1000sp ethtool: -i, -S, -d, -g/-G, -C rx-usecs, link settings, the
 * skbpool private flags; and ndo_get_stats64 from the statistics registers.
 */
#include <linux/ethtool.h>
#include <linux/linkmode.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "e1000sp.h"

/* Driver counters; the hardware's come first in ethtool -S, skbpool_* last. */
static const char e1000sp_sw_stat_names[][ETH_GSTRING_LEN] = {
	"rx_sw_dropped", "rx_alloc_failed", "rx_split_dropped", "rx_frame_errors",
	"rx_csum_good", "rx_copied", "tx_busy", "tx_sw_dropped", "tx_dma_failed", "tx_csum_sw",
	"tx_tso", "tx_mapped", "tx_timeouts", "restarts",
};

#define E1000SP_SW_STATS	ARRAY_SIZE(e1000sp_sw_stat_names)

struct e1000sp_sw_totals {
	u64 rx_dropped, rx_alloc_failed, rx_split, rx_errors, rx_csum_good, rx_copied;
	u64 tx_busy, tx_dropped, tx_dma_failed, tx_csum_sw, tx_tso, tx_mapped;
};

/* Ring counters survive ring rebuilds: they live in the adapter. */
static void e1000sp_sw_totals(struct e1000sp_adapter *ad, struct e1000sp_sw_totals *t)
{
	const struct e1000sp_rx_ring *rx = &ad->rx;
	const struct e1000sp_tx_ring *tx = &ad->tx;
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&rx->syncp);
		t->rx_dropped = u64_stats_read(&rx->stats.dropped);
		t->rx_alloc_failed = u64_stats_read(&rx->stats.alloc_failed);
		t->rx_split = u64_stats_read(&rx->stats.split);
		t->rx_errors = u64_stats_read(&rx->stats.errors);
		t->rx_csum_good = u64_stats_read(&rx->stats.csum_good);
		t->rx_copied = u64_stats_read(&rx->stats.copied);
	} while (u64_stats_fetch_retry(&rx->syncp, start));
	do {
		start = u64_stats_fetch_begin(&tx->syncp);
		t->tx_busy = u64_stats_read(&tx->stats.busy);
		t->tx_dropped = u64_stats_read(&tx->stats.dropped);
		t->tx_dma_failed = u64_stats_read(&tx->stats.dma_failed);
		t->tx_csum_sw = u64_stats_read(&tx->stats.csum_sw);
		t->tx_tso = u64_stats_read(&tx->stats.tso);
		t->tx_mapped = u64_stats_read(&tx->stats.mapped);
	} while (u64_stats_fetch_retry(&tx->syncp, start));
}

/* The hardware totals, fresh from the registers. */
static void e1000sp_hw_totals(struct e1000sp_adapter *ad, u64 *hs)
{
	unsigned long flags;

	e1000sp_hw_update_stats(&ad->hw);
	spin_lock_irqsave(&ad->hw.stats_lock, flags);
	memcpy(hs, ad->hw.stats, sizeof(ad->hw.stats));
	spin_unlock_irqrestore(&ad->hw.stats_lock, flags);
}

/**
 * e1000sp_get_stats64() - ndo_get_stats64
 * @netdev: the port
 * @s: filled in
 *
 * Packets, bytes and errors as the MAC counted them; the octet counters
 * include the FCS, which the kernel's byte counts leave out.  Drops are
 * the driver's own (frames it received but passed no skb up for).
 */
void e1000sp_get_stats64(struct net_device *netdev, struct rtnl_link_stats64 *s)
{
	struct e1000sp_adapter *ad = netdev_priv(netdev);
	u64 hs[E1000SP_HS_COUNT];
	struct e1000sp_sw_totals t;

	e1000sp_hw_totals(ad, hs);
	e1000sp_sw_totals(ad, &t);
	s->rx_packets = hs[E1000SP_HS_GPRC];
	s->tx_packets = hs[E1000SP_HS_GPTC];
	s->rx_bytes = hs[E1000SP_HS_GORC] - ETH_FCS_LEN * hs[E1000SP_HS_GPRC];
	s->tx_bytes = hs[E1000SP_HS_GOTC] - ETH_FCS_LEN * hs[E1000SP_HS_GPTC];
	s->multicast = hs[E1000SP_HS_MPRC];
	s->collisions = hs[E1000SP_HS_COLC];
	s->rx_crc_errors = hs[E1000SP_HS_CRCERRS];
	s->rx_frame_errors = hs[E1000SP_HS_ALGNERRC];
	s->rx_length_errors = hs[E1000SP_HS_RLEC] + hs[E1000SP_HS_RUC] +
			      hs[E1000SP_HS_ROC] + t.rx_split;
	s->rx_missed_errors = hs[E1000SP_HS_MPC];
	s->rx_errors = hs[E1000SP_HS_RXERRC] + hs[E1000SP_HS_CRCERRS] +
		       hs[E1000SP_HS_ALGNERRC] + s->rx_length_errors;
	s->rx_dropped = t.rx_dropped + t.rx_errors;
	s->tx_aborted_errors = hs[E1000SP_HS_ECOL];
	s->tx_window_errors = hs[E1000SP_HS_LATECOL];
	s->tx_carrier_errors = hs[E1000SP_HS_TNCRS];
	s->tx_errors = hs[E1000SP_HS_ECOL] + hs[E1000SP_HS_LATECOL];
	s->tx_dropped = t.tx_dropped;
}

static void e1000sp_get_drvinfo(struct net_device *netdev,
				struct ethtool_drvinfo *info)
{
	struct e1000sp_adapter *ad = netdev_priv(netdev);

	strscpy(info->driver, E1000SP_DRV_NAME, sizeof(info->driver));
	strscpy(info->bus_info, pci_name(ad->pdev), sizeof(info->bus_info));
	info->n_priv_flags = SKBPOOL_PRIV_FLAGS_COUNT;
}

static int e1000sp_get_sset_count(struct net_device *netdev, int sset)
{
	switch (sset) {
	case ETH_SS_STATS:
		return E1000SP_HS_COUNT + E1000SP_SW_STATS + skbpool_ethtool_stats_count();
	case ETH_SS_PRIV_FLAGS:
		return SKBPOOL_PRIV_FLAGS_COUNT;
	default:
		return -EOPNOTSUPP;
	}
}

static void e1000sp_get_strings(struct net_device *netdev, u32 sset, u8 *data)
{
	u32 i;

	switch (sset) {
	case ETH_SS_STATS:
		for (i = 0; i < E1000SP_HS_COUNT; i++)
			ethtool_puts(&data, e1000sp_hw_stat_name(i));
		for (i = 0; i < E1000SP_SW_STATS; i++)
			ethtool_puts(&data, e1000sp_sw_stat_names[i]);
		skbpool_ethtool_stats_strings(&data);
		break;
	case ETH_SS_PRIV_FLAGS:
		skbpool_ethtool_priv_flag_strings(&data);
		break;
	}
}

static void e1000sp_get_ethtool_stats(struct net_device *netdev,
				      struct ethtool_stats *stats, u64 *data)
{
	struct e1000sp_adapter *ad = netdev_priv(netdev);
	struct e1000sp_sw_totals t;

	e1000sp_hw_totals(ad, data);
	data += E1000SP_HS_COUNT;
	e1000sp_sw_totals(ad, &t);
	*data++ = t.rx_dropped;
	*data++ = t.rx_alloc_failed;
	*data++ = t.rx_split;
	*data++ = t.rx_errors;
	*data++ = t.rx_csum_good;
	*data++ = t.rx_copied;
	*data++ = t.tx_busy;
	*data++ = t.tx_dropped;
	*data++ = t.tx_dma_failed;
	*data++ = t.tx_csum_sw;
	*data++ = t.tx_tso;
	*data++ = t.tx_mapped;
	*data++ = atomic_read(&ad->tx_timeouts);
	*data++ = atomic_read(&ad->restarts);
	skbpool_ethtool_stats(ad->pool_dev, &data);
}

static u32 e1000sp_get_priv_flags(struct net_device *netdev)
{
	struct e1000sp_adapter *ad = netdev_priv(netdev);

	return skbpool_ethtool_get_priv_flags(ad->pool_dev);
}

static int e1000sp_set_priv_flags(struct net_device *netdev, u32 flags)
{
	struct e1000sp_adapter *ad = netdev_priv(netdev);

	return skbpool_ethtool_set_priv_flags(ad->pool_dev, flags);
}

static int e1000sp_get_regs_len(struct net_device *netdev)
{
	return e1000sp_hw_regs_len();
}

static void e1000sp_get_regs(struct net_device *netdev, struct ethtool_regs *regs,
			     void *p)
{
	struct e1000sp_adapter *ad = netdev_priv(netdev);

	regs->version = 1;
	e1000sp_hw_dump_regs(&ad->hw, p);
}

/* Copper, autonegotiated by the internal PHY; the MAC reports the result. */
static const u8 e1000sp_link_modes[] = {
	ETHTOOL_LINK_MODE_10baseT_Half_BIT, ETHTOOL_LINK_MODE_10baseT_Full_BIT,
	ETHTOOL_LINK_MODE_100baseT_Half_BIT, ETHTOOL_LINK_MODE_100baseT_Full_BIT,
	ETHTOOL_LINK_MODE_1000baseT_Full_BIT, ETHTOOL_LINK_MODE_Autoneg_BIT,
	ETHTOOL_LINK_MODE_TP_BIT,
};

static int e1000sp_get_link_ksettings(struct net_device *netdev,
				      struct ethtool_link_ksettings *ks)
{
	struct e1000sp_adapter *ad = netdev_priv(netdev);
	const struct e1000sp_link_cfg *cfg = &ad->link;
	bool fd;
	u32 speed, i;

	ethtool_link_ksettings_zero_link_mode(ks, supported);
	for (i = 0; i < ARRAY_SIZE(e1000sp_link_modes); i++)
		linkmode_set_bit(e1000sp_link_modes[i], ks->link_modes.supported);
	ethtool_convert_legacy_u32_to_link_mode(ks->link_modes.advertising,
						cfg->autoneg ? cfg->advertise : 0);
	linkmode_set_bit(ETHTOOL_LINK_MODE_TP_BIT, ks->link_modes.advertising);
	if (cfg->autoneg)
		linkmode_set_bit(ETHTOOL_LINK_MODE_Autoneg_BIT, ks->link_modes.advertising);
	ks->base.port = PORT_TP;
	ks->base.phy_address = E1000SP_PHY_ADDR;
	ks->base.autoneg = cfg->autoneg ? AUTONEG_ENABLE : AUTONEG_DISABLE;
	ks->base.mdio_support = ETH_MDIO_SUPPORTS_C22;
	ks->base.speed = SPEED_UNKNOWN;
	ks->base.duplex = DUPLEX_UNKNOWN;
	if (!netif_running(netdev) || !e1000sp_hw_link(&ad->hw, &speed, &fd))
		return 0;
	ks->base.speed = speed;
	ks->base.duplex = fd ? DUPLEX_FULL : DUPLEX_HALF;
	return 0;
}

/*
 * What the PHY can do, as e1000 does it: negotiate any non-empty subset
 * of its modes, or force 10 or 100 Mb/s at either duplex; forced 1000 Mb/s
 * full duplex means negotiating that mode alone (1000BASE-T needs
 * negotiation).  Anything else is refused and nothing changes.
 */
static int e1000sp_link_cfg_from(const struct ethtool_link_ksettings *ks,
				 struct e1000sp_link_cfg *cfg)
{
	u32 advertise, speed;
	u8 duplex;

	if (ks->base.autoneg == AUTONEG_ENABLE) {
		ethtool_convert_link_mode_to_legacy_u32(&advertise, ks->link_modes.advertising);
		advertise &= ~(BIT(ETHTOOL_LINK_MODE_Autoneg_BIT) | BIT(ETHTOOL_LINK_MODE_TP_BIT));
		if (!advertise || advertise & ~E1000SP_ADVERTISABLE)
			return -EINVAL;
		cfg->autoneg = true;
		cfg->advertise = advertise;
		return 0;
	}
	/* With the link down ethtool passes on unknown speed and duplex for
	 * what it was not told: keep what was set last.
	 */
	speed = ks->base.speed == SPEED_UNKNOWN ? cfg->speed : ks->base.speed;
	duplex = ks->base.duplex;
	if (duplex == DUPLEX_UNKNOWN)
		duplex = cfg->full_duplex ? DUPLEX_FULL : DUPLEX_HALF;
	if (duplex != DUPLEX_FULL && duplex != DUPLEX_HALF)
		return -EINVAL;
	switch (speed) {
	case SPEED_1000:
		if (duplex != DUPLEX_FULL)
			return -EINVAL;
		cfg->autoneg = true;
		cfg->advertise = BIT(ETHTOOL_LINK_MODE_1000baseT_Full_BIT);
		return 0;
	case SPEED_100:
	case SPEED_10:
		cfg->autoneg = false;
		cfg->speed = speed;
		cfg->full_duplex = duplex == DUPLEX_FULL;
		return 0;
	default:
		return -EINVAL;
	}
}

static int e1000sp_set_link_ksettings(struct net_device *netdev,
				      const struct ethtool_link_ksettings *ks)
{
	struct e1000sp_adapter *ad = netdev_priv(netdev);
	struct e1000sp_link_cfg cfg = ad->link;
	int err;

	err = e1000sp_link_cfg_from(ks, &cfg);
	if (err)
		return err;
	if (netif_running(netdev)) {
		err = e1000sp_phy_apply(&ad->hw, &cfg);
		if (err)
			return err;
	}
	ad->link = cfg;
	return 0;
}

static void e1000sp_get_ringparam(struct net_device *netdev,
				  struct ethtool_ringparam *ring,
				  struct kernel_ethtool_ringparam *kring,
				  struct netlink_ext_ack *extack)
{
	struct e1000sp_adapter *ad = netdev_priv(netdev);

	ring->rx_max_pending = E1000SP_MAX_RING;
	ring->tx_max_pending = E1000SP_MAX_RING;
	ring->rx_pending = ad->rx_ring_size;
	ring->tx_pending = ad->tx_ring_size;
}

static int e1000sp_apply_rings(struct net_device *netdev, const void *arg)
{
	struct e1000sp_adapter *ad = netdev_priv(netdev);
	const struct ethtool_ringparam *ring = arg;

	ad->rx_ring_size = ring->rx_pending;
	ad->tx_ring_size = ring->tx_pending;
	return 0;
}

static int e1000sp_set_ringparam(struct net_device *netdev,
				 struct ethtool_ringparam *ring,
				 struct kernel_ethtool_ringparam *kring,
				 struct netlink_ext_ack *extack)
{
	struct e1000sp_adapter *ad = netdev_priv(netdev);
	struct ethtool_ringparam old = {
		.rx_pending = ad->rx_ring_size,
		.tx_pending = ad->tx_ring_size,
	};
	int err;

	if (ring->rx_pending < E1000SP_MIN_RING || ring->tx_pending < E1000SP_MIN_RING ||
	    !is_power_of_2(ring->rx_pending) || !is_power_of_2(ring->tx_pending)) {
		NL_SET_ERR_MSG_FMT_MOD(extack, "ring sizes must be powers of two from %u to %u",
				       E1000SP_MIN_RING, E1000SP_MAX_RING);
		return -EINVAL;
	}
	if (ring->rx_pending == old.rx_pending && ring->tx_pending == old.tx_pending)
		return 0;
	err = e1000sp_reconfigure(netdev, e1000sp_apply_rings, ring);
	if (err)
		e1000sp_reconfigure(netdev, e1000sp_apply_rings, &old);
	return err;
}

static int e1000sp_get_coalesce(struct net_device *netdev,
				struct ethtool_coalesce *ec,
				struct kernel_ethtool_coalesce *kec,
				struct netlink_ext_ack *extack)
{
	struct e1000sp_adapter *ad = netdev_priv(netdev);

	ec->rx_coalesce_usecs = ad->rx_usecs;
	return 0;
}

static int e1000sp_set_coalesce(struct net_device *netdev,
				struct ethtool_coalesce *ec,
				struct kernel_ethtool_coalesce *kec,
				struct netlink_ext_ack *extack)
{
	struct e1000sp_adapter *ad = netdev_priv(netdev);

	if (ec->rx_coalesce_usecs > E1000SP_MAX_RX_USECS) {
		NL_SET_ERR_MSG_FMT_MOD(extack, "rx-usecs is at most %u",
				       E1000SP_MAX_RX_USECS);
		return -EINVAL;
	}
	ad->rx_usecs = ec->rx_coalesce_usecs;
	if (netif_running(netdev))
		e1000sp_set_itr(ad);
	return 0;
}

/*
 * ethtool --reset: resetting the MAC resets its DMA engines with it, so a
 * request must name both (the driver restores the interrupt mask,
 * filters and offloads the reset clears: those are not reported reset).
 */
static int e1000sp_ethtool_reset(struct net_device *netdev, u32 *flags)
{
	const u32 done = ETH_RESET_MAC | ETH_RESET_DMA;
	int err;

	if ((*flags & done) != done)
		return -EOPNOTSUPP;
	if (!netif_running(netdev))
		return -ENETDOWN;
	err = e1000sp_reset(netdev_priv(netdev));
	if (err)
		return err;
	*flags &= ~done;
	return 0;
}

const struct ethtool_ops e1000sp_ethtool_ops = {
	.supported_coalesce_params = ETHTOOL_COALESCE_RX_USECS,
	.get_drvinfo		= e1000sp_get_drvinfo,
	.get_regs_len		= e1000sp_get_regs_len,
	.get_regs		= e1000sp_get_regs,
	.get_link		= ethtool_op_get_link,
	.get_link_ksettings	= e1000sp_get_link_ksettings,
	.set_link_ksettings	= e1000sp_set_link_ksettings,
	.get_sset_count		= e1000sp_get_sset_count,
	.get_strings		= e1000sp_get_strings,
	.get_ethtool_stats	= e1000sp_get_ethtool_stats,
	.get_priv_flags		= e1000sp_get_priv_flags,
	.set_priv_flags		= e1000sp_set_priv_flags,
	.get_ringparam		= e1000sp_get_ringparam,
	.set_ringparam		= e1000sp_set_ringparam,
	.get_coalesce		= e1000sp_get_coalesce,
	.set_coalesce		= e1000sp_set_coalesce,
	.reset			= e1000sp_ethtool_reset,
};
