#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# link_down: cutting the wire at either end takes carrier off both ends
# and traffic stops; bringing a port down and up meanwhile does not bring
# carrier back; clearing the knob does, on both ends, and traffic flows
# again.  Each cut counts exactly one carrier drop and one return.
# skbpool-timeout: 90
. "$(dirname "$0")/lib/ktap.sh"
. "$(dirname "$0")/lib/simnic.sh"
trap simnic_cleanup EXIT

ktap_plan 8
simnic_pair 151 152 || { ktap_fail "create and link a pair"; ktap_finish; }
ping_ok() { ip netns exec "$NS_A" ping -c 2 -i 0.2 -w 6 192.0.2.2 >/dev/null; }
ktap_check "link up: ping" ping_ok

carriers() {
	echo "$(ip netns exec "$NS_A" cat "/sys/class/net/$DEV_A/carrier")$(ip netns exec "$NS_B" cat "/sys/class/net/$DEV_B/carrier")"
}
changes_a() { ip netns exec "$NS_A" cat "/sys/class/net/$DEV_A/carrier_changes"; }
changes0=$(changes_a)

cut() { # ID of the end whose knob is used
	local c
	simnic_knob "$1" link_down 1
	c=$(carriers)
	ktap_info "knob set on simnic$1: carrier A,B = $c"
	if [ "$c" = 00 ] && ! ip netns exec "$NS_A" ping -c 2 -i 0.2 -W 1 192.0.2.2 >/dev/null; then
		ktap_pass "link_down on simnic$1: both ends lose carrier, no traffic"
	else
		ktap_fail "link_down on simnic$1: both ends lose carrier, no traffic" "carriers $c"
	fi
	ip -n "$NS_B" link set "$DEV_B" down && ip -n "$NS_B" link set "$DEV_B" up
	c=$(carriers)
	if [ "$c" = 00 ]; then
		ktap_pass "simnic$1 cut: B down and up again, still no carrier"
	else
		ktap_fail "simnic$1 cut: B down and up again, still no carrier" "carriers $c"
	fi
	simnic_knob "$1" link_down 0
	c=$(carriers)
	if [ "$c" = 11 ] && ping_ok; then
		ktap_pass "link_down cleared on simnic$1: carrier back on both ends, ping"
	else
		ktap_fail "link_down cleared on simnic$1: carrier back on both ends, ping" "carriers $c"
	fi
}
cut 151
cut 152

changes=$(changes_a)
ktap_info "A's carrier_changes $changes0 -> $changes"
if [ $((changes - changes0)) -eq 4 ]; then
	ktap_pass "two cuts: A's carrier dropped and came back twice"
else
	ktap_fail "two cuts: A's carrier dropped and came back twice" "$((changes - changes0)) changes"
fi
ktap_finish
