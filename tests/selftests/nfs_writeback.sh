#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Writeback of dirty pages over NFS through a tagged NIC, with free memory
# held (by a hog, for real) between the min and the low watermark: kswapd
# is at work and atomic allocations succeed, so it is no emergency.  The
# NFS client's replies are not SOCK_MEMALLOC (only swap transports are),
# yet reclaim waits on them: none may be dropped, writeback must finish
# promptly and the data must arrive intact.  The server (the kernel's
# nfsd, NFSv3 over TCP) lives in the other namespace of the pair.
# skbpool-timeout: 300
# shellcheck disable=SC2154 # pair_new sets ${NAME}_NSX and friends
. "$(dirname "$0")/lib/ktap.sh"
. "$(dirname "$0")/lib/pair.sh"
. "$(dirname "$0")/lib/hog.sh"

SCRATCH=/tmp/skbpool-nfswb-$$
TRACE=/sys/kernel/tracing
cleanup() {
	hog_stop
	echo 0 >"$TRACE/events/skbpool/skbpool_emergency/enable" 2>/dev/null
	umount -f "$SCRATCH/mnt" 2>/dev/null
	[ -n "${f_NSY:-}" ] && ip netns exec "$f_NSY" rpc.nfsd 0 2>/dev/null
	pkill -x rpc.mountd 2>/dev/null
	pkill -x rpcbind 2>/dev/null
	umount "$SCRATCH/export" 2>/dev/null
	pair_cleanup
	rm -rf "$SCRATCH"
}
trap cleanup EXIT

in_x() { ip netns exec "$f_NSX" "$@"; }
stat_x() { pair_stat "$f_NSX" "$f_DEVX" "$1"; }

ktap_plan 5
for t in rpc.nfsd rpc.mountd exportfs rpcbind mount.nfs; do
	command -v "$t" >/dev/null ||
		ktap_skip_all "$t is needed (tests/qemu/deps.sh installs nfs-kernel-server)"
done
mkdir -p "$SCRATCH/export" "$SCRATCH/mnt"
mount -t tmpfs -o size=256M tmpfs "$SCRATCH/export"
# The server: nfsd, its mountd and rpcbind all in the server's namespace
# (nfsd and the export cache are per network namespace).
serve() {
	ip netns exec "$f_NSY" sh -ec "
		mkdir -p /proc/fs/nfsd /run/rpcbind /var/lib/nfs
		mountpoint -q /proc/fs/nfsd || mount -t nfsd nfsd /proc/fs/nfsd
		rpcbind -w
		echo '$SCRATCH/export 192.0.2.0/24(rw,no_root_squash,no_subtree_check,fsid=7,async)' >/etc/exports
		exportfs -ra
		rpc.mountd
		rpc.nfsd -N 4 2"
}
if pair_new f 215 216 192.0.2 2001:db8:f && pair_tag "$f_NSX" "$f_DEVX" on && serve &&
   nsenter --net="/run/netns/$f_NSX" mount -t nfs -o vers=3,proto=tcp,nolock,hard \
	"192.0.2.2:$SCRATCH/export" "$SCRATCH/mnt"; then
	ktap_pass "NFSv3 over TCP mounted through the tagged port"
else
	ktap_fail "NFSv3 over TCP mounted through the tagged port"
	ktap_finish
fi

echo >"$TRACE/trace"
echo 1 >"$TRACE/events/skbpool/skbpool_emergency/enable"
hog_start min+30 "$SCRATCH"
if hog_wait; then
	ktap_pass "hog: free memory between min and low ($(hog_field free) pages free, min $(hog_field min), low $(hog_field low))"
else
	ktap_fail "hog: free memory between min and low" "$(tail -n 1 "$SCRATCH/hog.json")"
fi

drops0=$(stat_x skbpool_rx_drop_noncritical)
enters0=$(stat_x skbpool_emergency_enter)
# 64 MiB of numbered 1 MiB blocks, buffered: the page cache holds them
# dirty and reclaim writes them back over NFS.
start=$(date +%s)
sync_ok=0
timeout 120 python3 -c '
import sys
with open(sys.argv[1], "wb") as f:
    for i in range(64):
        f.write(i.to_bytes(4, "little") * (1 << 18))' "$SCRATCH/mnt/data" &&
	timeout 120 sync -f "$SCRATCH/mnt/data" && sync_ok=1
secs=$(($(date +%s) - start))
drops=$(($(stat_x skbpool_rx_drop_noncritical) - drops0))
enters=$(($(stat_x skbpool_emergency_enter) - enters0))
ktap_info "writeback: write and sync took ${secs}s; hog alive: $(kill -0 "$HOG" 2>/dev/null && echo yes || echo no); emergency entered $enters times ($(grep -c 'emergency=on' "$TRACE/trace") traced), $drops frames dropped as bulk;" \
	"flow frames $(stat_x skbpool_rx_critical_flow); free $(hog_field free) pages, min $(hog_field min)"
if [ $sync_ok -eq 1 ]; then
	ktap_pass "writeback of 64 MiB finished"
else
	ktap_fail "writeback of 64 MiB finished" "write or sync still waiting after 120 s"
fi
if [ "$drops" -eq 0 ]; then
	ktap_pass "no NFS reply dropped"
else
	ktap_fail "no NFS reply dropped" "$drops dropped"
fi
if python3 -c '
import sys
with open(sys.argv[1], "rb") as f:
    for i in range(64):
        if f.read(1 << 20) != i.to_bytes(4, "little") * (1 << 18):
            sys.exit(1)' "$SCRATCH/export/data"; then
	ktap_pass "the server holds the data intact"
else
	ktap_fail "the server holds the data intact"
fi
ktap_finish
