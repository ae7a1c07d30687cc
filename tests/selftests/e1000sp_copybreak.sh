#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# e1000sp's copybreak in each of its three receive ways: an skb per buffer
# (untagged), the kernel's page_pool (untagged, rx_page_pool=1) and
# skbpool (tagged).  A 64-byte datagram a socket holds is charged a small
# skb's truesize against its receive buffer, as with the in-tree e1000;
# with copybreak=0 it is charged the buffer it came in (the line between
# them is drawn at 1.5 KiB).  The charge is read where the application's limit applies: the
# socket's receive queue in /proc/net/udp, with every datagram queued;
# the copies are counted where each way counts them (rx_copied,
# skbpool_rx_small_copied).  That rx_page_pool=1 gives the ring a page_pool
# is e1000sp_page_pool's check.
# skbpool-timeout: 300
. "$(dirname "$0")/lib/ktap.sh"
. "$(dirname "$0")/lib/e1000.sh"

CB=/sys/module/e1000sp/parameters/copybreak
PP=/sys/module/e1000sp/parameters/rx_page_pool
LIB=$(dirname "$0")/lib
N=50
PORT=6200
HOLDER=
cleanup() {
	[ -n "$HOLDER" ] && kill -9 "$HOLDER" 2>/dev/null
	[ -w "$CB" ] && echo 256 >"$CB"
	[ -w "$PP" ] && echo 0 >"$PP"
	e1000_cleanup
}
trap cleanup EXIT

# "BYTES DROPS" of B's UDP socket on PORT: its receive queue and the
# datagrams it dropped (/proc/net/udp, B's namespace); nothing while no
# socket is bound there.
udp_queue_b() { # PORT
	in_b python3 -c '
import sys
for line in list(open("/proc/net/udp"))[1:]:
    f = line.split()
    if int(f[1].split(":")[1], 16) == int(sys.argv[1]):
        print(int(f[4].split(":")[1], 16), f[-1])' "$1"
}

# IPv4 datagrams B has delivered to its transports so far (Ip InDelivers
# of /proc/net/snmp; Udp InDatagrams counts only what a socket has read).
# Nothing but the test's own IPv4 reaches B's namespace meanwhile.
ip_in_b() {
	in_b awk '$1 == "Ip:" && $2 ~ /^[0-9]+$/ { print $10 }' /proc/net/snmp
}

# The counter of copies for MODE: the driver's untagged, skbpool's tagged.
copies_b() { # MODE
	if [ "$1" = tagged ]; then
		e1000_stat "$NS_B" "$DEV_B" skbpool_rx_small_copied
	else
		e1000_stat "$NS_B" "$DEV_B" rx_copied
	fi
}

# N datagrams of 64 bytes to a socket on B that reads none: PER, the bytes
# its receive queue is charged per datagram, and COPIED, the copies MODE's
# counter made meanwhile; fails unless all N were queued (none lost
# before the bind, none dropped by the socket).
charge_per_datagram() { # MODE
	local q bytes drops in0 in1 c0
	PER=
	COPIED=
	PORT=$((PORT + 1))
	# Not through in_b: $! must be python itself for the kill.
	ip netns exec "$NS_B" python3 "$LIB/udp.py" hold "$E1000_N4.2" "$PORT" &
	HOLDER=$!
	for _ in $(seq 1 100); do
		[ -n "$(udp_queue_b "$PORT")" ] && break
		sleep 0.1
	done
	in0=$(ip_in_b)
	c0=$(copies_b "$1")
	in_a python3 "$LIB/udp.py" send "$E1000_N4.2" "$PORT" "$N" 64 2000 >/dev/null
	sleep 1
	q=$(udp_queue_b "$PORT")
	in1=$(ip_in_b)
	COPIED=$(($(copies_b "$1") - c0))
	kill -9 "$HOLDER"
	wait "$HOLDER" 2>/dev/null
	HOLDER=
	read -r bytes drops <<<"$q"
	ktap_info "$1: $N datagrams of 64 bytes: $((in1 - in0)) delivered, receive queue" \
		"${bytes:-?} bytes, ${drops:-?} dropped, $COPIED copied"
	[ -n "$bytes" ] && [ "$drops" = 0 ] && [ $((in1 - in0)) = "$N" ] || return 1
	PER=$((bytes / N))
}

# MODE COPYBREAK: rings rebuilt with both parameters, then the charge.  A
# small skb's truesize is 1,280 bytes untagged (napi_alloc_skb(), as the
# in-tree driver's) and 832 tagged (a kmalloc'd head), a buffer's 2,304
# or more.
check() { # MODE COPYBREAK
	local mode=$1 cb=$2 pp=0 copies_ok
	[ "$mode" = page_pool ] && pp=1
	echo "$cb" >"$CB" && echo "$pp" >"$PP" && e1000_rebuild ||
		{ ktap_fail "$mode, copybreak=$cb: rebuild the rings"; return; }
	if ! charge_per_datagram "$mode"; then
		ktap_fail "$mode, copybreak=$cb: $N datagrams queued, none lost or dropped"
		return
	fi
	# Every datagram copied, and maybe a neighbour solicitation too; or none.
	if [ "$cb" -gt 0 ]; then copies_ok=$((COPIED >= N)); else copies_ok=$((COPIED == 0)); fi
	if [ "$copies_ok" != 1 ]; then
		ktap_fail "$mode, copybreak=$cb: copies counted" "$COPIED for $N datagrams"
	elif [ "$cb" -gt 0 ] && [ "$PER" -lt 1536 ]; then
		ktap_pass "$mode, copybreak=$cb: a 64-byte datagram is charged $PER bytes (a small skb)"
	elif [ "$cb" = 0 ] && [ "$PER" -gt 1536 ]; then
		ktap_pass "$mode, copybreak=0: a 64-byte datagram is charged $PER bytes (its buffer)"
	else
		ktap_fail "$mode, copybreak=$cb: charge per 64-byte datagram" "$PER bytes"
	fi
}

e1000_nics || ktap_skip_all "the guest has fewer than two e1000 NICs (E1000_NICS=2)"
ktap_plan 7
if ! e1000_pair e1000sp; then
	ktap_fail "bind e1000sp and link the NICs across two namespaces"
	ktap_finish
fi
ktap_pass "bind e1000sp and link the NICs across two namespaces"

check untagged 256
check untagged 0
check page_pool 256
check page_pool 0
if e1000_tag "$NS_A" "$DEV_A" on && e1000_tag "$NS_B" "$DEV_B" on && e1000_wait_link; then
	check tagged 256
	check tagged 0
else
	ktap_fail "tagged, copybreak=256: tag both ends"
	ktap_fail "tagged, copybreak=0: tag both ends"
fi
ktap_finish
