// SPDX-License-Identifier: GPL-2.0
/*
 * The admin's critical-traffic rules, per device.
 *
 * The classifier reads a device's rule table under RCU (NAPI runs with
 * bottom halves off, which is a read-side section); a change copies the
 * table, edits the copy and publishes it.  So readers never see a
 * half-edited table and never wait.
 *
 * Writers hold skbpool_lock, which also keeps the device registered while
 * the caller that looked it up acts on it.
 */
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "classify.h"
#include "dev.h"
#include "rules.h"

struct skbpool_rules_rcu {
	struct rcu_head rcu;
	struct skbpool_rules rules;
};

static struct skbpool_rules *rules_alloc(void)
{
	struct skbpool_rules_rcu *r = kzalloc(sizeof(*r), GFP_KERNEL);

	return r ? &r->rules : NULL;
}

static void rules_free_rcu(struct skbpool_rules *rules)
{
	if (rules)
		kfree_rcu(container_of(rules, struct skbpool_rules_rcu, rules), rcu);
}

static struct skbpool_rules *rules_current(struct skbpool_dev *sdev)
{
	return rcu_dereference_protected(sdev->rules, lockdep_is_held(&skbpool_lock));
}

/*
 * Bumped by every change of any device's rules, under skbpool_lock, so a
 * listing spread over several netlink messages can tell it met one.
 * Never 0: netlink reads 0 as "no generation".
 */
static u32 rules_gen = 1;

/**
 * skbpool_rules_gen() - the generation of the rule tables
 *
 * Context: skbpool_lock held.
 * Return: a number that changes whenever a rule table does, never 0.
 */
u32 skbpool_rules_gen(void)
{
	lockdep_assert_held(&skbpool_lock);
	return rules_gen;
}

/* Publish @next in place of the current table, which goes after a grace period. */
static void rules_publish(struct skbpool_dev *sdev, struct skbpool_rules *next)
{
	struct skbpool_rules *old = rules_current(sdev);

	rcu_assign_pointer(sdev->rules, next);
	rules_free_rcu(old);
	if (!++rules_gen)
		rules_gen = 1;
}

/**
 * skbpool_rule_add() - insert a rule
 * @sdev: the device
 * @rule: the rule; checked with skbpool_rule_check()
 * @pos: its index once inserted; U32_MAX or past the end appends
 * @why: on -EINVAL, what is wrong (a static string)
 *
 * Context: skbpool_lock held.
 * Return: the index it got, -EINVAL (bad rule), -ENOSPC (table full) or
 * -ENOMEM; on error nothing changes.
 */
int skbpool_rule_add(struct skbpool_dev *sdev, const struct skbpool_rule *rule,
		     u32 pos, const char **why)
{
	struct skbpool_rules *cur, *next;
	int err;

	err = skbpool_rule_check(rule, why);
	if (err)
		return err;
	next = rules_alloc();
	if (!next)
		return -ENOMEM;
	cur = rules_current(sdev);
	if (cur)
		*next = *cur;
	if (next->count == SKBPOOL_RULES_MAX) {
		rules_free_rcu(next);
		*why = "rule table full";
		return -ENOSPC;
	}
	pos = min(pos, next->count);
	memmove(&next->rule[pos + 1], &next->rule[pos],
		(next->count - pos) * sizeof(next->rule[0]));
	next->rule[pos] = *rule;
	next->count++;
	rules_publish(sdev, next);
	return pos;
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_rule_add);

/**
 * skbpool_rule_del() - remove the rule at @index
 * @sdev: the device
 * @index: as the rule dump numbers them
 *
 * Context: skbpool_lock held.
 * Return: 0, -ENOENT (no such rule) or -ENOMEM; on error nothing changes.
 */
int skbpool_rule_del(struct skbpool_dev *sdev, u32 index)
{
	struct skbpool_rules *cur, *next;

	cur = rules_current(sdev);
	if (!cur || index >= cur->count)
		return -ENOENT;
	next = rules_alloc();
	if (!next)
		return -ENOMEM;
	*next = *cur;
	next->count--;
	memmove(&next->rule[index], &next->rule[index + 1],
		(next->count - index) * sizeof(next->rule[0]));
	rules_publish(sdev, next);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_rule_del);

/**
 * skbpool_rules_flush() - remove every rule
 * @sdev: the device
 *
 * Context: skbpool_lock held.
 */
void skbpool_rules_flush(struct skbpool_dev *sdev)
{
	rules_publish(sdev, NULL);
}
EXPORT_SYMBOL_IF_KUNIT(skbpool_rules_flush);

/**
 * skbpool_rules_fini() - free the table when the device goes
 * @sdev: the device, unregistered (no reader can reach it)
 */
void skbpool_rules_fini(struct skbpool_dev *sdev)
{
	mutex_lock(&skbpool_lock);
	rules_publish(sdev, NULL);
	mutex_unlock(&skbpool_lock);
}
