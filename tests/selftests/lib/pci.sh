#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The guest's PCI functions by vendor and device ID: sourced by the e1000
# library and by the harness, which must not take in that library's
# namespaces and globals.
#
#   PCI_82540EM               the vendor and device ID of QEMU's e1000
#   pci_functions VENDOR DEVICE
#                             prints the address of each match, one a line

# shellcheck disable=SC2034 # for the scripts that source this one
PCI_82540EM=(0x8086 0x100e)

pci_functions() {
	local d
	for d in /sys/bus/pci/devices/*; do
		if [ "$(cat "$d/vendor")" = "$1" ] && [ "$(cat "$d/device")" = "$2" ]; then
			echo "${d##*/}"
		fi
	done
}
