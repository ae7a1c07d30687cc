// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the reserve sizing formula, table-driven over tiny and huge
 * memory, many NICs, odd inputs and the admin override.
 */
#include <kunit/test.h>
#include <linux/mm.h>

#include "../../core/sizing.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

struct sizing_case {
	const char *name;
	struct skbpool_sizing in;
	u32 share_buffers;
	u32 buffers;
};

#define KB(x)	(x)
#define GB_IN_KB(x)	((u64)(x) << 20)

static const struct sizing_case sizing_cases[] = {
	{ "tiny reserve gives the floor",
	  { .min_free_kbytes = KB(128), .share_pct = 25, .nr_queues = 1,
	    .ring_size = 256, .buf_truesize = 2048 },
	  .share_buffers = 16, .buffers = 1024 },
	{ "2G guest, two queues: floor",
	  { .min_free_kbytes = KB(5792), .share_pct = 25, .nr_queues = 2,
	    .ring_size = 256, .buf_truesize = 2048 },
	  .share_buffers = 362, .buffers = 1024 },
	{ "server reserve split over four queues",
	  { .min_free_kbytes = KB(262144), .share_pct = 25, .nr_queues = 4,
	    .ring_size = 256, .buf_truesize = 2048 },
	  .share_buffers = 8192, .buffers = 8192 },
	{ "many NICs share one reserve",
	  { .min_free_kbytes = KB(262144), .share_pct = 25, .nr_queues = 256,
	    .ring_size = 256, .buf_truesize = 2048 },
	  .share_buffers = 128, .buffers = 1024 },
	{ "huge reserve is capped",
	  { .min_free_kbytes = GB_IN_KB(64), .share_pct = 100, .nr_queues = 1,
	    .ring_size = 256, .buf_truesize = 2048 },
	  .share_buffers = 33554432, .buffers = SKBPOOL_CAP_BUFFERS },
	{ "share of zero still gets the floor",
	  { .min_free_kbytes = KB(262144), .share_pct = 0, .nr_queues = 1,
	    .ring_size = 512, .buf_truesize = 2048 },
	  .share_buffers = 0, .buffers = 2048 },
	{ "zero queues counts as one",
	  { .min_free_kbytes = KB(65536), .share_pct = 50, .nr_queues = 0,
	    .ring_size = 64, .buf_truesize = 4096 },
	  .share_buffers = 8192, .buffers = 8192 },
	{ "zero truesize gives the floor",
	  { .min_free_kbytes = KB(65536), .share_pct = 50, .nr_queues = 1,
	    .ring_size = 64, .buf_truesize = 0 },
	  .share_buffers = 0, .buffers = 256 },
	{ "floor above the cap is capped",
	  { .min_free_kbytes = KB(128), .share_pct = 25, .nr_queues = 1,
	    .ring_size = 32768, .buf_truesize = 2048 },
	  .share_buffers = 16, .buffers = SKBPOOL_CAP_BUFFERS },
	{ "override wins over the share",
	  { .min_free_kbytes = KB(262144), .share_pct = 25, .nr_queues = 1,
	    .ring_size = 256, .buf_truesize = 2048, .override = 3000 },
	  .share_buffers = 32768, .buffers = 3000 },
	{ "override below one ring is raised to one ring",
	  { .min_free_kbytes = KB(262144), .share_pct = 25, .nr_queues = 1,
	    .ring_size = 256, .buf_truesize = 2048, .override = 10 },
	  .share_buffers = 32768, .buffers = 256 },
	{ "odd override of half-page buffers fills whole pages",
	  { .min_free_kbytes = KB(262144), .share_pct = 25, .nr_queues = 1,
	    .ring_size = 256, .buf_truesize = PAGE_SIZE / 2, .override = 1001 },
	  .share_buffers = 32768 * 4096 / PAGE_SIZE, .buffers = 1002 },
	{ "odd override of whole-page buffers stays",
	  { .min_free_kbytes = KB(262144), .share_pct = 25, .nr_queues = 1,
	    .ring_size = 256, .buf_truesize = PAGE_SIZE, .override = 1001 },
	  .share_buffers = 16384 * 4096 / PAGE_SIZE, .buffers = 1001 },
	{ "override above the cap is capped",
	  { .min_free_kbytes = KB(262144), .share_pct = 25, .nr_queues = 1,
	    .ring_size = 256, .buf_truesize = 2048, .override = 1000000 },
	  .share_buffers = 32768, .buffers = SKBPOOL_CAP_BUFFERS },
};

static void sizing_case_desc(const struct sizing_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(sizing, sizing_cases, sizing_case_desc);

static void sizing_table(struct kunit *test)
{
	const struct sizing_case *c = test->param_value;
	struct skbpool_sizing s = c->in;

	skbpool_size_reserve(&s);
	KUNIT_EXPECT_EQ(test, s.share_buffers, c->share_buffers);
	KUNIT_EXPECT_EQ(test, s.buffers, c->buffers);
	KUNIT_EXPECT_LE(test, s.buffers, s.cap);
	if (!c->in.override)
		KUNIT_EXPECT_GE(test, s.buffers, s.floor);
}

/* The floor is a whole number of rings, as its kernel-doc promises. */
static void sizing_floor_is_rings(struct kunit *test)
{
	struct skbpool_sizing s = { .ring_size = 80, .buf_truesize = 2048 };

	skbpool_size_reserve(&s);
	KUNIT_EXPECT_EQ(test, s.floor, 80 * SKBPOOL_FLOOR_RINGS);
}

/* The live reading is a plausible share of this machine's memory. */
static void sizing_live_min_free(struct kunit *test)
{
	u64 kb = skbpool_min_free_kbytes();

	KUNIT_EXPECT_GT(test, kb, 0);
	KUNIT_EXPECT_LT(test, kb, (u64)totalram_pages() << (PAGE_SHIFT - 10));
}

static struct kunit_case sizing_test_cases[] = {
	KUNIT_CASE_PARAM(sizing_table, sizing_gen_params),
	KUNIT_CASE(sizing_floor_is_rings),
	KUNIT_CASE(sizing_live_min_free),
	{}
};

static struct kunit_suite sizing_suite = {
	.name = "skbpool_sizing",
	.test_cases = sizing_test_cases,
};

kunit_test_suite(sizing_suite);

MODULE_DESCRIPTION("KUnit tests for skbpool");
MODULE_LICENSE("GPL");
