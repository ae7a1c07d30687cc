#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench-e1000: one guest boot with four emulated 82540EM NICs, two
# back-to-back pairs; e1000sp tagged, e1000sp untagged, e1000sp on
# page_pool and the in-tree e1000, two at a time side by side
# (tests/bench/e1000_guest.sh).  Prints the table, writes
# build/bench/e1000.json and draws build/bench/e1000.png (the ratios per
# round).  The guest's view of the repository is read-only, so the figures
# come back as a marked line on its output.  With VM_IOMMU=1
# (tests/qemu/vm.sh) the same bench runs behind a strict IOMMU and is
# written to e1000-iommu.* instead, so both runs can be compared.  With
# ALONE=1 the two configurations of a window run one after the other
# instead of at once (e1000_guest.sh), written to NAME-alone.*.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$repo/build/bench"
name=e1000
[ "${VM_IOMMU:-0}" = 1 ] && name=e1000-iommu
alone=${ALONE:-0}
case $alone in
0) ;;
1) name=$name-alone ;;
*) echo "e1000.sh: ALONE must be 0 or 1, not '$alone'" >&2; exit 2 ;;
esac
out=$repo/build/bench/$name
# The guest reads ROUNDS, SECONDS_PER_RUN and SURVIVAL_COUNT; a round takes
# about four minutes under TCG, so the guest's time limit follows ROUNDS.
rounds=${ROUNDS:-6}
vars="ROUNDS=$rounds ALONE=$alone"
[ -n "${SECONDS_PER_RUN:-}" ] && vars+=" SECONDS_PER_RUN=$SECONDS_PER_RUN"
[ -n "${SURVIVAL_COUNT:-}" ] && vars+=" SURVIVAL_COUNT=$SURVIVAL_COUNT"
# REPLOT=1: no guest, the table, JSON and chart again from the last run's
# log (after a change to how they are drawn).
if [ "${REPLOT:-0}" = 1 ]; then
	grep -q '^E1000_BENCH_JSON: ' "$out.log" 2>/dev/null ||
		{ echo "e1000.sh: REPLOT=1: no finished run in $out.log" >&2; exit 1; }
else
	E1000_NICS=4 VM_TIMEOUT=${VM_TIMEOUT:-$((900 + 420 * rounds * (1 + (alone == 1))))} \
		"$repo/tests/qemu/vm.sh" run "$vars bash tests/bench/e1000_guest.sh" |
		tee "$out.log" | grep -v '^E1000_BENCH_JSON: '
fi
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
machine="QEMU $(qemu-system-x86_64 --version | sed -n 's/.*version \([^ ]*\).*/\1/p') TCG guest (2 vCPUs, $(uname -m)), host $cpu, $(nproc) cores"
sed -n 's/^E1000_BENCH_JSON: //p' "$out.log" | python3 -c '
import json, sys
r = json.load(sys.stdin)
r["machine"] = sys.argv[2]
json.dump(r, open(sys.argv[1] + ".json", "w"), indent=1)
cols = ("tagged", "untagged", "page_pool", "stock")


def spread(mode, ref, key):
    k = "%s_vs_%s_%s" % (mode, ref, key)
    return "%.2f (%.2f-%.2f)" % ((r[k],) + tuple(r[k + "_spread"]))


def rows(title, key, fmt, fig):
    print(("%-32s" + (" %16" + fmt) * 4) % ((title,) + tuple(r[c + fig] for c in cols)))
    print("%-32s %16s %16s %16s %16s" % (("  x in-tree, per round (spread)",) +
          tuple(spread(c, "stock", key) for c in cols[:3]) + ("1",)))
    print("%-32s %16s" % ("  x page_pool, per round", spread("tagged", "page_pool", key)))


print()
print("%-32s %16s %16s %16s %16s" % ("", "e1000sp", "e1000sp", "e1000sp", "in-tree"))
print("%-32s %16s %16s %16s %16s" % ("", "tagged", "untagged", "page_pool", "e1000"))
rows("UDP 64 B, datagrams/s to iperf3", "app", "d", "_app_pps")
rows("iperf3 TCP, Mbit/s received", "tcp", ".1f", "_tcp_mbps")
rows("UDP 64 B, frames/s up the stack", "pps", "d", "_pps")
print("%-32s %16s %16s %16s %16s" % (("survival: critical delivered",) +
      tuple("%d/%d" % (r["survival_" + c], r["survival_sent"]) for c in cols)))
print("medians of %d rounds; each ratio within a round (%s)," % (len(r["stock_rounds"]), r["method"]))
print("then the median and the spread")
print("tagged / in-tree, per-round spread max/min: TCP %.2f, datagrams read %.2f, frames up %.2f" %
      tuple(r["tagged_vs_stock_%s_maxmin" % k] for k in ("tcp", "app", "pps")))
print("IOMMU: " + r["iommu"])
print("machine: " + r["machine"])
matches = ("tagged_vs_stock", "untagged_vs_stock", "page_pool_vs_stock", "tagged_vs_page_pool")
with open(sys.argv[1] + ".dat", "w") as f:
    for i in range(len(r["tagged_vs_stock_tcp_rounds"])):
        f.write("%d %s\n" % (i + 1, " ".join("%.3f %.3f" % (r[m + "_app_rounds"][i], r[m + "_tcp_rounds"][i])
                                            for m in matches)))
' "$out" "$machine"

# The ratios, round by round: what each configuration's applications got
# over what its match got at the same time.
gnuplot <<EOF || echo "bench-e1000: gnuplot failed: no chart"
set terminal pngcairo noenhanced size 960,420 font ",10"
set output "$out.png"
set multiplot layout 1,2 title "bench-e1000 ($name): ratios per round, in one guest"
set xlabel "round"
set xtics 1
set key bottom right
set yrange [0:*]
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2
set ylabel "UDP 64 B datagrams read by iperf3, ratio"
plot "$out.dat" u 1:2 w lp t "tagged / in-tree", "" u 1:4 w lp t "untagged / in-tree", \\
     "" u 1:6 w lp t "page_pool / in-tree", "" u 1:8 w lp t "tagged / page_pool"
set ylabel "TCP bytes received by iperf3, ratio"
plot "$out.dat" u 1:3 w lp t "tagged / in-tree", "" u 1:5 w lp t "untagged / in-tree", \\
     "" u 1:7 w lp t "page_pool / in-tree", "" u 1:9 w lp t "tagged / page_pool"
unset multiplot
EOF
echo "== written: build/bench/$name.json, build/bench/$name.png"
