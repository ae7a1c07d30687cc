#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Sourced by guest-check.sh.  A selftest's EXIT trap puts the guest back:
# no network namespace, no simnic device, the emulated e1000 NICs unbound,
# nbd and pktgen unloaded (simnic's tests may leave simnic and skbpool
# loaded, which the next test's modprobe finds).  A test its timeout
# killed ran no trap, and what it left (simnic loaded, so skbpool could
# not unload) failed the tests after it: one timeout became three
# failures.  After a test that did not pass, the harness says what was
# left and removes it, modules included.
#
#   guest_residue     prints what the last test left behind, nothing if clean
#   guest_reset       removes it, each step bounded in time
#
# The modules go last and in dependency order: a device or a namespace
# still holding one keeps it loaded.

GUEST_RESET_MODS=(simnic e1000sp e1000 nbd pktgen skbpool)

guest_e1000_nics() {
	local d
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor")" = 0x8086 ] && [ "$(cat "$d/device")" = 0x100e ] &&
			echo "${d##*/}"
	done
}

guest_residue() {
	local left=() ns p m
	mapfile -t ns < <(ip netns list 2>/dev/null | awk '{ print $1 }')
	[ ${#ns[@]} -gt 0 ] && left+=("namespaces ${ns[*]}")
	for p in /sys/bus/simnic/devices/*; do
		[ -e "$p" ] && left+=("device ${p##*/}")
	done
	for p in $(guest_e1000_nics); do
		[ -e "/sys/bus/pci/devices/$p/driver" ] &&
			left+=("$p bound to $(basename "$(readlink "/sys/bus/pci/devices/$p/driver")")")
	done
	for m in "${GUEST_RESET_MODS[@]}"; do
		[ -d "/sys/module/$m" ] && [ -e "/sys/module/$m/refcnt" ] && left+=("module $m")
	done
	[ ${#left[@]} -gt 0 ] && echo "${left[*]}"
	return 0
}

guest_reset() {
	local n p m d
	for n in $(ip netns list 2>/dev/null | awk '{ print $1 }'); do
		ip netns pids "$n" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
	done
	for d in /dev/nbd*; do
		[ -b "$d" ] && timeout 20 nbd-client -d "$d" >/dev/null 2>&1
	done
	for n in $(ip netns list 2>/dev/null | awk '{ print $1 }'); do
		ip netns del "$n" 2>/dev/null
	done
	for p in /sys/bus/simnic/devices/simnic*; do
		[ -e "$p" ] && echo "${p##*/simnic}" >/sys/bus/simnic/del_device 2>/dev/null
	done
	for p in $(guest_e1000_nics); do
		[ -e "/sys/bus/pci/devices/$p/driver" ] &&
			echo "$p" >"/sys/bus/pci/devices/$p/driver/unbind" 2>/dev/null
		echo >"/sys/bus/pci/devices/$p/driver_override" 2>/dev/null
	done
	for m in "${GUEST_RESET_MODS[@]}"; do
		[ -e "/sys/module/$m/refcnt" ] && timeout 60 modprobe -r "$m" 2>/dev/null
	done
	return 0
}
