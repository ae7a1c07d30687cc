// SPDX-License-Identifier: GPL-2.0
/*
 * e1000sp link settings: the internal PHY programmed through MDIC.
 *
 * The MAC follows the PHY's resolution unless speed and duplex are forced
 * in CTRL (8.6); forcing sets both the PHY's control register and CTRL, so
 * the two agree.  1000BASE-T cannot be forced (it needs negotiation to
 * pick master and slave), which is why a forced speed is 10 or 100 Mb/s
 * and ethtool's "speed 1000 autoneg off" becomes negotiation of that one
 * mode (ethtool.c).
 */
#include <linux/bitfield.h>
#include <linux/delay.h>
#include <linux/errno.h>
#include <linux/ethtool.h>
#include <linux/mii.h>

#include "hw.h"
#include "phy.h"

/* An MDIC cycle takes 64 MDC clocks (about 25 us); allow 100 times that. */
#define E1000SP_MDIC_POLLS	250
#define E1000SP_MDIC_POLL_US	10

/**
 * e1000sp_link_cfg_default() - the settings after power-on: negotiate all
 * @cfg: filled in
 */
void e1000sp_link_cfg_default(struct e1000sp_link_cfg *cfg)
{
	cfg->autoneg = true;
	cfg->advertise = E1000SP_ADVERTISABLE;
	cfg->speed = SPEED_1000;
	cfg->full_duplex = true;
}

/**
 * e1000sp_phy_write() - write one PHY register through MDIC
 * @hw: the MAC
 * @reg: PHY register (0-31)
 * @val: the value
 *
 * Context: process or atomic; busy-waits at most 2.5 ms.
 * Return: 0, -EIO when the PHY did not answer, -ETIMEDOUT.
 */
int e1000sp_phy_write(struct e1000sp_hw *hw, u32 reg, u16 val)
{
	u32 mdic = FIELD_PREP(E1000SP_MDIC_DATA, val) | FIELD_PREP(E1000SP_MDIC_REG, reg) |
		   FIELD_PREP(E1000SP_MDIC_PHY, E1000SP_PHY_ADDR) | E1000SP_MDIC_OP_WRITE;
	int i;

	e1000sp_wr(hw, E1000SP_MDIC, mdic);
	for (i = 0; i < E1000SP_MDIC_POLLS; i++) {
		udelay(E1000SP_MDIC_POLL_US);
		mdic = e1000sp_rd(hw, E1000SP_MDIC);
		if (mdic & E1000SP_MDIC_READY)
			return mdic & E1000SP_MDIC_ERROR ? -EIO : 0;
	}
	return -ETIMEDOUT;
}

static int phy_negotiate(struct e1000sp_hw *hw, u32 advertise)
{
	u16 anar = ADVERTISE_CSMA, gbcr = 0;
	int err;

	if (advertise & BIT(ETHTOOL_LINK_MODE_10baseT_Half_BIT))
		anar |= ADVERTISE_10HALF;
	if (advertise & BIT(ETHTOOL_LINK_MODE_10baseT_Full_BIT))
		anar |= ADVERTISE_10FULL;
	if (advertise & BIT(ETHTOOL_LINK_MODE_100baseT_Half_BIT))
		anar |= ADVERTISE_100HALF;
	if (advertise & BIT(ETHTOOL_LINK_MODE_100baseT_Full_BIT))
		anar |= ADVERTISE_100FULL;
	if (advertise & BIT(ETHTOOL_LINK_MODE_1000baseT_Full_BIT))
		gbcr |= ADVERTISE_1000FULL;
	err = e1000sp_phy_write(hw, MII_ADVERTISE, anar);
	if (!err)
		err = e1000sp_phy_write(hw, MII_CTRL1000, gbcr);
	if (!err)
		err = e1000sp_phy_write(hw, MII_BMCR, BMCR_ANENABLE | BMCR_ANRESTART);
	return err;
}

static int phy_force(struct e1000sp_hw *hw, u32 speed, bool full_duplex)
{
	u16 bmcr = (speed == SPEED_100 ? BMCR_SPEED100 : 0) |
		   (full_duplex ? BMCR_FULLDPLX : 0);
	u32 ctrl = e1000sp_rd(hw, E1000SP_CTRL);

	ctrl &= ~(E1000SP_CTRL_SPEED | E1000SP_CTRL_FD);
	ctrl |= E1000SP_CTRL_FRCSPD | E1000SP_CTRL_FRCDPX |
		FIELD_PREP(E1000SP_CTRL_SPEED, speed == SPEED_100 ? 1 : 0) |
		(full_duplex ? E1000SP_CTRL_FD : 0);
	e1000sp_wr(hw, E1000SP_CTRL, ctrl);
	return e1000sp_phy_write(hw, MII_BMCR, bmcr);
}

/**
 * e1000sp_phy_apply() - program the PHY and the MAC for @cfg
 * @hw: the MAC, link initialised (e1000sp_hw_init_link())
 * @cfg: the settings, already checked (ethtool.c)
 *
 * Return: 0 or the MDIC error; the link then stays as it was.
 */
int e1000sp_phy_apply(struct e1000sp_hw *hw, const struct e1000sp_link_cfg *cfg)
{
	u32 ctrl;

	if (!cfg->autoneg)
		return phy_force(hw, cfg->speed, cfg->full_duplex);
	ctrl = e1000sp_rd(hw, E1000SP_CTRL);
	e1000sp_wr(hw, E1000SP_CTRL, ctrl & ~(E1000SP_CTRL_FRCSPD | E1000SP_CTRL_FRCDPX));
	return phy_negotiate(hw, cfg->advertise);
}
