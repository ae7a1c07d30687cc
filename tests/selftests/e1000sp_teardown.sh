#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# e1000sp goes away with frames still held by the stack: a tagged NIC
# unbound through sysfs while a socket nobody reads holds pool buffers
# and a TCP flow runs, then bound again and working; then rmmod with
# buffers in flight on both the pool path and the stock path.  The test
# fails on any kernel splat (the harness watches the log), and the debug
# kernel's kmemleak scan checks that nothing leaked.
# skbpool-timeout: 240
. "$(dirname "$0")/lib/ktap.sh"
. "$(dirname "$0")/lib/e1000.sh"
trap 'kill $sink 2>/dev/null; e1000_cleanup' EXIT
sink=

e1000_nics || ktap_skip_all "the guest has fewer than two e1000 NICs (E1000_NICS=2)"
ktap_plan 7
if ! e1000_pair e1000sp || ! e1000_tag "$NS_A" "$DEV_A" on || ! e1000_tag "$NS_B" "$DEV_B" on ||
   ! e1000_wait_link; then
	ktap_fail "bind e1000sp, link and tag both NICs"
	ktap_finish
fi
ktap_pass "bind e1000sp, link and tag both NICs"

# 200 datagrams parked in a socket on B that nobody reads.
park() {
	ip netns exec "$NS_B" python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
s.bind(("0.0.0.0", 9000))
time.sleep(60)' &
	sink=$!
	sleep 1
	in_a python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(200):
    s.sendto(b"x" * 1000, (sys.argv[1], 9000))
    time.sleep(0.001)' "$E1000_N4.2"
	sleep 0.5
}

park
e1000_bg_start
sleep 2
held=$(e1000_stat "$NS_B" "$DEV_B" skbpool_rx_inflight)
ktap_info "$held buffers in flight on B before the unbind"
pci_b=${E1000_PCI[1]}
if [ "${held:-0}" -gt 0 ] && echo "$pci_b" >"/sys/bus/pci/devices/$pci_b/driver/unbind" &&
   ! in_b test -e "/sys/class/net/$DEV_B"; then
	ktap_pass "unbind B through sysfs under traffic with $held buffers in flight"
else
	ktap_fail "unbind B through sysfs with buffers in flight" "in flight '$held'"
fi
kill "$E1000_BG" 2>/dev/null
wait "$E1000_BG" 2>/dev/null
E1000_BG=
kill $sink 2>/dev/null
wait $sink 2>/dev/null

# Bound again, the NIC comes back in the initial namespace under a new
# name: put it where it was.
rebind() {
	local dev
	echo "$pci_b" >/sys/bus/pci/drivers_probe || return 1
	for _ in $(seq 1 50); do
		dev=$(e1000_netdev "$pci_b")
		[ -n "$dev" ] && break
		sleep 0.1
	done
	[ -n "$dev" ] && ip link set "$dev" netns "$NS_B" || return 1
	ip -n "$NS_B" link set "$dev" name "$DEV_B" &&
		ip -n "$NS_B" addr add "$E1000_N4.2/24" dev "$DEV_B" &&
		ip -n "$NS_B" link set "$DEV_B" up &&
		ip -n "$NS_A" neigh replace "$E1000_N4.2" lladdr \
			"$(in_b cat "/sys/class/net/$DEV_B/address")" dev "$DEV_A" nud permanent &&
		ip -n "$NS_B" neigh replace "$E1000_N4.1" lladdr \
			"$(in_a cat "/sys/class/net/$DEV_A/address")" dev "$DEV_B" nud permanent &&
		e1000_tag "$NS_B" "$DEV_B" on && e1000_wait_link
}
ktap_check "bind B again through sysfs, tag it, ping" rebind
ktap_check "iperf3 TCP over the rebound NIC" \
	eval 'in_b iperf3 -s -1 -D -p 5203 && sleep 0.5 && in_a timeout 30 iperf3 -c "$E1000_N4.2" -p 5203 -t 2 >/dev/null'

park
held=$(e1000_stat "$NS_B" "$DEV_B" skbpool_rx_inflight)
ktap_info "$held buffers in flight on B before rmmod"
if [ "${held:-0}" -gt 0 ] && modprobe -r e1000sp && ! lsmod | grep -q '^e1000sp '; then
	ktap_pass "rmmod e1000sp with $held pool buffers in flight"
else
	ktap_fail "rmmod e1000sp with pool buffers in flight" "in flight '$held'"
fi
kill $sink 2>/dev/null
wait $sink 2>/dev/null
ktap_check "skbpool unloads after its pools' last frames are freed" modprobe -r skbpool

# The stock path: untagged skbs parked, then rmmod.
stock() {
	e1000_cleanup
	e1000_pair e1000sp || return 1
	park
	[ "$(in_b ss -Hunl 'sport = :9000' | awk '{ print $2 }')" -gt 0 ] ||
		{ echo "nothing queued on the socket"; return 1; }
	modprobe -r e1000sp
}
ktap_check "rmmod e1000sp with untagged frames in flight" stock
ktap_finish
