#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Forced emergency on a tagged simnic port: while an iperf3 UDP flood to it
# is dropped before any skb is built, a critical UDP flow (a port rule) and
# an NBD device (the kernel's nbd marks its socket SOCK_MEMALLOC; its flow
# is learned on transmit) keep working; every frame received meanwhile is
# counted exactly once, delivered or dropped by reason; the transition is
# counted and traced, and leaving restores normal service.
# skbpool-timeout: 240
# shellcheck disable=SC2154 # pair_new sets ${NAME}_NSX and friends
. "$(dirname "$0")/lib/ktap.sh"
. "$(dirname "$0")/lib/nbd.sh"
. "$(dirname "$0")/lib/pair.sh"
. "$(dirname "$0")/lib/ext.sh"

LIB=$(dirname "$0")/lib
SCRATCH=/tmp/skbpool-forced-$$
TRACE=/sys/kernel/tracing
NBD=

RMEM_MAX=$(sysctl -n net.core.rmem_max)
cleanup() {
	sysctl -qw net.core.rmem_max="$RMEM_MAX"
	[ -n "$NBD" ] && nbd-client -d "$NBD" >/dev/null 2>&1
	echo 0 >"$TRACE/events/skbpool/skbpool_emergency/enable" 2>/dev/null
	pair_cleanup
	modprobe -r nbd 2>/dev/null
	rm -rf "$SCRATCH"
}
trap cleanup EXIT

in_x() { ip netns exec "$f_NSX" "$@"; }
in_y() { ip netns exec "$f_NSY" "$@"; }
# debugfs is not visible under "ip netns exec" (it remounts /sys).
# "rules add RULE...": through netlink, as an admin adds one.
rules() { ext "$f_NSX" rule "$1" "$f_DEVX" "${@:2}" >/dev/null; }
stat_x() { pair_stat "$f_NSX" "$f_DEVX" "$1"; }

# All of A's counters at once, as NAME=VALUE lines.
snapshot() { in_x ethtool -S "$f_DEVX" | awk -F': *' 'NR > 1 { gsub(/ /, "", $1); print $1 "=" $2 }'; }
delta() { # NAME: after - before
	echo $(($(grep "^$1=" "$SCRATCH/after" | cut -d= -f2) - $(grep "^$1=" "$SCRATCH/before" | cut -d= -f2)))
}

ktap_plan 9
command -v nbd-server >/dev/null && command -v nbd-client >/dev/null ||
	ktap_skip_all "nbd-server and nbd-client are needed (tests/qemu/deps.sh installs them)"
for _ in 1 2 3; do
	modprobe nbd nbds_max=2 && break
	dmesg | tail -n 3 | sed 's/^/# /'
	sleep 1
done
lsmod | grep -q '^nbd ' || ktap_skip_all "the nbd module does not load"
mkdir -p "$SCRATCH"
pair_new f 201 202 192.0.2 2001:db8:f || { ktap_fail "create a tagged pair"; ktap_finish; }
# A deep RX ring on the receiver: the flood and the critical flow share
# it, and a guest starved of CPU by the emulator must not miss frames at
# the ring before NAPI can sort them (a run with 256 descriptors missed 89,
# 7 of them critical).
ip netns exec "$f_NSX" ethtool -G "$f_DEVX" rx 1024 ||
	{ ktap_fail "create a tagged pair"; ktap_finish; }
pair_tag "$f_NSX" "$f_DEVX" on && pair_tag "$f_NSY" "$f_DEVY" on ||
	{ ktap_fail "create a tagged pair"; ktap_finish; }
ktap_pass "create a tagged pair across namespaces"

# The NBD export lives in B; A's kernel is the client.
truncate -s 16M "$SCRATCH/disk.img"
cat >"$SCRATCH/nbd.conf" <<EOF
[generic]
user = root
group = root
listenaddr = 192.0.2.2
[disk]
exportname = $SCRATCH/disk.img
EOF
in_y nbd-server -C "$SCRATCH/nbd.conf" >/dev/null 2>&1
NBD=/dev/nbd0
for _ in 1 2 3 4 5; do
	nbd_client "$f_NSX" 192.0.2.2 "$NBD" -N disk >/dev/null 2>&1 && break
	sleep 0.5
done
if [ "$(cat /sys/block/nbd0/size 2>/dev/null)" -gt 0 ] 2>/dev/null; then
	ktap_pass "nbd0 connected over the tagged link"
else
	ktap_fail "nbd0 connected over the tagged link"
	NBD=
	ktap_finish
fi

rules add critical proto udp dport 7000 && rules add critical proto tcp dport 5201
n=$(nsenter --net="/run/netns/$f_NSX" grep -c "^$f_DEVX .* critical" /sys/kernel/debug/skbpool/rules)
if [ "$n" = 2 ]; then
	ktap_pass "rules: UDP 7000 and iperf3's control port are critical"
else
	ktap_fail "rules: UDP 7000 and iperf3's control port are critical" "$n rules listed"
fi

# The receiver's 4 MiB buffer must take effect: what is measured is the
# NIC, not whether python3 keeps up beside a flood under TCG.
sysctl -qw net.core.rmem_max=$((8 << 20))
# The flood starts first: iperf3's UDP handshake is itself a datagram to
# the flood's port, which emergency would drop.  Its TCP control
# connection is critical (rule above), so the run ends cleanly.
in_x iperf3 -s -1 -p 5201 -D >/dev/null
in_x python3 "$LIB/udpflow.py" recv 192.0.2.1 7000 3 >"$SCRATCH/crit.json" &
recv=$!
sleep 0.5
in_y iperf3 -u -c 192.0.2.1 -p 5201 -b 50M -l 1200 -t 10 -J >"$SCRATCH/flood.json" 2>&1 &
flood=$!
sleep 1

echo >"$TRACE/trace"
echo 1 >"$TRACE/events/skbpool/skbpool_emergency/enable"
enters0=$(stat_x skbpool_emergency_enter)
in_x ethtool --set-priv-flags "$f_DEVX" skbpool-emergency on
# Everything from here to the second snapshot happens in emergency.
snapshot >"$SCRATCH/before"
if [ "$(stat_x skbpool_emergency)" = 1 ] &&
   [ "$(stat_x skbpool_emergency_enter)" = $((enters0 + 1)) ] &&
   grep -q "dev=$f_DEVX emergency=on reason=admin" "$TRACE/trace"; then
	ktap_pass "forced on: state 1, one entry counted, traced"
else
	ktap_fail "forced on: state 1, one entry counted, traced" \
		"state $(stat_x skbpool_emergency), enters $enters0 -> $(stat_x skbpool_emergency_enter)"
fi

in_y python3 "$LIB/udpflow.py" send 192.0.2.1 7000 2000 400 >"$SCRATCH/sent.json" &
send=$!
head -c 4M /dev/urandom >"$SCRATCH/pattern"
nbd_ok=0
timeout 60 dd if="$SCRATCH/pattern" of="$NBD" bs=1M oflag=direct status=none &&
	timeout 60 dd if="$NBD" of="$SCRATCH/back" bs=1M count=4 iflag=direct status=none &&
	cmp -s "$SCRATCH/pattern" "$SCRATCH/back" && nbd_ok=1
wait $send $flood $recv
sleep 1
snapshot >"$SCRATCH/after"

sent=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sent"])' "$SCRATCH/sent.json" 2>/dev/null)
got=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["received"])' "$SCRATCH/crit.json" 2>/dev/null)
ktap_info "critical UDP: sent ${sent:-?}, received ${got:-?}"
if [ "${sent:-0}" -eq 2000 ] && [ "${got:-0}" -eq "$sent" ]; then
	ktap_pass "critical UDP flow: all $sent datagrams delivered"
else
	ktap_fail "critical UDP flow: all datagrams delivered" "sent ${sent:-?}, received ${got:-?}"
	ktap_info "$(in_x awk '/^Udp:/ { n++; if (n == 2) print "udp in " $2 " rcvbuf_errors " $6 }' /proc/net/snmp)," \
		"exhausted $(stat_x skbpool_rx_exhausted), missed $(stat_x rx_missed_errors), build_failed $(stat_x skbpool_rx_build_failed)"
fi

flow=$(delta skbpool_rx_critical_flow)
ktap_info "nbd: 4 MiB written and read back, $flow frames of the learned flow delivered"
if [ $nbd_ok -eq 1 ] && [ "$flow" -gt 0 ]; then
	ktap_pass "nbd I/O through emergency via its learned SOCK_MEMALLOC flow"
else
	ktap_fail "nbd I/O through emergency" "data ok $nbd_ok, flow frames $flow"
fi

flood_pkts=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(r["end"]["sum"]["packets"])' "$SCRATCH/flood.json" 2>/dev/null)
nomatch=$(delta skbpool_rx_drop_nomatch)
# How much of the flood falls inside the window depends on the emulator's
# pace; what must hold is that a real part of it did, and was dropped by
# us (the next check shows nothing but critical frames was delivered).
# A real part is 1000 frames, SKBPOOL_SLOW times fewer on the debug
# kernel, whose iperf3 sends about a third as many (its first whole run:
# 1712 sent, 558 dropped inside the window).
min_drop=$((1000 / ${SKBPOOL_SLOW:-1}))
ktap_info "flood: iperf3 sent ${flood_pkts:-?} datagrams, $nomatch dropped in emergency as not critical"
if [ "${flood_pkts:-0}" -gt 0 ] && [ "$nomatch" -ge "$min_drop" ]; then
	ktap_pass "the flood is dropped before any skb is built"
else
	ktap_fail "the flood is dropped" "sent ${flood_pkts:-?}, dropped $nomatch"
	sed 's/^/# iperf3: /' "$SCRATCH/flood.json" | head -20
fi

crit=$(($(delta skbpool_rx_critical_link) + $(delta skbpool_rx_critical_flow) + $(delta skbpool_rx_critical_rule)))
drops=0
for r in nonip malformed fragment rule nomatch; do
	drops=$((drops + $(delta skbpool_rx_drop_$r)))
done
rxp=$(delta rx_packets)
rxd=$(delta rx_dropped)
bf=$(delta skbpool_rx_build_failed)
total=$(delta skbpool_rx_drop_noncritical)
ktap_info "frames in: delivered $rxp + dropped $rxd; classified critical $crit + dropped $drops (total $total), build failures $bf"
# The first snapshot is taken with the flood running, and one ethtool -S
# reads the driver's counters and skbpool's one after the other: the NAPI
# poll running meanwhile may have counted a few frames (at most its budget,
# 64) in one and not yet in the other (a CI run: dropped 45065 against
# 45064 classified).  The second snapshot is taken after all traffic.
near() { [ $(($1 - $2)) -le 64 ] && [ $(($2 - $1)) -le 64 ]; }
if near "$rxp" $((crit - bf)) && near "$rxd" $((drops + bf)) && [ "$total" -eq "$drops" ]; then
	ktap_pass "counters add up: frames in = delivered + dropped by reason"
else
	ktap_fail "counters add up"
fi

in_x ethtool --set-priv-flags "$f_DEVX" skbpool-emergency off
in_x ping -c 3 -i 0.2 -W 2 -s 1000 192.0.2.2 >/dev/null &&
	in_y iperf3 -s -1 -p 5202 -D >/dev/null && sleep 0.3 &&
	in_x iperf3 -c 192.0.2.2 -p 5202 -R -t 2 >/dev/null
if [ $? -eq 0 ] && [ "$(stat_x skbpool_emergency)" = 0 ] &&
   grep -q "dev=$f_DEVX emergency=off reason=admin" "$TRACE/trace"; then
	ktap_pass "flag off: emergency ends, bulk TCP flows again"
else
	ktap_fail "flag off: emergency ends, bulk TCP flows again"
fi
ktap_finish
