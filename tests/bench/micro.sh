#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench-micro: one guest boot, skbpool_bench loaded once, its table
# printed with ratios and written to build/bench/micro.json.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$repo/build/bench"
raw=$repo/build/bench/micro.raw
"$repo/tests/qemu/vm.sh" run \
	'modprobe skbpool_bench && cat /sys/kernel/debug/skbpool_bench/micro &&
	 echo "# rounds" && cat /sys/kernel/debug/skbpool_bench/rounds' >"$raw"
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
machine="QEMU TCG guest (2 vCPUs, $(uname -m)) on host $cpu, $(nproc) cores"
python3 "$repo/tests/bench/micro.py" "$raw" "$repo/build/bench/micro.json" "$machine"
