#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every frame one simnic port sent is counted at its peer:
#   wire_balanced NS_FROM DEV_FROM NS_TO DEV_TO
#       prints "SENT GOT" (GOT: received, dropped, missed or refused as too
#       long at the peer) and succeeds when they are equal.  The two ends
#       are read one after the other, so a frame the stack sends on its own
#       in between (IPv6 housekeeping) is allowed for by reading again, up
#       to three times a second apart.

wire_stat() { # NS DEV NAME
	ip netns exec "$1" ethtool -S "$2" | awk -v k="$3:" '$1 == k { print $2 }'
}

wire_balanced() {
	local sent got c _
	for _ in 1 2 3; do
		sent=$(wire_stat "$1" "$2" tx_packets)
		got=0
		for c in rx_packets rx_dropped rx_missed_errors rx_length_errors; do
			got=$((got + $(wire_stat "$3" "$4" "$c")))
		done
		[ "$sent" -eq "$got" ] && break
		sleep 1
	done
	echo "$sent $got"
	[ "$sent" -eq "$got" ]
}
