/* SPDX-License-Identifier: GPL-2.0 */
/* The admin's critical-traffic rules, per device. */
#ifndef _SKBPOOL_RULES_H
#define _SKBPOOL_RULES_H

#include <linux/types.h>

struct skbpool_dev;
struct skbpool_rule;

void skbpool_rules_fini(struct skbpool_dev *sdev);
int skbpool_rule_add(struct skbpool_dev *sdev, const struct skbpool_rule *rule,
		     u32 pos, const char **why);
int skbpool_rule_del(struct skbpool_dev *sdev, u32 index);
void skbpool_rules_flush(struct skbpool_dev *sdev);
u32 skbpool_rules_gen(void);

#endif /* _SKBPOOL_RULES_H */
