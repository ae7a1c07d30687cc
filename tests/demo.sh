#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo, the guest side: the survival scenario in short form.  Two
# simnic pairs carry the same critical UDP flow while every non-sleeping
# allocation in the kernel fails; one pair is tagged.  Prints the table and
# a SURVIVAL_JSON line the host keeps (tests/demo-run.sh).
set -uo pipefail
here=$(dirname "$0")/selftests
. "$here/lib/pair.sh"
. "$here/lib/survival.sh"
trap pair_cleanup EXIT

COUNT=${DEMO_COUNT:-5000}
RATE=${DEMO_RATE:-500}

echo "== guest: $(uname -r), $(nproc) CPUs, $(awk '/MemTotal/ {print $2 " kB"}' /proc/meminfo) of memory"
modprobe simnic || exit 1
echo "== skbpool $(cat /sys/module/skbpool/version), vm.min_free_kbytes $(cat /proc/sys/vm/min_free_kbytes)"
echo "== two simnic pairs; tagged: 192.0.2.0/24 with rule 'critical udp dport 7000'; untagged: 198.51.100.0/24"
echo "== $COUNT critical datagrams at $RATE/s on each, plus as many bulk ones on the tagged pair,"
echo "== while failslab and fail_page_alloc fail every non-sleeping allocation"
survival_run "$COUNT" "$RATE" || { echo "demo: scenario setup failed" >&2; exit 1; }
echo
survival_table
echo
echo "== after the injection: left emergency in ${SV_LEFT_MS:-?} ms; bulk delivered again: ${SV_RESUMED:-0} of 200"
echo "SURVIVAL_JSON: $SV_JSON"
