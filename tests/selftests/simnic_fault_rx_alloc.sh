#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fail_rx_alloc N: the receiving port's next N buffer allocations fail,
# untagged (napi_alloc_skb) and tagged (the pool) alike.  Each failure is
# counted in rx_alloc_failed and uses up one of the N; the ring, not
# refilled, runs dry, so frames arriving meanwhile are counted as missed
# (ethtool -S and the netdev's rx_missed_errors agree); once the N are
# used up the ring is whole again and every frame gets through.
# skbpool-timeout: 120
. "$(dirname "$0")/lib/ktap.sh"
. "$(dirname "$0")/lib/simnic.sh"
trap simnic_cleanup EXIT

# More failures than the ring has buffers: refills fail until it is dry.
FAILS=512

ktap_plan 7
simnic_pair 131 132 && simnic_quiet || { ktap_fail "create and link a pair"; ktap_finish; }
ktap_pass "create and link a pair, IPv4 only, static ARP"

missed_sysfs() { ip netns exec "$NS_B" cat "/sys/class/net/$DEV_B/statistics/rx_missed_errors"; }

round() { # on|off
	local fail0 miss0 sys0 fail miss sys knob got
	simnic_tag "$1" || return 1
	ip netns exec "$NS_A" ping -c 1 -W 2 192.0.2.2 >/dev/null || return 1
	fail0=$(simnic_stat "$NS_B" "$DEV_B" rx_alloc_failed)
	miss0=$(simnic_stat "$NS_B" "$DEV_B" rx_missed_errors)
	sys0=$(missed_sysfs)
	simnic_knob 132 fail_rx_alloc $FAILS
	ip netns exec "$NS_A" python3 "$UDP_PY" send 192.0.2.2 9 2500 500 >/dev/null
	sleep 0.5
	knob=$(simnic_knob 132 fail_rx_alloc)
	fail=$(($(simnic_stat "$NS_B" "$DEV_B" rx_alloc_failed) - fail0))
	miss=$(($(simnic_stat "$NS_B" "$DEV_B" rx_missed_errors) - miss0))
	sys=$(($(missed_sysfs) - sys0))
	ktap_info "skbpool $1: $fail allocations failed, knob now $knob, $miss frames missed ($sys in stats64)"
	if [ "$fail" -eq $FAILS ] && [ "$knob" -eq 0 ]; then
		ktap_pass "skbpool $1: $FAILS failures counted in rx_alloc_failed, knob used up"
	else
		ktap_fail "skbpool $1: $FAILS failures counted, knob used up" "$fail counted, knob $knob"
	fi
	if [ "$miss" -gt 0 ] && [ "$sys" -eq "$miss" ]; then
		ktap_pass "skbpool $1: the dry ring missed $miss frames, ethtool -S = stats64"
	else
		ktap_fail "skbpool $1: the dry ring missed frames, ethtool -S = stats64" "$miss, $sys"
	fi

	# Recovery: the ring is whole again (every buffer posted, none
	# written), and 200 frames paced so the ring cannot overflow all get
	# through, with no further failure.
	simnic_bg "$NS_B" python3 "$UDP_PY" count 192.0.2.2 9000 1.5 >"/tmp/rxalloc.$$"
	local sink=$SIMNIC_BG
	simnic_udp_bound "$NS_B" 9000 || return 1
	ip netns exec "$NS_A" python3 "$UDP_PY" send 192.0.2.2 9000 200 500 2000 >/dev/null
	wait "$sink"
	got=$(cat "/tmp/rxalloc.$$")
	local size tail head _
	read -r size tail head _ < <(simnic_regs "$NS_B" "$DEV_B")
	fail=$(($(simnic_stat "$NS_B" "$DEV_B" rx_alloc_failed) - fail0))
	ktap_info "skbpool $1: $got of 200 received; ring $size, $(((tail - head) & 0xffffffff)) posted and empty"
	if [ "$got" -eq 200 ] && [ $(((tail - head) & 0xffffffff)) -eq "$size" ] &&
		[ "$fail" -eq $FAILS ]; then
		ktap_pass "skbpool $1: ring refilled whole, traffic recovered"
	else
		ktap_fail "skbpool $1: ring refilled whole, traffic recovered"
	fi
}
round off || { ktap_fail "skbpool off: set up"; ktap_finish; }
round on || { ktap_fail "skbpool on: set up"; ktap_finish; }
ktap_finish
