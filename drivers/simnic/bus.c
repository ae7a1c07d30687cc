// SPDX-License-Identifier: GPL-2.0
/*
 * simnic devices, created netdevsim style through /sys/bus/simnic:
 *
 *   new_device     "ID [PORTS [QUEUES]]"          a device with its ports
 *   del_device     "ID"
 *   link_device    "NSFD:IFINDEX NSFD:IFINDEX"    join two ports (the fds
 *                                                 name network namespaces
 *                                                 open in the writer)
 *   unlink_device  "NSFD:IFINDEX"
 *
 * Every write is parsed and checked whole before anything changes; a bad
 * one gets -EINVAL (or -EEXIST, -ENOENT, -EBUSY) and changes nothing.
 */
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/net_namespace.h>
#include <net/rtnetlink.h>

#include "simnic.h"

#define SIMNIC_MAX_PORTS	8

/* Guards simnic_devices and simnic_exiting; taken before RTNL. */
static DEFINE_MUTEX(simnic_devices_lock);
static LIST_HEAD(simnic_devices);
/*
 * Set by the module's exit before it destroys the devices: a new_device
 * write that waited for the lock meanwhile must not create one, which
 * would outlive the module (the bus attributes go only after).
 */
static bool simnic_exiting;

static struct simnic_dev *simnic_find(u32 id)
{
	struct simnic_dev *sdev;

	lockdep_assert_held(&simnic_devices_lock);
	list_for_each_entry(sdev, &simnic_devices, node)
		if (sdev->id == id)
			return sdev;
	return NULL;
}

static void simnic_dev_release(struct device *dev)
{
	struct simnic_dev *sdev = container_of(dev, struct simnic_dev, dev);

	kfree(sdev->ports);
	kfree(sdev);
}

/* const where the kernel allows it (include/skbpool/compat.h) */
static skbpool_bus_type simnic_bus;

/*
 * Ports already deleted with "ip link del" left their slot empty.  The
 * others are unregistered in one batch; rtnl_unlock() returns once they
 * are freed, so the device goes after its netdevs.
 */
static void simnic_dev_destroy(struct simnic_dev *sdev)
{
	LIST_HEAD(kill);
	u32 i;

	rtnl_lock();
	for (i = 0; i < sdev->nr_ports; i++)
		if (sdev->ports[i])
			simnic_port_unregister(sdev->ports[i], &kill);
	unregister_netdevice_many(&kill);
	rtnl_unlock();
	device_unregister(&sdev->dev);
}

static int simnic_dev_create(u32 id, u32 nr_ports, u32 nr_queues)
{
	struct simnic_dev *sdev;
	int err;
	u32 i;

	sdev = kzalloc(sizeof(*sdev), GFP_KERNEL);
	if (!sdev)
		return -ENOMEM;
	sdev->ports = kcalloc(nr_ports, sizeof(*sdev->ports), GFP_KERNEL);
	if (!sdev->ports) {
		kfree(sdev);
		return -ENOMEM;
	}
	sdev->id = id;
	sdev->nr_ports = nr_ports;
	sdev->nr_queues = nr_queues;
	sdev->dev.bus = &simnic_bus;
	sdev->dev.release = simnic_dev_release;
	device_initialize(&sdev->dev);
	/* Buffers are mapped through dma-direct, as for a PCI function. */
	err = dma_coerce_mask_and_coherent(&sdev->dev, DMA_BIT_MASK(64));
	if (!err)
		err = dev_set_name(&sdev->dev, "simnic%u", id);
	if (!err)
		err = device_add(&sdev->dev);
	if (err) {
		put_device(&sdev->dev);
		return err;
	}
	for (i = 0; i < nr_ports; i++) {
		err = simnic_port_create(sdev, i);
		if (err) {
			simnic_dev_destroy(sdev);
			return err;
		}
	}
	list_add_tail(&sdev->node, &simnic_devices);
	return 0;
}

static ssize_t new_device_store(skbpool_bus_type *bus, const char *buf,
				size_t count)
{
	u32 id, ports = 1, queues = 1;
	char extra;
	int n, err;

	n = sscanf(buf, "%u %u %u %c", &id, &ports, &queues, &extra);
	if (n < 1 || n > 3 || !ports || ports > SIMNIC_MAX_PORTS ||
	    !queues || queues > SIMNIC_MAX_QUEUES) {
		pr_err("simnic: new_device takes \"ID [PORTS [QUEUES]]\", 1-%u ports, 1-%u queues\n",
		       SIMNIC_MAX_PORTS, SIMNIC_MAX_QUEUES);
		return -EINVAL;
	}
	mutex_lock(&simnic_devices_lock);
	if (simnic_exiting)
		err = -ENODEV;
	else
		err = simnic_find(id) ? -EEXIST : simnic_dev_create(id, ports, queues);
	mutex_unlock(&simnic_devices_lock);
	return err ? err : count;
}
static BUS_ATTR_WO(new_device);

static ssize_t del_device_store(skbpool_bus_type *bus, const char *buf,
				size_t count)
{
	struct simnic_dev *sdev;
	char extra;
	u32 id;

	if (sscanf(buf, "%u %c", &id, &extra) != 1)
		return -EINVAL;
	mutex_lock(&simnic_devices_lock);
	sdev = simnic_find(id);
	if (sdev) {
		list_del(&sdev->node);
		simnic_dev_destroy(sdev);
	}
	mutex_unlock(&simnic_devices_lock);
	return sdev ? count : -ENOENT;
}
static BUS_ATTR_WO(del_device);

/* "NSFD:IFINDEX" to a simnic port.  Context: RTNL held. */
static struct simnic_port *simnic_port_by_fd(int nsfd, int ifindex)
{
	struct net_device *netdev;
	struct net *net;

	net = get_net_ns_by_fd(nsfd);
	if (IS_ERR(net))
		return ERR_CAST(net);
	netdev = __dev_get_by_index(net, ifindex);
	put_net(net);
	if (!netdev)
		return ERR_PTR(-ENODEV);
	if (netdev->netdev_ops != &simnic_netdev_ops)
		return ERR_PTR(-EOPNOTSUPP);
	return netdev_priv(netdev);
}

static ssize_t link_device_store(skbpool_bus_type *bus, const char *buf,
				 size_t count)
{
	int fd_a, if_a, fd_b, if_b, err = 0;
	struct simnic_port *a, *b;
	char extra;

	if (sscanf(buf, "%d:%d %d:%d %c", &fd_a, &if_a, &fd_b, &if_b, &extra) != 4)
		return -EINVAL;
	rtnl_lock();
	a = simnic_port_by_fd(fd_a, if_a);
	b = simnic_port_by_fd(fd_b, if_b);
	if (IS_ERR(a))
		err = PTR_ERR(a);
	else if (IS_ERR(b))
		err = PTR_ERR(b);
	else if (a == b)
		err = -EINVAL;
	else if (rtnl_dereference(a->peer) || rtnl_dereference(b->peer))
		err = -EBUSY;
	else
		simnic_link(a, b);
	rtnl_unlock();
	return err ? err : count;
}
static BUS_ATTR_WO(link_device);

static ssize_t unlink_device_store(skbpool_bus_type *bus, const char *buf,
				   size_t count)
{
	struct simnic_port *port;
	int fd, ifindex, err = 0;
	char extra;

	if (sscanf(buf, "%d:%d %c", &fd, &ifindex, &extra) != 2)
		return -EINVAL;
	rtnl_lock();
	port = simnic_port_by_fd(fd, ifindex);
	if (IS_ERR(port))
		err = PTR_ERR(port);
	else if (!rtnl_dereference(port->peer))
		err = -ENOLINK;
	else
		simnic_unlink(port);
	rtnl_unlock();
	return err ? err : count;
}
static BUS_ATTR_WO(unlink_device);

static struct attribute *simnic_bus_attrs[] = {
	&bus_attr_new_device.attr,
	&bus_attr_del_device.attr,
	&bus_attr_link_device.attr,
	&bus_attr_unlink_device.attr,
	NULL,
};
ATTRIBUTE_GROUPS(simnic_bus);

static skbpool_bus_type simnic_bus = {
	.name = SIMNIC_DRV_NAME,
	.dev_name = SIMNIC_DRV_NAME,
	.bus_groups = simnic_bus_groups,
};

/**
 * simnic_update_carrier() - carrier follows the link and both admin states
 * @port: one end; the other end is updated too
 *
 * Context: RTNL held.
 */
void simnic_update_carrier(struct simnic_port *port)
{
	struct simnic_port *peer = rtnl_dereference(port->peer);
	bool up = peer && netif_running(port->netdev) &&
		  netif_running(peer->netdev) &&
		  !READ_ONCE(port->faults.link_down) &&
		  !READ_ONCE(peer->faults.link_down);

	if (up) {
		netif_carrier_on(port->netdev);
		netif_carrier_on(peer->netdev);
		return;
	}
	netif_carrier_off(port->netdev);
	if (peer)
		netif_carrier_off(peer->netdev);
}

/**
 * simnic_link() - join two ports
 * @a: one port, unlinked
 * @b: the other, unlinked
 *
 * Context: RTNL held.
 */
void simnic_link(struct simnic_port *a, struct simnic_port *b)
{
	rcu_assign_pointer(a->peer, b);
	rcu_assign_pointer(b->peer, a);
	simnic_update_carrier(a);
}

/**
 * simnic_unlink() - cut a port's link, if any
 * @port: the port
 *
 * Returns once no transmit on either end still uses the link.
 * Context: RTNL held.
 */
void simnic_unlink(struct simnic_port *port)
{
	struct simnic_port *peer = rtnl_dereference(port->peer);

	if (!peer)
		return;
	netif_carrier_off(port->netdev);
	netif_carrier_off(peer->netdev);
	RCU_INIT_POINTER(port->peer, NULL);
	RCU_INIT_POINTER(peer->peer, NULL);
	synchronize_net();
}

static int __init simnic_init(void)
{
	int err;

	err = simnic_debugfs_init();
	if (err)
		return err;
	err = rtnl_link_register(&simnic_link_ops);
	if (err)
		goto err_debugfs;
	err = bus_register(&simnic_bus);
	if (err)
		goto err_link;
	if (!SIMNIC_QSTATS)
		pr_info("simnic: no per-queue statistics in the netdev netlink family on this kernel (netdev_stat_ops is Linux 6.10): only device totals, in ip -s and ethtool -S\n");
	return 0;
err_link:
	rtnl_link_unregister(&simnic_link_ops);
err_debugfs:
	simnic_debugfs_exit();
	return err;
}

static void __exit simnic_exit(void)
{
	struct simnic_dev *sdev, *tmp;

	mutex_lock(&simnic_devices_lock);
	simnic_exiting = true;
	list_for_each_entry_safe(sdev, tmp, &simnic_devices, node) {
		list_del(&sdev->node);
		simnic_dev_destroy(sdev);
	}
	mutex_unlock(&simnic_devices_lock);
	/* Also waits for ports an "ip link del" is still freeing. */
	rtnl_link_unregister(&simnic_link_ops);
	bus_unregister(&simnic_bus);
	simnic_debugfs_exit();
}

module_init(simnic_init);
module_exit(simnic_exit);

MODULE_DESCRIPTION("simnic: a software NIC pair modelled on an e1000-class device");
MODULE_LICENSE("GPL");
