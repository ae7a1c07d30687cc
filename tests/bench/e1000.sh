#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench-e1000: one guest boot with two emulated 82540EM NICs back to
# back; e1000sp tagged, e1000sp untagged and the in-tree e1000 measured in
# turn (tests/bench/e1000_guest.sh).  Prints the table and writes
# build/bench/e1000.json.  The guest's view of the repository is
# read-only, so the figures come back as a marked line on its output.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$repo/build/bench"
log=$repo/build/bench/e1000.log
E1000_NICS=2 "$repo/tests/qemu/vm.sh" run 'bash tests/bench/e1000_guest.sh' |
	tee "$log" | grep -v '^E1000_BENCH_JSON: '
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
machine="QEMU $(qemu-system-x86_64 --version | sed -n 's/.*version \([^ ]*\).*/\1/p') TCG guest (2 vCPUs, $(uname -m)), host $cpu, $(nproc) cores"
sed -n 's/^E1000_BENCH_JSON: //p' "$log" | python3 -c '
import json, sys
r = json.load(sys.stdin)
r["machine"] = sys.argv[2]
json.dump(r, open(sys.argv[1], "w"), indent=1)
print()
cols = ("tagged", "untagged", "stock")
print("%-34s %10s %10s %10s" % ("", "e1000sp", "e1000sp", "in-tree"))
print("%-34s %10s %10s %10s" % ("", "tagged", "untagged", "e1000"))
print("%-34s %10.1f %10.1f %10.1f" % (("iperf3 TCP, Mbit/s",) +
      tuple(r[c + "_tcp_mbps"] for c in cols)))
print("%-34s %10.2f %10.2f %10.2f" % ("TCP x in-tree, side by side",
      r["tagged_vs_stock_tcp"], r["untagged_vs_stock_tcp"], 1))
print("%-34s %10d %10d %10d" % (("UDP 64 B, frames/s up the stack",) +
      tuple(r[c + "_pps"] for c in cols)))
print("%-34s %10.2f %10.2f %10.2f" % ("pps x in-tree, side by side",
      r["tagged_vs_stock_pps"], r["untagged_vs_stock_pps"], 1))
print("%-34s %10d %10d %10d" % (("UDP 64 B, datagrams/s to iperf3",) +
      tuple(r[c + "_app_pps"] for c in cols)))
print("%-34s %10s %10s %10s" % ("survival: critical delivered",
      "%d/%d" % (r["survival_tagged"], r["survival_sent"]),
      "%d/%d" % (r["survival_untagged"], r["survival_sent"]),
      "%d/%d" % (r["survival_stock"], r["survival_sent"])))
print("medians of %d interleaved rounds; ratios are per round, then the median" %
      len(r["stock_rounds"]))
print("machine: " + r["machine"])
' "$repo/build/bench/e1000.json" "$machine"
echo "== written: build/bench/e1000.json"
