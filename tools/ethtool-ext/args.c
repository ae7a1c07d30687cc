// SPDX-License-Identifier: GPL-2.0
/*
 * Command line: argv to struct ext_cmd, nothing else, so every word can be
 * checked by the unit tests.  An error names the word that is wrong and
 * what was expected there.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <linux/skbpool.h>

#include "ethtool-ext.h"

void ext_usage(FILE *f)
{
	fputs("Usage: ethtool-ext [-j|--json] COMMAND\n"
	      "  show [DEV]                      pools, sizing, counters, emergency state\n"
	      "  tag DEV | untag DEV             build or release DEV's pools\n"
	      "  size DEV QUEUE|all N|auto       reserve in buffers per RX queue\n"
	      "  emergency DEV auto|on|off       emergency policy\n"
	      "  rule add DEV [index N] critical|bulk [proto P] [sport A[-B]] [dport A[-B]]\n"
	      "           [dscp LIST] [vlan-prio LIST] [src PREFIX] [dst PREFIX]\n"
	      "  rule del DEV INDEX | rule show [DEV]\n"
	      "  flows [DEV]                     learned critical flows\n"
	      "  monitor                         print events until interrupted\n"
	      "LIST: values and ranges, e.g. 46,32-39.  PREFIX: 192.0.2.0/24, 2001:db8::/32.\n"
	      "-h, --help: this text.  See ethtool-ext(8).\n", f);
}

struct parser {
	int argc;
	char **argv;
	int pos;
	char *err;
	size_t errlen;
};

/*
 * The error names the word as given; a C0 control character or DEL in it
 * becomes '?', so the message stays one line and an ESC from the command
 * line does not reach the terminal.  Bytes from 0x80 up are left alone:
 * they are UTF-8 in any name a user types (an 8-bit terminal reading 0x9b
 * as CSI is not served).
 */
static int fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	char *c;

	if (!p->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(p->err, p->errlen, fmt, ap);
	va_end(ap);
	for (c = p->err; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	return -1;
}

static const char *peek(struct parser *p)
{
	return p->pos < p->argc ? p->argv[p->pos] : NULL;
}

static const char *next(struct parser *p)
{
	return p->pos < p->argc ? p->argv[p->pos++] : NULL;
}

/* A decimal number up to max, all of the word. */
static int parse_u32(const char *s, uint32_t max, uint32_t *v)
{
	unsigned long long x;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno || *end || x > max)
		return -1;
	*v = x;
	return 0;
}

/* "A" or "A-B", ports, A <= B. */
int ext_parse_range(const char *s, uint16_t *lo, uint16_t *hi)
{
	char buf[16], *dash;
	uint32_t a, b;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	dash = strchr(buf, '-');
	if (dash)
		*dash++ = '\0';
	if (parse_u32(buf, 65535, &a))
		return -1;
	b = a;
	if (dash && parse_u32(dash, 65535, &b))
		return -1;
	if (a > b)
		return -1;
	*lo = a;
	*hi = b;
	return 0;
}

/* "46,32-39": a set of values up to max (< 64), as a bitmap. */
int ext_parse_bitmap(const char *s, unsigned int max, uint64_t *mask)
{
	char buf[256], *item, *save = NULL;
	uint64_t m = 0;

	if (!*s || strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	for (item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *dash = strchr(item, '-');
		uint32_t a, b, i;

		if (dash)
			*dash++ = '\0';
		if (parse_u32(item, max, &a))
			return -1;
		b = a;
		if (dash && parse_u32(dash, max, &b))
			return -1;
		if (a > b)
			return -1;
		for (i = a; i <= b; i++)
			m |= 1ULL << i;
	}
	/* "1,,2" leaves an empty item strtok_r skips: refuse it too. */
	if (strstr(s, ",,") || s[0] == ',' || s[strlen(s) - 1] == ',')
		return -1;
	*mask = m;
	return 0;
}

/* "192.0.2.0/24", "2001:db8::/32", or a bare address (full length). */
int ext_parse_prefix(const char *s, struct ext_prefix *p)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash;
	uint32_t len, max;
	unsigned int i;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	memset(p, 0, sizeof(*p));
	if (inet_pton(AF_INET, buf, p->addr) == 1) {
		p->family = 4;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, p->addr) == 1) {
		p->family = 6;
		max = 128;
	} else {
		return -1;
	}
	len = max;
	if (slash && parse_u32(slash, max, &len))
		return -1;
	p->len = len;
	/* Host bits must be zero: 192.0.2.1/24 is a typo more often than not. */
	for (i = len; i < max; i++)
		if (p->addr[i / 8] & (0x80 >> (i % 8)))
			return -1;
	return 0;
}

static int parse_proto(const char *s, uint8_t *proto)
{
	static const struct { const char *name; uint8_t num; } names[] = {
		{ "icmp", 1 }, { "tcp", 6 }, { "udp", 17 }, { "icmpv6", 58 },
		{ "sctp", 132 },
	};
	uint32_t v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (!strcmp(s, names[i].name)) {
			*proto = names[i].num;
			return 0;
		}
	}
	if (parse_u32(s, 255, &v) || !v)
		return -1;
	*proto = v;
	return 0;
}

static int need_dev(struct parser *p, struct ext_cmd *cmd, const char *what)
{
	const char *dev = next(p);

	if (!dev)
		return fail(p, "%s: missing DEV", what);
	if (strlen(dev) >= IF_NAMESIZE || !*dev)
		return fail(p, "bad argument '%s': not a device name", dev);
	cmd->dev = dev;
	return 0;
}

static int opt_dev(struct parser *p, struct ext_cmd *cmd)
{
	if (!peek(p))
		return 0;
	return need_dev(p, cmd, "");
}

static int parse_rule_add(struct parser *p, struct ext_cmd *cmd)
{
	struct ext_rule *r = &cmd->rule;
	bool action = false;
	const char *w, *v;

	if (need_dev(p, cmd, "rule add"))
		return -1;
	while ((w = next(p))) {
		if (!strcmp(w, "critical") || !strcmp(w, "bulk")) {
			if (action)
				return fail(p, "bad argument '%s': action given twice", w);
			action = true;
			r->action = !strcmp(w, "critical") ? SKBPOOL_RULE_ACTION_CRITICAL :
							     SKBPOOL_RULE_ACTION_BULK;
			continue;
		}
		v = next(p);
		if (!v)
			return fail(p, "bad argument '%s': expected a value after it", w);
		if (!strcmp(w, "index")) {
			if (parse_u32(v, 63, &r->index))
				return fail(p, "bad argument '%s': index is 0..63", v);
			r->has_index = true;
		} else if (!strcmp(w, "proto")) {
			if (parse_proto(v, &r->proto))
				return fail(p, "bad argument '%s': %s", v,
					    "expected tcp, udp, icmp, icmpv6, sctp or 1..255");
			r->has_proto = true;
		} else if (!strcmp(w, "sport")) {
			if (ext_parse_range(v, &r->sport_lo, &r->sport_hi))
				return fail(p, "bad argument '%s': expected a port or LO-HI", v);
			r->has_sport = true;
		} else if (!strcmp(w, "dport")) {
			if (ext_parse_range(v, &r->dport_lo, &r->dport_hi))
				return fail(p, "bad argument '%s': expected a port or LO-HI", v);
			r->has_dport = true;
		} else if (!strcmp(w, "dscp")) {
			if (ext_parse_bitmap(v, 63, &r->dscp))
				return fail(p, "bad argument '%s': %s", v,
					    "expected DSCP values 0..63, e.g. 46,32-39");
		} else if (!strcmp(w, "vlan-prio")) {
			uint64_t m;

			if (ext_parse_bitmap(v, 7, &m))
				return fail(p, "bad argument '%s': %s", v,
					    "expected priorities 0..7, e.g. 5-7");
			r->vlan_prio = m;
		} else if (!strcmp(w, "src") || !strcmp(w, "dst")) {
			struct ext_prefix *px = w[0] == 's' ? &r->src : &r->dst;

			if (ext_parse_prefix(v, px))
				return fail(p, "bad argument '%s': %s", v,
					    "expected a prefix such as 192.0.2.0/24 (host bits zero)");
		} else {
			return fail(p, "bad argument '%s': %s", w,
				    "expected index, critical, bulk, proto, sport, dport, dscp, vlan-prio, src or dst");
		}
	}
	if (!action)
		return fail(p, "rule add: missing critical or bulk");
	if (r->src.family && r->dst.family && r->src.family != r->dst.family)
		return fail(p, "bad argument '%s': src and dst of different families", cmd->dev);
	return 0;
}

static int parse_command(struct parser *p, struct ext_cmd *cmd)
{
	const char *w = next(p), *v;

	if (!w || !strcmp(w, "show")) {
		cmd->op = EXT_SHOW;
		return w ? opt_dev(p, cmd) : 0;
	}
	if (!strcmp(w, "tag") || !strcmp(w, "untag")) {
		cmd->op = w[0] == 't' ? EXT_TAG : EXT_UNTAG;
		return need_dev(p, cmd, w);
	}
	if (!strcmp(w, "size")) {
		cmd->op = EXT_SIZE;
		if (need_dev(p, cmd, w))
			return -1;
		v = next(p);
		if (!v)
			return fail(p, "size: missing QUEUE or all");
		if (!strcmp(v, "all"))
			cmd->queue = EXT_ALL_QUEUES;
		else if (parse_u32(v, 65535, &cmd->queue))
			return fail(p, "bad argument '%s': expected a queue number or all", v);
		v = next(p);
		if (!v)
			return fail(p, "size: missing N or auto");
		if (!strcmp(v, "auto"))
			cmd->buffers = 0;
		else if (parse_u32(v, SKBPOOL_OVERRIDE_MAX, &cmd->buffers) || !cmd->buffers)
			return fail(p, "bad argument '%s': expected 1..%u buffers or auto", v,
				    SKBPOOL_OVERRIDE_MAX);
		return 0;
	}
	if (!strcmp(w, "emergency")) {
		cmd->op = EXT_EMERGENCY;
		if (need_dev(p, cmd, w))
			return -1;
		v = next(p);
		if (!v)
			return fail(p, "emergency: missing auto, on or off");
		if (!strcmp(v, "auto"))
			cmd->policy = SKBPOOL_EMERGENCY_POLICY_AUTO;
		else if (!strcmp(v, "on"))
			cmd->policy = SKBPOOL_EMERGENCY_POLICY_ON;
		else if (!strcmp(v, "off"))
			cmd->policy = SKBPOOL_EMERGENCY_POLICY_OFF;
		else
			return fail(p, "bad argument '%s': expected auto, on or off", v);
		return 0;
	}
	if (!strcmp(w, "rule")) {
		v = next(p);
		if (!v)
			return fail(p, "rule: missing add, del or show");
		if (!strcmp(v, "add")) {
			cmd->op = EXT_RULE_ADD;
			return parse_rule_add(p, cmd);
		}
		if (!strcmp(v, "del")) {
			cmd->op = EXT_RULE_DEL;
			if (need_dev(p, cmd, "rule del"))
				return -1;
			v = next(p);
			if (!v)
				return fail(p, "rule del: missing INDEX");
			if (parse_u32(v, 63, &cmd->rule.index))
				return fail(p, "bad argument '%s': index is 0..63", v);
			cmd->rule.has_index = true;
			return 0;
		}
		if (!strcmp(v, "show")) {
			cmd->op = EXT_RULE_SHOW;
			return opt_dev(p, cmd);
		}
		return fail(p, "bad argument '%s': expected add, del or show", v);
	}
	if (!strcmp(w, "flows")) {
		cmd->op = EXT_FLOWS;
		return opt_dev(p, cmd);
	}
	if (!strcmp(w, "monitor")) {
		cmd->op = EXT_MONITOR;
		return 0;
	}
	if (!strcmp(w, "help")) {
		cmd->op = EXT_HELP;
		return 0;
	}
	return fail(p, "bad argument '%s': %s", w,
		    "expected show, tag, untag, size, emergency, rule, flows or monitor");
}

int ext_parse_args(int argc, char **argv, struct ext_cmd *cmd, char *err, size_t errlen)
{
	struct parser p = { argc, argv, 1, err, errlen };
	const char *w;

	memset(cmd, 0, sizeof(*cmd));
	/* Options come first, as with ip: ethtool-ext -j show. */
	while ((w = peek(&p)) && w[0] == '-') {
		p.pos++;
		if (!strcmp(w, "-j") || !strcmp(w, "--json")) {
			cmd->json = true;
		} else if (!strcmp(w, "-h") || !strcmp(w, "--help")) {
			cmd->op = EXT_HELP;
			return 0;
		} else {
			return fail(&p, "bad argument '%s': unknown option", w);
		}
	}
	if (parse_command(&p, cmd))
		return -1;
	w = peek(&p);
	if (w)
		return fail(&p, "bad argument '%s': unexpected", w);
	return 0;
}
