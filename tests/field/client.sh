#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The memory-starved client of the field experiment (tests/field/field.sh
# boots it; its output is the guest's skbpool.out port).  Binds its one
# emulated 82540EM to the driver under test, swaps to the server guest
# over NBD or NFS, starts the slow bulk reader the server floods, then
# the workers: NPROC = 8 x CPUs processes mapping FACTOR x RAM between
# them, writing a pattern and reading it back PASSES times.
#
#   client.sh CONFIG WORKLOAD RAM_MIB FACTOR PASSES
#     CONFIG    tagged | untagged | stock (e1000sp tagged or not, in-tree e1000)
#     WORKLOAD  swap-nbd | swap-nfs | wire-pull (swap-nbd; the host pulls the wire)
#               | wire-pull-held (wire-pull, tagged: emergency held on across the outage)
#
# Lines for the host: "FIELD_STEP client STEP" before each step,
# "FIELD_ERROR client STEP: WHY" when one fails (exit 1), "FIELD_PHASE
# workers" when the workers start, the workers' summary, then
# "FIELD_END key value..." and "FIELD_ETHTOOL name value" lines, and
# "FIELD_NOTE what" for what the client did on its own.  Every
# second the sampler (fieldload sample) writes memory, swap and skbpool
# state to the skbpool.samples port.
set -u
config=$1 workload=$2 ram=$3 factor=$4 passes=$5
repo=$(cd "$(dirname "$0")/../.." && pwd)
load=$repo/build/field/fieldload
ext=$repo/tools/ethtool-ext/ethtool-ext
WHO=client
# shellcheck source=tests/field/guest_steps.sh
. "$repo/tests/field/guest_steps.sh"
ME=192.0.2.1
SERVER=192.0.2.2
NBD_PORT=10809
NFS_PORT=2049
SINK_TCP=5001
SINK_UDP=9000
SINK_RATE=65536

port_for() {
	local p
	for p in /sys/class/virtio-ports/*; do
		[ "$(cat "$p/name" 2>/dev/null)" = "$1" ] && echo "/dev/${p##*/}" && return 0
	done
	return 1
}

# The harness itself must not be what the OOM killer picks.
echo -1000 >/proc/self/oom_score_adj

# wire-pull-held: emergency is forced on shortly before the host pulls
# the wire (at three quarters of the pswpin at which it does, field.sh)
# and held until swap has moved again for 30 s after the wire is back.
# The one tagged wire-pull that hung was in emergency, memory at the
# bottom, as the wire came back, a state the automatic trigger reaches
# only by chance (it usually ends while the wire is out and nothing
# allocates); this holds the NIC in it, so that neighbour resolution and
# the storage flow's return are admitted in emergency every time.  Memory
# is exhausted for real; only the trigger is the admin's.  Not at the
# carrier loss: a command started while the wire is out waits for it,
# since its first allocations reclaim through the swap that the wire
# carries (the first try of this run showed it: "on" took effect as the
# wire came back).  Builtins only in the loops: nothing to fork while
# memory is short.
read_carrier() { C=0; read -r C <"/sys/class/net/$dev/carrier" 2>/dev/null; }
read_pswpin() {
	local k v
	while read -r k v; do
		[ "$k" = pswpin ] && PSWPIN=$v && return
	done </proc/vmstat
}
hold_emergency() {
	local nap pin at=$((factor * ram * 256 / 8 * 3 / 4))

	# read -t on a pipe nobody writes is a sleep without a fork.
	exec {nap}< <(exec tail -f /dev/null)
	read_pswpin
	while [ "$PSWPIN" -lt $at ]; do read -rt 0.5 -u "$nap"; read_pswpin; done
	if "$ext" emergency "$dev" on >/dev/null; then
		read_pswpin
		echo "FIELD_NOTE emergency forced on at pswpin $PSWPIN"
	else
		echo "FIELD_NOTE emergency on failed"
	fi
	read_carrier
	while [ "$C" = 1 ]; do read -rt 0.2 -u "$nap"; read_carrier; done
	echo "FIELD_NOTE carrier lost"
	while [ "$C" != 1 ]; do read -rt 0.2 -u "$nap"; read_carrier; done
	echo "FIELD_NOTE carrier back"
	read_pswpin
	pin=$PSWPIN
	while [ "$PSWPIN" = "$pin" ]; do read -rt 0.5 -u "$nap"; read_pswpin; done
	echo "FIELD_NOTE swap moved again"
	read -rt 30 -u "$nap"
	"$ext" emergency "$dev" auto >/dev/null && echo "FIELD_NOTE emergency back to auto"
}

at nic
driver=e1000sp
[ "$config" = stock ] && driver=e1000
one_nic "$driver"
ip addr add "$ME/24" dev "$dev" && ip link set "$dev" up || fail "cannot configure $dev"

if [ "$config" = tagged ]; then
	at tag
	# What an admin of a swap-over-network client adds: the tag, and
	# the storage server's ports as critical (the SOCK_MEMALLOC flows
	# are also learned from what the NIC transmits; the rules cover a
	# connection before its first transmit and a reconnection).
	ethtool --set-priv-flags "$dev" skbpool on || fail "ethtool --set-priv-flags $dev skbpool on"
	"$ext" rule add "$dev" critical proto tcp sport $NBD_PORT src "$SERVER/32" &&
		"$ext" rule add "$dev" critical proto tcp sport $NFS_PORT src "$SERVER/32" ||
		fail "ethtool-ext rule add"
	"$ext" show "$dev"
	"$ext" rule show "$dev"
fi

at link
for _ in $(seq 1 100); do
	[ "$(cat "/sys/class/net/$dev/carrier" 2>/dev/null)" = 1 ] && break
	sleep 0.1
done
ok=0
for _ in $(seq 1 30); do
	ping -c 1 -W 1 "$SERVER" >/dev/null 2>&1 && ok=1 && break
done
[ $ok = 1 ] || fail "no echo reply from the server $SERVER in 30 s"

at swap
case $workload in
swap-nbd | wire-pull*)
	modprobe nbd nbds_max=1 || fail "modprobe nbd"
	# No timeout (-t): a request waits for the server however long the
	# wire is out, as a swap device must.
	ok=0
	for _ in $(seq 1 10); do
		nbd-client "$SERVER" $NBD_PORT /dev/nbd0 -N swap >/dev/null 2>&1 && ok=1 && break
		sleep 1
	done
	[ $ok = 1 ] || fail "nbd-client $SERVER $NBD_PORT /dev/nbd0 -N swap failed"
	mkswap /dev/nbd0 >/dev/null || fail "mkswap /dev/nbd0"
	swapon /dev/nbd0 || fail "swapon /dev/nbd0"
	;;
swap-nfs)
	mkdir -p /mnt/field
	mount -t nfs -o vers=3,proto=tcp,nolock,hard "$SERVER:/srv/field/nfs" /mnt/field ||
		fail "mount -t nfs -o vers=3,proto=tcp,nolock $SERVER:/srv/field/nfs"
	swapon /mnt/field/swapfile || fail "swapon /mnt/field/swapfile (over NFS)"
	;;
*) fail "unknown workload $workload" ;;
esac
swapon --show --bytes

if [ "$workload" = wire-pull-held ]; then
	at hold
	[ "$config" = tagged ] || fail "wire-pull-held needs the tagged client (it forces emergency)"
	hold_emergency &
fi

at sampler
samples=$(port_for skbpool.samples) || fail "no skbpool.samples port"
"$load" sample "$dev" "$samples" &

at sink
sysctl -qw net.core.rmem_max=$((8 << 20))
"$load" sink $SINK_TCP $SINK_UDP $SINK_RATE &
# The server connects within a second of the sink listening; its flood
# starts with the connection.
for _ in $(seq 1 40); do
	ss -Htn state established "( sport = :$SINK_TCP )" | grep -q . && break
	sleep 0.5
done
ss -Htn state established "( sport = :$SINK_TCP )" | grep -q . ||
	fail "the server's bulk TCP stream did not connect in 20 s"

at workers
ncpu=$(nproc)
echo "FIELD_PHASE workers $((8 * ncpu)) processes, $((factor * ram)) MiB, $passes passes"
"$load" worker $((8 * ncpu)) $((factor * ram)) "$passes"
rc=$?

at report
echo "FIELD_END workers_rc $rc"
for k in pswpin pswpout oom_kill; do
	echo "FIELD_END $k $(awk -v k=$k '$1 == k { print $2 }' /proc/vmstat)"
done
ethtool -S "$dev" | awk -F': *' 'NR > 1 { gsub(/ /, "", $1); print "FIELD_ETHTOOL " $1 " " $2 }'
echo "FIELD_ETHTOOL rx_missed_errors $(cat "/sys/class/net/$dev/statistics/rx_missed_errors")"
[ "$config" = tagged ] && "$ext" show "$dev"
echo "FIELD_END done"
exit 0
