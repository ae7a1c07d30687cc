#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel's own generic netdev checks, tools/testing/selftests/net/
# netdevice.sh of the test kernel's source, run in place against simnic
# ports: up, MAC address change while up, every changeable offload off,
# on and back, ethtool -d and -S, down.  It tests every ethN in its
# namespace and reports FAIL lines without failing itself, so it runs in
# a namespace holding only the two ports of one linked simnic device, one
# of them tagged, and its output must name both ports and hold no FAIL.
# skbpool-timeout: 120
. "$(dirname "$0")/lib/ktap.sh"
. "$(dirname "$0")/lib/simnic.sh"

script=${SKBPOOL_KSRC:-}/tools/testing/selftests/net/netdevice.sh
[ -n "${SKBPOOL_KSRC:-}" ] && [ -r "$script" ] ||
	ktap_skip_all "no kernel source tree with netdevice.sh (SKBPOOL_KSRC '${SKBPOOL_KSRC:-}')"

NS=skbp-nd-$$
cleanup() {
	ip netns del "$NS" 2>/dev/null
	{ echo 171 >/sys/bus/simnic/del_device; } 2>/dev/null
}
trap cleanup EXIT

ktap_plan 4
setup() {
	local p
	modprobe simnic && echo "171 2 2" >/sys/bus/simnic/new_device || return 1
	mapfile -t PORTS < <(ls /sys/bus/simnic/devices/simnic171/net/)
	[ ${#PORTS[@]} -eq 2 ] || return 1
	ip netns add "$NS" || return 1
	for p in "${PORTS[@]}"; do
		ip link set "$p" netns "$NS" || return 1
	done
	netns_bus_link simnic "$NS" "${PORTS[0]}" "$NS" "${PORTS[1]}" || return 1
	ip netns exec "$NS" ethtool --set-priv-flags "${PORTS[1]}" skbpool on
}
ktap_run "a linked two-port simnic device alone in a namespace, one port tagged" setup ||
	ktap_finish

out=$(cd /tmp && ip netns exec "$NS" sh "$script" 2>&1)
rc=$?
sed 's/^/# /' <<<"$out"
if [ $rc -eq 0 ] && ! grep -q '^FAIL' <<<"$out" && ! grep -q 'No valid network device' <<<"$out"; then
	ktap_pass "netdevice.sh: exit 0, no FAIL"
else
	ktap_fail "netdevice.sh: exit 0, no FAIL" "exit $rc, $(grep -c '^FAIL' <<<"$out") FAIL lines"
fi
for p in "${PORTS[@]}"; do
	n=$(grep -c "^PASS: $p:" <<<"$out")
	if grep -q "^PASS: $p: set interface up" <<<"$out" &&
		grep -q "^PASS: $p: ethtool dump" <<<"$out" &&
		grep -q "^PASS: $p: stop interface" <<<"$out"; then
		ktap_pass "netdevice.sh tested $p: $n checks passed, up to down"
	else
		ktap_fail "netdevice.sh tested $p up to down" "$n checks passed"
	fi
done
ktap_finish
