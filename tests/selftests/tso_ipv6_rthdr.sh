#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IPv6 TCP segmentation on simnic and on e1000sp, plain and behind a
# routing header.  A TCP socket on A carries a segment routing header
# [FINAL, VIA] (RFC 8754), so its packets' IPv6 destination is VIA, one of
# B's addresses, while B delivers them to FINAL, another of its addresses,
# once it has processed the header; the TCP checksum covers FINAL (RFC
# 8200, 8.1).  A device that seeds segmentation with the IPv6 header's
# destination sends segments whose checksums are wrong.  Both drivers
# advertise NETIF_F_HW_CSUM, for which the stack does not keep such frames
# from TSO (it does so only for NETIF_F_IPV6_CSUM).
#
# Each driver: 4 MiB plain, then 4 MiB through the routing header.  Every
# byte must arrive, and every frame must reach B's TCP whole: a tap on B
# checks each TCP frame's checksum over the final destination, and B's
# IPv6 drops none as truncated, its TCP counts no checksum error (TCP
# would otherwise still deliver every byte, late, through retransmits of
# single segments, which are not offloaded).  When the driver offers IPv6
# TSO, the plain run must use it: frames longer than the MTU leave A (a
# packet tap sees them whole only when the driver segments them).
# skbpool-timeout: 300
. "$(dirname "$0")/lib/ktap.sh"

LIB=$(cd "$(dirname "$0")/lib" && pwd)
VIA=2001:db8::2
FINAL=2001:db8:5::2
BYTES=$((4 << 20))
LIMIT=$((60 * ${SKBPOOL_SLOW:-1}))

csum_errors() { # NS
	ip netns exec "$1" awk '/^Tcp:/ { n++; if (n == 1) for (i = 1; i <= NF; i++) col[$i] = i;
		else print $col["InCsumErrors"] }' /proc/net/snmp
}

truncated() { # NS: IPv6 packets dropped for a payload length past the frame
	ip netns exec "$1" awk '$1 == "Ip6InTruncatedPkts" { print $2 }' /proc/net/snmp6
}

json() { # FILE KEY
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1])).get(sys.argv[2], 0))' "$1" "$2"
}

sniff_start() { # NS DEV DIR: a tap on DEV until sniff_stop; sets SNIFF
	ip netns exec "$1" python3 "$LIB/srh_tcp.py" sniff "$2" \
		"$(ip netns exec "$1" cat "/sys/class/net/$2/mtu")" "$3/ready" >"$3/out.json" &
	SNIFF=$!
	for _ in $(seq 1 100); do
		[ -e "$3/ready" ] && break
		sleep 0.1
	done
}

# BYTES from NS_A/DEV_A to NS_B/DEV_B (2001:db8::1 and ::2), to DEST,
# through VIA first when it differs.  Sets T_GOT (bytes the reader got),
# T_ERRS (B's TCP checksum errors meanwhile), T_LONG (frames past the MTU
# leaving A), T_BAD (TCP frames reaching B with a wrong checksum) and
# T_INFO.
transfer() { # DEST
	local scratch=/tmp/srh-$$ recv sniff_a sniff_b e0 t0 _
	mkdir -p "$scratch/a" "$scratch/b"
	e0=$(csum_errors "$NS_B")
	t0=$(truncated "$NS_B")
	ip netns exec "$NS_B" python3 "$LIB/srh_tcp.py" recv 7200 "$LIMIT" "$scratch/ready" \
		>"$scratch/recv.json" &
	recv=$!
	for _ in $(seq 1 100); do
		[ -e "$scratch/ready" ] && break
		sleep 0.1
	done
	sniff_start "$NS_A" "$DEV_A" "$scratch/a"
	sniff_a=$SNIFF
	sniff_start "$NS_B" "$DEV_B" "$scratch/b"
	sniff_b=$SNIFF
	ip netns exec "$NS_A" python3 "$LIB/srh_tcp.py" send "$VIA" "$1" 7200 "$BYTES" "$LIMIT" \
		>"$scratch/send.json"
	wait "$recv"
	kill -TERM "$sniff_a" "$sniff_b"
	wait "$sniff_a" "$sniff_b"
	T_GOT=$(json "$scratch/recv.json" received)
	T_ERRS=$(($(csum_errors "$NS_B") - e0))
	T_LONG=$(json "$scratch/a/out.json" gso_frames)
	T_BAD=$(json "$scratch/b/out.json" bad_csum_in)
	T_TRUNC=$(($(truncated "$NS_B") - t0))
	T_INFO="$T_GOT of $BYTES bytes, TCP checksum errors at B +$T_ERRS, $T_LONG frames past the MTU left A, $T_BAD of $(json "$scratch/b/out.json" tcp_in) TCP frames seen at B had a wrong checksum (the tap missed $(json "$scratch/b/out.json" tap_drops)), $T_TRUNC truncated ($(cat "$scratch/send.json"))"
	rm -rf "$scratch"
}

# Every frame reached B whole: the verdict's words, empty when none failed.
frames_lost() {
	[ "$T_ERRS" -eq 0 ] || echo -n "$T_ERRS TCP checksum errors, "
	[ "$T_BAD" -eq 0 ] || echo -n "$T_BAD bad checksums seen, "
	[ "$T_TRUNC" -eq 0 ] || echo -n "$T_TRUNC truncated, "
}

run() { # DRIVER
	local tso lost
	# B's TCP verifies every checksum over FINAL.  GRO would check it
	# first over the IPv6 header's destination (it steps over the routing
	# header without processing it), find a checksum seeded with VIA
	# right and mark it verified; a receive offload might do the same.
	ip netns exec "$NS_B" ethtool -K "$DEV_B" gro off 2>/dev/null
	ip netns exec "$NS_B" ethtool -K "$DEV_B" rx off 2>/dev/null
	ip -n "$NS_B" addr add "$FINAL/128" dev lo &&
		ip netns exec "$NS_B" sysctl -qw net.ipv6.conf.all.seg6_enabled=1 \
			"net.ipv6.conf.$DEV_B.seg6_enabled=1" || return 1
	tso=$(ip netns exec "$NS_A" ethtool -k "$DEV_A" | awk '$1 == "tx-tcp6-segmentation:" { print $2 }')
	transfer "$VIA"
	ktap_info "$1, plain IPv6 (tx-tcp6-segmentation $tso): $T_INFO"
	lost=$(frames_lost)
	if [ "$T_GOT" -eq "$BYTES" ] && [ -z "$lost" ] && { [ "$tso" != on ] || [ "$T_LONG" -gt 0 ]; }; then
		ktap_pass "$1: plain IPv6 TCP, every byte, every frame whole (IPv6 TSO $tso, $T_LONG frames past the MTU)"
	else
		ktap_fail "$1: plain IPv6 TCP, every byte, every frame whole" "${lost}IPv6 TSO $tso, $T_LONG frames past the MTU"
	fi
	transfer "$FINAL"
	ktap_info "$1, routing header: $T_INFO"
	lost=$(frames_lost)
	if [ "$T_GOT" -eq "$BYTES" ] && [ -z "$lost" ]; then
		ktap_pass "$1: TCP through an IPv6 routing header, every byte, every frame whole"
	else
		ktap_fail "$1: TCP through an IPv6 routing header, every byte, every frame whole" "${lost%, }"
	fi
}

ktap_plan 4

. "$LIB/simnic.sh"
if simnic_pair 231 232; then
	run simnic
else
	ktap_fail "simnic: a linked pair"
	ktap_fail "simnic: a linked pair"
fi
simnic_cleanup

. "$LIB/e1000.sh"
trap e1000_cleanup EXIT
if ! e1000_nics; then
	ktap_skip "e1000sp: plain IPv6 TCP, every byte, every frame whole" "the guest has no e1000 NIC (E1000_NICS=2)"
	ktap_skip "e1000sp: TCP through an IPv6 routing header, every byte, every frame whole" "the guest has no e1000 NIC (E1000_NICS=2)"
elif e1000_pair e1000sp; then
	run e1000sp
else
	ktap_fail "e1000sp: a linked pair"
	ktap_fail "e1000sp: a linked pair"
fi
ktap_finish
