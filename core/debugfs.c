// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs: a text face of the rule, flow and emergency APIs, for tests and
 * for a quick look on a box without ethtool-ext.  The netlink family is
 * the interface; this one is for people with a shell and root.
 *
 *   /sys/kernel/debug/skbpool/rules      read: every rule; write one of
 *	DEV add [at N] critical|bulk [proto tcp|udp|N] [sport P[-P]]
 *	        [dport P[-P]] [dscp D[,D...]] [prio P[,P...]]
 *	        [src ADDR/LEN] [dst ADDR/LEN]
 *	DEV del N
 *	DEV flush
 *   /sys/kernel/debug/skbpool/flows      read: learned flows and their age
 *   /sys/kernel/debug/skbpool/emergency  read: state; write "DEV auto|on|off"
 *
 * DEV is a netdev name in the writer's network namespace.  A bad line
 * returns -EINVAL (the reason goes to the kernel log) and changes nothing.
 */
#include <linux/debugfs.h>
#include <linux/inet.h>
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

/* The device named @name in the caller's namespace, with skbpool_lock held. */
static struct skbpool_dev *sdev_find_locked(const char *name)
{
	struct net *net = current->nsproxy->net_ns;
	struct skbpool_dev *sdev;

	lockdep_assert_held(&skbpool_lock);
	list_for_each_entry(sdev, &skbpool_devices, node)
		if (net_eq(dev_net(sdev->netdev), net) &&
		    !strcmp(sdev->netdev->name, name))
			return sdev;
	return NULL;
}

static int parse_range(char *arg, u16 *lo, u16 *hi)
{
	char *dash = strchr(arg, '-');

	if (dash)
		*dash++ = '\0';
	if (kstrtou16(arg, 0, lo))
		return -EINVAL;
	if (!dash) {
		*hi = *lo;
		return 0;
	}
	return kstrtou16(dash, 0, hi) ? -EINVAL : 0;
}

static int parse_bits(char *arg, u32 max, u64 *bits)
{
	char *tok;
	u32 v;

	while ((tok = strsep(&arg, ",")) != NULL) {
		if (kstrtou32(tok, 0, &v) || v > max)
			return -EINVAL;
		*bits |= BIT_ULL(v);
	}
	return 0;
}

static int parse_prefix(char *arg, struct skbpool_addr_prefix *p)
{
	char *slash = strchr(arg, '/');
	u8 len;

	if (!slash || kstrtou8(slash + 1, 0, &len))
		return -EINVAL;
	*slash = '\0';
	if (in4_pton(arg, -1, (u8 *)p->addr, -1, NULL))
		p->family = 4;
	else if (in6_pton(arg, -1, (u8 *)p->addr, -1, NULL))
		p->family = 6;
	else
		return -EINVAL;
	p->len = len;
	return 0;
}

static int parse_proto(char *arg, u8 *proto)
{
	if (!strcmp(arg, "tcp"))
		*proto = IPPROTO_TCP;
	else if (!strcmp(arg, "udp"))
		*proto = IPPROTO_UDP;
	else if (kstrtou8(arg, 0, proto) || !*proto)
		return -EINVAL;
	return 0;
}

/* "[at N] critical|bulk [key value]..." into @r and @pos. */
static int parse_rule(char *line, struct skbpool_rule *r, u32 *pos, const char **why)
{
	char *key, *val;
	u64 bits;
	int err;

	*pos = U32_MAX;
	key = strsep(&line, " ");
	if (key && !strcmp(key, "at")) {
		val = strsep(&line, " ");
		if (!val || kstrtou32(val, 0, pos))
			goto bad;
		key = strsep(&line, " ");
	}
	if (!key || (strcmp(key, "critical") && strcmp(key, "bulk"))) {
		*why = "a rule starts with critical or bulk";
		return -EINVAL;
	}
	r->critical = !strcmp(key, "critical");
	while ((key = strsep(&line, " ")) != NULL) {
		if (!*key)
			continue;
		val = strsep(&line, " ");
		if (!val)
			goto bad;
		bits = 0;
		if (!strcmp(key, "proto"))
			err = parse_proto(val, &r->proto);
		else if (!strcmp(key, "sport"))
			err = parse_range(val, &r->sport_lo, &r->sport_hi);
		else if (!strcmp(key, "dport"))
			err = parse_range(val, &r->dport_lo, &r->dport_hi);
		else if (!strcmp(key, "dscp"))
			err = parse_bits(val, 63, &r->dscp);
		else if (!strcmp(key, "prio"))
			err = parse_bits(val, 7, &bits);
		else if (!strcmp(key, "src"))
			err = parse_prefix(val, &r->src);
		else if (!strcmp(key, "dst"))
			err = parse_prefix(val, &r->dst);
		else
			err = -EINVAL;
		if (err)
			goto bad;
		if (bits)
			r->vlan_prio = bits;
	}
	return 0;
bad:
	*why = "malformed key or value";
	return -EINVAL;
}

static ssize_t rules_write(struct file *file, const char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	char *buf, *line, *name, *cmd;
	const char *why = "unknown command";
	struct skbpool_rule rule = {};
	struct skbpool_dev *sdev;
	u32 pos;
	int err = -EINVAL;

	buf = memdup_user_nul(ubuf, min_t(size_t, count, 512));
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	line = strim(buf);
	name = strsep(&line, " ");
	cmd = strsep(&line, " ");
	/* Held throughout: it also keeps the device registered. */
	mutex_lock(&skbpool_lock);
	sdev = sdev_find_locked(name);
	if (!sdev) {
		why = "no such skbpool device in this namespace";
		err = -ENODEV;
	} else if (cmd && !strcmp(cmd, "add")) {
		err = parse_rule(line ?: "", &rule, &pos, &why);
		if (!err)
			err = skbpool_rule_add(sdev, &rule, pos, &why);
	} else if (cmd && !strcmp(cmd, "del")) {
		err = line && !kstrtou32(line, 0, &pos) ? skbpool_rule_del(sdev, pos) : -EINVAL;
		why = err == -ENOENT ? "no rule at that index" : "del takes an index";
	} else if (cmd && !strcmp(cmd, "flush")) {
		skbpool_rules_flush(sdev);
		err = 0;
	}
	mutex_unlock(&skbpool_lock);
	if (err < 0)
		pr_info_ratelimited("skbpool: rules: %s\n", why);
	kfree(buf);
	return err < 0 ? err : count;
}

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

static int rules_open(struct inode *inode, struct file *file)
{
	return single_open(file, rules_show, NULL);
}

static const struct file_operations rules_fops = {
	.owner = THIS_MODULE,
	.open = rules_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = rules_write,
};

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

static ssize_t emergency_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	struct skbpool_dev *sdev;
	char *buf, *line, *name;
	int err = -EINVAL;
	u32 policy;

	buf = memdup_user_nul(ubuf, min_t(size_t, count, 64));
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	line = strim(buf);
	name = strsep(&line, " ");
	for (policy = 0; line && policy < ARRAY_SIZE(policy_names); policy++)
		if (!strcmp(line, policy_names[policy]))
			break;
	mutex_lock(&skbpool_lock);
	sdev = sdev_find_locked(name);
	if (!sdev)
		err = -ENODEV;
	else if (line && policy < ARRAY_SIZE(policy_names))
		err = skbpool_emergency_set_policy(sdev, policy);
	mutex_unlock(&skbpool_lock);
	kfree(buf);
	return err < 0 ? err : count;
}

static int emergency_open(struct inode *inode, struct file *file)
{
	return single_open(file, emergency_show, NULL);
}

static const struct file_operations emergency_fops = {
	.owner = THIS_MODULE,
	.open = emergency_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = emergency_write,
};

/**
 * skbpool_debugfs_init() - create /sys/kernel/debug/skbpool
 *
 * debugfs failures are not errors: the module works without it.
 */
void skbpool_debugfs_init(void)
{
	skbpool_dir = debugfs_create_dir("skbpool", NULL);
	debugfs_create_file("rules", 0600, skbpool_dir, NULL, &rules_fops);
	debugfs_create_file("flows", 0400, skbpool_dir, NULL, &flows_fops);
	debugfs_create_file("emergency", 0600, skbpool_dir, NULL, &emergency_fops);
}

/**
 * skbpool_debugfs_exit() - remove it
 */
void skbpool_debugfs_exit(void)
{
	debugfs_remove(skbpool_dir);
}
