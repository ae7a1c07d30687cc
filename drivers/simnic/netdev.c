// SPDX-License-Identifier: GPL-2.0
/*
 * simnic data path: rings, NAPI, and the "device" that copies a sent frame
 * into the buffer its peer posted.
 */
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <net/checksum.h>
#include <net/ip6_checksum.h>
#include <net/rtnetlink.h>

#include "simnic.h"

static u32 simnic_frame_len(const struct net_device *netdev)
{
	return netdev->mtu + ETH_HLEN + 2 * VLAN_HLEN;
}

static struct device *simnic_dma_dev(const struct simnic_port *port)
{
	return &port->sdev->dev;
}

static u32 rx_buf_len(const struct simnic_rxq *rx)
{
	return rx->pool ? skbpool_rx_buf_len(rx->pool) :
			  simnic_frame_len(rx->port->netdev);
}

/* NAPI's counters: see struct simnic_rx_stats. */
static void rx_count(struct simnic_rxq *rx, u64_stats_t *counter, u32 n)
{
	u64_stats_update_begin(&rx->syncp);
	u64_stats_add(counter, n);
	u64_stats_update_end(&rx->syncp);
}

/* The device's counters.  Context: hw_lock held. */
static void rx_hw_count(struct simnic_rxq *rx, u32 missed, u32 too_long)
{
	lockdep_assert_held(&rx->hw_lock);
	u64_stats_update_begin(&rx->hw_syncp);
	u64_stats_add(&rx->hw_stats.missed, missed);
	u64_stats_add(&rx->hw_stats.length_errors, too_long);
	u64_stats_update_end(&rx->hw_syncp);
}

/* Post one empty buffer at @d: from the pool when tagged, else the stock
 * way, a fresh skb mapped for the device, as in-tree drivers do.
 */
static int rx_post(struct simnic_rxq *rx, struct napi_struct *napi,
		   struct simnic_rx_desc *d)
{
	struct device *dev = simnic_dma_dev(rx->port);
	struct sk_buff *skb;
	dma_addr_t dma;
	int id;

	if (unlikely(atomic_add_unless(&rx->port->faults.fail_rx_alloc, -1, 0)))
		return -ENOMEM;
	if (rx->pool) {
		id = skbpool_rx_get(rx->pool, &dma);
		if (id < 0)
			return id;
		d->id = id;
		d->va = skbpool_rx_va(rx->pool, id);
		d->dma = dma;
		return 0;
	}
	skb = napi_alloc_skb(napi, simnic_frame_len(rx->port->netdev));
	if (!skb)
		return -ENOMEM;
	dma = dma_map_single(dev, skb->data, simnic_frame_len(rx->port->netdev),
			     DMA_FROM_DEVICE);
	if (dma_mapping_error(dev, dma)) {
		dev_kfree_skb_any(skb);
		return -ENOMEM;
	}
	d->skb = skb;
	d->va = skb->data;
	d->dma = dma;
	return 0;
}

static void rx_refill(struct simnic_rxq *rx, struct napi_struct *napi)
{
	u32 ntu = rx->next_to_use, failed = 0;

	while (ntu - rx->next_to_clean < rx->size) {
		if (rx_post(rx, napi, &rx->desc[ntu & (rx->size - 1)])) {
			failed++;
			break;
		}
		ntu++;
	}
	/* The device may use the buffers once it sees the index. */
	smp_store_release(&rx->next_to_use, ntu);
	if (failed)
		rx_count(rx, &rx->stats.alloc_failed, failed);
}

static struct sk_buff *rx_take(struct simnic_rxq *rx, struct simnic_rx_desc *d)
{
	struct sk_buff *skb;

	if (rx->pool)
		return skbpool_rx_build(rx->pool, d->id, d->len);
	dma_unmap_single(simnic_dma_dev(rx->port), d->dma,
			 simnic_frame_len(rx->port->netdev), DMA_FROM_DEVICE);
	skb = d->skb;
	d->skb = NULL;
	skb_put(skb, d->len);
	return skb;
}

static int rx_clean(struct simnic_rxq *rx, struct napi_struct *napi, int budget)
{
	/* Pairs with the release in simnic_hw_receive(). */
	u32 hw = smp_load_acquire(&rx->hw_head);
	u32 packets = 0, bytes = 0, dropped = 0;

	while (rx->next_to_clean != hw && packets < budget) {
		struct simnic_rx_desc *d = &rx->desc[rx->next_to_clean & (rx->size - 1)];
		struct sk_buff *skb = rx_take(rx, d);

		rx->next_to_clean++;
		if (unlikely(!skb)) {
			dropped++;
			continue;
		}
		bytes += skb->len;
		skb->protocol = eth_type_trans(skb, rx->port->netdev);
		napi_gro_receive(napi, skb);
		packets++;
	}
	u64_stats_update_begin(&rx->syncp);
	u64_stats_add(&rx->stats.packets, packets);
	u64_stats_add(&rx->stats.bytes, bytes);
	u64_stats_add(&rx->stats.dropped, dropped);
	u64_stats_update_end(&rx->syncp);
	return packets;
}

static void tx_reap(struct simnic_txq *tx, int budget)
{
	/* Pairs with the release in simnic_xmit(). */
	u32 hw = smp_load_acquire(&tx->hw_done), ntc = tx->next_to_clean;
	struct netdev_queue *nq;

	if (ntc == hw)
		return;
	for (; ntc != hw; ntc++) {
		struct simnic_tx_desc *d = &tx->desc[ntc & (tx->size - 1)];

		if (d->bounce >= 0)
			skbpool_tx_complete(tx->bounce, d->bounce);
		if (d->skb)
			napi_consume_skb(d->skb, budget);
		d->skb = NULL;
	}
	/* xmit reads it to know the ring has room. */
	smp_store_release(&tx->next_to_clean, ntc);
	nq = netdev_get_tx_queue(tx->port->netdev, tx->index);
	/* Not while the rings are being torn down: xmit would use them. */
	if (netif_tx_queue_stopped(nq) && READ_ONCE(tx->port->rings_ready))
		netif_tx_wake_queue(nq);
}

static int simnic_poll(struct napi_struct *napi, int budget)
{
	struct simnic_qpair *qp = container_of(napi, struct simnic_qpair, napi);
	int done;

	tx_reap(&qp->tx, budget);
	skbpool_rx_napi_begin(qp->rx.pool);
	done = rx_clean(&qp->rx, napi, budget);
	rx_refill(&qp->rx, napi);
	if (done < budget)
		napi_complete_done(napi, done);
	return done;
}

static enum hrtimer_restart simnic_moderation_fire(struct hrtimer *t)
{
	struct simnic_rxq *rx = container_of(t, struct simnic_rxq, moderation);
	struct simnic_qpair *qp = container_of(rx, struct simnic_qpair, rx);

	napi_schedule(&qp->napi);
	return HRTIMER_NORESTART;
}

/* The device's receive interrupt, moderated by rx-usecs. */
static void simnic_rx_irq(struct simnic_port *port, struct simnic_qpair *qp)
{
	u32 usecs = READ_ONCE(port->rx_usecs);

	if (!usecs) {
		napi_schedule(&qp->napi);
		return;
	}
	if (!hrtimer_is_queued(&qp->rx.moderation))
		hrtimer_start(&qp->rx.moderation, ns_to_ktime((u64)usecs * NSEC_PER_USEC),
			      HRTIMER_MODE_REL);
}

/*
 * The checksum offload the port advertises (NETIF_F_HW_CSUM), done for
 * real: the device sums the copy it wrote and stores the result where the
 * stack asked, as skb_checksum_help() would have on the host.
 */
static void hw_checksum(const struct sk_buff *skb, u8 *frame, u32 len)
{
	u32 start = skb_checksum_start_offset(skb);
	__wsum csum;

	if (skb->ip_summed != CHECKSUM_PARTIAL || start >= len)
		return;
	csum = csum_partial(frame + start, len - start, 0);
	/* A sum of zero goes out as 0xffff: to UDP, 0 means "no checksum". */
	*(__sum16 *)(frame + start + skb->csum_offset) =
		csum_fold(csum) ?: CSUM_MANGLED_0;
}

/*
 * TCP segmentation as the device does it (NETIF_F_TSO, NETIF_F_TSO6):
 * segment @seg of a GSO frame is its headers, patched as tcp_gso_segment()
 * would, and the next gso_size bytes of payload; the IP and TCP checksums
 * are computed over the copy.
 */
static void hw_tso_segment(const struct sk_buff *skb, u32 hdr_len, u32 seg,
			   u32 seg_len, bool last, u8 *frame)
{
	u32 mss = skb_shinfo(skb)->gso_size, nh = skb_network_offset(skb);
	u32 thoff = skb_transport_offset(skb), tcp_len = hdr_len - thoff + seg_len;
	struct tcphdr *th = (struct tcphdr *)(frame + thoff);
	__wsum csum;

	skb_copy_bits(skb, 0, frame, hdr_len);
	skb_copy_bits(skb, hdr_len + seg * mss, frame + hdr_len, seg_len);
	th->seq = htonl(ntohl(th->seq) + seg * mss);
	if (seg)
		th->cwr = 0;
	if (!last) {
		th->fin = 0;
		th->psh = 0;
	}
	th->check = 0;
	csum = csum_partial(th, tcp_len, 0);
	if (skb_shinfo(skb)->gso_type & SKB_GSO_TCPV4) {
		struct iphdr *iph = (struct iphdr *)(frame + nh);

		iph->tot_len = htons(hdr_len - nh + seg_len);
		iph->id = htons(ntohs(iph->id) + seg);
		iph->check = 0;
		iph->check = ip_fast_csum(iph, iph->ihl);
		th->check = csum_tcpudp_magic(iph->saddr, iph->daddr, tcp_len,
					      IPPROTO_TCP, csum);
	} else {
		struct ipv6hdr *ip6h = (struct ipv6hdr *)(frame + nh);

		ip6h->payload_len = htons(hdr_len - nh - sizeof(*ip6h) + seg_len);
		th->check = csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr, tcp_len,
					    IPPROTO_TCP, csum);
	}
}

/*
 * The peer's device receiving what @port sends: @frames frames (one, or
 * one per TSO segment after @hdr_len bytes of headers), each into the next
 * buffer posted on the RX queue matching @qid, or missed when there is
 * none.
 */
static void simnic_hw_receive(struct simnic_port *port, struct simnic_port *peer,
			      u32 qid, const struct sk_buff *skb,
			      const void *bounce, u32 len, u32 frames, u32 hdr_len)
{
	u32 nr = READ_ONCE(peer->netdev->real_num_rx_queues), head, posted, i;
	u32 mss = skb_shinfo(skb)->gso_size, missed = 0, too_long = 0, buf_len;
	struct simnic_qpair *qp;
	struct simnic_rxq *rx;

	while (qid >= nr)
		qid -= nr;
	qp = &peer->qp[qid];
	rx = &qp->rx;

	spin_lock(&rx->hw_lock);
	if (!rx->hw_enabled) {
		rx_hw_count(rx, frames, 0);
		spin_unlock(&rx->hw_lock);
		return;
	}
	head = rx->hw_head;
	/* Pairs with the release in rx_refill(): the buffers are posted. */
	posted = smp_load_acquire(&rx->next_to_use);
	buf_len = rx_buf_len(rx);
	for (i = 0; i < frames; i++) {
		u32 flen = hdr_len ? hdr_len + min(mss, skb->len - hdr_len - i * mss) : len;
		struct simnic_rx_desc *d;
		u8 *frame;

		if (head == posted) {
			missed = frames - i;
			break;
		}
		if (flen > buf_len) {
			too_long++;
			continue;
		}
		d = &rx->desc[head & (rx->size - 1)];
		frame = d->va;
		if (hdr_len) {
			hw_tso_segment(skb, hdr_len, i, flen - hdr_len, i == frames - 1, frame);
		} else {
			if (bounce)
				memcpy(frame, bounce, len);
			else
				skb_copy_bits(skb, 0, frame, len);
			hw_checksum(skb, frame, len);
		}
		if (unlikely(atomic_add_unless(&port->faults.corrupt_next, -1, 0)))
			frame[flen - 1] ^= 0xff;
		d->len = flen;
		head++;
	}
	/* The frames and their lengths before the index: pairs with rx_clean(). */
	smp_store_release(&rx->hw_head, head);
	if (missed || too_long)
		rx_hw_count(rx, missed, too_long);
	spin_unlock(&rx->hw_lock);
	/* Also when all were missed: NAPI refills the ring. */
	if (too_long < frames)
		simnic_rx_irq(peer, qp);
}

static bool simnic_wire_up(const struct simnic_port *a, const struct simnic_port *b)
{
	return !READ_ONCE(a->faults.link_down) && !READ_ONCE(b->faults.link_down) &&
	       netif_running(b->netdev) && netif_carrier_ok(a->netdev);
}

static netdev_tx_t simnic_xmit(struct sk_buff *skb, struct net_device *netdev)
{
	struct simnic_port *port = netdev_priv(netdev), *peer;
	u16 qid = skb_get_queue_mapping(skb);
	struct simnic_qpair *qp = &port->qp[qid];
	struct simnic_txq *tx = &qp->tx;
	const void *bounce = NULL;
	u32 ntu = tx->next_to_use, len = skb->len, frames = 1, hdr_len = 0;
	struct simnic_tx_desc *d;
	dma_addr_t dma;

	/* Pairs with the release in tx_reap(). */
	if (unlikely(ntu - smp_load_acquire(&tx->next_to_clean) >= tx->size)) {
		netif_stop_subqueue(netdev, qid);
		return NETDEV_TX_BUSY;
	}
	d = &tx->desc[ntu & (tx->size - 1)];
	d->skb = skb;
	d->bounce = -1;
	skbpool_tx_note(tx->bounce, skb);
	if (skbpool_tx_wants_bounce(tx->bounce, skb)) {
		int id = skbpool_tx_bounce(tx->bounce, skb, &dma, &len);

		if (id >= 0) {
			d->bounce = id;
			bounce = skbpool_tx_va(tx->bounce, id);
		} else {
			len = skb->len;
		}
	}

	/* Counted as the wire sees them: one frame per TSO segment. */
	if (skb_is_gso(skb)) {
		hdr_len = skb_tcp_all_headers(skb);
		frames = DIV_ROUND_UP(skb->len - hdr_len, skb_shinfo(skb)->gso_size);
	}

	rcu_read_lock();
	peer = rcu_dereference(port->peer);
	if (peer && simnic_wire_up(port, peer)) {
		simnic_hw_receive(port, peer, qid, skb, bounce, len, frames, hdr_len);
		u64_stats_update_begin(&tx->syncp);
		u64_stats_add(&tx->stats.packets, frames);
		u64_stats_add(&tx->stats.bytes, skb->len + (frames - 1) * hdr_len);
		u64_stats_update_end(&tx->syncp);
	} else {
		u64_stats_update_begin(&tx->syncp);
		u64_stats_add(&tx->stats.dropped, frames);
		u64_stats_update_end(&tx->syncp);
	}
	rcu_read_unlock();

	tx->next_to_use = ntu + 1;
	if (!READ_ONCE(port->faults.stall_tx_completions))
		/* The descriptor before its completion: pairs with tx_reap(). */
		smp_store_release(&tx->hw_done, ntu + 1);
	napi_schedule(&qp->napi);

	if (unlikely(ntu + 1 - READ_ONCE(tx->next_to_clean) >= tx->size)) {
		netif_stop_subqueue(netdev, qid);
		/* Reap may have made room between the check and the stop. */
		smp_mb();
		if (ntu + 1 - READ_ONCE(tx->next_to_clean) < tx->size)
			netif_start_subqueue(netdev, qid);
	}
	return NETDEV_TX_OK;
}

/*
 * The device completes every descriptor it was given, as when a stalled TX
 * engine resumes or is reset.  Context: the queue's xmit lock held.
 */
static void tx_complete_all(struct simnic_qpair *qp)
{
	/* The descriptors before their completion: pairs with tx_reap(). */
	smp_store_release(&qp->tx.hw_done, qp->tx.next_to_use);
	napi_schedule(&qp->napi);
}

/**
 * simnic_tx_resume() - the stall_tx_completions fault was cleared
 * @port: the port
 *
 * What the stall held back completes now; without this a queue the stall
 * filled would stay stopped, as nothing else would transmit on it.
 *
 * Context: RTNL held.
 */
void simnic_tx_resume(struct simnic_port *port)
{
	u32 i;

	ASSERT_RTNL();
	if (!port->rings_ready)
		return;
	for (i = 0; i < port->netdev->real_num_tx_queues; i++) {
		struct netdev_queue *nq = netdev_get_tx_queue(port->netdev, i);

		__netif_tx_lock_bh(nq);
		tx_complete_all(&port->qp[i]);
		__netif_tx_unlock_bh(nq);
	}
}

/*
 * The TX watchdog found a queue stopped for watchdog_timeo: reset its TX
 * engine as an e1000 would, completing what it held.  A stall fault left
 * set stalls it again.  Context: every xmit lock held (dev_watchdog()), so
 * simnic_rings_down() is either done with netif_tx_disable() (and
 * rings_ready is already false) or has not reached it.
 */
static void simnic_tx_timeout(struct net_device *netdev, unsigned int txqueue)
{
	struct simnic_port *port = netdev_priv(netdev);

	if (READ_ONCE(port->rings_ready))
		tx_complete_all(&port->qp[txqueue]);
}

/* Rings and pools of a queue pair with nothing posted or pending. */
static void qpair_free(struct simnic_qpair *qp)
{
	skbpool_txq_destroy(qp->tx.bounce);
	qp->tx.bounce = NULL;
	skbpool_rxq_destroy(qp->rx.pool);
	qp->rx.pool = NULL;
	kvfree(qp->rx.desc);
	kvfree(qp->tx.desc);
	qp->rx.desc = NULL;
	qp->tx.desc = NULL;
}

static int qpair_up(struct simnic_port *port, u32 i)
{
	struct skbpool_rxq_params params = {
		.qid = i,
		.ring_size = port->rx_ring_size,
		.frame_len = simnic_frame_len(port->netdev),
	};
	struct simnic_qpair *qp = &port->qp[i];
	struct simnic_rxq *rx = &qp->rx;
	struct simnic_txq *tx = &qp->tx;
	int err = -ENOMEM;

	rx->size = port->rx_ring_size;
	rx->next_to_use = 0;
	rx->next_to_clean = 0;
	rx->hw_head = 0;
	rx->desc = kvcalloc(rx->size, sizeof(*rx->desc), GFP_KERNEL);
	tx->size = port->tx_ring_size;
	tx->next_to_use = 0;
	tx->next_to_clean = 0;
	tx->hw_done = 0;
	tx->desc = kvcalloc(tx->size, sizeof(*tx->desc), GFP_KERNEL);
	if (!rx->desc || !tx->desc)
		goto err;
	rx->pool = skbpool_rxq_create(port->pool_dev, &params);
	if (IS_ERR(rx->pool)) {
		err = PTR_ERR(rx->pool);
		rx->pool = NULL;
		goto err;
	}
	tx->bounce = skbpool_txq_create(port->pool_dev, i, tx->size);
	if (IS_ERR(tx->bounce)) {
		err = PTR_ERR(tx->bounce);
		tx->bounce = NULL;
		goto err;
	}
	local_bh_disable();
	rx_refill(rx, &qp->napi);
	local_bh_enable();
	spin_lock_bh(&rx->hw_lock);
	rx->hw_enabled = true;
	spin_unlock_bh(&rx->hw_lock);
	napi_enable(&qp->napi);
	return 0;
err:
	qpair_free(qp);
	return err;
}

/* The device stops writing (no peer touches the ring after this) and the
 * queue's NAPI stops (nothing reaps or wakes the TX queue).
 */
static void qpair_quiesce(struct simnic_port *port, u32 i)
{
	struct simnic_qpair *qp = &port->qp[i];

	spin_lock_bh(&qp->rx.hw_lock);
	qp->rx.hw_enabled = false;
	spin_unlock_bh(&qp->rx.hw_lock);
	hrtimer_cancel(&qp->rx.moderation);
	napi_disable(&qp->napi);
}

/* Free a quiesced queue pair's rings and pools. */
static void qpair_down(struct simnic_port *port, u32 i)
{
	struct simnic_qpair *qp = &port->qp[i];
	struct simnic_rxq *rx = &qp->rx;
	struct simnic_txq *tx = &qp->tx;
	u32 n;

	/*
	 * Frames the device wrote that NAPI never cleaned: the wire carried
	 * them and the host throws them away, so they are dropped, as the
	 * counters' sum (frames sent = received + dropped + missed + too
	 * long) says.  No writer or reader is left; quiesce ordered hw_head.
	 */
	rx_count(rx, &rx->stats.dropped, rx->hw_head - rx->next_to_clean);
	if (!rx->pool) {
		for (n = rx->next_to_clean; n != rx->next_to_use; n++) {
			struct simnic_rx_desc *d = &rx->desc[n & (rx->size - 1)];

			dma_unmap_single(simnic_dma_dev(port), d->dma,
					 simnic_frame_len(port->netdev), DMA_FROM_DEVICE);
			dev_kfree_skb_any(d->skb);
		}
	}
	/* Stalled or not, the device is gone: complete everything. */
	tx->hw_done = tx->next_to_use;
	local_bh_disable();
	tx_reap(tx, 0);
	local_bh_enable();
	qpair_free(qp);
}

static int simnic_rings_up(struct simnic_port *port)
{
	u32 i, nr = port->netdev->real_num_rx_queues;
	int err;

	for (i = 0; i < nr; i++) {
		err = qpair_up(port, i);
		if (err)
			goto err;
	}
	port->rings_up = true;
	return 0;
err:
	while (i--) {
		qpair_quiesce(port, i);
		qpair_down(port, i);
	}
	return err;
}

/*
 * Order matters: stop reaping (which would wake the TX queues) before the
 * TX queues are disabled, and disable them before the rings go.
 */
static void simnic_rings_down(struct simnic_port *port)
{
	u32 i, nr = port->netdev->real_num_rx_queues;

	/* A rebuild that failed left none: NAPI is already disabled. */
	if (!port->rings_up)
		return;
	port->rings_up = false;
	WRITE_ONCE(port->rings_ready, false);
	for (i = 0; i < nr; i++)
		qpair_quiesce(port, i);
	/* Carrier may stay on (simnic_reconfigure()): a queue stopped for a
	 * rebuild is not a hung one to the TX watchdog.
	 */
	for (i = 0; i < port->netdev->real_num_tx_queues; i++)
		txq_trans_cond_update(netdev_get_tx_queue(port->netdev, i));
	netif_tx_disable(port->netdev);
	for (i = 0; i < nr; i++)
		qpair_down(port, i);
}

static int simnic_open(struct net_device *netdev)
{
	struct simnic_port *port = netdev_priv(netdev);
	int err;

	err = simnic_rings_up(port);
	if (err)
		return err;
	WRITE_ONCE(port->rings_ready, true);
	netif_tx_start_all_queues(netdev);
	simnic_update_carrier(port);
	return 0;
}

static int simnic_stop(struct net_device *netdev)
{
	struct simnic_port *port = netdev_priv(netdev);

	netif_carrier_off(netdev);
	simnic_update_carrier(port);
	simnic_rings_down(port);
	return 0;
}

/**
 * simnic_reconfigure() - change a port, rebuilding its rings if it runs
 * @netdev: the port
 * @apply: the change, made while no ring exists (may be NULL)
 * @arg: for @apply
 *
 * For tagging, ring sizes, MTU and channel count.  The link stays up:
 * carrier is not touched, so the stack neither tears down its qdisc nor
 * backs TCP off; frames the peer sends meanwhile are missed, as on a NIC
 * whose rings are being reset.
 *
 * Context: RTNL held.
 * Return: 0, or the error of @apply (rings rebuilt as they were) or of
 * rebuilding (the port then loses carrier).
 */
int simnic_reconfigure(struct net_device *netdev,
		       int (*apply)(struct net_device *netdev, const void *arg),
		       const void *arg)
{
	struct simnic_port *port = netdev_priv(netdev);
	bool running = netif_running(netdev);
	int err = 0, err2;

	ASSERT_RTNL();
	if (running)
		simnic_rings_down(port);
	if (apply)
		err = apply(netdev, arg);
	if (!running)
		return err;
	err2 = simnic_rings_up(port);
	if (err2) {
		netif_carrier_off(netdev);
		simnic_update_carrier(port);
		return err2;
	}
	WRITE_ONCE(port->rings_ready, true);
	netif_tx_wake_all_queues(netdev);
	return err;
}

/* skbpool's restart callback: the tag changed, rebuild the pools. */
static int simnic_restart(struct net_device *netdev)
{
	return simnic_reconfigure(netdev, NULL, NULL);
}

static int simnic_apply_mtu(struct net_device *netdev, const void *arg)
{
	WRITE_ONCE(netdev->mtu, *(const int *)arg);
	return 0;
}

static int simnic_change_mtu(struct net_device *netdev, int mtu)
{
	return simnic_reconfigure(netdev, simnic_apply_mtu, &mtu);
}

/*
 * The device segments TCP with a pseudo-header taken from the IPv6 header,
 * which behind a routing header names the next hop, not the final
 * destination the checksum covers (RFC 8200, 8.1), as hardware that
 * parses only the base header would.  The core keeps such frames from TSO
 * only on NETIF_F_IPV6_CSUM devices; a NETIF_F_HW_CSUM one asks for them
 * to be segmented in software.
 */
static netdev_features_t simnic_features_check(struct sk_buff *skb,
					       struct net_device *netdev,
					       netdev_features_t features)
{
	features = vlan_features_check(skb, features);
	if (skb_is_gso(skb) && skb_shinfo(skb)->gso_type & SKB_GSO_TCPV6 &&
	    skb_network_header_len(skb) != sizeof(struct ipv6hdr))
		features &= ~NETIF_F_GSO_MASK;
	return features;
}

const struct net_device_ops simnic_netdev_ops = {
	.ndo_open		= simnic_open,
	.ndo_stop		= simnic_stop,
	.ndo_start_xmit		= simnic_xmit,
	.ndo_features_check	= simnic_features_check,
	.ndo_tx_timeout		= simnic_tx_timeout,
	.ndo_get_stats64	= simnic_get_stats64,
	.ndo_change_mtu		= simnic_change_mtu,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
};

static const struct skbpool_dev_ops simnic_skbpool_ops = {
	.restart = simnic_restart,
};

/*
 * Everything of a port but its netdev.  The NAPI contexts live in
 * @port->qp, which free_netdev() must not see.  Runs without RTNL (from
 * netdev_run_todo() for a registered port), so removing the knobs cannot
 * deadlock with a knob write waiting for RTNL.
 */
static void simnic_port_release(struct net_device *netdev)
{
	struct simnic_port *port = netdev_priv(netdev);
	u32 i;

	debugfs_remove_recursive(port->ddir);
	skbpool_dev_unregister(port->pool_dev);
	for (i = 0; port->qp && i < SIMNIC_MAX_QUEUES; i++)
		netif_napi_del(&port->qp[i].napi);
	kfree(port->qp);
}

/**
 * simnic_port_create() - one port: a netdev with its queues
 * @sdev: the device
 * @index: the port's index on it
 *
 * Return: 0 or a negative errno.
 */
int simnic_port_create(struct simnic_dev *sdev, u32 index)
{
	struct net_device *netdev;
	struct simnic_port *port;
	int err = -ENOMEM;
	u32 i;

	netdev = alloc_etherdev_mqs(sizeof(*port), SIMNIC_MAX_QUEUES, SIMNIC_MAX_QUEUES);
	if (!netdev)
		return -ENOMEM;
	SET_NETDEV_DEV(netdev, &sdev->dev);
	port = netdev_priv(netdev);
	port->netdev = netdev;
	port->sdev = sdev;
	port->port_index = index;
	port->rx_ring_size = SIMNIC_DEF_RING;
	port->tx_ring_size = SIMNIC_DEF_RING;
	port->qp = kcalloc(SIMNIC_MAX_QUEUES, sizeof(*port->qp), GFP_KERNEL);
	if (!port->qp)
		goto err_free;
	for (i = 0; i < SIMNIC_MAX_QUEUES; i++) {
		struct simnic_qpair *qp = &port->qp[i];

		qp->rx.port = port;
		qp->rx.index = i;
		qp->tx.port = port;
		qp->tx.index = i;
		spin_lock_init(&qp->rx.hw_lock);
		u64_stats_init(&qp->rx.syncp);
		u64_stats_init(&qp->rx.hw_syncp);
		u64_stats_init(&qp->tx.syncp);
		hrtimer_init(&qp->rx.moderation, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
		qp->rx.moderation.function = simnic_moderation_fire;
		netif_napi_add(netdev, &qp->napi, simnic_poll);
	}
	netif_set_real_num_tx_queues(netdev, sdev->nr_queues);
	netif_set_real_num_rx_queues(netdev, sdev->nr_queues);

	netdev->netdev_ops = &simnic_netdev_ops;
	netdev->ethtool_ops = &simnic_ethtool_ops;
	simnic_qstats_attach(netdev);
	netdev->rtnl_link_ops = &simnic_link_ops;
	netdev->features = NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_HIGHDMA |
			   NETIF_F_TSO | NETIF_F_TSO6;
	netdev->hw_features = netdev->features;
	/* The device takes every frame whatever its address: nothing to
	 * reprogram, so the address may change while the port runs.
	 */
	netdev->priv_flags |= IFF_LIVE_ADDR_CHANGE;
	netdev->min_mtu = ETH_MIN_MTU;
	netdev->max_mtu = SIMNIC_MAX_MTU;
	eth_hw_addr_random(netdev);
	netif_carrier_off(netdev);

	port->pool_dev = skbpool_dev_register(netdev, &sdev->dev, &simnic_skbpool_ops);
	if (IS_ERR(port->pool_dev)) {
		err = PTR_ERR(port->pool_dev);
		port->pool_dev = NULL;
		goto err_free;
	}
	simnic_debugfs_port_init(port);
	/*
	 * From here on the port may be deleted (ip link del) at any time, so
	 * it becomes the netdev core's to free, and sdev->ports (under RTNL)
	 * learns of it, before RTNL is dropped.
	 */
	rtnl_lock();
	err = register_netdevice(netdev);
	if (!err) {
		netdev->priv_destructor = simnic_port_release;
		netdev->needs_free_netdev = true;
		sdev->ports[index] = port;
	}
	rtnl_unlock();
	if (err)
		goto err_free;
	return 0;
err_free:
	simnic_port_release(netdev);
	free_netdev(netdev);
	return err;
}

/**
 * simnic_port_unregister() - unlink a port and queue it for unregistering
 * @port: the port
 * @kill: the list for unregister_netdevice_many()
 *
 * The port's memory goes with its netdev, once the last reference to the
 * netdev is dropped (simnic_port_release()).
 *
 * Context: RTNL held.
 */
void simnic_port_unregister(struct simnic_port *port, struct list_head *kill)
{
	ASSERT_RTNL();
	simnic_unlink(port);
	port->sdev->ports[port->port_index] = NULL;
	unregister_netdevice_queue(port->netdev, kill);
}

static void simnic_dellink(struct net_device *netdev, struct list_head *kill)
{
	simnic_port_unregister(netdev_priv(netdev), kill);
}

static int simnic_validate(struct nlattr *tb[], struct nlattr *data[],
			   struct netlink_ext_ack *extack)
{
	NL_SET_ERR_MSG_MOD(extack,
			   "simnic ports are created with echo \"ID [PORTS [QUEUES]]\" > /sys/bus/simnic/new_device");
	return -EOPNOTSUPP;
}

/*
 * "ip link del" removes one port of its device.  A port is hardware as far
 * as namespaces go: when its namespace dies it returns to init_net, as a
 * PCI function's netdev does, and leaves with del_device.
 */
struct rtnl_link_ops simnic_link_ops __read_mostly = {
	.kind		= SIMNIC_DRV_NAME,
	.validate	= simnic_validate,
	.dellink	= simnic_dellink,
	.netns_refund	= true,
};
