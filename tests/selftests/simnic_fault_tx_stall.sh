#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# stall_tx_completions: the sending port's device stops completing TX, so
# its TX ring fills (exactly a ring of frames leaves, then the queue stops
# and the rest waits in the qdisc); clearing the knob completes what was
# held back and the queue resumes, delivering every frame.  A stall of a
# second and a half stays under the TX watchdog's 5 s: no timeout counted,
# no splat.  Untagged and tagged (small frames use bounce buffers, held
# until completion too).
# skbpool-timeout: 120
. "$(dirname "$0")/lib/ktap.sh"
. "$(dirname "$0")/lib/simnic.sh"
trap simnic_cleanup EXIT

FRAMES=600

ktap_plan 5
simnic_pair 141 142 && simnic_quiet || { ktap_fail "create and link a pair"; ktap_finish; }
ktap_pass "create and link a pair, IPv4 only, static ARP"

round() { # on|off
	local tx0 miss0 tx size tail head got miss timeouts _
	simnic_tag "$1" || return 1
	ip netns exec "$NS_A" ping -c 1 -W 2 192.0.2.2 >/dev/null || return 1
	simnic_bg "$NS_B" python3 "$UDP_PY" count 192.0.2.2 9000 4 >"/tmp/stall.$$"
	local sink=$SIMNIC_BG
	simnic_udp_bound "$NS_B" 9000 || return 1
	tx0=$(simnic_stat "$NS_A" "$DEV_A" tx_packets)
	miss0=$(simnic_stat "$NS_B" "$DEV_B" rx_missed_errors)

	# Under TCG every command takes a while: as few as possible between
	# the stall and its end, which must stay well under the watchdog's 5 s.
	simnic_knob 141 stall_tx_completions 1
	ip netns exec "$NS_A" python3 "$UDP_PY" send 192.0.2.2 9000 $FRAMES 200 >/dev/null
	sleep 0.3
	tx=$(($(simnic_stat "$NS_A" "$DEV_A" tx_packets) - tx0))
	read -r _ _ _ _ size tail head _ < <(simnic_regs "$NS_A" "$DEV_A")
	simnic_knob 141 stall_tx_completions 0
	ktap_info "skbpool $1, stalled: $tx sent, $(((tail - head) & 0xffffffff)) of $size descriptors uncompleted"
	if [ "$tx" -eq "$size" ] && [ $(((tail - head) & 0xffffffff)) -eq "$size" ]; then
		ktap_pass "skbpool $1: stalled, the TX ring filled ($size frames) and the queue stopped"
	else
		ktap_fail "skbpool $1: stalled, the TX ring filled and the queue stopped" "$tx sent"
	fi

	wait "$sink"
	got=$(cat "/tmp/stall.$$")
	tx=$(($(simnic_stat "$NS_A" "$DEV_A" tx_packets) - tx0))
	miss=$(($(simnic_stat "$NS_B" "$DEV_B" rx_missed_errors) - miss0))
	read -r _ _ _ _ size tail head _ < <(simnic_regs "$NS_A" "$DEV_A")
	timeouts=$(ip netns exec "$NS_A" cat "/sys/class/net/$DEV_A/queues/tx-0/tx_timeout")
	ktap_info "skbpool $1, resumed: $tx sent, $got received, $miss missed, $(((tail - head) & 0xffffffff)) uncompleted, $timeouts TX timeouts"
	if [ "$tx" -eq $FRAMES ] && [ $((got + miss)) -eq $FRAMES ] && [ "$tail" -eq "$head" ] &&
		[ "$timeouts" -eq 0 ]; then
		ktap_pass "skbpool $1: cleared, the queue resumed and all $FRAMES frames went, no TX timeout"
	else
		ktap_fail "skbpool $1: cleared, the queue resumed and all $FRAMES frames went, no TX timeout"
	fi
}
round off || { ktap_fail "skbpool off: set up"; ktap_finish; }
round on || { ktap_fail "skbpool on: set up"; ktap_finish; }
ktap_finish
