#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The fence: a bulk TCP reader that never reads may not take the part of
# a tagged queue's pool kept for critical frames.  The reader parks what
# it can (its 32 MiB receive buffer holds more frames than the pool has
# buffers); then emergency is forced on, and a critical UDP flow (a port
# rule) and an NBD read (a learned SOCK_MEMALLOC flow) must still be
# served from the pool: every datagram delivered, no frame missed at the
# ring while they arrive; what the reader got past the fence came as
# copies, with no pool buffer.
# skbpool-timeout: 240
# shellcheck disable=SC2154 # pair_new sets ${NAME}_NSX and friends
. "$(dirname "$0")/lib/ktap.sh"
. "$(dirname "$0")/lib/pair.sh"
. "$(dirname "$0")/lib/ext.sh"
. "$(dirname "$0")/lib/nbd.sh"

LIB=$(dirname "$0")/lib
SCRATCH=/tmp/skbpool-fence-$$
RMEM_MAX=$(sysctl -n net.core.rmem_max)
cleanup() {
	sysctl -qw net.core.rmem_max="$RMEM_MAX"
	nbd_cleanup
	pair_cleanup
	rm -rf "$SCRATCH"
}
trap cleanup EXIT

in_x() { ip netns exec "$f_NSX" "$@"; }
in_y() { ip netns exec "$f_NSY" "$@"; }
stat_x() { pair_stat "$f_NSX" "$f_DEVX" "$1"; }

ktap_plan 6
command -v nbd-server >/dev/null && command -v nbd-client >/dev/null ||
	ktap_skip_all "nbd-server and nbd-client are needed (tests/qemu/deps.sh installs them)"
nbd_load || ktap_skip_all "the nbd module does not load"
mkdir -p "$SCRATCH"
# A deep RX ring on the receiver, as emergency_forced and reserve_pressure
# give theirs: the nbd read-back comes in bursts of a TCP window, and a
# guest whose NAPI the emulator stalls must not miss frames at the ring
# for want of CPU (a make check run missed 36 with the pool never
# refusing a buffer); what this test checks is that the pool never runs
# the ring dry.
if pair_new f 211 212 192.0.2 2001:db8:f && in_x ethtool -G "$f_DEVX" rx 1024 &&
   pair_tag "$f_NSX" "$f_DEVX" on && pair_tag "$f_NSY" "$f_DEVY" on &&
   nbd_attach "$f_NSY" 192.0.2.2 "$f_NSX" "$SCRATCH" 16M &&
   ext "$f_NSX" rule add "$f_DEVX" critical proto udp dport 7000 >/dev/null; then
	ktap_pass "tagged pair, nbd0 over it, UDP 7000 critical"
else
	ktap_fail "tagged pair, nbd0 over it, UDP 7000 critical"
	ktap_finish
fi

# The reader's buffer must take effect: 32 MiB is more than the pool.
sysctl -qw net.core.rmem_max=$((64 << 20))
in_x python3 "$LIB/parker.py" recv 192.0.2.1 6000 $((32 << 20)) 120 "$SCRATCH/ready" &
for _ in $(seq 50); do [ -e "$SCRATCH/ready" ] && break; sleep 0.1; done
in_y python3 "$LIB/parker.py" send 192.0.2.1 6000 8 >"$SCRATCH/bulk.json" &
# Parked once the sender has given up for lack of window and the pool's
# in-flight count no longer moves.
prev=-1
for _ in $(seq 30); do
	sleep 1
	cur=$(stat_x skbpool_rx_inflight)
	[ -s "$SCRATCH/bulk.json" ] && [ "$cur" = "$prev" ] && break
	prev=$cur
done
total=$(stat_x skbpool_rx_total)
fence=$(stat_x skbpool_rx_fence)
parked=$(stat_x skbpool_rx_inflight)
ktap_info "bulk reader parked $parked of $total buffers (fence ${fence:-?}); sent $(cat "$SCRATCH/bulk.json")"
# in_flight also counts buffers given back but not yet looked at, and
# critical frames (the handshake's): a few over the line are not the
# reader's; the fence itself is checked exactly by KUnit.
if [ -n "$fence" ] && [ "$fence" -gt 0 ] && [ "$parked" -gt 0 ] &&
   [ "$parked" -le $((total - fence + 16)) ]; then
	ktap_pass "a reader that never reads stays outside the fence"
else
	ktap_fail "a reader that never reads stays outside the fence" \
		"parked $parked, total $total, fence ${fence:-none}"
fi

in_x ethtool --set-priv-flags "$f_DEVX" skbpool-emergency on
missed0=$(stat_x rx_missed_errors)
in_x python3 "$LIB/udpflow.py" recv 192.0.2.1 7000 3 "$SCRATCH/up" >"$SCRATCH/crit.json" &
recv=$!
for _ in $(seq 50); do [ -e "$SCRATCH/up" ] && break; sleep 0.1; done
in_y python3 "$LIB/udpflow.py" send 192.0.2.1 7000 2000 400 >"$SCRATCH/sent.json" &
send=$!
nbd_ok=0
nbd_verify 4 "$SCRATCH" && nbd_ok=1
wait $send $recv
missed=$(($(stat_x rx_missed_errors) - missed0))
sent=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sent"])' "$SCRATCH/sent.json" 2>/dev/null)
got=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["received"])' "$SCRATCH/crit.json" 2>/dev/null)
ktap_info "in emergency: critical UDP sent ${sent:-?}, received ${got:-?}; missed at the ring $missed;" \
	"exhausted $(stat_x skbpool_rx_exhausted), in flight $(stat_x skbpool_rx_inflight)"
if [ "${sent:-0}" -eq 2000 ] && [ "${got:-0}" -eq 2000 ]; then
	ktap_pass "critical UDP in emergency: 2000 of 2000 delivered"
else
	ktap_fail "critical UDP in emergency: 2000 of 2000 delivered" "sent ${sent:-?}, received ${got:-?}"
fi
if [ $nbd_ok -eq 1 ]; then
	ktap_pass "nbd: 4 MiB written and read back in emergency"
else
	ktap_fail "nbd: 4 MiB written and read back in emergency"
fi
if [ "$missed" -eq 0 ]; then
	ktap_pass "the ring never ran empty while critical frames arrived"
else
	ktap_fail "the ring never ran empty while critical frames arrived" "$missed frames missed"
fi
# in_flight now also counts the critical frames' buffers, given back but
# not yet looked at (nothing arrives to make the queue look): what shows
# the reader was held at the fence is what it received past it, as copies.
copied=$(stat_x skbpool_rx_fence_copied)
if [ "${copied:-0}" -gt 0 ] && [ "$(stat_x skbpool_rx_alloc_slowpath)" -eq 0 ]; then
	ktap_pass "the reader's frames past the fence were copied out ($copied), the pool never grew"
else
	ktap_fail "the reader's frames past the fence were copied out" \
		"copied ${copied:-none}, slow path $(stat_x skbpool_rx_alloc_slowpath)"
fi
in_x ethtool --set-priv-flags "$f_DEVX" skbpool-emergency off
ktap_finish
