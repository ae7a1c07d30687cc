#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every frame e1000sp's MAC accepted is counted once more by the driver:
# handed to the stack or dropped.  rx_packets is the MAC's good-frames
# counter, so a frame the MAC wrote into the ring but a rebuild threw away
# before NAPI cleaned it would be received by the counters and by nobody.
#
# A paced datagram stream from A to B (about 2,000 a second) with B's
# interrupts held back 10 ms: NAPI sleeps between interrupts, so each
# rebuild finds the frames of the last few milliseconds in the ring.  (A
# flood keeps NAPI polling without pause, and it drains the ring before
# the rebuild gets to it.)  Six ring resizes on B, untagged and then
# tagged; then the MAC's count on B must equal the IPv4 datagrams B's
# stack received plus the driver's drops.  IPv6 is off and the neighbours
# are permanent, so the wire carries nothing else towards B; GRO is off,
# so the stack counts every frame.
# skbpool-timeout: 180
. "$(dirname "$0")/lib/ktap.sh"
. "$(dirname "$0")/lib/e1000.sh"
trap e1000_cleanup EXIT

e1000_nics || ktap_skip_all "the guest has fewer than two e1000 NICs (E1000_NICS=2)"
ktap_plan 4
UDP_PY=$(dirname "$0")/lib/udp.py

if e1000_pair e1000sp &&
	in_a sysctl -qw "net.ipv6.conf.$DEV_A.disable_ipv6=1" &&
	in_b sysctl -qw "net.ipv6.conf.$DEV_B.disable_ipv6=1" &&
	in_b ethtool -K "$DEV_B" gro off &&
	in_b ethtool -C "$DEV_B" rx-usecs 10000; then
	ktap_pass "an e1000sp pair, B moderated, no IPv6, no GRO"
else
	ktap_fail "an e1000sp pair, B moderated, no IPv6, no GRO"
	ktap_finish
fi

ip_in_receives() {
	in_b awk '$1 == "Ip:" && !c { for (i = 2; i <= NF; i++) if ($i == "InReceives") c = i; next }
		$1 == "Ip:" { print $c }' /proc/net/snmp
}

# Frames the driver passed up or dropped: the stack's IPv4 count and the
# driver's own drop counters.
accounted() {
	local n c
	n=$(ip_in_receives)
	for c in rx_sw_dropped rx_split_dropped rx_frame_errors; do
		n=$((n + $(e1000_stat "$NS_B" "$DEV_B" "$c")))
	done
	echo "$n"
}

# The stream, six resizes of B's ring under it, then the balance.
stream_and_resize() { # MODE
	local mac0 acc0 mac acc stream size rebuilt=0
	mac0=$(e1000_stat "$NS_B" "$DEV_B" hw_rx_good_packets)
	acc0=$(accounted)
	# ip netns exec execs python: $! is the sender itself.  Its output
	# goes nowhere, or ktap_check would wait for it.
	ip netns exec "$NS_A" python3 "$UDP_PY" send "$E1000_N4.2" 9 16000 200 500 \
		>/dev/null 2>&1 &
	stream=$!
	for size in 512 256 512 256 512 256; do
		sleep 1
		in_b ethtool -G "$DEV_B" rx "$size" && rebuilt=$((rebuilt + 1))
	done
	kill "$stream" 2>/dev/null
	wait "$stream" 2>/dev/null
	for _ in 1 2 3; do
		sleep 1
		mac=$(($(e1000_stat "$NS_B" "$DEV_B" hw_rx_good_packets) - mac0))
		acc=$(($(accounted) - acc0))
		[ "$mac" -eq "$acc" ] && break
	done
	ktap_info "$1: $rebuilt of 6 resizes; B's MAC accepted $mac frames," \
		"the stack got or the driver dropped $acc"
	[ "$rebuilt" -eq 6 ] && [ "$mac" -gt 1000 ] && [ "$mac" -eq "$acc" ]
}

ktap_check "untagged: every frame the MAC accepted is delivered or counted dropped" \
	stream_and_resize untagged
ktap_check "tag both ends" \
	eval 'e1000_tag "$NS_A" "$DEV_A" on && e1000_tag "$NS_B" "$DEV_B" on && e1000_wait_link'
ktap_check "tagged: every frame the MAC accepted is delivered or counted dropped" \
	stream_and_resize tagged
ktap_finish
