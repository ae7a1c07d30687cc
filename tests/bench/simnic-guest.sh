#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Inside the guest that tests/bench/simnic.sh boots: throughput of a simnic
# pair untagged and tagged, and of a netdevsim pair for reference, in one
# boot.  The host is shared and emulates the guest (TCG): its load swings
# a guest's speed by 2x from one second to the next.  So configurations
# are compared at the same time, each on a vCPU of its own, then swapped:
# an untagged simnic pair always runs beside the configuration measured.
#
#   pps        60-byte UDP frames from the kernel's pktgen (a thread per
#              vCPU, a fresh skb per frame; the receiver's NAPI runs on the
#              sender's vCPU), counted as the receiver's IP layer takes them
#              in (Ip InReceives: netdevsim has no RX counters).  They go to
#              a socket with the smallest receive buffer, never read, so the
#              stack drops them at its door: no ICMP reply, no pool buffer
#              parked.
#   tcp1_mbps  iperf3 TCP, one stream, client and server pinned to the vCPU
#   tcp4_mbps  the same with four streams
#
# Configurations: untagged (both simnic ends), tagged (both), rxtagged
# (only the receiver tagged: its RX path without the sender's TX bounce
# copy; pps only) and netdevsim.  The wire is quiet (no IPv6, static
# ARP), so it carries only what is measured.
#
# Output, one line per measurement window of two configurations:
#   PAIR <figure> <round> <config on vCPU 0> <value> <config on vCPU 1> <value>
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/selftests/lib/simnic.sh
. "$here/../selftests/lib/simnic.sh"
ROUNDS=${ROUNDS:-4}
PPS_SECS=${PPS_SECS:-3}
TCP_SECS=${TCP_SECS:-3}

NSIM_IDS=(911 912)
NAMESPACES=()
cleanup() {
	local id ns
	for id in "${NSIM_IDS[@]}"; do
		{ echo "$id" >/sys/bus/netdevsim/del_device; } 2>/dev/null
	done
	for pid in "${SIMNIC_PIDS[@]}"; do
		{ kill -KILL "$pid" && wait "$pid"; } 2>/dev/null
	done
	for ns in "${NAMESPACES[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	simnic_cleanup
}
trap cleanup EXIT

die() { echo "simnic-guest: $*" >&2; exit 1; }

# Configuration name -> "NS_A DEV_A NS_B DEV_B"
declare -A PAIRS

# Two simnic pairs: "untagged" stays so, the other is tagged as measured.
for p in untagged other; do
	NS_A=skbp-$p-a NS_B=skbp-$p-b
	id=$((901 + ${#NAMESPACES[@]}))
	simnic_pair $id $((id + 1)) && simnic_quiet || die "cannot set up a simnic pair"
	NAMESPACES+=("$NS_A" "$NS_B")
	PAIRS[$p]="$NS_A $DEV_A $NS_B $DEV_B"
done

nsim_pair() {
	local a=nsim-a b=nsim-b da db mac_a mac_b
	modprobe netdevsim || return 1
	echo "${NSIM_IDS[0]} 1 1" >/sys/bus/netdevsim/new_device &&
		echo "${NSIM_IDS[1]} 1 1" >/sys/bus/netdevsim/new_device || return 1
	da=$(ls "/sys/bus/netdevsim/devices/netdevsim${NSIM_IDS[0]}/net/")
	db=$(ls "/sys/bus/netdevsim/devices/netdevsim${NSIM_IDS[1]}/net/")
	ip netns add $a && ip netns add $b || return 1
	NAMESPACES+=("$a" "$b")
	ip link set "$da" netns $a && ip link set "$db" netns $b || return 1
	netns_bus_link netdevsim $a "$da" $b "$db" || return 1
	ip -n $a addr add 192.0.2.1/24 dev "$da"
	ip -n $b addr add 192.0.2.2/24 dev "$db"
	ip netns exec $a sysctl -qw "net.ipv6.conf.$da.disable_ipv6=1"
	ip netns exec $b sysctl -qw "net.ipv6.conf.$db.disable_ipv6=1"
	mac_a=$(ip netns exec $a cat "/sys/class/net/$da/address")
	mac_b=$(ip netns exec $b cat "/sys/class/net/$db/address")
	ip -n $a neigh replace 192.0.2.2 lladdr "$mac_b" dev "$da" nud permanent
	ip -n $b neigh replace 192.0.2.1 lladdr "$mac_a" dev "$db" nud permanent
	ip -n $a link set "$da" up && ip -n $b link set "$db" up
	PAIRS[netdevsim]="$a $da $b $db"
}
nsim_pair || die "cannot set up the netdevsim pair"
modprobe pktgen || die "no pktgen (CONFIG_NET_PKTGEN)"
for p in untagged other netdevsim; do
	read -r _ _ ns _ <<<"${PAIRS[$p]}"
	simnic_bg "$ns" python3 "$UDP_PY" hold 192.0.2.2 9 1
	simnic_udp_bound "$ns" 9 || die "no UDP sink in $ns"
done

# The "other" simnic pair as CONFIG: tagged ends, A's then B's.
configure() { # CONFIG -> the pair's name
	local a b ns_a dev_a ns_b dev_b
	case $1 in
	untagged | netdevsim) echo "$1"; return ;;
	tagged) a=on b=on ;;
	rxtagged) a=off b=on ;;
	esac
	read -r ns_a dev_a ns_b dev_b <<<"${PAIRS[other]}"
	ip netns exec "$ns_a" ethtool --set-priv-flags "$dev_a" skbpool $a &&
		ip netns exec "$ns_b" ethtool --set-priv-flags "$dev_b" skbpool $b ||
		die "cannot tag"
	echo other
}

in_receives() { # NS
	ip netns exec "$1" awk '$1 == "Ip:" && n++ { print $4 }' /proc/net/snmp
}

pg() { # NS FILE COMMAND
	ip netns exec "$1" sh -c "echo '$3' >/proc/net/pktgen/$2" ||
		die "pktgen: '$3' refused by $2"
}

pktgen_setup() { # PAIR CPU
	local ns_a dev_a ns_b dev_b mac c
	read -r ns_a dev_a ns_b dev_b <<<"${PAIRS[$1]}"
	mac=$(ip netns exec "$ns_b" cat "/sys/class/net/$dev_b/address")
	# A device sits on one thread at a time: off the other vCPU's first.
	pg "$ns_a" kpktgend_0 rem_device_all
	pg "$ns_a" kpktgend_1 rem_device_all
	pg "$ns_a" "kpktgend_$2" "add_device $dev_a"
	for c in "count 0" "pkt_size 60" "delay 0" "clone_skb 0" "burst 1" \
		"dst 192.0.2.2" "dst_mac $mac" "udp_dst_min 9" "udp_dst_max 9"; do
		pg "$ns_a" "$dev_a" "$c"
	done
}

pps_window() { # ROUND CONFIG0 CONFIG1
	local p0 p1 a0 a1 b0 b1 r00 r01 r10 r11 t0 t1 s0 s1
	p0=$(configure "$2") p1=$(configure "$3")
	pktgen_setup "$p0" 0
	pktgen_setup "$p1" 1
	read -r a0 _ b0 _ <<<"${PAIRS[$p0]}"
	read -r a1 _ b1 _ <<<"${PAIRS[$p1]}"
	ip netns exec "$a0" sh -c 'echo start >/proc/net/pktgen/pgctrl' &
	s0=$!
	ip netns exec "$a1" sh -c 'echo start >/proc/net/pktgen/pgctrl' &
	s1=$!
	sleep 1
	r00=$(in_receives "$b0") r10=$(in_receives "$b1") t0=$(date +%s.%N)
	sleep "$PPS_SECS"
	r01=$(in_receives "$b0") r11=$(in_receives "$b1") t1=$(date +%s.%N)
	ip netns exec "$a0" sh -c 'echo stop >/proc/net/pktgen/pgctrl'
	ip netns exec "$a1" sh -c 'echo stop >/proc/net/pktgen/pgctrl'
	wait $s0 $s1
	echo "PAIR pps $1 $2 $(python3 -c "print(round(($r01 - $r00) / ($t1 - $t0)))") $3 $(python3 -c "print(round(($r11 - $r10) / ($t1 - $t0)))")"
}

tcp_window() { # ROUND STREAMS CONFIG0 CONFIG1
	local p0 p1 i ns_a ns_b out=() pids=() srv=()
	p0=$(configure "$3") p1=$(configure "$4")
	i=0
	for p in "$p0" "$p1"; do
		read -r ns_a _ ns_b _ <<<"${PAIRS[$p]}"
		ip netns exec "$ns_b" iperf3 -s -1 -p 5901 -A $i >/dev/null &
		srv+=($!)
		i=$((i + 1))
	done
	sleep 0.5
	i=0
	for p in "$p0" "$p1"; do
		read -r ns_a _ ns_b _ <<<"${PAIRS[$p]}"
		ip netns exec "$ns_a" iperf3 -c 192.0.2.2 -p 5901 -A $i -t "$TCP_SECS" -P "$2" -J \
			>"/tmp/bench-tcp.$i" &
		pids+=($!)
		i=$((i + 1))
	done
	wait "${pids[@]}" "${srv[@]}"
	for i in 0 1; do
		out+=("$(python3 -c 'import json, sys
print(round(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 1e6, 1))' \
			"/tmp/bench-tcp.$i")")
	done
	echo "PAIR tcp$2_mbps $1 $3 ${out[0]} $4 ${out[1]}"
}

echo "# $(nproc) vCPUs, $(uname -r), rounds $ROUNDS, pktgen ${PPS_SECS}s, iperf3 ${TCP_SECS}s per window"
for r in $(seq 1 "$ROUNDS"); do
	for c in tagged rxtagged netdevsim; do
		pps_window "$r" "$c" untagged
		pps_window "$r" untagged "$c"
	done
	for c in tagged netdevsim; do
		for s in 1 4; do
			tcp_window "$r" $s "$c" untagged
			tcp_window "$r" $s untagged "$c"
		done
	done
done
