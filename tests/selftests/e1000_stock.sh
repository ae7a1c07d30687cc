#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The comparison is fair: the same functional tests as e1000sp's, on the
# same two emulated 82540EM NICs, with the kernel's own e1000 driver bound
# instead (through driver_override, so the harness picks the driver, not
# module load order).  Ping, iperf3 TCP both ways and UDP against the
# NIC's counters; ring resize, MTU 9000 and back, link down/up under a
# running TCP flow.
# skbpool-timeout: 240
. "$(dirname "$0")/lib/ktap.sh"
. "$(dirname "$0")/lib/e1000.sh"
trap e1000_cleanup EXIT

e1000_nics || ktap_skip_all "the guest has fewer than two e1000 NICs (E1000_NICS=2)"
modinfo e1000 >/dev/null 2>&1 || ktap_skip_all "the test kernel has no e1000 module"
ktap_plan 10
if e1000_pair e1000 && [ "$(e1000_driver "$NS_A" "$DEV_A")" = e1000 ] && ! lsmod | grep -q '^e1000sp '; then
	ktap_pass "bind the in-tree e1000 and link the NICs across two namespaces"
else
	ktap_fail "bind the in-tree e1000 and link the NICs across two namespaces"
	ktap_finish
fi

e1000_traffic "in-tree e1000"
# Its ring resize races its own transmit path (lib/e1000.sh, e1000_rings).
# shellcheck disable=SC2034 # read by lib/e1000.sh
E1000_RESIZE_PAUSES_FLOW=1
e1000_bg_start
e1000_reconfigure_checks
e1000_bg_check $((10 << 20)) "the flow ran through every change and ended cleanly"
ktap_finish
