#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The fence under real memory pressure, no fault injection: a bulk reader
# that never reads parks what it may of a tagged queue's pool; a hog then
# takes free memory down to 48 MiB above the min watermark and holds it
# there (giving back only what others take below min); then a UDP flood
# arrives for a socket that never reads.  The flood's frames, kept in that
# socket, are memory the receive path allocated: free memory falls below
# min, or an atomic allocation fails, and emergency must be entered by
# itself.  Then, the flood going on, a critical UDP flow (a port rule) and
# NBD I/O (a learned SOCK_MEMALLOC flow): every critical datagram is
# delivered, the NBD data is intact, the reader stays outside the fence;
# and once the hog lets go, emergency ends by itself.
#
# The nbd server stands for another machine.  Its port, tagged in the same
# starved kernel, enters emergency too, where the requests to its userspace
# socket are nobody's memalloc flow: a rule on port 10809 keeps them, as
# the admin of a real server under pressure would add.
# skbpool-timeout: 300
# shellcheck disable=SC2154 # pair_new sets ${NAME}_NSX and friends
. "$(dirname "$0")/lib/ktap.sh"
. "$(dirname "$0")/lib/pair.sh"
. "$(dirname "$0")/lib/hog.sh"
. "$(dirname "$0")/lib/ext.sh"
. "$(dirname "$0")/lib/nbd.sh"

LIB=$(dirname "$0")/lib
SCRATCH=/tmp/skbpool-pressure-$$
TRACE=/sys/kernel/tracing
RMEM_MAX=$(sysctl -n net.core.rmem_max)
cleanup() {
	hog_stop
	sysctl -qw net.core.rmem_max="$RMEM_MAX"
	echo 0 >"$TRACE/events/skbpool/skbpool_emergency/enable" 2>/dev/null
	nbd_cleanup
	pair_cleanup
	rm -rf "$SCRATCH"
}
trap cleanup EXIT

in_x() { ip netns exec "$f_NSX" "$@"; }
in_y() { ip netns exec "$f_NSY" "$@"; }
stat_x() { pair_stat "$f_NSX" "$f_DEVX" "$1"; }
stat_y() { pair_stat "$f_NSY" "$f_DEVY" "$1"; }

ktap_plan 7
command -v nbd-server >/dev/null && command -v nbd-client >/dev/null ||
	ktap_skip_all "nbd-server and nbd-client are needed (tests/qemu/deps.sh installs them)"
nbd_load || ktap_skip_all "the nbd module does not load"
mkdir -p "$SCRATCH"
# A deep ring: the flood and the critical flow share it, and a guest
# starved of CPU by the emulator must not miss frames before NAPI runs.
if pair_new f 213 214 192.0.2 2001:db8:f &&
   in_x ethtool -G "$f_DEVX" rx 1024 && pair_tag "$f_NSX" "$f_DEVX" on &&
   pair_tag "$f_NSY" "$f_DEVY" on &&
   nbd_attach "$f_NSY" 192.0.2.2 "$f_NSX" "$SCRATCH" 16M &&
   ext "$f_NSX" rule add "$f_DEVX" critical proto udp dport 7000 >/dev/null &&
   ext "$f_NSX" rule add "$f_DEVX" critical proto tcp dport 5201 >/dev/null &&
   ext "$f_NSY" rule add "$f_DEVY" critical proto tcp dport 10809 >/dev/null; then
	ktap_pass "tagged pair, nbd0 over it, UDP 7000 and iperf3's control critical"
else
	ktap_fail "tagged pair, nbd0 over it, UDP 7000 and iperf3's control critical"
	ktap_finish
fi

sysctl -qw net.core.rmem_max=$((64 << 20))
in_x python3 "$LIB/parker.py" recv 192.0.2.1 6000 $((32 << 20)) 240 "$SCRATCH/ready" &
for _ in $(seq 50); do [ -e "$SCRATCH/ready" ] && break; sleep 0.1; done
in_y python3 "$LIB/parker.py" send 192.0.2.1 6000 6 >"$SCRATCH/bulk.json" &
for _ in $(seq 30); do [ -s "$SCRATCH/bulk.json" ] && break; sleep 1; done
sleep 1
total=$(stat_x skbpool_rx_total)
fence=$(stat_x skbpool_rx_fence)
parked=$(stat_x skbpool_rx_inflight)
ktap_info "reader parked $parked of $total buffers, fence ${fence:-?}"

# Every process the test needs starts before the hog, and the hog
# leaves 48 MiB for the flood to take: with nothing left to reclaim, a
# process starting at min meets the OOM killer, which takes the hog and
# ends the pressure before the flood brought it (the hog is started once
# more if so).  The debug kernel's flood fills socket memory about
# SKBPOOL_SLOW times slower (a run there ended 1,382 pages above min, no
# emergency), so the room it must eat shrinks by as much.
slow=${SKBPOOL_SLOW:-1}
room=$((48 / slow))M
in_x python3 "$LIB/parker.py" udp 192.0.2.1 7001 $((64 << 20)) 300 "$SCRATCH/sink" &
for _ in $(seq 50); do [ -e "$SCRATCH/sink" ] && break; sleep 0.1; done
# Its first datagram comes only once the flood brought emergency.
in_x python3 "$LIB/udpflow.py" recv 192.0.2.1 7000 3 "$SCRATCH/up" $((240 * slow)) \
	>"$SCRATCH/crit.json" &
recv=$!
for _ in $(seq 50); do [ -e "$SCRATCH/up" ] && break; sleep 0.1; done
in_y python3 "$LIB/udpflow.py" send 192.0.2.1 7000 2000 400 64 "$SCRATCH/go" >"$SCRATCH/sent.json" &
send=$!
head -c 4M /dev/urandom >"$SCRATCH/pattern"

echo >"$TRACE/trace"
echo 1 >"$TRACE/events/skbpool/skbpool_emergency/enable"
enters0=$(stat_x skbpool_emergency_enter)
hog_start "min+$room" "$SCRATCH" min
hog_wait || { hog_stop; hog_start "min+$room" "$SCRATCH" min; }	# once more, if killed
if hog_wait; then
	ktap_pass "hog: free memory held $room above min ($(hog_field free) pages free, min $(hog_field min), $(hog_field held_mib) MiB held)"
else
	ktap_fail "hog: free memory held $room above min" "$(tail -n 1 "$SCRATCH/hog.json")"
fi

# The flood eats what the hog left until emergency begins by itself; then
# the critical flow and the nbd I/O run in it, the flood going on.  How
# long the eating takes depends on how fast the guest moves the flood: 12
# s were enough on the base kernel, and took a debug-kernel run only 700
# of the 4,096 pages it had to eat (no emergency, first whole run).
in_y python3 "$LIB/parker.py" blast 192.0.2.1 7001 $((150 * slow)) "$SCRATCH/calm" \
	>"$SCRATCH/flood.json" &
flood=$!
t0=$(date +%s)
for _ in $(seq 1 $((120 * slow))); do
	[ "$(stat_x skbpool_emergency_enter)" -gt "$enters0" ] && break
	sleep 0.5
done
ktap_info "the flood brought emergency after $(($(date +%s) - t0)) s"
: >"$SCRATCH/go"
nbd_ok=0
nbd_verify_pattern 4 "$SCRATCH" && nbd_ok=1
wait $send $recv
: >"$SCRATCH/calm"
wait $flood
enters=$(($(stat_x skbpool_emergency_enter) - enters0))
sent=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sent"])' "$SCRATCH/sent.json" 2>/dev/null)
got=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["received"])' "$SCRATCH/crit.json" 2>/dev/null)
reason=$(grep -o "dev=$f_DEVX emergency=on reason=[a-z-]*" "$TRACE/trace" | head -n 1 | sed 's/.*reason=//')
ktap_info "emergency entered $enters times (first cause ${reason:-?}); flood $(cat "$SCRATCH/flood.json"); free $(hog_field free) pages, min $(hog_field min)"
ktap_info "critical sent ${sent:-?}, received ${got:-?}; dropped as bulk $(stat_x skbpool_rx_drop_noncritical);" \
	"fence copies $(stat_x skbpool_rx_fence_copied), drops $(stat_x skbpool_rx_fence_dropped); missed $(stat_x rx_missed_errors);" \
	"kept as a learned flow (nbd) $(stat_x skbpool_rx_critical_flow)"
ktap_info "server's port: emergency entered $(stat_y skbpool_emergency_enter) times, critical by rule $(stat_y skbpool_rx_critical_rule), dropped as bulk $(stat_y skbpool_rx_drop_noncritical)"
if [ "$enters" -ge 1 ] && [ "$reason" != admin ] && [ -n "$reason" ]; then
	ktap_pass "emergency entered by itself under real pressure"
else
	ktap_fail "emergency entered by itself under real pressure" "0 entries"
fi
# The sender shares the starved kernel (it stands for another machine),
# so a send may fail for want of memory there (the debug run: 6 of 2,000):
# what left its socket must all arrive, and nearly all of it must leave.
if [ "${sent:-0}" -ge 1900 ] && [ "${got:-0}" -eq "${sent:-0}" ]; then
	ktap_pass "critical UDP: every datagram sent delivered ($got of 2000 sent)"
else
	ktap_fail "critical UDP: every datagram sent delivered" "sent ${sent:-?} of 2000, received ${got:-?}"
fi
if [ $nbd_ok -eq 1 ]; then
	ktap_pass "nbd: 4 MiB written and read back"
else
	ktap_fail "nbd: 4 MiB written and read back"
fi
# in_flight also counts buffers given back but not yet looked at, and
# critical frames (the handshake's): a few over the line are not the
# reader's.
if [ -n "$fence" ] && [ "$parked" -le $((total - fence + 16)) ] &&
   [ "$(stat_x skbpool_rx_fence_copied)" -gt 0 ]; then
	ktap_pass "the reader stayed outside the fence ($parked held, the rest copied)"
else
	ktap_fail "the reader stayed outside the fence" "$parked held, total $total, fence ${fence:-none}"
fi

hog_stop
for _ in $(seq 40); do
	[ "$(stat_x skbpool_emergency)" = 0 ] && break
	sleep 0.5
done
if [ "$(stat_x skbpool_emergency)" = 0 ]; then
	ktap_pass "the hog gone, emergency ends by itself"
else
	ktap_fail "the hog gone, emergency ends by itself"
fi
ktap_finish
