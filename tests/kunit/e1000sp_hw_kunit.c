// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: e1000sp's statistics folding against a register file in memory.
 *
 * QEMU's 82540EM keeps some statistics registers (MPC, RNBC among them) as
 * running totals where the hardware clears them on read; the driver counts
 * what such a total gained since its last read.  In QEMU (hw/net/e1000.c,
 * set_ctrl()) a write of CTRL.RST resets nothing: the totals run on
 * through e1000sp_hw_reset(), and they stop at 0xffffffff rather than
 * wrap.  Only a reset of the whole device (the machine's) clears them.
 * These cases hold the driver to that: a CTRL.RST is not counted as a
 * restart (which would count the old total twice), and a total found
 * lower than its last value is counted from zero.
 *
 * hw.c is compiled into this module rather than linked: e1000sp exports
 * nothing, and a register file in memory stands in for BAR 0.
 */
#include <kunit/test.h>
#include <linux/slab.h>

#include "../../drivers/e1000sp/hw.c"

/* Everything up to the last statistics register (TSCTFC, 0x40fc). */
#define FAKE_BAR_LEN	0x4100

#define MPC_REG		0x4010
#define RNBC_REG	0x40a0
#define GPRC_REG	0x4074

static struct e1000sp_hw *fake_hw(struct kunit *test)
{
	struct e1000sp_hw *hw = kunit_kzalloc(test, sizeof(*hw), GFP_KERNEL);
	void *bar = kunit_kzalloc(test, FAKE_BAR_LEN, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, hw);
	KUNIT_ASSERT_NOT_NULL(test, bar);
	hw->regs = (u8 __force __iomem *)bar;
	spin_lock_init(&hw->stats_lock);
	hw->totals_quirk = true;
	return hw;
}

/* What the device's model does: set one register. */
static void fake_set(struct e1000sp_hw *hw, u32 reg, u32 val)
{
	writel(val, hw->regs + reg);
}

static void stats_table_matches_registers(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, e1000sp_stat_regs[E1000SP_HS_MPC].reg, MPC_REG);
	KUNIT_EXPECT_EQ(test, e1000sp_stat_regs[E1000SP_HS_RNBC].reg, RNBC_REG);
	KUNIT_EXPECT_EQ(test, e1000sp_stat_regs[E1000SP_HS_GPRC].reg, GPRC_REG);
	KUNIT_EXPECT_TRUE(test, e1000sp_stat_regs[E1000SP_HS_MPC].qemu_total);
	KUNIT_EXPECT_TRUE(test, e1000sp_stat_regs[E1000SP_HS_RNBC].qemu_total);
	KUNIT_EXPECT_FALSE(test, e1000sp_stat_regs[E1000SP_HS_GPRC].qemu_total);
}

static void running_total_counts_gain(struct kunit *test)
{
	struct e1000sp_hw *hw = fake_hw(test);

	fake_set(hw, MPC_REG, 40);
	e1000sp_hw_update_stats(hw);
	fake_set(hw, MPC_REG, 100);
	e1000sp_hw_update_stats(hw);
	e1000sp_hw_update_stats(hw);
	KUNIT_EXPECT_EQ(test, hw->stats[E1000SP_HS_MPC], 100ull);
}

/* QEMU's totals saturate: a total stuck at its top gains nothing. */
static void saturated_total_stays(struct kunit *test)
{
	struct e1000sp_hw *hw = fake_hw(test);

	fake_set(hw, RNBC_REG, 0xffffffff);
	e1000sp_hw_update_stats(hw);
	e1000sp_hw_update_stats(hw);
	KUNIT_EXPECT_EQ(test, hw->stats[E1000SP_HS_RNBC], 0xffffffffull);
}

/*
 * 100 missed before e1000sp_hw_reset(); QEMU keeps the total through it;
 * 50 more are missed after.  150 in all, not 250.
 */
static void ctrl_reset_keeps_running_totals(struct kunit *test)
{
	struct e1000sp_hw *hw = fake_hw(test);

	fake_set(hw, MPC_REG, 100);
	e1000sp_hw_update_stats(hw);
	e1000sp_hw_reset(hw);
	fake_set(hw, MPC_REG, 150);
	e1000sp_hw_update_stats(hw);
	KUNIT_EXPECT_EQ(test, hw->stats[E1000SP_HS_MPC], 150ull);
}

/* The machine's reset zeroed the device: the new total counts in full. */
static void device_reset_counts_from_zero(struct kunit *test)
{
	struct e1000sp_hw *hw = fake_hw(test);

	fake_set(hw, MPC_REG, 100);
	e1000sp_hw_update_stats(hw);
	fake_set(hw, MPC_REG, 30);
	e1000sp_hw_update_stats(hw);
	KUNIT_EXPECT_EQ(test, hw->stats[E1000SP_HS_MPC], 130ull);
}

/*
 * A register that clears on read (this one always, MPC without QEMU's
 * quirk): each read is a gain.  The register file in memory does not clear,
 * so two reads of 7 are 7 frames twice.
 */
static void clear_on_read_adds_each_read(struct kunit *test)
{
	struct e1000sp_hw *hw = fake_hw(test);

	fake_set(hw, GPRC_REG, 7);
	e1000sp_hw_update_stats(hw);
	e1000sp_hw_update_stats(hw);
	KUNIT_EXPECT_EQ(test, hw->stats[E1000SP_HS_GPRC], 14ull);

	hw->totals_quirk = false;
	fake_set(hw, MPC_REG, 5);
	e1000sp_hw_update_stats(hw);
	e1000sp_hw_update_stats(hw);
	KUNIT_EXPECT_EQ(test, hw->stats[E1000SP_HS_MPC], 10ull);
}

static struct kunit_case e1000sp_hw_cases[] = {
	KUNIT_CASE(stats_table_matches_registers),
	KUNIT_CASE(running_total_counts_gain),
	KUNIT_CASE(saturated_total_stays),
	KUNIT_CASE(ctrl_reset_keeps_running_totals),
	KUNIT_CASE(device_reset_counts_from_zero),
	KUNIT_CASE(clear_on_read_adds_each_read),
	{}
};

static struct kunit_suite e1000sp_hw_suite = {
	.name = "e1000sp_hw",
	.test_cases = e1000sp_hw_cases,
};

kunit_test_suite(e1000sp_hw_suite);

MODULE_DESCRIPTION("KUnit tests for e1000sp's statistics registers");
MODULE_LICENSE("GPL");
