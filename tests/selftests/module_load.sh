#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# skbpool.ko loads by name, reports its version, reads the live
# vm.min_free_kbytes the way the sysctl sets it, and unloads cleanly.
# skbpool-timeout: 60
. "$(dirname "$0")/lib/ktap.sh"

ktap_plan 4

ktap_check "modprobe skbpool" modprobe skbpool

ver=$(cat /sys/module/skbpool/version 2>/dev/null)
if [ -n "$ver" ] && [ "$ver" = "$(modinfo -F version skbpool)" ]; then
	ktap_pass "version $ver in sysfs matches modinfo"
else
	ktap_fail "version in sysfs matches modinfo" "sysfs '$ver'"
fi

# The module sums the zones' min watermarks; after a write to the sysctl the
# kernel recomputes them, and a reload must see the new figure.  Rounding:
# each zone's share is truncated to whole pages.
check_min_free() {
	local want=$1 got
	echo "$want" >/proc/sys/vm/min_free_kbytes
	modprobe -r skbpool && modprobe skbpool || return 1
	got=$(dmesg | sed -n 's/.*skbpool [0-9.]*: vm.min_free_kbytes is \([0-9]*\)/\1/p' | tail -n 1)
	echo "sysctl $want, skbpool read $got"
	[ -n "$got" ] && [ $((want - got)) -ge 0 ] && [ $((want - got)) -lt 64 ]
}
old=$(cat /proc/sys/vm/min_free_kbytes)
ktap_check "min_free_kbytes follows the sysctl" check_min_free $((old * 2))
echo "$old" >/proc/sys/vm/min_free_kbytes

ktap_check "rmmod skbpool" modprobe -r skbpool
ktap_finish
