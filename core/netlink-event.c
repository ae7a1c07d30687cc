// SPDX-License-Identifier: GPL-2.0
/*
 * The "events" group (tagging, emergency transitions, a dry pool), and the
 * family's registration.
 */

#include <linux/jiffies.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <uapi/linux/skbpool.h>

#include "compat.h"
#include "dev.h"
#include "emergency.h"
#include "netlink-gen.h"
#include "netlink.h"
#include "rx.h"

/**
 * skbpool_nl_cause() - the uapi's name for a transition reason
 * @reason: the library's (enum skbpool_em_reason)
 *
 * Return: an enum skbpool_emergency_cause value.
 */
u32 skbpool_nl_cause(u32 reason)
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
 * Events are built where memory may be short (emergency, a dry pool) and
 * under RTNL: no I/O from reclaim, which could have to go through this
 * very NIC; one reclaim pass and no more, since GFP_NOIO alone retries
 * until someone else frees memory (it never calls the OOM killer), and
 * meanwhile RTNL would keep linkwatch from reopening the NIC that swap
 * needs to free it; no warning when it fails.  A listener then misses
 * that event, and dev-get still tells the state.
 */
#define NL_EVENT_GFP	(GFP_NOIO | __GFP_NORETRY | __GFP_NOWARN)

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
			 reason < 0 ? -1 : skbpool_nl_cause(reason));
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
