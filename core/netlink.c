// SPDX-License-Identifier: GPL-2.0
/*
 * The skbpool generic netlink family (Documentation/netlink/specs/skbpool.yaml):
 * what the pools hold, tagging and sizing, emergency mode, the critical-
 * traffic rules and learned flows, and the "events" group.
 *
 * The policies and the ops table are written as ynl-gen-c renders them from
 * the spec, so that tests/netlink/spec_check.py can regenerate them and
 * compare entry by entry: the spec cannot drift from what the kernel checks.
 *
 * Namespaces: the family is netnsok and every lookup goes through the
 * caller's netns, so a device elsewhere is "no such device", never shown.
 *
 * Permissions: writes are GENL_UNS_ADMIN_PERM, CAP_NET_ADMIN over the user
 * namespace owning the caller's netns (the device's, see above).  That is
 * what ethtool asks for to set the "skbpool" private flag and the ring
 * sizes, which set the floor of the reserve: a stricter check here would
 * be bypassed through ethtool and only make the two interfaces disagree.
 *
 * Locking: RTNL, then skbpool_lock, as everywhere in the library.  RTNL
 * keeps a device found by index or name registered, and its skbpool_dev
 * alive (drivers unregister the netdev before the skbpool_dev), its name
 * and netns stable, and its queue lists unchanged.
 */
#include <linux/if.h>
#include <linux/jiffies.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>
#include <uapi/linux/skbpool.h>

#include <skbpool/compat.h>
#include <skbpool/skbpool.h>

#include "classify.h"
#include "dev.h"
#include "emergency.h"
#include "netlink.h"
#include "netns.h"
#include "rules.h"
#include "rx.h"
#include "sizing.h"
#include "tx.h"

enum {
	SKBPOOL_NLGRP_EVENTS,
};

/* Rendered from the spec, see the comment at the top. */

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
static const struct nla_policy skbpool_prefix_nl_policy[SKBPOOL_A_PREFIX_ADDR + 1] = {
	[SKBPOOL_A_PREFIX_FAMILY] = NLA_POLICY_RANGE(NLA_U8, 4, 6),
	[SKBPOOL_A_PREFIX_LEN] = NLA_POLICY_MAX(NLA_U8, 128),
	[SKBPOOL_A_PREFIX_ADDR] = { .type = NLA_BINARY, },
};

static const struct nla_policy skbpool_sizing_nl_policy[SKBPOOL_A_SIZING_BUFFERS + 1] = {
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

static const struct nla_policy skbpool_queue_nl_policy[SKBPOOL_A_QUEUE_LENT + 1] = {
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

static struct genl_family skbpool_nl_family;

/* Attribute ids of the device selector, per attribute set. */
struct nl_selector {
	int ifindex;
	int ifname;
};

static const struct nl_selector dev_sel = { SKBPOOL_A_DEV_IFINDEX, SKBPOOL_A_DEV_IFNAME };
static const struct nl_selector rule_sel = { SKBPOOL_A_RULE_IFINDEX, SKBPOOL_A_RULE_IFNAME };
static const struct nl_selector flow_sel = { SKBPOOL_A_FLOW_IFINDEX, SKBPOOL_A_FLOW_IFNAME };

static struct skbpool_dev *sdev_of(const struct net_device *netdev)
{
	struct skbpool_dev *sdev;

	lockdep_assert_held(&skbpool_lock);
	list_for_each_entry(sdev, &skbpool_devices, node)
		if (sdev->netdev == netdev)
			return sdev;
	return NULL;
}

/*
 * The device a request names, by ifindex or ifname (both: the same one),
 * in @net.  @required: a request without either is refused; otherwise it
 * gives NULL (a dump of every device).
 */
static struct skbpool_dev *nl_lookup(struct net *net, struct nlattr **tb,
				     const struct nl_selector *sel, bool required,
				     struct netlink_ext_ack *extack)
{
	struct nlattr *named_by = tb[sel->ifname] ?: tb[sel->ifindex];
	struct net_device *netdev = NULL;
	struct skbpool_dev *sdev;

	ASSERT_RTNL();
	if (tb[sel->ifindex]) {
		netdev = __dev_get_by_index(net, nla_get_u32(tb[sel->ifindex]));
		if (!netdev) {
			NL_SET_ERR_MSG_ATTR(extack, tb[sel->ifindex], "ifindex: no such device");
			return ERR_PTR(-ENODEV);
		}
	}
	if (tb[sel->ifname]) {
		char name[IFNAMSIZ];
		struct net_device *named;

		nla_strscpy(name, tb[sel->ifname], sizeof(name));
		named = __dev_get_by_name(net, name);
		if (!named) {
			NL_SET_ERR_MSG_ATTR(extack, tb[sel->ifname], "ifname: no such device");
			return ERR_PTR(-ENODEV);
		}
		if (netdev && netdev != named) {
			NL_SET_ERR_MSG_ATTR(extack, tb[sel->ifname],
					    "ifname: not the device ifindex names");
			return ERR_PTR(-EINVAL);
		}
		netdev = named;
	}
	if (!netdev) {
		if (!required)
			return NULL;
		NL_SET_ERR_ATTR_MISS(extack, NULL, sel->ifindex);
		NL_SET_ERR_MSG(extack, "ifindex or ifname: a device is required");
		return ERR_PTR(-EINVAL);
	}
	mutex_lock(&skbpool_lock);
	sdev = sdev_of(netdev);
	mutex_unlock(&skbpool_lock);
	if (!sdev) {
		NL_SET_ERR_MSG_ATTR(extack, named_by, "device does not link skbpool");
		return ERR_PTR(-EOPNOTSUPP);
	}
	return sdev;
}

/* Device totals; destroyed queues' counters included, so they only grow. */
struct nl_totals {
	u64 recycled;
	u64 slowpath;
	u64 stash_used;
	u64 build_failed;
	u64 exhausted;
	u64 lent;
	u64 tx_bounce;
	u64 tx_busy;
	u64 cls[SKBPOOL_CLASS_REASONS];
};

static void nl_read_totals(const struct skbpool_dev *sdev, struct nl_totals *t)
{
	struct skbpool_rxq_snapshot sum;
	struct skbpool_txq *txq;

	skbpool_dev_read_rx(sdev, &sum);
	t->recycled = sum.recycled;
	t->slowpath = sum.slowpath;
	t->stash_used = sum.stash_used;
	t->build_failed = sum.build_failed;
	t->exhausted = sum.exhausted;
	t->lent = sum.lent;
	memcpy(t->cls, sum.cls, sizeof(t->cls));
	t->tx_bounce = sdev->gone.tx_bounce;
	t->tx_busy = sdev->gone.tx_busy;
	list_for_each_entry(txq, &sdev->txqs, node) {
		t->tx_bounce += skbpool_txq_bounced(txq);
		t->tx_busy += skbpool_txq_busy(txq);
	}
	list_for_each_entry(txq, &sdev->parked_txqs, node) {
		t->tx_bounce += skbpool_txq_bounced(txq);
		t->tx_busy += skbpool_txq_busy(txq);
	}
}

static int nl_put_sizing(struct sk_buff *skb, int type, const struct skbpool_sizing *s,
			 bool global_only)
{
	struct nlattr *nest = nla_nest_start(skb, type);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_uint(skb, SKBPOOL_A_SIZING_MIN_FREE_KBYTES, s->min_free_kbytes) ||
	    nla_put_u32(skb, SKBPOOL_A_SIZING_SHARE_PCT, s->share_pct) ||
	    nla_put_u32(skb, SKBPOOL_A_SIZING_QUEUES, s->nr_queues) ||
	    nla_put_u32(skb, SKBPOOL_A_SIZING_CAP, s->cap))
		goto cancel;
	if (!global_only &&
	    (nla_put_u32(skb, SKBPOOL_A_SIZING_RING_SIZE, s->ring_size) ||
	     nla_put_u32(skb, SKBPOOL_A_SIZING_BUF_TRUESIZE, s->buf_truesize) ||
	     nla_put_u32(skb, SKBPOOL_A_SIZING_OVERRIDE, s->override) ||
	     nla_put_u32(skb, SKBPOOL_A_SIZING_SHARE_BUFFERS, s->share_buffers) ||
	     nla_put_u32(skb, SKBPOOL_A_SIZING_FLOOR, s->floor) ||
	     nla_put_u32(skb, SKBPOOL_A_SIZING_BUFFERS, s->buffers)))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static struct skbpool_rxq *rxq_of(struct skbpool_dev *sdev, u32 qid)
{
	struct skbpool_rxq *rxq;

	list_for_each_entry(rxq, &sdev->rxqs, node)
		if (rxq->params.qid == qid)
			return rxq;
	return NULL;
}

/* One RX queue: its override always, the pool's figures while it has one. */
static int nl_put_rxq(struct sk_buff *skb, struct skbpool_dev *sdev, u32 qid)
{
	struct skbpool_rxq *rxq = rxq_of(sdev, qid);
	struct skbpool_rxq_snapshot snap;
	struct skbpool_sizing s;
	struct nlattr *nest;

	nest = nla_nest_start(skb, SKBPOOL_A_DEV_QUEUE);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, SKBPOOL_A_QUEUE_ID, qid) ||
	    nla_put_u32(skb, SKBPOOL_A_QUEUE_TYPE, SKBPOOL_QUEUE_TYPE_RX) ||
	    nla_put_u32(skb, SKBPOOL_A_QUEUE_OVERRIDE, skbpool_dev_queue_override(sdev, qid)))
		goto cancel;
	if (rxq) {
		skbpool_rxq_read(rxq, &snap);
		skbpool_size_rxq(sdev, &rxq->params, &s);
		/* The stash count is NAPI's; a gauge read a little stale is fine. */
		if (nla_put_u32(skb, SKBPOOL_A_QUEUE_TOTAL, snap.total) ||
		    nla_put_u32(skb, SKBPOOL_A_QUEUE_FREE, snap.free) ||
		    nla_put_u32(skb, SKBPOOL_A_QUEUE_IN_FLIGHT, snap.in_flight) ||
		    nla_put_u32(skb, SKBPOOL_A_QUEUE_STASH, READ_ONCE(rxq->stash.count)) ||
		    nl_put_sizing(skb, SKBPOOL_A_QUEUE_SIZING, &s, false) ||
		    nla_put_uint(skb, SKBPOOL_A_QUEUE_RECYCLED, snap.recycled) ||
		    nla_put_uint(skb, SKBPOOL_A_QUEUE_ALLOC_SLOWPATH, snap.slowpath) ||
		    nla_put_uint(skb, SKBPOOL_A_QUEUE_STASH_USED, snap.stash_used) ||
		    nla_put_uint(skb, SKBPOOL_A_QUEUE_BUILD_FAILED, snap.build_failed) ||
		    nla_put_uint(skb, SKBPOOL_A_QUEUE_EXHAUSTED, snap.exhausted) ||
		    nla_put_uint(skb, SKBPOOL_A_QUEUE_LENT, snap.lent))
			goto cancel;
	}
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int nl_put_txq(struct sk_buff *skb, struct skbpool_txq *txq)
{
	struct nlattr *nest = nla_nest_start(skb, SKBPOOL_A_DEV_QUEUE);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, SKBPOOL_A_QUEUE_ID, txq->qid) ||
	    nla_put_u32(skb, SKBPOOL_A_QUEUE_TYPE, SKBPOOL_QUEUE_TYPE_TX) ||
	    nla_put_u32(skb, SKBPOOL_A_QUEUE_BOUNCE_TOTAL, txq->count) ||
	    nla_put_u32(skb, SKBPOOL_A_QUEUE_BOUNCE_IN_USE, skbpool_txq_in_use(txq)) ||
	    nla_put_uint(skb, SKBPOOL_A_QUEUE_BOUNCED, skbpool_txq_bounced(txq)) ||
	    nla_put_uint(skb, SKBPOOL_A_QUEUE_BOUNCE_BUSY, skbpool_txq_busy(txq))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* Classified frames for every reason, zeros included: a fixed shape. */
static int nl_put_reasons(struct sk_buff *skb, const struct nl_totals *t)
{
	struct nlattr *nest;
	u32 i;

	for (i = 0; i < SKBPOOL_CLASS_REASONS; i++) {
		nest = nla_nest_start(skb, SKBPOOL_A_STATS_REASON);
		if (!nest)
			return -EMSGSIZE;
		if (nla_put_u32(skb, SKBPOOL_A_REASON_COUNT_REASON, i) ||
		    nla_put_uint(skb, SKBPOOL_A_REASON_COUNT_FRAMES, t->cls[i])) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
		nla_nest_end(skb, nest);
	}
	return 0;
}

static int nl_put_stats(struct sk_buff *skb, const struct skbpool_dev *sdev)
{
	struct nlattr *nest = nla_nest_start(skb, SKBPOOL_A_DEV_STATS);
	u64 critical = 0, dropped = 0;
	struct nl_totals t;
	u32 i;

	if (!nest)
		return -EMSGSIZE;
	nl_read_totals(sdev, &t);
	for (i = 0; i < SKBPOOL_CLASS_REASONS; i++) {
		if (skbpool_class_critical(i))
			critical += t.cls[i];
		else
			dropped += t.cls[i];
	}
	if (nla_put_uint(skb, SKBPOOL_A_STATS_RECYCLED, t.recycled) ||
	    nla_put_uint(skb, SKBPOOL_A_STATS_ALLOC_SLOWPATH, t.slowpath) ||
	    nla_put_uint(skb, SKBPOOL_A_STATS_STASH_USED, t.stash_used) ||
	    nla_put_uint(skb, SKBPOOL_A_STATS_BUILD_FAILED, t.build_failed) ||
	    nla_put_uint(skb, SKBPOOL_A_STATS_EXHAUSTED, t.exhausted) ||
	    nla_put_uint(skb, SKBPOOL_A_STATS_TX_BOUNCE, t.tx_bounce) ||
	    nla_put_uint(skb, SKBPOOL_A_STATS_TX_BOUNCE_BUSY, t.tx_busy) ||
	    nla_put_uint(skb, SKBPOOL_A_STATS_RX_CRITICAL, critical) ||
	    nla_put_uint(skb, SKBPOOL_A_STATS_RX_DROP_NONCRITICAL, dropped) ||
	    nl_put_reasons(skb, &t) ||
	    nla_put_uint(skb, SKBPOOL_A_STATS_LENT, t.lent)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* The uapi's names for the library's transition reasons. */
static u32 nl_cause(u32 reason)
{
	switch (reason) {
	case SKBPOOL_EM_PRESSURE:
		return SKBPOOL_EMERGENCY_CAUSE_LOW_MEMORY;
	case SKBPOOL_EM_ALLOC_FAIL:
		return SKBPOOL_EMERGENCY_CAUSE_ALLOC_FAILURE;
	case SKBPOOL_EM_CALM:
		return SKBPOOL_EMERGENCY_CAUSE_RECOVERED;
	default:
		return SKBPOOL_EMERGENCY_CAUSE_ADMIN;
	}
}

/*
 * Policy, state, entries; the time since the last transition and its
 * cause only once there was one.  Fields are read one by one, so a reply
 * racing a transition may pair the new state with the old time: the next
 * reading is right.
 */
static int nl_put_emergency(struct sk_buff *skb, const struct skbpool_dev *sdev)
{
	struct skbpool_emergency_info em;
	u64 since;

	/* The library's policy values are the uapi's, one for one. */
	BUILD_BUG_ON((int)SKBPOOL_EM_POLICY_AUTO != (int)SKBPOOL_EMERGENCY_POLICY_AUTO ||
		     (int)SKBPOOL_EM_POLICY_ON != (int)SKBPOOL_EMERGENCY_POLICY_ON ||
		     (int)SKBPOOL_EM_POLICY_OFF != (int)SKBPOOL_EMERGENCY_POLICY_OFF);
	skbpool_emergency_read(sdev, &em);
	if (nla_put_u32(skb, SKBPOOL_A_DEV_EMERGENCY_POLICY, em.policy) ||
	    nla_put_u8(skb, SKBPOOL_A_DEV_EMERGENCY, em.active) ||
	    nla_put_uint(skb, SKBPOOL_A_DEV_EMERGENCY_ENTER, em.enters))
		return -EMSGSIZE;
	if (!em.last_change_ns)
		return 0;
	since = ktime_get_boottime_ns() - em.last_change_ns;
	if (nla_put_uint(skb, SKBPOOL_A_DEV_EMERGENCY_CHANGED_MS, div_u64(since, NSEC_PER_MSEC)) ||
	    nla_put_u32(skb, SKBPOOL_A_DEV_EMERGENCY_CAUSE, nl_cause(em.last_reason)))
		return -EMSGSIZE;
	return 0;
}

/* One device: tag, reserve, emergency mode, queues, sizing, counters. */
static int nl_dev_fill(struct sk_buff *skb, struct skbpool_dev *sdev,
		       u32 portid, u32 seq, int flags)
{
	struct skbpool_rxq_params none = {};
	struct net_device *netdev = sdev->netdev;
	struct skbpool_txq *txq;
	struct skbpool_sizing s;
	void *hdr;
	u32 qid;

	ASSERT_RTNL();
	hdr = genlmsg_put(skb, portid, seq, &skbpool_nl_family, flags, SKBPOOL_CMD_DEV_GET);
	if (!hdr)
		return -EMSGSIZE;
	mutex_lock(&skbpool_lock);
	if (nla_put_u32(skb, SKBPOOL_A_DEV_IFINDEX, netdev->ifindex) ||
	    nla_put_string(skb, SKBPOOL_A_DEV_IFNAME, netdev->name) ||
	    nla_put_u8(skb, SKBPOOL_A_DEV_TAGGED, sdev->tagged) ||
	    nla_put_u32(skb, SKBPOOL_A_DEV_OVERRIDE, sdev->override) ||
	    nl_put_emergency(skb, sdev))
		goto cancel;
	for (qid = 0; qid < netdev->real_num_rx_queues; qid++)
		if (nl_put_rxq(skb, sdev, qid))
			goto cancel;
	list_for_each_entry(txq, &sdev->txqs, node)
		if (nl_put_txq(skb, txq))
			goto cancel;
	skbpool_size_rxq(sdev, &none, &s);
	if (nl_put_sizing(skb, SKBPOOL_A_DEV_SIZING, &s, true) || nl_put_stats(skb, sdev))
		goto cancel;
	mutex_unlock(&skbpool_lock);
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	mutex_unlock(&skbpool_lock);
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/*
 * Room for nl_dev_fill(): queues dominate, each a few dozen attributes.
 * Every attribute is counted as the largest one (a u64) would be.
 */
static size_t nl_dev_size(const struct skbpool_dev *sdev)
{
	size_t queue = nla_total_size(0) + 18 * nla_total_size_64bit(8);
	size_t sizing = nla_total_size(0) + 10 * nla_total_size_64bit(8);
	size_t reasons = SKBPOOL_CLASS_REASONS * (nla_total_size(0) + 2 * nla_total_size_64bit(8));
	size_t stats = nla_total_size(0) + 10 * nla_total_size_64bit(8) + reasons;
	size_t n = sdev->netdev->real_num_rx_queues + sdev->netdev->real_num_tx_queues;

	return nla_total_size(IFNAMSIZ) + 10 * nla_total_size_64bit(8) +
	       sizing + stats + n * (queue + sizing);
}

static int skbpool_nl_dev_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct skbpool_dev *sdev;
	struct sk_buff *rsp;
	int err;

	rtnl_lock();
	sdev = nl_lookup(genl_info_net(info), info->attrs, &dev_sel, true, info->extack);
	if (IS_ERR(sdev)) {
		err = PTR_ERR(sdev);
		goto unlock;
	}
	rsp = genlmsg_new(nl_dev_size(sdev), GFP_KERNEL);
	if (!rsp) {
		err = -ENOMEM;
		goto unlock;
	}
	err = nl_dev_fill(rsp, sdev, info->snd_portid, info->snd_seq, 0);
	rtnl_unlock();
	if (err) {
		nlmsg_free(rsp);
		return err;
	}
	return genlmsg_reply(rsp, info);
unlock:
	rtnl_unlock();
	return err;
}

/* Dump state: devices go out in ifindex order, so a resumed dump neither
 * repeats nor skips one when others come and go in between.
 */
struct nl_dump_ctx {
	int last_ifindex;
};

static struct skbpool_dev *nl_next_dev(struct net *net, int after)
{
	struct skbpool_dev *sdev, *best = NULL;

	lockdep_assert_held(&skbpool_lock);
	list_for_each_entry(sdev, &skbpool_devices, node) {
		struct net_device *netdev = sdev->netdev;

		if (netdev->reg_state != NETREG_REGISTERED ||
		    !net_eq(dev_net(netdev), net) || netdev->ifindex <= after)
			continue;
		if (!best || netdev->ifindex < best->netdev->ifindex)
			best = sdev;
	}
	return best;
}

static int skbpool_nl_dev_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nl_dump_ctx *ctx = (struct nl_dump_ctx *)cb->ctx;
	struct net *net = sock_net(skb->sk);
	struct skbpool_dev *sdev;
	int err = 0;

	BUILD_BUG_ON(sizeof(*ctx) > sizeof(cb->ctx));
	rtnl_lock();
	for (;;) {
		mutex_lock(&skbpool_lock);
		sdev = nl_next_dev(net, ctx->last_ifindex);
		mutex_unlock(&skbpool_lock);
		if (!sdev)
			break;
		err = nl_dev_fill(skb, sdev, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, NLM_F_MULTI);
		if (err)
			break;
		ctx->last_ifindex = sdev->netdev->ifindex;
	}
	rtnl_unlock();
	return err;
}

/*
 * One queue nest of a dev-set request.  @apply false: check only; a
 * request is checked whole before anything is applied.
 */
static int nl_set_queue(struct skbpool_dev *sdev, struct nlattr *nest, bool apply,
			unsigned long *seen, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[SKBPOOL_A_QUEUE_MAX + 1];
	u32 qid;
	int err, i;

	err = nla_parse_nested(tb, SKBPOOL_A_QUEUE_MAX, nest, skbpool_queue_nl_policy, extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, SKBPOOL_A_QUEUE_ID)) {
		NL_SET_ERR_MSG(extack, "queue: id is required");
		return -EINVAL;
	}
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, SKBPOOL_A_QUEUE_OVERRIDE)) {
		NL_SET_ERR_MSG(extack, "queue: override is required");
		return -EINVAL;
	}
	for (i = SKBPOOL_A_QUEUE_OVERRIDE + 1; i <= SKBPOOL_A_QUEUE_MAX; i++) {
		if (tb[i]) {
			NL_SET_ERR_MSG_ATTR(extack, tb[i], "queue: read-only attribute");
			return -EINVAL;
		}
	}
	if (tb[SKBPOOL_A_QUEUE_TYPE] &&
	    nla_get_u32(tb[SKBPOOL_A_QUEUE_TYPE]) != SKBPOOL_QUEUE_TYPE_RX) {
		NL_SET_ERR_MSG_ATTR(extack, tb[SKBPOOL_A_QUEUE_TYPE],
				    "queue type: only RX queues have a reserve to size");
		return -EINVAL;
	}
	qid = nla_get_u32(tb[SKBPOOL_A_QUEUE_ID]);
	if (qid >= sdev->netdev->real_num_rx_queues) {
		NL_SET_ERR_MSG_ATTR_FMT(extack, tb[SKBPOOL_A_QUEUE_ID],
					"queue id: %u out of range, the device has %u RX queues",
					qid, sdev->netdev->real_num_rx_queues);
		return -ERANGE;
	}
	if (!apply) {
		if (__test_and_set_bit(qid, seen)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[SKBPOOL_A_QUEUE_ID],
					    "queue id: given twice");
			return -EINVAL;
		}
		return 0;
	}
	return skbpool_dev_set_queue_override(sdev, qid,
					      nla_get_u32(tb[SKBPOOL_A_QUEUE_OVERRIDE]));
}

static int nl_set_queues(struct skbpool_dev *sdev, struct genl_info *info, bool apply)
{
	unsigned long *seen = NULL;
	struct nlattr *nest;
	int rem, err = 0;

	if (!apply) {
		seen = bitmap_zalloc(sdev->netdev->real_num_rx_queues, GFP_KERNEL);
		if (!seen)
			return -ENOMEM;
	}
	nlmsg_for_each_attr(nest, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(nest) != SKBPOOL_A_DEV_QUEUE)
			continue;
		err = nl_set_queue(sdev, nest, apply, seen, info->extack);
		if (err)
			break;
	}
	bitmap_free(seen);
	return err;
}

static int skbpool_nl_dev_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **tb = info->attrs;
	struct skbpool_dev *sdev;
	int err;

	rtnl_lock();
	sdev = nl_lookup(genl_info_net(info), tb, &dev_sel, true, info->extack);
	if (IS_ERR(sdev)) {
		err = PTR_ERR(sdev);
		goto unlock;
	}
	/* The policy's range is the request policy's; the queues are next. */
	err = nl_set_queues(sdev, info, false);
	if (err)
		goto unlock;

	/* Everything checked.  Only the driver can still fail, so the tag
	 * goes first: skbpool_dev_set_tag() undoes itself on failure.
	 */
	if (tb[SKBPOOL_A_DEV_TAGGED]) {
		err = skbpool_dev_set_tag(sdev, nla_get_u8(tb[SKBPOOL_A_DEV_TAGGED]));
		if (err) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[SKBPOOL_A_DEV_TAGGED],
					    "tagged: the driver could not rebuild its queues");
			goto unlock;
		}
	}
	/* The device's override clears per-queue ones; then the queues. */
	if (tb[SKBPOOL_A_DEV_OVERRIDE])
		err = skbpool_dev_set_override(sdev, nla_get_u32(tb[SKBPOOL_A_DEV_OVERRIDE]));
	/* Checked above: none of these can fail any more. */
	if (!err)
		err = nl_set_queues(sdev, info, true);
	if (!err && tb[SKBPOOL_A_DEV_EMERGENCY_POLICY]) {
		mutex_lock(&skbpool_lock);
		err = skbpool_emergency_set_policy(sdev,
						   nla_get_u32(tb[SKBPOOL_A_DEV_EMERGENCY_POLICY]));
		mutex_unlock(&skbpool_lock);
	}
unlock:
	rtnl_unlock();
	return err;
}

/*
 * Rules.  Writers hold RTNL (the device stays registered and named) and
 * skbpool_lock (the table's writers' lock); the table is published under
 * RCU, so the classifier never waits for a change (rules.c).
 */

/* A rule request's attributes, the prefixes' included, for the extack. */
struct nl_rule_req {
	struct skbpool_rule rule;
	struct nlattr *src[SKBPOOL_A_PREFIX_MAX + 1];
	struct nlattr *dst[SKBPOOL_A_PREFIX_MAX + 1];
};

/*
 * A prefix nest into @p.  Only the encoding is checked here: what is
 * there, and an address as long as its family's; what the prefix means
 * (length, host bits) is skbpool_rule_check()'s to say.
 */
static int nl_get_prefix(struct nlattr *nest, struct nlattr **ptb,
			 struct skbpool_addr_prefix *p, struct netlink_ext_ack *extack)
{
	u32 bytes;
	int err;

	err = nla_parse_nested(ptb, SKBPOOL_A_PREFIX_MAX, nest, skbpool_prefix_nl_policy, extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(extack, nest, ptb, SKBPOOL_A_PREFIX_FAMILY) ||
	    NL_REQ_ATTR_CHECK(extack, nest, ptb, SKBPOOL_A_PREFIX_ADDR)) {
		NL_SET_ERR_MSG(extack, "prefix: family and addr are required");
		return -EINVAL;
	}
	p->family = nla_get_u8(ptb[SKBPOOL_A_PREFIX_FAMILY]);
	if (p->family == 5) {
		NL_SET_ERR_MSG_ATTR(extack, ptb[SKBPOOL_A_PREFIX_FAMILY], "prefix family: 4 or 6");
		return -EINVAL;
	}
	bytes = p->family == 4 ? 4 : 16;
	if (nla_len(ptb[SKBPOOL_A_PREFIX_ADDR]) != bytes) {
		NL_SET_ERR_MSG_ATTR(extack, ptb[SKBPOOL_A_PREFIX_ADDR],
				    "prefix addr: 4 bytes for family 4, 16 for family 6");
		return -EINVAL;
	}
	nla_memcpy(p->addr, ptb[SKBPOOL_A_PREFIX_ADDR], bytes);
	p->len = ptb[SKBPOOL_A_PREFIX_LEN] ? nla_get_u8(ptb[SKBPOOL_A_PREFIX_LEN]) : bytes * 8;
	return 0;
}

/* A port range: lo alone is one port, hi alone the range from 0. */
static void nl_get_ports(struct nlattr **tb, int lo_type, int hi_type, u16 *lo, u16 *hi)
{
	*lo = tb[lo_type] ? nla_get_u16(tb[lo_type]) : 0;
	*hi = tb[hi_type] ? nla_get_u16(tb[hi_type]) : *lo;
}

static int nl_get_rule(struct nlattr **tb, struct nl_rule_req *req,
		       struct netlink_ext_ack *extack)
{
	struct skbpool_rule *r = &req->rule;
	int err;

	r->critical = nla_get_u32(tb[SKBPOOL_A_RULE_ACTION]) == SKBPOOL_RULE_ACTION_CRITICAL;
	if (tb[SKBPOOL_A_RULE_PROTO])
		r->proto = nla_get_u8(tb[SKBPOOL_A_RULE_PROTO]);
	nl_get_ports(tb, SKBPOOL_A_RULE_SPORT_LO, SKBPOOL_A_RULE_SPORT_HI,
		     &r->sport_lo, &r->sport_hi);
	nl_get_ports(tb, SKBPOOL_A_RULE_DPORT_LO, SKBPOOL_A_RULE_DPORT_HI,
		     &r->dport_lo, &r->dport_hi);
	if (tb[SKBPOOL_A_RULE_DSCP])
		r->dscp = nla_get_uint(tb[SKBPOOL_A_RULE_DSCP]);
	if (tb[SKBPOOL_A_RULE_VLAN_PRIO])
		r->vlan_prio = nla_get_u8(tb[SKBPOOL_A_RULE_VLAN_PRIO]);
	if (tb[SKBPOOL_A_RULE_SRC]) {
		err = nl_get_prefix(tb[SKBPOOL_A_RULE_SRC], req->src, &r->src, extack);
		if (err)
			return err;
	}
	if (tb[SKBPOOL_A_RULE_DST])
		return nl_get_prefix(tb[SKBPOOL_A_RULE_DST], req->dst, &r->dst, extack);
	return 0;
}

/*
 * skbpool_rule_check()'s reasons, in the request's terms: the attribute
 * that carries the field the reason names (in the rule set, and in the
 * prefix set when @nested), and why, for the extack.
 */
static const struct {
	const char *why;
	int type;
	int nested;
	const char *text;
} nl_rule_faults[] = {
	{ "sport_lo > sport_hi", SKBPOOL_A_RULE_SPORT_HI, 0,
	  "the source port range ends below its start" },
	{ "dport_lo > dport_hi", SKBPOOL_A_RULE_DPORT_HI, 0,
	  "the destination port range ends below its start" },
	{ "proto: port ranges need tcp, udp or any", SKBPOOL_A_RULE_PROTO, 0,
	  "leave proto out, or make it tcp or udp" },
	{ "src.family", SKBPOOL_A_RULE_SRC, SKBPOOL_A_PREFIX_FAMILY, "4 or 6" },
	{ "src.len", SKBPOOL_A_RULE_SRC, SKBPOOL_A_PREFIX_LEN, "longer than the address" },
	{ "src.addr", SKBPOOL_A_RULE_SRC, SKBPOOL_A_PREFIX_ADDR,
	  "bits set past the prefix length" },
	{ "dst.family", SKBPOOL_A_RULE_DST, SKBPOOL_A_PREFIX_FAMILY, "4 or 6" },
	{ "dst.len", SKBPOOL_A_RULE_DST, SKBPOOL_A_PREFIX_LEN, "longer than the address" },
	{ "dst.addr", SKBPOOL_A_RULE_DST, SKBPOOL_A_PREFIX_ADDR,
	  "bits set past the prefix length" },
	{ "src.family != dst.family", SKBPOOL_A_RULE_DST, SKBPOOL_A_PREFIX_FAMILY,
	  "src and dst of different families" },
};

static void nl_rule_refused(struct nlattr **tb, const struct nl_rule_req *req,
			    const char *why, struct netlink_ext_ack *extack)
{
	const char *text = "not a rule skbpool can evaluate";
	const struct nlattr *culprit = NULL;
	u32 i;

	for (i = 0; i < ARRAY_SIZE(nl_rule_faults); i++) {
		if (strcmp(why, nl_rule_faults[i].why))
			continue;
		text = nl_rule_faults[i].text;
		culprit = tb[nl_rule_faults[i].type];
		if (nl_rule_faults[i].nested) {
			struct nlattr *const *ptb = nl_rule_faults[i].type == SKBPOOL_A_RULE_SRC ?
						    req->src : req->dst;

			culprit = ptb[nl_rule_faults[i].nested] ?: culprit;
		}
		break;
	}
	NL_SET_ERR_MSG_ATTR_FMT(extack, culprit, "%s: %s", why, text);
}

static u32 nl_rule_count(struct skbpool_dev *sdev)
{
	const struct skbpool_rules *rules =
		rcu_dereference_protected(sdev->rules, lockdep_is_held(&skbpool_lock));

	return rules ? rules->count : 0;
}

static int skbpool_nl_rule_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr **tb = info->attrs;
	struct nl_rule_req req = {};
	u32 pos = U32_MAX, count;
	struct skbpool_dev *sdev;
	const char *why = NULL;
	struct sk_buff *rsp;
	void *hdr;
	int ret;

	BUILD_BUG_ON(SKBPOOL_RULES_MAX != 63 + 1);
	/* The reply is ready before the table changes: it cannot fail after. */
	rsp = genlmsg_new(2 * nla_total_size(sizeof(u32)), GFP_KERNEL);
	if (!rsp)
		return -ENOMEM;
	hdr = genlmsg_put_reply(rsp, info, &skbpool_nl_family, 0, SKBPOOL_CMD_RULE_ADD);
	if (!hdr) {
		nlmsg_free(rsp);
		return -EMSGSIZE;
	}
	rtnl_lock();
	sdev = nl_lookup(genl_info_net(info), tb, &rule_sel, true, extack);
	if (IS_ERR(sdev)) {
		ret = PTR_ERR(sdev);
		goto unlock_rtnl;
	}
	if (GENL_REQ_ATTR_CHECK(info, SKBPOOL_A_RULE_ACTION)) {
		NL_SET_ERR_MSG(extack, "action: critical or bulk is required");
		ret = -EINVAL;
		goto unlock_rtnl;
	}
	ret = nl_get_rule(tb, &req, extack);
	if (ret)
		goto unlock_rtnl;

	mutex_lock(&skbpool_lock);
	count = nl_rule_count(sdev);
	if (tb[SKBPOOL_A_RULE_INDEX]) {
		pos = nla_get_u32(tb[SKBPOOL_A_RULE_INDEX]);
		if (pos > count) {
			NL_SET_ERR_MSG_ATTR_FMT(extack, tb[SKBPOOL_A_RULE_INDEX],
						"index: %u is past the end, the device has %u rule%s",
						pos, count, count == 1 ? "" : "s");
			ret = -ERANGE;
			goto unlock;
		}
	}
	ret = skbpool_rule_add(sdev, &req.rule, pos, &why);
	if (ret == -EINVAL)
		nl_rule_refused(tb, &req, why, extack);
	else if (ret == -ENOSPC)
		NL_SET_ERR_MSG_FMT(extack, "%s: %u rules at most", why, SKBPOOL_RULES_MAX);
	/* Sized for these two, so this cannot fail; if it did, undo. */
	if (ret >= 0 &&
	    (nla_put_u32(rsp, SKBPOOL_A_RULE_IFINDEX, sdev->netdev->ifindex) ||
	     nla_put_u32(rsp, SKBPOOL_A_RULE_INDEX, ret))) {
		skbpool_rule_del(sdev, ret);
		ret = -EMSGSIZE;
	}
unlock:
	mutex_unlock(&skbpool_lock);
unlock_rtnl:
	rtnl_unlock();
	if (ret < 0) {
		nlmsg_free(rsp);
		return ret;
	}
	genlmsg_end(rsp, hdr);
	return genlmsg_reply(rsp, info);
}

static int skbpool_nl_rule_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **tb = info->attrs;
	struct skbpool_dev *sdev;
	u32 index;
	int err;

	rtnl_lock();
	sdev = nl_lookup(genl_info_net(info), tb, &rule_sel, true, info->extack);
	if (IS_ERR(sdev)) {
		err = PTR_ERR(sdev);
		goto unlock_rtnl;
	}
	if (GENL_REQ_ATTR_CHECK(info, SKBPOOL_A_RULE_INDEX)) {
		NL_SET_ERR_MSG(info->extack, "index: which rule to remove is required");
		err = -EINVAL;
		goto unlock_rtnl;
	}
	index = nla_get_u32(tb[SKBPOOL_A_RULE_INDEX]);
	mutex_lock(&skbpool_lock);
	err = skbpool_rule_del(sdev, index);
	if (err == -ENOENT) {
		u32 count = nl_rule_count(sdev);

		NL_SET_ERR_MSG_ATTR_FMT(info->extack, tb[SKBPOOL_A_RULE_INDEX],
					"index: no rule %u, the device has %u rule%s",
					index, count, count == 1 ? "" : "s");
	}
	mutex_unlock(&skbpool_lock);
unlock_rtnl:
	rtnl_unlock();
	return err;
}

/*
 * The state of a rule-get or flow-get dump: devices one after the other in
 * ifindex order (as dev-get's), each from its next rule or flow slot.
 */
struct nl_list_ctx {
	int only;	/* the device the request named, 0 for every device */
	int ifindex;	/* the device being listed, 0 before the first */
	u32 pos;	/* its next rule or flow slot */
};

/* Dumps check their filter in start, so a bad one is a plain error ack. */
static int nl_list_start(struct netlink_callback *cb, const struct nl_selector *sel)
{
	struct nl_list_ctx *ctx = (struct nl_list_ctx *)cb->ctx;
	struct skbpool_dev *sdev;

	BUILD_BUG_ON(sizeof(*ctx) > sizeof(cb->ctx));
	rtnl_lock();
	sdev = nl_lookup(sock_net(cb->skb->sk), skbpool_genl_dump_attrs(cb), sel, false,
			 cb->extack);
	if (!IS_ERR_OR_NULL(sdev))
		ctx->only = sdev->netdev->ifindex;
	rtnl_unlock();
	return PTR_ERR_OR_ZERO(sdev);
}

/* The device to list now, or NULL when the dump is done. */
static struct skbpool_dev *nl_list_dev(struct net *net, struct nl_list_ctx *ctx)
{
	struct skbpool_dev *sdev;
	int from = ctx->ifindex ?: ctx->only;

	sdev = nl_next_dev(net, from ? from - 1 : 0);
	if (!sdev || (ctx->only && sdev->netdev->ifindex != ctx->only))
		return NULL;
	/* The one being listed went away meanwhile: the next one, from 0. */
	if (sdev->netdev->ifindex != ctx->ifindex) {
		ctx->ifindex = sdev->netdev->ifindex;
		ctx->pos = 0;
	}
	return sdev;
}

static void nl_list_next(struct nl_list_ctx *ctx)
{
	ctx->ifindex++;
	ctx->pos = 0;
}

static void *nl_list_put(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd)
{
	return genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			   &skbpool_nl_family, NLM_F_MULTI, cmd);
}

static int nl_put_prefix(struct sk_buff *skb, int type, const struct skbpool_addr_prefix *p)
{
	struct nlattr *nest;

	if (!p->family)
		return 0;
	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, SKBPOOL_A_PREFIX_FAMILY, p->family) ||
	    nla_put_u8(skb, SKBPOOL_A_PREFIX_LEN, p->len) ||
	    nla_put(skb, SKBPOOL_A_PREFIX_ADDR, p->family == 4 ? 4 : 16, p->addr)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* One rule; a field that matches anything is left out, as in rule-add. */
static int nl_rule_fill(struct sk_buff *skb, struct netlink_callback *cb, int ifindex,
			u32 index, const struct skbpool_rule *r)
{
	void *hdr = nl_list_put(skb, cb, SKBPOOL_CMD_RULE_GET);

	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	if (nla_put_u32(skb, SKBPOOL_A_RULE_IFINDEX, ifindex) ||
	    nla_put_u32(skb, SKBPOOL_A_RULE_INDEX, index) ||
	    nla_put_u32(skb, SKBPOOL_A_RULE_ACTION, r->critical ? SKBPOOL_RULE_ACTION_CRITICAL :
			SKBPOOL_RULE_ACTION_BULK) ||
	    (r->proto && nla_put_u8(skb, SKBPOOL_A_RULE_PROTO, r->proto)) ||
	    (r->sport_hi && (nla_put_u16(skb, SKBPOOL_A_RULE_SPORT_LO, r->sport_lo) ||
			     nla_put_u16(skb, SKBPOOL_A_RULE_SPORT_HI, r->sport_hi))) ||
	    (r->dport_hi && (nla_put_u16(skb, SKBPOOL_A_RULE_DPORT_LO, r->dport_lo) ||
			     nla_put_u16(skb, SKBPOOL_A_RULE_DPORT_HI, r->dport_hi))) ||
	    (r->dscp && nla_put_uint(skb, SKBPOOL_A_RULE_DSCP, r->dscp)) ||
	    (r->vlan_prio && nla_put_u8(skb, SKBPOOL_A_RULE_VLAN_PRIO, r->vlan_prio)) ||
	    nl_put_prefix(skb, SKBPOOL_A_RULE_SRC, &r->src) ||
	    nl_put_prefix(skb, SKBPOOL_A_RULE_DST, &r->dst)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int skbpool_nl_rule_get_start(struct netlink_callback *cb)
{
	return nl_list_start(cb, &rule_sel);
}

static int skbpool_nl_rule_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nl_list_ctx *ctx = (struct nl_list_ctx *)cb->ctx;
	struct net *net = sock_net(skb->sk);
	const struct skbpool_rules *rules;
	struct skbpool_dev *sdev;
	int err = 0;

	rtnl_lock();
	mutex_lock(&skbpool_lock);
	/* A change between two parts of the dump flags the later ones. */
	cb->seq = skbpool_rules_gen();
	while ((sdev = nl_list_dev(net, ctx))) {
		rules = rcu_dereference_protected(sdev->rules, lockdep_is_held(&skbpool_lock));
		for (; rules && ctx->pos < rules->count; ctx->pos++) {
			err = nl_rule_fill(skb, cb, sdev->netdev->ifindex, ctx->pos,
					   &rules->rule[ctx->pos]);
			if (err)
				goto out;
		}
		nl_list_next(ctx);
	}
out:
	mutex_unlock(&skbpool_lock);
	rtnl_unlock();
	return err;
}

/*
 * Learned flows: a live reading of lockless slots (skbpool_flow_read()), so
 * a dump is a snapshot of no single moment; each flow is whole.
 */
static int nl_flow_fill(struct sk_buff *skb, struct netlink_callback *cb, int ifindex,
			const struct skbpool_flow_key *k, u32 age)
{
	void *hdr = nl_list_put(skb, cb, SKBPOOL_CMD_FLOW_GET);
	int alen = k->family == 4 ? 4 : 16;

	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, SKBPOOL_A_FLOW_IFINDEX, ifindex) ||
	    nla_put_u8(skb, SKBPOOL_A_FLOW_FAMILY, k->family) ||
	    nla_put_u8(skb, SKBPOOL_A_FLOW_PROTO, k->proto) ||
	    nla_put(skb, SKBPOOL_A_FLOW_LOCAL, alen, k->local) ||
	    nla_put(skb, SKBPOOL_A_FLOW_REMOTE, alen, k->remote) ||
	    nla_put_be16(skb, SKBPOOL_A_FLOW_LPORT, k->lport) ||
	    nla_put_be16(skb, SKBPOOL_A_FLOW_RPORT, k->rport) ||
	    nla_put_u32(skb, SKBPOOL_A_FLOW_AGE_MS, jiffies_to_msecs(age))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int skbpool_nl_flow_get_start(struct netlink_callback *cb)
{
	return nl_list_start(cb, &flow_sel);
}

static int skbpool_nl_flow_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nl_list_ctx *ctx = (struct nl_list_ctx *)cb->ctx;
	struct net *net = sock_net(skb->sk);
	struct skbpool_flow_key key;
	struct skbpool_dev *sdev;
	u32 now = jiffies, age;
	int err = 0;

	rtnl_lock();
	mutex_lock(&skbpool_lock);
	while ((sdev = nl_list_dev(net, ctx))) {
		for (; ctx->pos < SKBPOOL_FLOW_SLOTS; ctx->pos++) {
			if (!skbpool_flow_read(skbpool_dev_flows(sdev), ctx->pos, now, &key, &age))
				continue;
			err = nl_flow_fill(skb, cb, sdev->netdev->ifindex, &key, age);
			if (err)
				goto out;
		}
		nl_list_next(ctx);
	}
out:
	mutex_unlock(&skbpool_lock);
	rtnl_unlock();
	return err;
}

/* Ops table for skbpool */
static const struct genl_split_ops skbpool_nl_ops[] = {
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

static struct genl_family skbpool_nl_family __ro_after_init = {
	.name		= SKBPOOL_FAMILY_NAME,
	.version	= SKBPOOL_FAMILY_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.mcgrps		= skbpool_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(skbpool_nl_mcgrps),
};

/*
 * Events are built where memory may be short (emergency, a dry pool): no
 * I/O from reclaim, which could have to go through this very NIC, and no
 * warning when it fails; a listener then misses that event, and dev-get
 * still tells the state.
 */
#define NL_EVENT_GFP	(GFP_NOIO | __GFP_NOWARN)

/*
 * An event about @sdev to its netns' listeners: @qid and @exhausted for
 * pool-exhausted, @cause (enum skbpool_emergency_cause, or -1 when it is
 * not known) for emergency-enter and emergency-leave.
 *
 * Context: RTNL held.
 */
static void nl_event(struct skbpool_dev *sdev, u32 type, u32 qid, u64 exhausted, int cause)
{
	struct net_device *netdev = sdev->netdev;
	struct net *net = dev_net(netdev);
	struct sk_buff *skb;
	void *hdr;

	ASSERT_RTNL();
	if (!genl_has_listeners(&skbpool_nl_family, net, SKBPOOL_NLGRP_EVENTS))
		return;
	skb = genlmsg_new(nla_total_size(IFNAMSIZ) + 4 * nla_total_size_64bit(8), NL_EVENT_GFP);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &skbpool_nl_family, 0, SKBPOOL_CMD_EVENT);
	if (!hdr)
		goto free;
	if (nla_put_u32(skb, SKBPOOL_A_EVENT_TYPE, type) ||
	    nla_put_u32(skb, SKBPOOL_A_EVENT_IFINDEX, netdev->ifindex) ||
	    nla_put_string(skb, SKBPOOL_A_EVENT_IFNAME, netdev->name))
		goto free;
	if (type == SKBPOOL_EVENT_TYPE_POOL_EXHAUSTED &&
	    (nla_put_u32(skb, SKBPOOL_A_EVENT_QUEUE_ID, qid) ||
	     nla_put_uint(skb, SKBPOOL_A_EVENT_EXHAUSTED, exhausted)))
		goto free;
	if (cause >= 0 && nla_put_u32(skb, SKBPOOL_A_EVENT_CAUSE, cause))
		goto free;
	genlmsg_end(skb, hdr);
	genlmsg_multicast_netns(&skbpool_nl_family, net, skb, 0, SKBPOOL_NLGRP_EVENTS,
				NL_EVENT_GFP);
	return;
free:
	nlmsg_free(skb);
}

/**
 * skbpool_nl_notify_tag() - tell listeners a device was tagged or untagged
 * @sdev: the device, whose tag just changed
 *
 * Context: RTNL held (the tag changes under it, from ethtool or netlink).
 */
void skbpool_nl_notify_tag(struct skbpool_dev *sdev)
{
	nl_event(sdev, sdev->tagged ? SKBPOOL_EVENT_TYPE_DEV_TAGGED :
		 SKBPOOL_EVENT_TYPE_DEV_UNTAGGED, 0, 0, -1);
}

/* Emergency transitions not reported yet, oldest first, with their cause. */
static void nl_emergency_events(struct skbpool_dev *sdev)
{
	bool on;
	int reason;

	lockdep_assert_held(&skbpool_lock);
	while (skbpool_emergency_next_change(sdev, &sdev->em_reported, &on, &reason))
		nl_event(sdev, on ? SKBPOOL_EVENT_TYPE_EMERGENCY_ENTER :
			 SKBPOOL_EVENT_TYPE_EMERGENCY_LEAVE, 0, 0,
			 reason < 0 ? -1 : nl_cause(reason));
}

/*
 * Events that happen where no message may be built (NAPI, any CPU): the
 * place only notes what happened and kicks this worker, which compares
 * every device's emergency transitions and every queue's exhausted
 * counter with what it last reported.
 */
static void nl_event_work(struct work_struct *work)
{
	struct skbpool_rxq_snapshot snap;
	struct skbpool_dev *sdev;
	struct skbpool_rxq *rxq;

	rtnl_lock();
	mutex_lock(&skbpool_lock);
	list_for_each_entry(sdev, &skbpool_devices, node) {
		nl_emergency_events(sdev);
		list_for_each_entry(rxq, &sdev->rxqs, node) {
			skbpool_rxq_read(rxq, &snap);
			if (snap.exhausted == rxq->exhaust_reported)
				continue;
			rxq->exhaust_reported = snap.exhausted;
			nl_event(sdev, SKBPOOL_EVENT_TYPE_POOL_EXHAUSTED,
				 rxq->params.qid, snap.exhausted, -1);
		}
	}
	mutex_unlock(&skbpool_lock);
	rtnl_unlock();
}

static DECLARE_WORK(event_work, nl_event_work);

/**
 * skbpool_nl_emergency_changed() - a device entered or left emergency mode
 *
 * The transition is in the device's log (emergency.c); the event goes out
 * from a work item, as queueing one allocates nothing.
 *
 * Context: any, NAPI included.
 */
void skbpool_nl_emergency_changed(void)
{
	schedule_work(&event_work);
}

/**
 * skbpool_nl_exhausted() - a queue just refused a buffer
 * @rxq: the queue
 *
 * Building a netlink message allocates, which NAPI must not do for this
 * (the pool is dry because memory is short), so the event is sent from a
 * work item; queueing one allocates nothing.  At most one request per
 * queue and second: a dry pool refuses every buffer of every poll.
 *
 * Context: the queue's NAPI poll.
 */
void skbpool_nl_exhausted(struct skbpool_rxq *rxq)
{
	unsigned long now = jiffies;

	/* 0 means never: jiffies start near the wrap, 0 may lie ahead. */
	if (rxq->exhaust_next && time_before(now, rxq->exhaust_next))
		return;
	rxq->exhaust_next = (now + HZ) ?: 1;
	schedule_work(&event_work);
}

/**
 * skbpool_nl_init() - register the family
 *
 * Return: 0 or a negative errno.
 */
int skbpool_nl_init(void)
{
	return skbpool_genl_register_family(&skbpool_nl_family, skbpool_nl_ops,
					    ARRAY_SIZE(skbpool_nl_ops));
}

/**
 * skbpool_nl_exit() - unregister the family
 *
 * No device is left (drivers depend on this module), so no queue can ask
 * for an event any more once the last one is sent.
 */
void skbpool_nl_exit(void)
{
	cancel_work_sync(&event_work);
	skbpool_genl_unregister_family(&skbpool_nl_family);
}
