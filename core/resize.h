/* SPDX-License-Identifier: GPL-2.0 */
/* Resizing a live RX pool without stopping its queue. */
#ifndef _SKBPOOL_RESIZE_H
#define _SKBPOOL_RESIZE_H

#include <linux/types.h>

struct skbpool_rxq;

int skbpool_rxq_resize(struct skbpool_rxq *rxq, u32 buffers);
int skbpool_rxq_resize_request(struct skbpool_rxq *rxq, u32 buffers);
void skbpool_rxq_apply_resize(struct skbpool_rxq *rxq);
void skbpool_rxq_resize_finish(struct skbpool_rxq *rxq);

#endif /* _SKBPOOL_RESIZE_H */
