#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A simnic pair across two namespaces, untagged then tagged: ping IPv4 and
# IPv6; iperf3 TCP both ways and UDP, after each of which the wire lost
# nothing (what one end sent, the other received, missed or dropped) and
# the receiving end's counters account for what iperf3 reports; tagged,
# the steady state makes no page allocation for packet data over at least
# 100,000 received frames, and the pool's books balance.  (Removing the
# devices with frames in flight is simnic_teardown's.)
# skbpool-timeout: 300
. "$(dirname "$0")/lib/ktap.sh"
. "$(dirname "$0")/lib/simnic.sh"
trap simnic_cleanup EXIT

ktap_plan 13
simnic_pair 101 102 || { ktap_fail "create and link a pair"; ktap_finish; }
ktap_pass "create and link a pair across namespaces"

ping_both() {
	ip netns exec "$NS_A" ping -c 3 -i 0.2 -W 2 192.0.2.2 >/dev/null &&
		ip netns exec "$NS_A" ping -6 -c 3 -i 0.2 -W 2 2001:db8::2 >/dev/null
}

# Both ends' ethtool -S into DIR/a and DIR/b, read while no frame is on
# the wire: A's and B's counters the same before and after reading both.
snap() { # DIR
	local a1 b1 a2 b2 _
	mkdir -p "$1"
	for _ in $(seq 1 20); do
		a1=$(ip netns exec "$NS_A" ethtool -S "$DEV_A" | grep -E '^ +(rx|tx)_')
		b1=$(ip netns exec "$NS_B" ethtool -S "$DEV_B" | grep -E '^ +(rx|tx)_')
		a2=$(ip netns exec "$NS_A" ethtool -S "$DEV_A" | grep -E '^ +(rx|tx)_')
		b2=$(ip netns exec "$NS_B" ethtool -S "$DEV_B" | grep -E '^ +(rx|tx)_')
		if [ "$a1" = "$a2" ] && [ "$b1" = "$b2" ]; then
			echo "$a1" >"$1/a"
			echo "$b1" >"$1/b"
			return 0
		fi
		sleep 0.2
	done
	return 1
}

ip netns exec "$NS_B" iperf3 -s -D -p 5201 --pidfile "/tmp/iperf3-pair.$$" >/dev/null
sleep 0.5
run=0
# iperf3 for 3 s, A the client; tcp or udp, ab (A sends) or ba (-R).
iperf_counted() { # tcp|udp ab|ba
	local dir=/tmp/pair.$$.$((run += 1)) args=(-t 3)
	[ "$1" = udp ] && args+=(-u -b 20M -l 1000)
	[ "$2" = ba ] && args+=(-R)
	snap "$dir/0" || return 1
	ip netns exec "$NS_A" iperf3 -c 192.0.2.2 -p 5201 "${args[@]}" -J >"$dir/json" || return 1
	sleep 0.5
	snap "$dir/1" || return 1
	python3 "$SIMNIC_LIB/iperf_counters.py" "$dir/json" "$1" "$2" 1500 \
		"$dir/0/a" "$dir/0/b" "$dir/1/a" "$dir/1/b"
}

for state in off on; do
	simnic_tag $state || { ktap_fail "skbpool $state on both ends"; ktap_finish; }
	if [ $state = on ]; then
		total=$(simnic_stat "$NS_B" "$DEV_B" skbpool_rx_total)
		if [ "${total:-0}" -gt 0 ]; then
			ktap_pass "tagged pool holds $total buffers"
		else
			ktap_fail "tagged pool holds buffers" "skbpool_rx_total '$total'"
		fi
	fi
	ktap_check "skbpool $state: ping IPv4 and IPv6" ping_both
	ktap_check "skbpool $state: iperf3 TCP A to B, counters agree" iperf_counted tcp ab
	ktap_check "skbpool $state: iperf3 TCP B to A, counters agree" iperf_counted tcp ba
	ktap_check "skbpool $state: iperf3 UDP A to B, counters agree" iperf_counted udp ab
done
kill "$(cat "/tmp/iperf3-pair.$$")" 2>/dev/null

# Receive at least 100,000 frames on B (iperf3 TCP, A sends), at most 60 s.
# Steady state means the stack holds fewer buffers than the pool has: the
# socket buffer is bounded (-w 256K, about 110 frames of 2 KiB truesize),
# where autotuning would let one socket park well over the 4-ring floor.
ip netns exec "$NS_B" iperf3 -s -D -1 -p 5202 >/dev/null
sleep 0.5
rx0=$(simnic_stat "$NS_B" "$DEV_B" rx_packets)
slow0=$(simnic_stat "$NS_B" "$DEV_B" skbpool_rx_alloc_slowpath)
lent0=$(simnic_stat "$NS_B" "$DEV_B" skbpool_rx_lent)
ip netns exec "$NS_A" iperf3 -c 192.0.2.2 -p 5202 -t 60 -w 256K -J >/tmp/iperf.json &
iperf=$!
for _ in $(seq 1 120); do
	sleep 0.5
	rx=$(simnic_stat "$NS_B" "$DEV_B" rx_packets)
	[ $((rx - rx0)) -ge 100000 ] && break
done
kill -INT $iperf 2>/dev/null
wait $iperf
slow=$(simnic_stat "$NS_B" "$DEV_B" skbpool_rx_alloc_slowpath)
lent=$(simnic_stat "$NS_B" "$DEV_B" skbpool_rx_lent)
frames=$((rx - rx0))
ktap_info "received $frames frames, slow-path allocations $((slow - slow0)), pages lent $((lent - lent0))"
if [ "$frames" -ge 100000 ]; then
	ktap_pass "iperf3 TCP tagged: $frames frames received"
else
	ktap_fail "iperf3 TCP tagged: 100,000 frames" "only $frames"
fi
if [ "$frames" -ge 100000 ] && [ "$slow" -eq "$slow0" ] && [ "$lent" -eq "$lent0" ]; then
	ktap_pass "no slow-path allocation, no page lent over $frames frames"
else
	ktap_fail "no slow-path allocation over 100,000 frames" \
		"$((slow - slow0)) allocations, $((lent - lent0)) pages lent"
fi

sleep 0.5
read -r total free inflight < <(simnic_pool "$NS_B" "$DEV_B")
if [ "$total" -eq $((free + inflight)) ]; then
	ktap_pass "total $total = free $free + in flight $inflight"
else
	ktap_fail "total = free + in flight" "$total != $free + $inflight"
fi
ktap_finish
