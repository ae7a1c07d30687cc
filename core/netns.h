/* SPDX-License-Identifier: GPL-2.0 */
/* The learned flows, one table per network namespace. */
#ifndef _SKBPOOL_NETNS_H
#define _SKBPOOL_NETNS_H

#include <linux/build_bug.h>
#include <linux/param.h>
#include <linux/types.h>

struct skbpool_dev;
struct skbpool_flows;

/* A learned flow not seen on transmit for a minute is forgotten. */
#define SKBPOOL_FLOW_MAX_AGE	(60 * HZ)
/* ages are compared both ways in u32 ticks (struct skbpool_flows) */
static_assert(SKBPOOL_FLOW_MAX_AGE < 1U << 31);

int skbpool_netns_init(void);
void skbpool_netns_exit(void);
struct skbpool_flows *skbpool_dev_flows(const struct skbpool_dev *sdev);
void skbpool_dev_flow_unlearned(const struct skbpool_dev *sdev);
u64 skbpool_dev_flows_unlearned(const struct skbpool_dev *sdev);

#endif /* _SKBPOOL_NETNS_H */
