// SPDX-License-Identifier: GPL-2.0
/*
 * The out-of-line half of core/compat.h: what an older kernel
 * lacks and takes more than an inline to make up.  Each part is built
 * only where compat.h says the kernel lacks it.
 */
#include <linux/atomic.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/slab.h>

#include "compat.h"

#ifdef SKBPOOL_COMPAT_EXTACK_FMT
/*
 * The ack that carries a message is built after the handler returns, so
 * the text must outlive it: each message takes the next of these buffers.
 * A buffer is reused only after as many further messages, far more than
 * requests are answered at the same moment; were it ever reused early,
 * the last byte of each buffer is never written but as a terminator, so
 * the text could come out mixed, never unterminated.
 */
#define EXTACK_BUFS	32
#define EXTACK_LEN	128

static char extack_buf[EXTACK_BUFS][EXTACK_LEN];
static atomic_t extack_next = ATOMIC_INIT(0);

/**
 * skbpool_extack_fmt() - a formatted extack message on 6.1
 * @extack: the request's extack, or NULL
 * @attr: the attribute at fault, or NULL
 * @fmt: printf format of the message
 */
void skbpool_extack_fmt(struct netlink_ext_ack *extack, const struct nlattr *attr,
			const char *fmt, ...)
{
	va_list args;
	char *buf;

	if (!extack)
		return;
	buf = extack_buf[(unsigned int)atomic_inc_return(&extack_next) % EXTACK_BUFS];
	va_start(args, fmt);
	vsnprintf(buf, EXTACK_LEN, fmt, args);
	va_end(args);
	extack->_msg = buf;
	extack->bad_attr = attr;
}
EXPORT_SYMBOL_GPL(skbpool_extack_fmt);
#endif

#ifdef SKBPOOL_COMPAT_NLA_UINT
/**
 * skbpool_nla_uint_validate() - an NLA_UINT attribute on 6.1: 4 or 8 bytes
 * @attr: the attribute
 * @extack: where to say what is wrong
 *
 * Return: 0 or -EINVAL.
 */
int skbpool_nla_uint_validate(const struct nlattr *attr, struct netlink_ext_ack *extack)
{
	if (nla_len(attr) == sizeof(u32) || nla_len(attr) == sizeof(u64))
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, attr, "invalid attribute length: 4 or 8 bytes expected");
	return -EINVAL;
}
#endif

#ifdef SKBPOOL_COMPAT_GENL_SPLIT_OPS
/* The 6.1 entry for @cmd, a new one if there is none yet. */
static struct genl_ops *genl_op_for(struct genl_ops *ops, unsigned int *n, u8 cmd)
{
	unsigned int i;

	for (i = 0; i < *n; i++)
		if (ops[i].cmd == cmd)
			return &ops[i];
	ops[*n].cmd = cmd;
	return &ops[(*n)++];
}

/**
 * skbpool_genl_register_family() - register a family written with split ops
 * @family: the family, without ops
 * @split: its do and dump entries
 * @n_split: how many
 *
 * Return: 0 or a negative errno.
 */
int skbpool_genl_register_family(struct genl_family *family,
				 const struct genl_split_ops *split, unsigned int n_split)
{
	struct genl_ops *ops, *op;
	unsigned int i, n = 0;
	int err;

	ops = kcalloc(n_split, sizeof(*ops), GFP_KERNEL);
	if (!ops)
		return -ENOMEM;
	for (i = 0; i < n_split; i++) {
		const struct genl_split_ops *s = &split[i];

		op = genl_op_for(ops, &n, s->cmd);
		if (s->doit)
			op->doit = s->doit;
		if (s->dumpit) {
			op->start = s->start;
			op->dumpit = s->dumpit;
			op->done = s->done;
		}
		if (s->policy && (!op->policy || s->doit)) {
			op->policy = s->policy;
			op->maxattr = s->maxattr;
		}
		/* 6.1 computes the GENL_CMD_CAP_* bits itself. */
		op->flags |= s->flags & (GENL_ADMIN_PERM | GENL_UNS_ADMIN_PERM);
	}
	family->ops = ops;
	family->n_ops = n;
	err = genl_register_family(family);
	if (err) {
		family->ops = NULL;
		kfree(ops);
	}
	return err;
}

/**
 * skbpool_genl_unregister_family() - unregister it and free its 6.1 ops
 * @family: the family; read-only by now (__ro_after_init), so its
 *	pointer to the freed ops is left as it is, unused
 */
void skbpool_genl_unregister_family(struct genl_family *family)
{
	genl_unregister_family(family);
	kfree(family->ops);
}
#endif
