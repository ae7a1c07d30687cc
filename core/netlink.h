/* SPDX-License-Identifier: GPL-2.0 */
/* The skbpool generic netlink family and its events. */
#ifndef _SKBPOOL_NETLINK_H
#define _SKBPOOL_NETLINK_H

#include <linux/types.h>

struct skbpool_dev;
struct skbpool_rxq;

int skbpool_nl_init(void);
void skbpool_nl_exit(void);
void skbpool_nl_notify_tag(struct skbpool_dev *sdev);
void skbpool_nl_exhausted(struct skbpool_rxq *rxq);
void skbpool_nl_emergency_changed(void);
u32 skbpool_nl_cause(u32 reason);

#endif /* _SKBPOOL_NETLINK_H */
