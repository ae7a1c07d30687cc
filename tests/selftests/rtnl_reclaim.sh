#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What skbpool does on its own, periodically or for a monitor, never waits
# in the allocator with RTNL held.  On a machine that swaps through this
# NIC such a wait can be a deadlock: memory comes back only when swap I/O
# completes, and after a carrier loss that I/O waits for linkwatch to
# reopen the queue, which waits for RTNL (the field's wire-pull hang, seen
# there with ethtool's own ioctl holding RTNL in reclaim).  The paths:
# dev-get (the reply is built under RTNL), the events worker (built under
# RTNL for a listener), and the resync worker (grows pools under RTNL).
# kprobes on rtnl_lock/rtnl_unlock and on each path, with kmem's
# allocation events, say which allocations each makes with RTNL held and
# with which flags (lib/rtnl_allocs.py); an admin's configuration change
# (tag, ring size) may allocate under RTNL as every driver's does, and is
# not checked here.
# skbpool-timeout: 120
. "$(dirname "$0")/lib/ktap.sh"
. "$(dirname "$0")/lib/simnic.sh"
. "$(dirname "$0")/lib/ext.sh"

LIB=$(dirname "$0")/lib
TRACE=/sys/kernel/tracing
OUT=/tmp/rtnl_reclaim.trace
GROUP=skbpool_rtnl

# Stops tracing; the trace stays until the probes are deleted (that clears it).
trace_off() {
	echo 0 >"$TRACE/tracing_on"
	echo 0 >"$TRACE/events/kmem/enable"
	[ -d "$TRACE/events/$GROUP" ] && echo 0 >"$TRACE/events/$GROUP/enable"
}

trace_restore() {
	trace_off
	echo "-:$GROUP/" >>"$TRACE/kprobe_events"
	echo local >"$TRACE/trace_clock"
	echo 1408 >"$TRACE/buffer_size_kb"
	echo 1 >"$TRACE/tracing_on"
}

cleanup() {
	trace_restore 2>/dev/null
	[ -n "${MON_PID:-}" ] && kill "$MON_PID" 2>/dev/null
	simnic_cleanup
}
trap cleanup EXIT

[ -x "$EXT" ] || ktap_skip_all "ethtool-ext is not built ($EXT)"
[ -w "$TRACE/kprobe_events" ] || ktap_skip_all "no kprobe events ($TRACE/kprobe_events)"
ktap_plan 4

probe() { echo "$1" >>"$TRACE/kprobe_events"; }
# A span: entry and return of one of skbpool's functions.
span() {
	probe "p:$GROUP/${1}_in skbpool:$2" && probe "r:$GROUP/${1}_out skbpool:$2"
}

if simnic_pair 161 162 && ext "$NS_B" tag "$DEV_B" >/dev/null &&
	probe "p:$GROUP/lock rtnl_lock" && probe "p:$GROUP/unlock rtnl_unlock" &&
	span dev_get skbpool_nl_dev_get_doit && span events nl_event_work &&
	span resync skbpool_resync; then
	ktap_pass "a tagged pair, probes on RTNL and the three paths"
else
	ktap_fail "a tagged pair, probes on RTNL and the three paths"
	ktap_finish
fi
# A listener, or no event is built.  Started directly: $! must be the tool.
ip netns exec "$NS_B" "$EXT" -j monitor >/tmp/rtnl_reclaim.ev 2>&1 &
MON_PID=$!
total=$(ext "$NS_B" -j show "$DEV_B" | python3 -c '
import json, sys
print(json.load(sys.stdin)[0]["rx_queues"][0]["pool"]["total"])')
sleep 1

echo 0 >"$TRACE/tracing_on"
# One clock for all CPUs: a worker may move between them mid-span.
echo mono >"$TRACE/trace_clock"
echo 16384 >"$TRACE/buffer_size_kb"
echo >"$TRACE/trace"
echo 1 >"$TRACE/events/$GROUP/enable"
for ev in kmalloc kmem_cache_alloc mm_page_alloc; do
	echo 1 >"$TRACE/events/kmem/$ev/enable"
done
echo 1 >"$TRACE/tracing_on"
ext "$NS_B" show "$DEV_B" >/dev/null
ext "$NS_B" emergency "$DEV_B" on && sleep 0.5 && ext "$NS_B" emergency "$DEV_B" auto ||
	ktap_info "emergency on/auto failed"
# Twice what it holds, so the resync grows it.
grown=$((${total:-0} * 2))
sized=0
[ "$grown" -gt 0 ] && ext "$NS_B" size "$DEV_B" all "$grown" && sized=1
sleep 2
trace_off
cat "$TRACE/trace" >"$OUT"
lost=$(cat "$TRACE"/per_cpu/cpu*/stats 2>/dev/null |
	awk '/^overrun:/ { n += $2 } END { print n + 0 }')
trace_restore
ktap_info "trace: $(grep -c '' "$OUT") lines, $lost overrun"
ktap_info "events: $(tr '\n' ' ' </tmp/rtnl_reclaim.ev)"

# A trace that lost events may have lost the allocation that matters.
verdict() {
	if [ "$lost" != 0 ]; then
		ktap_fail "$1" "$lost trace events lost"
	else
		ktap_check "$1" python3 "$LIB/rtnl_allocs.py" "$OUT" "$2"
	fi
}
verdict "dev-get: its reply is not allocated waiting with RTNL held" dev_get:any:1
verdict "events: built for a listener without waiting with RTNL held" events:rtnl:1
if [ $sized = 1 ]; then
	verdict "resync: grows a pool without waiting with RTNL held" resync:rtnl_page:1
else
	ktap_fail "resync: grows a pool without waiting with RTNL held" \
		"could not size the pool to $grown buffers"
fi
ktap_finish
