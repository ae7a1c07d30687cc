/* SPDX-License-Identifier: GPL-2.0 */
/* Lent buffers: pages an RX queue posts once its pool is all in flight. */
#ifndef _SKBPOOL_LEND_H
#define _SKBPOOL_LEND_H

#include <linux/types.h>

struct page;
struct sk_buff;
struct skbpool_rxq;

int skbpool_rxq_lend_init(struct skbpool_rxq *rxq);
void skbpool_rxq_lend_fini(struct skbpool_rxq *rxq);
void skbpool_rxq_lend_reset(struct skbpool_rxq *rxq);
struct page *skbpool_rx_lend_page(struct skbpool_rxq *rxq);
int skbpool_rx_lend(struct skbpool_rxq *rxq, dma_addr_t *dma);
void *skbpool_rx_lent_va(const struct skbpool_rxq *rxq, u32 id);
void skbpool_rx_lent_put(struct skbpool_rxq *rxq, u32 id);
struct sk_buff *skbpool_rx_lent_build(struct skbpool_rxq *rxq, u32 id, u32 len);

#endif /* _SKBPOOL_LEND_H */
