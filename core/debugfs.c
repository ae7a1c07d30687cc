// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs: the rule, flow and emergency tables as text, read-only, for a
 * quick look on a box without ethtool-ext.  Every change goes through the
 * netlink family (ethtool-ext, ynl) or ethtool; one way in keeps one set
 * of checks and one error reporting (extack).
 *
 *   /sys/kernel/debug/skbpool/rules      every rule, per device
 *   /sys/kernel/debug/skbpool/flows      learned flows and their age
 *   /sys/kernel/debug/skbpool/emergency  policy, state, entries, last cause
 *
 * Each lists the devices of the reader's network namespace.
 */
#include <linux/debugfs.h>
#include <linux/netdevice.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <net/net_namespace.h>

#include "classify.h"
#include "debugfs.h"
#include "dev.h"
#include "emergency.h"
#include "netns.h"
#include "rules.h"

static struct dentry *skbpool_dir;

static void show_prefix(struct seq_file *m, const char *key,
			const struct skbpool_addr_prefix *p)
{
	if (p->family == 4)
		seq_printf(m, " %s %pI4/%u", key, p->addr, p->len);
	else if (p->family == 6)
		seq_printf(m, " %s %pI6c/%u", key, p->addr, p->len);
}

static int rules_show(struct seq_file *m, void *v)
{
	struct net *net = current->nsproxy->net_ns;
	const struct skbpool_rules *rules;
	struct skbpool_dev *sdev;
	u32 i;

	mutex_lock(&skbpool_lock);
	list_for_each_entry(sdev, &skbpool_devices, node) {
		if (!net_eq(dev_net(sdev->netdev), net))
			continue;
		rules = rcu_dereference_protected(sdev->rules,
						  lockdep_is_held(&skbpool_lock));
		for (i = 0; rules && i < rules->count; i++) {
			const struct skbpool_rule *r = &rules->rule[i];

			seq_printf(m, "%s %u %s", sdev->netdev->name, i,
				   r->critical ? "critical" : "bulk");
			if (r->proto)
				seq_printf(m, " proto %u", r->proto);
			if (r->sport_lo || r->sport_hi)
				seq_printf(m, " sport %u-%u", r->sport_lo, r->sport_hi);
			if (r->dport_lo || r->dport_hi)
				seq_printf(m, " dport %u-%u", r->dport_lo, r->dport_hi);
			if (r->dscp)
				seq_printf(m, " dscp-mask %#llx", r->dscp);
			if (r->vlan_prio)
				seq_printf(m, " prio-mask %#x", r->vlan_prio);
			show_prefix(m, "src", &r->src);
			show_prefix(m, "dst", &r->dst);
			seq_putc(m, '\n');
		}
	}
	mutex_unlock(&skbpool_lock);
	return 0;
}

DEFINE_SHOW_ATTRIBUTE(rules);

static int flows_show(struct seq_file *m, void *v)
{
	struct net *net = current->nsproxy->net_ns;
	struct skbpool_dev *sdev;
	u32 i, now = jiffies;

	mutex_lock(&skbpool_lock);
	list_for_each_entry(sdev, &skbpool_devices, node) {
		if (!net_eq(dev_net(sdev->netdev), net))
			continue;
		for (i = 0; i < SKBPOOL_FLOW_SLOTS; i++) {
			struct skbpool_flow_key k;
			u32 age;

			if (!skbpool_flow_read(skbpool_dev_flows(sdev), i, now, &k, &age))
				continue;
			seq_printf(m, "%s %s ", sdev->netdev->name,
				   k.proto == IPPROTO_TCP ? "tcp" : "udp");
			if (k.family == 4)
				seq_printf(m, "%pI4:%u %pI4:%u", k.local, ntohs(k.lport),
					   k.remote, ntohs(k.rport));
			else
				seq_printf(m, "[%pI6c]:%u [%pI6c]:%u", k.local,
					   ntohs(k.lport), k.remote, ntohs(k.rport));
			seq_printf(m, " age_ms %u\n", jiffies_to_msecs(age));
		}
	}
	mutex_unlock(&skbpool_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(flows);

static const char *const policy_names[] = {
	[SKBPOOL_EM_POLICY_AUTO] = "auto",
	[SKBPOOL_EM_POLICY_ON] = "on",
	[SKBPOOL_EM_POLICY_OFF] = "off",
};

static int emergency_show(struct seq_file *m, void *v)
{
	struct net *net = current->nsproxy->net_ns;
	struct skbpool_emergency_info info;
	struct skbpool_dev *sdev;

	mutex_lock(&skbpool_lock);
	list_for_each_entry(sdev, &skbpool_devices, node) {
		if (!net_eq(dev_net(sdev->netdev), net))
			continue;
		skbpool_emergency_read(sdev, &info);
		seq_printf(m, "%s policy %s active %u enters %llu last %s\n",
			   sdev->netdev->name, policy_names[info.policy],
			   info.active, info.enters,
			   info.last_change_ns ?
			   skbpool_emergency_reason_name(info.last_reason) : "-");
	}
	mutex_unlock(&skbpool_lock);
	return 0;
}

DEFINE_SHOW_ATTRIBUTE(emergency);

/**
 * skbpool_debugfs_init() - create /sys/kernel/debug/skbpool
 *
 * debugfs failures are not errors: the module works without it.
 */
void skbpool_debugfs_init(void)
{
	skbpool_dir = debugfs_create_dir("skbpool", NULL);
	debugfs_create_file("rules", 0400, skbpool_dir, NULL, &rules_fops);
	debugfs_create_file("flows", 0400, skbpool_dir, NULL, &flows_fops);
	debugfs_create_file("emergency", 0400, skbpool_dir, NULL, &emergency_fops);
}

/**
 * skbpool_debugfs_exit() - remove it
 */
void skbpool_debugfs_exit(void)
{
	debugfs_remove(skbpool_dir);
}
