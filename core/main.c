// SPDX-License-Identifier: GPL-2.0
/*
 * skbpool: private, preallocated socket-buffer pools for the NICs that carry
 * critical traffic (swap over NBD or NFS, iSCSI, cluster heartbeats), so
 * they keep receiving when the machine runs out of memory.
 */
#include <linux/module.h>
#include <linux/printk.h>

#include <skbpool/sizing.h>

#define SKBPOOL_VERSION "0.1.0"

static int __init skbpool_init(void)
{
	pr_info("skbpool %s: vm.min_free_kbytes is %llu\n", SKBPOOL_VERSION,
		skbpool_min_free_kbytes());
	return 0;
}

static void __exit skbpool_exit(void)
{
}

module_init(skbpool_init);
module_exit(skbpool_exit);

MODULE_DESCRIPTION("Private socket-buffer pools for NICs that carry critical traffic");
MODULE_VERSION(SKBPOOL_VERSION);
MODULE_LICENSE("GPL");
