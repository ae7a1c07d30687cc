#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A reset of a tagged e1000sp port (the TX-timeout path, reached here by
# ethtool --reset) allocates nothing.  It comes when the machine may be out
# of memory and swapping over this very port: an allocation that sleeps
# then waits on reclaim that waits on the port, and one that fails leaves
# the port without rings for good.  So the reset runs with every
# allocation made from e1000sp's code failing (failslab and
# fail_page_alloc, sleeping ones included, for the ethtool task alone),
# and must still bring the port back: carrier, traffic, the pool, and no
# injected failure counted.  A ring resize under the same injection is
# the control that the injection sees e1000sp's allocations at all.  A TCP
# flow runs through it all.
# skbpool-timeout: 300
. "$(dirname "$0")/lib/ktap.sh"
. "$(dirname "$0")/lib/e1000.sh"
. "$(dirname "$0")/lib/fault.sh"

restore() {
	fault_restore
	e1000_cleanup
}
trap restore EXIT

# Fail every allocation made from e1000sp's code, up to BUDGET of them, for
# tasks that ask (faulty_b).
arm() { # BUDGET
	local f why
	fault_setup
	for f in failslab fail_page_alloc; do
		why=$(fault_scope $f e1000sp) || { ktap_info "no injection: $why"; return 1; }
	done
	for f in failslab fail_page_alloc; do
		fault_arm $f "$1" 0
	done
}

# Disarm; INJECTED is how many failures were made of BUDGET.
disarm() { # BUDGET
	fault_off
	INJECTED=$((2 * $1 - $(fault_times failslab) - $(fault_times fail_page_alloc)))
}

# Run a command in B's namespace with injection on for it alone.
faulty_b() { faulty ip netns exec "$NS_B" "$@"; }

e1000_nics || ktap_skip_all "the guest has fewer than two e1000 NICs (E1000_NICS=2)"
ktap_plan 8
if ! e1000_pair e1000sp; then
	ktap_fail "bind e1000sp and link the NICs across two namespaces"
	ktap_finish
fi
ktap_pass "bind e1000sp and link the NICs across two namespaces"
e1000_bg_start
ktap_check "tag both ends, a TCP flow runs" \
	eval 'e1000_tag "$NS_A" "$DEV_A" on && e1000_tag "$NS_B" "$DEV_B" on && e1000_flowing'

# Resets made by ethtool since the last mark: restarts not due to a TX
# timeout (a loaded host may have one of its own).
mark() {
	R0=$(e1000_stat "$NS_B" "$DEV_B" restarts)
	T0=$(e1000_stat "$NS_B" "$DEV_B" tx_timeouts)
}
resets() {
	echo $(($(e1000_stat "$NS_B" "$DEV_B" restarts) - R0 -
		($(e1000_stat "$NS_B" "$DEV_B" tx_timeouts) - T0)))
}
back() {
	for _ in $(seq 1 50); do
		[ "$(in_b cat "/sys/class/net/$DEV_B/carrier")" = 1 ] && break
		sleep 0.1
	done
	[ "$(in_b cat "/sys/class/net/$DEV_B/carrier")" = 1 ] &&
		[ "$(e1000_stat "$NS_B" "$DEV_B" skbpool_rx_total)" -gt 0 ] &&
		e1000_wait_link && e1000_flowing
}

mark
if out=$(in_b ethtool --reset "$DEV_B" dma 2>&1); then
	ktap_fail "a reset of the DMA engines alone is refused (it would reset the MAC)" "$out"
elif [ "$(resets)" -ne 0 ]; then
	ktap_fail "a reset of the DMA engines alone is refused (it would reset the MAC)" "$(resets) resets"
else
	ktap_pass "a reset of the DMA engines alone is refused (it would reset the MAC)"
fi

mark
ktap_check "ethtool --reset mac dma resets the port, which comes back" \
	eval 'in_b ethtool --reset "$DEV_B" mac dma && [ "$(resets)" -eq 1 ] && back'

if ! fault_have; then
	for t in "the injection fails a ring resize" "a reset allocates nothing" \
		 "the port comes back from a reset made while allocations fail"; do
		ktap_skip "$t" "fault injection is missing ($FAULT_NEEDS)"
	done
else
	# The control: a resize allocates rings from e1000sp's code; with
	# one failure allowed it fails, and the rings are rebuilt as they were.
	size=$(in_b ethtool -g "$DEV_B" | awk '$1 == "RX:" { n++ } n == 2 && $1 == "RX:" { print $2 }')
	if arm 1; then
		faulty_b ethtool -G "$DEV_B" rx $((size == 128 ? 256 : 128)) >/dev/null 2>&1
		rc=$?
		disarm 1
		ktap_info "ring resize with e1000sp's allocations failing: rc $rc, $INJECTED injected"
		if [ $rc -ne 0 ] && [ $INJECTED -ge 1 ]; then
			ktap_pass "the injection fails a ring resize"
		else
			ktap_fail "the injection fails a ring resize" "rc $rc, $INJECTED injected"
		fi
	else
		ktap_fail "the injection fails a ring resize" "e1000sp's address is hidden in /proc/modules"
	fi

	mark
	# Cannot fail where the control armed: the same module, the same kernel.
	arm 1000
	out=$(faulty_b ethtool --reset "$DEV_B" mac dma 2>&1)
	rc=$?
	disarm 1000
	[ -n "$out" ] && ktap_info "ethtool: $(tr '\n' ' ' <<<"$out")"
	ktap_info "reset with e1000sp's allocations failing: rc $rc, $INJECTED injected"
	if [ $rc -eq 0 ] && [ "$(resets)" -eq 1 ] && [ $INJECTED -eq 0 ]; then
		ktap_pass "a reset allocates nothing"
	else
		ktap_fail "a reset allocates nothing" "rc $rc, resets $(resets), $INJECTED injected"
	fi
	ktap_check "the port comes back from a reset made while allocations fail" back
fi

e1000_bg_check $((1 << 20)) "the flow ran through the resets and ended cleanly"
ktap_finish
