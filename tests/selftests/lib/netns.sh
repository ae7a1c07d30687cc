#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Wiring and addressing shared by the pair libraries (pair.sh, simnic.sh,
# e1000.sh) and the tests that wire ports themselves:
#   netns_bus_link BUS NSX DX NSY DY
#       link port DX in NSX to DY in NSY through /sys/bus/BUS/link_device
#       (simnic and netdevsim both take "NSFD:IFINDEX NSFD:IFINDEX", with
#       the namespaces open in the writer); NSX may be NSY
#   netns_addr_pair NSX DX NSY DY NET4 NET6
#       NET4.1/24 and NET6::1/64 on DX in NSX, .2 and ::2 on DY in NSY,
#       loopbacks and links up, neighbours permanent both ways (so no ARP
#       or ND has to succeed under fault injection).

netns_bus_link() { # BUS NSX DX NSY DY
	local ix iy fx fy rc=0
	ix=$(ip netns exec "$2" cat "/sys/class/net/$3/ifindex") &&
		iy=$(ip netns exec "$4" cat "/sys/class/net/$5/ifindex") || return 1
	exec {fx}<"/run/netns/$2" {fy}<"/run/netns/$4" || return 1
	echo "$fx:$ix $fy:$iy" >"/sys/bus/$1/link_device" || rc=1
	exec {fx}<&- {fy}<&-
	return $rc
}

netns_addr_pair() { # NSX DX NSY DY NET4 NET6
	local nsx=$1 dx=$2 nsy=$3 dy=$4 n4=$5 n6=$6 mx my
	mx=$(ip netns exec "$nsx" cat "/sys/class/net/$dx/address") &&
		my=$(ip netns exec "$nsy" cat "/sys/class/net/$dy/address") || return 1
	ip -n "$nsx" addr add "$n4.1/24" dev "$dx" &&
		ip -n "$nsy" addr add "$n4.2/24" dev "$dy" &&
		ip -n "$nsx" addr add "$n6::1/64" dev "$dx" nodad &&
		ip -n "$nsy" addr add "$n6::2/64" dev "$dy" nodad &&
		ip -n "$nsx" link set lo up && ip -n "$nsy" link set lo up &&
		ip -n "$nsx" link set "$dx" up && ip -n "$nsy" link set "$dy" up &&
		ip -n "$nsx" neigh replace "$n4.2" lladdr "$my" dev "$dx" nud permanent &&
		ip -n "$nsy" neigh replace "$n4.1" lladdr "$mx" dev "$dy" nud permanent &&
		ip -n "$nsx" neigh replace "$n6::2" lladdr "$my" dev "$dx" nud permanent &&
		ip -n "$nsy" neigh replace "$n6::1" lladdr "$mx" dev "$dy" nud permanent
}
