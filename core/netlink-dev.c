// SPDX-License-Identifier: GPL-2.0
/*
 * dev-get and dev-set: what a device's pools hold, its tag, reserve and
 * emergency policy.
 *
 * Locking: RTNL, then skbpool_lock, as everywhere in the library.  RTNL
 * keeps the device registered, its name and netns stable and its queue
 * lists unchanged; skbpool_lock is held while its counters are read.
 */

#include <linux/bitmap.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>
#include <uapi/linux/skbpool.h>

#include <skbpool/skbpool.h>

#include "classify.h"
#include "compat.h"
#include "dev.h"
#include "emergency.h"
#include "netlink-gen.h"
#include "netlink-lookup.h"
#include "netlink.h"
#include "rx.h"
#include "sizing.h"
#include "tx.h"

static const struct nl_selector dev_sel = { SKBPOOL_A_DEV_IFINDEX, SKBPOOL_A_DEV_IFNAME };

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
static int nl_put_reasons(struct sk_buff *skb, const struct skbpool_rxq_snapshot *rx)
{
	struct nlattr *nest;
	u32 i;

	for (i = 0; i < SKBPOOL_CLASS_REASONS; i++) {
		nest = nla_nest_start(skb, SKBPOOL_A_STATS_REASON);
		if (!nest)
			return -EMSGSIZE;
		if (nla_put_u32(skb, SKBPOOL_A_REASON_COUNT_REASON, i) ||
		    nla_put_uint(skb, SKBPOOL_A_REASON_COUNT_FRAMES, rx->cls[i])) {
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
	struct skbpool_dev_totals t;
	u32 i;

	if (!nest)
		return -EMSGSIZE;
	skbpool_dev_read_totals(sdev, &t);
	for (i = 0; i < SKBPOOL_CLASS_REASONS; i++) {
		if (skbpool_class_critical(i))
			critical += t.rx.cls[i];
		else
			dropped += t.rx.cls[i];
	}
	if (nla_put_uint(skb, SKBPOOL_A_STATS_RECYCLED, t.rx.recycled) ||
	    nla_put_uint(skb, SKBPOOL_A_STATS_ALLOC_SLOWPATH, t.rx.slowpath) ||
	    nla_put_uint(skb, SKBPOOL_A_STATS_STASH_USED, t.rx.stash_used) ||
	    nla_put_uint(skb, SKBPOOL_A_STATS_BUILD_FAILED, t.rx.build_failed) ||
	    nla_put_uint(skb, SKBPOOL_A_STATS_EXHAUSTED, t.rx.exhausted) ||
	    nla_put_uint(skb, SKBPOOL_A_STATS_TX_BOUNCE, t.tx_bounce) ||
	    nla_put_uint(skb, SKBPOOL_A_STATS_TX_BOUNCE_BUSY, t.tx_busy) ||
	    nla_put_uint(skb, SKBPOOL_A_STATS_RX_CRITICAL, critical) ||
	    nla_put_uint(skb, SKBPOOL_A_STATS_RX_DROP_NONCRITICAL, dropped) ||
	    nl_put_reasons(skb, &t.rx) ||
	    nla_put_uint(skb, SKBPOOL_A_STATS_LENT, t.rx.lent)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
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
	    nla_put_u32(skb, SKBPOOL_A_DEV_EMERGENCY_CAUSE, skbpool_nl_cause(em.last_reason)))
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

/*
 * Tries at a reply when the device's queues keep growing between sizing
 * and filling it; each try takes RTNL twice.
 */
#define NL_DEV_GET_TRIES	3

/*
 * The reply is allocated with RTNL let go: an allocation may wait for
 * reclaim, reclaim for swap writeback through this very NIC, and that,
 * after a carrier loss, for linkwatch, which needs RTNL.  So it is sized
 * under RTNL, allocated without it, and filled under RTNL again after a
 * second lookup; a device that needs more room by then is sized again.
 */
int skbpool_nl_dev_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct skbpool_dev *sdev;
	struct sk_buff *rsp;
	int err, tries;
	size_t size;

	for (tries = 0; tries < NL_DEV_GET_TRIES; tries++) {
		rtnl_lock();
		sdev = skbpool_nl_lookup(net, info->attrs, &dev_sel, true, info->extack);
		size = IS_ERR(sdev) ? 0 : nl_dev_size(sdev);
		rtnl_unlock();
		if (IS_ERR(sdev))
			return PTR_ERR(sdev);
		rsp = genlmsg_new(size, GFP_KERNEL);
		if (!rsp)
			return -ENOMEM;
		rtnl_lock();
		sdev = skbpool_nl_lookup(net, info->attrs, &dev_sel, true, info->extack);
		if (IS_ERR(sdev))
			err = PTR_ERR(sdev);
		else if (nl_dev_size(sdev) > size)
			err = -EAGAIN;
		else
			err = nl_dev_fill(rsp, sdev, info->snd_portid, info->snd_seq, 0);
		rtnl_unlock();
		if (!err)
			return genlmsg_reply(rsp, info);
		nlmsg_free(rsp);
		/* Room enough and still too small: nl_dev_size() is wrong. */
		WARN_ON_ONCE(err == -EMSGSIZE);
		if (err != -EAGAIN)
			return err;
	}
	NL_SET_ERR_MSG(info->extack, "the device's queues kept changing; try again");
	return -EAGAIN;
}

/* Dump state: the ifindex listed last (skbpool_nl_next_dev()). */
struct nl_dump_ctx {
	int last_ifindex;
};

int skbpool_nl_dev_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nl_dump_ctx *ctx = (struct nl_dump_ctx *)cb->ctx;
	struct net *net = sock_net(skb->sk);
	struct skbpool_dev *sdev;
	int err = 0;

	BUILD_BUG_ON(sizeof(*ctx) > sizeof(cb->ctx));
	rtnl_lock();
	for (;;) {
		mutex_lock(&skbpool_lock);
		sdev = skbpool_nl_next_dev(net, ctx->last_ifindex);
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

int skbpool_nl_dev_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **tb = info->attrs;
	struct skbpool_dev *sdev;
	int err;

	rtnl_lock();
	sdev = skbpool_nl_lookup(genl_info_net(info), tb, &dev_sel, true, info->extack);
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
