/* SPDX-License-Identifier: GPL-2.0 */
/*
 * e1000sp link settings: what ethtool asked of the internal PHY, and the
 * MDIC accesses that program it (8254x manual, 13.4.7 and 8.6).
 */
#ifndef _E1000SP_PHY_H
#define _E1000SP_PHY_H

#include <linux/bits.h>
#include <linux/ethtool.h>
#include <linux/types.h>

struct e1000sp_hw;

#define E1000SP_MDIC		0x00020
#define E1000SP_MDIC_DATA	GENMASK(15, 0)
#define E1000SP_MDIC_REG	GENMASK(20, 16)
#define E1000SP_MDIC_PHY	GENMASK(25, 21)
#define E1000SP_MDIC_OP_WRITE	BIT(26)
#define E1000SP_MDIC_OP_READ	BIT(27)
#define E1000SP_MDIC_READY	BIT(28)
#define E1000SP_MDIC_ERROR	BIT(30)
/* The internal PHY answers at address 1. */
#define E1000SP_PHY_ADDR	1

/* CTRL.SPEED when speed is forced (FRCSPD): 0 10, 1 100, 2 1000 Mb/s. */
#define E1000SP_CTRL_SPEED	GENMASK(9, 8)
#define E1000SP_CTRL_FD		BIT(0)

/*
 * Every mode the 82540EM's copper PHY may advertise, as one u32: these
 * are the first bits of the link mode bitmap, which
 * ethtool_convert_link_mode_to_legacy_u32() keeps in place.
 */
#define E1000SP_ADVERTISABLE	(BIT(ETHTOOL_LINK_MODE_10baseT_Half_BIT) |	\
				 BIT(ETHTOOL_LINK_MODE_10baseT_Full_BIT) |	\
				 BIT(ETHTOOL_LINK_MODE_100baseT_Half_BIT) |	\
				 BIT(ETHTOOL_LINK_MODE_100baseT_Full_BIT) |	\
				 BIT(ETHTOOL_LINK_MODE_1000baseT_Full_BIT))

/**
 * struct e1000sp_link_cfg - link settings as ethtool set them
 * @autoneg: negotiate (else force @speed and @full_duplex)
 * @advertise: link modes offered when negotiating, as bits of one u32
 * @speed: forced speed, 10 or 100 Mb/s
 * @full_duplex: forced duplex
 */
struct e1000sp_link_cfg {
	bool autoneg;
	u32 advertise;
	u32 speed;
	bool full_duplex;
};

void e1000sp_link_cfg_default(struct e1000sp_link_cfg *cfg);
int e1000sp_phy_write(struct e1000sp_hw *hw, u32 reg, u16 val);
int e1000sp_phy_apply(struct e1000sp_hw *hw, const struct e1000sp_link_cfg *cfg);

#endif /* _E1000SP_PHY_H */
