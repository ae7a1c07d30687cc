#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The sending guest of make bench-flood (tests/bench/flood.sh), on the
# in-tree e1000.  Connects to the receiver's control port, then climbs the
# ladder: at each rung a flood of FLOOD_LEN-byte UDP datagrams at the
# rung's rate (0: as fast as this vCPU sends; fieldload blast) and, one
# second into it, CRIT_COUNT numbered critical datagrams at CRIT_RATE/s
# (udpflow.py).  The receiver says how many critical datagrams its
# application read; the ladder stops at the first rung that lost one.
#
#   flood_server.sh LADDER FLOOD_LEN CRIT_COUNT CRIT_RATE
#     LADDER   rates, comma-separated, e.g. 4000,8000,16000,0
#
# One "FLOOD_RUNG rate R sent N errors E seconds S crit_sent C crit_failed F got G
# max_gap X missed M rcvbuf B dropped D" line per rung, then "FIELD_END
# done".
set -u
ladder=${1//,/ } flood_len=$2 crit_count=$3 crit_rate=$4
repo=$(cd "$(dirname "$0")/../.." && pwd)
load=$repo/build/field/fieldload
udpflow=$repo/tests/selftests/lib/udpflow.py
WHO=server
# shellcheck source=tests/field/guest_steps.sh
. "$repo/tests/field/guest_steps.sh"
ME=192.0.2.2
PEER=192.0.2.1
PEER_MAC=52:54:00:00:5b:01
CRIT_PORT=7000
CTL_PORT=7999
FLOOD_PORT=9000

at nic
one_nic e1000
ip addr add "$ME/24" dev "$dev" && ip link set "$dev" up &&
	ip neigh replace "$PEER" lladdr "$PEER_MAC" dev "$dev" nud permanent ||
	fail "cannot configure $dev"

at connect
ok=0
for _ in $(seq 1 120); do
	exec 3<>"/dev/tcp/$PEER/$CTL_PORT" 2>/dev/null && ok=1 && break
	sleep 1
done
[ $ok = 1 ] || fail "no control connection to $PEER:$CTL_PORT in 120 s"

# The flood outlasts the critical flow by a second on each side.
secs=$((crit_count / crit_rate + 2))
for rate in $ladder; do
	at "rung $rate"
	echo start >&3
	read -t 60 -r answer <&3 || fail "the receiver did not answer start"
	[ "$answer" = ready ] || fail "the receiver answered '$answer' to start"
	"$load" blast $PEER $FLOOD_PORT "$flood_len" "$rate" $secs >/tmp/flood-blast.out &
	blast=$!
	sleep 1
	# Its own band of this machine's qdisc: what the bench measures is the
	# receiver, not a 1,000-packet queue here overflowing while this
	# one-vCPU guest stalls (the flood's datagrams and failed sends are
	# counted in the rung's line either way).
	UDPFLOW_PRIORITY=6 python3 "$udpflow" send $PEER $CRIT_PORT "$crit_count" "$crit_rate" \
		>/tmp/flood-crit.json || fail "udpflow.py send failed"
	wait $blast || fail "fieldload blast failed"
	echo stop >&3
	read -t 60 -r answer <&3 || fail "the receiver did not answer stop"
	sent=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sent"])' /tmp/flood-crit.json)
	failed=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["send_failed"])' /tmp/flood-crit.json)
	echo "FLOOD_RUNG rate $rate $(sed -n 's/^FLOOD_SENT //p' /tmp/flood-blast.out) crit_sent $sent crit_failed $failed $answer"
	got=$(sed -n 's/^got \([0-9]*\) .*/\1/p' <<<"$answer")
	[ "${got:-0}" -lt "$sent" ] && break
done

at quit
echo quit >&3
read -t 10 -r _ <&3
exec 3>&-
echo "FIELD_END done"
