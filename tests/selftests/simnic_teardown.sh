#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A tagged simnic port goes away while its peer floods it and a stopped
# receiver's socket holds hundreds of its pool buffers: by "ip link del",
# by the death of its namespace (whose IP reassembly queues hold more of
# its buffers), by del_device, and by rmmod simnic then rmmod skbpool
# before the receivers are killed, so that the stack frees the last
# buffers with both modules gone.  Each removal succeeds and leaves the
# peer without carrier; nothing crashes or warns (the harness watches the
# kernel log); the pages the pools held are all back once the receivers
# die (kmemleak, on the debug kernel, covers slab objects, not pages).
# skbpool-timeout: 480
. "$(dirname "$0")/lib/ktap.sh"
. "$(dirname "$0")/lib/simnic.sh"
trap simnic_cleanup EXIT

ktap_plan 5

# Free pages on the per-CPU lists are not counted free in /proc/meminfo,
# and after a burst of frees those lists may hold megabytes: add them.
mem_avail() {
	local pcp
	sync
	echo 3 >/proc/sys/vm/drop_caches
	pcp=$(awk '$1 == "count:" { n += $2 } END { print n * 4 }' /proc/zoneinfo)
	echo "# per-CPU free lists: $pcp kB" >&2
	awk -v pcp="$pcp" '/^MemAvailable:/ { print $2 + pcp }' /proc/meminfo
}
avail0=$(mem_avail)
held_kb=0

# A tagged pair; in B a receiver that binds and stops itself, so its
# socket keeps what arrives; A floods it.  HELD: B's buffers in flight.
# With a third argument, B's reassembly queues get buffers first (before
# the flood leaves the pool nothing to receive them in).
stage() {
	simnic_pair "$1" "$2" && simnic_tag on || return 1
	if [ -n "${3:-}" ]; then
		ip netns exec "$NS_A" ping -c 1 -W 2 192.0.2.2 >/dev/null || return 1
		ip netns exec "$NS_A" python3 "$UDP_PY" frags 192.0.2.2 200
		ip netns exec "$NS_B" grep FRAG /proc/net/sockstat
	fi
	simnic_bg "$NS_B" python3 "$UDP_PY" hold 192.0.2.2 9000
	HOLDER=$SIMNIC_BG
	simnic_udp_bound "$NS_B" 9000 || return 1
	simnic_bg "$NS_A" python3 "$UDP_PY" flood 192.0.2.2 9000
	# A slow kernel (the debug flavour) takes seconds to get there.
	for _ in $(seq 1 60); do
		sleep 0.5
		HELD=$(simnic_stat "$NS_B" "$DEV_B" skbpool_rx_inflight)
		[ "${HELD:-0}" -ge 200 ] && break
	done
	sleep 1
	HELD=$(simnic_stat "$NS_B" "$DEV_B" skbpool_rx_inflight)
	echo "B holds ${HELD:-?} of $(simnic_stat "$NS_B" "$DEV_B" skbpool_rx_total) buffers in flight"
	held_kb=$((held_kb + ${HELD:-0} * 4))
	[ "${HELD:-0}" -ge 100 ]
}

carrier_a() { ip netns exec "$NS_A" cat "/sys/class/net/$DEV_A/carrier" 2>/dev/null; }
no_ports() { [ -z "$(ls "/sys/bus/simnic/devices/simnic$1/net" 2>/dev/null)" ]; }

link_del() {
	stage 201 202 || return 1
	ip -n "$NS_B" link del "$DEV_B" || return 1
	if ip -n "$NS_B" link show "$DEV_B" >/dev/null 2>&1 || ! no_ports 202; then
		echo "the port is still there"
		return 1
	fi
	[ "$(carrier_a)" = 0 ] || { echo "A kept carrier"; return 1; }
	# The device stays, with no port left, until del_device.
	echo 202 >/sys/bus/simnic/del_device
}
ktap_run "ip link del under a flood, buffers held by a stopped receiver" link_del
simnic_cleanup

netns_del() {
	local name _
	stage 203 204 frags || return 1
	# The namespace dies with its last process: the stopped receiver.
	ip netns del "$NS_B" || return 1
	{ kill -KILL "$HOLDER" && wait "$HOLDER"; } 2>/dev/null
	# A port is hardware to namespaces: it comes back to init_net.
	for _ in $(seq 1 100); do
		name=$(ls /sys/bus/simnic/devices/simnic204/net 2>/dev/null)
		[ -n "$name" ] && [ -e "/sys/class/net/$name" ] && break
		sleep 0.1
	done
	[ -e "/sys/class/net/$name" ] || { echo "the port did not return to init_net"; return 1; }
	echo "the port came back to init_net as $name"
	[ "$(ethtool -S "$name" | awk '$1 == "skbpool_rx_total:" { print $2 }')" = 0 ] ||
		{ echo "its pools were not torn down"; return 1; }
	[ "$(carrier_a)" = 0 ] || { echo "A kept carrier"; return 1; }
}
ktap_run "namespace deleted under a flood, buffers held by sockets and reassembly" netns_del
simnic_cleanup

del_device() {
	stage 205 206 || return 1
	echo 206 >/sys/bus/simnic/del_device || return 1
	[ ! -e /sys/bus/simnic/devices/simnic206 ] || { echo "device still there"; return 1; }
	[ "$(carrier_a)" = 0 ] || { echo "A kept carrier"; return 1; }
}
ktap_run "del_device under a flood, buffers held by a stopped receiver" del_device
simnic_cleanup

# Both modules leave while the receiver still holds B's buffers; the
# receiver dies only afterwards.
rmmod_both() {
	stage 207 208 || return 1
	modprobe -r simnic || return 1
	modprobe -r skbpool || return 1
	! grep -qE '^(simnic|skbpool) ' /proc/modules
}
ktap_run "rmmod simnic, rmmod skbpool with buffers held" rmmod_both
simnic_cleanup

# Namespaces die in a worker; give it time to free what they held.
sleep 2
avail=$(mem_avail)
ktap_info "MemAvailable $avail0 kB before, $avail kB after; $held_kb kB were held in flight"
if dmesg | grep -q 'KernelAddressSanitizer initialized'; then
	# Its quarantine keeps megabytes of freed slab memory back.
	ktap_skip "the pages held in flight came back" "KASAN: MemAvailable cannot tell (kmemleak checks)"
elif [ $((avail0 - avail)) -lt $((held_kb / 4)) ]; then
	ktap_pass "the pages held in flight came back (less than a quarter of $held_kb kB missing)"
else
	ktap_fail "the pages held in flight came back" "$((avail0 - avail)) kB missing"
fi
ktap_finish
