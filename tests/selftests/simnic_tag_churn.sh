#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tag and untag both ends every second while iperf3 TCP runs for 20 s:
# traffic never stalls for a second, the pools come and go, no warning.
# skbpool-timeout: 120
. "$(dirname "$0")/lib/ktap.sh"
. "$(dirname "$0")/lib/simnic.sh"
trap simnic_cleanup EXIT

ktap_plan 3
simnic_pair 111 112 2 || { ktap_fail "create and link a pair"; ktap_finish; }
ktap_pass "create and link a two-queue pair"

ip netns exec "$NS_B" iperf3 -s -D -1 -p 5202 >/dev/null
sleep 0.5
ip netns exec "$NS_A" iperf3 -c 192.0.2.2 -p 5202 -t 20 -i 1 -P 2 -J >/tmp/churn.json &
iperf=$!
flips=0
for i in $(seq 1 19); do
	sleep 1
	state=$([ $((i % 2)) -eq 1 ] && echo on || echo off)
	ip netns exec "$NS_A" ethtool --set-priv-flags "$DEV_A" skbpool $state &&
		ip netns exec "$NS_B" ethtool --set-priv-flags "$DEV_B" skbpool $state &&
		flips=$((flips + 1))
done
wait $iperf
rc=$?
# Every one-second interval moved data: no stall as long as a second.
stalls=$(python3 -c '
import json
r = json.load(open("/tmp/churn.json"))
print(sum(1 for i in r["intervals"] if i["sum"]["bytes"] == 0))' 2>/dev/null)
ktap_info "iperf3 exit $rc, $flips flips, intervals with no data: ${stalls:-?}"
if [ $rc -eq 0 ] && [ "$flips" -eq 19 ]; then
	ktap_pass "iperf3 ran 20 s through $flips tag flips"
else
	ktap_fail "iperf3 ran 20 s through 19 tag flips" "iperf3 $rc, $flips flips"
fi
if [ "${stalls:-1}" -eq 0 ]; then
	ktap_pass "no one-second interval without data"
else
	ktap_fail "no one-second interval without data" "${stalls:-unreadable} stalled"
fi
ktap_finish
