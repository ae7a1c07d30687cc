// SPDX-License-Identifier: GPL-2.0
/*
 * One learned-flow table per network namespace, shared by every tagged
 * device in it.
 *
 * Flows are learned where a frame is transmitted and looked up where its
 * reply is received; with a table per device, a bond of two tagged ports
 * (or any asymmetric path) learned a flow on one port and dropped its
 * replies on the other.  A namespace is the scope a flow's addresses
 * mean anything in, so the table lives there: any tagged device of the
 * namespace recognises the replies to any other's transmits.
 *
 * Each namespace's table is allocated with the namespace (2,048 slots of
 * 48 bytes: 96 KiB, see struct skbpool_flows for the bound), so that a
 * device moved into it finds it there and the per-packet paths never
 * allocate.  The per-packet paths reach it through dev_net(): a device's
 * namespace changes only while it is down (no NAPI, no transmit), and a
 * namespace is torn down only after its devices have left it, so the
 * table outlives every reader.
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <kunit/visibility.h>

#include "classify.h"
#include "compat.h"
#include "dev.h"
#include "netns.h"

/**
 * struct skbpool_net - skbpool's state in one network namespace
 * @flows: the learned flows of every tagged device in it
 * @unlearned: flows not learned because their probe window was all live
 *	entries of other flows (struct skbpool_flows)
 */
struct skbpool_net {
	struct skbpool_flows *flows;
	atomic_long_t unlearned;
};

static unsigned int skbpool_net_id;

static struct skbpool_net *skbpool_net(const struct net_device *netdev)
{
	return net_generic(dev_net(netdev), skbpool_net_id);
}

/**
 * skbpool_dev_flows() - the flow table of a device's namespace
 * @sdev: the device
 *
 * A seam for KUnit, whose fake devices get a table of their own.
 * Context: any; the device's namespace is stable (see above).
 * Return: the table.
 */
struct skbpool_flows *skbpool_dev_flows(const struct skbpool_dev *sdev)
{
	KUNIT_STATIC_STUB_REDIRECT(skbpool_dev_flows, sdev);
	return skbpool_net(sdev->netdev)->flows;
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_dev_flows);

/**
 * skbpool_dev_flow_unlearned() - count a flow the table had no room for
 * @sdev: the device that transmitted it
 */
void skbpool_dev_flow_unlearned(const struct skbpool_dev *sdev)
{
	atomic_long_inc(&skbpool_net(sdev->netdev)->unlearned);
}

/**
 * skbpool_dev_flows_unlearned() - flows not learned in a device's namespace
 * @sdev: the device
 *
 * Return: the count since the namespace was created.
 */
u64 skbpool_dev_flows_unlearned(const struct skbpool_dev *sdev)
{
	return atomic_long_read(&skbpool_net(sdev->netdev)->unlearned);
}

static int __net_init skbpool_net_init(struct net *net)
{
	struct skbpool_net *sn = net_generic(net, skbpool_net_id);

	sn->flows = kvzalloc(sizeof(*sn->flows), GFP_KERNEL);
	if (!sn->flows)
		return -ENOMEM;
	sn->flows->max_age = SKBPOOL_FLOW_MAX_AGE;
	return 0;
}

static void __net_exit skbpool_net_exit(struct net *net)
{
	struct skbpool_net *sn = net_generic(net, skbpool_net_id);

	kvfree(sn->flows);
}

/*
 * A subsystem, not a device: its exit runs after every device has left
 * the dying namespace (moved back to init_net or unregistered).
 */
static struct pernet_operations skbpool_net_ops = {
	.init = skbpool_net_init,
	.exit = skbpool_net_exit,
	.id = &skbpool_net_id,
	.size = sizeof(struct skbpool_net),
};

int skbpool_netns_init(void)
{
	return register_pernet_subsys(&skbpool_net_ops);
}

void skbpool_netns_exit(void)
{
	unregister_pernet_subsys(&skbpool_net_ops);
}
