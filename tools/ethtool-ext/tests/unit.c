// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side unit tests of ethtool-ext: argument parsing, output formatting
 * and error decoding, no kernel needed.  KTAP lines, then the closing line
 * "N passed, N failed" that CI reads; exit 1 when anything failed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/skbpool.h>

#include "ethtool-ext.h"

static int passed, failed, checks_failed;

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		printf("# %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
		checks_failed++;					\
	}								\
} while (0)

#define CHECK_STR(a, b) do {						\
	const char *_a = (a), *_b = (b);				\
	if (strcmp(_a, _b)) {						\
		printf("# %s:%d: got      '%s'\n# %s:%d: expected '%s'\n", \
		       __FILE__, __LINE__, _a, __FILE__, __LINE__, _b);	\
		checks_failed++;					\
	}								\
} while (0)

static void run(const char *name, void (*fn)(void))
{
	checks_failed = 0;
	fn();
	if (checks_failed) {
		failed++;
		printf("not ok %d %s\n", passed + failed, name);
	} else {
		passed++;
		printf("ok %d %s\n", passed + failed, name);
	}
}

/* Parse a command line given as words; returns ext_parse_args()'s result. */
static int parse(struct ext_cmd *cmd, char *err, ...)
{
	char *argv[32] = { "ethtool-ext" };
	int argc = 1;
	va_list ap;
	char *w;

	va_start(ap, err);
	while ((w = va_arg(ap, char *)) && argc < 31)
		argv[argc++] = w;
	va_end(ap);
	err[0] = '\0';
	return ext_parse_args(argc, argv, cmd, err, 256);
}

static void test_args_show(void)
{
	struct ext_cmd c;
	char err[256];

	CHECK(parse(&c, err, NULL) == 0 && c.op == EXT_SHOW && !c.dev && !c.json);
	CHECK(parse(&c, err, "show", NULL) == 0 && c.op == EXT_SHOW && !c.dev);
	CHECK(parse(&c, err, "-j", "show", "eth0", NULL) == 0 && c.json && !strcmp(c.dev, "eth0"));
	CHECK(parse(&c, err, "--json", "show", NULL) == 0 && c.json);
	CHECK(parse(&c, err, "-h", NULL) == 0 && c.op == EXT_HELP);
	CHECK(parse(&c, err, "--help", "show", NULL) == 0 && c.op == EXT_HELP);
	CHECK(parse(&c, err, "monitor", NULL) == 0 && c.op == EXT_MONITOR);
	CHECK(parse(&c, err, "flows", NULL) == 0 && c.op == EXT_FLOWS && !c.dev);
	CHECK(parse(&c, err, "flows", "eth1", NULL) == 0 && !strcmp(c.dev, "eth1"));
}

static void test_args_errors_name_the_word(void)
{
	struct ext_cmd c;
	char err[256];

	CHECK(parse(&c, err, "-x", NULL) == -1);
	CHECK_STR(err, "bad argument '-x': unknown option");
	CHECK(parse(&c, err, "frobnicate", NULL) == -1);
	CHECK(strstr(err, "'frobnicate'"));
	CHECK(parse(&c, err, "show", "eth0", "extra", NULL) == -1);
	CHECK_STR(err, "bad argument 'extra': unexpected");
	CHECK(parse(&c, err, "tag", NULL) == -1);
	CHECK_STR(err, "tag: missing DEV");
	CHECK(parse(&c, err, "tag", "a-name-longer-than-15", NULL) == -1);
	CHECK(strstr(err, "'a-name-longer-than-15'"));
	CHECK(parse(&c, err, "monitor", "eth0", NULL) == -1);
	CHECK(strstr(err, "'eth0'"));
	/*
	 * A word with control characters still gives one printable line
	 * (the argument fuzzer's first finding).
	 */
	CHECK(parse(&c, err, "sh\now", NULL) == -1);
	CHECK(!strncmp(err, "bad argument 'sh?ow': expected show", 35));
	CHECK(parse(&c, err, "tag", "et\033[2Jh0\r", "x", NULL) == -1);
	CHECK(!strpbrk(err, "\n\r\033"));
}

static void test_args_tag_size_emergency(void)
{
	struct ext_cmd c;
	char err[256];

	CHECK(parse(&c, err, "tag", "eth0", NULL) == 0 && c.op == EXT_TAG);
	CHECK(parse(&c, err, "untag", "eth0", NULL) == 0 && c.op == EXT_UNTAG);
	CHECK(parse(&c, err, "size", "eth0", "all", "4096", NULL) == 0 && c.op == EXT_SIZE &&
	      c.queue == EXT_ALL_QUEUES && c.buffers == 4096);
	CHECK(parse(&c, err, "size", "eth0", "1", "auto", NULL) == 0 && c.queue == 1 &&
	      c.buffers == 0);
	CHECK(parse(&c, err, "size", "eth0", "all", "65536", NULL) == 0 && c.buffers == 65536);
	CHECK(parse(&c, err, "size", "eth0", "all", "65537", NULL) == -1);
	CHECK(strstr(err, "'65537'"));
	CHECK(parse(&c, err, "size", "eth0", "all", "0", NULL) == -1);
	CHECK(strstr(err, "'0'"));
	CHECK(parse(&c, err, "size", "eth0", "x1", "10", NULL) == -1);
	CHECK(strstr(err, "'x1'"));
	CHECK(parse(&c, err, "size", "eth0", "1", "-5", NULL) == -1);
	CHECK(parse(&c, err, "size", "eth0", "1", "12abc", NULL) == -1);
	CHECK(parse(&c, err, "size", "eth0", "1", NULL) == -1);
	CHECK_STR(err, "size: missing N or auto");
	CHECK(parse(&c, err, "emergency", "eth0", "on", NULL) == 0 &&
	      c.policy == SKBPOOL_EMERGENCY_POLICY_ON);
	CHECK(parse(&c, err, "emergency", "eth0", "off", NULL) == 0 &&
	      c.policy == SKBPOOL_EMERGENCY_POLICY_OFF);
	CHECK(parse(&c, err, "emergency", "eth0", "auto", NULL) == 0 &&
	      c.policy == SKBPOOL_EMERGENCY_POLICY_AUTO);
	CHECK(parse(&c, err, "emergency", "eth0", "maybe", NULL) == -1);
	CHECK_STR(err, "bad argument 'maybe': expected auto, on or off");
}

static void test_args_rules(void)
{
	struct ext_cmd c;
	char err[256];

	CHECK(parse(&c, err, "rule", "add", "eth0", "index", "3", "critical", "proto", "udp",
		    "dport", "9000-9100", "sport", "53", "dscp", "46,32-34", "vlan-prio", "5-7",
		    "src", "192.0.2.0/24", "dst", "198.51.100.7", NULL) == 0);
	CHECK(c.op == EXT_RULE_ADD && !strcmp(c.dev, "eth0"));
	CHECK(c.rule.has_index && c.rule.index == 3);
	CHECK(c.rule.action == SKBPOOL_RULE_ACTION_CRITICAL);
	CHECK(c.rule.has_proto && c.rule.proto == 17);
	CHECK(c.rule.has_dport && c.rule.dport_lo == 9000 && c.rule.dport_hi == 9100);
	CHECK(c.rule.has_sport && c.rule.sport_lo == 53 && c.rule.sport_hi == 53);
	CHECK(c.rule.dscp == ((1ULL << 46) | (7ULL << 32)));
	CHECK(c.rule.vlan_prio == 0xe0);
	CHECK(c.rule.src.family == 4 && c.rule.src.len == 24 && c.rule.src.addr[0] == 192);
	CHECK(c.rule.dst.family == 4 && c.rule.dst.len == 32 && c.rule.dst.addr[3] == 7);

	CHECK(parse(&c, err, "rule", "add", "eth0", "bulk", "dst", "2001:db8::/32", NULL) == 0);
	CHECK(c.rule.action == SKBPOOL_RULE_ACTION_BULK && !c.rule.has_index);
	CHECK(c.rule.dst.family == 6 && c.rule.dst.len == 32 && c.rule.dst.addr[2] == 0x0d);

	CHECK(parse(&c, err, "rule", "add", "eth0", "proto", "tcp", NULL) == -1);
	CHECK_STR(err, "rule add: missing critical or bulk");
	CHECK(parse(&c, err, "rule", "add", "eth0", "critical", "bulk", NULL) == -1);
	CHECK(parse(&c, err, "rule", "add", "eth0", "critical", "dport", "20-10", NULL) == -1);
	CHECK(strstr(err, "'20-10'"));
	CHECK(parse(&c, err, "rule", "add", "eth0", "critical", "dport", "70000", NULL) == -1);
	CHECK(parse(&c, err, "rule", "add", "eth0", "critical", "dscp", "64", NULL) == -1);
	CHECK(strstr(err, "'64'"));
	CHECK(parse(&c, err, "rule", "add", "eth0", "critical", "dscp", "1,,2", NULL) == -1);
	CHECK(parse(&c, err, "rule", "add", "eth0", "critical", "vlan-prio", "8", NULL) == -1);
	CHECK(parse(&c, err, "rule", "add", "eth0", "critical", "src", "192.0.2.1/24", NULL) == -1);
	CHECK(strstr(err, "'192.0.2.1/24'"));
	CHECK(parse(&c, err, "rule", "add", "eth0", "critical", "src", "192.0.2.0/33", NULL) == -1);
	CHECK(parse(&c, err, "rule", "add", "eth0", "critical", "src", "192.0.2.0/24",
		    "dst", "2001:db8::/32", NULL) == -1);
	CHECK(parse(&c, err, "rule", "add", "eth0", "critical", "proto", "0", NULL) == -1);
	CHECK(parse(&c, err, "rule", "add", "eth0", "critical", "proto", NULL) == -1);
	CHECK_STR(err, "bad argument 'proto': expected a value after it");
	CHECK(parse(&c, err, "rule", "add", "eth0", "critical", "color", "red", NULL) == -1);
	CHECK(strstr(err, "'color'"));
	CHECK(parse(&c, err, "rule", "add", "eth0", "critical", "index", "64", NULL) == -1);

	CHECK(parse(&c, err, "rule", "del", "eth0", "5", NULL) == 0 && c.op == EXT_RULE_DEL &&
	      c.rule.index == 5);
	CHECK(parse(&c, err, "rule", "del", "eth0", NULL) == -1);
	CHECK(parse(&c, err, "rule", "show", NULL) == 0 && c.op == EXT_RULE_SHOW && !c.dev);
	CHECK(parse(&c, err, "rule", "show", "eth0", NULL) == 0 && !strcmp(c.dev, "eth0"));
	CHECK(parse(&c, err, "rule", "move", NULL) == -1);
	CHECK(strstr(err, "'move'"));
}

static void test_bitmap_and_ranges(void)
{
	uint16_t lo, hi;
	uint64_t m;

	CHECK(ext_parse_bitmap("0", 63, &m) == 0 && m == 1);
	CHECK(ext_parse_bitmap("63", 63, &m) == 0 && m == 1ULL << 63);
	CHECK(ext_parse_bitmap("0-63", 63, &m) == 0 && m == ~0ULL);
	CHECK(ext_parse_bitmap("3-1", 63, &m) == -1);
	CHECK(ext_parse_bitmap("", 63, &m) == -1);
	CHECK(ext_parse_bitmap(",1", 63, &m) == -1);
	CHECK(ext_parse_bitmap("1,", 63, &m) == -1);
	CHECK(ext_parse_bitmap("a", 63, &m) == -1);
	CHECK(ext_parse_range("0-65535", &lo, &hi) == 0 && lo == 0 && hi == 65535);
	CHECK(ext_parse_range("65536", &lo, &hi) == -1);
	CHECK(ext_parse_range("1-", &lo, &hi) == -1);
	CHECK(ext_parse_range("-1", &lo, &hi) == -1);
}

static void test_fill_bar(void)
{
	char bar[40];

	ext_fill_bar(bar, 10, 0, 0);
	CHECK_STR(bar, "[..........]");
	ext_fill_bar(bar, 10, 50, 100);
	CHECK_STR(bar, "[#####.....]");
	ext_fill_bar(bar, 10, 100, 100);
	CHECK_STR(bar, "[##########]");
	ext_fill_bar(bar, 10, 1, 100);
	CHECK_STR(bar, "[#.........]");
	ext_fill_bar(bar, 10, 99, 100);
	CHECK_STR(bar, "[#########.]");
	ext_fill_bar(bar, 4, 1000, 1024);
	CHECK_STR(bar, "[###.]");
	ext_fill_bar(bar, 4, 5000, 1024);	/* a racy reading: never past the bar */
	CHECK_STR(bar, "[####]");
	ext_fill_bar(bar, 20, 1000, 1024);
	CHECK_STR(bar, "[###################.]");
}

static void report_emergency(struct ext_dev *d)
{
	d->has_policy = true;
	d->has_emergency = true;
	d->has_changed = true;
	d->has_enter = true;
	d->has_cause = true;
}

/* Frames by reason 10, 20, ... (critical) and 100, 200, ... (dropped). */
static void classified(struct ext_stats *st)
{
	unsigned int i;

	st->has_cls = true;
	for (i = 0; i < 3; i++)
		st->reason[i] = 10 * (i + 1);
	for (i = 3; i < EXT_REASONS; i++)
		st->reason[i] = 100 * (i - 2);
	st->rx_critical = 60;
	st->rx_drop_noncritical = 1500;
}

/* One tagged device with a pool on queue 0, none on queue 1, a TX queue. */
static void sample_dev(struct ext_dev *d, struct ext_queue *q)
{
	memset(d, 0, sizeof(*d));
	memset(q, 0, 3 * sizeof(*q));
	snprintf(d->ifname, sizeof(d->ifname), "eth\"0");
	d->ifindex = 7;
	d->tagged = true;
	d->override = 0;
	d->sizing = (struct ext_sizing){ .present = true, .min_free_kbytes = 5684,
					 .share_pct = 25, .queues = 2, .cap = 65536 };
	d->stats = (struct ext_stats){ .recycled = 1, .slowpath = 2, .stash_used = 3,
					.build_failed = 4, .exhausted = 5, .lent = 8,
					.tx_bounce = 6, .tx_bounce_busy = 7 };
	d->nr_queues = 3;
	d->queues = q;
	q[0] = (struct ext_queue){ .id = 0, .type = SKBPOOL_QUEUE_TYPE_RX, .has_pool = true,
				   .total = 1024, .free = 1000, .in_flight = 24, .stash = 64,
				   .recycled = 11, .slowpath = 0, .stash_used = 1,
				   .build_failed = 0, .exhausted = 2, .lent = 3 };
	q[0].sizing = (struct ext_sizing){ .present = true, .per_queue = true,
					   .min_free_kbytes = 5684, .share_pct = 25, .queues = 2,
					   .cap = 65536, .ring_size = 256, .buf_truesize = 4096,
					   .override = 0, .share_buffers = 177, .floor = 1024,
					   .buffers = 1024 };
	q[1] = (struct ext_queue){ .id = 1, .type = SKBPOOL_QUEUE_TYPE_RX, .override = 512 };
	q[2] = (struct ext_queue){ .id = 0, .type = SKBPOOL_QUEUE_TYPE_TX, .bounce_total = 256,
				   .bounce_in_use = 3, .bounced = 99, .bounce_busy = 1 };
}

static char *capture(void (*print)(FILE *, const void *), const void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	print(f, arg);
	fclose(f);
	return buf;
}

static void print_json(FILE *f, const void *d)
{
	ext_print_devs(f, d, 1, true);
}

static void print_text(FILE *f, const void *d)
{
	ext_print_devs(f, d, 1, false);
}

static void test_json_device(void)
{
	struct ext_queue q[3];
	struct ext_dev d;
	char *out;

	sample_dev(&d, q);
	out = capture(print_json, &d);
	CHECK_STR(out,
		  "[{\"ifname\":\"eth\\\"0\",\"ifindex\":7,\"tagged\":true,\"override\":0,"
		  "\"emergency\":{\"policy\":null,\"active\":null,\"since_change_ms\":null,"
		  "\"enter_count\":null,\"cause\":null},"
		  "\"sizing\":{\"min_free_kbytes\":5684,\"share_pct\":25,\"queues\":2,\"cap\":65536},"
		  "\"stats\":{\"recycled\":1,\"alloc_slowpath\":2,\"stash_used\":3,"
		  "\"build_failed\":4,\"exhausted\":5,\"lent\":8,\"tx_bounce\":6,\"tx_bounce_busy\":7,"
		  "\"rx_critical\":null,\"rx_drop_noncritical\":null,\"classified\":null},"
		  "\"rx_queues\":[{\"id\":0,\"override\":0,\"pool\":{\"total\":1024,\"free\":1000,"
		  "\"in_flight\":24,\"stash\":64,\"recycled\":11,\"alloc_slowpath\":0,"
		  "\"stash_used\":1,\"build_failed\":0,\"exhausted\":2,\"lent\":3,\"sizing\":"
		  "{\"min_free_kbytes\":5684,\"share_pct\":25,\"queues\":2,\"cap\":65536,"
		  "\"ring_size\":256,\"buf_truesize\":4096,\"override\":0,\"share_buffers\":177,"
		  "\"floor\":1024,\"buffers\":1024}}},"
		  "{\"id\":1,\"override\":512,\"pool\":null}],"
		  "\"tx_queues\":[{\"id\":0,\"bounce_total\":256,\"bounce_in_use\":3,"
		  "\"bounced\":99,\"bounce_busy\":1}]}]\n");
	free(out);

	/* Emergency reported: the same keys, now with values. */
	report_emergency(&d);
	d.policy = SKBPOOL_EMERGENCY_POLICY_ON;
	d.emergency = true;
	d.changed_ms = 1500;
	d.enter = 3;
	d.cause = SKBPOOL_EMERGENCY_CAUSE_ADMIN;
	classified(&d.stats);
	out = capture(print_json, &d);
	CHECK(strstr(out, "\"emergency\":{\"policy\":\"on\",\"active\":true,"
			  "\"since_change_ms\":1500,\"enter_count\":3,\"cause\":\"admin\"}"));
	CHECK(strstr(out, "\"tx_bounce_busy\":7,\"rx_critical\":60,\"rx_drop_noncritical\":1500,"
			  "\"classified\":{\"critical_link\":10,\"critical_flow\":20,"
			  "\"critical_rule\":30,\"drop_nonip\":100,\"drop_malformed\":200,"
			  "\"drop_fragment\":300,\"drop_rule\":400,\"drop_nomatch\":500}}"));
	if (checks_failed)
		printf("# output was:\n%s", out);
	free(out);

	/* Never changed: no time, no cause, still every key. */
	d.has_changed = false;
	d.has_cause = false;
	out = capture(print_json, &d);
	CHECK(strstr(out, "\"since_change_ms\":null,\"enter_count\":3,\"cause\":null}"));
	free(out);
}

static void print_none(FILE *f, const void *d)
{
	(void)d;
	ext_print_devs(f, NULL, 0, true);
}

static void test_json_empty(void)
{
	char *out = capture(print_none, NULL);

	CHECK_STR(out, "[]\n");
	free(out);
}

static void test_text_device(void)
{
	struct ext_queue q[3];
	struct ext_dev d;
	char *out;

	sample_dev(&d, q);
	out = capture(print_text, &d);
	CHECK(strstr(out, "eth\"0 (ifindex 7): tagged, reserve auto\n") == out);
	CHECK(strstr(out, "  emergency: not reported by this kernel\n"));
	CHECK(strstr(out, "  sizing: min_free_kbytes 5684, share 25 %, 2 tagged RX queues,"
			  " cap 65536\n"));
	CHECK(strstr(out, "  rx 0      1024     1000        24    64    1024    auto  "
			  "[###################.]  97%\n"));
	CHECK(strstr(out, "  rx 1        -        -         -     -       -"
			  "     512  no pool\n"));
	CHECK(strstr(out, "  tx 0    bounce 256, in use 3, bounced 99, busy 1\n"));
	CHECK(strstr(out, "  counters: recycled 1, slow-path allocs 2, stash used 3,"
			  " build failed 4, exhausted 5, lent 8, tx bounced 6, tx busy 7\n"));
	CHECK(!strstr(out, "emergency frames"));
	if (checks_failed)
		printf("# output was:\n%s", out);
	free(out);

	report_emergency(&d);
	d.policy = SKBPOOL_EMERGENCY_POLICY_AUTO;
	d.emergency = false;
	d.changed_ms = 61234;
	d.enter = 2;
	d.cause = SKBPOOL_EMERGENCY_CAUSE_RECOVERED;
	classified(&d.stats);
	out = capture(print_text, &d);
	CHECK(strstr(out, "  emergency: off (policy auto), left 61.2 s ago (recovered),"
			  " 2 entries\n"));
	CHECK(strstr(out, "  emergency frames: critical 60 (link 10, flow 20, rule 30),"
			  " dropped 1500 (non-IP 100, malformed 200, fragment 300, rule 400,"
			  " no match 500)\n"));
	if (checks_failed)
		printf("# output was:\n%s", out);
	free(out);

	d.policy = SKBPOOL_EMERGENCY_POLICY_ON;
	d.emergency = true;
	d.changed_ms = 999;
	d.enter = 1;
	d.cause = SKBPOOL_EMERGENCY_CAUSE_ADMIN;
	out = capture(print_text, &d);
	CHECK(strstr(out, "  emergency: ON (policy on), entered 0.9 s ago (admin), 1 entry\n"));
	free(out);

	d.policy = SKBPOOL_EMERGENCY_POLICY_AUTO;
	d.emergency = false;
	d.has_changed = false;
	d.has_cause = false;
	d.enter = 0;
	out = capture(print_text, &d);
	CHECK(strstr(out, "  emergency: off (policy auto), never entered, 0 entries\n"));
	free(out);
}

static void print_events(FILE *f, const void *arg)
{
	const struct ext_event *ev = arg;

	ext_print_event(f, &ev[0], false);
	ext_print_event(f, &ev[1], false);
	ext_print_event(f, &ev[2], false);
	ext_print_event(f, &ev[0], true);
	ext_print_event(f, &ev[1], true);
	ext_print_event(f, &ev[2], true);
}

static void test_events(void)
{
	struct ext_event ev[3] = {
		{ .type = SKBPOOL_EVENT_TYPE_DEV_TAGGED, .ifindex = 4, .ifname = "eth0" },
		{ .type = SKBPOOL_EVENT_TYPE_POOL_EXHAUSTED, .ifindex = 4, .ifname = "eth0",
		  .has_queue = true, .queue_id = 1, .has_exhausted = true, .exhausted = 17 },
		{ .type = SKBPOOL_EVENT_TYPE_EMERGENCY_ENTER, .ifindex = 4, .ifname = "eth0",
		  .has_cause = true, .cause = SKBPOOL_EMERGENCY_CAUSE_LOW_MEMORY },
	};
	char *out = capture(print_events, ev);

	CHECK_STR(out,
		  "eth0: tagged\n"
		  "eth0: rx queue 1 pool exhausted (17 refusals so far)\n"
		  "eth0: emergency entered (low-memory)\n"
		  "{\"event\":\"dev-tagged\",\"ifname\":\"eth0\",\"ifindex\":4,\"queue\":null,"
		  "\"exhausted\":null,\"cause\":null}\n"
		  "{\"event\":\"pool-exhausted\",\"ifname\":\"eth0\",\"ifindex\":4,\"queue\":1,"
		  "\"exhausted\":17,\"cause\":null}\n"
		  "{\"event\":\"emergency-enter\",\"ifname\":\"eth0\",\"ifindex\":4,\"queue\":null,"
		  "\"exhausted\":null,\"cause\":\"low-memory\"}\n");
	free(out);
	CHECK_STR(ext_event_name(99), "unknown");
	CHECK_STR(ext_policy_name(SKBPOOL_EMERGENCY_POLICY_OFF), "off");
}

static void print_rules_and_flows(FILE *f, const void *arg)
{
	const struct ext_cmd *c = arg;
	struct ext_flow fl = { .ifname = "eth0", .family = 4, .proto = 6,
			       .local = { 192, 0, 2, 1 }, .remote = { 192, 0, 2, 2 },
			       .lport = 10809, .rport = 40000, .age_ms = 120 };

	struct ext_rule other = c->rule;

	other.proto = 47;
	ext_print_rules(f, &c->rule, 1, false);
	ext_print_rules(f, &other, 1, false);
	ext_print_rules(f, &c->rule, 1, true);
	ext_print_flows(f, &fl, 1, false);
	ext_print_flows(f, &fl, 1, true);
}

static void test_rules_and_flows(void)
{
	struct ext_cmd c;
	char err[256], *out;

	CHECK(parse(&c, err, "rule", "add", "eth0", "critical", "proto", "udp", "dport",
		    "9000-9100", "dscp", "46,32-34", "src", "192.0.2.0/24", NULL) == 0);
	snprintf(c.rule.ifname, sizeof(c.rule.ifname), "eth0");
	c.rule.index = 2;
	out = capture(print_rules_and_flows, &c);
	CHECK_STR(out,
		  "eth0 rule 2: critical proto udp dport 9000-9100 dscp 32-34,46"
		  " src 192.0.2.0/24 dst any\n"
		  "eth0 rule 2: critical proto 47 dport 9000-9100 dscp 32-34,46"
		  " src 192.0.2.0/24 dst any\n"
		  "[{\"ifname\":\"eth0\",\"index\":2,\"action\":\"critical\",\"proto\":17,"
		  "\"sport\":null,\"dport\":[9000,9100],\"dscp\":\"32-34,46\",\"vlan_prio\":\"\","
		  "\"src\":\"192.0.2.0/24\",\"dst\":\"any\"}]\n"
		  "eth0 tcp 192.0.2.1:10809 -> 192.0.2.2:40000, seen 120 ms ago\n"
		  "[{\"ifname\":\"eth0\",\"family\":4,\"proto\":6,\"local\":\"192.0.2.1\","
		  "\"lport\":10809,\"remote\":\"192.0.2.2\",\"rport\":40000,\"age_ms\":120}]\n");
	free(out);
}

/* An NLMSG_ERROR as the kernel sends it with NETLINK_CAP_ACK and EXT_ACK. */
static size_t build_error(char *buf, int error, const char *msg, bool capped)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlmsgerr *me;

	nlh->nlmsg_type = NLMSG_ERROR;
	me = mnl_nlmsg_put_extra_header(nlh, sizeof(*me));
	me->error = error;
	me->msg.nlmsg_len = sizeof(me->msg) + 8;	/* the request had 8 bytes */
	if (!capped)
		mnl_nlmsg_put_extra_header(nlh, 8);
	else
		nlh->nlmsg_flags |= NLM_F_CAPPED;
	if (msg) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, 20);
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
	}
	return nlh->nlmsg_len;
}

static void test_extack(void)
{
	struct ext_err e;
	char buf[512];
	size_t len;

	len = build_error(buf, -ENODEV, "ifname: no such device", true);
	CHECK(ext_parse_extack(buf, len, &e) == ENODEV);
	CHECK(e.err == ENODEV);
	CHECK_STR(e.msg, "ifname: no such device");

	len = build_error(buf, -EOPNOTSUPP, "device does not link skbpool", false);
	CHECK(ext_parse_extack(buf, len, &e) == EOPNOTSUPP);
	CHECK_STR(e.msg, "device does not link skbpool");

	len = build_error(buf, -EPERM, NULL, true);
	CHECK(ext_parse_extack(buf, len, &e) == EPERM);
	CHECK_STR(e.msg, "");

	len = build_error(buf, 0, NULL, true);
	CHECK(ext_parse_extack(buf, len, &e) == 0 && e.err == 0);

	len = build_error(buf, -EINVAL, "x", true);
	CHECK(ext_parse_extack(buf, 10, &e) == EPROTO);
	len = build_error(buf, 5, NULL, true);
	CHECK(ext_parse_extack(buf, len, &e) == EPROTO);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("KTAP version 1\n1..12\n");
	run("args: show, flows, monitor and options", test_args_show);
	run("args: errors name the offending word", test_args_errors_name_the_word);
	run("args: tag, untag, size, emergency", test_args_tag_size_emergency);
	run("args: rule add, del, show", test_args_rules);
	run("args: bitmaps and port ranges", test_bitmap_and_ranges);
	run("output: fill bar", test_fill_bar);
	run("output: device JSON, stable keys", test_json_device);
	run("output: no device is an empty JSON array", test_json_empty);
	run("output: device text table", test_text_device);
	run("output: events, rules, flows", test_events);
	run("output: rules and flows", test_rules_and_flows);
	run("errors: extack decoding", test_extack);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
