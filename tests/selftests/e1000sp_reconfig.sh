#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# e1000sp reconfigured under a running TCP flow: tag flips, ring resize,
# MTU 9000 and back, link down/up; the flow resumes after each and ends
# cleanly.  Then the knobs the MAC implements: rx-usecs lands in ITR,
# the multicast hash filter passes joined groups only, allmulti and
# promiscuous modes open the filters (checked on the MAC's own counters);
# link settings the PHY cannot do are refused and change nothing, and
# those it can read back.
# skbpool-timeout: 300
. "$(dirname "$0")/lib/ktap.sh"
. "$(dirname "$0")/lib/e1000.sh"
trap e1000_cleanup EXIT

e1000_nics || ktap_skip_all "the guest has fewer than two e1000 NICs (E1000_NICS=2)"
ktap_plan 14
if ! e1000_pair e1000sp; then
	ktap_fail "bind e1000sp and link the NICs across two namespaces"
	ktap_finish
fi
ktap_pass "bind e1000sp and link the NICs across two namespaces"

restarts0=$(e1000_stat "$NS_B" "$DEV_B" restarts)
e1000_bg_start
flips() {
	for _ in 1 2 3; do
		e1000_tag "$NS_A" "$DEV_A" on && e1000_tag "$NS_B" "$DEV_B" on || return 1
		[ "$(e1000_stat "$NS_B" "$DEV_B" skbpool_rx_total)" -gt 0 ] || return 1
		e1000_flowing || return 1
		e1000_tag "$NS_A" "$DEV_A" off && e1000_tag "$NS_B" "$DEV_B" off || return 1
		[ "$(e1000_stat "$NS_B" "$DEV_B" skbpool_rx_total)" -eq 0 ] || return 1
		e1000_flowing || return 1
	done
}
ktap_check "tag and untag three times under traffic, traffic resumes each time" flips
ktap_check "tag both ends for the rest" \
	eval 'e1000_tag "$NS_A" "$DEV_A" on && e1000_tag "$NS_B" "$DEV_B" on && e1000_flowing'
e1000_reconfigure_checks

e1000_bg_stop
bytes=$E1000_BG_BYTES
restarts=$(($(e1000_stat "$NS_B" "$DEV_B" restarts) - restarts0))
timeouts=$(e1000_stat "$NS_B" "$DEV_B" tx_timeouts)
ktap_info "background flow: $bytes bytes, $restarts ring rebuilds on B, $timeouts TX timeouts"
if [ "${bytes:-0}" -gt $((10 << 20)) ] && [ "$restarts" -ge 10 ] && [ "$timeouts" -eq 0 ]; then
	ktap_pass "the flow ran through every change and ended cleanly"
else
	ktap_fail "the flow ran through every change and ended cleanly" \
		"bytes ${bytes:-?}, rebuilds $restarts, timeouts $timeouts"
fi

# ITR counts 256 ns units: 100 us is 390.  It is the fourth register of
# ethtool -d.
itr() {
	in_a ethtool -C "$DEV_A" rx-usecs 100 &&
		[ "$(in_a ethtool -c "$DEV_A" | awk '$1 == "rx-usecs:" { print $2 }')" = 100 ] &&
		[ "$(in_a ethtool -d "$DEV_A" raw on | od -An -tu4 -j12 -N4 | tr -d ' ')" = 390 ] &&
		in_a ethtool -C "$DEV_A" rx-usecs 50
}
ktap_check "rx-usecs 100 reads back and sets ITR to 390" itr

# Datagrams from A to a group (route via A's NIC); what B's MAC let in is
# its hardware multicast counter. That counter sees every multicast frame,
# so IPv6 goes quiet first: after test 7's link flap A still sends router
# solicitations and MLD reports, one of which made allmulti count 101.
in_a sysctl -qw "net.ipv6.conf.$DEV_A.disable_ipv6=1"
in_b sysctl -qw "net.ipv6.conf.$DEV_B.disable_ipv6=1"
ip -n "$NS_A" route add 224.0.0.0/4 dev "$DEV_A"
send_to() { # ADDR COUNT
	in_a python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(int(sys.argv[2])):
    s.sendto(b"m" * 100, (sys.argv[1], 9999))' "$1" "$2"
	sleep 0.5
}
mc_in() { # GROUP COUNT -> how many of COUNT datagrams B's MAC accepted
	local m0
	m0=$(e1000_stat "$NS_B" "$DEV_B" hw_rx_multicast)
	send_to "$1" "$2"
	echo $(($(e1000_stat "$NS_B" "$DEV_B" hw_rx_multicast) - m0))
}
in_b python3 -c '
import socket, struct, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
             struct.pack("4s4s", socket.inet_aton("239.1.2.3"), socket.inet_aton("192.0.2.2")))
time.sleep(30)' &
joiner=$!
sleep 1
# 239.1.2.3 and 239.1.2.4 hash to different bits of the table (47:36).
joined=$(mc_in 239.1.2.3 100)
other=$(mc_in 239.1.2.4 100)
ktap_info "multicast accepted by B's MAC: joined group $joined of 100, other group $other of 100"
if [ "$joined" -eq 100 ] && [ "$other" -eq 0 ]; then
	ktap_pass "multicast hash filter: the joined group in, another out"
else
	ktap_fail "multicast hash filter" "joined $joined, other $other"
fi
ip -n "$NS_B" link set "$DEV_B" allmulticast on
sleep 1.5
other=$(mc_in 239.1.2.4 100)
ip -n "$NS_B" link set "$DEV_B" allmulticast off
if [ "$other" -eq 100 ]; then
	ktap_pass "allmulti: every group in"
else
	ktap_fail "allmulti: every group in" "$other of 100"
fi
kill $joiner 2>/dev/null
wait $joiner 2>/dev/null

# Unicast to an address B does not own: the MAC drops it unless
# promiscuous.
ip -n "$NS_A" neigh replace "$E1000_N4.99" lladdr 02:00:00:00:00:99 dev "$DEV_A" nud permanent
uc_in() {
	local p0
	p0=$(e1000_stat "$NS_B" "$DEV_B" hw_rx_good_packets)
	send_to "$E1000_N4.99" 100
	echo $(($(e1000_stat "$NS_B" "$DEV_B" hw_rx_good_packets) - p0))
}
off=$(uc_in)
ip -n "$NS_B" link set "$DEV_B" promisc on
sleep 1.5
on=$(uc_in)
ip -n "$NS_B" link set "$DEV_B" promisc off
ktap_info "frames to another MAC accepted by B: $off without promisc, $on with"
if [ "$off" -eq 0 ] && [ "$on" -ge 100 ]; then
	ktap_pass "promiscuous mode opens the unicast filter, and only it"
else
	ktap_fail "promiscuous mode opens the unicast filter" "$off without, $on with"
fi

# Link settings (drivers/e1000sp/phy.c).
advertised() {
	ip netns exec "$NS_B" ethtool "$DEV_B" |
		sed -n '/Advertised link modes/,/Advertised pause/p' | grep -o '[0-9]*base[^ ]*' | xargs
}
all_modes="10baseT/Half 10baseT/Full 100baseT/Half 100baseT/Full 1000baseT/Full"
refused() {
	! ip netns exec "$NS_B" ethtool -s "$DEV_B" speed 1000 duplex half autoneg off 2>/dev/null &&
	! ip netns exec "$NS_B" ethtool -s "$DEV_B" advertise 0x1000 2>/dev/null &&
	ip netns exec "$NS_B" ethtool "$DEV_B" | grep -q 'Auto-negotiation: on' &&
	[ "$(advertised)" = "$all_modes" ]
}
ktap_check "1000 half forced and 10000baseT advertised are refused, nothing changes" refused
subset() {
	ip netns exec "$NS_B" ethtool -s "$DEV_B" advertise 0x8 &&
	[ "$(advertised)" = "100baseT/Full" ] &&
	ip netns exec "$NS_B" ethtool -s "$DEV_B" advertise 0x2f &&
	[ "$(advertised)" = "$all_modes" ]
}
ktap_check "advertising 100baseT/Full alone reads back, and all modes again" subset
ktap_finish
