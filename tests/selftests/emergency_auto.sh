#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Automatic emergency: with every non-sleeping allocation failing (failslab
# and fail_page_alloc at 100 %), a tagged simnic port enters emergency on
# its own and its critical UDP flow loses none of 10,000 datagrams, while
# the same flow on an untagged pair loses most of them and a bulk flow on
# the tagged port is dropped.  When the injection stops, the port leaves
# emergency within the hold time and bulk traffic flows again.  The untagged
# port never counts itself in emergency: nothing there would act on it.  A netlink
# listener (ethtool-ext monitor) sees each transition, made in NAPI or by
# the resync worker, with its cause.
# skbpool-timeout: 300
# shellcheck disable=SC2154 # pair_new sets ${NAME}_NSX and friends
. "$(dirname "$0")/lib/ktap.sh"
. "$(dirname "$0")/lib/pair.sh"
. "$(dirname "$0")/lib/survival.sh"
. "$(dirname "$0")/lib/ext.sh"

EVENTS=/tmp/skbpool-auto-events-$$
cleanup() {
	[ -s "$EVENTS.pid" ] && kill "$(cat "$EVENTS.pid")" 2>/dev/null
	pair_cleanup
	rm -f "$EVENTS" "$EVENTS.pid"
}
trap cleanup EXIT

COUNT=10000
RATE=500	# a receiver stalled for 2 s still fits the 1024-buffer pool

# The listener is started in a subshell that exits at once, so no "wait"
# of the scenario waits for it; it is stopped by its pid.
survival_on_tagged() {
	[ -x "$EXT" ] || return 0
	(ip netns exec "$t_NSX" "$EXT" -j monitor >"$EVENTS" 2>&1 & echo $! >"$EVENTS.pid")
	sleep 1
}

ktap_plan 8
[ -d /sys/kernel/debug/failslab ] && [ -d /sys/kernel/debug/fail_page_alloc ] ||
	ktap_skip_all "the kernel lacks FAILSLAB / FAIL_PAGE_ALLOC debugfs"
if ! survival_run $COUNT $RATE; then
	ktap_fail "set up two pairs and run the scenario"
	ktap_finish
fi
survival_table | sed 's/^/# /'
ktap_info "$SV_JSON"
ktap_info "$SV_DIAG"

if [ "${SV_SENT:-0}" -ge $COUNT ] && [ "${SV_TAGGED:-0}" -eq "$SV_SENT" ]; then
	ktap_pass "tagged: all $SV_SENT critical datagrams delivered under injection"
else
	ktap_fail "tagged: every critical datagram delivered" "sent ${SV_SENT:-?}, delivered ${SV_TAGGED:-?}"
fi
if [ "${SV_SENT_U:-0}" -ge $COUNT ] && [ "${SV_UNTAGGED:-0}" -lt $((SV_SENT_U / 2)) ]; then
	ktap_pass "untagged: the same flow loses most ($SV_UNTAGGED of $SV_SENT_U delivered)"
else
	ktap_fail "untagged: the same flow loses most" "sent ${SV_SENT_U:-?}, delivered ${SV_UNTAGGED:-?}"
fi
if [ "$SV_ENTERS" -ge 1 ] && [ "$SV_SLOW" -eq 0 ]; then
	ktap_pass "tagged port entered emergency on its own ($SV_ENTERS), no slow-path page"
else
	ktap_fail "tagged port entered emergency on its own" "entries $SV_ENTERS, slow path $SV_SLOW"
fi
if [ "$SV_UENTERS" -eq 0 ]; then
	ktap_pass "untagged port never in emergency"
else
	ktap_fail "untagged port never in emergency" "$SV_UENTERS entries counted"
fi
# Bulk is dropped for as long as the port is in emergency; when it enters
# depends on when the RX path first fails to allocate (TX completions on
# the same CPU can keep the NAPI head cache fed for a while), so what must
# hold is that a real part of the bulk flow was dropped.
if [ "$SV_BULK_DROPPED" -ge 1000 ]; then
	ktap_pass "bulk flow dropped in emergency ($SV_BULK_DROPPED dropped, $SV_BULK_GOT delivered)"
else
	ktap_fail "bulk flow dropped in emergency" "sent $SV_BULK_SENT, dropped $SV_BULK_DROPPED, delivered $SV_BULK_GOT"
fi
# Hold 2 s, plus up to one resync tick (5 s) for a port with no traffic.
if [ -n "$SV_LEFT_MS" ] && [ "$SV_LEFT_MS" -le 7500 ]; then
	ktap_pass "left emergency ${SV_LEFT_MS} ms after the injection stopped"
else
	ktap_fail "left emergency within the hold time" "${SV_LEFT_MS:-not within 10+} ms"
fi
if [ "${SV_RESUMED:-0}" -eq 200 ]; then
	ktap_pass "bulk traffic flows again: 200 of 200"
else
	ktap_fail "bulk traffic flows again" "${SV_RESUMED:-0} of 200"
fi

if [ ! -s "$EVENTS.pid" ]; then
	ktap_skip "monitor: each transition with its cause" "ethtool-ext is not built"
	ktap_finish
fi
pid=$(cat "$EVENTS.pid")
kill -INT "$pid"
for _ in $(seq 1 50); do
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
ktap_info "events: $(tr '\n' ' ' <"$EVENTS")"
ktap_check "monitor: each transition with its cause" python3 -c "
import json
ev = [json.loads(l) for l in open('$EVENTS')]
em = [(e['event'], e['cause']) for e in ev if e['event'].startswith('emergency')]
assert all(e['ifname'] == '$t_DEVX' for e in ev), ev
# In on its own, out when memory stayed calm for the hold time, once per
# entry counted.  Free memory stays far above the watermarks here (only
# allocations fail), so each entry is a failed allocation in NAPI.
assert $SV_ENTERS >= 1 and len(em) == 2 * $SV_ENTERS, (em, $SV_ENTERS)
for i, (kind, cause) in enumerate(em):
    if i % 2 == 0:
        assert kind == 'emergency-enter' and cause == 'alloc-failure', em
    else:
        assert kind == 'emergency-leave' and cause == 'recovered', em
"
ktap_finish
