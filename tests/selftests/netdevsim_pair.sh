#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# netdevsim, the reference untagged NIC: two netdevsim devices created and
# linked through /sys/bus/netdevsim across two namespaces pass the same
# traffic as a simnic pair (ping IPv4 and IPv6, iperf3 TCP both ways), and
# "ethtool --set-priv-flags DEV skbpool on" fails cleanly on it: non-zero
# exit, the device as it was, because netdevsim does not link skbpool.
# skbpool-timeout: 120
. "$(dirname "$0")/lib/ktap.sh"
. "$(dirname "$0")/lib/netns.sh"

NS_A=nsim-a-$$
NS_B=nsim-b-$$
IDS=(311 312)
cleanup() {
	local id
	# netdevsim ports leave with their device, before their namespaces.
	for id in "${IDS[@]}"; do
		{ echo "$id" >/sys/bus/netdevsim/del_device; } 2>/dev/null
	done
	ip netns del "$NS_A" 2>/dev/null
	ip netns del "$NS_B" 2>/dev/null
}
trap cleanup EXIT

modprobe netdevsim || ktap_skip_all "netdevsim is not available (CONFIG_NETDEVSIM)"
[ -e /sys/bus/netdevsim/link_device ] || ktap_skip_all "this netdevsim cannot link devices"
ktap_plan 6

setup() {
	echo "${IDS[0]} 1 1" >/sys/bus/netdevsim/new_device &&
		echo "${IDS[1]} 1 1" >/sys/bus/netdevsim/new_device || return 1
	DEV_A=$(ls "/sys/bus/netdevsim/devices/netdevsim${IDS[0]}/net/")
	DEV_B=$(ls "/sys/bus/netdevsim/devices/netdevsim${IDS[1]}/net/")
	[ -n "$DEV_A" ] && [ -n "$DEV_B" ] || return 1
	ip netns add "$NS_A" && ip netns add "$NS_B" || return 1
	ip link set "$DEV_A" netns "$NS_A" && ip link set "$DEV_B" netns "$NS_B" || return 1
	netns_bus_link netdevsim "$NS_A" "$DEV_A" "$NS_B" "$DEV_B" || return 1
	ip -n "$NS_A" addr add 192.0.2.1/24 dev "$DEV_A"
	ip -n "$NS_B" addr add 192.0.2.2/24 dev "$DEV_B"
	ip -n "$NS_A" addr add 2001:db8::1/64 dev "$DEV_A" nodad
	ip -n "$NS_B" addr add 2001:db8::2/64 dev "$DEV_B" nodad
	ip -n "$NS_A" link set "$DEV_A" up && ip -n "$NS_B" link set "$DEV_B" up
}
ktap_run "two netdevsim devices linked across namespaces" setup ||
	ktap_finish

ping4() { ip netns exec "$NS_A" ping -c 3 -i 0.2 -W 2 192.0.2.2 >/dev/null; }
ping6() { ip netns exec "$NS_A" ping -6 -c 3 -i 0.2 -W 2 2001:db8::2 >/dev/null; }
ktap_check "ping IPv4" ping4
ktap_check "ping IPv6" ping6

iperf() { # [-R]
	local json=/tmp/nsim-iperf.$$ bytes
	ip netns exec "$NS_B" iperf3 -s -1 -p 5311 >/dev/null &
	sleep 0.5
	ip netns exec "$NS_A" iperf3 -c 192.0.2.2 -p 5311 -t 2 "$@" -J >"$json" || return 1
	bytes=$(python3 -c 'import json, sys
print(json.load(open(sys.argv[1]))["end"]["sum_received"]["bytes"])' "$json")
	echo "$bytes bytes received"
	[ "${bytes:-0}" -gt 0 ]
}
ktap_run "iperf3 TCP A to B" iperf
ktap_run "iperf3 TCP B to A" iperf -R

# Everything a user can see of the device, less its traffic counters.
looks() {
	ip netns exec "$NS_A" ip -d link show "$DEV_A"
	ip netns exec "$NS_A" ethtool -i "$DEV_A"
	ip netns exec "$NS_A" ethtool -k "$DEV_A"
	ip netns exec "$NS_A" ethtool -g "$DEV_A" 2>&1
	ip netns exec "$NS_A" ethtool -l "$DEV_A" 2>&1
}
refuse() {
	local before after
	before=$(looks)
	if ip netns exec "$NS_A" ethtool --set-priv-flags "$DEV_A" skbpool on; then
		echo "tagging netdevsim succeeded"
		return 1
	fi
	after=$(looks)
	[ "$before" = "$after" ] || { diff <(echo "$before") <(echo "$after"); return 1; }
	ping4
}
ktap_run "ethtool --set-priv-flags skbpool on fails, nothing changes" refuse
ktap_finish
