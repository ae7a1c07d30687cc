/* SPDX-License-Identifier: GPL-2.0 */
/*
 * e1000sp hardware layer: the Intel 82540EM (and 82545EM) MAC as described
 * in the PCI/PCI-X Family of Gigabit Ethernet Controllers Software
 * Developer's Manual (8254x), section numbers below refer to it.  Register
 * access, EEPROM, link state and the statistics registers live here; the
 * netdev layer never touches a register offset directly except the ring
 * tail doorbells and the interrupt registers of its hot path.
 */
#ifndef _E1000SP_HW_H
#define _E1000SP_HW_H

#include <linux/bits.h>
#include <linux/io.h>
#include <linux/spinlock.h>
#include <linux/types.h>

/* Registers (13.4). */
#define E1000SP_CTRL		0x00000
#define E1000SP_STATUS		0x00008
#define E1000SP_EERD		0x00014
#define E1000SP_CTRL_EXT	0x00018
#define E1000SP_FCAL		0x00028
#define E1000SP_FCAH		0x0002c
#define E1000SP_FCT		0x00030
#define E1000SP_ICR		0x000c0
#define E1000SP_ITR		0x000c4
#define E1000SP_IMS		0x000d0
#define E1000SP_IMC		0x000d8
#define E1000SP_RCTL		0x00100
#define E1000SP_FCTTV		0x00170
#define E1000SP_TCTL		0x00400
#define E1000SP_TIPG		0x00410
#define E1000SP_PBA		0x01000
#define E1000SP_RDBAL		0x02800
#define E1000SP_RDBAH		0x02804
#define E1000SP_RDLEN		0x02808
#define E1000SP_RDH		0x02810
#define E1000SP_RDT		0x02818
#define E1000SP_RDTR		0x02820
#define E1000SP_RADV		0x0282c
#define E1000SP_TDBAL		0x03800
#define E1000SP_TDBAH		0x03804
#define E1000SP_TDLEN		0x03808
#define E1000SP_TDH		0x03810
#define E1000SP_TDT		0x03818
#define E1000SP_TIDV		0x03820
#define E1000SP_TADV		0x0382c
#define E1000SP_RXCSUM		0x05000
#define E1000SP_MTA(i)		(0x05200 + 4 * (i))
#define E1000SP_RAL(i)		(0x05400 + 8 * (i))
#define E1000SP_RAH(i)		(0x05404 + 8 * (i))
#define E1000SP_MANC		0x05820

/* CTRL (13.4.1) */
#define E1000SP_CTRL_SLU	BIT(6)		/* set link up */
#define E1000SP_CTRL_FRCSPD	BIT(11)
#define E1000SP_CTRL_FRCDPX	BIT(12)
#define E1000SP_CTRL_RST	BIT(26)		/* self-clearing global reset */
#define E1000SP_CTRL_RFCE	BIT(27)
#define E1000SP_CTRL_TFCE	BIT(28)
#define E1000SP_CTRL_VME	BIT(30)
#define E1000SP_CTRL_PHY_RST	BIT(31)

/* STATUS (13.4.2) */
#define E1000SP_STATUS_FD	BIT(0)
#define E1000SP_STATUS_LU	BIT(1)
#define E1000SP_STATUS_SPEED	GENMASK(7, 6)	/* 0: 10, 1: 100, 2/3: 1000 */

/* EERD (13.4.4): the 82540 reads one EEPROM word per request. */
#define E1000SP_EERD_START	BIT(0)
#define E1000SP_EERD_DONE	BIT(4)
#define E1000SP_EERD_ADDR	GENMASK(15, 8)
#define E1000SP_EERD_DATA	GENMASK(31, 16)

/* EEPROM map (5.6): MAC address in words 0-2, checksum over 0x00-0x3f. */
#define E1000SP_EE_WORDS	0x40
#define E1000SP_EE_SUM		0xbaba

/* Interrupt causes, as in ICR/IMS/IMC (13.4.17-21). */
#define E1000SP_INT_TXDW	BIT(0)		/* descriptor written back */
#define E1000SP_INT_TXQE	BIT(1)
#define E1000SP_INT_LSC		BIT(2)		/* link status change */
#define E1000SP_INT_RXSEQ	BIT(3)
#define E1000SP_INT_RXDMT0	BIT(4)		/* RX ring below threshold */
#define E1000SP_INT_RXO		BIT(6)		/* receiver overrun */
#define E1000SP_INT_RXT0	BIT(7)		/* receiver timer */
#define E1000SP_INT_ALL		GENMASK(31, 0)

/* RCTL (13.4.22) */
#define E1000SP_RCTL_EN		BIT(1)
#define E1000SP_RCTL_UPE	BIT(3)		/* unicast promiscuous */
#define E1000SP_RCTL_MPE	BIT(4)		/* multicast promiscuous */
#define E1000SP_RCTL_LPE	BIT(5)		/* long packets (jumbo) */
#define E1000SP_RCTL_RDMTS_HALF	0
#define E1000SP_RCTL_MO		GENMASK(13, 12)	/* MTA offset: 0 = bits 47:36 */
#define E1000SP_RCTL_BAM	BIT(15)		/* accept broadcast */
#define E1000SP_RCTL_BSIZE	GENMASK(17, 16)
#define E1000SP_RCTL_BSEX	BIT(25)		/* BSIZE x16 */
#define E1000SP_RCTL_SECRC	BIT(26)		/* strip the CRC */

/* TCTL (13.4.33), TIPG (13.4.34) */
#define E1000SP_TCTL_EN		BIT(1)
#define E1000SP_TCTL_PSP	BIT(3)		/* pad short packets */
#define E1000SP_TCTL_CT		GENMASK(11, 4)
#define E1000SP_TCTL_COLD	GENMASK(21, 12)
#define E1000SP_TCTL_RTLC	BIT(24)
#define E1000SP_TIPG_COPPER	(10 | (8 << 10) | (6 << 20))

/* RXCSUM (13.4.25) */
#define E1000SP_RXCSUM_IPOFL	BIT(8)
#define E1000SP_RXCSUM_TUOFL	BIT(9)

#define E1000SP_RAH_AV		BIT(31)		/* address valid */
#define E1000SP_RAR_ENTRIES	16
#define E1000SP_MTA_WORDS	128

/* PBA (13.4.26): KB of the 64 KB packet buffer given to receive. */
#define E1000SP_PBA_RX_STD	48
#define E1000SP_PBA_RX_JUMBO	32

/* Receive descriptor (3.2.3), legacy format. */
struct e1000sp_rx_desc {
	__le64 addr;
	__le16 length;
	__le16 csum;
	u8 status;
	u8 errors;
	__le16 special;
};

#define E1000SP_RXD_STAT_DD	BIT(0)
#define E1000SP_RXD_STAT_EOP	BIT(1)
#define E1000SP_RXD_STAT_IXSM	BIT(2)		/* ignore checksum indication */
#define E1000SP_RXD_STAT_TCPCS	BIT(5)
#define E1000SP_RXD_STAT_IPCS	BIT(6)
#define E1000SP_RXD_ERR_CE	BIT(0)
#define E1000SP_RXD_ERR_SE	BIT(1)
#define E1000SP_RXD_ERR_SEQ	BIT(2)
#define E1000SP_RXD_ERR_CXE	BIT(4)
#define E1000SP_RXD_ERR_TCPE	BIT(5)
#define E1000SP_RXD_ERR_IPE	BIT(6)
#define E1000SP_RXD_ERR_RXE	BIT(7)
#define E1000SP_RXD_ERR_FRAME	(E1000SP_RXD_ERR_CE | E1000SP_RXD_ERR_SE | \
				 E1000SP_RXD_ERR_SEQ | E1000SP_RXD_ERR_CXE | \
				 E1000SP_RXD_ERR_RXE)

/*
 * Transmit descriptors (3.3): a context descriptor sets the checksum and
 * segmentation offsets for the data descriptors that follow it.  Both are
 * 16 bytes; @lower/@upper hold the little-endian words of 3.3.6 and 3.3.7.
 */
struct e1000sp_tx_desc {
	__le64 addr;	/* data: buffer; context: IPCSS/IPCSO/IPCSE, TUCSS/TUCSO/TUCSE */
	__le32 lower;	/* length, DTYP, DCMD */
	__le32 upper;	/* data: STA, POPTS, special; context: STA, HDRLEN, MSS */
};

#define E1000SP_TXD_LEN		GENMASK(19, 0)
#define E1000SP_TXD_DTYP_D	BIT(20)		/* data (else context) */
#define E1000SP_TXD_CMD_EOP	BIT(24)
#define E1000SP_TXD_CMD_IFCS	BIT(25)
#define E1000SP_TXD_CMD_TCP	BIT(24)		/* context: TCP (else UDP) */
#define E1000SP_TXD_CMD_IP	BIT(25)		/* context: IPv4 (else IPv6) */
#define E1000SP_TXD_CMD_TSE	BIT(26)
#define E1000SP_TXD_CMD_RS	BIT(27)
#define E1000SP_TXD_CMD_DEXT	BIT(29)
#define E1000SP_TXD_STAT_DD	BIT(0)
#define E1000SP_TXD_POPTS_IXSM	BIT(8)
#define E1000SP_TXD_POPTS_TXSM	BIT(9)

/* Hardware statistics (13.7): clear on read, accumulated by the driver. */
enum e1000sp_hw_stat {
	E1000SP_HS_GPRC,
	E1000SP_HS_GPTC,
	E1000SP_HS_GORC,
	E1000SP_HS_GOTC,
	E1000SP_HS_TPR,
	E1000SP_HS_TPT,
	E1000SP_HS_TOR,
	E1000SP_HS_TOT,
	E1000SP_HS_BPRC,
	E1000SP_HS_MPRC,
	E1000SP_HS_BPTC,
	E1000SP_HS_MPTC,
	E1000SP_HS_PRC64,
	E1000SP_HS_PRC127,
	E1000SP_HS_PRC255,
	E1000SP_HS_PRC511,
	E1000SP_HS_PRC1023,
	E1000SP_HS_PRC1522,
	E1000SP_HS_PTC64,
	E1000SP_HS_PTC127,
	E1000SP_HS_PTC255,
	E1000SP_HS_PTC511,
	E1000SP_HS_PTC1023,
	E1000SP_HS_PTC1522,
	E1000SP_HS_MPC,
	E1000SP_HS_RNBC,
	E1000SP_HS_CRCERRS,
	E1000SP_HS_ALGNERRC,
	E1000SP_HS_SYMERRS,
	E1000SP_HS_RXERRC,
	E1000SP_HS_RLEC,
	E1000SP_HS_RUC,
	E1000SP_HS_RFC,
	E1000SP_HS_ROC,
	E1000SP_HS_RJC,
	E1000SP_HS_SCC,
	E1000SP_HS_ECOL,
	E1000SP_HS_MCC,
	E1000SP_HS_LATECOL,
	E1000SP_HS_COLC,
	E1000SP_HS_DC,
	E1000SP_HS_TNCRS,
	E1000SP_HS_SEC,
	E1000SP_HS_CEXTERR,
	E1000SP_HS_XONRXC,
	E1000SP_HS_XONTXC,
	E1000SP_HS_XOFFRXC,
	E1000SP_HS_XOFFTXC,
	E1000SP_HS_FCRUC,
	E1000SP_HS_TSCTC,
	E1000SP_HS_TSCTFC,
	E1000SP_HS_COUNT
};

/**
 * struct e1000sp_hw - one MAC
 * @regs: BAR 0
 * @stats_lock: guards @stats and @raw: the statistics are folded from the
 *	registers by whoever asks (stats64, ethtool -S, the watchdog), and
 *	reading a register clears it, so one reader at a time
 * @stats: running totals since probe
 * @raw: last value read, for the registers the device keeps as running
 *	totals instead of clearing (@totals_quirk)
 * @totals_quirk: QEMU's model clears only some statistics registers on
 *	read; the others it keeps as running totals (see hw.c)
 */
struct e1000sp_hw {
	u8 __iomem *regs;
	spinlock_t stats_lock;	/* see above */
	u64 stats[E1000SP_HS_COUNT];
	u32 raw[E1000SP_HS_COUNT];
	bool totals_quirk;
};

static inline u32 e1000sp_rd(const struct e1000sp_hw *hw, u32 reg)
{
	return readl(hw->regs + reg);
}

static inline void e1000sp_wr(const struct e1000sp_hw *hw, u32 reg, u32 val)
{
	writel(val, hw->regs + reg);
}

/* Posted writes reach the device before anything that follows. */
static inline void e1000sp_flush(const struct e1000sp_hw *hw)
{
	e1000sp_rd(hw, E1000SP_STATUS);
}

void e1000sp_hw_reset(struct e1000sp_hw *hw);
int e1000sp_hw_read_eeprom(struct e1000sp_hw *hw, u32 word, u16 *val);
int e1000sp_hw_read_mac(struct e1000sp_hw *hw, u8 *mac);
void e1000sp_hw_init_link(struct e1000sp_hw *hw);
bool e1000sp_hw_link(struct e1000sp_hw *hw, u32 *speed, bool *full_duplex);
void e1000sp_hw_set_rar(struct e1000sp_hw *hw, u32 index, const u8 *mac);
u32 e1000sp_hw_mta_hash(const u8 *mac);
void e1000sp_hw_set_pba(struct e1000sp_hw *hw, bool jumbo);
u32 e1000sp_hw_rctl_bsize(u32 buf_len);
void e1000sp_hw_update_stats(struct e1000sp_hw *hw);
const char *e1000sp_hw_stat_name(u32 i);
u32 e1000sp_hw_regs_len(void);
void e1000sp_hw_dump_regs(struct e1000sp_hw *hw, u32 *out);

#endif /* _E1000SP_HW_H */
