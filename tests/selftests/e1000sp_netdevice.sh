#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel's own tools/testing/selftests/net/netdevice.sh against an
# e1000sp NIC alone in a namespace: up, MAC address change while up,
# every changeable offload off, on and back, ethtool -d and -S, down.
# The script always exits 0; each of its PASS/FAIL/XFAIL/SKIP lines is a
# result here, and FAIL fails the test.
# skbpool-timeout: 180
. "$(dirname "$0")/lib/ktap.sh"
. "$(dirname "$0")/lib/e1000.sh"
trap e1000_cleanup EXIT

script=${SKBPOOL_KSRC:-none}/tools/testing/selftests/net/netdevice.sh
[ -r "$script" ] || ktap_skip_all "netdevice.sh not found in the kernel source ($script)"
e1000_nics || ktap_skip_all "the guest has no e1000 NIC (E1000_NICS=2)"
out=/tmp/netdevice-$$.out
if ! e1000_bind e1000sp || ! ip netns add "$NS_A"; then
	ktap_plan 1
	ktap_fail "bind e1000sp"
	ktap_finish
fi
dev=$(e1000_netdev "${E1000_PCI[0]}")
ip link set "$dev" netns "$NS_A"
in_a sh "$script" >"$out" 2>&1
ktap_plan $(($(grep -cE '^(PASS|FAIL|XFAIL|SKIP):' "$out") + 1))
passed=0
while read -r verdict rest; do
	case $verdict in
	PASS:) ktap_pass "$rest"; passed=$((passed + 1)) ;;
	FAIL:) ktap_fail "$rest" ;;
	XFAIL:|SKIP:) ktap_skip "$rest" "netdevice.sh: ${verdict%:}" ;;
	*) ktap_info "$verdict $rest" ;;
	esac
done <"$out"
# Up, MAC, features listed, ethtool -d and -S, down: at least these.
if [ $passed -ge 6 ] && grep -q "PASS: $dev: ethtool dump" "$out" &&
   grep -q "PASS: $dev: set MAC address" "$out"; then
	ktap_pass "netdevice.sh ran its checks on $dev ($passed passed)"
else
	ktap_fail "netdevice.sh ran its checks on $dev" "$passed passed"
fi
rm -f "$out"
ktap_finish
