#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A simnic pair across two namespaces: ping (IPv4, IPv6) untagged and
# tagged, iperf3 TCP tagged; steady state makes no page allocation for
# packet data over at least 100,000 received frames; the counters of both
# ends agree; the devices go away with frames still in flight.
# skbpool-timeout: 240
. "$(dirname "$0")/lib/ktap.sh"
. "$(dirname "$0")/lib/simnic.sh"
trap simnic_cleanup EXIT

ktap_plan 10
simnic_pair 101 102 || { ktap_fail "create and link a pair"; ktap_finish; }
ktap_pass "create and link a pair across namespaces"

ping_both() {
	ip netns exec "$NS_A" ping -c 3 -i 0.2 -W 2 192.0.2.2 >/dev/null &&
		ip netns exec "$NS_A" ping -6 -c 3 -i 0.2 -W 2 2001:db8::2 >/dev/null
}
ktap_check "ping IPv4 and IPv6, untagged" ping_both

tag() {
	ip netns exec "$NS_A" ethtool --set-priv-flags "$DEV_A" skbpool "$1" &&
		ip netns exec "$NS_B" ethtool --set-priv-flags "$DEV_B" skbpool "$1"
}
ktap_check "tag both ends" tag on
total=$(simnic_stat "$NS_B" "$DEV_B" skbpool_rx_total)
if [ "${total:-0}" -gt 0 ]; then
	ktap_pass "tagged pool holds $total buffers"
else
	ktap_fail "tagged pool holds buffers" "skbpool_rx_total '$total'"
fi
ktap_check "ping IPv4 and IPv6, tagged" ping_both

# Receive at least 100,000 frames on B (iperf3 TCP, A sends), at most 60 s.
# Steady state means the stack holds fewer buffers than the pool has: the
# socket buffer is bounded (-w 256K, about 60 frames of 4 KiB truesize),
# where autotuning would let one socket park well over the 4-ring floor.
ip netns exec "$NS_B" iperf3 -s -D -1 -p 5201 >/dev/null
sleep 0.5
rx0=$(simnic_stat "$NS_B" "$DEV_B" rx_packets)
slow0=$(simnic_stat "$NS_B" "$DEV_B" skbpool_rx_alloc_slowpath)
ip netns exec "$NS_A" iperf3 -c 192.0.2.2 -p 5201 -t 60 -w 256K -J >/tmp/iperf.json &
iperf=$!
for _ in $(seq 1 120); do
	sleep 0.5
	rx=$(simnic_stat "$NS_B" "$DEV_B" rx_packets)
	[ $((rx - rx0)) -ge 100000 ] && break
done
kill -INT $iperf 2>/dev/null
wait $iperf
slow=$(simnic_stat "$NS_B" "$DEV_B" skbpool_rx_alloc_slowpath)
frames=$((rx - rx0))
ktap_info "received $frames frames, slow-path allocations $((slow - slow0))"
if [ "$frames" -ge 100000 ]; then
	ktap_pass "iperf3 TCP tagged: $frames frames received"
else
	ktap_fail "iperf3 TCP tagged: 100,000 frames" "only $frames"
fi
if [ "$frames" -ge 100000 ] && [ "$slow" -eq "$slow0" ]; then
	ktap_pass "no slow-path allocation over $frames frames"
else
	ktap_fail "no slow-path allocation over 100,000 frames" "$((slow - slow0)) allocations"
fi

# What A sent, B received or missed: the two ends agree.
sleep 0.5
tx_a=$(simnic_stat "$NS_A" "$DEV_A" tx_packets)
rx_b=$(simnic_stat "$NS_B" "$DEV_B" rx_packets)
miss_b=$(simnic_stat "$NS_B" "$DEV_B" rx_missed_errors)
drop_b=$(simnic_stat "$NS_B" "$DEV_B" rx_dropped)
ktap_info "A tx $tx_a, B rx $rx_b + missed $miss_b + dropped $drop_b"
if [ "$tx_a" -eq $((rx_b + miss_b + drop_b)) ]; then
	ktap_pass "frames sent by A = received + missed + dropped by B"
else
	ktap_fail "frames sent by A = received + missed + dropped by B"
fi

total=$(simnic_stat "$NS_B" "$DEV_B" skbpool_rx_total)
free=$(simnic_stat "$NS_B" "$DEV_B" skbpool_rx_free)
inflight=$(simnic_stat "$NS_B" "$DEV_B" skbpool_rx_inflight)
if [ "$total" -eq $((free + inflight)) ]; then
	ktap_pass "total $total = free $free + in flight $inflight"
else
	ktap_fail "total = free + in flight" "$total != $free + $inflight"
fi

# Frames parked in a socket nobody reads, then the devices go away.
ip netns exec "$NS_B" python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
s.bind(("192.0.2.2", 9000))
time.sleep(30)' &
sink=$!
sleep 0.5
ip netns exec "$NS_A" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(200):
    s.sendto(b"x" * 1000, ("192.0.2.2", 9000))'
sleep 0.3
held=$(simnic_stat "$NS_B" "$DEV_B" skbpool_rx_inflight)
ktap_info "$held buffers in flight before the teardown"
teardown() {
	simnic_cleanup && modprobe -r simnic && modprobe -r skbpool
}
if [ "${held:-0}" -gt 0 ] && teardown; then
	ktap_pass "del_device and rmmod with $held buffers in flight"
else
	ktap_fail "del_device and rmmod with buffers in flight" "in flight '$held'"
fi
kill $sink 2>/dev/null
wait $sink 2>/dev/null
ktap_finish
