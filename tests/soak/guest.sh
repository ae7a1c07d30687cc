#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The soak, inside one guest (make soak; tests/soak/soak.sh boots it):
# rounds for SOAK_MINUTES.  Each round a tagged simnic pair is made afresh
# (4 queues; simnic is unloaded and loaded again between rounds) beside
# the tagged e1000sp pair that lives through the whole run, and each pair
# carries for SOAK_TRAFFIC_S (default 30 s; soak.sh asks for more on the
# debug kernel):
#   - TCP bulk x -> y (iperf3) and UDP bulk y -> x (udpflow.py,
#     SOAK_BULK_RATE datagrams/s, 2,000 by default), neither critical,
#   - a critical UDP stream x -> y, 100 datagrams/s (a port rule on y),
#   - an nbd device on x, exported from y (port rules both ways), written
#     and read back in 4 MiB passes compared byte for byte,
# while changes.sh changes something on each pair every second or so (the
# two pairs' changers at once) and a memory hog comes and goes.  Then the
# changes settle, the traffic stops, and the round's checks run:
#   - no pool buffer leaked: with traffic stopped and every queue polled
#     again (the pool takes buffers back in its poll), no queue has more
#     than LEAK_SLACK buffers held by the stack (ethtool-ext),
#   - no counter that only grows went back (ethtool -S, every 10 s),
#   - simnic: the frames one side sent = the frames the other received,
#     dropped, missed or refused as too long (the pair is new each round,
#     so its counters start at zero),
#   - nbd: every pass read back what it wrote, and at least one finished,
#   - the critical stream: no network stall longer than CRIT_GAP_S (from
#     a send tried to the next arrival; crit_ok), at least 80 % of what
#     was sent received,
#   - memory back to its baseline: with simnic unloaded and e1000sp
#     untagged, page cache dropped, free memory within MEM_SLACK_MIB of
#     what it was at the end of the first round,
#   - the kernel logged no splat (the guest also panics on a WARN).
# Bulk traffic has no bound: emergency drops it by design.
# At the end: kmemleak, when the kernel has it, and the summary table.
set -u
SOAK_DIR=$(cd "$(dirname "$0")" && pwd)
LIB=$SOAK_DIR/../selftests/lib
. "$(dirname "$0")/../selftests/lib/pair.sh"
. "$(dirname "$0")/../selftests/lib/e1000.sh"
. "$(dirname "$0")/../selftests/lib/ext.sh"
. "$(dirname "$0")/../selftests/lib/nbd.sh"
. "$(dirname "$0")/../selftests/lib/hog.sh"
. "$(dirname "$0")/../selftests/lib/wire.sh"
. "$(dirname "$0")/../selftests/lib/kmsg.sh"
. "$(dirname "$0")/changes.sh"

MINUTES=${SOAK_MINUTES:-30}
TRAFFIC_S=${SOAK_TRAFFIC_S:-30}
# The longest a critical datagram may wait: a link flap (1 s), QEMU's
# e1000 holding frames back for 1 s after each receive-control write, a
# ring rebuild, and room for the emulator.
CRIT_GAP_S=10
CRIT_RATE=100
# UDP bulk, 1,200-byte datagrams: 2,000/s is about the 20 Mbit/s iperf3
# sent before; soak.sh asks the debug kernel for less.
BULK_RATE=${SOAK_BULK_RATE:-2000}
# Free memory moves with slab caches, the page tables and netns teardown
# the kernel finishes later; a leak of a pool per round (1,000 pages and
# more) passes this within a few rounds.
MEM_SLACK_MIB=32
# Races need two CPUs: the debug kernel once ran on one for weeks.
echo "soak: $(nproc) of ${SKBPOOL_CPUS:-?} vCPUs online"
# Buffers a queue may still count as held once traffic stopped: the
# poke's last few, and frames the stack still holds for a moment.
LEAK_SLACK=64
SOAK_TMP=$(mktemp -d)

declare -A SIDE_NS SIDE_DEV SIDE_ID SIDE_RULES SIDE_BASE SIDE_ADDR
declare -A CHECKS VIOLATIONS TOTAL
ROUND=0

# soak_check NAME CMD...: one check, run in this shell (it may add to the
# totals); CMD's output says what is wrong.
soak_check() {
	local name=$1
	shift
	CHECKS[$name]=$((${CHECKS[$name]:-0} + 1))
	"$@" >"$SOAK_TMP/check.out" 2>&1 && return 0
	VIOLATIONS[$name]=$((${VIOLATIONS[$name]:-0} + 1))
	echo "soak: VIOLATION round $ROUND, $name: $(head -n 1 "$SOAK_TMP/check.out")"
	tail -n +2 "$SOAK_TMP/check.out" | head -n 44 | sed 's/^/    /'
}

add() { TOTAL[$1]=$((${TOTAL[$1]:-0} + $2)); }

send_errors() { # SENT_JSON: why its sends failed, "(ENOBUFS 3, ...)"
	python3 -c 'import json, sys
try:
    e = json.load(open(sys.argv[1])).get("send_errors", {})
except (OSError, ValueError):
    e = {}
print("(%s)" % ", ".join("%s %d" % i for i in sorted(e.items())))' "$1"
}

jget() { # FILE PYEXPR (d = the JSON): its value, 0 when unreadable
	python3 -c 'import json, sys
try:
    d = json.load(open(sys.argv[1]))
    print(int(eval(sys.argv[2])))
except Exception:
    print(0)' "$1" "$2"
}

sides() { # PAIR NSX DEVX NSY DEVY ADDR_X ADDR_Y
	SIDE_NS[${1}x]=$2 SIDE_DEV[${1}x]=$3 SIDE_NS[${1}y]=$4 SIDE_DEV[${1}y]=$5
	SIDE_ADDR[${1}x]=$6 SIDE_ADDR[${1}y]=$7
	# shellcheck disable=SC2034 # read by changes.sh
	SIDE_RULES[${1}x]=0 SIDE_RULES[${1}y]=0
	# shellcheck disable=SC2034 # the base rules prepare() adds
	SIDE_BASE[${1}x]=1 SIDE_BASE[${1}y]=2
}

# Tag both sides and add the rules that make the stream and nbd critical:
# on y the stream's and the nbd requests' ports, on x the nbd replies'.
prepare() { # PAIR
	local side
	for side in "${1}x" "${1}y"; do
		in_side "$side" ethtool --set-priv-flags "${SIDE_DEV[$side]}" skbpool on || return 1
	done
	in_side "${1}y" "$EXT" rule add "${SIDE_DEV[${1}y]}" critical proto udp dport 7000 &&
		in_side "${1}y" "$EXT" rule add "${SIDE_DEV[${1}y]}" critical proto tcp dport 10809 &&
		in_side "${1}x" "$EXT" rule add "${SIDE_DEV[${1}x]}" critical proto tcp sport 10809
}

simnic_round_up() {
	modprobe simnic || return 1
	pair_new sk 201 202 198.51.100 2001:db8:1 4 || return 1
	# shellcheck disable=SC2154 # set by pair_new
	sides s "$sk_NSX" "$sk_DEVX" "$sk_NSY" "$sk_DEVY" 198.51.100.1 198.51.100.2
	# shellcheck disable=SC2034 # read by changes.sh
	SIDE_ID[sx]=201 SIDE_ID[sy]=202
	prepare s
}

e1000_up() {
	e1000_pair e1000sp || return 1
	sides e "$NS_A" "$DEV_A" "$NS_B" "$DEV_B" 192.0.2.1 192.0.2.2
	prepare e
}

nbd_up() { # PAIR DEV
	mkdir -p "$SOAK_TMP/nbd-$1"
	nbd_attach "${SIDE_NS[${1}y]}" "${SIDE_ADDR[${1}y]}" "${SIDE_NS[${1}x]}" \
		"$SOAK_TMP/nbd-$1" 16M "$2" &&
		head -c 4M /dev/urandom >"$SOAK_TMP/nbd-$1/pattern"
}

# A pass (4 MiB written and read back) that has run for 60 s: what the
# nbd connection and both ports look like, into the log.  The first base
# soak had one pass over simnic take 457 s, with no nbd timeout logged.
nbd_stalled() { # PAIR
	local side
	echo "soak: round $ROUND, an nbd pass on pair $1 has run for 60 s; state:"
	for side in "${1}x" "${1}y"; do
		echo "    $side: $(in_side "$side" ss -tinH state established | tr -s ' \n' ' ' | head -c 600)"
		echo "    $side: $(in_side "$side" ethtool -S "${SIDE_DEV[$side]}" |
			awk '$2 != 0 && $1 ~ /drop|miss|err|exhaust|emerg|stall|timeout/' | tr -s ' \n' ' ' | head -c 600)"
		echo "    $side: $(in_side "$side" "$EXT" show "${SIDE_DEV[$side]}" | head -n 4 | tr -s ' \n' ' ')"
	done
}

# Verified passes until the stop file appears; counts in DIR/passes and
# DIR/fails, this round's only.
nbd_loop() { # PAIR DEV
	local dir=$SOAK_TMP/nbd-$1 ok=0 bad=0 watch
	# shellcheck disable=SC2034 # nbd_verify_pattern's device
	NBD_DEV=$2
	echo 0 >"$dir/passes"
	echo 0 >"$dir/fails"
	: >"$dir/errors"
	while [ ! -e "$SOAK_TMP/stop" ]; do
		(sleep 60 && nbd_stalled "$1") &
		watch=$!
		if nbd_verify_pattern 4 "$dir" 2>>"$dir/errors"; then
			ok=$((ok + 1))
		else
			bad=$((bad + 1))
		fi
		kill "$watch" 2>/dev/null
		wait "$watch" 2>/dev/null
		echo "$ok" >"$dir/passes"
		echo "$bad" >"$dir/fails"
	done
}

# Servers in SERVERS (killed once the clients are done), clients in
# CLIENTS (iperf3 ends within TRAFFIC_S + 60 s), the UDP flows' senders in SENDERS and
# their receivers in RECEIVERS (stopped 2 s after the senders).  ip netns
# exec execs the command, so $! is the command itself.  UDP bulk is a
# udpflow.py stream, not iperf3: iperf3 ends its UDP test on the first
# send that fails, and a link flap (an administrative down drops the
# routes) made every such run end there, leaving no bulk for the rest of
# the round.
traffic_start() { # PAIR
	local p=$1 d=$SOAK_TMP/t-$1 x=${SIDE_ADDR[${1}x]} y=${SIDE_ADDR[${1}y]}
	local nx=${SIDE_NS[${1}x]} ny=${SIDE_NS[${1}y]}
	rm -rf "$d"
	mkdir -p "$d"
	ip netns exec "$ny" timeout $((TRAFFIC_S + 70)) iperf3 -s -1 -p 5201 >/dev/null 2>&1 &
	SERVERS+=($!)
	ip netns exec "$nx" python3 "$LIB/udpflow.py" recv "$x" 5202 60 >"$d/udp.json" &
	RECEIVERS+=($!)
	ip netns exec "$ny" env UDPFLOW_LOG="$d/crit-got.log" python3 "$LIB/udpflow.py" \
		recv "$y" 7000 60 "$d/ready" >"$d/crit.json" &
	RECEIVERS+=($!)
	sleep 1
	ip netns exec "$nx" timeout $((TRAFFIC_S + 60)) iperf3 -c "$y" -p 5201 -t "$TRAFFIC_S" -J >"$d/tcp.json" 2>&1 &
	CLIENTS+=($!)
	# A sender ends after TRAFFIC_S whatever it sent: on the debug kernel
	# the bulk one keeps well short of its rate, and catching up for
	# minutes after the changes stopped made a round 26 minutes long.
	ip netns exec "$ny" env UDPFLOW_SECONDS="$TRAFFIC_S" python3 "$LIB/udpflow.py" \
		send "$x" 5202 $((TRAFFIC_S * BULK_RATE)) "$BULK_RATE" 1200 >"$d/udp-sent.json" &
	SENDERS+=($!)
	ip netns exec "$nx" env UDPFLOW_SECONDS="$TRAFFIC_S" UDPFLOW_LOG="$d/crit-tries.log" \
		python3 "$LIB/udpflow.py" send "$y" 7000 $((TRAFFIC_S * CRIT_RATE)) "$CRIT_RATE" >"$d/sent.json" &
	SENDERS+=($!)
}

snap_all() {
	local side
	for side in "${!SIDE_NS[@]}"; do
		python3 "$SOAK_DIR/counters.py" snap "${SIDE_NS[$side]}" "${SIDE_DEV[$side]}" \
			"$SOAK_TMP/snap-$side" 2>/dev/null
	done
}

# What one simnic port sent, the other received or counted as lost.
wire_ok() { # FROM TO
	local sent got
	read -r sent got < <(wire_balanced "${SIDE_NS[$1]}" "${SIDE_DEV[$1]}" \
		"${SIDE_NS[$2]}" "${SIDE_DEV[$2]}")
	[ "$sent" -eq "$got" ] && return 0
	echo "$1 sent $sent frames, $2 accounts for $got (received, dropped, missed, too long)"
	return 1
}

# An iperf3 run that ended in an error: counted and its error shown (bulk
# traffic has no bound, but a run that never happened is not a figure).
bulk_ran() { # PAIR tcp
	local f=$SOAK_TMP/t-$1/$2.json err
	err=$(python3 -c 'import json, sys
try:
    print(json.load(open(sys.argv[1])).get("error", ""))
except Exception as e:
    print("no JSON: %s" % e)' "$f")
	[ -z "$err" ] && return 0
	add "bulk_fail_$1" 1
	echo "soak: round $ROUND, $2 bulk on pair $1 failed: $err"
}

# The critical stream's bound is on the network's stall (udpflow.py
# stall): from the first send tried after an arrival to the next arrival,
# so that a sender or reader the CPU starved does not count; on the debug
# kernel under a hog the sender ran minutes late (2026-12-06).  A change
# on the same pair that interrupts its path by design (OUTAGES: a link
# flap, a queue rebuild) counts from its end: the bound is on how long
# the flow takes to come back, since a starved changer kept a "1 s" link
# flap down for 14 s (2026-12-06).  Reserve, emergency and rule changes
# are not meant to interrupt anything and are not excused.  The
# plain longest wait (between two arrivals, from the stream's start to
# the first, from the last to its end) is reported beside it.  On a
# violation: where in the stream the stall was, how late the sender ran
# at worst, its failed sends, and the changes and hog under way meanwhile.
OUTAGES="tag rings channels mtu link fault"
crit_ok() { # PAIR
	local d=$SOAK_TMP/t-$1 sent got wait stall from to zero late late_at through
	sent=$(jget "$d/sent.json" 'd["sent"]')
	got=$(jget "$d/crit.json" 'd["received"]')
	# The tally's times are since boot; the logs' are the wall clock.
	python3 -c 'import json, sys
s = json.load(open(sys.argv[1]))
with open(sys.argv[2]) as f:
    off = float(f.readline()) - s["start_mono"]
for line in open(sys.argv[3]):
    k = line.split()
    if len(k) >= 5 and k[4] == sys.argv[4] and k[0] in sys.argv[5].split():
        print("%.6f %.6f" % (float(k[2]) + off, float(k[3]) + off))' \
		"$d/sent.json" "$d/crit-tries.log" "$SOAK_TMP/tally" "$1" "$OUTAGES" >"$d/spans" 2>/dev/null
	python3 "$LIB/udpflow.py" stall "$d/crit-tries.log" "$d/crit-got.log" "$d/spans" >"$d/stall.json" 2>&1
	read -r wait stall from to zero late late_at through < <(python3 -c 'import json, sys
s = json.load(open(sys.argv[1]))
r = json.load(open(sys.argv[2]))
st = json.load(open(sys.argv[3]))
t0, t1 = s["start_mono"], s["end_mono"]
w = [t1 - t0]
if r["received"]:
    w = [r["first_mono"] - t0, t1 - r["last_mono"], r["max_gap_s"]]
late_at = s.get("late_max_due_mono")
frm = t0 + (st["stall_from_s"] or 0)
print(int(max(w) * 1000), int(st["stall_s"] * 1000), frm, frm + st["stall_s"], t0,
      s.get("late_max_s", "?"), "?" if late_at is None else "%.1f" % (late_at - t0),
      int(st.get("stall_through_s", 0) * 1000))' \
		"$d/sent.json" "$d/crit.json" "$d/stall.json" 2>/dev/null)
	add "crit_sent_$1" "$sent"
	add "crit_got_$1" "$got"
	# Every round, pass or fail: the margin under the bound, and how much
	# of the worst stall the pair's own outages made on purpose excused.
	# (soak_check shows a check's output only when it fails: kept aside.)
	[ -n "$stall" ] && echo "soak: round $ROUND pair $1 critical: $got of $sent arrived," \
		"network stall ${stall} ms (${through} ms counting the pair's own outages)," \
		"longest wait ${wait} ms" >"$d/margin"
	[ -n "$stall" ] && [ "$sent" -gt 0 ] && [ $((got * 100)) -ge $((sent * 80)) ] &&
		[ "$stall" -le $((CRIT_GAP_S * 1000)) ] && return 0
	echo "pair $1: $got of $sent critical datagrams, network stall ${stall:-?} ms (longest wait ${wait:-?} ms)"
	[ -n "$stall" ] || { head -c 300 "$d/stall.json"; return 1; }
	echo "pair $1: the stall began (or the last change on the pair ended) $(awk -v a="$from" -v z="$zero" 'BEGIN { printf "%.1f", a - z }') s into the stream;" \
		"the sender ran at most $late s late ($late_at s in), failed $(jget "$d/sent.json" 'd["send_failed"]') sends $(send_errors "$d/sent.json");" \
		"changes meanwhile: $(change_during "$from" "$to" "$zero")"
	return 1
}

# What the UDP senders managed against their window: on a slow kernel
# the offered rate is the first thing to fall short.
senders_said() {
	local p
	for p in s e; do
		python3 -c 'import json, sys
for f, what in ((sys.argv[1], "bulk"), (sys.argv[2], "critical")):
    try:
        d = json.load(open(f))
    except (OSError, ValueError):
        print("soak: round %s pair %s: no %s sender report" % (sys.argv[3], sys.argv[4], what))
        continue
    why = ", ".join("%s %d" % e for e in sorted(d.get("send_errors", {}).items()))
    print("soak: round %s pair %s %s: %d sent, %d failed%s in %.0f s, at worst %.1f s late"
          % (sys.argv[3], sys.argv[4], what, d["sent"], d["send_failed"],
             why and " (%s)" % why, d["seconds"], d.get("late_max_s", 0)))' \
			"$SOAK_TMP/t-$p/udp-sent.json" "$SOAK_TMP/t-$p/sent.json" "$ROUND" "$p"
	done
}

nbd_ok() { # PAIR
	local dir=$SOAK_TMP/nbd-$1 ok bad
	ok=$(cat "$dir/passes" 2>/dev/null || echo 0)
	bad=$(cat "$dir/fails" 2>/dev/null || echo 0)
	add "nbd_mib_$1" $((ok * 4))
	add "nbd_fail_$1" "$bad"
	[ "$ok" -gt 0 ] && [ "$bad" -eq 0 ] && return 0
	echo "pair $1: $ok nbd passes, $bad failed: $(tail -n 1 "$dir/errors" 2>/dev/null)"
	return 1
}

# A pool looks at two held buffers per buffer it posts, and takes them
# back if the stack let go of them (core/rx.c): 7,680 datagrams each way,
# over 64 ports so that simnic spreads them over all its queues by their
# hash, post more buffers on every queue than its pool has (1,280 at most
# here).  A trickle ends it, a datagram every 2 ms, so the last polls are
# small: a burst's last poll leaves up to a NAPI budget of frames that no
# later post looks at (79 once in 14 rounds, over LEAK_SLACK).
poke() { # PAIR
	local side peer
	for side in "${1}x" "${1}y"; do
		peer=${1}$([ "${side#?}" = x ] && echo y || echo x)
		in_side "$side" python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(120):
    for port in range(40000, 40064):
        try:
            s.sendto(b"poke", (sys.argv[1], port))
        except OSError:
            pass
    time.sleep(0.005)
for i in range(256):
    try:
        s.sendto(b"poke", (sys.argv[1], 40000 + i % 64))
    except OSError:
        pass
    time.sleep(0.002)' "${SIDE_ADDR[$peer]}"
	done
}

no_leak() { # SIDE
	in_side "$1" "$EXT" -j show "${SIDE_DEV[$1]}" >"$SOAK_TMP/show.json" &&
		python3 "$SOAK_DIR/counters.py" leaks "$SOAK_TMP/show.json" "$LEAK_SLACK"
}

# The kernel's log since the last call (the harness copies it to a file).
no_splat() {
	local s old=$KMSG_MARK
	KMSG_MARK=$(kmsg_mark)
	s=$(kmsg_splat "$old")
	[ -z "$s" ] && return 0
	echo "$s"
	kmsg_context "$old"
	return 1
}

# Free memory, with no pool anywhere and the page cache dropped, against
# the first round's.
mem_back() {
	local free
	e_tag off
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 3
	free=$(awk '$1 == "MemFree:" { print int($2 / 1024) }' /proc/meminfo)
	MEM_BASE=${MEM_BASE:-$free}
	echo "free memory $free MiB against the first round's $MEM_BASE MiB ($((free - MEM_BASE)))"
	[ $((MEM_BASE - free)) -le "$MEM_SLACK_MIB" ]
}

e_tag() { # on|off
	in_side ex ethtool --set-priv-flags "${SIDE_DEV[ex]}" skbpool "$1" &&
		in_side ey ethtool --set-priv-flags "${SIDE_DEV[ey]}" skbpool "$1"
}

round() {
	local p side mem nbd_s=0 pids=() changers=() end hog_at snapped=$SECONDS
	ROUND=$((ROUND + 1))
	rm -f "$SOAK_TMP/stop" "$SOAK_TMP"/snap-s?
	SERVERS=() CLIENTS=() SENDERS=() RECEIVERS=()
	if ! simnic_round_up; then
		soak_check "simnic pair comes up" false
		simnic_round_down
		sleep 5
		return 1
	fi
	e_tag on || soak_check "e1000sp tags again" false
	if nbd_up s /dev/nbd0; then
		nbd_s=1
	else
		soak_check "nbd attaches over simnic" false
	fi
	for p in s e; do
		traffic_start "$p"
	done
	if [ $nbd_s = 1 ]; then
		nbd_loop s /dev/nbd0 &
		pids+=($!)
	fi
	nbd_loop e /dev/nbd1 &
	pids+=($!)
	snap_all
	end=$((SECONDS + TRAFFIC_S - 3))
	changers=()
	for p in s e; do
		change_loop "$p" "$end" &
		changers+=($!)
	done
	# One hog a round, 2 to 9 s in: a chance per second left the debug
	# kernel's slow rounds (four snapshots each) with none in 30 minutes.
	hog_at=$((SECONDS + 2 + RANDOM % 8))
	while [ "$SECONDS" -lt "$end" ]; do
		sleep 1
		if [ -n "$hog_at" ] && [ "$SECONDS" -ge "$hog_at" ]; then
			change_hog
			hog_at=
		fi
		hog_tick
		if [ $((SECONDS - snapped)) -ge 10 ]; then
			snap_all
			snapped=$SECONDS
		fi
	done
	wait "${changers[@]}"
	for p in s e; do
		change_rules_back "$p" || soak_check "rule counts come back from the changer" false
	done
	change_settle
	touch "$SOAK_TMP/stop"
	wait "${SENDERS[@]}"
	senders_said
	sleep 2
	kill -TERM "${RECEIVERS[@]}" 2>/dev/null
	wait "${pids[@]}" "${CLIENTS[@]}" "${RECEIVERS[@]}"
	kill "${SERVERS[@]}" 2>/dev/null
	wait "${SERVERS[@]}" 2>/dev/null
	sleep 2
	snap_all
	for p in s e; do
		rm -f "$SOAK_TMP/t-$p/margin"
		soak_check "critical stream flows" crit_ok "$p"
		cat "$SOAK_TMP/t-$p/margin" 2>/dev/null
		[ "$p" = e ] || [ $nbd_s = 1 ] && soak_check "nbd data intact" nbd_ok "$p"
		add "tcp_bytes_$p" "$(jget "$SOAK_TMP/t-$p/tcp.json" 'd["end"]["sum_received"]["bytes"]')"
		add "udp_sent_$p" "$(jget "$SOAK_TMP/t-$p/udp-sent.json" 'd["sent"]')"
		add "udp_got_$p" "$(jget "$SOAK_TMP/t-$p/udp.json" 'd["received"]')"
		bulk_ran "$p" tcp
	done
	for p in s e; do
		poke "$p"
	done
	for side in "${!SIDE_NS[@]}"; do
		soak_check "no pool buffer leaked" no_leak "$side"
		soak_check "counters only grow" python3 "$SOAK_DIR/counters.py" monotonic "$SOAK_TMP/snap-$side"
		# The next round compares with this reading only.
		tail -n 1 "$SOAK_TMP/snap-$side" >"$SOAK_TMP/snap.last" &&
			mv "$SOAK_TMP/snap.last" "$SOAK_TMP/snap-$side"
	done
	soak_check "simnic frames in = delivered + dropped" wire_ok sx sy
	soak_check "simnic frames in = delivered + dropped" wire_ok sy sx
	# simnic goes, and comes back as a fresh module next round.
	[ $nbd_s = 1 ] && nbd-client -d /dev/nbd0 >/dev/null 2>&1
	simnic_round_down
	soak_check "memory back to its baseline" mem_back
	mem=$(tail -n 1 "$SOAK_TMP/check.out")
	soak_check "no kernel splat" no_splat
	echo "soak: round $ROUND done at $((SECONDS / 60)) min: $(summary_line); $mem"
}

simnic_round_down() {
	local side
	pair_cleanup
	for side in sx sy; do
		unset "SIDE_NS[$side]" "SIDE_DEV[$side]"
	done
}

summary_line() {
	local v=0 c=0 k
	for k in "${!CHECKS[@]}"; do
		c=$((c + CHECKS[$k]))
		v=$((v + ${VIOLATIONS[$k]:-0}))
	done
	echo "$c checks, $v violations"
}

mib() { echo $(($1 >> 20)); }

# The leak report's first objects, with their backtraces, when there is one.
kmemleak_clean() {
	local n
	n=$(grep -c "unreferenced object" /sys/kernel/debug/kmemleak)
	[ "$n" -eq 0 ] && return 0
	echo "$n unreferenced objects"
	head -n 60 /sys/kernel/debug/kmemleak
	return 1
}

summary() {
	local k
	echo "SOAK SUMMARY ($(uname -r), $MINUTES min asked, $ROUND rounds, $((SECONDS / 60)) min run)"
	printf '%-42s %8s %8s\n' "change" "made" "failed"
	while read -r k made failed; do
		printf '%-42s %8d %8d\n' "$k" "$made" "$failed"
	done <<<"$TALLY"
	printf '%-42s %8s %8s\n' "traffic" "simnic" "e1000sp"
	printf '%-42s %8d %8d\n' "TCP bulk received (MiB)" "$(mib "${TOTAL[tcp_bytes_s]:-0}")" \
		"$(mib "${TOTAL[tcp_bytes_e]:-0}")"
	printf '%-42s %8d %8d\n' "UDP bulk datagrams sent" "${TOTAL[udp_sent_s]:-0}" "${TOTAL[udp_sent_e]:-0}"
	printf '%-42s %8d %8d\n' "UDP bulk datagrams received" "${TOTAL[udp_got_s]:-0}" "${TOTAL[udp_got_e]:-0}"
	printf '%-42s %8d %8d\n' "TCP bulk runs failed (iperf3)" "${TOTAL[bulk_fail_s]:-0}" "${TOTAL[bulk_fail_e]:-0}"
	printf '%-42s %8d %8d\n' "critical datagrams sent" "${TOTAL[crit_sent_s]:-0}" "${TOTAL[crit_sent_e]:-0}"
	printf '%-42s %8d %8d\n' "critical datagrams received" "${TOTAL[crit_got_s]:-0}" "${TOTAL[crit_got_e]:-0}"
	printf '%-42s %8d %8d\n' "nbd verified (MiB)" "${TOTAL[nbd_mib_s]:-0}" "${TOTAL[nbd_mib_e]:-0}"
	printf '%-42s %8d %8d\n' "nbd passes failed" "${TOTAL[nbd_fail_s]:-0}" "${TOTAL[nbd_fail_e]:-0}"
	printf '%-42s %8s %8s\n' "check" "run" "violated"
	while IFS= read -r k; do
		printf '%-42s %8d %8d\n' "$k" "${CHECKS[$k]}" "${VIOLATIONS[$k]:-0}"
	done < <(printf '%s\n' "${!CHECKS[@]}" | sort)
	echo "SOAK RESULT: $(summary_line)"
}

cleanup() {
	touch "$SOAK_TMP/stop"
	hog_stop
	nbd-client -d /dev/nbd0 >/dev/null 2>&1
	nbd-client -d /dev/nbd1 >/dev/null 2>&1
	pair_cleanup
	e1000_cleanup
	rm -rf "$SOAK_TMP"
}
trap cleanup EXIT

sysctl -qw net.core.rmem_max=8388608
KMSG_MARK=$(kmsg_mark) || { echo "soak: no kernel log at $KMSG"; exit 1; }
[ -e /sys/kernel/debug/kmemleak ] && echo clear >/sys/kernel/debug/kmemleak
nbd_load || { echo "soak: cannot load nbd"; exit 1; }
e1000_up || { echo "soak: the e1000sp pair did not come up"; exit 1; }
nbd_up e /dev/nbd1 || { echo "soak: nbd over e1000sp did not attach"; exit 1; }
start=$SECONDS
while [ $((SECONDS - start)) -lt $((MINUTES * 60)) ]; do
	round
done
TALLY=$(change_tally)	# before cleanup removes the tally
if [ -e /sys/kernel/debug/kmemleak ]; then
	cleanup
	trap - EXIT
	echo scan >/sys/kernel/debug/kmemleak
	sleep 5
	echo scan >/sys/kernel/debug/kmemleak
	mkdir -p "$SOAK_TMP"	# for soak_check's output; cleanup removed it
	soak_check "kmemleak clean" kmemleak_clean
fi
summary
v=$(summary_line)
[ "${v#*checks, }" = "0 violations" ]
