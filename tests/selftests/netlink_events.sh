#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The "events" group beyond tagging by ethtool (ethtool_ext.sh): tag and
# untag over netlink notify too, and a pool run dry (a one-ring reserve, a
# UDP socket that never reads holding every buffer, in emergency, and the
# one loan emergency still tries per dry get failed by fault injection
# filtered to skbpool's code) sends pool-exhausted from the work
# item, at most once a second per queue, while the queue's exhausted
# counter climbs much faster.
# skbpool-timeout: 180
. "$(dirname "$0")/lib/ktap.sh"
. "$(dirname "$0")/lib/simnic.sh"
. "$(dirname "$0")/lib/ext.sh"
. "$(dirname "$0")/lib/fault.sh"

cleanup() {
	fault_restore
	[ -n "${MON_PID:-}" ] && kill "$MON_PID" 2>/dev/null
	[ -n "${SINK_PID:-}" ] && kill "$SINK_PID" 2>/dev/null
	simnic_cleanup
}
trap cleanup EXIT

[ -x "$EXT" ] || ktap_skip_all "ethtool-ext is not built ($EXT)"
fault_have || ktap_skip_all "fault injection is missing ($FAULT_NEEDS)"
ktap_plan 6
simnic_pair 151 152 || { ktap_fail "create and link a pair"; ktap_finish; }
ktap_pass "create and link a pair"

# B's pool: one ring of 64 buffers, room to grow by one ring, then dry.
ip netns exec "$NS_B" ethtool -G "$DEV_B" rx 64 &&
	ext "$NS_B" size "$DEV_B" all 64 || ktap_info "ring or size setup failed"
# Started directly: $! must be the tool (a subshell would ignore SIGINT).
ip netns exec "$NS_B" "$EXT" -j monitor >/tmp/ev_b.json 2>/tmp/ev_b.err &
MON_PID=$!
sleep 2
ktap_check "tag over netlink" ext "$NS_B" tag "$DEV_B"
# Out of emergency a queue lends pages once its reserve is all in flight;
# in emergency only the reserve serves, and only critical frames, with one
# loan tried per dry get: those loans (atomic page allocations made from
# skbpool's code, and nothing else) fail here, so the pool really is dry.
ext "$NS_B" rule add "$DEV_B" critical proto udp dport 9999 &&
	ext "$NS_B" emergency "$DEV_B" on || ktap_info "rule or emergency setup failed"
# In NAPI, so for every task; sleeping allocations (the netlink handlers'
# own) are left alone.
fault_setup
echo N >"$FAULT/fail_page_alloc/task-filter"
echo Y >"$FAULT/fail_page_alloc/ignore-gfp-wait"
why=$(fault_scope fail_page_alloc skbpool) && fault_arm fail_page_alloc -1 0 ||
	ktap_info "no injection: $why"

# A socket that takes every datagram and reads none: the stack holds them
# all, so each buffer stays in flight.
ip netns exec "$NS_B" python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, 33, 64 << 20)  # SO_RCVBUFFORCE
s.bind(("192.0.2.2", 9999))
time.sleep(30)
' &
SINK_PID=$!
sleep 1
start=$(date +%s)
ip netns exec "$NS_A" python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
end = time.time() + 3
while time.time() < end:
    for _ in range(50):
        s.sendto(b"x" * 64, ("192.0.2.2", 9999))
    time.sleep(0.01)
'
sleep 1.5
# Read the pool while its loans still fail: frames the dry pool refused
# wait for a buffer and are tried again, so once injection stops the next
# try takes a loan (make check-debug once read lent 1 here, its slower
# show having let a try fall between the two).
ext "$NS_B" -j show "$DEV_B" >/tmp/ev_show.json
fault_off
elapsed=$(($(date +%s) - start))
ext "$NS_B" emergency "$DEV_B" auto
ext "$NS_B" untag "$DEV_B"
sleep 1
stop_tool "$MON_PID"
MON_PID=
ktap_info "events: $(tr '\n' ' ' </tmp/ev_b.json)"
ktap_info "stderr: $(cat /tmp/ev_b.err)"

ktap_check "tag and untag over netlink are notified" python3 -c "
import json
ev = [json.loads(l) for l in open('/tmp/ev_b.json')]
kinds = [e['event'] for e in ev if e['event'].startswith('dev-')]
assert kinds == ['dev-tagged', 'dev-untagged'], kinds
"
ktap_check "the pool ran dry: exhausted counter climbed" json_check /tmp/ev_show.json "
q = d[0]['rx_queues'][0]['pool']
assert q['total'] <= 128 and q['exhausted'] > 0 and q['lent'] == 0, q
print('pool', q['total'], 'buffers,', q['in_flight'], 'in flight, exhausted', q['exhausted'],
      'lent', q['lent'])
"
ktap_check "pool-exhausted events name the queue and the count" python3 -c "
import json
ev = [json.loads(l) for l in open('/tmp/ev_b.json') if 'pool-exhausted' in l]
assert ev, 'no pool-exhausted event'
assert all(e['queue'] == 0 and e['exhausted'] > 0 and e['ifname'] == '$DEV_B' for e in ev), ev
assert [e['exhausted'] for e in ev] == sorted(e['exhausted'] for e in ev), ev
"
ktap_check "at most one pool-exhausted event per second" python3 -c "
import json
ev = [json.loads(l) for l in open('/tmp/ev_b.json') if 'pool-exhausted' in l]
show = json.load(open('/tmp/ev_show.json'))[0]['rx_queues'][0]['pool']
print(len(ev), 'events over about $elapsed s,', show['exhausted'], 'refusals')
assert len(ev) <= $elapsed + 1, len(ev)
assert show['exhausted'] > len(ev), show['exhausted']
"
ktap_finish
