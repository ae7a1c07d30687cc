#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Any number of simnic pairs, each across its own two namespaces:
#   pair_new NAME ID_X ID_Y NET4 NET6   creates NAME_x/NAME_y namespaces
#       (names suffixed with the PID), ports with NET4.1/24 + NET6::1/64 on
#       x and .2/::2 on y, neighbours permanent both ways (so no ARP or ND
#       has to succeed under fault injection), link up.  Sets
#       ${NAME}_NSX ${NAME}_NSY ${NAME}_DEVX ${NAME}_DEVY.
#   pair_cleanup                        everything pair_new made (trap EXIT)
#   pair_stat NS DEV NAME               one ethtool -S counter
#   pair_tag NS DEV on|off              the skbpool private flag

PAIR_NETNS=()
PAIR_IDS=()

pair_cleanup() {
	local ns id
	for ns in "${PAIR_NETNS[@]}"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	for id in "${PAIR_IDS[@]}"; do
		echo "$id" >/sys/bus/simnic/del_device 2>/dev/null
	done
	PAIR_NETNS=()
	PAIR_IDS=()
	# Leave the kernel as the test found it (module_load unloads skbpool).
	modprobe -r simnic 2>/dev/null
}

pair_new() { # NAME ID_X ID_Y NET4 NET6
	local name=$1 nsx=$1-x-$$ nsy=$1-y-$$ dx dy fx fy ix iy mx my
	modprobe simnic || return 1
	echo "$2 1 1" >/sys/bus/simnic/new_device || return 1
	PAIR_IDS+=("$2")
	echo "$3 1 1" >/sys/bus/simnic/new_device || return 1
	PAIR_IDS+=("$3")
	dx=$(ls "/sys/bus/simnic/devices/simnic$2/net/")
	dy=$(ls "/sys/bus/simnic/devices/simnic$3/net/")
	ip netns add "$nsx" && PAIR_NETNS+=("$nsx") || return 1
	ip netns add "$nsy" && PAIR_NETNS+=("$nsy") || return 1
	ip link set "$dx" netns "$nsx" && ip link set "$dy" netns "$nsy" || return 1
	exec {fx}<"/run/netns/$nsx" {fy}<"/run/netns/$nsy"
	ix=$(ip netns exec "$nsx" cat "/sys/class/net/$dx/ifindex")
	iy=$(ip netns exec "$nsy" cat "/sys/class/net/$dy/ifindex")
	echo "$fx:$ix $fy:$iy" >/sys/bus/simnic/link_device || return 1
	exec {fx}<&- {fy}<&-
	mx=$(ip netns exec "$nsx" cat "/sys/class/net/$dx/address")
	my=$(ip netns exec "$nsy" cat "/sys/class/net/$dy/address")
	ip -n "$nsx" addr add "$4.1/24" dev "$dx" &&
		ip -n "$nsy" addr add "$4.2/24" dev "$dy" &&
		ip -n "$nsx" addr add "$5::1/64" dev "$dx" nodad &&
		ip -n "$nsy" addr add "$5::2/64" dev "$dy" nodad &&
		ip -n "$nsx" link set lo up && ip -n "$nsy" link set lo up &&
		ip -n "$nsx" link set "$dx" up && ip -n "$nsy" link set "$dy" up &&
		ip -n "$nsx" neigh replace "$4.2" lladdr "$my" dev "$dx" nud permanent &&
		ip -n "$nsy" neigh replace "$4.1" lladdr "$mx" dev "$dy" nud permanent &&
		ip -n "$nsx" neigh replace "$5::2" lladdr "$my" dev "$dx" nud permanent &&
		ip -n "$nsy" neigh replace "$5::1" lladdr "$mx" dev "$dy" nud permanent ||
		return 1
	printf -v "${name}_NSX" %s "$nsx"
	printf -v "${name}_NSY" %s "$nsy"
	printf -v "${name}_DEVX" %s "$dx"
	printf -v "${name}_DEVY" %s "$dy"
}

pair_stat() { # NS DEV NAME
	ip netns exec "$1" ethtool -S "$2" | awk -v k="$3:" '$1 == k { print $2 }'
}

pair_tag() { # NS DEV on|off
	ip netns exec "$1" ethtool --set-priv-flags "$2" skbpool "$3"
}
