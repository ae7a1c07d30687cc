#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench-e1000: one guest boot with two emulated 82540EM NICs back to
# back; e1000sp tagged, e1000sp untagged and the in-tree e1000 measured in
# turn (tests/bench/e1000_guest.sh).  Prints the table, writes
# build/bench/e1000.json and draws build/bench/e1000.png.  The guest's view
# of the repository is read-only, so the figures come back as a marked
# line on its output.  With VM_IOMMU=1 (tests/qemu/vm.sh) the same bench
# runs behind a strict IOMMU and is written to e1000-iommu.* instead, so
# both runs can be compared.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$repo/build/bench"
name=e1000
[ "${VM_IOMMU:-0}" = 1 ] && name=e1000-iommu
out=$repo/build/bench/$name
E1000_NICS=2 "$repo/tests/qemu/vm.sh" run 'bash tests/bench/e1000_guest.sh' |
	tee "$out.log" | grep -v '^E1000_BENCH_JSON: '
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
machine="QEMU $(qemu-system-x86_64 --version | sed -n 's/.*version \([^ ]*\).*/\1/p') TCG guest (2 vCPUs, $(uname -m)), host $cpu, $(nproc) cores"
sed -n 's/^E1000_BENCH_JSON: //p' "$out.log" | python3 -c '
import json, sys
r = json.load(sys.stdin)
r["machine"] = sys.argv[2]
json.dump(r, open(sys.argv[1] + ".json", "w"), indent=1)
cols = ("tagged", "untagged", "stock")


def ratio(key):
    return tuple("%.2f (%.2f-%.2f)" % ((r["%s_vs_stock_%s" % (c, key)],) +
                 tuple(r["%s_vs_stock_%s_spread" % (c, key)])) for c in cols[:2]) + ("1",)


print()
print("%-34s %16s %16s %10s" % ("", "e1000sp", "e1000sp", "in-tree"))
print("%-34s %16s %16s %10s" % ("", "tagged", "untagged", "e1000"))
print("%-34s %16d %16d %10d" % (("UDP 64 B, datagrams/s to iperf3",) +
      tuple(r[c + "_app_pps"] for c in cols)))
print("%-34s %16s %16s %10s" % (("  x in-tree, per round (spread)",) + ratio("app")))
print("%-34s %16.1f %16.1f %10.1f" % (("iperf3 TCP, Mbit/s received",) +
      tuple(r[c + "_tcp_mbps"] for c in cols)))
print("%-34s %16s %16s %10s" % (("  x in-tree, per round (spread)",) + ratio("tcp")))
print("%-34s %16d %16d %10d" % (("UDP 64 B, frames/s up the stack",) +
      tuple(r[c + "_pps"] for c in cols)))
print("%-34s %16s %16s %10s" % (("  x in-tree, per round (spread)",) + ratio("pps")))
print("%-34s %16s %16s %10s" % ("survival: critical delivered",
      "%d/%d" % (r["survival_tagged"], r["survival_sent"]),
      "%d/%d" % (r["survival_untagged"], r["survival_sent"]),
      "%d/%d" % (r["survival_stock"], r["survival_sent"])))
print("medians of %d interleaved rounds; ratios are per round, then the median" %
      len(r["stock_rounds"]))
print("IOMMU: " + r["iommu"])
print("machine: " + r["machine"])
with open(sys.argv[1] + ".dat", "w") as f:
    for i, rows in enumerate(zip(*(r[c + "_rounds"] for c in cols)), 1):
        f.write("%d %s\n" % (i, " ".join("%.0f %.1f" % (x[2], x[0]) for x in rows)))
' "$out" "$machine"

# What the applications got, round by round, the three drivers side by side.
gnuplot <<EOF || echo "bench-e1000: gnuplot failed: no chart"
set terminal pngcairo size 960,420 font ",10"
set output "$out.png"
set multiplot layout 1,2 title "bench-e1000 ($name): per round, side by side in one guest"
set xlabel "round"
set key bottom right
set yrange [0:*]
set ylabel "UDP 64 B datagrams/s read by iperf3"
plot "$out.dat" u 1:2 w lp t "e1000sp tagged", \
     "" u 1:4 w lp t "e1000sp untagged", "" u 1:6 w lp t "in-tree e1000"
set ylabel "TCP Mbit/s received by iperf3"
plot "$out.dat" u 1:3 w lp t "e1000sp tagged", \
     "" u 1:5 w lp t "e1000sp untagged", "" u 1:7 w lp t "in-tree e1000"
unset multiplot
EOF
echo "== written: build/bench/$name.json, build/bench/$name.png"
