#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench-simnic: one guest boot runs tests/bench/simnic-guest.sh (a
# simnic pair untagged and tagged, a netdevsim pair); the medians are
# printed as a table and written to build/bench/simnic.json.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$repo/build/bench"
raw=$repo/build/bench/simnic.raw
"$repo/tests/qemu/vm.sh" run 'bash tests/bench/simnic-guest.sh' >"$raw"
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
accel=$(cat "${SKBPOOL_CACHE:-$HOME/.cache/skbpool}"/kvm-probe-* 2>/dev/null | sort -u | head -n 1)
machine="QEMU ${VM_ACCEL:-${accel:-tcg}} guest (2 vCPUs, $(uname -m)) on host $cpu, $(nproc) cores"
python3 "$repo/tests/bench/simnic.py" "$raw" "$repo/build/bench/simnic.json" "$machine"
