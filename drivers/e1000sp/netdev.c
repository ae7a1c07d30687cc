// SPDX-License-Identifier: GPL-2.0
/*
 * e1000sp netdev layer: PCI probe, rings, NAPI, transmit, address filters,
 * MTU and the skbpool hooks.
 */
#include <linux/bitfield.h>
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/interrupt.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <net/ip6_checksum.h>
#include <net/netdev_queues.h>
#include <net/tcp.h>

#include "e1000sp.h"

/*
 * Frames up to this size go up in a small skb of their own, as the in-tree
 * e1000's copybreak (256 there too): a socket is charged a few hundred
 * bytes for a small datagram instead of a buffer, and the buffer is free
 * again at once.  In every mode, so that bench-e1000 compares pools, not
 * copybreak: tagged, skbpool copies (skbpool_rxq_params.copybreak);
 * untagged, the driver does (rx_take()).  Read when the rings are built.
 */
static unsigned int copybreak = 256;
module_param(copybreak, uint, 0644);
MODULE_PARM_DESC(copybreak,
		 "Frames of at most this many bytes are copied into a small skb (default 256, 0: never)");

#define E1000SP_IMS_ENABLE	(E1000SP_INT_RXT0 | E1000SP_INT_RXDMT0 | \
				 E1000SP_INT_RXO | E1000SP_INT_TXDW | \
				 E1000SP_INT_LSC | E1000SP_INT_RXSEQ)

/* The receive buffer the device may fill: the frame with a VLAN tag, in
 * the smallest size RCTL.BSIZE offers.
 */
static u32 e1000sp_rx_buf_len(const struct net_device *netdev)
{
	u32 frame = netdev->mtu + VLAN_ETH_HLEN;

	return frame <= 2048 ? 2048 : roundup_pow_of_two(frame);
}

/*
 * The longest frame the device stores.  With RCTL.LPE clear it discards
 * frames over 1,522 bytes (8254x manual, RCTL.LPE), so a 2,048-byte BSIZE
 * never fills and the pool may give a standard frame half a page (the
 * in-tree e1000 relies on the same rule for its 1,522-byte buffers).
 * With LPE set, a frame may fill the buffer.
 */
static u32 e1000sp_rx_frame_max(const struct net_device *netdev)
{
	if (netdev->mtu <= ETH_DATA_LEN)
		return VLAN_ETH_FRAME_LEN + ETH_FCS_LEN;
	return e1000sp_rx_buf_len(netdev);
}

static struct device *e1000sp_dma(const struct e1000sp_adapter *ad)
{
	return &ad->pdev->dev;
}

static void tx_count(struct e1000sp_tx_ring *tx, u64_stats_t *counter)
{
	u64_stats_update_begin(&tx->syncp);
	u64_stats_inc(counter);
	u64_stats_update_end(&tx->syncp);
}

static void e1000sp_irq_enable(struct e1000sp_adapter *ad)
{
	e1000sp_wr(&ad->hw, E1000SP_IMS, E1000SP_IMS_ENABLE);
}

static void e1000sp_irq_disable(struct e1000sp_adapter *ad)
{
	e1000sp_wr(&ad->hw, E1000SP_IMC, E1000SP_INT_ALL);
	e1000sp_flush(&ad->hw);
}

/**
 * e1000sp_set_itr() - program the interrupt throttling interval
 * @ad: the port
 *
 * ITR counts in 256 ns units (13.4.18); 0 turns throttling off.
 */
void e1000sp_set_itr(struct e1000sp_adapter *ad)
{
	e1000sp_wr(&ad->hw, E1000SP_ITR, ad->rx_usecs * 1000 / 256);
}

/* Never carrier over missing rings: the stack would queue frames nothing
 * takes until the TX watchdog fires.
 */
static void e1000sp_check_link(struct e1000sp_adapter *ad)
{
	struct net_device *netdev = ad->netdev;
	bool up = e1000sp_hw_link(&ad->hw, NULL, NULL);

	if (up && !READ_ONCE(ad->rings_lost) && !netif_carrier_ok(netdev))
		netif_carrier_on(netdev);
	else if (!up && netif_carrier_ok(netdev))
		netif_carrier_off(netdev);
}

/* ---- receive ---------------------------------------------------------- */

/* One empty buffer for descriptor @i: from the pool when tagged, a
 * fragment of the page_pool, else the stock way: the skb copybreak or an
 * error left on the slot, still mapped, or a fresh skb mapped for the
 * device.
 */
static int rx_post(struct e1000sp_adapter *ad, struct e1000sp_rx_ring *rx, u32 i)
{
	struct e1000sp_rx_buf *b = &rx->buf[i];
	struct sk_buff *skb;
	dma_addr_t dma;
	int id;

	if (rx->pool) {
		id = skbpool_rx_get(rx->pool, &dma);
		if (id < 0)
			return id;
		b->id = id;
	} else if (rx->pp) {
		if (unlikely(e1000sp_pp_post(rx, b, &dma)))
			return -ENOMEM;
	} else if (b->skb) {
		dma = b->dma;		/* kept: see rx_recycle() and rx_take() */
	} else {
		skb = napi_alloc_skb(&ad->napi, rx->buf_len);
		if (unlikely(!skb))
			return -ENOMEM;
		dma = dma_map_single(e1000sp_dma(ad), skb->data, rx->buf_len,
				     DMA_FROM_DEVICE);
		if (unlikely(dma_mapping_error(e1000sp_dma(ad), dma))) {
			dev_kfree_skb_any(skb);
			return -ENOMEM;
		}
		b->skb = skb;
		b->dma = dma;
	}
	rx->desc[i].addr = cpu_to_le64(dma);
	rx->desc[i].status = 0;
	return 0;
}

/*
 * Keep all but one descriptor posted (RDH == RDT means an empty ring), in
 * batches: each tail write is a register access, and on QEMU's model it
 * also flushes the frames it queued.  An empty ring is refilled at once.
 */
static void rx_refill(struct e1000sp_adapter *ad, struct e1000sp_rx_ring *rx)
{
	u32 ntu = rx->next_to_use, mask = rx->count - 1;

	if (rx->count - 1 - (ntu - rx->next_to_clean) < E1000SP_RX_REFILL_BATCH &&
	    ntu != rx->next_to_clean)
		return;
	while (ntu - rx->next_to_clean < rx->count - 1) {
		if (rx_post(ad, rx, ntu & mask)) {
			e1000sp_rx_count(rx, &rx->stats.alloc_failed, 1);
			break;
		}
		ntu++;
	}
	if (ntu != rx->next_to_use) {
		rx->next_to_use = ntu;
		/* writel() orders the descriptor writes before the tail. */
		e1000sp_wr(&ad->hw, E1000SP_RDT, ntu & mask);
	}
	/* The device raises no interrupt on an empty ring: come back later. */
	if (unlikely(ntu == rx->next_to_clean))
		mod_timer(&rx->refill, jiffies + 1);
}

static void rx_refill_retry(struct timer_list *t)
{
	struct e1000sp_rx_ring *rx = from_timer(rx, t, refill);
	struct e1000sp_adapter *ad = container_of(rx, struct e1000sp_adapter, rx);

	napi_schedule(&ad->napi);
}

/*
 * Give back a posted buffer that carries no frame for the stack.  On the
 * skb path it stays on its slot, mapped, for rx_post() to post again: the
 * CPU never touched it, so there is nothing to sync for the device.
 */
static void rx_recycle(struct e1000sp_rx_ring *rx, struct e1000sp_rx_buf *b)
{
	if (rx->pool)
		skbpool_rx_put(rx->pool, b->id);
	else if (rx->pp)
		e1000sp_pp_recycle(rx, b, true);
}

/**
 * e1000sp_rx_copy() - an untagged small frame in an skb of its own
 * @napi: the ring's NAPI
 * @frame: the frame, synced for the CPU
 * @len: its length, at most the ring's copybreak
 *
 * Return: the skb, or NULL (the frame then goes up on its buffer).
 */
struct sk_buff *e1000sp_rx_copy(struct napi_struct *napi, const void *frame, u32 len)
{
	struct sk_buff *skb = napi_alloc_skb(napi, len);

	if (likely(skb))
		skb_put_data(skb, frame, len);
	return skb;
}

/*
 * Untagged, a small frame is copied and its skb stays on the slot, still
 * mapped: rx_post() posts it again, as the in-tree driver does.  Unlike
 * the in-tree driver, the copied range is synced back for the device: on
 * a bounce-buffered mapping (swiotlb) that is what hands the buffer back.
 */
static struct sk_buff *rx_take(struct e1000sp_adapter *ad,
			       struct e1000sp_rx_ring *rx,
			       struct e1000sp_rx_buf *b, u32 len)
{
	struct device *dev = e1000sp_dma(ad);
	struct sk_buff *skb;

	if (rx->pool)
		return skbpool_rx_build(rx->pool, b->id, len);
	if (rx->pp)
		return e1000sp_pp_take(rx, b, len, &ad->napi);
	if (len <= rx->copybreak) {
		dma_sync_single_for_cpu(dev, b->dma, len, DMA_FROM_DEVICE);
		skb = e1000sp_rx_copy(&ad->napi, b->skb->data, len);
		if (likely(skb)) {
			dma_sync_single_for_device(dev, b->dma, len, DMA_FROM_DEVICE);
			e1000sp_rx_count(rx, &rx->stats.copied, 1);
			return skb;
		}
	}
	dma_unmap_single(dev, b->dma, rx->buf_len, DMA_FROM_DEVICE);
	skb = b->skb;
	b->skb = NULL;
	skb_put(skb, len);
	return skb;
}

static int rx_clean(struct e1000sp_adapter *ad, struct e1000sp_rx_ring *rx,
		    int budget)
{
	u32 mask = rx->count - 1, ntc = rx->next_to_clean;
	u32 done = 0, dropped = 0, csum_good = 0;

	while (done < budget && ntc != rx->next_to_use) {
		struct e1000sp_rx_desc *d = &rx->desc[ntc & mask];
		struct e1000sp_rx_buf *b = &rx->buf[ntc & mask];
		struct sk_buff *skb;
		u8 status, errors;
		u32 len;

		status = READ_ONCE(d->status);
		if (!(status & E1000SP_RXD_STAT_DD))
			break;
		/* The rest of the descriptor was written before DD. */
		dma_rmb();
		len = le16_to_cpu(d->length);
		errors = d->errors;
		ntc++;

		/* A frame longer than one buffer: the buffers are sized for
		 * the MTU, so it is oversized; drop all of its pieces.
		 */
		if (unlikely(!(status & E1000SP_RXD_STAT_EOP) || rx->discard)) {
			if (!rx->discard)
				e1000sp_rx_count(rx, &rx->stats.split, 1);
			rx->discard = !(status & E1000SP_RXD_STAT_EOP);
			rx_recycle(rx, b);
			continue;
		}
		if (unlikely(errors & E1000SP_RXD_ERR_FRAME)) {
			e1000sp_rx_count(rx, &rx->stats.errors, 1);
			rx_recycle(rx, b);
			continue;
		}
		skb = rx_take(ad, rx, b, len);
		if (unlikely(!skb)) {
			dropped++;
			continue;
		}
		if ((status & (E1000SP_RXD_STAT_IXSM | E1000SP_RXD_STAT_TCPCS)) ==
		    E1000SP_RXD_STAT_TCPCS && !(errors & E1000SP_RXD_ERR_TCPE)) {
			skb->ip_summed = CHECKSUM_UNNECESSARY;
			csum_good++;
		}
		skb->protocol = eth_type_trans(skb, ad->netdev);
		napi_gro_receive(&ad->napi, skb);
		done++;
	}
	rx->next_to_clean = ntc;
	if (dropped || csum_good) {
		u64_stats_update_begin(&rx->syncp);
		u64_stats_add(&rx->stats.dropped, dropped);
		u64_stats_add(&rx->stats.csum_good, csum_good);
		u64_stats_update_end(&rx->syncp);
	}
	return done;
}

/* ---- transmit ---------------------------------------------------------- */

static u32 tx_free(const struct e1000sp_tx_ring *tx)
{
	/* Pairs with the release in tx_reap(). */
	return tx->count - 1 - (tx->next_to_use - smp_load_acquire(&tx->next_to_clean));
}

static void tx_unmap(struct e1000sp_adapter *ad, struct e1000sp_tx_buf *b)
{
	if (!b->len)
		return;
	if (b->page)
		dma_unmap_page(e1000sp_dma(ad), b->dma, b->len, DMA_TO_DEVICE);
	else
		dma_unmap_single(e1000sp_dma(ad), b->dma, b->len, DMA_TO_DEVICE);
	b->len = 0;
}

/*
 * Reap completed packets.  @force: the device is stopped, complete what it
 * never got to as well.
 */
static void tx_reap(struct e1000sp_adapter *ad, int budget, bool force)
{
	struct e1000sp_tx_ring *tx = &ad->tx;
	/* Pairs with the release in e1000sp_xmit(): the slots are filled. */
	u32 ntu = smp_load_acquire(&tx->next_to_use);
	u32 ntc = tx->next_to_clean, mask = tx->count - 1, pkts = 0, bytes = 0;
	struct netdev_queue *nq = netdev_get_tx_queue(ad->netdev, 0);

	while (ntc != ntu) {
		struct e1000sp_tx_buf *first = &tx->buf[ntc & mask];
		u32 eop = first->eop;

		if (!force &&
		    !(READ_ONCE(tx->desc[eop & mask].upper) & cpu_to_le32(E1000SP_TXD_STAT_DD)))
			break;
		pkts += first->pkts;
		bytes += first->bytes;
		if (first->bounce >= 0)
			skbpool_tx_complete_n(tx->bounce, first->bounce, first->nr_bounce);
		first->bounce = -1;
		if (first->skb)
			napi_consume_skb(first->skb, budget);
		first->skb = NULL;
		for (; ntc != eop + 1; ntc++)
			tx_unmap(ad, &tx->buf[ntc & mask]);
	}
	if (!pkts)
		return;
	/* The slots are clear before xmit may reuse them. */
	smp_store_release(&tx->next_to_clean, ntc);
	__netif_txq_completed_wake(nq, pkts, bytes, tx_free(tx), E1000SP_TX_WAKE,
				   !READ_ONCE(ad->rings_up));
}

static u32 tx_descs(u32 len)
{
	return (len + E1000SP_TXD_MAX - 1) >> E1000SP_TXD_SHIFT;
}

/* Descriptors @skb takes, context included. */
static u32 tx_descs_needed(const struct sk_buff *skb)
{
	const struct skb_shared_info *si = skb_shinfo(skb);
	u32 n = 1 + tx_descs(skb_headlen(skb)), i;

	for (i = 0; i < si->nr_frags; i++)
		n += tx_descs(skb_frag_size(&si->frags[i]));
	return n;
}

static void tx_context(struct e1000sp_tx_ring *tx, u32 *ntu, u64 offsets,
		       u32 cmd, u32 seg)
{
	struct e1000sp_tx_desc *d = &tx->desc[*ntu & (tx->count - 1)];

	d->addr = cpu_to_le64(offsets);
	d->lower = cpu_to_le32(cmd | E1000SP_TXD_CMD_DEXT);
	d->upper = cpu_to_le32(seg);
	tx->buf[*ntu & (tx->count - 1)].len = 0;
	(*ntu)++;
}

/*
 * TCP segmentation of IPv4 (3.5): the device replicates the headers,
 * fixing the IP length, ID and checksum and the TCP sequence number per
 * segment, and adds each segment's length to the pseudo-header sum the
 * driver leaves in the TCP checksum field.  IPv4 only, as the in-tree e1000
 * drives this MAC: QEMU's model of IPv6 segmentation writes a payload
 * length 40 bytes past the frame's end (it counts the IPv6 header), so the
 * receiver drops every segment as truncated; IPv6 is segmented by the
 * stack, its segments checksummed here.  Returns the POPTS for the data
 * descriptors, or a negative errno.
 */
static int tx_tso(struct e1000sp_tx_ring *tx, struct sk_buff *skb, u32 *ntu,
		  u32 *hdr_len)
{
	u32 ipcss = skb_network_offset(skb), tucss = skb_transport_offset(skb);
	u32 hlen = tucss + tcp_hdrlen(skb);
	struct iphdr *iph;
	u64 offsets;
	int err;

	err = skb_cow_head(skb, 0);
	if (err)
		return err;
	iph = ip_hdr(skb);
	iph->tot_len = 0;
	iph->check = 0;
	tcp_hdr(skb)->check = ~csum_tcpudp_magic(iph->saddr, iph->daddr, 0, IPPROTO_TCP, 0);
	offsets = ipcss | (u64)(ipcss + offsetof(struct iphdr, check)) << 8 |
		  (u64)(tucss - 1) << 16 | (u64)tucss << 32 |
		  (u64)(tucss + offsetof(struct tcphdr, check)) << 40;
	tx_context(tx, ntu, offsets,
		   E1000SP_TXD_CMD_IP | E1000SP_TXD_CMD_TCP | E1000SP_TXD_CMD_TSE |
		   (skb->len - hlen),
		   hlen << 8 | (u32)skb_shinfo(skb)->gso_size << 16);
	/* The segmentation context replaced the checksum one. */
	tx->ctx = 0;
	*hdr_len = hlen;
	return E1000SP_TXD_POPTS_TXSM | E1000SP_TXD_POPTS_IXSM;
}

/*
 * Checksum offload, the generic way (NETIF_F_HW_CSUM): the device sums
 * from csum_start to the end and stores the folded sum at csum_offset,
 * over the pseudo-header sum the stack left there.  Its offsets are 8 bits
 * wide; a frame beyond them is summed here.  The context is loaded only
 * when it changes.  Returns the POPTS, or a negative errno.
 */
static int tx_csum(struct e1000sp_tx_ring *tx, struct sk_buff *skb, u32 *ntu)
{
	u32 css, cso;

	if (skb->ip_summed != CHECKSUM_PARTIAL)
		return 0;
	css = skb_checksum_start_offset(skb);
	cso = css + skb->csum_offset;
	if (unlikely(cso > U8_MAX)) {
		tx_count(tx, &tx->stats.csum_sw);
		return skb_checksum_help(skb);
	}
	if (tx->ctx != (css | cso << 8)) {
		tx_context(tx, ntu, (u64)css << 32 | (u64)cso << 40, 0, 0);
		tx->ctx = css | cso << 8;
	}
	return E1000SP_TXD_POPTS_TXSM;
}

static void tx_data(struct e1000sp_tx_ring *tx, u32 *ntu, dma_addr_t dma,
		    u32 len, u32 cmd, u32 popts)
{
	struct e1000sp_tx_desc *d = &tx->desc[*ntu & (tx->count - 1)];

	d->addr = cpu_to_le64(dma);
	d->lower = cpu_to_le32(len | cmd | E1000SP_TXD_DTYP_D |
			       E1000SP_TXD_CMD_DEXT | E1000SP_TXD_CMD_IFCS);
	d->upper = cpu_to_le32(popts);
	tx->buf[*ntu & (tx->count - 1)].len = 0;
	(*ntu)++;
}

/* Map one buffer, in descriptors of at most E1000SP_TXD_MAX bytes. */
static void tx_map_one(struct e1000sp_tx_ring *tx, u32 *ntu, dma_addr_t dma,
		       u32 len, bool page, u32 cmd, u32 popts)
{
	struct e1000sp_tx_buf *b = &tx->buf[*ntu & (tx->count - 1)];
	dma_addr_t at = dma;
	u32 left = len;

	while (left) {
		u32 n = min(left, E1000SP_TXD_MAX);

		tx_data(tx, ntu, at, n, cmd, popts);
		at += n;
		left -= n;
	}
	/* Unmapped once, from the first of its descriptors. */
	b->dma = dma;
	b->len = len;
	b->page = page;
}

static int tx_map(struct e1000sp_adapter *ad, struct sk_buff *skb, u32 *ntu,
		  u32 cmd, u32 popts)
{
	struct e1000sp_tx_ring *tx = &ad->tx;
	struct skb_shared_info *si = skb_shinfo(skb);
	struct device *dev = e1000sp_dma(ad);
	dma_addr_t dma;
	u32 i;

	dma = dma_map_single(dev, skb->data, skb_headlen(skb), DMA_TO_DEVICE);
	if (dma_mapping_error(dev, dma))
		return -ENOMEM;
	tx_map_one(tx, ntu, dma, skb_headlen(skb), false, cmd, popts);
	for (i = 0; i < si->nr_frags; i++) {
		const skb_frag_t *f = &si->frags[i];

		dma = skb_frag_dma_map(dev, f, 0, skb_frag_size(f), DMA_TO_DEVICE);
		if (dma_mapping_error(dev, dma))
			return -ENOMEM;
		tx_map_one(tx, ntu, dma, skb_frag_size(f), true, cmd, popts);
	}
	return 0;
}

/*
 * Copy the whole frame into consecutive bounce buffers, one data
 * descriptor each: the device gathers them as it would the skb's
 * fragments, TSO included (the headers sit in the first buffer).
 */
static void tx_bounce_chain(struct e1000sp_tx_ring *tx, struct e1000sp_tx_buf *fb,
			    const struct sk_buff *skb, u32 *ntu, u32 cmd, u32 popts)
{
	u32 offset = 0, len, id;
	dma_addr_t dma;

	fb->nr_bounce = 0;
	while (offset < skb->len) {
		id = skbpool_tx_bounce_next(tx->bounce, skb, &offset, &dma, &len);
		if (!fb->nr_bounce++)
			fb->bounce = id;
		tx_data(tx, ntu, dma, len, cmd, popts);
	}
}

static netdev_tx_t e1000sp_xmit(struct sk_buff *skb, struct net_device *netdev)
{
	struct e1000sp_adapter *ad = netdev_priv(netdev);
	struct netdev_queue *nq = netdev_get_tx_queue(netdev, 0);
	struct e1000sp_tx_ring *tx = &ad->tx;
	u32 first = tx->next_to_use, ntu = first, mask = tx->count - 1;
	u32 cmd = 0, hdr_len = 0, pkts = 1, bytes, len, need;
	struct e1000sp_tx_buf *fb;
	int popts, id, chain = 0;
	dma_addr_t dma;
	bool one;

	/* In emergency a frame no single bounce buffer takes is copied into
	 * several (one descriptor each) rather than mapped.  The rest of
	 * xmit follows what is decided here, though emergency may begin or
	 * end on another CPU meanwhile: a chain carries any frame.
	 */
	one = skbpool_tx_wants_bounce(tx->bounce, skb);
	if (!one)
		chain = skbpool_tx_bounce_chain(tx->bounce, skb);
	if (unlikely(chain < 0)) {
		dev_kfree_skb_any(skb);
		tx_count(tx, &tx->stats.dropped);
		return NETDEV_TX_OK;
	}
	need = chain ? 1 + chain : tx_descs_needed(skb);
	if (unlikely(tx_free(tx) < need)) {
		netif_tx_stop_queue(nq);
		tx_count(tx, &tx->stats.busy);
		return NETDEV_TX_BUSY;
	}
	skbpool_tx_note(tx->bounce, skb);
	if (skb_is_gso(skb)) {
		popts = tx_tso(tx, skb, &ntu, &hdr_len);
		cmd = E1000SP_TXD_CMD_TSE;
		pkts = skb_shinfo(skb)->gso_segs;
		tx_count(tx, &tx->stats.tso);
	} else {
		popts = tx_csum(tx, skb, &ntu);
	}
	if (unlikely(popts < 0))
		goto drop;
	bytes = skb->len + (pkts - 1) * hdr_len;

	fb = &tx->buf[first & mask];
	fb->bounce = -1;
	fb->skb = skb;
	if (chain) {
		tx_bounce_chain(tx, fb, skb, &ntu, cmd, popts);
		goto bounced;
	}
	if (one) {
		id = skbpool_tx_bounce(tx->bounce, skb, &dma, &len);
		if (id >= 0) {
			tx_data(tx, &ntu, dma, len, 0, popts);
			fb->bounce = id;
			fb->nr_bounce = 1;
			goto bounced;
		}
	}
	if (tx_map(ad, skb, &ntu, cmd, popts))
		goto unmap;
	tx_count(tx, &tx->stats.mapped);
	goto queued;
bounced:
	fb->skb = NULL;
	dev_consume_skb_any(skb);
queued:
	tx->desc[(ntu - 1) & mask].lower |= cpu_to_le32(E1000SP_TXD_CMD_EOP |
							E1000SP_TXD_CMD_RS);
	fb->eop = ntu - 1;
	fb->pkts = pkts;
	fb->bytes = bytes;
	/* The slots before the index: pairs with the acquire in tx_reap(). */
	smp_store_release(&tx->next_to_use, ntu);

	netif_txq_maybe_stop(nq, tx_free(tx), E1000SP_TX_STOP, E1000SP_TX_WAKE);
	/* writel() orders the descriptor writes before the tail. */
	if (__netdev_tx_sent_queue(nq, bytes, netdev_xmit_more()))
		e1000sp_wr(&ad->hw, E1000SP_TDT, ntu & mask);
	return NETDEV_TX_OK;

unmap:
	for (; first != ntu; first++)
		tx_unmap(ad, &tx->buf[first & mask]);
	tx->buf[tx->next_to_use & mask].skb = NULL;
	tx_count(tx, &tx->stats.dma_failed);
drop:
	/* A context written but never handed over is not loaded. */
	tx->ctx = 0;
	dev_kfree_skb_any(skb);
	tx_count(tx, &tx->stats.dropped);
	return NETDEV_TX_OK;
}

/* ---- interrupts and NAPI ----------------------------------------------- */

static int e1000sp_poll(struct napi_struct *napi, int budget)
{
	struct e1000sp_adapter *ad = container_of(napi, struct e1000sp_adapter, napi);
	struct e1000sp_rx_ring *rx = &ad->rx;
	int done;

	tx_reap(ad, budget, false);
	skbpool_rx_napi_begin(rx->pool);
	done = rx_clean(ad, rx, budget);
	rx_refill(ad, rx);
	/* Not while the rings stop: e1000sp_rings_stop() masked them. */
	if (done < budget && napi_complete_done(napi, done) && READ_ONCE(ad->rings_up))
		e1000sp_irq_enable(ad);
	return done;
}

/*
 * INTx, possibly shared.  Reading ICR clears every cause and lowers the
 * line; causes that arrive while NAPI runs with all of them masked stay in
 * ICR and raise the line again when e1000sp_poll() unmasks them.
 */
static irqreturn_t e1000sp_intr(int irq, void *data)
{
	struct e1000sp_adapter *ad = data;
	u32 icr = e1000sp_rd(&ad->hw, E1000SP_ICR);

	/* Another device's interrupt, or this one gone from the bus. */
	if (!icr || icr == ~0U)
		return IRQ_NONE;
	if (icr & E1000SP_INT_LSC)
		e1000sp_check_link(ad);
	if ((icr & E1000SP_IMS_ENABLE & ~E1000SP_INT_LSC) && napi_schedule_prep(&ad->napi)) {
		e1000sp_wr(&ad->hw, E1000SP_IMC, E1000SP_INT_ALL);
		__napi_schedule(&ad->napi);
	}
	return IRQ_HANDLED;
}

/* ---- rings ------------------------------------------------------------- */

static void rx_ring_free(struct e1000sp_adapter *ad)
{
	struct e1000sp_rx_ring *rx = &ad->rx;
	u32 n;

	/* Posted buffers went back in rx_unpost(), or never were. */
	if (!rx->pool && !rx->pp && rx->buf) {
		/* The skbs left on their slots, mapped (rx_recycle()). */
		for (n = 0; n < rx->count; n++) {
			struct e1000sp_rx_buf *b = &rx->buf[n];

			if (!b->skb)
				continue;
			dma_unmap_single(e1000sp_dma(ad), b->dma, rx->buf_len,
					 DMA_FROM_DEVICE);
			dev_kfree_skb_any(b->skb);
		}
	}
	/* Pages the stack still holds come back to it and are freed then. */
	if (rx->pp)
		page_pool_destroy(rx->pp);
	rx->pp = NULL;
	skbpool_rxq_destroy(rx->pool);
	rx->pool = NULL;
	kvfree(rx->buf);
	rx->buf = NULL;
	if (rx->desc)
		dma_free_coherent(e1000sp_dma(ad), rx->count * sizeof(*rx->desc),
				  rx->desc, rx->desc_dma);
	rx->desc = NULL;
}

static void tx_ring_free(struct e1000sp_adapter *ad)
{
	struct e1000sp_tx_ring *tx = &ad->tx;

	skbpool_txq_destroy(tx->bounce);
	tx->bounce = NULL;
	kvfree(tx->buf);
	tx->buf = NULL;
	if (tx->desc)
		dma_free_coherent(e1000sp_dma(ad), tx->count * sizeof(*tx->desc),
				  tx->desc, tx->desc_dma);
	tx->desc = NULL;
}

static int rings_alloc(struct e1000sp_adapter *ad)
{
	struct skbpool_rxq_params params = { .qid = 0 };
	struct e1000sp_rx_ring *rx = &ad->rx;
	struct e1000sp_tx_ring *tx = &ad->tx;
	struct device *dev = e1000sp_dma(ad);
	u32 i;

	/* The smallest ring holds the worst frame, mapped or bounced. */
	BUILD_BUG_ON(E1000SP_TX_WAKE >= E1000SP_MIN_RING);
	rx->count = ad->rx_ring_size;
	rx->next_to_use = 0;
	rx->next_to_clean = 0;
	rx->discard = false;
	rx->buf_len = e1000sp_rx_buf_len(ad->netdev);
	rx->copybreak = READ_ONCE(copybreak);
	rx->desc = dma_alloc_coherent(dev, rx->count * sizeof(*rx->desc),
				      &rx->desc_dma, GFP_KERNEL);
	rx->buf = kvcalloc(rx->count, sizeof(*rx->buf), GFP_KERNEL);
	tx->count = ad->tx_ring_size;
	tx->next_to_use = 0;
	tx->next_to_clean = 0;
	tx->ctx = 0;
	tx->desc = dma_alloc_coherent(dev, tx->count * sizeof(*tx->desc),
				      &tx->desc_dma, GFP_KERNEL);
	tx->buf = kvcalloc(tx->count, sizeof(*tx->buf), GFP_KERNEL);
	if (!rx->desc || !rx->buf || !tx->desc || !tx->buf)
		return -ENOMEM;
	for (i = 0; i < tx->count; i++)
		tx->buf[i].bounce = -1;

	params.ring_size = rx->count;
	params.frame_len = e1000sp_rx_frame_max(ad->netdev);
	params.copybreak = rx->copybreak;
	rx->pool = skbpool_rxq_create(ad->pool_dev, &params);
	if (IS_ERR(rx->pool)) {
		int err = PTR_ERR(rx->pool);

		rx->pool = NULL;
		return err;
	}
	if (!rx->pool) {
		int err = e1000sp_pp_create(ad, params.frame_len);

		if (err)
			return err;
	}
	tx->bounce = skbpool_txq_create(ad->pool_dev, 0, tx->count);
	if (IS_ERR(tx->bounce)) {
		int err = PTR_ERR(tx->bounce);

		tx->bounce = NULL;
		return err;
	}
	return 0;
}

/*
 * RCTL from the ring's buffers and the current filters.  BSIZE is the
 * smallest size that holds the frame, but a pool or page_pool buffer of a
 * standard MTU holds less (half a page: 1,664 bytes): that is safe only
 * because LPE stays clear below a jumbo MTU and SBP is never set, so the
 * device discards every frame over 1,522 bytes (e1000sp_rx_frame_max()).
 */
static u32 rctl_base(struct e1000sp_adapter *ad)
{
	u32 rctl = E1000SP_RCTL_EN | E1000SP_RCTL_BAM | E1000SP_RCTL_SECRC |
		   e1000sp_hw_rctl_bsize(ad->rx.buf_len);

	if (ad->netdev->mtu > ETH_DATA_LEN)
		rctl |= E1000SP_RCTL_LPE;
	return rctl;
}

static void rctl_write(struct e1000sp_adapter *ad, u32 rctl)
{
	netif_addr_lock_bh(ad->netdev);
	rctl |= ad->rctl & (E1000SP_RCTL_UPE | E1000SP_RCTL_MPE);
	ad->rctl = rctl;
	e1000sp_wr(&ad->hw, E1000SP_RCTL, rctl);
	netif_addr_unlock_bh(ad->netdev);
}

static void hw_rings_program(struct e1000sp_adapter *ad)
{
	struct e1000sp_hw *hw = &ad->hw;

	e1000sp_hw_set_pba(hw, ad->netdev->mtu > ETH_DATA_LEN);

	e1000sp_wr(hw, E1000SP_TDBAL, lower_32_bits(ad->tx.desc_dma));
	e1000sp_wr(hw, E1000SP_TDBAH, upper_32_bits(ad->tx.desc_dma));
	e1000sp_wr(hw, E1000SP_TDLEN, ad->tx.count * sizeof(*ad->tx.desc));
	e1000sp_wr(hw, E1000SP_TDH, 0);
	e1000sp_wr(hw, E1000SP_TDT, 0);
	e1000sp_wr(hw, E1000SP_TIDV, 0);
	e1000sp_wr(hw, E1000SP_TADV, 0);
	e1000sp_wr(hw, E1000SP_TIPG, E1000SP_TIPG_COPPER);
	e1000sp_wr(hw, E1000SP_TCTL, E1000SP_TCTL_EN | E1000SP_TCTL_PSP |
		   E1000SP_TCTL_RTLC | FIELD_PREP(E1000SP_TCTL_CT, 0x0f) |
		   FIELD_PREP(E1000SP_TCTL_COLD, 0x40));

	e1000sp_wr(hw, E1000SP_RDBAL, lower_32_bits(ad->rx.desc_dma));
	e1000sp_wr(hw, E1000SP_RDBAH, upper_32_bits(ad->rx.desc_dma));
	e1000sp_wr(hw, E1000SP_RDLEN, ad->rx.count * sizeof(*ad->rx.desc));
	/* From where the ring is: 0 on a new one, anywhere after a reset. */
	e1000sp_wr(hw, E1000SP_RDH, ad->rx.next_to_clean & (ad->rx.count - 1));
	e1000sp_wr(hw, E1000SP_RDT, ad->rx.next_to_use & (ad->rx.count - 1));
	e1000sp_wr(hw, E1000SP_RDTR, 0);
	e1000sp_wr(hw, E1000SP_RADV, 0);
	e1000sp_wr(hw, E1000SP_RXCSUM, ad->netdev->features & NETIF_F_RXCSUM ?
		   E1000SP_RXCSUM_IPOFL | E1000SP_RXCSUM_TUOFL : 0);
}

/*
 * Give every posted buffer back, as if each had carried an error, before
 * the ring is freed; the device is stopped and NAPI off, so this runs in
 * NAPI's stead.
 */
static void rx_unpost(struct e1000sp_rx_ring *rx)
{
	u32 n;

	local_bh_disable();
	for (n = rx->next_to_clean; n != rx->next_to_use; n++) {
		struct e1000sp_rx_buf *b = &rx->buf[n & (rx->count - 1)];

		/* The skb path keeps its skbs on their slots (rx_recycle()). */
		if (rx->pool)
			skbpool_rx_put(rx->pool, b->id);
		else if (rx->pp)
			e1000sp_pp_recycle(rx, b, false);
	}
	local_bh_enable();
	rx->next_to_use = rx->next_to_clean;
}

/*
 * For a reset: every posted buffer stays posted, to be handed to the
 * device again from where it stopped (hw_rings_program()).  Frames it
 * completed but NAPI has not taken are dropped, as any reset drops them:
 * the device will write over their buffers.
 */
static void rx_rewind(struct e1000sp_rx_ring *rx)
{
	u32 n;

	for (n = rx->next_to_clean; n != rx->next_to_use; n++)
		rx->desc[n & (rx->count - 1)].status = 0;
	rx->discard = false;
}

/*
 * Program the device with the rings, post what the RX ring lacks, start.
 * No skbpool_rx_napi_begin() here: it may run the emergency canary, an
 * allocation, which a reset must not make; the first poll runs it.
 */
static void e1000sp_rings_start(struct e1000sp_adapter *ad)
{
	hw_rings_program(ad);
	/* NAPI is not running: refill in its stead, with BH off. */
	local_bh_disable();
	rx_refill(ad, &ad->rx);
	local_bh_enable();
	/* Enable receive only once buffers are posted. */
	rctl_write(ad, rctl_base(ad));
	napi_enable(&ad->napi);
	WRITE_ONCE(ad->rings_up, true);
	e1000sp_irq_enable(ad);
	/* Nothing could be posted: no interrupt will come, poll later. */
	if (ad->rx.next_to_use == ad->rx.next_to_clean)
		mod_timer(&ad->rx.refill, jiffies + 1);
}

static int e1000sp_rings_up(struct e1000sp_adapter *ad)
{
	int err;

	err = rings_alloc(ad);
	if (err) {
		rx_ring_free(ad);
		tx_ring_free(ad);
		return err;
	}
	e1000sp_rings_start(ad);
	return 0;
}

/*
 * Stop the device and NAPI and complete every TX packet, keeping the
 * rings, their pools and the posted RX buffers, for a reset to start
 * again or for rings_down to free.
 *
 * Order matters: NAPI must not wake the TX queue once the rings start to
 * go (rings_up), the device must stop DMA before its buffers go, and NAPI
 * must be off before the TX queue is disabled, or its reaping could wake
 * the queue again.
 */
static void e1000sp_rings_stop(struct e1000sp_adapter *ad)
{
	struct e1000sp_tx_ring *tx = &ad->tx;
	struct e1000sp_hw *hw = &ad->hw;

	WRITE_ONCE(ad->rings_up, false);
	e1000sp_irq_disable(ad);
	rctl_write(ad, 0);
	e1000sp_wr(hw, E1000SP_TCTL, E1000SP_TCTL_PSP);
	e1000sp_flush(hw);
	/* A frame already in the DMA engine lands within microseconds. */
	usleep_range(1000, 2000);
	synchronize_irq(ad->pdev->irq);
	napi_disable(&ad->napi);
	timer_delete_sync(&ad->rx.refill);
	/* The pause is not a hang: keep the TX watchdog quiet. */
	netif_trans_update(ad->netdev);
	netif_tx_disable(ad->netdev);

	/* The device is stopped: complete everything. */
	local_bh_disable();
	tx_reap(ad, 0, true);
	local_bh_enable();
	netdev_tx_reset_queue(netdev_get_tx_queue(ad->netdev, 0));
	/* The device starts again at descriptor 0, with no offload context. */
	tx->next_to_use = 0;
	tx->next_to_clean = 0;
	tx->ctx = 0;
}

static void e1000sp_rings_down(struct e1000sp_adapter *ad)
{
	/* After a failed rebuild there is nothing left to take down. */
	if (!ad->rx.desc)
		return;
	e1000sp_rings_stop(ad);
	rx_unpost(&ad->rx);
	rx_ring_free(ad);
	tx_ring_free(ad);
}

/* ---- address filters --------------------------------------------------- */

/* Under netif_addr_lock_bh() (the core holds it for ndo_set_rx_mode). */
static void e1000sp_set_rx_mode(struct net_device *netdev)
{
	struct e1000sp_adapter *ad = netdev_priv(netdev);
	struct e1000sp_hw *hw = &ad->hw;
	u32 mta[E1000SP_MTA_WORDS] = {}, rctl = ad->rctl, i = 1;
	struct netdev_hw_addr *ha;

	rctl &= ~(E1000SP_RCTL_UPE | E1000SP_RCTL_MPE);
	if (netdev->flags & IFF_PROMISC)
		rctl |= E1000SP_RCTL_UPE | E1000SP_RCTL_MPE;
	else if (netdev->flags & IFF_ALLMULTI)
		rctl |= E1000SP_RCTL_MPE;

	/* Secondary unicast addresses in the spare exact filters, or all. */
	if (netdev_uc_count(netdev) > E1000SP_RAR_ENTRIES - 1) {
		rctl |= E1000SP_RCTL_UPE;
	} else {
		netdev_for_each_uc_addr(ha, netdev)
			e1000sp_hw_set_rar(hw, i++, ha->addr);
	}
	for (; i < E1000SP_RAR_ENTRIES; i++)
		e1000sp_hw_set_rar(hw, i, NULL);

	netdev_for_each_mc_addr(ha, netdev) {
		u32 h = e1000sp_hw_mta_hash(ha->addr);

		mta[h >> 5] |= BIT(h & 31);
	}
	for (i = 0; i < E1000SP_MTA_WORDS; i++) {
		if (mta[i] != ad->mta[i])
			e1000sp_wr(hw, E1000SP_MTA(i), mta[i]);
		ad->mta[i] = mta[i];
	}
	/* Only when it changes: a write restarts the receive unit. */
	if (rctl != ad->rctl) {
		ad->rctl = rctl;
		if (rctl & E1000SP_RCTL_EN)
			e1000sp_wr(hw, E1000SP_RCTL, rctl);
	}
}

static void hw_filters_init(struct e1000sp_adapter *ad)
{
	struct net_device *netdev = ad->netdev;
	u32 i;

	e1000sp_hw_set_rar(&ad->hw, 0, netdev->dev_addr);
	netif_addr_lock_bh(netdev);
	for (i = 0; i < E1000SP_MTA_WORDS; i++) {
		ad->mta[i] = 0;
		e1000sp_wr(&ad->hw, E1000SP_MTA(i), 0);
	}
	ad->rctl = 0;
	e1000sp_set_rx_mode(netdev);
	netif_addr_unlock_bh(netdev);
}

static int e1000sp_set_mac(struct net_device *netdev, void *p)
{
	struct e1000sp_adapter *ad = netdev_priv(netdev);
	int err;

	err = eth_prepare_mac_addr_change(netdev, p);
	if (err)
		return err;
	eth_commit_mac_addr_change(netdev, p);
	e1000sp_hw_set_rar(&ad->hw, 0, netdev->dev_addr);
	return 0;
}

/* ---- open, stop, reconfigure ------------------------------------------- */

/**
 * e1000sp_link_restore() - give the PHY the link settings ethtool set
 * @ad: the adapter, its MAC just reset and its link initialised
 *
 * A reset puts the PHY back to negotiating every mode, so settings made
 * with ethtool are applied again after each one; the defaults are left
 * alone, as restarting negotiation costs the link a while.  Failing, the
 * link stays up as the PHY left it: it says so rather than fail the open.
 */
void e1000sp_link_restore(struct e1000sp_adapter *ad)
{
	int err;

	if (ad->link.autoneg && ad->link.advertise == E1000SP_ADVERTISABLE)
		return;
	err = e1000sp_phy_apply(&ad->hw, &ad->link);
	if (err)
		netdev_warn(ad->netdev, "link settings not applied to the PHY: %d\n", err);
}

static int e1000sp_open(struct net_device *netdev)
{
	struct e1000sp_adapter *ad = netdev_priv(netdev);
	int err;

	e1000sp_hw_reset(&ad->hw);
	e1000sp_hw_init_link(&ad->hw);
	e1000sp_link_restore(ad);
	hw_filters_init(ad);
	e1000sp_set_itr(ad);
	netif_carrier_off(netdev);
	err = request_irq(ad->pdev->irq, e1000sp_intr, IRQF_SHARED, netdev->name, ad);
	if (err)
		return err;
	err = e1000sp_rings_up(ad);
	if (err) {
		free_irq(ad->pdev->irq, ad);
		return err;
	}
	netif_tx_start_all_queues(netdev);
	e1000sp_check_link(ad);
	schedule_delayed_work(&ad->watchdog, 2 * HZ);
	return 0;
}

static int e1000sp_stop(struct net_device *netdev)
{
	struct e1000sp_adapter *ad = netdev_priv(netdev);

	cancel_delayed_work_sync(&ad->watchdog);
	netif_carrier_off(netdev);
	e1000sp_rings_down(ad);
	WRITE_ONCE(ad->rings_lost, false);
	free_irq(ad->pdev->irq, ad);
	e1000sp_hw_reset(&ad->hw);
	return 0;
}

/**
 * e1000sp_reconfigure() - change a port, rebuilding its rings if it runs
 * @netdev: the port
 * @apply: the change, made while no ring exists (may be NULL)
 * @arg: for @apply
 *
 * For tagging, ring sizes and MTU.  Carrier is left alone, so the stack
 * keeps its qdisc and TCP does not back off; frames that arrive meanwhile
 * are missed, as on any NIC whose rings are being reset.
 *
 * Context: RTNL held.
 * Return: 0, or the error of @apply (rings rebuilt as they were) or of
 * rebuilding (the port then loses carrier until the watchdog's reset
 * builds its rings, or a later rebuild does).
 */
int e1000sp_reconfigure(struct net_device *netdev,
			int (*apply)(struct net_device *netdev, const void *arg),
			const void *arg)
{
	struct e1000sp_adapter *ad = netdev_priv(netdev);
	bool running = netif_running(netdev);
	int err = 0, err2;

	ASSERT_RTNL();
	if (running)
		e1000sp_rings_down(ad);
	if (apply)
		err = apply(netdev, arg);
	if (!running)
		return err;
	atomic_inc(&ad->restarts);
	err2 = e1000sp_rings_up(ad);
	WRITE_ONCE(ad->rings_lost, !!err2);
	if (err2) {
		netif_carrier_off(netdev);
		return err2;
	}
	netif_tx_wake_all_queues(netdev);
	e1000sp_check_link(ad);
	return err;
}

/* skbpool's restart callback: the tag changed, rebuild the pools. */
static int e1000sp_restart(struct net_device *netdev)
{
	return e1000sp_reconfigure(netdev, NULL, NULL);
}

static int e1000sp_apply_mtu(struct net_device *netdev, const void *arg)
{
	WRITE_ONCE(netdev->mtu, *(const int *)arg);
	return 0;
}

/* Rings that cannot be built for the new MTU are rebuilt for the old. */
static int e1000sp_change_mtu(struct net_device *netdev, int mtu)
{
	int old = netdev->mtu, err;

	err = e1000sp_reconfigure(netdev, e1000sp_apply_mtu, &mtu);
	if (err)
		e1000sp_reconfigure(netdev, e1000sp_apply_mtu, &old);
	return err;
}

static int e1000sp_set_features(struct net_device *netdev,
				netdev_features_t features)
{
	struct e1000sp_adapter *ad = netdev_priv(netdev);

	if ((netdev->features ^ features) & NETIF_F_RXCSUM)
		e1000sp_wr(&ad->hw, E1000SP_RXCSUM, features & NETIF_F_RXCSUM ?
			   E1000SP_RXCSUM_IPOFL | E1000SP_RXCSUM_TUOFL : 0);
	return 0;
}

static void e1000sp_tx_timeout(struct net_device *netdev, unsigned int txqueue)
{
	struct e1000sp_adapter *ad = netdev_priv(netdev);

	atomic_inc(&ad->tx_timeouts);
	netdev_warn(netdev, "transmit timed out (TDH %u TDT %u), resetting\n",
		    e1000sp_rd(&ad->hw, E1000SP_TDH), e1000sp_rd(&ad->hw, E1000SP_TDT));
	schedule_work(&ad->reset_work);
}

/**
 * e1000sp_reset() - reset the MAC of a running port, keeping its rings
 * @ad: the port
 *
 * After a TX timeout, and for ethtool --reset.  It may come when memory
 * has run out and the machine swaps over this port, so it allocates
 * nothing: the rings, their pools and the buffers posted on them stay,
 * and go back to the reset device as they were; only buffers the ring
 * lacked before are posted, from the pool as a NAPI poll would.  A port a
 * failed rebuild left without rings gets them allocated here.
 *
 * Context: process, RTNL held; sleeps (MDIC polling, the DMA drain).
 * Return: 0, or the error of allocating rings the port had lost.
 */
int e1000sp_reset(struct e1000sp_adapter *ad)
{
	struct net_device *netdev = ad->netdev;
	bool rings = !!ad->rx.desc;
	int err;

	ASSERT_RTNL();
	if (!netif_running(netdev))
		return 0;
	if (rings) {
		e1000sp_rings_stop(ad);
		rx_rewind(&ad->rx);
	}
	e1000sp_hw_reset(&ad->hw);
	e1000sp_hw_init_link(&ad->hw);
	e1000sp_link_restore(ad);
	hw_filters_init(ad);
	e1000sp_set_itr(ad);
	atomic_inc(&ad->restarts);
	if (rings) {
		e1000sp_rings_start(ad);
	} else {
		err = e1000sp_rings_up(ad);
		WRITE_ONCE(ad->rings_lost, !!err);
		if (err) {
			netif_carrier_off(netdev);
			return err;
		}
	}
	netif_tx_wake_all_queues(netdev);
	e1000sp_check_link(ad);
	return 0;
}

static void e1000sp_reset_task(struct work_struct *work)
{
	struct e1000sp_adapter *ad = container_of(work, struct e1000sp_adapter,
						  reset_work);

	rtnl_lock();
	e1000sp_reset(ad);
	rtnl_unlock();
}

static void e1000sp_watchdog(struct work_struct *work)
{
	struct e1000sp_adapter *ad = container_of(work, struct e1000sp_adapter,
						  watchdog.work);

	e1000sp_hw_update_stats(&ad->hw);
	e1000sp_check_link(ad);
	/* A failed rebuild left no rings: try again, memory may be back. */
	if (READ_ONCE(ad->rings_lost))
		schedule_work(&ad->reset_work);
	schedule_delayed_work(&ad->watchdog, 2 * HZ);
}

static const struct net_device_ops e1000sp_netdev_ops = {
	.ndo_open		= e1000sp_open,
	.ndo_stop		= e1000sp_stop,
	.ndo_start_xmit		= e1000sp_xmit,
	.ndo_get_stats64	= e1000sp_get_stats64,
	.ndo_set_rx_mode	= e1000sp_set_rx_mode,
	.ndo_set_mac_address	= e1000sp_set_mac,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_change_mtu		= e1000sp_change_mtu,
	.ndo_set_features	= e1000sp_set_features,
	.ndo_tx_timeout		= e1000sp_tx_timeout,
};

static const struct skbpool_dev_ops e1000sp_skbpool_ops = {
	.restart = e1000sp_restart,
};

/* ---- PCI --------------------------------------------------------------- */

static int e1000sp_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct e1000sp_adapter *ad;
	struct net_device *netdev;
	u8 mac[ETH_ALEN];
	void __iomem *regs;
	int err;

	err = pcim_enable_device(pdev);
	if (err)
		return err;
	regs = pcim_iomap_region(pdev, 0, E1000SP_DRV_NAME);
	if (IS_ERR(regs))
		return PTR_ERR(regs);
	err = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (err)
		return err;
	pci_set_master(pdev);

	netdev = alloc_etherdev(sizeof(*ad));
	if (!netdev)
		return -ENOMEM;
	SET_NETDEV_DEV(netdev, &pdev->dev);
	pci_set_drvdata(pdev, netdev);
	ad = netdev_priv(netdev);
	ad->netdev = netdev;
	e1000sp_link_cfg_default(&ad->link);
	ad->pdev = pdev;
	ad->hw.regs = regs;
	spin_lock_init(&ad->hw.stats_lock);
	/* QEMU's model keeps some statistics as running totals (hw.c). */
	ad->hw.totals_quirk = pdev->subsystem_vendor == PCI_SUBVENDOR_ID_REDHAT_QUMRANET;
	ad->rx_ring_size = E1000SP_DEF_RING;
	ad->tx_ring_size = E1000SP_DEF_RING;
	ad->rx_usecs = E1000SP_DEF_RX_USECS;
	u64_stats_init(&ad->rx.syncp);
	u64_stats_init(&ad->tx.syncp);
	timer_setup(&ad->rx.refill, rx_refill_retry, 0);
	INIT_WORK(&ad->reset_work, e1000sp_reset_task);
	INIT_DELAYED_WORK(&ad->watchdog, e1000sp_watchdog);

	e1000sp_hw_reset(&ad->hw);
	/* Whatever a previous driver left counted is not ours. */
	memset(ad->hw.stats, 0, sizeof(ad->hw.stats));
	err = e1000sp_hw_read_mac(&ad->hw, mac);
	if (err) {
		dev_warn(&pdev->dev, "no valid MAC address in the EEPROM (%d), using a random one\n",
			 err);
		eth_hw_addr_random(netdev);
	} else {
		eth_hw_addr_set(netdev, mac);
	}

	netdev->netdev_ops = &e1000sp_netdev_ops;
	netdev->ethtool_ops = &e1000sp_ethtool_ops;
	netdev->watchdog_timeo = 5 * HZ;
	/* No NETIF_F_TSO6: see tx_tso(). */
	netdev->hw_features = NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_RXCSUM |
			      NETIF_F_TSO;
	netdev->features = netdev->hw_features | NETIF_F_HIGHDMA;
	netdev->vlan_features = netdev->features & ~NETIF_F_RXCSUM;
	netdev->priv_flags |= IFF_UNICAST_FLT | IFF_LIVE_ADDR_CHANGE;
	netdev->min_mtu = ETH_MIN_MTU;
	netdev->max_mtu = E1000SP_MAX_MTU;
	netif_napi_add(netdev, &ad->napi, e1000sp_poll);

	ad->pool_dev = skbpool_dev_register(netdev, &pdev->dev, &e1000sp_skbpool_ops);
	if (IS_ERR(ad->pool_dev)) {
		err = PTR_ERR(ad->pool_dev);
		goto err_napi;
	}
	netif_carrier_off(netdev);
	err = register_netdev(netdev);
	if (err)
		goto err_pool;
	netdev_info(netdev, "82540EM-class at %s, MAC %pM\n", pci_name(pdev),
		    netdev->dev_addr);
	return 0;

err_pool:
	skbpool_dev_unregister(ad->pool_dev);
err_napi:
	netif_napi_del(&ad->napi);
	free_netdev(netdev);
	return err;
}

static void e1000sp_remove(struct pci_dev *pdev)
{
	struct net_device *netdev = pci_get_drvdata(pdev);
	struct e1000sp_adapter *ad = netdev_priv(netdev);

	unregister_netdev(netdev);
	cancel_work_sync(&ad->reset_work);
	skbpool_dev_unregister(ad->pool_dev);
	netif_napi_del(&ad->napi);
	free_netdev(netdev);
}

static const struct pci_device_id e1000sp_ids[] = {
	{ PCI_VDEVICE(INTEL, 0x100e) },	/* 82540EM, QEMU's "e1000" */
	{ PCI_VDEVICE(INTEL, 0x100f) },	/* 82545EM copper, QEMU's "e1000-82545em" */
	{ }
};
MODULE_DEVICE_TABLE(pci, e1000sp_ids);

static struct pci_driver e1000sp_driver = {
	.name		= E1000SP_DRV_NAME,
	.id_table	= e1000sp_ids,
	.probe		= e1000sp_probe,
	.remove		= e1000sp_remove,
};
module_pci_driver(e1000sp_driver);

MODULE_DESCRIPTION("Intel 82540EM Ethernet driver with skbpool reserves");
MODULE_LICENSE("GPL");
