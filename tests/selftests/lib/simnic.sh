#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A simnic pair across two network namespaces, for selftests:
#   simnic_pair ID_A ID_B [QUEUES]
#                             sets NS_A NS_B DEV_A DEV_B, addresses
#                             192.0.2.1/24 + 2001:db8::1/64 on A, .2/::2 on B
#   simnic_cleanup            deletes namespaces and devices, kills what
#                             simnic_bg started (trap EXIT)
#   simnic_stat NS DEV NAME   one ethtool -S counter
#   simnic_pool NS DEV        "total free in_flight" of the RX pools, from one
#                             ethtool -S (separate reads may straddle a
#                             buffer's return); 0 for a missing counter
#   simnic_knob ID NAME [VAL] read (or write) a fault knob of port 0 of ID
#   simnic_regs NS DEV        queue 0's ring registers in one read (ethtool -d):
#                             rx size tail head clean, tx size tail head clean
#   simnic_quiet              no IPv6, static ARP: the wire carries only what
#                             the test sends
#   simnic_bg NS CMD...       run CMD in NS in the background, to be killed
#                             at cleanup; its pid in SIMNIC_BG
#   simnic_udp_bound NS PORT  wait (up to 5 s) for a UDP socket on PORT
#   simnic_tag STATE          skbpool flag on or off on both ends

. "$(dirname "${BASH_SOURCE[0]}")/netns.sh"

NS_A=skbp-a-$$
NS_B=skbp-b-$$
SIMNIC_IDS=()
SIMNIC_PIDS=()
SIMNIC_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck disable=SC2034 # for the tests that source this
UDP_PY=$SIMNIC_LIB/udp.py

simnic_cleanup() {
	local id pid
	for pid in "${SIMNIC_PIDS[@]}"; do
		{ kill -KILL "$pid" && wait "$pid"; } 2>/dev/null
	done
	SIMNIC_PIDS=()
	ip netns del "$NS_A" 2>/dev/null
	ip netns del "$NS_B" 2>/dev/null
	for id in "${SIMNIC_IDS[@]}"; do
		{ echo "$id" >/sys/bus/simnic/del_device; } 2>/dev/null
	done
	SIMNIC_IDS=()
}

simnic_port_name() { # ID -> the netdev name of its port 0
	ls "/sys/bus/simnic/devices/simnic$1/net/"
}

simnic_pair() {
	modprobe simnic || return 1
	echo "$1 1 ${3:-1}" >/sys/bus/simnic/new_device || return 1
	SIMNIC_IDS+=("$1")
	echo "$2 1 ${3:-1}" >/sys/bus/simnic/new_device || return 1
	SIMNIC_IDS+=("$2")
	DEV_A=$(simnic_port_name "$1")
	DEV_B=$(simnic_port_name "$2")
	ip netns add "$NS_A" && ip netns add "$NS_B" || return 1
	ip link set "$DEV_A" netns "$NS_A" && ip link set "$DEV_B" netns "$NS_B" || return 1
	netns_bus_link simnic "$NS_A" "$DEV_A" "$NS_B" "$DEV_B" || return 1
	ip -n "$NS_A" addr add 192.0.2.1/24 dev "$DEV_A"
	ip -n "$NS_B" addr add 192.0.2.2/24 dev "$DEV_B"
	ip -n "$NS_A" addr add 2001:db8::1/64 dev "$DEV_A" nodad
	ip -n "$NS_B" addr add 2001:db8::2/64 dev "$DEV_B" nodad
	ip -n "$NS_A" link set "$DEV_A" up && ip -n "$NS_B" link set "$DEV_B" up
}

simnic_stat() { # NS DEV NAME
	ip netns exec "$1" ethtool -S "$2" | awk -v k="$3:" '$1 == k { print $2 }'
}

simnic_pool() { # NS DEV
	ip netns exec "$1" ethtool -S "$2" | awk '
		$1 == "skbpool_rx_total:" { t = $2 }
		$1 == "skbpool_rx_free:" { f = $2 }
		$1 == "skbpool_rx_inflight:" { i = $2 }
		END { print t + 0, f + 0, i + 0 }'
}

simnic_knob() { # ID NAME [VALUE]
	local f=/sys/kernel/debug/simnic/simnic$1-0/$2
	if [ $# -ge 3 ]; then
		echo "$3" >"$f"
	else
		cat "$f"
	fi
}

# ethtool -d: eight u32 per queue pair, queue 0 first (drivers/simnic/ethtool.c).
simnic_regs() { # NS DEV
	ip netns exec "$1" ethtool -d "$2" raw on | od -An -v -tu4 -w32 | head -n 1
}

simnic_quiet() {
	local mac_a mac_b
	ip netns exec "$NS_A" sysctl -qw "net.ipv6.conf.$DEV_A.disable_ipv6=1" &&
		ip netns exec "$NS_B" sysctl -qw "net.ipv6.conf.$DEV_B.disable_ipv6=1" || return 1
	mac_a=$(ip netns exec "$NS_A" cat "/sys/class/net/$DEV_A/address")
	mac_b=$(ip netns exec "$NS_B" cat "/sys/class/net/$DEV_B/address")
	ip -n "$NS_A" neigh replace 192.0.2.2 lladdr "$mac_b" dev "$DEV_A" nud permanent &&
		ip -n "$NS_B" neigh replace 192.0.2.1 lladdr "$mac_a" dev "$DEV_B" nud permanent
}

simnic_bg() { # NS CMD...
	local ns=$1
	shift
	ip netns exec "$ns" "$@" &
	SIMNIC_BG=$!
	SIMNIC_PIDS+=("$SIMNIC_BG")
}

simnic_udp_bound() { # NS PORT
	local hex _
	hex=$(printf ':%04X ' "$2")
	for _ in $(seq 1 50); do
		ip netns exec "$1" cat /proc/net/udp | grep -q "$hex" && return 0
		sleep 0.1
	done
	return 1
}

simnic_tag() { # on|off
	ip netns exec "$NS_A" ethtool --set-priv-flags "$DEV_A" skbpool "$1" &&
		ip netns exec "$NS_B" ethtool --set-priv-flags "$DEV_B" skbpool "$1"
}
