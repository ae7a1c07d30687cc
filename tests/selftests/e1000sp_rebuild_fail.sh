#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A ring rebuild that fails, and whose retry with the old settings fails
# too (memory is short for both), leaves an e1000sp port running without
# rings.  Its carrier must then stay off: on, it lets the stack queue
# frames no ring will take, until the TX watchdog fires (a NETDEV WATCHDOG
# warning) and the reset it schedules happens to rebuild the rings.  The
# driver must rebuild them by itself once memory allows, and bring the
# carrier back when it has.  Every allocation made from e1000sp's code
# fails for the resize alone (failslab and fail_page_alloc, lib/fault.sh).
# skbpool-timeout: 180
. "$(dirname "$0")/lib/ktap.sh"
. "$(dirname "$0")/lib/e1000.sh"
. "$(dirname "$0")/lib/fault.sh"

restore() {
	fault_restore
	e1000_cleanup
}
trap restore EXIT

e1000_nics || ktap_skip_all "the guest has fewer than two e1000 NICs (E1000_NICS=2)"
fault_have || ktap_skip_all "fault injection is missing ($FAULT_NEEDS)"
ktap_plan 4
if e1000_pair e1000sp && e1000_tag "$NS_A" "$DEV_A" on && e1000_tag "$NS_B" "$DEV_B" on &&
	e1000_wait_link && e1000_ping; then
	ktap_pass "a tagged e1000sp pair, ping"
else
	ktap_fail "a tagged e1000sp pair, ping"
	ktap_finish
fi

carrier_b() { in_b cat "/sys/class/net/$DEV_B/carrier"; }
T0=$(e1000_stat "$NS_B" "$DEV_B" tx_timeouts)
size=$(in_b ethtool -g "$DEV_B" | awk '$1 == "RX:" { n++ } n == 2 && $1 == "RX:" { print $2 }')
fault_setup
armed=1
for f in failslab fail_page_alloc; do
	why=$(fault_scope $f e1000sp) || { ktap_info "no injection: $why"; armed=0; }
done
if [ $armed = 1 ]; then
	fault_arm failslab 1000 0
	fault_arm fail_page_alloc 1000 0
	faulty ip netns exec "$NS_B" ethtool -G "$DEV_B" rx $((size == 128 ? 256 : 128)) \
		>/dev/null 2>&1
	rc=$?
	fault_off
	injected=$((2000 - $(fault_times failslab) - $(fault_times fail_page_alloc)))
	ktap_info "resize and its retry with allocations failing: rc $rc, $injected injected"
fi
if [ $armed = 1 ] && [ "$rc" -ne 0 ] && [ "$injected" -ge 2 ]; then
	ktap_pass "the resize and its retry both fail"
else
	ktap_fail "the resize and its retry both fail" "armed $armed rc ${rc:-} injected ${injected:-}"
fi

# Past the watchdog's 2 s and the TX watchdog's 5 s: the carrier may only
# be on over rings that carry traffic, and no TX timeout may come.
bad=
end=$((SECONDS + 9))
while [ $SECONDS -lt $end ]; do
	if [ "$(carrier_b)" = 1 ] && ! in_a ping -c 1 -W 1 -q "$E1000_N4.2" >/dev/null 2>&1; then
		bad="carrier on, ping lost at $((9 - end + SECONDS)) s"
		break
	fi
	sleep 0.2
done
timeouts=$(($(e1000_stat "$NS_B" "$DEV_B" tx_timeouts) - T0))
if [ -z "$bad" ] && [ $timeouts -eq 0 ]; then
	ktap_pass "no carrier over missing rings, no TX timeout"
else
	ktap_fail "no carrier over missing rings, no TX timeout" "${bad:-ok}; $timeouts TX timeouts"
fi
ktap_check "the port rebuilds its rings and comes back by itself" \
	eval 'e1000_wait_link && e1000_ping'
ktap_finish
