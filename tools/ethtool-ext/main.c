// SPDX-License-Identifier: GPL-2.0
/*
 * ethtool-ext: the command.  Exit 0 on success; 1 with exactly one line
 * on stderr for any error, naming the device or the word at fault.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ethtool-ext.h"

/* One line for a kernel-side error, in the words an admin expects. */
static int report(const char *dev, const struct ext_err *e)
{
	const char *what = dev ? dev : "skbpool";

	if (!dev && e->msg[0]) {
		fprintf(stderr, "ethtool-ext: %s\n", e->msg);
		return 1;
	}
	switch (e->err) {
	case ENODEV:
		fprintf(stderr, "ethtool-ext: %s: no such device\n", what);
		break;
	case EPERM:
	case EACCES:
		fprintf(stderr, "ethtool-ext: %s: permission denied (CAP_NET_ADMIN needed)\n",
			what);
		break;
	default:
		/* The kernel's own words name the attribute and the reason. */
		fprintf(stderr, "ethtool-ext: %s: %s\n", what,
			e->msg[0] ? e->msg : strerror(e->err));
	}
	return 1;
}

static int run(struct ext_nl *nl, const struct ext_cmd *cmd, struct ext_err *e)
{
	switch (cmd->op) {
	case EXT_SHOW: {
		struct ext_dev *devs;
		unsigned int n;

		if (ext_nl_dev_get(nl, cmd->dev, &devs, &n, e))
			return -1;
		ext_print_devs(stdout, devs, n, cmd->json);
		ext_devs_free(devs, n);
		return 0;
	}
	case EXT_TAG:
	case EXT_UNTAG:
	case EXT_SIZE:
	case EXT_EMERGENCY:
		return ext_nl_dev_set(nl, cmd, e);
	case EXT_RULE_ADD:
		return ext_nl_rule_add(nl, cmd, e);
	case EXT_RULE_DEL:
		return ext_nl_rule_del(nl, cmd, e);
	case EXT_RULE_SHOW: {
		struct ext_rule *rules;
		unsigned int n;

		if (ext_nl_rule_get(nl, cmd->dev, &rules, &n, e))
			return -1;
		ext_print_rules(stdout, rules, n, cmd->json);
		free(rules);
		return 0;
	}
	case EXT_FLOWS: {
		struct ext_flow *flows;
		unsigned int n;

		if (ext_nl_flow_get(nl, cmd->dev, &flows, &n, e))
			return -1;
		ext_print_flows(stdout, flows, n, cmd->json);
		free(flows);
		return 0;
	}
	case EXT_MONITOR:
		return ext_nl_monitor(nl, stdout, cmd->json, e);
	case EXT_HELP:
		break;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct ext_err e = {};
	struct ext_cmd cmd;
	struct ext_nl *nl;
	char err[256];
	int ret;

	if (ext_parse_args(argc, argv, &cmd, err, sizeof(err))) {
		fprintf(stderr, "ethtool-ext: %s (see ethtool-ext -h)\n", err);
		return 1;
	}
	if (cmd.op == EXT_HELP) {
		ext_usage(stdout);
		return 0;
	}
	nl = ext_nl_open(&e);
	if (!nl)
		return report(NULL, &e);
	ret = run(nl, &cmd, &e);
	ext_nl_close(nl);
	if (ret)
		return report(cmd.dev, &e);
	if (fflush(stdout) == EOF) {
		fprintf(stderr, "ethtool-ext: writing output: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
