#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A simnic pair across two network namespaces, for selftests:
#   simnic_pair ID_A ID_B     sets NS_A NS_B DEV_A DEV_B, addresses
#                             192.0.2.1/24 + 2001:db8::1/64 on A, .2/::2 on B
#   simnic_cleanup            deletes namespaces and devices (trap EXIT)
#   simnic_stat NS DEV NAME   one ethtool -S counter

NS_A=skbp-a-$$
NS_B=skbp-b-$$
SIMNIC_IDS=()

simnic_cleanup() {
	ip netns del "$NS_A" 2>/dev/null
	ip netns del "$NS_B" 2>/dev/null
	for id in "${SIMNIC_IDS[@]}"; do
		echo "$id" >/sys/bus/simnic/del_device 2>/dev/null
	done
	SIMNIC_IDS=()
}

simnic_port_name() { # ID -> the netdev name of its port 0
	ls "/sys/bus/simnic/devices/simnic$1/net/"
}

simnic_pair() {
	local fa fb ia ib
	modprobe simnic || return 1
	echo "$1 1 ${3:-1}" >/sys/bus/simnic/new_device || return 1
	SIMNIC_IDS+=("$1")
	echo "$2 1 ${3:-1}" >/sys/bus/simnic/new_device || return 1
	SIMNIC_IDS+=("$2")
	DEV_A=$(simnic_port_name "$1")
	DEV_B=$(simnic_port_name "$2")
	ip netns add "$NS_A" && ip netns add "$NS_B" || return 1
	ip link set "$DEV_A" netns "$NS_A" && ip link set "$DEV_B" netns "$NS_B" || return 1
	exec {fa}<"/run/netns/$NS_A" {fb}<"/run/netns/$NS_B"
	ia=$(ip netns exec "$NS_A" cat "/sys/class/net/$DEV_A/ifindex")
	ib=$(ip netns exec "$NS_B" cat "/sys/class/net/$DEV_B/ifindex")
	echo "$fa:$ia $fb:$ib" >/sys/bus/simnic/link_device || return 1
	exec {fa}<&- {fb}<&-
	ip -n "$NS_A" addr add 192.0.2.1/24 dev "$DEV_A"
	ip -n "$NS_B" addr add 192.0.2.2/24 dev "$DEV_B"
	ip -n "$NS_A" addr add 2001:db8::1/64 dev "$DEV_A" nodad
	ip -n "$NS_B" addr add 2001:db8::2/64 dev "$DEV_B" nodad
	ip -n "$NS_A" link set "$DEV_A" up && ip -n "$NS_B" link set "$DEV_B" up
}

simnic_stat() { # NS DEV NAME
	ip netns exec "$1" ethtool -S "$2" | awk -v k="$3:" '$1 == k { print $2 }'
}
