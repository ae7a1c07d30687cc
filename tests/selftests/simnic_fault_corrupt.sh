#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# corrupt_next N flips the last byte of the next N frames the port sends.
# The port claims no receive checksum offload, so the receiver's stack
# verifies what the sender's device computed (its TX checksum offload, and
# TSO, done for real over the copy): the N frames arrive (counted by the
# device) and are dropped as checksum errors, UDP untagged and tagged, and
# TCP segments in a running transfer, which then completes.
# skbpool-timeout: 90
. "$(dirname "$0")/lib/ktap.sh"
. "$(dirname "$0")/lib/simnic.sh"
trap simnic_cleanup EXIT

ktap_plan 4
simnic_pair 161 162 && simnic_quiet || { ktap_fail "create and link a pair"; ktap_finish; }
ktap_pass "create and link a pair, IPv4 only, static ARP"

snmp() { # PROTO FIELD: a counter of B's namespace
	ip netns exec "$NS_B" awk -v p="$1:" -v f="$2" '
		$1 == p && !n { for (i = 2; i <= NF; i++) col[$i] = i; n = 1; next }
		$1 == p && n { print $col[f] }' /proc/net/snmp
}

udp_round() { # on|off
	local csum0 rx0 csum rx got knob
	simnic_tag "$1" || return 1
	ip netns exec "$NS_A" ping -c 1 -W 2 192.0.2.2 >/dev/null || return 1
	simnic_bg "$NS_B" python3 "$UDP_PY" count 192.0.2.2 9000 1.5 >"/tmp/corrupt.$$"
	local sink=$SIMNIC_BG
	simnic_udp_bound "$NS_B" 9000 || return 1
	csum0=$(snmp Udp InCsumErrors)
	rx0=$(simnic_stat "$NS_B" "$DEV_B" rx_packets)
	simnic_knob 161 corrupt_next 3
	ip netns exec "$NS_A" python3 "$UDP_PY" send 192.0.2.2 9000 20 300 5000 >/dev/null
	wait "$sink"
	got=$(cat "/tmp/corrupt.$$")
	csum=$(($(snmp Udp InCsumErrors) - csum0))
	rx=$(($(simnic_stat "$NS_B" "$DEV_B" rx_packets) - rx0))
	knob=$(simnic_knob 161 corrupt_next)
	ktap_info "skbpool $1: device received $rx, socket got $got of 20, UDP checksum errors $csum, knob $knob"
	if [ "$got" -eq 17 ] && [ "$csum" -eq 3 ] && [ "$rx" -ge 20 ] && [ "$knob" -eq 0 ]; then
		ktap_pass "skbpool $1: 3 of 20 UDP datagrams corrupted, all 3 caught by the receiver's checksum"
	else
		ktap_fail "skbpool $1: 3 of 20 UDP datagrams corrupted, all 3 caught by the receiver's checksum"
	fi
}
udp_round off || { ktap_fail "skbpool off: set up"; ktap_finish; }
udp_round on || { ktap_fail "skbpool on: set up"; ktap_finish; }

# TCP through TSO: two segments of a running transfer are corrupted.
tcp_round() {
	local csum0 csum rc
	ip netns exec "$NS_B" iperf3 -s -1 -p 5261 >/dev/null &
	local server=$!
	sleep 0.5
	csum0=$(snmp Tcp InCsumErrors)
	ip netns exec "$NS_A" iperf3 -c 192.0.2.2 -p 5261 -t 3 >/dev/null &
	local client=$!
	sleep 1.5
	simnic_knob 161 corrupt_next 2
	wait $client
	rc=$?
	wait $server
	csum=$(($(snmp Tcp InCsumErrors) - csum0))
	ktap_info "iperf3 exit $rc, TCP checksum errors $csum"
	[ $rc -eq 0 ] && [ "$csum" -eq 2 ]
}
if tcp_round; then
	ktap_pass "TCP: 2 corrupted segments caught by the receiver's checksum, transfer completes"
else
	ktap_fail "TCP: 2 corrupted segments caught by the receiver's checksum, transfer completes"
fi
ktap_finish
