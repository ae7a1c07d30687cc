/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The skbpool family's policies, ops and handlers (netlink-gen.c), in the
 * shape ynl-gen-c.py renders them (--mode kernel --header).
 */
#ifndef _SKBPOOL_NETLINK_GEN_H
#define _SKBPOOL_NETLINK_GEN_H

#include <net/genetlink.h>
#include <net/netlink.h>
#include <uapi/linux/skbpool.h>

#include "compat.h"

/* Common nested types */
extern const struct nla_policy skbpool_prefix_nl_policy[SKBPOOL_A_PREFIX_ADDR + 1];
extern const struct nla_policy skbpool_queue_nl_policy[SKBPOOL_A_QUEUE_LENT + 1];
extern const struct nla_policy skbpool_sizing_nl_policy[SKBPOOL_A_SIZING_BUFFERS + 1];

/* Ops table for skbpool */
extern const struct genl_split_ops skbpool_nl_ops[7];

int skbpool_nl_rule_get_start(struct netlink_callback *cb);
int skbpool_nl_flow_get_start(struct netlink_callback *cb);

int skbpool_nl_dev_get_doit(struct sk_buff *skb, struct genl_info *info);
int skbpool_nl_dev_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int skbpool_nl_dev_set_doit(struct sk_buff *skb, struct genl_info *info);
int skbpool_nl_rule_add_doit(struct sk_buff *skb, struct genl_info *info);
int skbpool_nl_rule_del_doit(struct sk_buff *skb, struct genl_info *info);
int skbpool_nl_rule_get_dumpit(struct sk_buff *skb,
			       struct netlink_callback *cb);
int skbpool_nl_flow_get_dumpit(struct sk_buff *skb,
			       struct netlink_callback *cb);

enum {
	SKBPOOL_NLGRP_EVENTS,
};

extern struct genl_family skbpool_nl_family;

#endif /* _SKBPOOL_NETLINK_GEN_H */
