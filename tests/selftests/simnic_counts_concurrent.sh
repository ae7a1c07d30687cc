#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The peer's "device" counts what it cannot deliver (no posted buffer:
# rx_missed_errors; longer than the buffer: rx_length_errors) from the
# sender's transmit path, so two of the sender's TX queues on two CPUs
# count into one receive queue at once.  No count may be lost: A's
# tx_packets must equal what B counts, frame for frame.
#
# The kernel's pktgen sends from one thread per CPU, each thread on its own
# TX queue of A; B has one queue, so both land on it.  First B posts no
# buffer (every RX allocation fails), then B's MTU is too small for them.
# Untagged: a tagged B keeps its larger pool buffers when the MTU drops.
# skbpool-timeout: 240
. "$(dirname "$0")/lib/ktap.sh"
. "$(dirname "$0")/lib/simnic.sh"
. "$(dirname "$0")/lib/wire.sh"

FRAMES=${FRAMES:-400000}	# per thread and phase
RING=256			# B's RX ring (SIMNIC_DEF_RING): delivered, not missed

[ "$(cat /sys/devices/system/cpu/cpu1/online 2>/dev/null)" = 1 ] ||
	ktap_skip_all "the race needs CPUs 0 and 1 online (one pktgen thread each)"
had_pktgen=0
[ -d /sys/module/pktgen ] && had_pktgen=1
modprobe pktgen 2>/dev/null || ktap_skip_all "no pktgen (CONFIG_NET_PKTGEN)"
cleanup() {
	simnic_cleanup
	[ $had_pktgen -eq 1 ] || modprobe -r pktgen 2>/dev/null
}
trap cleanup EXIT

ktap_plan 4
simnic_pair 125 126 2 && simnic_quiet && simnic_tag off &&
	ip netns exec "$NS_B" ethtool -L "$DEV_B" combined 1 ||
	{ ktap_fail "a two-queue A facing a one-queue B, untagged"; ktap_finish; }
ktap_pass "a two-queue A facing a one-queue B, untagged"

pg() { # FILE COMMAND
	ip netns exec "$NS_A" sh -c "echo '$2' >/proc/net/pktgen/$1"
}

# Thread CPU sends on A's TX queue CPU.
pktgen_thread() { # CPU MAC
	local c
	pg "kpktgend_$1" rem_device_all && pg "kpktgend_$1" "add_device $DEV_A@$1" || return 1
	for c in "count $FRAMES" "pkt_size 1000" "delay 0" "clone_skb 1000" \
		"queue_map_min $1" "queue_map_max $1" "dst 192.0.2.2" \
		"dst_mac $2" "udp_dst_min 9" "udp_dst_max 9"; do
		pg "$DEV_A@$1" "$c" || return 1
	done
}

mac_b=$(ip netns exec "$NS_B" cat "/sys/class/net/$DEV_B/address")
pktgen_thread 0 "$mac_b" && pktgen_thread 1 "$mac_b" ||
	{ ktap_fail "pktgen set up on two threads"; ktap_finish; }

# One phase: both threads send FRAMES each, every one counted at B, and
# B's COUNTER grew by at least LEAST of them.
phase() { # NAME COUNTER LEAST
	local sent0 c0 sent got c q r ok=1
	sent0=$(wire_stat "$NS_A" "$DEV_A" tx_packets)
	c0=$(wire_stat "$NS_B" "$DEV_B" "$2")
	pg pgctrl start || ok=0
	for q in 0 1; do
		r=$(ip netns exec "$NS_A" grep -o "Result: [A-Z]*" "/proc/net/pktgen/$DEV_A@$q")
		[ "$r" = "Result: OK" ] || { ok=0; ktap_info "pktgen thread $q: ${r:-no result}"; }
	done
	read -r sent got < <(wire_balanced "$NS_A" "$DEV_A" "$NS_B" "$DEV_B")
	c=$(($(wire_stat "$NS_B" "$DEV_B" "$2") - c0))
	ktap_info "$1: A sent $((sent - sent0)) frames, $sent in all; B counted $got, $2 +$c"
	if [ $ok -eq 1 ] && [ "$sent" -eq "$got" ] && [ $((sent - sent0)) -ge $((2 * FRAMES)) ] &&
	   [ "$c" -ge "$3" ]; then
		ktap_pass "$1: all $((2 * FRAMES)) frames from two CPUs counted at B"
	else
		ktap_fail "$1: all $((2 * FRAMES)) frames from two CPUs counted at B" \
			"$((sent - got)) of $sent in no counter, $2 +$c (at least $3)"
	fi
}

simnic_knob 126 fail_rx_alloc 2000000000
phase "no posted buffer" rx_missed_errors $((2 * FRAMES - RING))
simnic_knob 126 fail_rx_alloc 0
if ip -n "$NS_B" link set "$DEV_B" mtu 576; then
	ktap_pass "B's MTU down to 576, below pktgen's 1000-byte frames"
	phase "longer than the buffer" rx_length_errors $((2 * FRAMES))
else
	ktap_fail "B's MTU down to 576, below pktgen's 1000-byte frames"
	ktap_fail "longer than the buffer: counted at B" "not run"
fi
ktap_finish
