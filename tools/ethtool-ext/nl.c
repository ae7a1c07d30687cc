// SPDX-License-Identifier: GPL-2.0
/*
 * The skbpool family over libmnl: resolve it, send one request, read its
 * replies into the structures show.c prints, and bring back the kernel's
 * error with its extack message.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/skbpool.h>

#include "ethtool-ext.h"

/* Replies of a device with many queues are large: room for a few. */
#define EXT_BUF_SIZE	(256 * 1024)

struct ext_nl {
	struct mnl_socket *sk;
	uint16_t family;
	uint32_t events_group;
	uint32_t portid;
	unsigned int seq;
	char *buf;
};

/* A callback's state: where its results go and where errors go. */
struct run_ctx {
	mnl_cb_t cb;
	void *data;
	struct ext_err *e;
	int parse_err;
};

static void set_err(struct ext_err *e, int err, const char *msg)
{
	e->err = err;
	snprintf(e->msg, sizeof(e->msg), "%s", msg ? msg : "");
}

/*
 * The extack of an NLMSG_ERROR (or of an NLMSG_DONE carrying an error):
 * the TLVs follow the error and the request, capped here by
 * NETLINK_CAP_ACK, so only the header of the request is there.
 */
int ext_parse_extack(const void *buf, size_t len, struct ext_err *e)
{
	const struct nlmsghdr *nlh = buf;
	const struct nlattr *attr;
	size_t off;
	int error;

	set_err(e, 0, NULL);
	if (len < sizeof(*nlh) || nlh->nlmsg_len > len ||
	    nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(int)) {
		set_err(e, EPROTO, "truncated netlink error message");
		return EPROTO;
	}
	error = *(const int *)NLMSG_DATA(nlh);
	if (error > 0 || error < -4095) {
		set_err(e, EPROTO, "malformed netlink error message");
		return EPROTO;
	}
	e->err = -error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return e->err;
	off = NLMSG_HDRLEN + sizeof(int);
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *me = NLMSG_DATA(nlh);

		if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*me))
			return e->err;
		off = NLMSG_HDRLEN + sizeof(*me);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += me->msg.nlmsg_len - sizeof(me->msg);
	}
	for (attr = (const void *)((const char *)nlh + off);
	     mnl_attr_ok(attr, (const char *)nlh + nlh->nlmsg_len - (const char *)attr);
	     attr = mnl_attr_next(attr)) {
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			snprintf(e->msg, sizeof(e->msg), "%s", mnl_attr_get_str(attr));
	}
	return e->err;
}

static int cb_error(const struct nlmsghdr *nlh, void *data)
{
	struct run_ctx *ctx = data;

	if (ext_parse_extack(nlh, nlh->nlmsg_len, ctx->e))
		return MNL_CB_ERROR;
	return MNL_CB_STOP;	/* the ACK of a request that succeeded */
}

static int cb_done(const struct nlmsghdr *nlh, void *data)
{
	struct run_ctx *ctx = data;

	/* A dump that failed after it started ends with its error here. */
	if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(int) &&
	    ext_parse_extack(nlh, nlh->nlmsg_len, ctx->e))
		return MNL_CB_ERROR;
	return MNL_CB_STOP;
}

static int cb_data(const struct nlmsghdr *nlh, void *data)
{
	struct run_ctx *ctx = data;

	return ctx->cb ? ctx->cb(nlh, ctx->data) : MNL_CB_OK;
}

static mnl_cb_t ctl_cbs[NLMSG_MIN_TYPE] = {
	[NLMSG_ERROR] = cb_error,
	[NLMSG_DONE] = cb_done,
};

/* Send @nlh and run @cb over every reply until the ACK, DONE or an error. */
static int nl_run(struct ext_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data,
		  struct ext_err *e)
{
	struct run_ctx ctx = { cb, data, e, 0 };
	ssize_t n;
	int ret;

	set_err(e, 0, NULL);
	nlh->nlmsg_seq = ++nl->seq;
	nlh->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(nl->sk, nlh, nlh->nlmsg_len) < 0) {
		set_err(e, errno, NULL);
		return -1;
	}
	do {
		n = mnl_socket_recvfrom(nl->sk, nl->buf, EXT_BUF_SIZE);
		if (n < 0) {
			set_err(e, errno, NULL);
			return -1;
		}
		ret = mnl_cb_run2(nl->buf, n, nlh->nlmsg_seq, nl->portid, cb_data, &ctx,
				  ctl_cbs, NLMSG_MIN_TYPE);
	} while (ret > MNL_CB_STOP);
	if (ret < 0) {
		if (!e->err)
			set_err(e, errno ? errno : EPROTO, NULL);
		return -1;
	}
	if (ctx.parse_err) {
		set_err(e, ctx.parse_err, "unexpected reply from the kernel");
		return -1;
	}
	return 0;
}

static struct nlmsghdr *put_header(struct ext_nl *nl, uint16_t type, uint16_t flags,
				   uint8_t cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = SKBPOOL_FAMILY_VERSION;
	return nlh;
}

/* Up to 64 attribute ids per set: every set of the family fits. */
#define EXT_TB	64

static int cb_table(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type < EXT_TB)
		tb[type] = attr;
	return MNL_CB_OK;
}

static void parse_nested(const struct nlattr *nest, const struct nlattr **tb)
{
	memset(tb, 0, EXT_TB * sizeof(*tb));
	mnl_attr_parse_nested(nest, cb_table, tb);
}

/* Readers that tolerate a wrong length by reading 0: the kernel is ours. */
static uint32_t get_u32(const struct nlattr *a)
{
	return a && mnl_attr_get_payload_len(a) == 4 ? mnl_attr_get_u32(a) : 0;
}

static uint8_t get_u8(const struct nlattr *a)
{
	return a && mnl_attr_get_payload_len(a) == 1 ? mnl_attr_get_u8(a) : 0;
}

static uint16_t get_u16(const struct nlattr *a)
{
	return a && mnl_attr_get_payload_len(a) == 2 ? mnl_attr_get_u16(a) : 0;
}

/* NLA_UINT: 4 or 8 bytes, whichever the value needs. */
static uint64_t get_uint(const struct nlattr *a)
{
	if (!a)
		return 0;
	if (mnl_attr_get_payload_len(a) == 8)
		return mnl_attr_get_u64(a);
	return get_u32(a);
}

static void get_str(const struct nlattr *a, char *buf, size_t len)
{
	buf[0] = '\0';
	if (a && mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
		snprintf(buf, len, "%s", mnl_attr_get_str(a));
}

/* Family id and the events group, from the generic netlink controller. */
static int cb_family(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[EXT_TB] = {}, *grp;
	struct ext_nl *nl = data;

	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), cb_table, tb);
	if (tb[CTRL_ATTR_FAMILY_ID])
		nl->family = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	if (!tb[CTRL_ATTR_MCAST_GROUPS])
		return MNL_CB_OK;
	mnl_attr_for_each_nested(grp, tb[CTRL_ATTR_MCAST_GROUPS]) {
		const struct nlattr *g[EXT_TB];
		char name[32];

		parse_nested(grp, g);
		get_str(g[CTRL_ATTR_MCAST_GRP_NAME], name, sizeof(name));
		if (!strcmp(name, SKBPOOL_MCGRP_EVENTS))
			nl->events_group = get_u32(g[CTRL_ATTR_MCAST_GRP_ID]);
	}
	return MNL_CB_OK;
}

struct ext_nl *ext_nl_open(struct ext_err *e)
{
	struct ext_nl *nl = calloc(1, sizeof(*nl));
	struct nlmsghdr *nlh;
	int one = 1;

	if (nl)
		nl->buf = malloc(EXT_BUF_SIZE);
	if (!nl || !nl->buf) {
		set_err(e, ENOMEM, NULL);
		goto fail;
	}
	nl->sk = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sk || mnl_socket_bind(nl->sk, 0, MNL_SOCKET_AUTOPID) < 0) {
		set_err(e, errno, NULL);
		goto fail;
	}
	/* Extack messages, and acks that do not echo our request. */
	mnl_socket_setsockopt(nl->sk, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sk, NETLINK_CAP_ACK, &one, sizeof(one));
	nl->portid = mnl_socket_get_portid(nl->sk);

	nlh = mnl_nlmsg_put_header(nl->buf);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	((struct genlmsghdr *)mnl_nlmsg_put_extra_header(nlh, sizeof(struct genlmsghdr)))->cmd =
		CTRL_CMD_GETFAMILY;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, SKBPOOL_FAMILY_NAME);
	/* ENOENT: no such family.  Said here, where it cannot mean anything
	 * else (a request's ENOENT is the kernel's own, such as no rule).
	 */
	if (nl_run(nl, nlh, cb_family, nl, e) || !nl->family) {
		if (e->err == ENOENT || !nl->family)
			set_err(e, ENOENT,
				"netlink family skbpool not found (is the skbpool module loaded?)");
		goto fail;
	}
	return nl;
fail:
	ext_nl_close(nl);
	return NULL;
}

void ext_nl_close(struct ext_nl *nl)
{
	if (!nl)
		return;
	if (nl->sk)
		mnl_socket_close(nl->sk);
	free(nl->buf);
	free(nl);
}

static void parse_sizing(const struct nlattr *nest, struct ext_sizing *s)
{
	const struct nlattr *tb[EXT_TB];

	parse_nested(nest, tb);
	s->present = true;
	s->min_free_kbytes = get_uint(tb[SKBPOOL_A_SIZING_MIN_FREE_KBYTES]);
	s->share_pct = get_u32(tb[SKBPOOL_A_SIZING_SHARE_PCT]);
	s->queues = get_u32(tb[SKBPOOL_A_SIZING_QUEUES]);
	s->cap = get_u32(tb[SKBPOOL_A_SIZING_CAP]);
	s->per_queue = tb[SKBPOOL_A_SIZING_BUFFERS];
	s->ring_size = get_u32(tb[SKBPOOL_A_SIZING_RING_SIZE]);
	s->buf_truesize = get_u32(tb[SKBPOOL_A_SIZING_BUF_TRUESIZE]);
	s->override = get_u32(tb[SKBPOOL_A_SIZING_OVERRIDE]);
	s->share_buffers = get_u32(tb[SKBPOOL_A_SIZING_SHARE_BUFFERS]);
	s->floor = get_u32(tb[SKBPOOL_A_SIZING_FLOOR]);
	s->buffers = get_u32(tb[SKBPOOL_A_SIZING_BUFFERS]);
}

static void parse_queue(const struct nlattr *nest, struct ext_queue *q)
{
	const struct nlattr *tb[EXT_TB];

	parse_nested(nest, tb);
	memset(q, 0, sizeof(*q));
	q->id = get_u32(tb[SKBPOOL_A_QUEUE_ID]);
	q->type = get_u32(tb[SKBPOOL_A_QUEUE_TYPE]);
	q->override = get_u32(tb[SKBPOOL_A_QUEUE_OVERRIDE]);
	q->has_pool = tb[SKBPOOL_A_QUEUE_TOTAL];
	q->total = get_u32(tb[SKBPOOL_A_QUEUE_TOTAL]);
	q->free = get_u32(tb[SKBPOOL_A_QUEUE_FREE]);
	q->in_flight = get_u32(tb[SKBPOOL_A_QUEUE_IN_FLIGHT]);
	q->stash = get_u32(tb[SKBPOOL_A_QUEUE_STASH]);
	if (tb[SKBPOOL_A_QUEUE_SIZING])
		parse_sizing(tb[SKBPOOL_A_QUEUE_SIZING], &q->sizing);
	q->recycled = get_uint(tb[SKBPOOL_A_QUEUE_RECYCLED]);
	q->slowpath = get_uint(tb[SKBPOOL_A_QUEUE_ALLOC_SLOWPATH]);
	q->stash_used = get_uint(tb[SKBPOOL_A_QUEUE_STASH_USED]);
	q->build_failed = get_uint(tb[SKBPOOL_A_QUEUE_BUILD_FAILED]);
	q->exhausted = get_uint(tb[SKBPOOL_A_QUEUE_EXHAUSTED]);
	q->lent = get_uint(tb[SKBPOOL_A_QUEUE_LENT]);
	q->bounce_total = get_u32(tb[SKBPOOL_A_QUEUE_BOUNCE_TOTAL]);
	q->bounce_in_use = get_u32(tb[SKBPOOL_A_QUEUE_BOUNCE_IN_USE]);
	q->bounced = get_uint(tb[SKBPOOL_A_QUEUE_BOUNCED]);
	q->bounce_busy = get_uint(tb[SKBPOOL_A_QUEUE_BOUNCE_BUSY]);
}

/* The per-reason counts: repeated nests inside the stats nest. */
static void parse_reasons(const struct nlattr *stats, struct ext_stats *st)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, stats) {
		const struct nlattr *tb[EXT_TB];
		uint32_t reason;

		if (mnl_attr_get_type(a) != SKBPOOL_A_STATS_REASON)
			continue;
		parse_nested(a, tb);
		reason = get_u32(tb[SKBPOOL_A_REASON_COUNT_REASON]);
		if (reason < EXT_REASONS)
			st->reason[reason] = get_uint(tb[SKBPOOL_A_REASON_COUNT_FRAMES]);
	}
}

struct dev_list {
	struct ext_dev *devs;
	unsigned int n;
	int err;
};

static int cb_dev(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[EXT_TB] = {}, *a;
	struct dev_list *l = data;
	struct ext_dev *d, *grown;
	struct ext_queue *q;

	grown = realloc(l->devs, (l->n + 1) * sizeof(*l->devs));
	if (!grown) {
		l->err = ENOMEM;
		return MNL_CB_ERROR;
	}
	l->devs = grown;
	d = &l->devs[l->n++];
	memset(d, 0, sizeof(*d));
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), cb_table, tb);
	d->ifindex = get_u32(tb[SKBPOOL_A_DEV_IFINDEX]);
	get_str(tb[SKBPOOL_A_DEV_IFNAME], d->ifname, sizeof(d->ifname));
	d->tagged = get_u8(tb[SKBPOOL_A_DEV_TAGGED]);
	d->override = get_u32(tb[SKBPOOL_A_DEV_OVERRIDE]);
	d->has_policy = tb[SKBPOOL_A_DEV_EMERGENCY_POLICY];
	d->policy = get_u32(tb[SKBPOOL_A_DEV_EMERGENCY_POLICY]);
	d->has_emergency = tb[SKBPOOL_A_DEV_EMERGENCY];
	d->emergency = get_u8(tb[SKBPOOL_A_DEV_EMERGENCY]);
	d->has_changed = tb[SKBPOOL_A_DEV_EMERGENCY_CHANGED_MS];
	d->changed_ms = get_uint(tb[SKBPOOL_A_DEV_EMERGENCY_CHANGED_MS]);
	d->has_enter = tb[SKBPOOL_A_DEV_EMERGENCY_ENTER];
	d->enter = get_uint(tb[SKBPOOL_A_DEV_EMERGENCY_ENTER]);
	d->has_cause = tb[SKBPOOL_A_DEV_EMERGENCY_CAUSE];
	d->cause = get_u32(tb[SKBPOOL_A_DEV_EMERGENCY_CAUSE]);
	if (tb[SKBPOOL_A_DEV_SIZING])
		parse_sizing(tb[SKBPOOL_A_DEV_SIZING], &d->sizing);
	if (tb[SKBPOOL_A_DEV_STATS]) {
		const struct nlattr *st[EXT_TB];

		parse_nested(tb[SKBPOOL_A_DEV_STATS], st);
		parse_reasons(tb[SKBPOOL_A_DEV_STATS], &d->stats);
		d->stats.has_cls = st[SKBPOOL_A_STATS_RX_CRITICAL];
		d->stats.rx_critical = get_uint(st[SKBPOOL_A_STATS_RX_CRITICAL]);
		d->stats.rx_drop_noncritical = get_uint(st[SKBPOOL_A_STATS_RX_DROP_NONCRITICAL]);
		d->stats.recycled = get_uint(st[SKBPOOL_A_STATS_RECYCLED]);
		d->stats.slowpath = get_uint(st[SKBPOOL_A_STATS_ALLOC_SLOWPATH]);
		d->stats.stash_used = get_uint(st[SKBPOOL_A_STATS_STASH_USED]);
		d->stats.build_failed = get_uint(st[SKBPOOL_A_STATS_BUILD_FAILED]);
		d->stats.exhausted = get_uint(st[SKBPOOL_A_STATS_EXHAUSTED]);
		d->stats.lent = get_uint(st[SKBPOOL_A_STATS_LENT]);
		d->stats.tx_bounce = get_uint(st[SKBPOOL_A_STATS_TX_BOUNCE]);
		d->stats.tx_bounce_busy = get_uint(st[SKBPOOL_A_STATS_TX_BOUNCE_BUSY]);
	}
	/* Queues are repeated attributes: count, then fill. */
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == SKBPOOL_A_DEV_QUEUE)
			d->nr_queues++;
	if (!d->nr_queues)
		return MNL_CB_OK;
	d->queues = calloc(d->nr_queues, sizeof(*d->queues));
	if (!d->queues) {
		l->err = ENOMEM;
		return MNL_CB_ERROR;
	}
	q = d->queues;
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == SKBPOOL_A_DEV_QUEUE)
			parse_queue(a, q++);
	return MNL_CB_OK;
}

void ext_devs_free(struct ext_dev *devs, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		free(devs[i].queues);
	free(devs);
}

int ext_nl_dev_get(struct ext_nl *nl, const char *dev, struct ext_dev **devs,
		   unsigned int *n, struct ext_err *e)
{
	struct nlmsghdr *nlh;
	struct dev_list l = {};
	int ret;

	nlh = put_header(nl, nl->family, dev ? 0 : NLM_F_DUMP, SKBPOOL_CMD_DEV_GET);
	if (dev)
		mnl_attr_put_strz(nlh, SKBPOOL_A_DEV_IFNAME, dev);
	ret = nl_run(nl, nlh, cb_dev, &l, e);
	if (!ret && l.err) {
		set_err(e, l.err, NULL);
		ret = -1;
	}
	if (ret) {
		ext_devs_free(l.devs, l.n);
		return -1;
	}
	*devs = l.devs;
	*n = l.n;
	return 0;
}

int ext_nl_dev_set(struct ext_nl *nl, const struct ext_cmd *cmd, struct ext_err *e)
{
	struct nlmsghdr *nlh = put_header(nl, nl->family, 0, SKBPOOL_CMD_DEV_SET);
	struct nlattr *nest;

	mnl_attr_put_strz(nlh, SKBPOOL_A_DEV_IFNAME, cmd->dev);
	switch (cmd->op) {
	case EXT_TAG:
	case EXT_UNTAG:
		mnl_attr_put_u8(nlh, SKBPOOL_A_DEV_TAGGED, cmd->op == EXT_TAG);
		break;
	case EXT_SIZE:
		if (cmd->queue == EXT_ALL_QUEUES) {
			mnl_attr_put_u32(nlh, SKBPOOL_A_DEV_OVERRIDE, cmd->buffers);
			break;
		}
		nest = mnl_attr_nest_start(nlh, SKBPOOL_A_DEV_QUEUE);
		mnl_attr_put_u32(nlh, SKBPOOL_A_QUEUE_ID, cmd->queue);
		mnl_attr_put_u32(nlh, SKBPOOL_A_QUEUE_OVERRIDE, cmd->buffers);
		mnl_attr_nest_end(nlh, nest);
		break;
	case EXT_EMERGENCY:
		mnl_attr_put_u32(nlh, SKBPOOL_A_DEV_EMERGENCY_POLICY, cmd->policy);
		break;
	default:
		set_err(e, EINVAL, "not a dev-set command");
		return -1;
	}
	return nl_run(nl, nlh, NULL, NULL, e);
}

static void put_prefix(struct nlmsghdr *nlh, uint16_t type, const struct ext_prefix *p)
{
	struct nlattr *nest;

	if (!p->family)
		return;
	nest = mnl_attr_nest_start(nlh, type);
	mnl_attr_put_u8(nlh, SKBPOOL_A_PREFIX_FAMILY, p->family);
	mnl_attr_put_u8(nlh, SKBPOOL_A_PREFIX_LEN, p->len);
	mnl_attr_put(nlh, SKBPOOL_A_PREFIX_ADDR, p->family == 4 ? 4 : 16, p->addr);
	mnl_attr_nest_end(nlh, nest);
}

int ext_nl_rule_add(struct ext_nl *nl, const struct ext_cmd *cmd, struct ext_err *e)
{
	struct nlmsghdr *nlh = put_header(nl, nl->family, 0, SKBPOOL_CMD_RULE_ADD);
	const struct ext_rule *r = &cmd->rule;

	mnl_attr_put_strz(nlh, SKBPOOL_A_RULE_IFNAME, cmd->dev);
	if (r->has_index)
		mnl_attr_put_u32(nlh, SKBPOOL_A_RULE_INDEX, r->index);
	mnl_attr_put_u32(nlh, SKBPOOL_A_RULE_ACTION, r->action);
	if (r->has_proto)
		mnl_attr_put_u8(nlh, SKBPOOL_A_RULE_PROTO, r->proto);
	if (r->has_sport) {
		mnl_attr_put_u16(nlh, SKBPOOL_A_RULE_SPORT_LO, r->sport_lo);
		mnl_attr_put_u16(nlh, SKBPOOL_A_RULE_SPORT_HI, r->sport_hi);
	}
	if (r->has_dport) {
		mnl_attr_put_u16(nlh, SKBPOOL_A_RULE_DPORT_LO, r->dport_lo);
		mnl_attr_put_u16(nlh, SKBPOOL_A_RULE_DPORT_HI, r->dport_hi);
	}
	if (r->dscp)
		mnl_attr_put_u64(nlh, SKBPOOL_A_RULE_DSCP, r->dscp);
	if (r->vlan_prio)
		mnl_attr_put_u8(nlh, SKBPOOL_A_RULE_VLAN_PRIO, r->vlan_prio);
	put_prefix(nlh, SKBPOOL_A_RULE_SRC, &r->src);
	put_prefix(nlh, SKBPOOL_A_RULE_DST, &r->dst);
	return nl_run(nl, nlh, NULL, NULL, e);
}

int ext_nl_rule_del(struct ext_nl *nl, const struct ext_cmd *cmd, struct ext_err *e)
{
	struct nlmsghdr *nlh = put_header(nl, nl->family, 0, SKBPOOL_CMD_RULE_DEL);

	mnl_attr_put_strz(nlh, SKBPOOL_A_RULE_IFNAME, cmd->dev);
	mnl_attr_put_u32(nlh, SKBPOOL_A_RULE_INDEX, cmd->rule.index);
	return nl_run(nl, nlh, NULL, NULL, e);
}

/* Growing arrays of fixed-size records, for the two dumps below. */
struct rec_list {
	void *items;
	unsigned int n;
	size_t size;
	int err;
};

static void *rec_add(struct rec_list *l)
{
	void *grown = realloc(l->items, (l->n + 1) * l->size);

	if (!grown) {
		l->err = ENOMEM;
		return NULL;
	}
	l->items = grown;
	memset((char *)grown + l->n * l->size, 0, l->size);
	return (char *)grown + l->n++ * l->size;
}

static void parse_prefix(const struct nlattr *nest, struct ext_prefix *p)
{
	const struct nlattr *tb[EXT_TB];
	uint16_t len;

	parse_nested(nest, tb);
	p->family = get_u8(tb[SKBPOOL_A_PREFIX_FAMILY]);
	p->len = get_u8(tb[SKBPOOL_A_PREFIX_LEN]);
	if (tb[SKBPOOL_A_PREFIX_ADDR]) {
		len = mnl_attr_get_payload_len(tb[SKBPOOL_A_PREFIX_ADDR]);
		memcpy(p->addr, mnl_attr_get_payload(tb[SKBPOOL_A_PREFIX_ADDR]),
		       len < sizeof(p->addr) ? len : sizeof(p->addr));
	}
}

static int cb_rule(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[EXT_TB] = {};
	struct ext_rule *r = rec_add(data);

	if (!r)
		return MNL_CB_ERROR;
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), cb_table, tb);
	if (!if_indextoname(get_u32(tb[SKBPOOL_A_RULE_IFINDEX]), r->ifname))
		snprintf(r->ifname, sizeof(r->ifname), "?");
	r->has_index = true;
	r->index = get_u32(tb[SKBPOOL_A_RULE_INDEX]);
	r->action = get_u32(tb[SKBPOOL_A_RULE_ACTION]);
	r->has_proto = tb[SKBPOOL_A_RULE_PROTO];
	r->proto = get_u8(tb[SKBPOOL_A_RULE_PROTO]);
	r->has_sport = tb[SKBPOOL_A_RULE_SPORT_LO] || tb[SKBPOOL_A_RULE_SPORT_HI];
	r->sport_lo = get_u16(tb[SKBPOOL_A_RULE_SPORT_LO]);
	r->sport_hi = get_u16(tb[SKBPOOL_A_RULE_SPORT_HI]);
	r->has_dport = tb[SKBPOOL_A_RULE_DPORT_LO] || tb[SKBPOOL_A_RULE_DPORT_HI];
	r->dport_lo = get_u16(tb[SKBPOOL_A_RULE_DPORT_LO]);
	r->dport_hi = get_u16(tb[SKBPOOL_A_RULE_DPORT_HI]);
	r->dscp = get_uint(tb[SKBPOOL_A_RULE_DSCP]);
	r->vlan_prio = get_u8(tb[SKBPOOL_A_RULE_VLAN_PRIO]);
	if (tb[SKBPOOL_A_RULE_SRC])
		parse_prefix(tb[SKBPOOL_A_RULE_SRC], &r->src);
	if (tb[SKBPOOL_A_RULE_DST])
		parse_prefix(tb[SKBPOOL_A_RULE_DST], &r->dst);
	return MNL_CB_OK;
}

static int cb_flow(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[EXT_TB] = {};
	struct ext_flow *f = rec_add(data);
	unsigned int i;

	if (!f)
		return MNL_CB_ERROR;
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), cb_table, tb);
	if (!if_indextoname(get_u32(tb[SKBPOOL_A_FLOW_IFINDEX]), f->ifname))
		snprintf(f->ifname, sizeof(f->ifname), "?");
	f->family = get_u8(tb[SKBPOOL_A_FLOW_FAMILY]);
	f->proto = get_u8(tb[SKBPOOL_A_FLOW_PROTO]);
	for (i = 0; i < 2; i++) {
		const struct nlattr *a = tb[i ? SKBPOOL_A_FLOW_REMOTE : SKBPOOL_A_FLOW_LOCAL];
		uint8_t *addr = i ? f->remote : f->local;

		if (a && mnl_attr_get_payload_len(a) <= 16)
			memcpy(addr, mnl_attr_get_payload(a), mnl_attr_get_payload_len(a));
	}
	f->lport = ntohs(get_u16(tb[SKBPOOL_A_FLOW_LPORT]));
	f->rport = ntohs(get_u16(tb[SKBPOOL_A_FLOW_RPORT]));
	f->age_ms = get_u32(tb[SKBPOOL_A_FLOW_AGE_MS]);
	return MNL_CB_OK;
}

static int dump_records(struct ext_nl *nl, uint8_t cmd, uint16_t a_ifname, const char *dev,
			mnl_cb_t cb, struct rec_list *l, struct ext_err *e)
{
	struct nlmsghdr *nlh = put_header(nl, nl->family, NLM_F_DUMP, cmd);

	if (dev)
		mnl_attr_put_strz(nlh, a_ifname, dev);
	if (nl_run(nl, nlh, cb, l, e) || l->err) {
		if (!e->err)
			set_err(e, l->err, NULL);
		free(l->items);
		return -1;
	}
	return 0;
}

int ext_nl_rule_get(struct ext_nl *nl, const char *dev, struct ext_rule **rules,
		    unsigned int *n, struct ext_err *e)
{
	struct rec_list l = { .size = sizeof(struct ext_rule) };

	if (dump_records(nl, SKBPOOL_CMD_RULE_GET, SKBPOOL_A_RULE_IFNAME, dev, cb_rule, &l, e))
		return -1;
	*rules = l.items;
	*n = l.n;
	return 0;
}

int ext_nl_flow_get(struct ext_nl *nl, const char *dev, struct ext_flow **flows,
		    unsigned int *n, struct ext_err *e)
{
	struct rec_list l = { .size = sizeof(struct ext_flow) };

	if (dump_records(nl, SKBPOOL_CMD_FLOW_GET, SKBPOOL_A_FLOW_IFNAME, dev, cb_flow, &l, e))
		return -1;
	*flows = l.items;
	*n = l.n;
	return 0;
}

struct monitor_ctx {
	FILE *out;
	bool json;
	uint16_t family;
};

static int cb_event(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[EXT_TB] = {};
	struct monitor_ctx *m = data;
	struct ext_event ev = {};

	if (nlh->nlmsg_type != m->family)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), cb_table, tb);
	ev.type = get_u32(tb[SKBPOOL_A_EVENT_TYPE]);
	ev.ifindex = get_u32(tb[SKBPOOL_A_EVENT_IFINDEX]);
	get_str(tb[SKBPOOL_A_EVENT_IFNAME], ev.ifname, sizeof(ev.ifname));
	ev.has_queue = tb[SKBPOOL_A_EVENT_QUEUE_ID];
	ev.queue_id = get_u32(tb[SKBPOOL_A_EVENT_QUEUE_ID]);
	ev.has_exhausted = tb[SKBPOOL_A_EVENT_EXHAUSTED];
	ev.exhausted = get_uint(tb[SKBPOOL_A_EVENT_EXHAUSTED]);
	ev.has_cause = tb[SKBPOOL_A_EVENT_CAUSE];
	ev.cause = get_u32(tb[SKBPOOL_A_EVENT_CAUSE]);
	ext_print_event(m->out, &ev, m->json);
	/* Whoever reads a pipe sees each event as it happens. */
	fflush(m->out);
	return MNL_CB_OK;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Print events until SIGINT or SIGTERM; then return 0. */
int ext_nl_monitor(struct ext_nl *nl, FILE *out, bool json, struct ext_err *e)
{
	struct monitor_ctx m = { out, json, nl->family };
	struct sigaction sa = { .sa_handler = on_signal };
	int group = nl->events_group;
	ssize_t n;

	if (!group) {
		set_err(e, ENOENT, "the skbpool family has no events group");
		return -1;
	}
	if (mnl_socket_setsockopt(nl->sk, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)) < 0) {
		set_err(e, errno, NULL);
		return -1;
	}
	/* No SA_RESTART: the signal must interrupt the blocking receive. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!stop) {
		n = mnl_socket_recvfrom(nl->sk, nl->buf, EXT_BUF_SIZE);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* Events were lost (ENOBUFS): say so, keep going. */
			if (errno == ENOBUFS) {
				fprintf(stderr, "ethtool-ext: monitor: events lost\n");
				continue;
			}
			set_err(e, errno, NULL);
			return -1;
		}
		if (mnl_cb_run(nl->buf, n, 0, 0, cb_event, &m) < 0 && errno != ENOENT) {
			set_err(e, errno, NULL);
			return -1;
		}
	}
	return 0;
}
