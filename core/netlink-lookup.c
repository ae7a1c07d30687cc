// SPDX-License-Identifier: GPL-2.0
/*
 * Which device a request names, for every command of the family: by
 * ifindex or ifname in the caller's netns, so a device elsewhere is "no
 * such device", never shown.  And the order dumps walk devices in.
 */

#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/netlink.h>

#include "dev.h"
#include "netlink-lookup.h"

static struct skbpool_dev *sdev_of(const struct net_device *netdev)
{
	struct skbpool_dev *sdev;

	lockdep_assert_held(&skbpool_lock);
	list_for_each_entry(sdev, &skbpool_devices, node)
		if (sdev->netdev == netdev)
			return sdev;
	return NULL;
}

/**
 * skbpool_nl_lookup() - the device a request names
 * @net: the caller's netns
 * @tb: the request's attributes
 * @sel: which of them are the ifindex and the ifname
 * @required: a request naming no device is refused; if false, it gives
 *	NULL (a dump of every device)
 * @extack: what is wrong with the request, when it is
 *
 * By ifindex or ifname; both must then name the same device.
 *
 * Context: RTNL held, which keeps the device registered, its skbpool_dev
 * alive (drivers unregister the netdev before it) and its name stable.
 * Return: the device, NULL (see @required) or an ERR_PTR.
 */
struct skbpool_dev *skbpool_nl_lookup(struct net *net, struct nlattr **tb,
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

/**
 * skbpool_nl_next_dev() - the next device a dump lists
 * @net: the caller's netns
 * @after: the ifindex listed last, 0 to start
 *
 * Devices go out in ifindex order, so a resumed dump neither repeats nor
 * skips one when others come and go in between.
 *
 * Context: skbpool_lock held.
 * Return: the registered device of @net with the next ifindex, or NULL.
 */
struct skbpool_dev *skbpool_nl_next_dev(struct net *net, int after)
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
