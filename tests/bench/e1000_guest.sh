#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs in the guest for make bench-e1000 (tests/bench/e1000.sh): the two
# emulated 82540EM NICs back to back, driven by e1000sp tagged, e1000sp
# untagged (an skb per buffer, as the in-tree driver), e1000sp untagged on
# the kernel's page_pool (rx_page_pool=1: what a driver author would pick
# instead of skbpool) and the in-tree e1000 in turn, ROUNDS rounds
# interleaved so that drift in the emulator hits all four alike, and each
# ratio is taken within one round (then the median over the rounds):
#   - iperf3 TCP from A to B, SECONDS long: Mbit/s received (tagged, the
#     default reserve; what one autotuned TCP window parks beyond it is
#     lent, counted and shown);
#   - iperf3 UDP, 64-byte datagrams as fast as the sender goes: frames per
#     second the receiving driver passed up (and datagrams per second the
#     receiving iperf3 read);
# then once per driver the survival scenario (lib/e1000.sh): critical
# datagrams delivered of those sent while every non-sleeping allocation
# fails.  Human-readable lines, then one line "E1000_BENCH_JSON: {...}"
# with every figure (medians over the rounds) for the host to pick up.
# shellcheck disable=SC2034 # SV_LIB is read by lib/survival.sh's helpers
repo=$(cd "$(dirname "$0")/../.." && pwd)
lib=$repo/tests/selftests/lib
. "$lib/ktap.sh"
. "$lib/e1000.sh"
. "$lib/survival.sh"
ROUNDS=${ROUNDS:-6}
MODES="tagged untagged pagepool stock"
SECONDS_PER_RUN=${SECONDS_PER_RUN:-8}
SURVIVAL_COUNT=${SURVIVAL_COUNT:-5000}
SURVIVAL_RATE=500
out=/tmp/e1000-bench-$$
mkdir -p "$out"
trap e1000_cleanup EXIT

e1000_nics || { echo "bench-e1000: the guest needs two e1000 NICs (E1000_NICS=2)"; exit 1; }

# Booted with VM_IOMMU=1: both NICs must sit behind a translating, strict
# IOMMU domain, or the figures would say nothing about one.
iommu=none
if grep -qw intel_iommu=on /proc/cmdline; then
	for p in "${E1000_PCI[@]}"; do
		t=$(cat "/sys/bus/pci/devices/$p/iommu_group/type" 2>/dev/null)
		if [ "$t" != DMA ]; then
			echo "bench-e1000: VM_IOMMU=1 but $p's IOMMU domain is '${t:-missing}', not DMA (strict)"
			exit 1
		fi
	done
	iommu="intel-iommu, strict DMA domain"
	echo "bench-e1000: both NICs behind the IOMMU ($iommu)"
fi

setup() { # MODE
	e1000_cleanup
	case $1 in
	stock) e1000_pair e1000 || return 1 ;;
	*) e1000_pair e1000sp || return 1 ;;
	esac
	if [ "$1" = pagepool ]; then
		echo 1 >/sys/module/e1000sp/parameters/rx_page_pool && e1000_rebuild || return 1
	fi
	if [ "$1" = tagged ]; then
		e1000_tag "$NS_A" "$DEV_A" on && e1000_tag "$NS_B" "$DEV_B" on && e1000_wait_link ||
			return 1
	fi
}

# pps: frames B's driver passed up to the stack per second (rx_packets
# less rx_dropped: e1000sp counts rx_packets at the MAC and its own drops
# apart, e1000 counts what it passes up), over the UDP run.  The receiving
# iperf3's own count is kept too: under TCG a userspace receiver keeps up
# with far fewer datagrams than the NIC moves.
measure() { # MODE ROUND
	local j=$out/$1.$2 p0 d0 p1 d1
	in_b iperf3 -s -1 -D -p 5201 >/dev/null 2>&1
	sleep 0.5
	in_a timeout 120 iperf3 -c "$E1000_N4.2" -p 5201 -t "$SECONDS_PER_RUN" -J >"$j.tcp"
	in_b iperf3 -s -1 -D -p 5201 >/dev/null 2>&1
	sleep 0.5
	p0=$(e1000_sys "$NS_B" "$DEV_B" rx_packets)
	d0=$(e1000_sys "$NS_B" "$DEV_B" rx_dropped)
	in_a timeout 120 iperf3 -c "$E1000_N4.2" -p 5201 -u -b 0 -l 64 -t "$SECONDS_PER_RUN" -J >"$j.udp"
	p1=$(e1000_sys "$NS_B" "$DEV_B" rx_packets)
	d1=$(e1000_sys "$NS_B" "$DEV_B" rx_dropped)
	python3 - "$j" $((p1 - p0 - d1 + d0)) <<'PY'
import json, sys
j, up = sys.argv[1], int(sys.argv[2])
tcp = json.load(open(j + '.tcp'))['end']['sum_received']
udp = json.load(open(j + '.udp'))['end']['sum']
got = udp['packets'] - udp['lost_packets']
print('%.1f %.0f %.0f %d' % (tcp['bits_per_second'] / 1e6, up / udp['seconds'],
                             got / udp['seconds'], udp['packets']))
PY
}

for round in $(seq 1 "$ROUNDS"); do
	for mode in $MODES; do
		if ! setup $mode; then
			echo "bench-e1000: cannot set up $mode"
			exit 1
		fi
		read -r mbps pps app sent < <(measure $mode "$round")
		if [ -z "${sent:-}" ]; then
			echo "bench-e1000: iperf3 failed on $mode"
			exit 1
		fi
		[ $mode = tagged ] &&
			echo "tagged: B's pool $(e1000_stat "$NS_B" "$DEV_B" skbpool_rx_total) buffers, $(e1000_stat "$NS_B" "$DEV_B" skbpool_rx_lent) pages lent beyond it, $(e1000_stat "$NS_B" "$DEV_B" skbpool_rx_exhausted) refusals"
		echo "round $round $mode: TCP $mbps Mbit/s; UDP 64 B: $sent sent, $pps frames/s up the receiver's stack, $app datagrams/s read by iperf3"
		echo "$mode $mbps $pps $app" >>"$out/figures"
	done
done

for mode in $MODES; do
	if ! setup $mode; then
		echo "bench-e1000: cannot set up $mode"
		exit 1
	fi
	e1000_survival "$SURVIVAL_COUNT" "$SURVIVAL_RATE" "$([ $mode = tagged ] && echo tagged || echo untagged)" ||
		{ echo "bench-e1000: survival $mode failed"; exit 1; }
	echo "survival $mode: critical $ES_GOT of $ES_SENT delivered, bulk $ES_BULK_GOT of $ES_BULK_SENT"
	echo "$mode $ES_SENT $ES_GOT $ES_BULK_SENT $ES_BULK_GOT" >>"$out/survival"
done

python3 - "$out" "$iommu" <<'PY'
import json, statistics, sys
out = sys.argv[1]
fig = {}
for line in open(out + '/figures'):
    mode, mbps, pps, app = line.split()
    fig.setdefault(mode, []).append((float(mbps), float(pps), float(app)))
res = {'iommu': sys.argv[2]}
for mode, rows in fig.items():
    res[mode + '_tcp_mbps'] = round(statistics.median(r[0] for r in rows), 1)
    res[mode + '_pps'] = round(statistics.median(r[1] for r in rows))
    res[mode + '_app_pps'] = round(statistics.median(r[2] for r in rows))
    res[mode + '_rounds'] = rows
# Side by side: the ratio within each round, then its median and the
# spread (lowest, highest) over the rounds.
for mode, ref in (('tagged', 'stock'), ('untagged', 'stock'), ('pagepool', 'stock'),
                  ('tagged', 'pagepool')):
    for i, key in ((0, 'tcp'), (1, 'pps'), (2, 'app')):
        r = [a[i] / b[i] for a, b in zip(fig[mode], fig[ref]) if b[i]]
        res['%s_vs_%s_%s' % (mode, ref, key)] = round(statistics.median(r), 2)
        res['%s_vs_%s_%s_spread' % (mode, ref, key)] = [round(min(r), 2), round(max(r), 2)]
for line in open(out + '/survival'):
    mode, sent, got, bsent, bgot = line.split()
    res['survival_sent'] = int(sent)
    res['survival_' + mode] = int(got)
    res['survival_bulk_' + mode] = [int(bgot), int(bsent)]
print('E1000_BENCH_JSON: ' + json.dumps(res))
PY
