#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs in the guest for make bench-flood (tests/bench/flood.sh): how hard a
# flood may hit the NIC before a critical flow on it loses a datagram.
# The two emulated 82540EM NICs back to back; B sends, A receives:
#   - a critical flow: CRIT_COUNT numbered datagrams at CRIT_RATE/s to port
#     7000, read by udpflow.py (what the application got is the figure);
#   - a bulk flood beside it: iperf3 UDP, FLOOD_LEN-byte datagrams at a
#     rate that climbs a ladder (0: as fast as the sender goes), into an
#     iperf3 server that reads it.
# "tagged": e1000sp tagged, A in (forced) emergency with rules that make
# UDP port 7000 and iperf3's control connection (TCP 5201) critical, as an
# admin protecting that flow and the management traffic would; the flood
# is dropped before any skb is built.  Emergency is forced once the flood
# runs: iperf3 opens its UDP stream with a datagram exchange, which
# emergency would drop like the rest of the flood.
# "stock": the in-tree e1000, which has only the kernel's own machinery:
# every frame goes up the stack.  Both use the default 256-descriptor
# rings.  Per mode the ladder climbs until the critical flow first loses a
# datagram; the figure is the flood rate the sender reached there (stock:
# where it first lost; tagged: the highest rate it absorbed with nothing
# lost).  ROUNDS rounds alternate which mode goes first.
# The sender shares the guest's two vCPUs with the receiver, so the flood
# it reaches falls as the receiver's work grows: the stock receiver, which
# hands every frame up the stack, slows its own flood down.
# Human-readable lines, then "FLOOD_BENCH_JSON: {...}".
repo=$(cd "$(dirname "$0")/../.." && pwd)
lib=$repo/tests/selftests/lib
. "$lib/ktap.sh"
. "$lib/e1000.sh"
. "$lib/survival.sh"
ROUNDS=${ROUNDS:-3}
LADDER=${LADDER:-"4000 8000 16000 32000 0"}
FLOOD_LEN=${FLOOD_LEN:-64}
CRIT_COUNT=2000
CRIT_RATE=400
out=/tmp/flood-bench-$$
mkdir -p "$out"
trap e1000_cleanup EXIT

e1000_nics || { echo "bench-flood: the guest needs two e1000 NICs (E1000_NICS=2)"; exit 1; }
# The critical reader asks for a 4 MiB socket buffer (udpflow.py): a
# python3 reader starved of CPU by the flood must not be what loses.
sysctl -qw net.core.rmem_max=$((8 << 20))

setup() { # MODE
	e1000_cleanup
	case $1 in
	stock) e1000_pair e1000 ;;
	tagged)
		e1000_pair e1000sp && e1000_tag "$NS_A" "$DEV_A" on &&
			e1000_tag "$NS_B" "$DEV_B" on && e1000_wait_link &&
			sv_rules "$NS_A" "$DEV_A" add critical proto udp dport 7000 &&
			sv_rules "$NS_A" "$DEV_A" add critical proto tcp dport 5201
		;;
	esac
}

udp_rcvbuf_errors() { in_a awk '/^Udp:/ { n++; if (n == 2) print $6 }' /proc/net/snmp; }

# One rung: prints "SENT_PPS CRIT_SENT CRIT_GOT MISSED RCVBUF_ERRORS".
step() { # MODE RATE
	local j=$out/$1.$2 m0 e0 send recv
	rm -f "$j.ready"
	in_a iperf3 -s -1 -D -p 5201 >/dev/null 2>&1
	in_a python3 "$lib/udpflow.py" recv "$E1000_N4.1" 7000 2 "$j.ready" >"$j.crit" &
	recv=$!
	for _ in $(seq 1 100); do
		[ -e "$j.ready" ] && break
		sleep 0.1
	done
	sleep 0.5
	m0=$(e1000_sys "$NS_A" "$DEV_A" rx_missed_errors)
	e0=$(udp_rcvbuf_errors)
	in_b timeout 60 iperf3 -c "$E1000_N4.1" -p 5201 -u -l "$FLOOD_LEN" \
		-b $(($2 * FLOOD_LEN * 8)) -t 7 -J >"$j.flood" 2>"$j.err" &
	send=$!
	sleep 0.7
	[ "$1" = tagged ] && in_a ethtool --set-priv-flags "$DEV_A" skbpool-emergency on
	sleep 0.3
	in_b python3 "$lib/udpflow.py" send "$E1000_N4.1" 7000 "$CRIT_COUNT" "$CRIT_RATE" >"$j.sent"
	wait $send $recv
	[ "$1" = tagged ] && in_a ethtool --set-priv-flags "$DEV_A" skbpool-emergency off
	python3 - "$j" "$(($(e1000_sys "$NS_A" "$DEV_A" rx_missed_errors) - m0))" \
		"$(($(udp_rcvbuf_errors) - e0))" <<'PY'
import json, sys
j = sys.argv[1]
try:
    s = json.load(open(j + '.flood'))['end']['sum']
    pps = s['packets'] / s['seconds']
except (OSError, ValueError, KeyError, ZeroDivisionError):
    pps = 0
sent = json.load(open(j + '.sent'))['sent']
got = json.load(open(j + '.crit'))['received']
print('%.0f %d %d %s %s' % (pps, sent, got, sys.argv[2], sys.argv[3]))
PY
}

# One ladder: prints "ABSORBED FIRST_LOSS" (flood datagrams/s the sender
# reached; FIRST_LOSS 0 when no rung lost anything).
ladder() { # MODE ROUND
	local absorbed=0 rate pps sent got missed rcvbuf
	for rate in $LADDER; do
		read -r pps sent got missed rcvbuf < <(step "$1" "$rate")
		if [ -z "${got:-}" ] || [ "${sent:-0}" -ne "$CRIT_COUNT" ] || [ "${pps:-0}" = 0 ]; then
			echo "bench-flood: $1 at $rate/s: the flood, the critical sender or its receiver failed" >&2
			tail -n 5 "$out/$1.$rate".* >&2
			return 1
		fi
		echo "round $2 $1: flood asked ${rate/#0/max}/s, sent $pps/s; critical $got of $sent;" \
			"missed by the MAC $missed, socket overflows $rcvbuf" >&2
		if [ "$got" -lt "$sent" ]; then
			echo "$absorbed $pps"
			return 0
		fi
		absorbed=$pps
	done
	echo "$absorbed 0"
}

for round in $(seq 1 "$ROUNDS"); do
	order="tagged stock"
	[ $((round % 2)) = 0 ] && order="stock tagged"
	for mode in $order; do
		if ! setup $mode; then
			echo "bench-flood: cannot set up $mode"
			exit 1
		fi
		res=$(ladder $mode "$round") || exit 1
		echo "$mode $round $res" >>"$out/figures"
	done
done

python3 - "$out" "$FLOOD_LEN" "$CRIT_RATE" <<'PY'
import json, statistics, sys
out = sys.argv[1]
fig = {}
for line in open(out + '/figures'):
    mode, rnd, absorbed, first_loss = line.split()
    fig.setdefault(mode, {})[int(rnd)] = (float(absorbed), float(first_loss))
res = {'flood_len': int(sys.argv[2]), 'critical_rate': int(sys.argv[3])}
for mode, rounds in fig.items():
    res[mode + '_rounds'] = [rounds[r] for r in sorted(rounds)]
# Tagged: the highest flood absorbed with nothing lost (a lower bound when
# it never lost: "tagged_capped"); stock: the flood at its first loss.
ratios, capped = [], False
for r in sorted(fig['tagged']):
    t_abs, t_loss = fig['tagged'][r]
    s_abs, s_loss = fig['stock'][r]
    capped |= t_loss == 0
    if s_loss:
        ratios.append(t_abs / s_loss)
res['tagged_absorbed_pps'] = round(statistics.median(v[0] for v in fig['tagged'].values()))
res['stock_first_loss_pps'] = round(statistics.median(v[1] for v in fig['stock'].values()))
res['tagged_capped'] = capped
if ratios:
    res['tagged_vs_stock_flood'] = round(statistics.median(ratios), 2)
    res['tagged_vs_stock_flood_spread'] = [round(min(ratios), 2), round(max(ratios), 2)]
print('FLOOD_BENCH_JSON: ' + json.dumps(res))
PY
