#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel's own ynl CLI (tools/net/ynl/cli.py of the 6.12 source, run in
# place, validating our spec against the genetlink-legacy schema) drives the
# module: the spec matches the code as any ynl user will read it.  dev-get
# (do and dump) agrees with ethtool-ext, dev-set tags, sizes and sets the
# emergency policy, the events group decodes (tag and emergency, with the
# cause), rule-add replies with the index and rule-get lists what
# ethtool-ext lists, a rule the kernel refuses comes back with the
# attribute at fault decoded by ynl, and flow-get dumps.
# skbpool-timeout: 600
. "$(dirname "$0")/lib/ktap.sh"
. "$(dirname "$0")/lib/simnic.sh"
. "$(dirname "$0")/lib/ext.sh"
trap simnic_cleanup EXIT

KSRC=$(ls -d "${SKBPOOL_CACHE:-/root/.cache/skbpool}"/src-*/linux-source-6.12 2>/dev/null | head -n 1)
SPEC=$(cd "$(dirname "$0")/../.." && pwd)/Documentation/netlink/specs/skbpool.yaml
[ -f "$KSRC/tools/net/ynl/cli.py" ] || ktap_skip_all "no 6.12 source tree with tools/net/ynl"
[ -x "$EXT" ] || ktap_skip_all "ethtool-ext is not built ($EXT)"

ynl() {
	ip netns exec "$NS_A" python3 "$KSRC/tools/net/ynl/cli.py" --spec "$SPEC" \
		--schema "$KSRC/Documentation/netlink/genetlink-legacy.yaml" --output-json "$@"
}

ktap_plan 15
simnic_pair 141 142 2 || { ktap_fail "create and link a two-queue pair"; ktap_finish; }
ktap_pass "create and link a two-queue pair"

ynl --do dev-get --json "{\"ifname\": \"$DEV_A\"}" >/tmp/ynl.json
ext "$NS_A" -j show "$DEV_A" >/tmp/ext.json
ktap_check "dev-get do: ynl decodes what ethtool-ext reads" json_check /tmp/ynl.json "
e = json.load(open('/tmp/ext.json'))[0]
assert d['ifname'] == e['ifname'] and d['ifindex'] == e['ifindex'], (d, e)
assert d['tagged'] == 0 and [q['id'] for q in d['queue']] == [0, 1], d
assert all(q['type'] == 'rx' for q in d['queue']), d['queue']
assert d['sizing']['min-free-kbytes'] == e['sizing']['min_free_kbytes'], d['sizing']
assert d['emergency-policy'] == 'auto' and d['emergency'] == 0 and d['emergency-enter'] == 0, d
assert 'emergency-changed-ms' not in d and 'emergency-cause' not in d, d
r = d['stats']['reason']
assert [x['reason'] for x in r] == ['crit-link', 'crit-flow', 'crit-rule', 'drop-nonip',
                                    'drop-malformed', 'drop-fragment', 'drop-rule',
                                    'drop-nomatch'], r
assert d['stats']['rx-critical'] == sum(x['frames'] for x in r[:3]), d['stats']
"
ynl --dump dev-get >/tmp/ynl.json
ktap_check "dev-get dump: this namespace's device only" json_check /tmp/ynl.json "
assert [x['ifname'] for x in d] == ['$DEV_A'], d
"
ktap_check "dev-set tagged 1" ynl --do dev-set --json "{\"ifname\": \"$DEV_A\", \"tagged\": 1}"
ktap_check "dev-set queue override" ynl --do dev-set \
	--json "{\"ifname\": \"$DEV_A\", \"queue\": [{\"id\": 1, \"override\": 600}]}"
ynl --do dev-get --json "{\"ifname\": \"$DEV_A\"}" >/tmp/ynl.json
ktap_check "dev-get shows pools, the override and sizing" json_check /tmp/ynl.json "
assert d['tagged'] == 1
rx = [q for q in d['queue'] if q['type'] == 'rx']
tx = [q for q in d['queue'] if q['type'] == 'tx']
assert len(rx) == 2 and len(tx) == 2, d['queue']
assert all(q['total'] == q['free'] + q['in-flight'] for q in rx), rx
assert rx[1]['override'] == 600 and rx[1]['sizing']['buffers'] == 600, rx[1]
assert all(q['bounce-total'] > 0 for q in tx), tx
"
ktap_check "ethtool agrees the device is tagged" bash -c \
	"ip netns exec $NS_A ethtool --show-priv-flags $DEV_A | grep -qE '^skbpool +: on'"

# ynl subscribes, sleeps, then prints what arrived.  Its start-up (python,
# the schema check) takes seconds under emulation and says nothing when it
# is done, so flip the tag and emergency mode every second meanwhile: the
# later flips land.
ynl --subscribe events --sleep 14 >/tmp/ynl_ntf.txt 2>&1 &
sub=$!
for _ in $(seq 1 10); do
	sleep 1
	ip netns exec "$NS_A" ethtool --set-priv-flags "$DEV_A" skbpool off
	ip netns exec "$NS_A" ethtool --set-priv-flags "$DEV_A" skbpool on
	ip netns exec "$NS_A" ethtool --set-priv-flags "$DEV_A" skbpool-emergency on
	ip netns exec "$NS_A" ethtool --set-priv-flags "$DEV_A" skbpool-emergency off
done
wait $sub
ktap_info "ynl events: $(tr '\n' ' ' </tmp/ynl_ntf.txt | cut -c1-300)"
ktap_check "events: ynl decodes tag events and emergency transitions with their cause" \
	python3 -c "
import json
ntf = json.loads(open('/tmp/ynl_ntf.txt').read().strip().splitlines()[-1])
seen = {(n['name'], n['msg']['type'], n['msg']['ifname'], n['msg'].get('cause')) for n in ntf}
assert seen == {('event', 'dev-untagged', '$DEV_A', None), ('event', 'dev-tagged', '$DEV_A', None),
                ('event', 'emergency-enter', '$DEV_A', 'admin'),
                ('event', 'emergency-leave', '$DEV_A', 'admin')}, ntf
"

ynl --do rule-add --json "{\"ifname\": \"$DEV_A\", \"action\": \"critical\", \"proto\": 17,
	\"dport-lo\": 9000, \"dport-hi\": 9100}" >/tmp/ynl.json
ktap_check "rule-add: encoded by ynl, the reply gives the index" json_check /tmp/ynl.json "
assert d == {'ifindex': $(ip netns exec "$NS_A" cat "/sys/class/net/$DEV_A/ifindex"), 'index': 0}, d
"
ynl --do rule-add --json "{\"ifname\": \"$DEV_A\", \"index\": 0, \"action\": \"bulk\",
	\"proto\": 6, \"dport-lo\": 5201, \"src\": {\"family\": 4, \"len\": 24,
	\"addr\": \"c0000200\"}}" >/tmp/ynl.json
ktap_check "rule-add at index 0: inserted before the first" json_check /tmp/ynl.json "
assert d['index'] == 0, d
"
ynl --dump rule-get >/tmp/ynl.json
ext "$NS_A" -j rule show "$DEV_A" >/tmp/ext.json
ktap_check "rule-get dump: both in order, as ethtool-ext lists them" json_check /tmp/ynl.json "
e = json.load(open('/tmp/ext.json'))
assert [(r['index'], r['action'], r['proto']) for r in d] == [(0, 'bulk', 6), (1, 'critical', 17)], d
assert d[0]['dport-lo'] == d[0]['dport-hi'] == 5201, d[0]
assert d[0]['src'] == {'family': 4, 'len': 24, 'addr': 'c0000200'}, d[0]
assert (d[1]['dport-lo'], d[1]['dport-hi']) == (9000, 9100) and 'src' not in d[1], d[1]
assert [(r['index'], r['action'], r['proto']) for r in e] == [(0, 'bulk', 6), (1, 'critical', 17)], e
assert e[0]['src'] == '192.0.2.0/24' and e[1]['dport'] == [9000, 9100], e
"
ynl --do rule-add --json "{\"ifname\": \"$DEV_A\", \"action\": \"critical\",
	\"src\": {\"family\": 4, \"len\": 24, \"addr\": \"c0000201\"}}" >/tmp/ynl_rule.txt 2>&1
rc=$?
ktap_info "rule-add with host bits: $(tr '\n' ' ' </tmp/ynl_rule.txt | cut -c1-300)"
ktap_check "rule-add with host bits: refused, ynl names .src.addr and the reason" bash -c "
	[ $rc -ne 0 ] && grep -q \"'bad-attr': '.src.addr'\" /tmp/ynl_rule.txt &&
	grep -q 'src.addr: bits set past the prefix length' /tmp/ynl_rule.txt"

ktap_check "dev-set emergency-policy on" ynl --do dev-set \
	--json "{\"ifname\": \"$DEV_A\", \"emergency-policy\": \"on\"}"
ynl --do dev-get --json "{\"ifname\": \"$DEV_A\"}" >/tmp/ynl.json
ktap_check "dev-get: in emergency by the admin's policy, since when" json_check /tmp/ynl.json "
assert d['emergency-policy'] == 'on' and d['emergency'] == 1, d
assert d['emergency-cause'] == 'admin' and 0 <= d['emergency-changed-ms'] < 60000, d
assert d['emergency-enter'] >= 11, d
"
ynl --dump flow-get >/tmp/ynl.json
ktap_check "flow-get dump: decoded (no SOCK_MEMALLOC socket here: none)" json_check /tmp/ynl.json "
assert d == [], d
"
ktap_finish
