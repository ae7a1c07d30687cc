#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The swap server of the field experiment (tests/field/field.sh boots it
# beside the client).  Its NIC is driven by the in-tree e1000, untouched
# by what is under test.  The swap store lives in its RAM (tmpfs): an NBD
# export and, for NFS, a swap file in an NFSv3 export served by the
# kernel's nfsd (rpcbind, exportfs, rpc.mountd, rpc.nfsd started by hand:
# the guest has no init system).  Once ready it prints FIELD_READY, then
# floods the client: one bulk TCP stream to the client's slow reader and
# UDP datagrams as fast as one vCPU sends them (at nice 19, so the storage
# services come first).  It runs until the host powers it off.
#
#   server.sh WORKLOAD SWAP_MIB
set -u
workload=$1 swap_mib=$2
repo=$(cd "$(dirname "$0")/../.." && pwd)
load=$repo/build/field/fieldload
WHO=server
# shellcheck source=tests/field/guest_steps.sh
. "$repo/tests/field/guest_steps.sh"
ME=192.0.2.2
CLIENT=192.0.2.1
NBD_PORT=10809
SINK_TCP=5001
SINK_UDP=9000
FLOOD_SIZE=1200
store=/srv/field

at nic
one_nic e1000
ip addr add "$ME/24" dev "$dev" && ip link set "$dev" up || fail "cannot configure $dev"

at store
mkdir -p $store
mount -t tmpfs -o size=$((swap_mib + 64))m field-store $store || fail "tmpfs on $store"
mkdir -p $store/nfs
case $workload in
swap-nbd | wire-pull | wire-pull-held)
	# Sparse: tmpfs allocates as the client writes.
	truncate -s "${swap_mib}M" $store/nbd.img || fail "truncate $store/nbd.img"
	;;
swap-nfs)
	# Swap over NFS refuses a file with holes: written out in full.
	dd if=/dev/zero of=$store/nfs/swapfile bs=1M count="$swap_mib" status=none &&
		chmod 600 $store/nfs/swapfile && mkswap $store/nfs/swapfile >/dev/null ||
		fail "cannot write the swap file"
	;;
esac

at nbd-server
printf '[generic]\nuser = root\ngroup = root\nlistenaddr = %s\nport = %s\n[swap]\nexportname = %s\n' \
	"$ME" $NBD_PORT "$store/nbd.img" >/tmp/nbd.conf
nbd-server -C /tmp/nbd.conf >/dev/null 2>&1 || fail "nbd-server -C /tmp/nbd.conf"

at nfs-server
mkdir -p /proc/fs/nfsd /run/rpcbind /var/lib/nfs
mountpoint -q /proc/fs/nfsd || mount -t nfsd nfsd /proc/fs/nfsd || fail "mount -t nfsd"
rpcbind -w || fail "rpcbind"
# tmpfs has no UUID for nfsd to name it by: fsid= does.
echo "$store/nfs $CLIENT/32(rw,sync,no_root_squash,no_subtree_check,insecure,fsid=1)" >/etc/exports
exportfs -ra || fail "exportfs -ra"
rpc.mountd || fail "rpc.mountd"
rpc.nfsd 8 || fail "rpc.nfsd 8"
for _ in $(seq 1 20); do
	rpcinfo -t localhost nfs 3 >/dev/null 2>&1 && break
	sleep 0.5
done
rpcinfo -t localhost nfs 3 >/dev/null 2>&1 || fail "nfs v3 over TCP does not answer rpcinfo"
exportfs -v

at ready
echo "FIELD_READY"

at flood
exec nice -n 19 "$load" flood $CLIENT $SINK_TCP $SINK_UDP $FLOOD_SIZE
