#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# In emergency, frames of learned SOCK_MEMALLOC flows reach the stack
# marked pfmemalloc (#13, scenario 5), and what that buys is real:
# 1. a packet tap on the tagged port that never reads (a stopped tcpdump
#    with a big buffer) gets none of the nbd flow's frames, so it pins no
#    reserve buffer with them;
# 2. with TCP at its memory limit (net.ipv4.tcp_mem all but zero), the
#    nbd socket still takes every reply in: no segment of it dropped for
#    protocol memory (TCPRcvQDrop stays flat) and the data is intact.
# 3. ARP, solicitations and adverts are marked too (nbd's socket is
#    SOCK_MEMALLOC, which the mark needs): resolving the storage
#    peer again (a link that came back, an entry that expired) allocates,
#    and under exhaustion only the reserves have what it needs.
# Frames of a rule-critical UDP flow (an application's socket) are not
# marked: they still reach it.
# skbpool-timeout: 240
# shellcheck disable=SC2154 # pair_new sets ${NAME}_NSX and friends
. "$(dirname "$0")/lib/ktap.sh"
. "$(dirname "$0")/lib/pair.sh"
. "$(dirname "$0")/lib/ext.sh"
. "$(dirname "$0")/lib/nbd.sh"

LIB=$(dirname "$0")/lib
SCRATCH=/tmp/skbpool-pfmemalloc-$$
TCP_MEM=$(sysctl -n net.ipv4.tcp_mem)
TAP=
cleanup() {
	[ -n "$TAP" ] && : >"$SCRATCH/untap" && wait "$TAP"
	sysctl -qw net.ipv4.tcp_mem="$TCP_MEM"
	nbd_cleanup
	pair_cleanup
	rm -rf "$SCRATCH"
}
trap cleanup EXIT

in_x() { ip netns exec "$f_NSX" "$@"; }
in_y() { ip netns exec "$f_NSY" "$@"; }
stat_x() { pair_stat "$f_NSX" "$f_DEVX" "$1"; }
rcvqdrop() { in_x nstat -az TcpExtTCPRcvQDrop | awk '$1 == "TcpExtTCPRcvQDrop" { print $2 }'; }

ktap_plan 7
command -v nbd-server >/dev/null && command -v nbd-client >/dev/null ||
	ktap_skip_all "nbd-server and nbd-client are needed (tests/qemu/deps.sh installs them)"
nbd_load || ktap_skip_all "the nbd module does not load"
mkdir -p "$SCRATCH"
if pair_new f 237 238 192.0.2 2001:db8:f && pair_tag "$f_NSX" "$f_DEVX" on &&
   nbd_attach "$f_NSY" 192.0.2.2 "$f_NSX" "$SCRATCH" 16M &&
   ext "$f_NSX" rule add "$f_DEVX" critical proto udp dport 7000 >/dev/null &&
   nbd_verify 1 "$SCRATCH"; then
	ktap_pass "tagged pair, nbd0 over it, UDP 7000 critical"
else
	ktap_fail "tagged pair, nbd0 over it, UDP 7000 critical"
	ktap_finish
fi
total=$(stat_x skbpool_rx_total)

# --- 1. a tap that never reads -----------------------------------------------
in_x python3 "$LIB/tap.py" "$f_DEVX" $((256 << 20)) "$SCRATCH/tap" 10809 "$SCRATCH/untap" \
	>"$SCRATCH/tap.json" &
TAP=$!
for _ in $(seq 50); do [ -e "$SCRATCH/tap" ] && break; sleep 0.1; done
in_x ethtool --set-priv-flags "$f_DEVX" skbpool on skbpool-emergency on
marked0=$(stat_x skbpool_rx_pfmemalloc)
lent0=$(stat_x skbpool_rx_lent)
ok=0
nbd_verify 8 "$SCRATCH" && ok=1
marked=$(($(stat_x skbpool_rx_pfmemalloc) - marked0))
lent=$(($(stat_x skbpool_rx_lent) - lent0))
: >"$SCRATCH/untap"
wait "$TAP"
TAP=
ktap_info "8 MiB over nbd in emergency: $marked frames marked pfmemalloc; tap $(cat "$SCRATCH/tap.json");" \
	"pages lent while the pool ($total) was all in flight: $lent"
if [ $ok -eq 1 ] && [ "$marked" -gt 1000 ]; then
	ktap_pass "in emergency the nbd flow's frames are handed up pfmemalloc, the data intact"
else
	ktap_fail "in emergency the nbd flow's frames are handed up pfmemalloc, the data intact" \
		"nbd ok $ok, $marked marked"
fi
# What a tap pins is what it holds: none of the nbd frames is the proof.
# Whether the pool ran dry is no measure of the tap: on the debug kernel
# the nbd socket itself, read more slowly, held the whole pool (the tap
# holding no frame at all, 97 pages lent), as any reader that falls behind
# may (limitations.rst); the lent pages are shown above.
held=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["port"])' "$SCRATCH/tap.json" 2>/dev/null)
if [ "${held:-1}" -eq 0 ]; then
	ktap_pass "a tap that never reads holds none of them"
else
	ktap_fail "a tap that never reads holds none of them" \
		"tap held ${held:-?} nbd frames ($lent pages lent)"
fi

# --- 2. TCP at its memory limit -----------------------------------------------
# Written before the limit: only the replies to reads are looked at.
head -c 4M /dev/urandom >"$SCRATCH/pattern"
dd if="$SCRATCH/pattern" of="$NBD_DEV" bs=1M oflag=direct status=none
drops0=$(rcvqdrop)
sysctl -qw net.ipv4.tcp_mem="1 1 1"
ok=0
timeout 60 dd if="$NBD_DEV" bs=1M count=4 iflag=direct status=none |
	cmp -s - "$SCRATCH/pattern" && ok=1
sysctl -qw net.ipv4.tcp_mem="$TCP_MEM"
drops=$(($(rcvqdrop) - drops0))
ktap_info "tcp_mem 1 page, emergency: nbd ok $ok, segments dropped for protocol memory $drops"
if [ $ok -eq 1 ] && [ "$drops" -eq 0 ]; then
	ktap_pass "TCP at its memory limit: the nbd socket takes every reply in, 4 MiB intact"
else
	ktap_fail "TCP at its memory limit: the nbd socket takes every reply in, 4 MiB intact" \
		"nbd ok $ok, $drops dropped"
fi

# --- 3. neighbour resolution in emergency --------------------------------------
# The pair's neighbours are permanent; x forgets y and resolves it again
# by ARP and by neighbour discovery.  y's echo replies are bulk and
# dropped: only the answers to x's solicitations get through.
link0=$(stat_x skbpool_rx_critical_link)
marked0=$(stat_x skbpool_rx_pfmemalloc)
in_x ip neigh del 192.0.2.2 dev "$f_DEVX"
in_x ip neigh del 2001:db8:f::2 dev "$f_DEVX"
in_x ping -q -c 1 -W 2 192.0.2.2 >/dev/null 2>&1
in_x ping -q -6 -c 1 -W 2 2001:db8:f::2 >/dev/null 2>&1
link=$(($(stat_x skbpool_rx_critical_link) - link0))
marked=$(($(stat_x skbpool_rx_pfmemalloc) - marked0))
n4=$(in_x ip neigh show 192.0.2.2 dev "$f_DEVX")
n6=$(in_x ip neigh show 2001:db8:f::2 dev "$f_DEVX")
in_x ip neigh replace 192.0.2.2 lladdr "$(in_y cat "/sys/class/net/$f_DEVY/address")" dev "$f_DEVX" nud permanent
in_x ip neigh replace 2001:db8:f::2 lladdr "$(in_y cat "/sys/class/net/$f_DEVY/address")" dev "$f_DEVX" nud permanent
ktap_info "emergency, x resolves y again: $link link frames admitted, $marked marked; neighbours: '$n4' '$n6'"
# At least the ARP reply and the advert are marked; other link control
# (router discovery) may come too, unmarked.
if [ "$marked" -ge 2 ] && [ "$marked" -le "$link" ] &&
   [[ $n4 == *lladdr* ]] && [[ $n6 == *lladdr* ]]; then
	ktap_pass "ARP and neighbour discovery in emergency: resolved, handed up pfmemalloc"
else
	ktap_fail "ARP and neighbour discovery in emergency: resolved, handed up pfmemalloc" \
		"$link link frames, $marked marked"
fi

# --- a rule-critical flow is not marked: an ordinary socket still gets it -----
in_x python3 "$LIB/udpflow.py" recv 192.0.2.1 7000 3 "$SCRATCH/up" >"$SCRATCH/crit.json" &
recv=$!
for _ in $(seq 50); do [ -e "$SCRATCH/up" ] && break; sleep 0.1; done
marked0=$(stat_x skbpool_rx_pfmemalloc)
in_y python3 "$LIB/udpflow.py" send 192.0.2.1 7000 500 500 >/dev/null
wait $recv
got=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["received"])' "$SCRATCH/crit.json" 2>/dev/null)
# The pair's neighbours are permanent again: no link frame comes meanwhile.
marked=$(($(stat_x skbpool_rx_pfmemalloc) - marked0))
if [ "${got:-0}" -eq 500 ] && [ "$marked" -eq 0 ]; then
	ktap_pass "rule-critical UDP in emergency: 500 of 500 delivered, none marked"
else
	ktap_fail "rule-critical UDP in emergency: 500 of 500 delivered, none marked" \
		"${got:-?} delivered, $marked marked"
fi
in_x ethtool --set-priv-flags "$f_DEVX" skbpool on skbpool-emergency off
if nbd_verify 1 "$SCRATCH"; then
	ktap_pass "emergency off: nbd still works"
else
	ktap_fail "emergency off: nbd still works"
fi
ktap_finish
