#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The receiving guest of make bench-flood (tests/bench/flood.sh): its one
# emulated 82540EM driven by the configuration under test, a reader that
# takes the flood as fast as it can, and flood_ctl.py answering the
# sending guest rung by rung.
#
#   flood_client.sh tagged|stock
#     tagged  e1000sp tagged and in forced emergency from the start, with
#             rules for the critical flow (UDP 7000) and the control
#             connection (TCP 7999), as an admin protecting that flow
#             would set them
#     stock   the in-tree e1000: the kernel's own machinery alone
#
# Lines for the host as in the field experiment: "FIELD_STEP client STEP",
# "FIELD_ERROR client STEP: WHY", and "FIELD_END done" at the end.
set -u
config=$1
repo=$(cd "$(dirname "$0")/../.." && pwd)
load=$repo/build/field/fieldload
ext=$repo/tools/ethtool-ext/ethtool-ext
WHO=client
# shellcheck source=tests/field/guest_steps.sh
. "$repo/tests/field/guest_steps.sh"
ME=192.0.2.1
PEER=192.0.2.2
PEER_MAC=52:54:00:00:5b:02
CRIT_PORT=7000
CTL_PORT=7999
FLOOD_PORT=9000

wait_carrier() {
	for _ in $(seq 1 100); do
		[ "$(cat "/sys/class/net/$dev/carrier" 2>/dev/null)" = 1 ] && return 0
		sleep 0.1
	done
	return 1
}

at nic
driver=e1000sp
[ "$config" = stock ] && driver=e1000
one_nic "$driver"
# A permanent neighbour: no ARP has to get through a flood.
ip addr add "$ME/24" dev "$dev" && ip link set "$dev" up &&
	ip neigh replace "$PEER" lladdr "$PEER_MAC" dev "$dev" nud permanent ||
	fail "cannot configure $dev"
wait_carrier || fail "no carrier on $dev"

if [ "$config" = tagged ]; then
	at tag
	ethtool --set-priv-flags "$dev" skbpool on || fail "ethtool --set-priv-flags $dev skbpool on"
	"$ext" rule add "$dev" critical proto udp dport $CRIT_PORT >/dev/null &&
		"$ext" rule add "$dev" critical proto tcp dport $CTL_PORT >/dev/null ||
		fail "ethtool-ext rule add"
	wait_carrier || fail "no carrier on $dev after tagging"
	"$ext" emergency "$dev" on >/dev/null || fail "ethtool-ext emergency $dev on"
	"$ext" show "$dev"
fi

at serve
sysctl -qw net.core.rmem_max=$((8 << 20))
"$load" drain $FLOOD_PORT >/tmp/flood-drain.out &
drain=$!
echo "FLOOD_READY"
python3 "$repo/tests/bench/flood_ctl.py" serve $ME $CTL_PORT "$dev" $CRIT_PORT ||
	fail "flood_ctl.py ended without the sender's quit"

at report
kill -TERM $drain
wait $drain
cat /tmp/flood-drain.out
if [ "$config" = tagged ]; then
	"$ext" show "$dev"
	"$ext" emergency "$dev" auto >/dev/null
fi
echo "FIELD_END done"
