#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the scripts the two-guest harnesses run in their guests
# (tests/field/{client,server}.sh, tests/bench/flood_{client,server}.sh),
# with WHO (client or server) set; brings in lib/e1000.sh.
#   at STEP          "FIELD_STEP WHO STEP": the step now running
#   fail WHY...      "FIELD_ERROR WHO STEP: WHY", then exit 1
#   one_nic DRIVER   binds the guest's one 82540EM to DRIVER; sets dev
# shellcheck disable=SC2154 # WHO comes from the sourcing script
# shellcheck source=tests/selftests/lib/e1000.sh
. "$(dirname "${BASH_SOURCE[0]}")/../selftests/lib/e1000.sh"

step=start
at() {
	step=$1
	echo "FIELD_STEP $WHO $step"
}
fail() {
	echo "FIELD_ERROR $WHO $step: $*"
	exit 1
}

one_nic() { # DRIVER
	e1000_nics	# false below two NICs: here one is what is wanted
	[ ${#E1000_PCI[@]} -eq 1 ] || fail "expected one 82540EM, found ${#E1000_PCI[@]}"
	e1000_bind "$1" || fail "cannot bind $1"
	dev=$(e1000_netdev "${E1000_PCI[0]}")
	[ -n "$dev" ] || fail "no netdev on ${E1000_PCI[0]}"
}
