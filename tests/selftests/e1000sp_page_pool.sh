#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# e1000sp's untagged RX ring on the kernel's page_pool (rx_page_pool=1,
# drivers/e1000sp/rx_pp.c): the third way bench-e1000 measures.  The pool
# is the kernel's (netdev netlink page-pool-get lists it for the port),
# ping and iperf3 TCP and UDP flow with the NIC counters agreeing, its
# pages are recycled (100,000 frames take a small fraction of that in
# pages from the allocator), a ring resize gets a new pool, a ring torn
# down while a socket holds its frames leaves the pool detached until the
# socket lets go and then releases it, a jumbo MTU falls back to the skb
# path and back, and with the parameter off again the ring has no pool.
# skbpool-timeout: 300
. "$(dirname "$0")/lib/ktap.sh"
. "$(dirname "$0")/lib/e1000.sh"

PARAM=/sys/module/e1000sp/parameters/rx_page_pool
LIB=$(dirname "$0")/lib
HOLDER=
KSRC=$(ls -d "${SKBPOOL_CACHE:-/root/.cache/skbpool}"/src-*/linux-source-6.12 2>/dev/null | head -n 1)
cleanup() {
	[ -n "$HOLDER" ] && kill -9 "$HOLDER" 2>/dev/null
	[ -w "$PARAM" ] && echo 0 >"$PARAM"
	e1000_cleanup
}
trap cleanup EXIT

e1000_nics || ktap_skip_all "the guest has fewer than two e1000 NICs (E1000_NICS=2)"
[ -f "$KSRC/tools/net/ynl/cli.py" ] || ktap_skip_all "no 6.12 source tree with tools/net/ynl"

# The kernel's netdev family, from the initial namespace and from B's.
YNL=(python3 "$KSRC/tools/net/ynl/cli.py" --output-json
	--spec "$KSRC/Documentation/netlink/specs/netdev.yaml")
ynl() { "${YNL[@]}" "$@"; }
ynl_b() { in_b "${YNL[@]}" "$@"; }
# Live (not detached) page_pools of B's port: their ids, one per line.
pools_b() {
	local ifindex
	ifindex=$(in_b cat "/sys/class/net/$DEV_B/ifindex")
	ynl_b --dump page-pool-get | python3 -c '
import json, sys
for p in json.load(sys.stdin):
    if p.get("ifindex") == int(sys.argv[1]) and "detach-time" not in p:
        print(p["id"])' "$ifindex"
}
# Pages in flight of page_pool ID, and whether it is detached ("ID
# INFLIGHT detached|live"), or nothing once the pool is gone.
pool_state_b() { # ID
	ynl_b --dump page-pool-get | python3 -c '
import json, sys
for p in json.load(sys.stdin):
    if p["id"] == int(sys.argv[1]):
        print(p["id"], p.get("inflight", 0), "detached" if "detach-time" in p else "live")' "$1"
}
# One counter of B's pool (page-pool-stats-get), summed over its pools.
pool_stat_b() { # NAME
	local ids
	mapfile -t ids < <(pools_b)
	ynl_b --dump page-pool-stats-get | python3 -c '
import json, sys
ids = set(int(i) for i in sys.argv[2:])
print(sum(s.get(sys.argv[1], 0) for s in json.load(sys.stdin) if s["info"]["id"] in ids))' \
		"$1" "${ids[@]}"
}

# What the kernel's netdev family can tell: page-pool-get is from Linux
# 6.8, page-pool-stats-get needs CONFIG_PAGE_POOL_STATS, which Debian's
# kernels leave off.  The pool itself works without either.  Whether the
# family has a command is read from its registration (genl ctrl), so a
# command that exists but fails fails the test rather than skipping it.
netdev_has_cmd() {
	genl ctrl get name netdev 2>/dev/null |
		sed -n '/commands supported/,/multicast groups/p' | grep -q "ID-$1 "
}
netdev_has_cmd 0x5 ||
	ktap_skip_all "the kernel's netdev family has no page-pool-get (Linux 6.8): its pools cannot be seen"
pp_stats=1
netdev_has_cmd 0x9 || pp_stats=

ktap_plan 12
if ! e1000_pair e1000sp; then
	ktap_fail "bind e1000sp and link the NICs across two namespaces"
	ktap_finish
fi
ktap_pass "bind e1000sp and link the NICs across two namespaces"

if [ -z "$(pools_b)" ] && echo 1 >"$PARAM" && e1000_rebuild && [ "$(pools_b | wc -l)" = 1 ]; then
	ktap_pass "rx_page_pool=1: after a rebuild page-pool-get lists one pool for $DEV_B (none before)"
else
	ktap_fail "rx_page_pool=1: page-pool-get lists one pool for $DEV_B" \
		"pools now: '$(pools_b | tr '\n' ' ')'"
fi

e1000_traffic page_pool

# Steady state: 100,000 frames or more on B take pages from the pool's
# cache, not from the allocator: each page carries two frames, and a
# recycled one carries two more.  The debug kernel moves about a third as
# many frames per second, so it gets SKBPOOL_SLOW times the rounds to
# reach the same count (its first whole run got 69,213 in six).
[ -n "$pp_stats" ] && slow0=$(pool_stat_b alloc-slow)
rx0=$(e1000_sys "$NS_B" "$DEV_B" rx_packets)
in_b iperf3 -s -1 -D -p 5201 >/dev/null 2>&1
sleep 0.5
for _ in $(seq 1 $((6 * ${SKBPOOL_SLOW:-1}))); do
	in_a timeout 60 iperf3 -c "$E1000_N4.2" -p 5201 -t 5 -w 256K >/dev/null
	[ $(($(e1000_sys "$NS_B" "$DEV_B" rx_packets) - rx0)) -ge 100000 ] && break
	in_b iperf3 -s -1 -D -p 5201 >/dev/null 2>&1
	sleep 0.5
done
rx=$(($(e1000_sys "$NS_B" "$DEV_B" rx_packets) - rx0))
if [ -z "$pp_stats" ]; then
	ktap_skip "page_pool recycles: $rx frames received" \
		"the kernel's netdev family has no page-pool-stats-get (CONFIG_PAGE_POOL_STATS is off)"
else
	slow=$(($(pool_stat_b alloc-slow) - slow0))
	recycled=$(($(pool_stat_b recycle-cached) + $(pool_stat_b recycle-ring)))
	ktap_info "page_pool: $rx frames received, $slow pages from the allocator, $recycled pages recycled in all"
	if [ "$rx" -ge 100000 ] && [ "$slow" -lt $((rx / 20)) ] && [ "$recycled" -gt $((rx / 4)) ]; then
		ktap_pass "page_pool recycles: $rx frames took $slow pages from the allocator"
	else
		ktap_fail "page_pool recycles" "$rx frames, $slow pages from the allocator, $recycled recycled"
	fi
fi

# ethtool -G builds new rings: a new pool replaces the old one.
old=$(pools_b)
if e1000_rings 512 256 && e1000_wait_link && new=$(pools_b) && [ "$(wc -l <<<"$new")" = 1 ] &&
   [ "$new" != "$old" ] && [ -z "$(pool_state_b "$old")" ] && e1000_ping; then
	ktap_pass "ring resize: a new pool ($old -> $new), the old one gone, ping both ways"
else
	ktap_fail "ring resize: a new pool, the old one gone" \
		"pools before '$old', now '$(pools_b | tr '\n' ' ')', old: '$(pool_state_b "$old")'"
fi

# A socket that reads nothing holds 300 frames while the ring is torn
# down: the pool stays, detached, until they are freed, then it goes.
# Not through in_b: $! must be python itself (ip netns exec execs it) for
# the kill that frees the frames.
ip netns exec "$NS_B" python3 "$LIB/udp.py" hold "$E1000_N4.2" 6100 &
HOLDER=$!
sleep 1
in_a python3 "$LIB/udp.py" send "$E1000_N4.2" 6100 300 1000 1000 >/dev/null
sleep 1
held=$(pools_b)
before=$(pool_state_b "$held")
e1000_rebuild
after=$(pool_state_b "$held")
kill -9 "$HOLDER"
wait "$HOLDER" 2>/dev/null
HOLDER=
gone=
for _ in $(seq 1 30); do
	[ -z "$(pool_state_b "$held")" ] && gone=1 && break
	sleep 0.5
done
ktap_info "frames held across a rebuild: before '$before', after '$after', released: ${gone:-no}"
if [ "$(awk '{ print ($2 >= 100) }' <<<"$before")" = 1 ] && [[ $after == "$held "*" detached" ]] &&
   [ "$(awk '{ print $2 }' <<<"$after")" -gt 0 ] && [ -n "$gone" ] && [ "$(pools_b | wc -l)" = 1 ]; then
	ktap_pass "teardown with 300 frames held: the old pool detached with pages in flight, released once they were freed"
else
	ktap_fail "teardown with frames held: detached, then released" \
		"before '$before', after '$after', released ${gone:-no}, live pools '$(pools_b | tr '\n' ' ')'"
fi

# A 9000-byte frame does not fit half a page: the ring goes back to skbs.
if e1000_mtu 9000 && [ -z "$(pools_b)" ]; then
	ktap_pass "MTU 9000: no page_pool (frames too large for a fragment), jumbo ping both ways"
else
	ktap_fail "MTU 9000: no page_pool, jumbo ping both ways" "pools: '$(pools_b | tr '\n' ' ')'"
fi
if e1000_mtu 1500 && [ "$(pools_b | wc -l)" = 1 ]; then
	ktap_pass "MTU 1500: the page_pool is back, full-size ping both ways"
else
	ktap_fail "MTU 1500: the page_pool is back" "pools: '$(pools_b | tr '\n' ' ')'"
fi

if echo 0 >"$PARAM" && e1000_rebuild && [ -z "$(pools_b)" ] && e1000_ping; then
	ktap_pass "rx_page_pool=0: after a rebuild no pool, ping both ways"
else
	ktap_fail "rx_page_pool=0: after a rebuild no pool, ping both ways" \
		"pools: '$(pools_b | tr '\n' ' ')'"
fi
ktap_finish
