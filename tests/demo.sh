#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: runs inside a fresh guest (tests/qemu/vm.sh run) and shows what
# skbpool sees on this machine.
set -euo pipefail

echo "== guest: $(uname -r), $(nproc) CPUs, $(awk '/MemTotal/ {print $2 " kB"}' /proc/meminfo) of memory"
modprobe skbpool
echo "== loaded: skbpool $(cat /sys/module/skbpool/version)"
echo "== vm.min_free_kbytes (sysctl): $(cat /proc/sys/vm/min_free_kbytes)"
dmesg | grep -o 'skbpool [0-9.]*: .*' | sed 's/^/== kernel log: /'
modprobe -r skbpool
echo "== unloaded cleanly"
