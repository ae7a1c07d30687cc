// SPDX-License-Identifier: GPL-2.0
/*
 * Fault knobs, netdevsim style, in /sys/kernel/debug/simnic/simnic<ID>-<PORT>/:
 *
 *   fail_rx_alloc          the next N RX buffer allocations fail
 *   stall_tx_completions   1: the device stops completing TX; 0: what it
 *                          held back completes
 *   link_down              1: the wire is cut (carrier follows)
 *   corrupt_next           flip the last byte of the next N frames sent
 */
#include <linux/debugfs.h>
#include <linux/rtnetlink.h>

#include "simnic.h"

static struct dentry *simnic_ddir;

static int link_down_get(void *data, u64 *val)
{
	struct simnic_port *port = data;

	*val = READ_ONCE(port->faults.link_down);
	return 0;
}

static int link_down_set(void *data, u64 val)
{
	struct simnic_port *port = data;

	if (val > 1)
		return -EINVAL;
	rtnl_lock();
	WRITE_ONCE(port->faults.link_down, val);
	simnic_update_carrier(port);
	rtnl_unlock();
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(link_down_fops, link_down_get, link_down_set, "%llu\n");

static int stall_tx_get(void *data, u64 *val)
{
	struct simnic_port *port = data;

	*val = READ_ONCE(port->faults.stall_tx_completions);
	return 0;
}

static int stall_tx_set(void *data, u64 val)
{
	struct simnic_port *port = data;

	if (val > 1)
		return -EINVAL;
	rtnl_lock();
	WRITE_ONCE(port->faults.stall_tx_completions, val);
	if (!val)
		simnic_tx_resume(port);
	rtnl_unlock();
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(stall_tx_fops, stall_tx_get, stall_tx_set, "%llu\n");

/**
 * simnic_debugfs_port_init() - a port's fault knobs
 * @port: the port, registered (its name is the directory's)
 */
void simnic_debugfs_port_init(struct simnic_port *port)
{
	char name[32];

	snprintf(name, sizeof(name), "simnic%u-%u", port->sdev->id, port->port_index);
	port->ddir = debugfs_create_dir(name, simnic_ddir);
	debugfs_create_atomic_t("fail_rx_alloc", 0600, port->ddir,
				&port->faults.fail_rx_alloc);
	debugfs_create_file_unsafe("stall_tx_completions", 0600, port->ddir, port,
				   &stall_tx_fops);
	debugfs_create_file_unsafe("link_down", 0600, port->ddir, port,
				   &link_down_fops);
	debugfs_create_atomic_t("corrupt_next", 0600, port->ddir,
				&port->faults.corrupt_next);
}

/**
 * simnic_debugfs_init() - the driver's debugfs directory
 *
 * Return: 0 (debugfs is optional).
 */
int simnic_debugfs_init(void)
{
	simnic_ddir = debugfs_create_dir(SIMNIC_DRV_NAME, NULL);
	return 0;
}

/**
 * simnic_debugfs_exit() - remove it
 */
void simnic_debugfs_exit(void)
{
	debugfs_remove_recursive(simnic_ddir);
}
