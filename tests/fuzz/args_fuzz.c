// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for ethtool-ext's command line parser
 * (tools/ethtool-ext/args.c), built with ASan and UBSan (tests/fuzz/run.sh
 * args, make fuzz-all).
 *
 * Each input is a command line: words separated by NUL bytes, as argv
 * would hold them, at most MAX_WORDS.  Besides the sanitizers, the target
 * checks what the tool's callers rely on, on any input:
 *   - ext_parse_args() returns 0 or -1; on -1 the error is one line, NUL
 *     terminated inside its buffer, and not empty;
 *   - on 0, the command is a defined one, and every device name it holds
 *     is one of the input's words and fits IF_NAMESIZE;
 *   - a parsed rule is one the kernel could be sent: port ranges with
 *     lo <= hi, a VLAN priority bitmap of 8 bits, prefixes of family 4 or
 *     6 no longer than their address, an index below the kernel's 64;
 *   - the word parsers (prefix, bitmap, range) say yes or no on each word
 *     alone and, on yes, give a value inside their bounds.
 * A violation aborts, which libFuzzer reports as a crash with the input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/ethtool-ext/ethtool-ext.h"

#define MAX_WORDS	24
#define RULES_MAX	64

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "args_fuzz: %s\n", what);
		abort();
	}
}

static void check_prefix(const struct ext_prefix *p)
{
	if (!p->family)
		return;
	check(p->family == 4 || p->family == 6, "prefix family");
	check(p->len <= (p->family == 4 ? 32 : 128), "prefix length");
}

static void check_words(int argc, char **argv)
{
	struct ext_prefix p;
	uint16_t lo, hi;
	uint64_t mask;
	int i;

	for (i = 1; i < argc; i++) {
		memset(&p, 0, sizeof(p));
		if (!ext_parse_prefix(argv[i], &p)) {
			check(p.family == 4 || p.family == 6, "word prefix family");
			check_prefix(&p);
		}
		/* max is the largest value: 7 for VLAN priorities */
		if (!ext_parse_bitmap(argv[i], 7, &mask))
			check(mask && mask < 256, "bitmap past 8 bits");
		if (!ext_parse_range(argv[i], &lo, &hi))
			check(lo <= hi, "range ends below its start");
	}
}

static int is_word(const char *s, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (s == argv[i])
			return 1;
	return 0;
}

static void check_cmd(const struct ext_cmd *cmd, int argc, char **argv)
{
	const struct ext_rule *r = &cmd->rule;

	check(cmd->op >= EXT_SHOW && cmd->op <= EXT_HELP, "undefined command");
	if (cmd->dev) {
		check(is_word(cmd->dev, argc, argv), "device is not an input word");
		check(strlen(cmd->dev) < IF_NAMESIZE, "device name too long");
	}
	if (cmd->op != EXT_RULE_ADD)
		return;
	check(!!cmd->dev, "rule add without a device");
	check(!r->has_index || r->index < RULES_MAX, "rule index");
	check(!r->has_sport || r->sport_lo <= r->sport_hi, "sport range");
	check(!r->has_dport || r->dport_lo <= r->dport_hi, "dport range");
	check(r->vlan_prio == (r->vlan_prio & 0xff), "vlan priority bitmap");
	check_prefix(&r->src);
	check_prefix(&r->dst);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[MAX_WORDS + 2], *buf, err[256];
	struct ext_cmd cmd;
	size_t i, start;
	int argc = 1, rc;

	buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[0] = "ethtool-ext";
	for (i = 0, start = 0; i <= size && argc <= MAX_WORDS; i++) {
		if (buf[i])
			continue;
		argv[argc++] = buf + start;
		start = i + 1;
	}
	argv[argc] = NULL;

	memset(err, 'x', sizeof(err));
	rc = ext_parse_args(argc, argv, &cmd, err, sizeof(err));
	check(rc == 0 || rc == -1, "return value");
	if (rc) {
		check(!!memchr(err, '\0', sizeof(err)), "error not terminated");
		check(err[0] != '\0', "empty error");
		check(!strchr(err, '\n'), "error of more than one line");
	} else {
		check_cmd(&cmd, argc, argv);
	}
	check_words(argc, argv);
	free(buf);
	return 0;
}
