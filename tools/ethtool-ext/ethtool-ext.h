/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ethtool-ext: tag, inspect and steer skbpool pools over the skbpool
 * generic netlink family.
 *
 * Split so the parts worth testing without a kernel are pure: args.c turns
 * argv into a struct ext_cmd, show.c turns replies into text or JSON; only
 * nl.c talks to the kernel and only main.c prints errors and exits.
 */
#ifndef ETHTOOL_EXT_H
#define ETHTOOL_EXT_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum ext_op {
	EXT_SHOW,
	EXT_TAG,
	EXT_UNTAG,
	EXT_SIZE,
	EXT_EMERGENCY,
	EXT_RULE_ADD,
	EXT_RULE_DEL,
	EXT_RULE_SHOW,
	EXT_FLOWS,
	EXT_MONITOR,
	EXT_HELP,
};

#define EXT_ALL_QUEUES	UINT32_MAX

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

struct ext_prefix {
	uint8_t family;		/* 0: not given, else 4 or 6 */
	uint8_t len;
	uint8_t addr[16];
};

/* A rule as given on the command line or as the kernel reports it. */
struct ext_rule {
	char ifname[IF_NAMESIZE];	/* reported rules: their device */
	bool has_index;
	uint32_t index;
	uint32_t action;	/* enum skbpool_rule_action */
	bool has_proto;
	uint8_t proto;
	bool has_sport, has_dport;
	uint16_t sport_lo, sport_hi, dport_lo, dport_hi;
	uint64_t dscp;		/* bitmap, 0: any */
	uint8_t vlan_prio;	/* bitmap, 0: any */
	struct ext_prefix src, dst;
};

struct ext_cmd {
	enum ext_op op;
	bool json;
	const char *dev;	/* NULL: every device (show, rule show, flows) */
	uint32_t queue;		/* size: a queue or EXT_ALL_QUEUES */
	uint32_t buffers;	/* size: 0 for auto */
	uint32_t policy;	/* emergency: enum skbpool_emergency_policy */
	struct ext_rule rule;	/* rule add; rule del uses its index */
};

/* Parse argv; on error write one line into err and return -1. */
int ext_parse_args(int argc, char **argv, struct ext_cmd *cmd, char *err, size_t errlen);
int ext_parse_prefix(const char *s, struct ext_prefix *p);
int ext_parse_bitmap(const char *s, unsigned int max, uint64_t *mask);
int ext_parse_range(const char *s, uint16_t *lo, uint16_t *hi);
void ext_usage(FILE *f);

struct ext_sizing {
	bool present;
	bool per_queue;		/* the queue fields below were reported */
	uint64_t min_free_kbytes;
	uint32_t share_pct, queues, cap;
	uint32_t ring_size, buf_truesize, override, share_buffers, floor, buffers;
};

struct ext_queue {
	uint32_t id;
	uint32_t type;		/* enum skbpool_queue_type */
	uint32_t override;
	bool has_pool;		/* RX: figures below reported */
	uint32_t total, free, in_flight, stash;
	struct ext_sizing sizing;
	uint64_t recycled, slowpath, stash_used, build_failed, exhausted, lent;
	uint32_t bounce_total, bounce_in_use;
	uint64_t bounced, bounce_busy;
};

#define EXT_REASONS	8	/* enum skbpool_reason */

struct ext_stats {
	uint64_t recycled, slowpath, stash_used, build_failed, exhausted, lent;
	uint64_t tx_bounce, tx_bounce_busy;
	/* Emergency mode's classification; absent on a kernel without it. */
	bool has_cls;
	uint64_t rx_critical, rx_drop_noncritical;
	uint64_t reason[EXT_REASONS];
};

struct ext_dev {
	uint32_t ifindex;
	char ifname[IF_NAMESIZE];
	bool tagged;
	uint32_t override;
	/* Emergency mode: each part is absent on a kernel that lacks it, the
	 * time and cause of the last transition also while there was none.
	 */
	bool has_policy, has_emergency, has_changed, has_enter, has_cause;
	uint32_t policy, cause;
	bool emergency;
	uint64_t changed_ms, enter;
	struct ext_sizing sizing;
	struct ext_stats stats;
	unsigned int nr_queues;
	struct ext_queue *queues;
};

struct ext_flow {
	char ifname[IF_NAMESIZE];
	uint8_t family, proto;
	uint8_t local[16], remote[16];
	uint16_t lport, rport;	/* host order */
	uint32_t age_ms;
};

struct ext_event {
	uint32_t type;		/* enum skbpool_event_type */
	uint32_t ifindex;
	char ifname[IF_NAMESIZE];
	bool has_queue, has_exhausted, has_cause;
	uint32_t queue_id, cause;
	uint64_t exhausted;
};

/* show.c: text and JSON; "out" is stdout or a test's buffer. */
void ext_print_devs(FILE *out, const struct ext_dev *devs, unsigned int n, bool json);
void ext_print_rules(FILE *out, const struct ext_rule *r, unsigned int n, bool json);
void ext_print_flows(FILE *out, const struct ext_flow *f, unsigned int n, bool json);
void ext_print_event(FILE *out, const struct ext_event *ev, bool json);
void ext_fill_bar(char *buf, unsigned int width, uint32_t free, uint32_t total);
const char *ext_policy_name(uint32_t policy);
const char *ext_event_name(uint32_t type);
const char *ext_cause_name(uint32_t cause);
const char *ext_reason_name(uint32_t reason);
const char *ext_proto_name(uint8_t proto);

/* json.c: just enough of a writer for flat objects and arrays. */
void json_str(FILE *out, const char *s);

/* nl.c */
struct ext_nl;

/* What went wrong on the kernel side: an errno and the extack, if any. */
struct ext_err {
	int err;		/* positive errno */
	char msg[256];		/* the kernel's extack message, or empty */
};

struct ext_nl *ext_nl_open(struct ext_err *e);
void ext_nl_close(struct ext_nl *nl);
int ext_nl_dev_get(struct ext_nl *nl, const char *dev, struct ext_dev **devs,
		   unsigned int *n, struct ext_err *e);
void ext_devs_free(struct ext_dev *devs, unsigned int n);
int ext_nl_dev_set(struct ext_nl *nl, const struct ext_cmd *cmd, struct ext_err *e);
int ext_nl_rule_add(struct ext_nl *nl, const struct ext_cmd *cmd, struct ext_err *e);
int ext_nl_rule_del(struct ext_nl *nl, const struct ext_cmd *cmd, struct ext_err *e);
int ext_nl_rule_get(struct ext_nl *nl, const char *dev, struct ext_rule **rules,
		    unsigned int *n, struct ext_err *e);
int ext_nl_flow_get(struct ext_nl *nl, const char *dev, struct ext_flow **flows,
		    unsigned int *n, struct ext_err *e);
int ext_nl_monitor(struct ext_nl *nl, FILE *out, bool json, struct ext_err *e);
int ext_parse_extack(const void *buf, size_t len, struct ext_err *e);

#endif /* ETHTOOL_EXT_H */
