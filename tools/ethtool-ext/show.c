// SPDX-License-Identifier: GPL-2.0
/*
 * Output.  Human text reads at a glance: one header line per device, the
 * emergency state, the reserve's inputs, then a table of queues with a fill
 * bar.  JSON has the same facts under stable keys: a key is always there,
 * null when this kernel does not report it, so scripts need no probing.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>

#include <linux/skbpool.h>

#include "ethtool-ext.h"

static const char *const policy_names[] = {
	[SKBPOOL_EMERGENCY_POLICY_AUTO] = "auto",
	[SKBPOOL_EMERGENCY_POLICY_ON] = "on",
	[SKBPOOL_EMERGENCY_POLICY_OFF] = "off",
};

static const char *const event_names[] = {
	[SKBPOOL_EVENT_TYPE_EMERGENCY_ENTER] = "emergency-enter",
	[SKBPOOL_EVENT_TYPE_EMERGENCY_LEAVE] = "emergency-leave",
	[SKBPOOL_EVENT_TYPE_POOL_EXHAUSTED] = "pool-exhausted",
	[SKBPOOL_EVENT_TYPE_DEV_TAGGED] = "dev-tagged",
	[SKBPOOL_EVENT_TYPE_DEV_UNTAGGED] = "dev-untagged",
};

static const char *const cause_names[] = {
	[SKBPOOL_EMERGENCY_CAUSE_ADMIN] = "admin",
	[SKBPOOL_EMERGENCY_CAUSE_LOW_MEMORY] = "low-memory",
	[SKBPOOL_EMERGENCY_CAUSE_ALLOC_FAILURE] = "alloc-failure",
	[SKBPOOL_EMERGENCY_CAUSE_RECOVERED] = "recovered",
};

/* enum skbpool_reason, as the kernel's ethtool -S names end. */
static const char *const reason_names[] = {
	[SKBPOOL_REASON_CRIT_LINK] = "critical_link",
	[SKBPOOL_REASON_CRIT_FLOW] = "critical_flow",
	[SKBPOOL_REASON_CRIT_RULE] = "critical_rule",
	[SKBPOOL_REASON_DROP_NONIP] = "drop_nonip",
	[SKBPOOL_REASON_DROP_MALFORMED] = "drop_malformed",
	[SKBPOOL_REASON_DROP_FRAGMENT] = "drop_fragment",
	[SKBPOOL_REASON_DROP_RULE] = "drop_rule",
	[SKBPOOL_REASON_DROP_NOMATCH] = "drop_nomatch",
};

static const char *name_of(const char *const *tbl, size_t n, uint32_t v)
{
	return v < n && tbl[v] ? tbl[v] : "unknown";
}

const char *ext_policy_name(uint32_t policy)
{
	return name_of(policy_names, ARRAY_SIZE(policy_names), policy);
}

const char *ext_event_name(uint32_t type)
{
	return name_of(event_names, ARRAY_SIZE(event_names), type);
}

const char *ext_cause_name(uint32_t cause)
{
	return name_of(cause_names, ARRAY_SIZE(cause_names), cause);
}

const char *ext_reason_name(uint32_t reason)
{
	return name_of(reason_names, ARRAY_SIZE(reason_names), reason);
}

/* The protocols rules are usually about, by name; NULL for the rest. */
const char *ext_proto_name(uint8_t proto)
{
	switch (proto) {
	case 1:
		return "icmp";
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 58:
		return "icmpv6";
	case 132:
		return "sctp";
	}
	return NULL;
}

/*
 * "[#####.....]": '#' free, '.' in flight.  Free rounds down and in flight
 * up, except that a non-empty side always gets a cell: a pool one frame
 * away from dry must not look full, nor a nearly dry one empty.
 */
void ext_fill_bar(char *buf, unsigned int width, uint32_t free, uint32_t total)
{
	unsigned int full = 0;
	unsigned int i;

	if (total)
		full = (uint64_t)free * width / total;
	if (free && !full)
		full = 1;
	if (full > width)
		full = width;
	buf[0] = '[';
	for (i = 0; i < width; i++)
		buf[1 + i] = i < full ? '#' : '.';
	buf[1 + width] = ']';
	buf[2 + width] = '\0';
}

static void override_text(char *buf, size_t len, uint32_t v)
{
	if (v)
		snprintf(buf, len, "%" PRIu32, v);
	else
		snprintf(buf, len, "auto");
}

/*
 * "emergency: ON (policy auto), entered 3.2 s ago (low-memory), 2 entries":
 * the state, then how long it has held and why it began.
 */
static void print_emergency(FILE *out, const struct ext_dev *d)
{
	if (!d->has_emergency && !d->has_policy) {
		fprintf(out, "  emergency: not reported by this kernel\n");
		return;
	}
	fprintf(out, "  emergency: %s", d->has_emergency ? (d->emergency ? "ON" : "off") : "?");
	if (d->has_policy)
		fprintf(out, " (policy %s)", ext_policy_name(d->policy));
	if (d->has_changed) {
		fprintf(out, ", %s %" PRIu64 ".%" PRIu64 " s ago",
			d->emergency ? "entered" : "left", d->changed_ms / 1000,
			d->changed_ms % 1000 / 100);
		if (d->has_cause)
			fprintf(out, " (%s)", ext_cause_name(d->cause));
	} else if (d->has_emergency) {
		fputs(", never entered", out);
	}
	if (d->has_enter)
		fprintf(out, ", %" PRIu64 " %s", d->enter, d->enter == 1 ? "entry" : "entries");
	fputc('\n', out);
}

/* What emergency mode did with the frames it judged. */
static void print_classified(FILE *out, const struct ext_stats *st)
{
	const uint64_t *r = st->reason;

	if (!st->has_cls)
		return;
	fprintf(out, "  emergency frames: critical %" PRIu64 " (link %" PRIu64 ", flow %" PRIu64
		", rule %" PRIu64 "), dropped %" PRIu64 " (non-IP %" PRIu64 ", malformed %" PRIu64
		", fragment %" PRIu64 ", rule %" PRIu64 ", no match %" PRIu64 ")\n",
		st->rx_critical, r[SKBPOOL_REASON_CRIT_LINK], r[SKBPOOL_REASON_CRIT_FLOW],
		r[SKBPOOL_REASON_CRIT_RULE], st->rx_drop_noncritical,
		r[SKBPOOL_REASON_DROP_NONIP], r[SKBPOOL_REASON_DROP_MALFORMED],
		r[SKBPOOL_REASON_DROP_FRAGMENT], r[SKBPOOL_REASON_DROP_RULE],
		r[SKBPOOL_REASON_DROP_NOMATCH]);
}

static void print_dev_text(FILE *out, const struct ext_dev *d)
{
	char ov[16], bar[40];
	unsigned int i;

	override_text(ov, sizeof(ov), d->override);
	fprintf(out, "%s (ifindex %" PRIu32 "): %s, reserve %s\n", d->ifname, d->ifindex,
		d->tagged ? "tagged" : "untagged", ov);
	print_emergency(out, d);
	if (d->sizing.present)
		fprintf(out, "  sizing: min_free_kbytes %" PRIu64 ", share %" PRIu32
			" %%, %" PRIu32 " tagged RX queues, cap %" PRIu32 "\n",
			d->sizing.min_free_kbytes, d->sizing.share_pct, d->sizing.queues,
			d->sizing.cap);
	if (d->nr_queues)
		fprintf(out, "  queue    total     free in-flight stash  target reserve  %s\n",
			"fill (# free, . in flight)");
	for (i = 0; i < d->nr_queues; i++) {
		const struct ext_queue *q = &d->queues[i];

		if (q->type == SKBPOOL_QUEUE_TYPE_TX) {
			fprintf(out, "  tx %-4" PRIu32 " bounce %" PRIu32 ", in use %" PRIu32
				", bounced %" PRIu64 ", busy %" PRIu64 "\n",
				q->id, q->bounce_total, q->bounce_in_use, q->bounced,
				q->bounce_busy);
			continue;
		}
		override_text(ov, sizeof(ov), q->override);
		if (!q->has_pool) {
			fprintf(out, "  rx %-4" PRIu32 "     -        -         -     -       -"
				" %7s  no pool\n", q->id, ov);
			continue;
		}
		ext_fill_bar(bar, 20, q->free, q->total);
		fprintf(out, "  rx %-4" PRIu32 " %6" PRIu32 " %8" PRIu32 " %9" PRIu32
			" %5" PRIu32 " %7" PRIu32 " %7s  %s %3u%%\n",
			q->id, q->total, q->free, q->in_flight, q->stash, q->sizing.buffers,
			ov, bar,
			q->total ? (unsigned int)((uint64_t)q->free * 100 / q->total) : 0);
	}
	fprintf(out, "  counters: recycled %" PRIu64 ", slow-path allocs %" PRIu64
		", stash used %" PRIu64 ", build failed %" PRIu64 ", exhausted %" PRIu64
		", lent %" PRIu64 ", tx bounced %" PRIu64 ", tx busy %" PRIu64 "\n",
		d->stats.recycled, d->stats.slowpath, d->stats.stash_used,
		d->stats.build_failed, d->stats.exhausted, d->stats.lent,
		d->stats.tx_bounce, d->stats.tx_bounce_busy);
	print_classified(out, &d->stats);
}

static void json_u64_or_null(FILE *out, const char *key, bool has, uint64_t v, bool comma)
{
	fprintf(out, "\"%s\":", key);
	if (has)
		fprintf(out, "%" PRIu64, v);
	else
		fputs("null", out);
	if (comma)
		fputc(',', out);
}

static void print_sizing_json(FILE *out, const struct ext_sizing *s)
{
	fprintf(out, "{\"min_free_kbytes\":%" PRIu64 ",\"share_pct\":%" PRIu32
		",\"queues\":%" PRIu32 ",\"cap\":%" PRIu32,
		s->min_free_kbytes, s->share_pct, s->queues, s->cap);
	if (s->per_queue)
		fprintf(out, ",\"ring_size\":%" PRIu32 ",\"buf_truesize\":%" PRIu32
			",\"override\":%" PRIu32 ",\"share_buffers\":%" PRIu32
			",\"floor\":%" PRIu32 ",\"buffers\":%" PRIu32,
			s->ring_size, s->buf_truesize, s->override, s->share_buffers,
			s->floor, s->buffers);
	fputc('}', out);
}

/* "rx_critical", "rx_drop_noncritical" and "classified" by reason, or nulls. */
static void print_classified_json(FILE *out, const struct ext_stats *st)
{
	unsigned int i;

	json_u64_or_null(out, "rx_critical", st->has_cls, st->rx_critical, true);
	json_u64_or_null(out, "rx_drop_noncritical", st->has_cls, st->rx_drop_noncritical, true);
	fputs("\"classified\":", out);
	if (!st->has_cls) {
		fputs("null", out);
		return;
	}
	for (i = 0; i < EXT_REASONS; i++)
		fprintf(out, "%s\"%s\":%" PRIu64, i ? "," : "{", ext_reason_name(i), st->reason[i]);
	fputc('}', out);
}

static void print_dev_json(FILE *out, const struct ext_dev *d)
{
	bool first = true;
	unsigned int i;

	fputs("{\"ifname\":", out);
	json_str(out, d->ifname);
	fprintf(out, ",\"ifindex\":%" PRIu32 ",\"tagged\":%s,\"override\":%" PRIu32,
		d->ifindex, d->tagged ? "true" : "false", d->override);
	fputs(",\"emergency\":{\"policy\":", out);
	if (d->has_policy)
		json_str(out, ext_policy_name(d->policy));
	else
		fputs("null", out);
	fprintf(out, ",\"active\":%s,",
		d->has_emergency ? (d->emergency ? "true" : "false") : "null");
	json_u64_or_null(out, "since_change_ms", d->has_changed, d->changed_ms, true);
	json_u64_or_null(out, "enter_count", d->has_enter, d->enter, true);
	fputs("\"cause\":", out);
	if (d->has_cause)
		json_str(out, ext_cause_name(d->cause));
	else
		fputs("null", out);
	fputs("},\"sizing\":", out);
	if (d->sizing.present)
		print_sizing_json(out, &d->sizing);
	else
		fputs("null", out);
	fprintf(out, ",\"stats\":{\"recycled\":%" PRIu64 ",\"alloc_slowpath\":%" PRIu64
		",\"stash_used\":%" PRIu64 ",\"build_failed\":%" PRIu64 ",\"exhausted\":%" PRIu64
		",\"lent\":%" PRIu64 ",\"tx_bounce\":%" PRIu64 ",\"tx_bounce_busy\":%" PRIu64 ",",
		d->stats.recycled, d->stats.slowpath, d->stats.stash_used, d->stats.build_failed,
		d->stats.exhausted, d->stats.lent, d->stats.tx_bounce, d->stats.tx_bounce_busy);
	print_classified_json(out, &d->stats);
	fputc('}', out);

	fputs(",\"rx_queues\":[", out);
	for (i = 0; i < d->nr_queues; i++) {
		const struct ext_queue *q = &d->queues[i];

		if (q->type != SKBPOOL_QUEUE_TYPE_RX)
			continue;
		fprintf(out, "%s{\"id\":%" PRIu32 ",\"override\":%" PRIu32 ",\"pool\":",
			first ? "" : ",", q->id, q->override);
		first = false;
		if (!q->has_pool) {
			fputs("null}", out);
			continue;
		}
		fprintf(out, "{\"total\":%" PRIu32 ",\"free\":%" PRIu32
			",\"in_flight\":%" PRIu32 ",\"stash\":%" PRIu32
			",\"recycled\":%" PRIu64 ",\"alloc_slowpath\":%" PRIu64
			",\"stash_used\":%" PRIu64 ",\"build_failed\":%" PRIu64
			",\"exhausted\":%" PRIu64 ",\"lent\":%" PRIu64 ",\"sizing\":",
			q->total, q->free, q->in_flight, q->stash, q->recycled, q->slowpath,
			q->stash_used, q->build_failed, q->exhausted, q->lent);
		print_sizing_json(out, &q->sizing);
		fputs("}}", out);
	}
	fputs("],\"tx_queues\":[", out);
	first = true;
	for (i = 0; i < d->nr_queues; i++) {
		const struct ext_queue *q = &d->queues[i];

		if (q->type != SKBPOOL_QUEUE_TYPE_TX)
			continue;
		fprintf(out, "%s{\"id\":%" PRIu32 ",\"bounce_total\":%" PRIu32
			",\"bounce_in_use\":%" PRIu32 ",\"bounced\":%" PRIu64
			",\"bounce_busy\":%" PRIu64 "}",
			first ? "" : ",", q->id, q->bounce_total, q->bounce_in_use,
			q->bounced, q->bounce_busy);
		first = false;
	}
	fputs("]}", out);
}

void ext_print_devs(FILE *out, const struct ext_dev *devs, unsigned int n, bool json)
{
	unsigned int i;

	if (json) {
		fputc('[', out);
		for (i = 0; i < n; i++) {
			if (i)
				fputc(',', out);
			print_dev_json(out, &devs[i]);
		}
		fputs("]\n", out);
		return;
	}
	for (i = 0; i < n; i++) {
		if (i)
			fputc('\n', out);
		print_dev_text(out, &devs[i]);
	}
}

static void prefix_text(char *buf, size_t len, const struct ext_prefix *p)
{
	char a[INET6_ADDRSTRLEN];

	if (!p->family) {
		snprintf(buf, len, "any");
		return;
	}
	inet_ntop(p->family == 4 ? AF_INET : AF_INET6, p->addr, a, sizeof(a));
	snprintf(buf, len, "%s/%u", a, p->len);
}

/* "46,32-39" back from a bitmap. */
static void bitmap_text(char *buf, size_t len, uint64_t m)
{
	size_t used = 0;
	int i = 0;

	buf[0] = '\0';
	while (i < 64 && used < len) {
		int j;

		if (!(m >> i & 1)) {
			i++;
			continue;
		}
		for (j = i; j + 1 < 64 && (m >> (j + 1) & 1); j++)
			;
		if (j > i)
			used += snprintf(buf + used, len - used, "%s%d-%d", used ? "," : "", i, j);
		else
			used += snprintf(buf + used, len - used, "%s%d", used ? "," : "", i);
		i = j + 1;
	}
}

void ext_print_rules(FILE *out, const struct ext_rule *r, unsigned int n, bool json)
{
	char src[64], dst[64], dscp[200], prio[32];
	unsigned int i;

	if (json)
		fputc('[', out);
	for (i = 0; i < n; i++, r++) {
		prefix_text(src, sizeof(src), &r->src);
		prefix_text(dst, sizeof(dst), &r->dst);
		bitmap_text(dscp, sizeof(dscp), r->dscp);
		bitmap_text(prio, sizeof(prio), r->vlan_prio);
		if (!json) {
			const char *proto = ext_proto_name(r->proto);

			fprintf(out, "%s rule %" PRIu32 ": %s proto ", r->ifname, r->index,
				r->action == SKBPOOL_RULE_ACTION_CRITICAL ? "critical" : "bulk");
			if (!r->has_proto)
				fputs("any", out);
			else if (proto)
				fputs(proto, out);
			else
				fprintf(out, "%u", r->proto);
			if (r->has_sport)
				fprintf(out, " sport %u-%u", r->sport_lo, r->sport_hi);
			if (r->has_dport)
				fprintf(out, " dport %u-%u", r->dport_lo, r->dport_hi);
			if (r->dscp)
				fprintf(out, " dscp %s", dscp);
			if (r->vlan_prio)
				fprintf(out, " vlan-prio %s", prio);
			fprintf(out, " src %s dst %s\n", src, dst);
			continue;
		}
		fprintf(out, "%s{\"ifname\":", i ? "," : "");
		json_str(out, r->ifname);
		fprintf(out, ",\"index\":%" PRIu32 ",\"action\":\"%s\",", r->index,
			r->action == SKBPOOL_RULE_ACTION_CRITICAL ? "critical" : "bulk");
		json_u64_or_null(out, "proto", r->has_proto, r->proto, true);
		if (r->has_sport)
			fprintf(out, "\"sport\":[%u,%u],", r->sport_lo, r->sport_hi);
		else
			fputs("\"sport\":null,", out);
		if (r->has_dport)
			fprintf(out, "\"dport\":[%u,%u],", r->dport_lo, r->dport_hi);
		else
			fputs("\"dport\":null,", out);
		fputs("\"dscp\":", out);
		json_str(out, dscp);
		fputs(",\"vlan_prio\":", out);
		json_str(out, prio);
		fputs(",\"src\":", out);
		json_str(out, src);
		fputs(",\"dst\":", out);
		json_str(out, dst);
		fputc('}', out);
	}
	if (json)
		fputs("]\n", out);
}

void ext_print_flows(FILE *out, const struct ext_flow *f, unsigned int n, bool json)
{
	char l[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN];
	unsigned int i;

	if (json)
		fputc('[', out);
	for (i = 0; i < n; i++, f++) {
		int af = f->family == 6 ? AF_INET6 : AF_INET;

		inet_ntop(af, f->local, l, sizeof(l));
		inet_ntop(af, f->remote, r, sizeof(r));
		if (!json) {
			fprintf(out, "%s %s %s%s%s:%u -> %s%s%s:%u, seen %" PRIu32 " ms ago\n",
				f->ifname, f->proto == 6 ? "tcp" : f->proto == 17 ? "udp" : "proto",
				af == AF_INET6 ? "[" : "", l, af == AF_INET6 ? "]" : "", f->lport,
				af == AF_INET6 ? "[" : "", r, af == AF_INET6 ? "]" : "", f->rport,
				f->age_ms);
			continue;
		}
		fprintf(out, "%s{\"ifname\":", i ? "," : "");
		json_str(out, f->ifname);
		fprintf(out, ",\"family\":%u,\"proto\":%u,\"local\":\"%s\",\"lport\":%u"
			",\"remote\":\"%s\",\"rport\":%u,\"age_ms\":%" PRIu32 "}",
			f->family, f->proto, l, f->lport, r, f->rport, f->age_ms);
	}
	if (json)
		fputs("]\n", out);
}

/* One line per event, so monitor output can be read line by line. */
void ext_print_event(FILE *out, const struct ext_event *ev, bool json)
{
	if (json) {
		fputs("{\"event\":", out);
		json_str(out, ext_event_name(ev->type));
		fputs(",\"ifname\":", out);
		json_str(out, ev->ifname);
		fprintf(out, ",\"ifindex\":%" PRIu32 ",", ev->ifindex);
		json_u64_or_null(out, "queue", ev->has_queue, ev->queue_id, true);
		json_u64_or_null(out, "exhausted", ev->has_exhausted, ev->exhausted, true);
		fputs("\"cause\":", out);
		if (ev->has_cause)
			json_str(out, ext_cause_name(ev->cause));
		else
			fputs("null", out);
		fputs("}\n", out);
		return;
	}
	fprintf(out, "%s: ", ev->ifname);
	switch (ev->type) {
	case SKBPOOL_EVENT_TYPE_DEV_TAGGED:
		fputs("tagged", out);
		break;
	case SKBPOOL_EVENT_TYPE_DEV_UNTAGGED:
		fputs("untagged", out);
		break;
	case SKBPOOL_EVENT_TYPE_POOL_EXHAUSTED:
		fprintf(out, "rx queue %" PRIu32 " pool exhausted (%" PRIu64 " refusals so far)",
			ev->queue_id, ev->exhausted);
		break;
	case SKBPOOL_EVENT_TYPE_EMERGENCY_ENTER:
	case SKBPOOL_EVENT_TYPE_EMERGENCY_LEAVE:
		fprintf(out, "emergency %s",
			ev->type == SKBPOOL_EVENT_TYPE_EMERGENCY_ENTER ? "entered" : "left");
		if (ev->has_cause)
			fprintf(out, " (%s)", ext_cause_name(ev->cause));
		break;
	default:
		fprintf(out, "event %" PRIu32, ev->type);
	}
	fputc('\n', out);
}
