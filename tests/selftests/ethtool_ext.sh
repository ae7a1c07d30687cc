#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ethtool-ext against a simnic pair: every subcommand, human and JSON
# output (validated with python3), tag/untag/size reaching the pools,
# emergency mode forced on and off with its state, cause and judged frames
# in show, rules added, ordered, refused and deleted (and reaching the
# classifier: pings pass in emergency once a rule says ICMP is critical),
# the learned flow of an NBD connection, errors for a netdevsim device, a
# missing device and a device of another namespace, an unprivileged user
# refused every write with nothing changed, and monitor printing the tag
# and emergency events another shell causes with ethtool and ethtool-ext.
# skbpool-timeout: 600
. "$(dirname "$0")/lib/ktap.sh"
. "$(dirname "$0")/lib/nbd.sh"
. "$(dirname "$0")/lib/simnic.sh"
. "$(dirname "$0")/lib/ext.sh"

NSIM_ID=$((700 + $$ % 100))
SCRATCH=/tmp/skbpool-ext-$$
NBD=
# Modules this test loads go again: a later test may unload skbpool.
loaded_before=$(lsmod | awk '{ print $1 }')
cleanup() {
	local m
	[ -n "${MON_PID:-}" ] && kill "$MON_PID" 2>/dev/null
	# From the initial namespace, as the other tests do: inside NS_A,
	# 6.1's nbd-client finds no nbd family, the device stays connected
	# and later tests cannot reload nbd.
	[ -n "$NBD" ] && nbd-client -d "$NBD" >/dev/null 2>&1
	{ echo "$NSIM_ID" >/sys/bus/netdevsim/del_device; } 2>/dev/null
	userdel skbpuser 2>/dev/null
	simnic_cleanup
	for m in simnic netdevsim nbd; do
		grep -qx "$m" <<<"$loaded_before" || modprobe -r "$m" 2>/dev/null
	done
	rm -rf "$SCRATCH"
}
trap cleanup EXIT

[ -x "$EXT" ] || ktap_skip_all "ethtool-ext is not built ($EXT)"
ktap_plan 63
J=/tmp/ext.json
mkdir -p "$SCRATCH"

simnic_pair 121 122 2 || { ktap_fail "create and link a two-queue pair"; ktap_finish; }
ktap_pass "create and link a two-queue pair"
# Before Linux 6.9 the skb head cache is not exported: skbpool says so as
# it loads, and its pools keep no stash of heads.
HEAD_STASH=True
dmesg | grep -q 'skbpool: no skb head stash on this kernel' && HEAD_STASH=False

ktap_check "-h prints usage, exit 0" bash -c "'$EXT' -h | grep -q '^Usage: ethtool-ext'"
ext_fails "a bad word is named, exit 1" "bad argument 'frob'" "$EXT" frob
ext_fails "size refuses 0 buffers, naming it" "bad argument '0'" "$EXT" size "$DEV_A" all 0

# Untagged: every RX queue listed without a pool.
ext "$NS_A" show "$DEV_A" >/tmp/ext.txt
ktap_check "show, untagged: header, emergency never entered, two queues without pool" \
	bash -c "grep -q '^$DEV_A (ifindex [0-9]*): untagged, reserve auto' /tmp/ext.txt &&
		grep -qx '  emergency: off (policy auto), never entered, 0 entries' /tmp/ext.txt &&
		[ \$(grep -c 'no pool' /tmp/ext.txt) -eq 2 ]"
ext "$NS_A" -j show "$DEV_A" >$J
ktap_check "show -j, untagged: valid JSON, stable keys, no pools" json_check $J "
assert isinstance(d, list) and len(d) == 1, d
x = d[0]
assert x['ifname'] == '$DEV_A' and x['tagged'] is False, x
assert set(x) == {'ifname', 'ifindex', 'tagged', 'override', 'emergency', 'sizing', 'stats',
                  'rx_queues', 'tx_queues'}, set(x)
assert x['emergency'] == {'policy': 'auto', 'active': False, 'since_change_ms': None,
                          'enter_count': 0, 'cause': None}, x['emergency']
assert x['stats']['rx_critical'] == 0 and x['stats']['rx_drop_noncritical'] == 0, x['stats']
assert sorted(x['stats']['classified']) == sorted(
    ['critical_link', 'critical_flow', 'critical_rule', 'drop_nonip', 'drop_malformed',
     'drop_fragment', 'drop_rule', 'drop_nomatch']), x['stats']
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
    assert (p['stash'] > 0) == $HEAD_STASH, p
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
import os
def auto(s):
    # The share or the floor, rounded up to whole pages.
    per_page = max(1, os.sysconf('SC_PAGE_SIZE') // s['buf_truesize'])
    return -(-max(s['floor'], s['share_buffers']) // per_page) * per_page
assert all(q['pool']['sizing']['buffers'] == auto(q['pool']['sizing'])
           for q in x['rx_queues']), x
"
ext_fails "size of a queue the device lacks: refused, naming it" "queue id: 9 out of range" \
	ext "$NS_A" size "$DEV_A" 9 100

# Emergency mode forced on: state, cause and time in show, as ethtool sees it.
ktap_check "emergency on" ext "$NS_A" emergency "$DEV_A" on
ext "$NS_A" -j show "$DEV_A" >$J
ktap_check "show -j: emergency on, policy on, entered by the admin, once" json_check $J "
e = d[0]['emergency']
assert e['policy'] == 'on' and e['active'] is True and e['cause'] == 'admin', e
assert e['enter_count'] == 1 and 0 <= e['since_change_ms'] < 60000, e
"
ext "$NS_A" show "$DEV_A" >/tmp/ext.txt
ktap_check "show: the emergency line says since when and why" \
	grep -qE '^  emergency: ON \(policy on\), entered [0-9]+\.[0-9] s ago \(admin\), 1 entry$' \
	/tmp/ext.txt
# ethtool_emergency on|off: what ethtool says of emergency mode agrees.
ethtool_emergency() {
	ip netns exec "$NS_A" ethtool --show-priv-flags "$DEV_A" |
		grep -qE "^skbpool-emergency *: $1" &&
		[ "$(simnic_stat "$NS_A" "$DEV_A" skbpool_emergency)" = "$([ "$1" = on ] && echo 1 || echo 0)" ]
}
ktap_check "ethtool agrees: skbpool-emergency on, skbpool_emergency 1" ethtool_emergency on

# In emergency ICMP is not critical: pings to A are dropped before any
# skb, until a rule says otherwise.
ktap_check "in emergency, pings to A are dropped" \
	bash -c "! ip netns exec $NS_B ping -c 3 -i 0.3 -W 1 -q 192.0.2.1"
ktap_check "rule add: ICMP is critical" ext "$NS_A" rule add "$DEV_A" critical proto icmp
ktap_check "in emergency, pings to A pass by the rule" \
	ip netns exec "$NS_B" ping -c 3 -i 0.3 -W 2 -q 192.0.2.1
ip netns exec "$NS_A" ethtool -S "$DEV_A" >"$SCRATCH/stats.before"
ext "$NS_A" -j show "$DEV_A" >$J
ip netns exec "$NS_A" ethtool -S "$DEV_A" >"$SCRATCH/stats.after"
ktap_check "show -j: frames judged by reason, the sums, and ethtool -S agree" json_check $J "
st = d[0]['stats']
c = st['classified']
print('classified', c)
assert c['drop_nomatch'] >= 3 and c['critical_rule'] >= 3, c
assert st['rx_critical'] == c['critical_link'] + c['critical_flow'] + c['critical_rule'], st
assert st['rx_drop_noncritical'] == sum(v for k, v in c.items() if k.startswith('drop_')), st
def ethtool(f):
    return {l.split(':')[0].strip(): int(l.split(':')[1]) for l in open(f) if 'skbpool_rx_' in l}
lo, hi = ethtool('$SCRATCH/stats.before'), ethtool('$SCRATCH/stats.after')
for k, v in c.items():
    assert lo['skbpool_rx_' + k] <= v <= hi['skbpool_rx_' + k], (k, v, lo, hi)
"
ext "$NS_A" show "$DEV_A" >/tmp/ext.txt
ktap_check "show: a line of the frames emergency mode judged" \
	grep -qE '^  emergency frames: critical [0-9]+ \(link [0-9]+, flow [0-9]+, rule [1-9][0-9]*\), dropped [1-9]' \
	/tmp/ext.txt

# Rules: ordered, inserted at an index, refused with the kernel's reason,
# deleted by index.
ktap_check "rule add: UDP 9000-9100 from 192.0.2.0/24, appended" \
	ext "$NS_A" rule add "$DEV_A" critical proto udp dport 9000-9100 src 192.0.2.0/24
ktap_check "rule add at index 0: bulk TCP 5201" \
	ext "$NS_A" rule add "$DEV_A" index 0 bulk proto tcp dport 5201
ext "$NS_A" -j rule show "$DEV_A" >$J
ktap_check "rule show -j: three rules in order, every field" json_check $J "
assert [(r['index'], r['action'], r['proto']) for r in d] == [
    (0, 'bulk', 6), (1, 'critical', 1), (2, 'critical', 17)], d
assert all(r['ifname'] == '$DEV_A' for r in d), d
assert d[0]['dport'] == [5201, 5201] and d[0]['sport'] is None, d[0]
assert d[1]['dport'] is None and d[1]['src'] == 'any' and d[1]['dst'] == 'any', d[1]
assert d[2]['dport'] == [9000, 9100] and d[2]['src'] == '192.0.2.0/24', d[2]
assert all(r['dscp'] == '' and r['vlan_prio'] == '' for r in d), d
"
ext "$NS_A" -j rule show >$J
ktap_check "rule show -j without DEV: the same three" json_check $J "
assert [r['index'] for r in d] == [0, 1, 2], d
"
ext "$NS_A" rule show "$DEV_A" >/tmp/ext.txt
ktap_info "$(sed 's/^/  /' /tmp/ext.txt)"
ktap_check "rule show: one line per rule" bash -c "
	grep -qx '$DEV_A rule 0: bulk proto tcp dport 5201-5201 src any dst any' /tmp/ext.txt &&
	grep -qx '$DEV_A rule 1: critical proto icmp src any dst any' /tmp/ext.txt &&
	grep -qx '$DEV_A rule 2: critical proto udp dport 9000-9100 src 192.0.2.0/24 dst any' /tmp/ext.txt &&
	[ \$(wc -l </tmp/ext.txt) -eq 3 ]"
ktap_check "the debugfs view lists the same table" bash -c \
	"[ \$(nsenter --net=/run/netns/$NS_A grep -c '^$DEV_A ' /sys/kernel/debug/skbpool/rules) -eq 3 ]"
ext "$NS_A" -j rule show "$DEV_A" >"$SCRATCH/rules.before"
ext_fails "rule add: ports on ICMP refused with the kernel's reason" \
	"$DEV_A: proto: port ranges need tcp, udp or any" \
	ext "$NS_A" rule add "$DEV_A" critical proto icmp dport 5
ext_fails "rule add: an index past the end refused" "index: 9 is past the end, the device has 3 rules" \
	ext "$NS_A" rule add "$DEV_A" index 9 critical proto tcp
ext "$NS_A" -j rule show "$DEV_A" >"$SCRATCH/rules.after"
ktap_check "refused rules changed nothing" cmp "$SCRATCH/rules.before" "$SCRATCH/rules.after"
ktap_check "rule del 0" ext "$NS_A" rule del "$DEV_A" 0
ext_fails "rule del of a rule that is not there: named" "index: no rule 5, the device has 2 rules" \
	ext "$NS_A" rule del "$DEV_A" 5
ext "$NS_A" -j rule show "$DEV_A" >$J
ktap_check "rule show -j: the two left, renumbered" json_check $J "
assert [(r['index'], r['proto']) for r in d] == [(0, 1), (1, 17)], d
"

ktap_check "emergency off" ext "$NS_A" emergency "$DEV_A" off
ext "$NS_A" -j show "$DEV_A" >$J
ktap_check "show -j: off by the admin, one entry" json_check $J "
e = d[0]['emergency']
assert e['policy'] == 'off' and e['active'] is False and e['cause'] == 'admin', e
assert e['enter_count'] == 1, e
"
ktap_check "emergency auto" ext "$NS_A" emergency "$DEV_A" auto
ext "$NS_A" -j show "$DEV_A" >$J
ktap_check "show -j: policy auto, out of emergency" json_check $J "
e = d[0]['emergency']
assert e['policy'] == 'auto' and e['active'] is False, e
"
ktap_check "ethtool agrees: skbpool-emergency off, skbpool_emergency 0" ethtool_emergency off

# A learned flow: the kernel's nbd client marks its socket SOCK_MEMALLOC,
# and the tagged NIC learns the flow from what it transmits.
nbd_flow() {
	local _
	command -v nbd-server >/dev/null && command -v nbd-client >/dev/null || return 4
	modprobe nbd nbds_max=2 || return 4
	truncate -s 4M "$SCRATCH/disk.img"
	printf '[generic]\nuser = root\ngroup = root\nlistenaddr = 192.0.2.2\n[disk]\nexportname = %s\n' \
		"$SCRATCH/disk.img" >"$SCRATCH/nbd.conf"
	ip netns exec "$NS_B" nbd-server -C "$SCRATCH/nbd.conf" >/dev/null 2>&1 || return 1
	for _ in 1 2 3 4 5; do
		nbd_client "$NS_A" 192.0.2.2 /dev/nbd0 -N disk >/dev/null 2>&1 && break
		sleep 0.5
	done
	[ "$(cat /sys/block/nbd0/size 2>/dev/null)" -gt 0 ] 2>/dev/null || return 1
	NBD=/dev/nbd0
	dd if=/dev/nbd0 of=/dev/null bs=4k count=4 iflag=direct status=none
}
nbd_flow
rc=$?
if [ $rc -eq 4 ]; then
	ktap_skip "nbd over the tagged pair" "nbd, nbd-server or nbd-client missing"
	ktap_skip "flows -j: the nbd connection, local to remote port 10809, young" "no nbd"
	ktap_skip "flows: one line per flow" "no nbd"
else
	ktap_check "nbd over the tagged pair" test $rc -eq 0
	ext "$NS_A" -j flows "$DEV_A" >$J
	ktap_check "flows -j: the nbd connection, local to remote port 10809, young" json_check $J "
f = [x for x in d if x['rport'] == 10809]
assert len(f) == 1, d
f = f[0]
assert f['ifname'] == '$DEV_A' and f['family'] == 4 and f['proto'] == 6, f
assert f['local'] == '192.0.2.1' and f['remote'] == '192.0.2.2' and f['lport'] > 0, f
assert 0 <= f['age_ms'] < 60000, f
"
	ext "$NS_A" flows >/tmp/ext.txt
	ktap_info "$(sed 's/^/  /' /tmp/ext.txt)"
	ktap_check "flows: one line per flow" grep -qE \
		"^$DEV_A tcp 192\.0\.2\.1:[0-9]+ -> 192\.0\.2\.2:10809, seen [0-9]+ ms ago$" /tmp/ext.txt
fi
ext "$NS_B" -j flows >$J
ktap_check "flows -j on the server side: none learned (it sends no SOCK_MEMALLOC traffic)" \
	json_check $J "assert d == [], d"

# Errors: a device that does not link skbpool, one that does not exist,
# one that lives in another namespace.
# The foreign device is netdevsim's, or a dummy where the kernel has no
# netdevsim (Debian's: make check-distro).
if modprobe netdevsim 2>/dev/null; then
	echo "$NSIM_ID 1" >/sys/bus/netdevsim/new_device
	udevadm settle 2>/dev/null
	NSIM=$(ls "/sys/bus/netdevsim/devices/netdevsim$NSIM_ID/net/" 2>/dev/null | head -n 1)
	# Renamed first: the namespace has an eth0 of its own.
	ip link set "$NSIM" name skbpnsim0 && NSIM=skbpnsim0
	ip link set "$NSIM" netns "$NS_A"
	FOREIGN=netdevsim
else
	NSIM=skbpdummy0
	ip -n "$NS_A" link add "$NSIM" type dummy
	FOREIGN=dummy
fi
ext_fails "$FOREIGN: show says it does not link skbpool" "$NSIM: device does not link skbpool" \
	ext "$NS_A" show "$NSIM"
ext_fails "$FOREIGN: tag says it does not link skbpool" "$NSIM: device does not link skbpool" \
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
ext_fails "unprivileged: rule del refused" "$DEV_A: permission denied" \
	as_user rule del "$DEV_A" 0
ext_fails "unprivileged: emergency on refused" "$DEV_A: permission denied" \
	as_user emergency "$DEV_A" on
user_reads() { as_user -j rule show "$DEV_A" >/dev/null && as_user -j flows >/dev/null; }
ktap_check "unprivileged: rule show and flows work" user_reads
ext "$NS_A" -j show "$DEV_A" >/tmp/ext.after
ext "$NS_A" -j rule show "$DEV_A" >"$SCRATCH/rules.after"
ktap_check "unprivileged: nothing changed" json_check /tmp/ext.after "
before = json.load(open('/tmp/ext.before'))[0]
x = d[0]
assert x['tagged'] is True and before['tagged'] is True
assert x['override'] == before['override'] == 0
assert [q['override'] for q in x['rx_queues']] == [q['override'] for q in before['rx_queues']]
assert x['emergency']['policy'] == before['emergency']['policy'] == 'auto', x['emergency']
assert x['emergency']['active'] is False and x['emergency']['enter_count'] == 1, x['emergency']
assert len(json.load(open('$SCRATCH/rules.after'))) == 2
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
# Emergency transitions reach listeners from a work item: a pause each.
for step in "ethtool --set-priv-flags $DEV_A skbpool-emergency on" \
	    "ethtool --set-priv-flags $DEV_A skbpool-emergency off" \
	    "$EXT emergency $DEV_A on" "$EXT emergency $DEV_A auto"; do
	sleep 0.5
	# shellcheck disable=SC2086 # the step is words on purpose
	ip netns exec "$NS_A" $step
done
sleep 1
stop_tool "$MON_PID"
mon_rc=$?
MON_PID=
stop_tool "$mon_b"
ktap_info "monitor A: $(tr '\n' ' ' </tmp/mon_a.json)"
ktap_check "monitor: untag, tag and four emergency transitions with their cause" python3 -c "
import json
ev = [json.loads(l) for l in open('/tmp/mon_a.json')]
assert all(e['ifname'] == '$DEV_A' for e in ev), ev
assert [(e['event'], e['cause']) for e in ev] == [
    ('dev-untagged', None), ('dev-tagged', None),
    ('emergency-enter', 'admin'), ('emergency-leave', 'admin'),
    ('emergency-enter', 'admin'), ('emergency-leave', 'admin')], ev
assert all(set(e) == {'event', 'ifname', 'ifindex', 'queue', 'exhausted', 'cause'} for e in ev)
"
ktap_check "monitor: exits 0 on SIGINT" test "$mon_rc" -eq 0
ktap_check "monitor in the other namespace saw nothing" test ! -s /tmp/mon_b.json
ktap_finish
