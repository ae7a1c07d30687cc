#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: boot a guest, run tests/demo.sh in it, keep its figures in
# build/bench/survival.json.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$repo/build/bench"
log=$repo/build/bench/survival.log
"$repo/tests/qemu/vm.sh" run 'bash tests/demo.sh' | tee "$log" | grep -v '^SURVIVAL_JSON: '
sed -n 's/^SURVIVAL_JSON: //p' "$log" | python3 -c '
import json, sys
json.dump(json.load(sys.stdin), open(sys.argv[1], "w"), indent=1)' "$repo/build/bench/survival.json"
echo "== written: build/bench/survival.json"
