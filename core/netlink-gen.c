// SPDX-License-Identifier: GPL-2.0
/*
 * The skbpool family's request policies, ops table and multicast groups,
 * in the shape tools/net/ynl/ynl-gen-c.py renders them from
 * Documentation/netlink/specs/skbpool.yaml (--mode kernel --source).
 * tests/netlink/spec_check.py renders the spec again on every make check
 * and compares this file entry by entry, so the spec cannot drift from
 * what the kernel checks.  Two departures, each for a reason:
 *
 * - the ranges are __ro_after_init, not const: 6.1's nla_policy points at
 *   a writable range (core/compat.h builds there too);
 * - the family struct is here, as ynl-gen-c writes it for "genetlink"
 *   families; it does not for "genetlink-legacy" ones (ours, for
 *   uns-admin-perm), whose handler file would otherwise hold it.
 *
 * The handlers are by object: netlink-dev.c, netlink-rule.c (rules and
 * learned flows), netlink-event.c (the events group, init and exit).
 *
 * Namespaces: the family is netnsok and every lookup goes through the
 * caller's netns, so a device elsewhere is "no such device", never shown.
 *
 * Permissions: writes are GENL_UNS_ADMIN_PERM, CAP_NET_ADMIN over the user
 * namespace owning the caller's netns (the device's, see above).  That is
 * what ethtool asks for to set the "skbpool" private flag and the ring
 * sizes, which set the floor of the reserve: a stricter check here would
 * be bypassed through ethtool and only make the two interfaces disagree.
 */

#include <net/genetlink.h>
#include <net/netlink.h>
#include <uapi/linux/skbpool.h>

#include "compat.h"
#include "netlink-gen.h"

/*
 * Integer value ranges: read-only after init rather than const, as 6.1's
 * nla_policy points at a writable range.
 */
static __ro_after_init struct netlink_range_validation skbpool_a_queue_override_range = {
	.max	= SKBPOOL_OVERRIDE_MAX,
};

static __ro_after_init struct netlink_range_validation skbpool_a_dev_override_range = {
	.max	= SKBPOOL_OVERRIDE_MAX,
};

/* Common nested types */
const struct nla_policy skbpool_prefix_nl_policy[SKBPOOL_A_PREFIX_ADDR + 1] = {
	[SKBPOOL_A_PREFIX_FAMILY] = NLA_POLICY_RANGE(NLA_U8, 4, 6),
	[SKBPOOL_A_PREFIX_LEN] = NLA_POLICY_MAX(NLA_U8, 128),
	[SKBPOOL_A_PREFIX_ADDR] = { .type = NLA_BINARY, },
};

const struct nla_policy skbpool_sizing_nl_policy[SKBPOOL_A_SIZING_BUFFERS + 1] = {
	[SKBPOOL_A_SIZING_MIN_FREE_KBYTES] = { .type = NLA_UINT, },
	[SKBPOOL_A_SIZING_SHARE_PCT] = { .type = NLA_U32, },
	[SKBPOOL_A_SIZING_QUEUES] = { .type = NLA_U32, },
	[SKBPOOL_A_SIZING_RING_SIZE] = { .type = NLA_U32, },
	[SKBPOOL_A_SIZING_BUF_TRUESIZE] = { .type = NLA_U32, },
	[SKBPOOL_A_SIZING_OVERRIDE] = { .type = NLA_U32, },
	[SKBPOOL_A_SIZING_SHARE_BUFFERS] = { .type = NLA_U32, },
	[SKBPOOL_A_SIZING_FLOOR] = { .type = NLA_U32, },
	[SKBPOOL_A_SIZING_CAP] = { .type = NLA_U32, },
	[SKBPOOL_A_SIZING_BUFFERS] = { .type = NLA_U32, },
};

const struct nla_policy skbpool_queue_nl_policy[SKBPOOL_A_QUEUE_LENT + 1] = {
	[SKBPOOL_A_QUEUE_ID] = { .type = NLA_U32, },
	[SKBPOOL_A_QUEUE_TYPE] = NLA_POLICY_MAX(NLA_U32, 1),
	[SKBPOOL_A_QUEUE_OVERRIDE] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &skbpool_a_queue_override_range),
	[SKBPOOL_A_QUEUE_TOTAL] = { .type = NLA_U32, },
	[SKBPOOL_A_QUEUE_FREE] = { .type = NLA_U32, },
	[SKBPOOL_A_QUEUE_IN_FLIGHT] = { .type = NLA_U32, },
	[SKBPOOL_A_QUEUE_STASH] = { .type = NLA_U32, },
	[SKBPOOL_A_QUEUE_SIZING] = NLA_POLICY_NESTED(skbpool_sizing_nl_policy),
	[SKBPOOL_A_QUEUE_RECYCLED] = { .type = NLA_UINT, },
	[SKBPOOL_A_QUEUE_ALLOC_SLOWPATH] = { .type = NLA_UINT, },
	[SKBPOOL_A_QUEUE_STASH_USED] = { .type = NLA_UINT, },
	[SKBPOOL_A_QUEUE_BUILD_FAILED] = { .type = NLA_UINT, },
	[SKBPOOL_A_QUEUE_EXHAUSTED] = { .type = NLA_UINT, },
	[SKBPOOL_A_QUEUE_BOUNCE_TOTAL] = { .type = NLA_U32, },
	[SKBPOOL_A_QUEUE_BOUNCE_IN_USE] = { .type = NLA_U32, },
	[SKBPOOL_A_QUEUE_BOUNCED] = { .type = NLA_UINT, },
	[SKBPOOL_A_QUEUE_BOUNCE_BUSY] = { .type = NLA_UINT, },
	[SKBPOOL_A_QUEUE_LENT] = { .type = NLA_UINT, },
};

/* SKBPOOL_CMD_DEV_GET - do */
static const struct nla_policy skbpool_dev_get_nl_policy[SKBPOOL_A_DEV_IFNAME + 1] = {
	[SKBPOOL_A_DEV_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[SKBPOOL_A_DEV_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
};

/* SKBPOOL_CMD_DEV_SET - do */
static const struct nla_policy skbpool_dev_set_nl_policy[SKBPOOL_A_DEV_QUEUE + 1] = {
	[SKBPOOL_A_DEV_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[SKBPOOL_A_DEV_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[SKBPOOL_A_DEV_TAGGED] = NLA_POLICY_MAX(NLA_U8, 1),
	[SKBPOOL_A_DEV_OVERRIDE] = NLA_POLICY_FULL_RANGE(NLA_U32, &skbpool_a_dev_override_range),
	[SKBPOOL_A_DEV_QUEUE] = NLA_POLICY_NESTED(skbpool_queue_nl_policy),
	[SKBPOOL_A_DEV_EMERGENCY_POLICY] = NLA_POLICY_MAX(NLA_U32, 2),
};

/* SKBPOOL_CMD_RULE_ADD - do */
static const struct nla_policy skbpool_rule_add_nl_policy[SKBPOOL_A_RULE_DST + 1] = {
	[SKBPOOL_A_RULE_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[SKBPOOL_A_RULE_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[SKBPOOL_A_RULE_INDEX] = NLA_POLICY_MAX(NLA_U32, 63),
	[SKBPOOL_A_RULE_ACTION] = NLA_POLICY_MAX(NLA_U32, 1),
	[SKBPOOL_A_RULE_PROTO] = NLA_POLICY_MIN(NLA_U8, 1),
	[SKBPOOL_A_RULE_SPORT_LO] = { .type = NLA_U16, },
	[SKBPOOL_A_RULE_SPORT_HI] = { .type = NLA_U16, },
	[SKBPOOL_A_RULE_DPORT_LO] = { .type = NLA_U16, },
	[SKBPOOL_A_RULE_DPORT_HI] = { .type = NLA_U16, },
	[SKBPOOL_A_RULE_DSCP] = { .type = NLA_UINT, },
	[SKBPOOL_A_RULE_VLAN_PRIO] = { .type = NLA_U8, },
	[SKBPOOL_A_RULE_SRC] = NLA_POLICY_NESTED(skbpool_prefix_nl_policy),
	[SKBPOOL_A_RULE_DST] = NLA_POLICY_NESTED(skbpool_prefix_nl_policy),
};

/* SKBPOOL_CMD_RULE_DEL - do */
static const struct nla_policy skbpool_rule_del_nl_policy[SKBPOOL_A_RULE_INDEX + 1] = {
	[SKBPOOL_A_RULE_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[SKBPOOL_A_RULE_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[SKBPOOL_A_RULE_INDEX] = NLA_POLICY_MAX(NLA_U32, 63),
};

/* SKBPOOL_CMD_RULE_GET - dump */
static const struct nla_policy skbpool_rule_get_nl_policy[SKBPOOL_A_RULE_IFNAME + 1] = {
	[SKBPOOL_A_RULE_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[SKBPOOL_A_RULE_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
};

/* SKBPOOL_CMD_FLOW_GET - dump */
static const struct nla_policy skbpool_flow_get_nl_policy[SKBPOOL_A_FLOW_IFNAME + 1] = {
	[SKBPOOL_A_FLOW_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[SKBPOOL_A_FLOW_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
};

/* Ops table for skbpool */
const struct genl_split_ops skbpool_nl_ops[7] = {
	{
		.cmd		= SKBPOOL_CMD_DEV_GET,
		.doit		= skbpool_nl_dev_get_doit,
		.policy		= skbpool_dev_get_nl_policy,
		.maxattr	= SKBPOOL_A_DEV_IFNAME,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd	= SKBPOOL_CMD_DEV_GET,
		.dumpit	= skbpool_nl_dev_get_dumpit,
		.flags	= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= SKBPOOL_CMD_DEV_SET,
		.doit		= skbpool_nl_dev_set_doit,
		.policy		= skbpool_dev_set_nl_policy,
		.maxattr	= SKBPOOL_A_DEV_QUEUE,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SKBPOOL_CMD_RULE_ADD,
		.doit		= skbpool_nl_rule_add_doit,
		.policy		= skbpool_rule_add_nl_policy,
		.maxattr	= SKBPOOL_A_RULE_DST,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SKBPOOL_CMD_RULE_DEL,
		.doit		= skbpool_nl_rule_del_doit,
		.policy		= skbpool_rule_del_nl_policy,
		.maxattr	= SKBPOOL_A_RULE_INDEX,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SKBPOOL_CMD_RULE_GET,
		.start		= skbpool_nl_rule_get_start,
		.dumpit		= skbpool_nl_rule_get_dumpit,
		.policy		= skbpool_rule_get_nl_policy,
		.maxattr	= SKBPOOL_A_RULE_IFNAME,
		.flags		= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= SKBPOOL_CMD_FLOW_GET,
		.start		= skbpool_nl_flow_get_start,
		.dumpit		= skbpool_nl_flow_get_dumpit,
		.policy		= skbpool_flow_get_nl_policy,
		.maxattr	= SKBPOOL_A_FLOW_IFNAME,
		.flags		= GENL_CMD_CAP_DUMP,
	},
};

static const struct genl_multicast_group skbpool_nl_mcgrps[] = {
	[SKBPOOL_NLGRP_EVENTS] = { "events", },
};

struct genl_family skbpool_nl_family __ro_after_init = {
	.name		= SKBPOOL_FAMILY_NAME,
	.version	= SKBPOOL_FAMILY_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.mcgrps		= skbpool_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(skbpool_nl_mcgrps),
};
