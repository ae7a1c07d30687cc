#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Sourced by guest-check.sh.  A selftest's EXIT trap undoes what it set
# up: namespaces, simnic and netdevsim devices, the e1000 NICs' binding,
# nbd, pktgen, armed fault injection (tests built on lib/simnic.sh may
# leave simnic and skbpool loaded, which the next test's modprobe finds).
# A test its timeout stops gets SIGTERM, which runs the trap, and SIGKILL
# 10 s later, which cuts a slow trap short: once alloc_failures_init was
# killed mid-way, left simnic loaded, and e1000_stock and e1000sp_teardown
# failed after it.  After a test that did not pass, the harness lists what
# is left and removes it, modules included.
#
#   guest_residue     prints what is left, nothing when the guest is clean
#   guest_reset       removes it
#
# Some steps may block for good on a wedged kernel (a netdev whose
# references never drop); the harness runs the reset with a deadline.
# Modules go last and in dependency order: a device, a namespace or a
# connected nbd holding one keeps it loaded.

# shellcheck source=tests/selftests/lib/pci.sh
. "$(dirname "${BASH_SOURCE[0]}")/../selftests/lib/pci.sh"

GUEST_RESET_MODS=(simnic e1000sp e1000 netdevsim nbd pktgen skbpool_bench skbpool)
GUEST_FAULT=/sys/kernel/debug

# Connected nbd devices only: a device with a client task has a pid file.
guest_nbd_connected() {
	local p
	for p in /sys/block/nbd*/pid; do
		[ -e "$p" ] && basename "$(dirname "$p")"
	done
}

guest_residue() {
	local left=() ns p m f
	mapfile -t ns < <(ip netns list 2>/dev/null | awk '{ print $1 }')
	[ ${#ns[@]} -gt 0 ] && left+=("namespaces ${ns[*]}")
	for p in /sys/bus/simnic/devices/* /sys/bus/netdevsim/devices/*; do
		[ -e "$p" ] && left+=("device ${p##*/}")
	done
	for p in $(pci_functions "${PCI_82540EM[@]}"); do
		[ -e "/sys/bus/pci/devices/$p/driver" ] &&
			left+=("$p bound to $(basename "$(readlink "/sys/bus/pci/devices/$p/driver")")")
	done
	for p in $(guest_nbd_connected); do
		left+=("$p connected")
	done
	for f in failslab fail_page_alloc; do
		p=$GUEST_FAULT/$f/probability
		[ -e "$p" ] && [ "$(cat "$p")" != 0 ] && left+=("$f armed")
	done
	for m in "${GUEST_RESET_MODS[@]}"; do
		[ -e "/sys/module/$m/refcnt" ] && left+=("module $m")
	done
	[ ${#left[@]} -gt 0 ] && echo "${left[*]}"
	return 0
}

guest_reset() {
	local n p m f
	# Injection off first: the steps below allocate.
	for f in failslab fail_page_alloc; do
		p=$GUEST_FAULT/$f/probability
		[ -e "$p" ] && echo 0 >"$p"
	done
	# Clients off before their servers go: a disconnect needs no answer.
	for n in $(guest_nbd_connected); do
		nbd-client -d "/dev/$n" >/dev/null 2>&1
	done
	for n in $(ip netns list 2>/dev/null | awk '{ print $1 }'); do
		ip netns pids "$n" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
	done
	for n in $(ip netns list 2>/dev/null | awk '{ print $1 }'); do
		ip netns del "$n" 2>/dev/null
	done
	for p in /sys/bus/simnic/devices/simnic*; do
		[ -e "$p" ] && echo "${p##*/simnic}" >/sys/bus/simnic/del_device 2>/dev/null
	done
	for p in /sys/bus/netdevsim/devices/netdevsim*; do
		[ -e "$p" ] && echo "${p##*/netdevsim}" >/sys/bus/netdevsim/del_device 2>/dev/null
	done
	for p in $(pci_functions "${PCI_82540EM[@]}"); do
		[ -e "/sys/bus/pci/devices/$p/driver" ] &&
			echo "$p" >"/sys/bus/pci/devices/$p/driver/unbind" 2>/dev/null
		echo >"/sys/bus/pci/devices/$p/driver_override" 2>/dev/null
	done
	for m in "${GUEST_RESET_MODS[@]}"; do
		[ -e "/sys/module/$m/refcnt" ] && modprobe -r "$m" 2>/dev/null
	done
	return 0
}
