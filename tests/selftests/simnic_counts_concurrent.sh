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
# skbpool-timeout: 240
. "$(dirname "$0")/lib/ktap.sh"
. "$(dirname "$0")/lib/simnic.sh"
. "$(dirname "$0")/lib/wire.sh"
cleanup() {
	simnic_cleanup
	modprobe -r pktgen 2>/dev/null
}
trap cleanup EXIT

FRAMES=${FRAMES:-400000}	# per thread and phase

ktap_plan 4
[ "$(nproc)" -ge 2 ] || { ktap_skip "the race needs two CPUs, the guest has $(nproc)"; ktap_finish; }
modprobe pktgen || { ktap_fail "load pktgen (CONFIG_NET_PKTGEN)"; ktap_finish; }
simnic_pair 125 126 2 && simnic_quiet &&
	ip netns exec "$NS_B" ethtool -L "$DEV_B" combined 1 ||
	{ ktap_fail "a two-queue A facing a one-queue B"; ktap_finish; }
ktap_pass "a two-queue A facing a one-queue B"

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
setup_ok=0
pktgen_thread 0 "$mac_b" && pktgen_thread 1 "$mac_b" && setup_ok=1

# One phase: both threads send FRAMES each; every one is counted at B.
phase() { # NAME
	local sent0 sent got
	sent0=$(wire_stat "$NS_A" "$DEV_A" tx_packets)
	pg pgctrl start
	read -r sent got < <(wire_balanced "$NS_A" "$DEV_A" "$NS_B" "$DEV_B")
	ktap_info "$1: A sent $((sent - sent0)) frames, $sent in all; B counted $got"
	if [ "$sent" -eq "$got" ] && [ $((sent - sent0)) -ge $((2 * FRAMES)) ]; then
		ktap_pass "$1: all $((2 * FRAMES)) frames from two CPUs counted at B"
	else
		ktap_fail "$1: all $((2 * FRAMES)) frames from two CPUs counted at B" \
			"$((sent - got)) of $sent in no counter"
	fi
}

if [ $setup_ok -eq 1 ]; then
	simnic_knob 126 fail_rx_alloc 2000000000
	phase "no posted buffer (rx_missed_errors)"
	simnic_knob 126 fail_rx_alloc 0
	ip -n "$NS_B" link set "$DEV_B" mtu 576
	phase "longer than the buffer (rx_length_errors)"
else
	ktap_fail "pktgen set up on two threads"
	ktap_fail "pktgen set up on two threads"
fi

# Both phases must have reached B's counters, not a dropped count at A.
missed=$(wire_stat "$NS_B" "$DEV_B" rx_missed_errors)
long=$(wire_stat "$NS_B" "$DEV_B" rx_length_errors)
if [ "${missed:-0}" -ge "$FRAMES" ] && [ "${long:-0}" -ge "$FRAMES" ]; then
	ktap_pass "B counted them as missed ($missed) and too long ($long)"
else
	ktap_fail "B counted them as missed and too long" "missed ${missed:-?}, too long ${long:-?}"
fi
ktap_finish
