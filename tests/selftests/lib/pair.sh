#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Any number of simnic pairs, each across its own two namespaces:
#   pair_new NAME ID_X ID_Y NET4 NET6 [QUEUES]
#                                       creates NAME_x/NAME_y namespaces
#       (names suffixed with the PID), ports with NET4.1/24 + NET6::1/64 on
#       x and .2/::2 on y, neighbours permanent both ways (so no ARP or ND
#       has to succeed under fault injection), link up.  Sets
#       ${NAME}_NSX ${NAME}_NSY ${NAME}_DEVX ${NAME}_DEVY.
#   pair_cleanup                        everything pair_new made (trap EXIT)
#   pair_stat NS DEV NAME               one ethtool -S counter
#   pair_tag NS DEV on|off              the skbpool private flag

. "$(dirname "${BASH_SOURCE[0]}")/netns.sh"

PAIR_NETNS=()
PAIR_IDS=()

pair_cleanup() {
	local ns id
	for ns in "${PAIR_NETNS[@]}"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	for id in "${PAIR_IDS[@]}"; do
		{ echo "$id" >/sys/bus/simnic/del_device; } 2>/dev/null
	done
	PAIR_NETNS=()
	PAIR_IDS=()
	# Leave the kernel as the test found it (module_load unloads skbpool).
	modprobe -r simnic 2>/dev/null
}

pair_new() { # NAME ID_X ID_Y NET4 NET6 [QUEUES]
	local name=$1 nsx=$1-x-$$ nsy=$1-y-$$ dx dy
	modprobe simnic || return 1
	echo "$2 1 ${6:-1}" >/sys/bus/simnic/new_device || return 1
	PAIR_IDS+=("$2")
	echo "$3 1 ${6:-1}" >/sys/bus/simnic/new_device || return 1
	PAIR_IDS+=("$3")
	dx=$(ls "/sys/bus/simnic/devices/simnic$2/net/")
	dy=$(ls "/sys/bus/simnic/devices/simnic$3/net/")
	ip netns add "$nsx" && PAIR_NETNS+=("$nsx") || return 1
	ip netns add "$nsy" && PAIR_NETNS+=("$nsy") || return 1
	ip link set "$dx" netns "$nsx" && ip link set "$dy" netns "$nsy" || return 1
	netns_bus_link simnic "$nsx" "$dx" "$nsy" "$dy" || return 1
	netns_addr_pair "$nsx" "$dx" "$nsy" "$dy" "$4" "$5" || return 1
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
