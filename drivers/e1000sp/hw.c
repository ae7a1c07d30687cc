// SPDX-License-Identifier: GPL-2.0
/*
 * e1000sp hardware access: reset, EEPROM, link, address filters and the
 * statistics registers of the 82540EM.
 */
#include <linux/bitfield.h>
#include <linux/delay.h>
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/iopoll.h>
#include <linux/kernel.h>

#include "hw.h"

/**
 * e1000sp_hw_reset() - global reset of the MAC, interrupts left masked
 * @hw: the MAC
 *
 * Receive and transmit are stopped first so that no DMA is in progress
 * when the reset hits (14.9).  The statistics registers are folded into
 * the totals before the reset clears them (QEMU's running totals it does
 * not clear: see e1000sp_hw_update_stats()).
 *
 * Context: process, may sleep.
 */
void e1000sp_hw_reset(struct e1000sp_hw *hw)
{
	e1000sp_wr(hw, E1000SP_IMC, E1000SP_INT_ALL);
	e1000sp_wr(hw, E1000SP_RCTL, 0);
	e1000sp_wr(hw, E1000SP_TCTL, E1000SP_TCTL_PSP);
	e1000sp_flush(hw);
	usleep_range(10000, 20000);
	e1000sp_hw_update_stats(hw);

	e1000sp_wr(hw, E1000SP_CTRL, e1000sp_rd(hw, E1000SP_CTRL) | E1000SP_CTRL_RST);
	/* The reset takes up to 1 us, then the EEPROM is reloaded (14.9). */
	usleep_range(5000, 10000);
	e1000sp_wr(hw, E1000SP_IMC, E1000SP_INT_ALL);
	e1000sp_rd(hw, E1000SP_ICR);
}

/**
 * e1000sp_hw_read_eeprom() - one EEPROM word through EERD
 * @hw: the MAC
 * @word: word address
 * @val: the word read
 *
 * Context: process (sleeps polling, for up to 10 ms).
 * Return: 0 or -ETIMEDOUT.
 */
int e1000sp_hw_read_eeprom(struct e1000sp_hw *hw, u32 word, u16 *val)
{
	u32 v;
	int err;

	e1000sp_wr(hw, E1000SP_EERD,
		   FIELD_PREP(E1000SP_EERD_ADDR, word) | E1000SP_EERD_START);
	err = readl_poll_timeout(hw->regs + E1000SP_EERD, v, v & E1000SP_EERD_DONE,
				 10, 10000);
	if (err)
		return err;
	*val = FIELD_GET(E1000SP_EERD_DATA, v);
	return 0;
}

/**
 * e1000sp_hw_read_mac() - the permanent MAC address from the EEPROM
 * @hw: the MAC
 * @mac: ETH_ALEN bytes
 *
 * The words 0x00-0x3f must sum to 0xbaba (5.6.1); words 0-2 hold the
 * address, low byte first.
 *
 * Return: 0, -EIO for a bad checksum or address, -ETIMEDOUT.
 */
int e1000sp_hw_read_mac(struct e1000sp_hw *hw, u8 *mac)
{
	u16 sum = 0, w;
	u32 i;
	int err;

	for (i = 0; i < E1000SP_EE_WORDS; i++) {
		err = e1000sp_hw_read_eeprom(hw, i, &w);
		if (err)
			return err;
		sum += w;
		if (i < ETH_ALEN / 2) {
			mac[2 * i] = w & 0xff;
			mac[2 * i + 1] = w >> 8;
		}
	}
	if (sum != E1000SP_EE_SUM || !is_valid_ether_addr(mac))
		return -EIO;
	return 0;
}

/**
 * e1000sp_hw_init_link() - let the internal PHY's resolution drive the MAC
 * @hw: the MAC
 *
 * On the 82540 the MAC takes speed and duplex from the internal PHY once
 * SLU is set and nothing is forced (8.6); flow control stays off.
 */
void e1000sp_hw_init_link(struct e1000sp_hw *hw)
{
	u32 ctrl = e1000sp_rd(hw, E1000SP_CTRL);

	ctrl &= ~(E1000SP_CTRL_FRCSPD | E1000SP_CTRL_FRCDPX | E1000SP_CTRL_RFCE |
		  E1000SP_CTRL_TFCE | E1000SP_CTRL_VME | E1000SP_CTRL_PHY_RST);
	e1000sp_wr(hw, E1000SP_CTRL, ctrl | E1000SP_CTRL_SLU);
	/* 802.3x PAUSE address and type, as the manual asks even unused. */
	e1000sp_wr(hw, E1000SP_FCAL, 0x00c28001);
	e1000sp_wr(hw, E1000SP_FCAH, 0x0100);
	e1000sp_wr(hw, E1000SP_FCT, 0x8808);
	e1000sp_wr(hw, E1000SP_FCTTV, 0);
}

/**
 * e1000sp_hw_link() - link state as the MAC sees it
 * @hw: the MAC
 * @speed: Mb/s when up (may be NULL)
 * @full_duplex: duplex when up (may be NULL)
 *
 * Return: whether the link is up.
 */
bool e1000sp_hw_link(struct e1000sp_hw *hw, u32 *speed, bool *full_duplex)
{
	static const u32 speeds[] = { 10, 100, 1000, 1000 };
	u32 status = e1000sp_rd(hw, E1000SP_STATUS);

	if (speed)
		*speed = speeds[FIELD_GET(E1000SP_STATUS_SPEED, status)];
	if (full_duplex)
		*full_duplex = status & E1000SP_STATUS_FD;
	return status & E1000SP_STATUS_LU;
}

/**
 * e1000sp_hw_set_rar() - program one receive address register pair
 * @hw: the MAC
 * @index: 0 (the station address) to E1000SP_RAR_ENTRIES - 1
 * @mac: the address, or NULL to invalidate the entry
 */
void e1000sp_hw_set_rar(struct e1000sp_hw *hw, u32 index, const u8 *mac)
{
	u32 lo = 0, hi = 0;

	if (mac) {
		lo = mac[0] | mac[1] << 8 | mac[2] << 16 | (u32)mac[3] << 24;
		hi = mac[4] | mac[5] << 8 | E1000SP_RAH_AV;
	}
	/* Invalidate before changing the low half: no half-written match. */
	e1000sp_wr(hw, E1000SP_RAH(index), 0);
	e1000sp_wr(hw, E1000SP_RAL(index), lo);
	e1000sp_wr(hw, E1000SP_RAH(index), hi);
}

/**
 * e1000sp_hw_mta_hash() - the multicast table bit of an address
 * @mac: the address
 *
 * With RCTL.MO = 0 the hash is destination address bits 47:36 (13.5.1).
 *
 * Return: a bit index, 0-4095.
 */
u32 e1000sp_hw_mta_hash(const u8 *mac)
{
	return ((mac[5] << 8 | mac[4]) >> 4) & 0xfff;
}

/**
 * e1000sp_hw_set_pba() - split the 64 KB packet buffer
 * @hw: the MAC
 * @jumbo: give transmit room for two 16 KB frames
 *
 * Context: receive and transmit disabled.
 */
void e1000sp_hw_set_pba(struct e1000sp_hw *hw, bool jumbo)
{
	e1000sp_wr(hw, E1000SP_PBA, jumbo ? E1000SP_PBA_RX_JUMBO : E1000SP_PBA_RX_STD);
}

/**
 * e1000sp_hw_rctl_bsize() - RCTL bits for a receive buffer size
 * @buf_len: 2048, 4096, 8192 or 16384
 *
 * Return: the BSIZE/BSEX bits (13.4.22).
 */
u32 e1000sp_hw_rctl_bsize(u32 buf_len)
{
	switch (buf_len) {
	case 16384:
		return E1000SP_RCTL_BSEX | FIELD_PREP(E1000SP_RCTL_BSIZE, 1);
	case 8192:
		return E1000SP_RCTL_BSEX | FIELD_PREP(E1000SP_RCTL_BSIZE, 2);
	case 4096:
		return E1000SP_RCTL_BSEX | FIELD_PREP(E1000SP_RCTL_BSIZE, 3);
	default:
		return FIELD_PREP(E1000SP_RCTL_BSIZE, 0);
	}
}

/*
 * The statistics registers.  64-bit counters are read low half first: the
 * read of the high half clears both (13.7).  QEMU's model clears only the
 * registers it counts often (packets, octets, the size histograms); the
 * rest, MPC and RNBC among them, it keeps as running totals: @qemu_total.
 */
struct e1000sp_stat_reg {
	char name[ETH_GSTRING_LEN];
	u16 reg;
	u8 wide;
	u8 qemu_total;
};

static const struct e1000sp_stat_reg e1000sp_stat_regs[E1000SP_HS_COUNT] = {
	[E1000SP_HS_GPRC]	= { "hw_rx_good_packets",	0x4074, 0, 0 },
	[E1000SP_HS_GPTC]	= { "hw_tx_good_packets",	0x4080, 0, 0 },
	[E1000SP_HS_GORC]	= { "hw_rx_good_octets",	0x4088, 1, 0 },
	[E1000SP_HS_GOTC]	= { "hw_tx_good_octets",	0x4090, 1, 0 },
	[E1000SP_HS_TPR]	= { "hw_rx_total_packets",	0x40d0, 0, 0 },
	[E1000SP_HS_TPT]	= { "hw_tx_total_packets",	0x40d4, 0, 0 },
	[E1000SP_HS_TOR]	= { "hw_rx_total_octets",	0x40c0, 1, 0 },
	[E1000SP_HS_TOT]	= { "hw_tx_total_octets",	0x40c8, 1, 0 },
	[E1000SP_HS_BPRC]	= { "hw_rx_broadcast",		0x4078, 0, 0 },
	[E1000SP_HS_MPRC]	= { "hw_rx_multicast",		0x407c, 0, 0 },
	[E1000SP_HS_BPTC]	= { "hw_tx_broadcast",		0x40f4, 0, 0 },
	[E1000SP_HS_MPTC]	= { "hw_tx_multicast",		0x40f0, 0, 0 },
	[E1000SP_HS_PRC64]	= { "hw_rx_64",			0x405c, 0, 0 },
	[E1000SP_HS_PRC127]	= { "hw_rx_65_127",		0x4060, 0, 0 },
	[E1000SP_HS_PRC255]	= { "hw_rx_128_255",		0x4064, 0, 0 },
	[E1000SP_HS_PRC511]	= { "hw_rx_256_511",		0x4068, 0, 0 },
	[E1000SP_HS_PRC1023]	= { "hw_rx_512_1023",		0x406c, 0, 0 },
	[E1000SP_HS_PRC1522]	= { "hw_rx_1024_max",		0x4070, 0, 0 },
	[E1000SP_HS_PTC64]	= { "hw_tx_64",			0x40d8, 0, 0 },
	[E1000SP_HS_PTC127]	= { "hw_tx_65_127",		0x40dc, 0, 0 },
	[E1000SP_HS_PTC255]	= { "hw_tx_128_255",		0x40e0, 0, 0 },
	[E1000SP_HS_PTC511]	= { "hw_tx_256_511",		0x40e4, 0, 0 },
	[E1000SP_HS_PTC1023]	= { "hw_tx_512_1023",		0x40e8, 0, 0 },
	[E1000SP_HS_PTC1522]	= { "hw_tx_1024_max",		0x40ec, 0, 0 },
	[E1000SP_HS_MPC]	= { "hw_rx_missed",		0x4010, 0, 1 },
	[E1000SP_HS_RNBC]	= { "hw_rx_no_buffer",		0x40a0, 0, 1 },
	[E1000SP_HS_CRCERRS]	= { "hw_rx_crc_errors",		0x4000, 0, 1 },
	[E1000SP_HS_ALGNERRC]	= { "hw_rx_align_errors",	0x4004, 0, 1 },
	[E1000SP_HS_SYMERRS]	= { "hw_rx_symbol_errors",	0x4008, 0, 1 },
	[E1000SP_HS_RXERRC]	= { "hw_rx_errors",		0x400c, 0, 1 },
	[E1000SP_HS_RLEC]	= { "hw_rx_length_errors",	0x4040, 0, 1 },
	[E1000SP_HS_RUC]	= { "hw_rx_undersize",		0x40a4, 0, 0 },
	[E1000SP_HS_RFC]	= { "hw_rx_fragments",		0x40a8, 0, 1 },
	[E1000SP_HS_ROC]	= { "hw_rx_oversize",		0x40ac, 0, 0 },
	[E1000SP_HS_RJC]	= { "hw_rx_jabbers",		0x40b0, 0, 1 },
	[E1000SP_HS_SCC]	= { "hw_tx_single_collisions",	0x4014, 0, 1 },
	[E1000SP_HS_ECOL]	= { "hw_tx_excess_collisions",	0x4018, 0, 1 },
	[E1000SP_HS_MCC]	= { "hw_tx_multi_collisions",	0x401c, 0, 1 },
	[E1000SP_HS_LATECOL]	= { "hw_tx_late_collisions",	0x4020, 0, 1 },
	[E1000SP_HS_COLC]	= { "hw_collisions",		0x4028, 0, 1 },
	[E1000SP_HS_DC]		= { "hw_tx_deferred",		0x4030, 0, 1 },
	[E1000SP_HS_TNCRS]	= { "hw_tx_no_crs",		0x4034, 0, 1 },
	[E1000SP_HS_SEC]	= { "hw_rx_sequence_errors",	0x4038, 0, 1 },
	[E1000SP_HS_CEXTERR]	= { "hw_rx_carrier_ext_errors",	0x403c, 0, 1 },
	[E1000SP_HS_XONRXC]	= { "hw_rx_xon",		0x4048, 0, 1 },
	[E1000SP_HS_XONTXC]	= { "hw_tx_xon",		0x404c, 0, 1 },
	[E1000SP_HS_XOFFRXC]	= { "hw_rx_xoff",		0x4050, 0, 1 },
	[E1000SP_HS_XOFFTXC]	= { "hw_tx_xoff",		0x4054, 0, 1 },
	[E1000SP_HS_FCRUC]	= { "hw_rx_fc_unsupported",	0x4058, 0, 1 },
	[E1000SP_HS_TSCTC]	= { "hw_tx_tso_contexts",	0x40f8, 0, 0 },
	[E1000SP_HS_TSCTFC]	= { "hw_tx_tso_context_fails",	0x40fc, 0, 1 },
};

/**
 * e1000sp_hw_stat_name() - the ethtool name of a hardware statistic
 * @i: enum e1000sp_hw_stat
 *
 * Return: the name.
 */
const char *e1000sp_hw_stat_name(u32 i)
{
	return e1000sp_stat_regs[i].name;
}

/**
 * e1000sp_hw_update_stats() - fold the statistics registers into the totals
 * @hw: the MAC
 *
 * Context: any.
 */
void e1000sp_hw_update_stats(struct e1000sp_hw *hw)
{
	unsigned long flags;
	u32 i;

	spin_lock_irqsave(&hw->stats_lock, flags);
	for (i = 0; i < E1000SP_HS_COUNT; i++) {
		const struct e1000sp_stat_reg *r = &e1000sp_stat_regs[i];
		u64 v = e1000sp_rd(hw, r->reg);

		if (r->wide) {
			v |= (u64)e1000sp_rd(hw, r->reg + 4) << 32;
		} else if (hw->totals_quirk && r->qemu_total) {
			u32 now = v;

			/*
			 * A running total.  QEMU neither clears it on
			 * CTRL.RST (e1000sp_hw_reset()) nor wraps it: only
			 * the machine's reset restarts it, from 0.
			 */
			v = now >= hw->raw[i] ? now - hw->raw[i] : now;
			hw->raw[i] = now;
		}
		hw->stats[i] += v;
	}
	spin_unlock_irqrestore(&hw->stats_lock, flags);
}

/* Registers for ethtool -d: configuration only, nothing that clears on read. */
static const u16 e1000sp_dump_regs[] = {
	E1000SP_CTRL, E1000SP_STATUS, E1000SP_CTRL_EXT, E1000SP_ITR, E1000SP_IMS,
	E1000SP_RCTL, E1000SP_TCTL, E1000SP_TIPG, E1000SP_PBA,
	E1000SP_RDBAL, E1000SP_RDBAH, E1000SP_RDLEN, E1000SP_RDH, E1000SP_RDT,
	E1000SP_RDTR, E1000SP_RADV,
	E1000SP_TDBAL, E1000SP_TDBAH, E1000SP_TDLEN, E1000SP_TDH, E1000SP_TDT,
	E1000SP_TIDV, E1000SP_TADV, E1000SP_RXCSUM, E1000SP_MANC,
	E1000SP_RAL(0), E1000SP_RAH(0),
};

/**
 * e1000sp_hw_regs_len() - bytes e1000sp_hw_dump_regs() writes
 *
 * Return: the size.
 */
u32 e1000sp_hw_regs_len(void)
{
	return sizeof(u32) * ARRAY_SIZE(e1000sp_dump_regs);
}

/**
 * e1000sp_hw_dump_regs() - configuration registers, for ethtool -d
 * @hw: the MAC
 * @out: e1000sp_hw_regs_len() bytes
 */
void e1000sp_hw_dump_regs(struct e1000sp_hw *hw, u32 *out)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(e1000sp_dump_regs); i++)
		out[i] = e1000sp_rd(hw, e1000sp_dump_regs[i]);
}
