#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ethtool-ext against a simnic pair: every subcommand, human and JSON
# output (validated with python3), tag/untag/size reaching the pools,
# errors for a netdevsim device, a missing device and a device of another
# namespace, an unprivileged user refused every write with nothing changed,
# and monitor printing the tag events another shell causes.  Emergency
# mode, rules and flows are refused as "not yet supported" until emergency
# mode exists (stage 1 of the family).
# skbpool-timeout: 240
. "$(dirname "$0")/lib/ktap.sh"
. "$(dirname "$0")/lib/simnic.sh"
. "$(dirname "$0")/lib/ext.sh"

NSIM_ID=$((700 + $$ % 100))
# Modules this test loads go again: a later test may unload skbpool.
loaded_before=$(lsmod | awk '{ print $1 }')
cleanup() {
	local m
	[ -n "${MON_PID:-}" ] && kill "$MON_PID" 2>/dev/null
	echo "$NSIM_ID" >/sys/bus/netdevsim/del_device 2>/dev/null
	userdel skbpuser 2>/dev/null
	simnic_cleanup
	for m in simnic netdevsim; do
		grep -qx "$m" <<<"$loaded_before" || modprobe -r "$m" 2>/dev/null
	done
}
trap cleanup EXIT

[ -x "$EXT" ] || ktap_skip_all "ethtool-ext is not built ($EXT)"
ktap_plan 35
J=/tmp/ext.json

simnic_pair 121 122 2 || { ktap_fail "create and link a two-queue pair"; ktap_finish; }
ktap_pass "create and link a two-queue pair"

ktap_check "-h prints usage, exit 0" bash -c "'$EXT' -h | grep -q '^Usage: ethtool-ext'"
ext_fails "a bad word is named, exit 1" "bad argument 'frob'" "$EXT" frob
ext_fails "size refuses 0 buffers, naming it" "bad argument '0'" "$EXT" size "$DEV_A" all 0

# Untagged: every RX queue listed without a pool.
ext "$NS_A" show "$DEV_A" >/tmp/ext.txt
ktap_check "show, untagged: header and two queues without pool" \
	bash -c "grep -q '^$DEV_A (ifindex [0-9]*): untagged, reserve auto' /tmp/ext.txt &&
		[ \$(grep -c 'no pool' /tmp/ext.txt) -eq 2 ]"
ext "$NS_A" -j show "$DEV_A" >$J
ktap_check "show -j, untagged: valid JSON, stable keys, no pools" json_check $J "
assert isinstance(d, list) and len(d) == 1, d
x = d[0]
assert x['ifname'] == '$DEV_A' and x['tagged'] is False, x
assert set(x) == {'ifname', 'ifindex', 'tagged', 'override', 'emergency', 'sizing', 'stats',
                  'rx_queues', 'tx_queues'}, set(x)
assert x['emergency'] == {'policy': None, 'active': None, 'since_change_ms': None,
                          'enter_count': None}, x['emergency']
assert [q['id'] for q in x['rx_queues']] == [0, 1], x['rx_queues']
assert all(q['pool'] is None for q in x['rx_queues']) and x['tx_queues'] == []
assert x['sizing']['min_free_kbytes'] > 0 and x['sizing']['share_pct'] == 25
"
ext "$NS_A" -j show >$J
ktap_check "show -j without DEV: only this namespace's device" json_check $J "
assert [x['ifname'] for x in d] == ['$DEV_A'], d
"

ktap_check "tag both ends" bash -c "ip netns exec $NS_A '$EXT' tag $DEV_A &&
	ip netns exec $NS_B '$EXT' tag $DEV_B"
ktap_check "ethtool sees the tag" bash -c \
	"ip netns exec $NS_A ethtool --show-priv-flags $DEV_A | grep -qE '^skbpool +: on'"
ip netns exec "$NS_A" ping -c 5 -i 0.2 -W 2 192.0.2.2 >/dev/null
ext "$NS_A" -j show "$DEV_A" >$J
ktap_check "show -j, tagged: pools with total = free + in_flight, sized" json_check $J "
x = d[0]
assert x['tagged'] is True
for q in x['rx_queues']:
    p = q['pool']
    assert p and p['total'] > 0 and p['total'] == p['free'] + p['in_flight'], q
    assert p['sizing']['ring_size'] > 0 and p['sizing']['buffers'] >= p['sizing']['floor'], p
    assert p['stash'] > 0, p
assert len(x['tx_queues']) == 2 and all(t['bounce_total'] > 0 for t in x['tx_queues'])
assert x['sizing']['queues'] == 4, x['sizing']
"
ext "$NS_A" show "$DEV_A" >/tmp/ext.txt
ktap_info "$(sed 's/^/  /' /tmp/ext.txt)"
ktap_check "show, tagged: a row and a fill bar per RX queue" \
	bash -c "[ \$(grep -cE '^  rx [01] +[0-9]+ .*\\[[#.]{20}\\] +[0-9]+%$' /tmp/ext.txt) -eq 2 ]"
ktap_check "ping through the tagged pair" \
	ip netns exec "$NS_A" ping -c 3 -i 0.2 -W 2 192.0.2.2

ktap_check "size all 700" ext "$NS_A" size "$DEV_A" all 700
ktap_check "size 1 300" ext "$NS_A" size "$DEV_A" 1 300
ext "$NS_A" -j show "$DEV_A" >$J
ktap_check "the device and queue overrides reach the sizing" json_check $J "
x = d[0]
assert x['override'] == 700, x['override']
q0, q1 = x['rx_queues']
assert q0['override'] == 0 and q0['pool']['sizing']['buffers'] == 700, q0
assert q1['override'] == 300 and q1['pool']['sizing']['buffers'] == 300, q1
"
ktap_check "size all auto clears both" ext "$NS_A" size "$DEV_A" all auto
ext "$NS_A" -j show "$DEV_A" >$J
ktap_check "automatic sizing again" json_check $J "
x = d[0]
assert x['override'] == 0 and all(q['override'] == 0 for q in x['rx_queues']), x
assert all(q['pool']['sizing']['buffers'] == max(q['pool']['sizing']['floor'],
           q['pool']['sizing']['share_buffers']) for q in x['rx_queues']), x
"
ext_fails "size of a queue the device lacks: refused, naming it" "queue id: 9 out of range" \
	ext "$NS_A" size "$DEV_A" 9 100

ext_fails "emergency: not yet supported (stage 1)" "emergency-policy: not yet supported" \
	ext "$NS_A" emergency "$DEV_A" on
ext_fails "rule add: not yet supported (stage 1)" "not yet supported" \
	ext "$NS_A" rule add "$DEV_A" critical proto udp dport 9000
ext_fails "rule del: not yet supported (stage 1)" "not yet supported" \
	ext "$NS_A" rule del "$DEV_A" 0
ext_fails "rule show: not yet supported (stage 1)" "not yet supported" \
	ext "$NS_A" rule show "$DEV_A"
ext_fails "flows: not yet supported (stage 1)" "not yet supported" ext "$NS_A" flows

# Errors: a device that does not link skbpool, one that does not exist,
# one that lives in another namespace.
modprobe netdevsim
echo "$NSIM_ID 1" >/sys/bus/netdevsim/new_device
udevadm settle 2>/dev/null
NSIM=$(ls "/sys/bus/netdevsim/devices/netdevsim$NSIM_ID/net/" 2>/dev/null | head -n 1)
# Renamed first: the namespace has an eth0 of its own.
ip link set "$NSIM" name skbpnsim0 && NSIM=skbpnsim0
ip link set "$NSIM" netns "$NS_A"
ext_fails "netdevsim: show says it does not link skbpool" "$NSIM: device does not link skbpool" \
	ext "$NS_A" show "$NSIM"
ext_fails "netdevsim: tag says it does not link skbpool" "$NSIM: device does not link skbpool" \
	ext "$NS_A" tag "$NSIM"
ext_fails "missing device: no such device" "nosuchdev: no such device" \
	ext "$NS_A" tag nosuchdev
ext_fails "device of another namespace: no such device" "$DEV_B: no such device" \
	ext "$NS_A" show "$DEV_B"

# An unprivileged user: reads work, every write is refused, nothing changes.
useradd -M -s /bin/false skbpuser 2>/dev/null
as_user() {
	ip netns exec "$NS_A" setpriv --reuid=skbpuser --regid=skbpuser --clear-groups \
		--inh-caps=-all "$EXT" "$@"
}
ktap_check "unprivileged: show works" as_user show "$DEV_A"
ext "$NS_A" -j show "$DEV_A" >/tmp/ext.before
ext_fails "unprivileged: untag refused" "$DEV_A: permission denied" as_user untag "$DEV_A"
ext_fails "unprivileged: size refused" "$DEV_A: permission denied" as_user size "$DEV_A" all 512
ext_fails "unprivileged: rule add refused" "$DEV_A: permission denied" \
	as_user rule add "$DEV_A" critical
ext "$NS_A" -j show "$DEV_A" >/tmp/ext.after
ktap_check "unprivileged: nothing changed" json_check /tmp/ext.after "
before = json.load(open('/tmp/ext.before'))[0]
x = d[0]
assert x['tagged'] is True and before['tagged'] is True
assert x['override'] == before['override'] == 0
assert [q['override'] for q in x['rx_queues']] == [q['override'] for q in before['rx_queues']]
"

# monitor sees what another shell does, in its own namespace only.
# Started directly, not through a function: $! must be the tool itself
# (ip netns exec execs it), as a background subshell would ignore SIGINT.
ip netns exec "$NS_A" "$EXT" -j monitor >/tmp/mon_a.json 2>/tmp/mon_a.err &
MON_PID=$!
ip netns exec "$NS_B" "$EXT" -j monitor >/tmp/mon_b.json 2>&1 &
mon_b=$!
sleep 2
ip netns exec "$NS_A" ethtool --set-priv-flags "$DEV_A" skbpool off
ip netns exec "$NS_A" ethtool --set-priv-flags "$DEV_A" skbpool on
sleep 1
stop_tool "$MON_PID"
mon_rc=$?
MON_PID=
stop_tool "$mon_b"
ktap_info "monitor A: $(tr '\n' ' ' </tmp/mon_a.json)"
ktap_check "monitor: untag and tag events from ethtool, as JSON lines" python3 -c "
import json
ev = [json.loads(l) for l in open('/tmp/mon_a.json')]
assert [(e['event'], e['ifname']) for e in ev] == [('dev-untagged', '$DEV_A'),
                                                  ('dev-tagged', '$DEV_A')], ev
assert all(set(e) == {'event', 'ifname', 'ifindex', 'queue', 'exhausted', 'cause'} for e in ev)
"
ktap_check "monitor: exits 0 on SIGINT" test "$mon_rc" -eq 0
ktap_check "monitor in the other namespace saw nothing" test ! -s /tmp/mon_b.json
ktap_finish
