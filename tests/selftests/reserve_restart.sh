#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The reserve survives ring rebuilds.  With free memory held between the
# min and low watermarks by a hog (real pressure, no injection), an MTU
# change and a ring-size change on a tagged port rebuild its rings: the
# pool keeps its pages (the count of pages it ever allocated does not
# move), the link comes back (answering pings, or in emergency, which the
# pressure may start and hold, carrying only the critical NBD traffic) and
# NBD I/O goes on.  Then a rebuild with every page allocation of skbpool
# failing (fault injection, filtered to the command and the module) still
# brings the link back with the pool it had, and so does a ring made
# longer with every slab allocation of skbpool failing (its loan slots
# cannot grow).
# skbpool-timeout: 300
# shellcheck disable=SC2154 # pair_new sets ${NAME}_NSX and friends
. "$(dirname "$0")/lib/ktap.sh"
. "$(dirname "$0")/lib/pair.sh"
. "$(dirname "$0")/lib/hog.sh"
. "$(dirname "$0")/lib/nbd.sh"
. "$(dirname "$0")/lib/ext.sh"
. "$(dirname "$0")/lib/fault.sh"

SCRATCH=/tmp/skbpool-restart-$$
cleanup() {
	fault_restore
	hog_stop
	nbd_cleanup
	pair_cleanup
	rm -rf "$SCRATCH"
}
trap cleanup EXIT

in_x() { ip netns exec "$f_NSX" "$@"; }
stat_x() { pair_stat "$f_NSX" "$f_DEVX" "$1"; }
emergency_x() {
	ext "$f_NSX" -j show "$f_DEVX" |
		python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["emergency"]["active"])'
}
# Back within ten seconds, answering pings; or in emergency, which drops
# pings (not critical) by design and, with the hog holding free memory
# below the low watermark, lasts until the hog is gone: there the link
# must carry the critical NBD traffic that follows.
alive() {
	local _
	for _ in 1 2 3 4 5; do
		in_x ping -c 2 -i 0.3 -W 2 192.0.2.2 >/dev/null && return 0
		[ "$(emergency_x)" = True ] && in_emergency=1 && return 0
	done
	return 1
}

# Buffers one page holds on X's queue 0 (two when a buffer is half a page).
per_page_x() {
	ext "$f_NSX" -j show "$f_DEVX" | python3 -c '
import json, os, sys
q = json.load(sys.stdin)[0]["rx_queues"][0]["pool"]
print(max(os.sysconf("SC_PAGE_SIZE") // q["sizing"]["buf_truesize"], 1))'
}

# The pool before and after one rebuild: same pages, same size, link up,
# NBD still reads back what it wrote.
rebuild() { # NAME COMMAND...
	local name=$1 pages total slow grown step per_page how="link and nbd back"
	local in_emergency=
	shift
	per_page=$(per_page_x)
	pages=$(stat_x skbpool_rx_pages_alloc)
	total=$(stat_x skbpool_rx_total)
	slow=$(stat_x skbpool_rx_alloc_slowpath)
	step="the command"
	"$@" && step=ping && alive && step=nbd && nbd_verify 1 "$SCRATCH" && step=pool
	# Traffic may find every buffer in flight and grow the pool on the
	# slow path (one atomic page each, counted apart, of per_page
	# buffers): the rebuild itself must allocate nothing.
	grown=$(($(stat_x skbpool_rx_alloc_slowpath) - slow))
	[ "$step" = pool ] &&
		[ "$(stat_x skbpool_rx_pages_alloc)" = $((pages + grown)) ] &&
		[ "$(stat_x skbpool_rx_total)" = $((total + grown * per_page)) ] && step=
	[ -n "$in_emergency" ] && how="in emergency (pings dropped), nbd back"
	if [ -z "$step" ]; then
		ktap_pass "$name: the same $total buffers (+$grown pages grown on the slow path), no page allocated by the rebuild, $how"
	else
		ktap_fail "$name: the pool kept across the rebuild" "failed at: $step;\
 pages allocated ${pages:-?} -> $(stat_x skbpool_rx_pages_alloc), total ${total:-?} -> $(stat_x skbpool_rx_total), $grown pages of $per_page buffers grown on the slow path"
	fi
}

ktap_plan 7
command -v nbd-server >/dev/null && command -v nbd-client >/dev/null ||
	ktap_skip_all "nbd-server and nbd-client are needed (tests/qemu/deps.sh installs them)"
fault_have || ktap_skip_all "fault injection is missing ($FAULT_NEEDS)"
nbd_load || ktap_skip_all "the nbd module does not load"
mkdir -p "$SCRATCH"
# The reserve is pinned (the admin's override), so a ring change does not
# move its target: what is measured is the rebuild alone.
if pair_new f 217 218 192.0.2 2001:db8:f && pair_tag "$f_NSX" "$f_DEVX" on &&
   ext "$f_NSX" size "$f_DEVX" all 1024 >/dev/null &&
   nbd_attach "$f_NSY" 192.0.2.2 "$f_NSX" "$SCRATCH" 16M; then
	ktap_pass "tagged pair, reserve pinned at 1024, nbd0 over it"
else
	ktap_fail "tagged pair, reserve pinned at 1024, nbd0 over it"
	ktap_finish
fi

hog_start min+50 "$SCRATCH"
if hog_wait; then
	ktap_pass "hog: free memory held between min and low ($(hog_field free) pages free, min $(hog_field min))"
else
	ktap_fail "hog: free memory held between min and low" "$(tail -n 1 "$SCRATCH/hog.json")"
fi

rebuild "MTU 1500 -> 1400 under pressure" in_x ip link set dev "$f_DEVX" mtu 1400
rebuild "RX ring 256 -> 512 under pressure" in_x ethtool -G "$f_DEVX" rx 512
hog_stop

# Every page allocation made from skbpool's code fails for the command.
fault_setup
name="MTU 1400 -> 1500, every skbpool page allocation failing"
if why=$(fault_scope fail_page_alloc skbpool); then
	fault_arm fail_page_alloc -1 0
	rebuild "$name" faulty ip netns exec "$f_NSX" ip link set dev "$f_DEVX" mtu 1500
else
	ktap_fail "$name" "$why"
fi
fault_off

# A longer ring needs more loan slots: every slab allocation from skbpool's
# code failing, the pool still comes back (fewer slots only limit loans).
# The reserve is pinned at two rings of 1024 first: a pool no larger than
# its ring has nothing left when the ring is full, and grows.
ext "$f_NSX" size "$f_DEVX" all 2048 >/dev/null
# The resize is applied by the queue's NAPI at its next buffer get: an
# idle port never takes it, so traffic must flow while waiting.
for _ in $(seq 40); do
	[ "$(stat_x skbpool_rx_total)" = 2048 ] && break
	alive
	sleep 0.5
done
ktap_info "reserve before the slab-failing rebuild: $(stat_x skbpool_rx_total) buffers (asked 2048)"
name="RX ring 512 -> 1024, every skbpool slab allocation failing"
if why=$(fault_scope failslab skbpool); then
	fault_arm failslab -1 0
	rebuild "$name" faulty ip netns exec "$f_NSX" ethtool -G "$f_DEVX" rx 1024
else
	ktap_fail "$name" "$why"
fi
fault_off
in_x ethtool --set-priv-flags "$f_DEVX" skbpool off
if [ -z "$(in_x ethtool -S "$f_DEVX" | awk '$1 == "skbpool_rx_total:" && $2 != 0')" ] && alive; then
	ktap_pass "untagged: the pool is gone, the link carries traffic"
else
	ktap_fail "untagged: the pool is gone, the link carries traffic"
fi
ktap_finish
