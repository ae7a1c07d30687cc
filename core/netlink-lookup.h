/* SPDX-License-Identifier: GPL-2.0 */
/* Finding the device a netlink request names (netlink-lookup.c). */
#ifndef _SKBPOOL_NETLINK_LOOKUP_H
#define _SKBPOOL_NETLINK_LOOKUP_H

#include <linux/types.h>

struct net;
struct netlink_ext_ack;
struct nlattr;
struct skbpool_dev;

/**
 * struct nl_selector - the attributes naming a device, in one attribute set
 * @ifindex: the id of its ifindex attribute
 * @ifname: the id of its ifname attribute
 */
struct nl_selector {
	int ifindex;
	int ifname;
};

struct skbpool_dev *skbpool_nl_lookup(struct net *net, struct nlattr **tb,
				      const struct nl_selector *sel, bool required,
				      struct netlink_ext_ack *extack);
struct skbpool_dev *skbpool_nl_next_dev(struct net *net, int after);

#endif /* _SKBPOOL_NETLINK_LOOKUP_H */
