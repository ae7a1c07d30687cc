#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Emergency mode on e1000sp.  Forced: while an iperf3 UDP flood to the
# tagged NIC A is dropped before any skb is built, a critical UDP flow (a
# port rule) and an NBD device (its socket is SOCK_MEMALLOC; e1000sp's
# transmit path teaches skbpool its flow) keep working, every frame is
# counted once, and every frame A sends, nbd's TSO writes included, goes
# out of bounce buffers with no DMA mapping made and none dropped.  Automatic: with every non-sleeping allocation failing, the
# tagged NIC enters emergency on its own and its critical flow loses
# nothing while the bulk flow is dropped; the same scenario untagged loses
# most of the critical flow, and the untagged NIC never counts itself in
# emergency (nothing there would act on it).
# skbpool-timeout: 300
# shellcheck disable=SC2034 # SV_LIB is read by lib/survival.sh's helpers
. "$(dirname "$0")/lib/ktap.sh"
. "$(dirname "$0")/lib/nbd.sh"
. "$(dirname "$0")/lib/e1000.sh"
. "$(dirname "$0")/lib/survival.sh"

LIB=$(dirname "$0")/lib
SCRATCH=/tmp/e1000-emergency-$$
NBD=
cleanup() {
	[ -n "$NBD" ] && nbd-client -d "$NBD" >/dev/null 2>&1
	e1000_cleanup
	modprobe -r nbd 2>/dev/null
	rm -rf "$SCRATCH"
}
trap cleanup EXIT

stat_a() { e1000_stat "$NS_A" "$DEV_A" "$1"; }
snapshot() { in_a ethtool -S "$DEV_A" | awk -F': *' 'NR > 1 { gsub(/ /, "", $1); print $1 "=" $2 }'; }
delta() {
	echo $(($(grep "^$1=" "$SCRATCH/after" | cut -d= -f2) - $(grep "^$1=" "$SCRATCH/before" | cut -d= -f2)))
}

e1000_nics || ktap_skip_all "the guest has fewer than two e1000 NICs (E1000_NICS=2)"
# The automatic half needs fault injection; the forced half runs on any
# kernel (Debian's have no FAILSLAB: make check-distro runs it there).
injection=1
[ -d /sys/kernel/debug/failslab ] && [ -d /sys/kernel/debug/fail_page_alloc ] || injection=0
ktap_plan 11
mkdir -p "$SCRATCH"
# A deep RX ring on the receiver, as emergency_forced gives simnic: the
# flood (6,000 frames/s) and the critical flow share it, and 256
# descriptors hold only 40 ms of it, less than a vCPU stall under the
# emulator.  A run with 256 missed 15 frames at the MAC (1 critical) with
# the pool never exhausted: NAPI was not running, memory was not short.
if ! e1000_pair e1000sp || ! in_a ethtool -G "$DEV_A" rx 1024 ||
   ! e1000_tag "$NS_A" "$DEV_A" on || ! e1000_tag "$NS_B" "$DEV_B" on ||
   ! e1000_wait_link; then
	ktap_fail "bind e1000sp, link and tag both NICs"
	ktap_finish
fi
ktap_pass "bind e1000sp, link and tag both NICs"

# NBD: the export in B, A's kernel the client; a request unanswered for
# 20 s fails (nbd waits forever by default, and dd with it, unkillably).
nbd_ok=skip
if command -v nbd-server >/dev/null && command -v nbd-client >/dev/null &&
   modprobe nbd nbds_max=2; then
	truncate -s 16M "$SCRATCH/disk.img"
	printf '[generic]\nuser = root\ngroup = root\nlistenaddr = %s.2\n[disk]\nexportname = %s\n' \
		"$E1000_N4" "$SCRATCH/disk.img" >"$SCRATCH/nbd.conf"
	in_b nbd-server -C "$SCRATCH/nbd.conf" >/dev/null 2>&1
	for _ in 1 2 3 4 5; do
		nbd_client "$NS_A" -t 20 "$E1000_N4.2" /dev/nbd0 -N disk >/dev/null 2>&1 && break
		sleep 0.5
	done
	[ "$(cat /sys/block/nbd0/size 2>/dev/null)" -gt 0 ] 2>/dev/null && NBD=/dev/nbd0 && nbd_ok=0
fi

# The flood is ours (udpflow.py to port 9000, which nothing matches), so
# it needs no handshake and starts after the snapshot: the counters are
# read with no frame between the MAC and the classifier.
# The receiver's 4 MiB SO_RCVBUF takes effect (a 64-byte datagram in a
# pool buffer is charged a page): what is measured is the NIC, not
# whether python3 keeps up under TCG.
sv_rules "$NS_A" "$DEV_A" add critical proto udp dport 7000
rmem=$(sysctl -n net.core.rmem_max)
sysctl -qw net.core.rmem_max=$((8 << 20))
in_a python3 "$LIB/udpflow.py" recv "$E1000_N4.1" 7000 3 "$SCRATCH/ready" >"$SCRATCH/crit.json" &
recv=$!
for _ in $(seq 1 300); do
	[ -e "$SCRATCH/ready" ] && break
	sleep 0.1
done
udp_errors() { in_a awk '/^Udp:/ { n++; if (n == 2) print $6 }' /proc/net/snmp; }
rcvbuf0=$(udp_errors)
enters0=$(stat_a skbpool_emergency_enter)
in_a ethtool --set-priv-flags "$DEV_A" skbpool-emergency on
sleep 0.5
snapshot >"$SCRATCH/before"
if [ "$(stat_a skbpool_emergency)" = 1 ] && [ "$(stat_a skbpool_emergency_enter)" = $((enters0 + 1)) ]; then
	ktap_pass "forced on: state 1, one entry counted"
else
	ktap_fail "forced on: state 1, one entry counted"
fi

in_b python3 "$LIB/udpflow.py" send "$E1000_N4.1" 9000 30000 6000 1200 >"$SCRATCH/flood.json" &
flood=$!
in_b python3 "$LIB/udpflow.py" send "$E1000_N4.1" 7000 2000 400 >"$SCRATCH/sent.json" &
send=$!
if [ -n "$NBD" ]; then
	head -c 4M /dev/urandom >"$SCRATCH/pattern"
	nbd_ok=1
	timeout 60 dd if="$SCRATCH/pattern" of="$NBD" bs=1M oflag=direct status=none &&
		timeout 60 dd if="$NBD" of="$SCRATCH/back" bs=1M count=4 iflag=direct status=none &&
		cmp -s "$SCRATCH/pattern" "$SCRATCH/back" && nbd_ok=0
fi
wait $send $flood $recv
sleep 1
snapshot >"$SCRATCH/after"
sysctl -qw net.core.rmem_max="$rmem"

sent=$(sv_json "$SCRATCH/sent.json" sent)
got=$(sv_json "$SCRATCH/crit.json" received)
ktap_info "critical UDP: sent ${sent:-?}, received ${got:-?}; socket buffer overflows $(($(udp_errors) - rcvbuf0)), pool exhausted $(delta skbpool_rx_exhausted), missed by the MAC $(delta hw_rx_missed)"
if [ "${sent:-0}" -eq 2000 ] && [ "${got:-0}" -eq "$sent" ]; then
	ktap_pass "forced: critical UDP flow, all $sent datagrams delivered"
else
	ktap_fail "forced: critical UDP flow, all datagrams delivered" "sent ${sent:-?}, received ${got:-?}"
fi

flow=$(delta skbpool_rx_critical_flow)
if [ "$nbd_ok" = skip ]; then
	ktap_skip "forced: nbd I/O through its learned flow" "nbd-server, nbd-client or the nbd module missing"
elif [ "$nbd_ok" = 0 ] && [ "$flow" -gt 0 ]; then
	ktap_pass "forced: nbd 4 MiB written and read back, $flow frames of its learned flow"
else
	ktap_fail "forced: nbd I/O through its learned flow" "data ok $nbd_ok, flow frames $flow"
fi

# A mapping may allocate (an IOMMU's page tables): in emergency nothing is
# mapped, a frame too large for one bounce buffer (a TSO write of nbd's)
# is copied into several.
mapped=$(delta tx_mapped)
tso=$(delta tx_tso)
bounced=$(delta skbpool_tx_bounce)
txdrop=$(($(delta tx_sw_dropped) + $(delta skbpool_tx_bounce_busy)))
ktap_info "A sent: $bounced frames from bounce buffers ($tso of them TSO), $mapped mapped, $txdrop dropped or busy"
if [ "$nbd_ok" = skip ]; then
	ktap_skip "forced: every frame sent from bounce buffers" "no nbd to write with"
elif [ "$mapped" -eq 0 ] && [ "$tso" -gt 0 ] && [ "$bounced" -gt "$tso" ] &&
     [ "$txdrop" -eq 0 ] && [ "$nbd_ok" = 0 ]; then
	ktap_pass "forced: every frame sent from bounce buffers, $tso TSO frames among them, none mapped"
else
	ktap_fail "forced: every frame sent from bounce buffers" \
		"bounced $bounced, TSO $tso, mapped $mapped, dropped or busy $txdrop"
fi

flood_pkts=$(sv_json "$SCRATCH/flood.json" sent)
nomatch=$(delta skbpool_rx_drop_nomatch)
missed=$(delta hw_rx_missed)
ktap_info "flood: ${flood_pkts:-?} datagrams sent, $nomatch dropped as not critical, $missed missed by the MAC"
# Every flood datagram is dropped or missed.  A few other frames may be
# dropped as unknown beside it (the debug kernel once counted 30,001 for
# 30,000: the counter cannot say which; a late segment of a flow, an IPv6
# control frame), hence the slack of 16; critical frames are not among
# them, test 3 delivered all 2,000.
if [ "${flood_pkts:-0}" -gt 0 ] && [ "$nomatch" -le $((flood_pkts + 16)) ] &&
   [ $((nomatch + missed)) -ge "$flood_pkts" ]; then
	ktap_pass "forced: the flood is dropped before any skb is built"
else
	ktap_fail "forced: the flood is dropped" "sent ${flood_pkts:-?}, dropped $nomatch, missed $missed"
fi

# Frames the MAC accepted = critical delivered + dropped by reason; the
# driver's own drops are the skbpool drops and build failures.
crit=$(($(delta skbpool_rx_critical_link) + $(delta skbpool_rx_critical_flow) + $(delta skbpool_rx_critical_rule)))
drops=0
for r in nonip malformed fragment rule nomatch; do
	drops=$((drops + $(delta "skbpool_rx_drop_$r")))
done
hw=$(delta hw_rx_good_packets)
swd=$(delta rx_sw_dropped)
bf=$(delta skbpool_rx_build_failed)
ktap_info "MAC accepted $hw; classified critical $crit + dropped $drops; driver drops $swd, build failures $bf"
if [ "$hw" -eq $((crit + drops)) ] && [ "$swd" -eq $((drops + bf)) ]; then
	ktap_pass "forced: counters add up, frames in = critical + dropped by reason"
else
	ktap_fail "forced: counters add up"
fi

in_a ethtool --set-priv-flags "$DEV_A" skbpool-emergency off
[ -n "$NBD" ] && nbd-client -d "$NBD" >/dev/null 2>&1
NBD=
sv_rules "$NS_A" "$DEV_A" flush

# Automatic, tagged then untagged.
COUNT=5000
RATE=500
if [ $injection -eq 0 ]; then
	why="the kernel lacks FAILSLAB / FAIL_PAGE_ALLOC debugfs"
	ktap_skip "automatic, tagged: every critical datagram delivered" "$why"
	ktap_skip "automatic, tagged: the bulk flow is dropped" "$why"
	ktap_skip "automatic, untagged: the same flow loses most" "$why"
	ktap_skip "automatic, untagged: never in emergency" "$why"
	ktap_finish
fi
if ! e1000_survival $COUNT $RATE tagged; then
	ktap_fail "automatic, tagged: run the survival scenario"
	ktap_fail "automatic, tagged: the bulk flow is dropped"
else
	ktap_info "tagged: critical $ES_GOT of $ES_SENT, bulk $ES_BULK_GOT of $ES_BULK_SENT delivered, $ES_DROPPED dropped; emergency entries $ES_ENTERS, left after ${ES_LEFT_MS:-?} ms; slow-path pages $ES_SLOW"
	if [ "${ES_SENT:-0}" -ge $COUNT ] && [ "${ES_GOT:-0}" -eq "$ES_SENT" ] && [ "$ES_ENTERS" -ge 1 ] &&
	   [ "$ES_SLOW" -eq 0 ]; then
		ktap_pass "automatic, tagged: emergency entered, all $ES_SENT critical datagrams delivered"
	else
		ktap_fail "automatic, tagged: every critical datagram delivered" \
			"sent ${ES_SENT:-?}, delivered ${ES_GOT:-?}, entries $ES_ENTERS, slow path $ES_SLOW"
	fi
	if [ "$ES_DROPPED" -ge $((ES_BULK_SENT * 9 / 10)) ] && [ "$ES_BULK_GOT" -le $((ES_BULK_SENT / 10)) ]; then
		ktap_pass "automatic, tagged: the bulk flow is dropped ($ES_DROPPED)"
	else
		ktap_fail "automatic, tagged: the bulk flow is dropped" \
			"sent $ES_BULK_SENT, dropped $ES_DROPPED, delivered $ES_BULK_GOT"
	fi
fi
e1000_tag "$NS_A" "$DEV_A" off && e1000_tag "$NS_B" "$DEV_B" off && e1000_wait_link
if ! e1000_survival $COUNT $RATE untagged; then
	ktap_fail "automatic, untagged: run the survival scenario"
	ktap_fail "automatic, untagged: never in emergency"
else
	ktap_info "untagged: critical $ES_GOT of $ES_SENT, bulk $ES_BULK_GOT of $ES_BULK_SENT delivered"
	if [ "${ES_SENT:-0}" -ge $COUNT ] && [ "${ES_GOT:-0}" -lt $((ES_SENT / 2)) ]; then
		ktap_pass "automatic, untagged: the same flow loses most ($ES_GOT of $ES_SENT delivered)"
	else
		ktap_fail "automatic, untagged: the same flow loses most" "sent ${ES_SENT:-?}, delivered ${ES_GOT:-?}"
	fi
	if [ "$ES_ENTERS" -eq 0 ]; then
		ktap_pass "automatic, untagged: never in emergency"
	else
		ktap_fail "automatic, untagged: never in emergency" "$ES_ENTERS entries counted"
	fi
fi
ktap_finish
