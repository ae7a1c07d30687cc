#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench-flood: one guest boot with two emulated 82540EM NICs back to
# back (tests/bench/flood_guest.sh): the flood a NIC takes before a
# critical flow beside it loses a datagram, e1000sp tagged in emergency
# against the in-tree e1000.  Prints the ladders, writes
# build/bench/flood.json and draws build/bench/flood.png.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$repo/build/bench"
out=$repo/build/bench/flood
E1000_NICS=2 "$repo/tests/qemu/vm.sh" run 'bash tests/bench/flood_guest.sh' |
	tee "$out.log" | grep -v '^FLOOD_BENCH_JSON: '
grep -q '^FLOOD_BENCH_JSON: ' "$out.log" || { echo "bench-flood: the guest gave no figures"; exit 1; }
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
machine="QEMU $(qemu-system-x86_64 --version | sed -n 's/.*version \([^ ]*\).*/\1/p') TCG guest (2 vCPUs, $(uname -m)), host $cpu, $(nproc) cores"
sed -n 's/^FLOOD_BENCH_JSON: //p' "$out.log" | python3 -c '
import json, sys
r = json.load(sys.stdin)
r["machine"] = sys.argv[2]
json.dump(r, open(sys.argv[1] + ".json", "w"), indent=1)
print()
print("flood of %d-byte UDP datagrams beside a critical flow of %d datagrams/s" %
      (r["flood_len"], r["critical_rate"]))
print("  e1000sp tagged, emergency: absorbed %d/s with nothing lost (median of rounds)%s" %
      (r["tagged_absorbed_pps"], "; the ladder or the sender topped out first" if r["tagged_capped"] else ""))
print("  in-tree e1000:            first critical loss at %d/s" % r["stock_first_loss_pps"])
if "tagged_vs_stock_flood" in r:
    print("  tagged absorbed / stock first loss, per round: %.2f (%.2f-%.2f)%s" %
          ((r["tagged_vs_stock_flood"],) + tuple(r["tagged_vs_stock_flood_spread"]) +
           (" (a lower bound)" if r["tagged_capped"] else "",)))
print("machine: " + r["machine"])
with open(sys.argv[1] + ".dat", "w") as f:
    for i, (t, s) in enumerate(zip(r["tagged_rounds"], r["stock_rounds"]), 1):
        f.write("%d %.0f %.0f\n" % (i, t[0], s[1]))
' "$out" "$machine"

gnuplot <<GP || echo "bench-flood: gnuplot failed: no chart"
set terminal pngcairo noenhanced size 640,420 font ",10"
set output "$out.png"
set title "bench-flood: flood beside a critical flow, per round, one guest"
set xlabel "round"
set xtics 1
set yrange [0:*]
set key bottom right
set style data histogram
set style fill solid 0.8
set ylabel "flood datagrams/s"
plot "$out.dat" u 2:xtic(1) t "e1000sp tagged: absorbed, 0 critical lost", \
     "" u 3 t "in-tree e1000: first critical loss"
GP
echo "== written: build/bench/flood.json, build/bench/flood.png"
