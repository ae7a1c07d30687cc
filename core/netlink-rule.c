// SPDX-License-Identifier: GPL-2.0
/*
 * rule-add, rule-del, rule-get and flow-get: the critical-traffic rules of
 * a device and the flows its namespace learned.
 *
 * Rules: writers hold RTNL (the device stays registered and named) and
 * skbpool_lock (the table's writers' lock); the table is published under
 * RCU, so the classifier never waits for a change (rules.c).
 */

#include <linux/jiffies.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>
#include <uapi/linux/skbpool.h>

#include "classify.h"
#include "compat.h"
#include "dev.h"
#include "netlink-gen.h"
#include "netlink-lookup.h"
#include "netns.h"
#include "rules.h"

static const struct nl_selector rule_sel = { SKBPOOL_A_RULE_IFINDEX, SKBPOOL_A_RULE_IFNAME };
static const struct nl_selector flow_sel = { SKBPOOL_A_FLOW_IFINDEX, SKBPOOL_A_FLOW_IFNAME };

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

int skbpool_nl_rule_add_doit(struct sk_buff *skb, struct genl_info *info)
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
	sdev = skbpool_nl_lookup(genl_info_net(info), tb, &rule_sel, true, extack);
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

int skbpool_nl_rule_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **tb = info->attrs;
	struct skbpool_dev *sdev;
	u32 index;
	int err;

	rtnl_lock();
	sdev = skbpool_nl_lookup(genl_info_net(info), tb, &rule_sel, true, info->extack);
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
	sdev = skbpool_nl_lookup(sock_net(cb->skb->sk), skbpool_genl_dump_attrs(cb), sel,
				 false, cb->extack);
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

	sdev = skbpool_nl_next_dev(net, from ? from - 1 : 0);
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

int skbpool_nl_rule_get_start(struct netlink_callback *cb)
{
	return nl_list_start(cb, &rule_sel);
}

int skbpool_nl_rule_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
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

int skbpool_nl_flow_get_start(struct netlink_callback *cb)
{
	return nl_list_start(cb, &flow_sel);
}

int skbpool_nl_flow_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
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
