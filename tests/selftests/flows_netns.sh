#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Learned flows are one table per network namespace (#13, scenario 4).
#
# 1. A bond (balance-xor, layer3+4) of two tagged simnic ports on the
#    client, whose peers are bonded on the server in the other order: a
#    flow leaves the client on one port and its replies come back on the
#    other.  In emergency, nbd over the bond still works: the replies are
#    recognised on the port that never transmitted the flow.
# 2. 32 nbd devices, one connection each, to one server over one tagged
#    port, in emergency: every one of them writes and reads back its data
#    (32 flows between one pair of addresses, none pushed out by another).
# skbpool-timeout: 300
# shellcheck disable=SC2154 # pair_new sets ${NAME}_NSX and friends
. "$(dirname "$0")/lib/ktap.sh"
. "$(dirname "$0")/lib/nbd.sh"
. "$(dirname "$0")/lib/pair.sh"

SCRATCH=/tmp/skbpool-flows-$$
NBDS=32
BOND_IDS=(231 232 233 234)
CLI=flows-cli-$$
SRV=flows-srv-$$

cleanup() {
	local i
	for i in $(seq 0 $((NBDS - 1))); do
		nbd-client -d "/dev/nbd$i" >/dev/null 2>&1
	done
	pkill -f "nbd-server -C $SCRATCH" 2>/dev/null
	ip netns del "$CLI" 2>/dev/null
	ip netns del "$SRV" 2>/dev/null
	for i in "${BOND_IDS[@]}"; do
		{ echo "$i" >/sys/bus/simnic/del_device; } 2>/dev/null
	done
	pair_cleanup
	modprobe -r nbd 2>/dev/null
	rm -rf "$SCRATCH"
}
trap cleanup EXIT

in_c() { ip netns exec "$CLI" "$@"; }
in_s() { ip netns exec "$SRV" "$@"; }
stat_c() { in_c ethtool -S "$1" | awk -v k="$2:" '$1 == k { print $2 }'; }
dev_of() { ls "/sys/bus/simnic/devices/simnic$1/net/"; }

# An nbd-server config with N exports of 1 MiB, disk0..disk(N-1), on ADDR.
nbd_exports() { # N ADDR
	local i
	printf '[generic]\nuser = root\ngroup = root\nlistenaddr = %s\n' "$2"
	for i in $(seq 0 $(($1 - 1))); do
		truncate -s 1M "$SCRATCH/disk$i.img"
		printf '[disk%d]\nexportname = %s/disk%d.img\n' "$i" "$SCRATCH" "$i"
	done
}

# Write 1 MiB of random data to /dev/nbdI, read it back, compare.
# Each dd gets 60 s, SKBPOOL_SLOW times that on the debug kernel: its
# first whole run verified 3 of 32 devices doing I/O at once in 60 s, with
# no reply dropped and every flow learned.
IO_LIMIT=$((60 * ${SKBPOOL_SLOW:-1}))
nbd_check() { # I
	head -c 1M /dev/urandom >"$SCRATCH/pattern$1" &&
		timeout $IO_LIMIT dd if="$SCRATCH/pattern$1" of="/dev/nbd$1" bs=64k oflag=direct status=none &&
		timeout $IO_LIMIT dd if="/dev/nbd$1" of="$SCRATCH/back$1" bs=64k iflag=direct status=none &&
		cmp -s "$SCRATCH/pattern$1" "$SCRATCH/back$1"
}

ktap_plan 6
command -v nbd-server >/dev/null && command -v nbd-client >/dev/null ||
	ktap_skip_all "nbd-server and nbd-client are needed (tests/qemu/deps.sh installs them)"
modprobe bonding max_bonds=0 2>/dev/null || ktap_skip_all "the bonding module does not load"
# A module another test left loaded keeps its nbds_max: unload it first.
modprobe -r nbd 2>/dev/null
for _ in 1 2 3; do
	modprobe nbd nbds_max=$NBDS && break
	sleep 1
done
if [ ! -e /dev/nbd$((NBDS - 1)) ]; then
	refcnt=$(cat /sys/module/nbd/refcnt 2>/dev/null || echo "not loaded")
	ktap_skip_all "the nbd module does not load with $NBDS devices (refcnt $refcnt, $(ls -d /sys/block/nbd* 2>/dev/null | wc -l) devices)"
fi
mkdir -p "$SCRATCH"

# --- 1. a bond whose replies come back on the other port -----------------
bond_setup() {
	local c1 c2 s1 s2 i
	modprobe simnic || return 1
	for i in "${BOND_IDS[@]}"; do
		echo "$i 1 1" >/sys/bus/simnic/new_device || return 1
	done
	c1=$(dev_of 231) c2=$(dev_of 232) s1=$(dev_of 233) s2=$(dev_of 234)
	ip netns add "$CLI" && ip netns add "$SRV" || return 1
	ip link set "$c1" netns "$CLI" && ip link set "$c2" netns "$CLI" &&
		ip link set "$s1" netns "$SRV" && ip link set "$s2" netns "$SRV" || return 1
	# IPv4 only: the bonds' MLD reports are not critical, so one that
	# arrives in emergency would be dropped and counted with the replies
	# the check below is about.  (The one drop seen here, on debug and
	# later in CI, was the flow table's clock race: classifier.rst.)
	in_c sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 &&
		in_s sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1 || return 1
	netns_bus_link simnic "$CLI" "$c1" "$SRV" "$s1" &&
		netns_bus_link simnic "$CLI" "$c2" "$SRV" "$s2" || return 1
	C1=$c1 C2=$c2
	# The layer3+4 hash is symmetric: with the server's slaves in the
	# other order, a reply leaves by the server's port linked to the
	# client's other one.
	in_c ip link add bond0 type bond mode balance-xor xmit_hash_policy layer3+4 &&
		in_s ip link add bond0 type bond mode balance-xor xmit_hash_policy layer3+4 &&
		in_c ip link set "$c1" master bond0 && in_c ip link set "$c2" master bond0 &&
		in_s ip link set "$s2" master bond0 && in_s ip link set "$s1" master bond0 || return 1
	in_c ethtool --set-priv-flags "$c1" skbpool on &&
		in_c ethtool --set-priv-flags "$c2" skbpool on || return 1
	in_c ip addr add 192.0.2.1/24 dev bond0 && in_s ip addr add 192.0.2.2/24 dev bond0 &&
		in_c ip link set lo up && in_s ip link set lo up &&
		in_c ip link set bond0 up && in_s ip link set bond0 up || return 1
	in_c ip neigh replace 192.0.2.2 lladdr "$(in_s cat /sys/class/net/bond0/address)" \
		dev bond0 nud permanent &&
	in_s ip neigh replace 192.0.2.1 lladdr "$(in_c cat /sys/class/net/bond0/address)" \
		dev bond0 nud permanent
}

if bond_setup && nbd_exports 1 192.0.2.2 >"$SCRATCH/bond.conf" &&
   in_s nbd-server -C "$SCRATCH/bond.conf" >/dev/null 2>&1 &&
   nbd_client "$CLI" 192.0.2.2 /dev/nbd0 -N disk0 -t 20 >/dev/null 2>&1 &&
   nbd_check 0; then
	ktap_pass "bond of two tagged ports in $CLI, nbd0 over it"
else
	ktap_fail "bond of two tagged ports in $CLI, nbd0 over it"
	ktap_finish
fi

# Which port the connection leaves by, which one its replies arrive on.
tx1=$(stat_c "$C1" tx_packets) tx2=$(stat_c "$C2" tx_packets)
rx1=$(stat_c "$C1" rx_packets) rx2=$(stat_c "$C2" rx_packets)
nbd_check 0
tx1=$(($(stat_c "$C1" tx_packets) - tx1)) tx2=$(($(stat_c "$C2" tx_packets) - tx2))
rx1=$(($(stat_c "$C1" rx_packets) - rx1)) rx2=$(($(stat_c "$C2" rx_packets) - rx2))
ktap_info "nbd I/O: $C1 sent $tx1 received $rx1, $C2 sent $tx2 received $rx2"
if { [ "$tx1" -gt 100 ] && [ "$tx2" -lt 10 ] && [ "$rx2" -gt 100 ] && [ "$rx1" -lt 10 ]; } ||
   { [ "$tx2" -gt 100 ] && [ "$tx1" -lt 10 ] && [ "$rx1" -gt 100 ] && [ "$rx2" -lt 10 ]; }; then
	ktap_pass "the flow leaves by one port and its replies come back on the other"
else
	ktap_fail "the flow leaves by one port and its replies come back on the other"
fi

in_c ethtool --set-priv-flags "$C1" skbpool on skbpool-emergency on &&
	in_c ethtool --set-priv-flags "$C2" skbpool on skbpool-emergency on
flow1=$(stat_c "$C1" skbpool_rx_critical_flow) flow2=$(stat_c "$C2" skbpool_rx_critical_flow)
drop1=$(stat_c "$C1" skbpool_rx_drop_nomatch) drop2=$(stat_c "$C2" skbpool_rx_drop_nomatch)
ok=0
nbd_check 0 && ok=1
flow=$(($(stat_c "$C1" skbpool_rx_critical_flow) - flow1 + $(stat_c "$C2" skbpool_rx_critical_flow) - flow2))
drop=$(($(stat_c "$C1" skbpool_rx_drop_nomatch) - drop1 + $(stat_c "$C2" skbpool_rx_drop_nomatch) - drop2))
ktap_info "in emergency: $flow replies recognised as the learned flow, $drop dropped as unknown"
if [ $ok -eq 1 ] && [ "$flow" -gt 100 ] && [ "$drop" -eq 0 ]; then
	ktap_pass "in emergency, nbd over the bond: 1 MiB written and read back, no reply dropped"
else
	ktap_fail "in emergency, nbd over the bond: 1 MiB written and read back, no reply dropped"
fi
nbd-client -d /dev/nbd0 >/dev/null 2>&1
pkill -f "nbd-server -C $SCRATCH" 2>/dev/null

# --- 2. 32 connections to one server ---------------------------------------
if pair_new f 235 236 198.51.100 2001:db8:4 && pair_tag "$f_NSX" "$f_DEVX" on &&
   nbd_exports $NBDS 198.51.100.2 >"$SCRATCH/many.conf" &&
   ip netns exec "$f_NSY" nbd-server -C "$SCRATCH/many.conf" >/dev/null 2>&1; then
	up=0
	for i in $(seq 0 $((NBDS - 1))); do
		nbd_client "$f_NSX" 198.51.100.2 "/dev/nbd$i" -N "disk$i" -t 20 \
			>/dev/null 2>&1 && up=$((up + 1))
	done
	if [ $up -eq $NBDS ]; then
		ktap_pass "$NBDS nbd devices, one connection each, to one server over a tagged port"
	else
		ktap_fail "$NBDS nbd devices, one connection each, to one server over a tagged port" "$up connected"
	fi
else
	ktap_fail "$NBDS nbd devices, one connection each, to one server over a tagged port" "setup"
	ktap_finish
fi

# Every connection transmits once before emergency, so each is learned.
for i in $(seq 0 $((NBDS - 1))); do
	dd if="/dev/nbd$i" of=/dev/null bs=4k count=1 iflag=direct status=none
done
ip netns exec "$f_NSX" ethtool --set-priv-flags "$f_DEVX" skbpool on skbpool-emergency on
drop0=$(pair_stat "$f_NSX" "$f_DEVX" skbpool_rx_drop_nomatch)
for i in $(seq 0 $((NBDS - 1))); do
	nbd_check "$i" && : >"$SCRATCH/ok$i" &
done
wait
good=$(find "$SCRATCH" -name 'ok*' | wc -l)
drop=$(($(pair_stat "$f_NSX" "$f_DEVX" skbpool_rx_drop_nomatch) - drop0))
ktap_info "in emergency: $good of $NBDS devices verified; $drop frames dropped as unknown;" \
	"flows not learned: $(pair_stat "$f_NSX" "$f_DEVX" skbpool_flows_unlearned)"
if [ "$good" -eq $NBDS ]; then
	ktap_pass "in emergency, all $NBDS nbd devices write and read back 1 MiB at once"
else
	ktap_fail "in emergency, all $NBDS nbd devices write and read back 1 MiB at once" "$good verified"
fi
if [ "$drop" -eq 0 ] && [ "$(pair_stat "$f_NSX" "$f_DEVX" skbpool_flows_unlearned)" -eq 0 ]; then
	ktap_pass "no nbd reply dropped, every flow learned"
else
	ktap_fail "no nbd reply dropped, every flow learned" "$drop dropped"
fi
ktap_finish
