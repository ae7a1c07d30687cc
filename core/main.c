// SPDX-License-Identifier: GPL-2.0
/*
 * skbpool: private, preallocated socket-buffer pools for the NICs that carry
 * critical traffic (swap over NBD or NFS, iSCSI, cluster heartbeats), so
 * they keep receiving when the machine runs out of memory.
 */
#include <linux/module.h>
#include <linux/printk.h>

#include "compat.h"
#include "debugfs.h"
#include "emergency.h"
#include "main.h"
#include "netlink.h"
#include "netns.h"
#include "resync.h"
#include "sizing.h"
#include "stash.h"

/* SKBPOOL_VERSION: the VERSION file's, given by core/Kbuild. */

unsigned int skbpool_share_pct = 25;
module_param_named(reserve_share_pct, skbpool_share_pct, uint, 0644);
MODULE_PARM_DESC(reserve_share_pct,
		 "Percent of vm.min_free_kbytes preallocated over all tagged RX queues (default 25)");

static int __init skbpool_init(void)
{
	int err;

	skbpool_emergency_update_thresholds();
	err = skbpool_netns_init();
	if (err)
		return err;
	err = skbpool_stash_wq_init();
	if (err)
		goto err_netns;
	err = skbpool_resync_init();
	if (err)
		goto err_stash;
	err = skbpool_nl_init();
	if (err)
		goto err_resync;
	skbpool_debugfs_init();
	pr_info("skbpool %s: vm.min_free_kbytes is %llu\n", SKBPOOL_VERSION,
		skbpool_min_free_kbytes());
	if (!skbpool_skb_head_cache())
		pr_info("skbpool: no skb head stash on this kernel (its skb head cache is exported from Linux 6.9): critical frames take heads from the NAPI cache only\n");
	if (!SKBPOOL_DUMP_START_EXTACK)
		pr_info("skbpool: a dump request this kernel refuses gets its errno without a message (a dump's extack reaches its start callback from Linux 6.5)\n");
	return 0;

err_resync:
	skbpool_resync_exit();
err_stash:
	skbpool_stash_wq_exit();
err_netns:
	skbpool_netns_exit();
	return err;
}

static void __exit skbpool_exit(void)
{
	skbpool_debugfs_exit();
	skbpool_nl_exit();
	skbpool_resync_exit();
	skbpool_stash_wq_exit();
	skbpool_netns_exit();
}

module_init(skbpool_init);
module_exit(skbpool_exit);

MODULE_DESCRIPTION("Private socket-buffer pools for NICs that carry critical traffic");
MODULE_VERSION(SKBPOOL_VERSION);
MODULE_LICENSE("GPL");
