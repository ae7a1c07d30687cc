#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs in the guest for make bench-e1000 (tests/bench/e1000.sh).  Four
# emulated 82540EM NICs in two back-to-back pairs, each pair on a QEMU hub
# of its own (vm.sh E1000_NICS=4).  The configurations: e1000sp tagged
# (both ends), e1000sp untagged (an skb per buffer, as the in-tree driver),
# e1000sp untagged on the kernel's page_pool (rx_page_pool=1: what a driver
# author would pick instead of skbpool) and the in-tree e1000.
#
# Side by side: under TCG a guest's speed swings 2-4x between runs made one
# after the other, so two configurations run at the same time, one per
# pair, each pair's iperf3 pinned to a vCPU of its own; then the pairs swap
# vCPUs.  A round's ratio is the geometric mean of its two windows' ratios,
# and which pair carries which side alternates by round.  The matches:
# tagged, untagged and page_pool each against the in-tree driver, and
# tagged against page_pool.  In each window, both pairs at once:
#   - iperf3 TCP from A to B, SECONDS_PER_RUN long: Mbit/s received;
#   - iperf3 UDP, 64-byte datagrams as fast as the sender goes: datagrams
#     per second the receiving iperf3 read, and frames per second B's
#     driver passed up (rx_packets less rx_dropped).
# Then, on the first pair alone, once per configuration, the survival
# scenario (lib/e1000.sh): critical datagrams delivered of those sent while
# every non-sleeping allocation fails.  Human-readable lines, then one line
# "E1000_BENCH_JSON: {...}" for the host.
# shellcheck disable=SC2034 # E1000_PCI is read by lib/e1000.sh's helpers
. "$(dirname "$0")/pairs.sh"
ROUNDS=${ROUNDS:-6}
MODES="tagged untagged page_pool stock"
MATCHES="tagged:stock untagged:stock page_pool:stock tagged:page_pool"
SECONDS_PER_RUN=${SECONDS_PER_RUN:-8}
# ALONE=1: in each window the two configurations run one after the other
# instead of at once, X then Y in the first window and Y then X in the
# second, so that one's load on a device both share (QEMU's emulated
# IOMMU) does not slow the other.  Twice the time.  The one that runs first
# in a window is also the one on vCPU 0 (the vCPU swap of the side-by-side
# mode, kept): order and vCPU are balanced together, as one factor.
ALONE=${ALONE:-0}
SURVIVAL_COUNT=${SURVIVAL_COUNT:-5000}
SURVIVAL_RATE=500
out=/tmp/e1000-bench-$$
mkdir -p "$out"

pairs_start 2 bench-e1000
iommu=$IOMMU

# One window: pair P's iperf3 (both ends) on vCPU CPU[P], both pairs at
# once; with ALONE=1 one pair after the other, FIRST first, the other pair
# idle meanwhile.  Writes "mbps pps app sent" for each pair to FILE.P.
# The helpers read window()'s cpu array.
serve() { # P
	ip netns exec "${PNS_B[$1]}" taskset -c "${cpu[$1]}" iperf3 -s -1 -D -p 5201 >/dev/null 2>&1
}
tcp_run() { # FILE P
	ip netns exec "${PNS_A[$2]}" taskset -c "${cpu[$2]}" timeout 120 \
		iperf3 -c "${PN4[$2]}.2" -p 5201 -t "$SECONDS_PER_RUN" -J >"$1.$2.tcp"
}
udp_run() { # FILE P
	ip netns exec "${PNS_A[$2]}" taskset -c "${cpu[$2]}" timeout 120 \
		iperf3 -c "${PN4[$2]}.2" -p 5201 -u -b 0 -l 64 -t "$SECONDS_PER_RUN" -J >"$1.$2.udp"
}
# B's side of a TCP run, for telling a TCP gap's causes apart by count:
# frames passed up, frames skbpool copied at its fence (tagged; 0
# otherwise), and the TcpExt counters of B's namespace that grow when the
# receiving socket runs short of buffer, plus its coalesced segments.
tcp_counts() { # PAIR
	local p=$1 fence
	fence=$(e1000_stat "${PNS_B[p]}" "${PDEV_B[p]}" skbpool_rx_fence_copied)
	echo "$(pair_rx "$p") ${fence:-0} $(ip netns exec "${PNS_B[p]}" awk '
		/^TcpExt:/ && !h { for (i = 2; i <= NF; i++) n[i] = $i; h = 1; next }
		/^TcpExt:/ { for (i = 2; i <= NF; i++) v[n[i]] = $i }
		END { print v["PruneCalled"] + 0, v["TCPRcvCollapsed"] + 0, v["TCPRcvCoalesce"] + 0 }
	' /proc/net/netstat)"
}
# tcp_counted FILE P: tcp_run, with B's counts over it in FILE.P.tcpc.
tcp_counted() {
	local before
	before=$(tcp_counts "$2") && tcp_run "$1" "$2" || return 1
	echo "$(tcp_counts "$2") $before" >"$1.$2.tcpc"
}
# What FILE.P.tcpc says, as words for the log.
tcp_said() { # FILE P
	awk '{ printf "%d frames up, %d copied at the fence, prune %d, collapsed %d, coalesced %d",
	       $1 - $6, $2 - $7, $3 - $8, $4 - $9, $5 - $10 }' "$1.$2.tcpc"
}
serve_both() {
	serve 1 && serve 2 && sleep 0.5
}
both() { # FILE RUN: RUN (tcp_run or udp_run) on both pairs at once
	local p pids=() rc=0
	for p in 1 2; do
		"$2" "$1" "$p" &
		pids+=($!)
	done
	for p in "${pids[@]}"; do
		wait "$p" || rc=1
	done
	return $rc
}
window() { # FILE CPU1 CPU2 FIRST
	local f=$1 cpu=(- "$2" "$3") p rx0=(- 0 0) rx1
	rm -f "$f".[12] "$f".[12].*
	if [ "$ALONE" = 1 ]; then
		for p in "$4" $((3 - $4)); do
			serve "$p" && sleep 0.5 && tcp_counted "$f" "$p" || return 1
			serve "$p" && sleep 0.5 || return 1
			rx0[p]=$(pair_rx "$p") && udp_run "$f" "$p" && rx1=$(pair_rx "$p") || return 1
			echo $((rx1 - rx0[p])) >"$f.$p.up"
		done
	else
		serve_both && both "$f" tcp_counted && serve_both || return 1
		for p in 1 2; do
			rx0[p]=$(pair_rx "$p") || return 1
		done
		both "$f" udp_run || return 1
		for p in 1 2; do
			rx1=$(pair_rx "$p") || return 1
			echo $((rx1 - rx0[p])) >"$f.$p.up"
		done
	fi
	for p in 1 2; do
		python3 - "$f.$p" "$(cat "$f.$p.up")" <<'PY' || return 1
import json, sys
j, up = sys.argv[1], int(sys.argv[2])
tcp = json.load(open(j + '.tcp'))['end']['sum_received']
udp = json.load(open(j + '.udp'))['end']['sum']
got = udp['packets'] - udp['lost_packets']
with open(j, 'w') as f:
    f.write('%.1f %.0f %.0f %d\n' % (tcp['bits_per_second'] / 1e6, up / udp['seconds'],
                                   got / udp['seconds'], udp['packets']))
PY
	done
}

for round in $(seq 1 "$ROUNDS"); do
	for match in $MATCHES; do
		x=${match%:*}
		y=${match#*:}
		# Odd rounds put X on pair 1, even rounds on pair 2.
		px=$((2 - round % 2))
		py=$((3 - px))
		if ! pair_setup $px "$x" || ! pair_setup $py "$y"; then
			echo "bench-e1000: cannot set up $x on pair $px and $y on pair $py"
			exit 1
		fi
		for w in 1 2; do
			# Window 1: X's pair on vCPU 0; window 2: on vCPU 1.
			# Alone, X goes first in window 1 and Y in window 2.
			first=$px
			[ $w = 2 ] && first=$py
			if [ $px = 1 ]; then
				window "$out/w" $((w - 1)) $((2 - w)) $first || { echo "bench-e1000: iperf3 failed ($x, $y)"; exit 1; }
			else
				window "$out/w" $((2 - w)) $((w - 1)) $first || { echo "bench-e1000: iperf3 failed ($x, $y)"; exit 1; }
			fi
			read -r xm xp xa xs <"$out/w.$px"
			read -r ym yp ya ys <"$out/w.$py"
			echo "round $round, $x (pair $px) beside $y (pair $py), window $w:" \
				"TCP $xm / $ym Mbit/s; UDP 64 B read $xa / $ya /s, up the stack $xp / $yp /s, sent $xs / $ys"
			echo "  TCP receiver B, $x: $(tcp_said "$out/w" $px); $y: $(tcp_said "$out/w" $py)"
			echo "$round $x $y $w $xm $xp $xa $ym $yp $ya" >>"$out/windows"
		done
		[ "$x" = tagged ] && [ "$y" = stock ] &&
			echo "tagged: B's pool $(e1000_stat "${PNS_B[px]}" "${PDEV_B[px]}" skbpool_rx_total) buffers," \
				"$(e1000_stat "${PNS_B[px]}" "${PDEV_B[px]}" skbpool_rx_lent) pages lent beyond it," \
				"$(e1000_stat "${PNS_B[px]}" "${PDEV_B[px]}" skbpool_rx_exhausted) refusals"
	done
done
pairs_cleanup

# Survival on the first pair alone, with lib/e1000.sh's pair helpers.
E1000_PCI=("${ALL_PCI[0]}" "${ALL_PCI[1]}")
setup() { # MODE
	e1000_cleanup
	case $1 in
	stock) e1000_pair e1000 || return 1 ;;
	*) e1000_pair e1000sp || return 1 ;;
	esac
	if [ "$1" = page_pool ]; then
		echo 1 >/sys/module/e1000sp/parameters/rx_page_pool && e1000_rebuild || return 1
	fi
	if [ "$1" = tagged ]; then
		e1000_tag "$NS_A" "$DEV_A" on && e1000_tag "$NS_B" "$DEV_B" on && e1000_wait_link ||
			return 1
	fi
}

for mode in $MODES; do
	if ! setup "$mode"; then
		echo "bench-e1000: cannot set up $mode"
		exit 1
	fi
	e1000_survival "$SURVIVAL_COUNT" "$SURVIVAL_RATE" "$([ "$mode" = tagged ] && echo tagged || echo untagged)" ||
		{ echo "bench-e1000: survival $mode failed"; exit 1; }
	echo "survival $mode: critical $ES_GOT of $ES_SENT delivered, bulk $ES_BULK_GOT of $ES_BULK_SENT"
	echo "$mode $ES_SENT $ES_GOT $ES_BULK_SENT $ES_BULK_GOT" >>"$out/survival"
done

python3 - "$out" "$iommu" "$MODES" "$ALONE" <<'PY'
import json, math, statistics, sys
out, iommu, modes, alone = sys.argv[1], sys.argv[2], sys.argv[3].split(), sys.argv[4] == '1'
keys = ('tcp', 'pps', 'app')
per_mode = {}       # mode -> round -> [(mbps, pps, app), ...] over its windows
per_match = {}      # (x, y) -> round -> [(x figures, y figures), ...]
for line in open(out + '/windows'):
    f = line.split()
    rnd, x, y = int(f[0]), f[1], f[2]
    xf, yf = tuple(map(float, f[4:7])), tuple(map(float, f[7:10]))
    per_mode.setdefault(x, {}).setdefault(rnd, []).append(xf)
    per_mode.setdefault(y, {}).setdefault(rnd, []).append(yf)
    per_match.setdefault((x, y), {}).setdefault(rnd, []).append((xf, yf))
res = {'iommu': iommu, 'alone': alone,
       'method': ('alone in alternation: X then Y, then Y then X, vCPUs swapped, '
                  if alone else 'side by side: two pairs at once, vCPUs swapped, ') +
       'ratio per round = geometric mean of its two windows'}
for mode in modes:
    rounds = [per_mode[mode][r] for r in sorted(per_mode[mode])]
    # A mode's figure in a round: the mean over the windows it ran in.
    rows = [tuple(round(statistics.mean(w[i] for w in ws), 1) for i in range(3))
            for ws in rounds]
    res[mode + '_rounds'] = rows
    res[mode + '_tcp_mbps'] = round(statistics.median(r[0] for r in rows), 1)
    res[mode + '_pps'] = round(statistics.median(r[1] for r in rows))
    res[mode + '_app_pps'] = round(statistics.median(r[2] for r in rows))
for (x, y), rounds in per_match.items():
    for i, key in enumerate(keys):
        r = []
        for rnd in sorted(rounds):
            ws = [(a[i], b[i]) for a, b in rounds[rnd] if a[i] > 0 and b[i] > 0]
            if len(ws) == len(rounds[rnd]):
                r.append(math.exp(statistics.mean(math.log(a / b) for a, b in ws)))
        if not r:
            continue
        k = '%s_vs_%s_%s' % (x, y, key)
        res[k] = round(statistics.median(r), 2)
        res[k + '_spread'] = [round(min(r), 2), round(max(r), 2)]
        res[k + '_rounds'] = [round(v, 3) for v in r]
        res[k + '_maxmin'] = round(max(r) / min(r), 2)
for line in open(out + '/survival'):
    mode, sent, got, bsent, bgot = line.split()
    res['survival_sent'] = int(sent)
    res['survival_' + mode] = int(got)
    res['survival_bulk_' + mode] = [int(bgot), int(bsent)]
print('E1000_BENCH_JSON: ' + json.dumps(res))
PY
