#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench-flood: how hard a flood may hit a NIC before a critical flow
# on it loses a datagram.  Two guests on one wire (tests/field/guests.sh),
# each with one emulated 82540EM and one vCPU, so the sender never shares
# a CPU with the receiver: the sending guest (in-tree e1000) climbs a
# ladder of flood rates with a critical flow beside each rung
# (flood_server.sh); the receiving guest runs the configuration under test
# (flood_client.sh): e1000sp tagged in forced emergency, or the in-tree
# e1000.  Per round, the flood the tagged NIC absorbed with nothing lost
# over the flood at which the in-tree driver first lost; rounds alternate
# which configuration goes first.  Prints the ladders and the ratio,
# writes build/bench/flood.json and draws build/bench/flood.png.
#
# Environment: ROUNDS [3], LADDER [4000 8000 16000 32000 64000 0] (flood
# datagrams/s; 0: as fast as the sender goes), FLOOD_LEN [64] (bytes),
# FLOOD_TIMEOUT [900] (seconds, one guest).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
top=$repo/build/field
TIMEOUT=${FLOOD_TIMEOUT:-900}
ROUNDS=${ROUNDS:-3}
LADDER=${LADDER:-4000 8000 16000 32000 64000 0}
FLOOD_LEN=${FLOOD_LEN:-64}
CRIT_COUNT=2000
CRIT_RATE=400

die() {
	echo "bench-flood: $*" >&2
	exit 1
}

# The kernel, fieldload and the modules staged; boot, mon, stop_guest.
. "$repo/tests/field/guests.sh"

runs=$repo/build/bench/flood-runs
out=$repo/build/bench/flood
rm -rf "$runs"
mkdir -p "$runs"

# What the wire itself dropped.  The wire is a pair of UDP sockets on the
# host's loopback (QEMU's dgram netdev).  QEMU's e1000 model takes no frame
# while its ring has no free descriptor, and QEMU then leaves the socket
# unread: a receiver that does not keep up overflows its socket, and the
# host drops there, unseen by either guest (no MAC miss, no socket drop):
# the host's UdpRcvbufErrors.  Host-wide: the benches run alone.
host_udp_drops() {
	awk '$1 == "Udp:" && $2 ~ /^[0-9]+$/ { print $6 }' /proc/net/snmp
}

# Writes "RUNGS DROPS" to FILE each time the sender has printed one more
# rung line: the host's drops by the end of each rung ("0 DROPS" first).
wire_sampler() { # SDIR FILE
	local n=0 seen
	echo "0 $(host_udp_drops)" >"$2"
	while :; do
		seen=$(grep -c '^FLOOD_RUNG ' "$1/out" 2>/dev/null)
		if [ "${seen:-0}" -gt "$n" ]; then
			n=$seen
			echo "$n $(host_udp_drops)" >>"$2"
		fi
		sleep 0.2
	done
}

# The receiver ends by itself once the sender says quit: only an error
# status, or a guest gone without one, is a failure.
receiver_failed() { # DIR PID
	local st
	st=$(done_status "$1")
	[ -n "$st" ] && [ "$st" != 0 ] && return 0
	[ -z "$st" ] && ! kill -0 "$2" 2>/dev/null
}

# One ladder: the receiver boots first and listens; the sender connects,
# climbs and ends both.  Its rungs go to RUNS/CONFIG-ROUND/rungs.
run_one() { # CONFIG ROUND
	local name=$1-$2 dir cdir sdir cpid spid t0 sampler where=''
	local p1=$((20000 + ($$ % 10000) * 2)) p2
	p2=$((p1 + 1))
	dir=$runs/$name
	cdir=$dir/client
	sdir=$dir/server
	mkdir -p "$cdir" "$sdir"
	printf 'exec bash %s %s\n' "$here/flood_client.sh" "$1" >"$cdir/cmd"
	printf 'exec bash %s %s %s %s %s\n' "$here/flood_server.sh" "${LADDER// /,}" \
		"$FLOOD_LEN" "$CRIT_COUNT" "$CRIT_RATE" >"$sdir/cmd"
	t0=$(date +%s)
	boot cpid "$cdir" 1024 1 "$p2" "$p1" 52:54:00:00:5b:01
	while ! grep -q '^FLOOD_READY' "$cdir/out"; do
		if [ -n "$(done_status "$cdir")" ] || ! kill -0 "$cpid" 2>/dev/null; then
			where="receiver: $(first_error "$cdir") (step $(last_step "$cdir"))"
			break
		fi
		if [ $(($(date +%s) - t0)) -ge 300 ]; then
			where="receiver: step $(last_step "$cdir") timed out after 300 s"
			break
		fi
		sleep 1
	done
	if [ -z "$where" ]; then
		wire_sampler "$sdir" "$dir/wire" &
		sampler=$!
		boot spid "$sdir" 512 1 "$p1" "$p2" 52:54:00:00:5b:02
		while [ -z "$(done_status "$sdir")" ]; do
			if ! kill -0 "$spid" 2>/dev/null; then
				where="sender: guest died at step $(last_step "$sdir")"
				break
			fi
			if receiver_failed "$cdir" "$cpid"; then
				where="receiver: $(first_error "$cdir") (step $(last_step "$cdir"))"
				break
			fi
			if [ $(($(date +%s) - t0)) -ge "$TIMEOUT" ]; then
				where="sender: step $(last_step "$sdir") still running after ${TIMEOUT} s"
				break
			fi
			sleep 1
		done
		[ -z "$where" ] && [ "$(done_status "$sdir")" != 0 ] &&
			where="sender: $(first_error "$sdir")"
		# The receiver ends on the sender's quit.
		for _ in $(seq 1 60); do
			[ -n "$(done_status "$cdir")" ] && break
			sleep 1
		done
		stop_guest "$sdir" "$spid"
		kill "$sampler" 2>/dev/null
		wait "$sampler" 2>/dev/null
	fi
	stop_guest "$cdir" "$cpid"
	# Each rung's line with the wire's drops during it.
	sed -n 's/^FLOOD_RUNG //p' "$sdir/out" 2>/dev/null |
		awk -v wire="$dir/wire" 'BEGIN { while ((getline l < wire) > 0) { split(l, f, " "); at[f[1]] = f[2] } }
			{ n++; d = (n in at && (n - 1) in at) ? at[n] - at[n - 1] : -1; print $0 " wire_dropped " d }' \
		>"$dir/rungs"
	sed 's/^/  /' "$dir/rungs"
	[ -z "$where" ] && return 0
	echo "bench-flood: $name: $where (guests' output in $dir)"
	return 1
}

for round in $(seq 1 "$ROUNDS"); do
	order="tagged stock"
	[ $((round % 2)) = 0 ] && order="stock tagged"
	for config in $order; do
		echo "# flood: round $round, receiver $config"
		run_one "$config" "$round" || exit 1
	done
done

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
machine="QEMU $(qemu-system-x86_64 --version | sed -n 's/.*version \([^ ]*\).*/\1/p') TCG, two guests of 1 vCPU each, host $cpu, $(nproc) cores"
python3 - "$runs" "$out" "$machine" "$FLOOD_LEN" "$CRIT_RATE" "$ROUNDS" <<'PY' || exit 1
import json, statistics, sys
runs, out, machine, flood_len, crit_rate, rounds = sys.argv[1:7]


def ladder(config, rnd):
    rungs = []
    for line in open('%s/%s-%s/rungs' % (runs, config, rnd)):
        f = line.split()
        kv = dict(zip(f[0::2], f[1::2]))
        rungs.append({'asked': int(kv['rate']), 'sent': int(kv['sent']),
                      'seconds': float(kv['seconds']),
                      'pps': round(int(kv['sent']) / float(kv['seconds'])),
                      'crit_sent': int(kv['crit_sent']), 'got': int(kv['got']),
                      'crit_send_failed': int(kv.get('crit_failed', 0)),
                      'max_gap_s': float(kv['max_gap']), 'missed': int(kv['missed']),
                      'rcvbuf': int(kv['rcvbuf']), 'dropped': int(kv['dropped']),
                      'wire_dropped': int(kv.get('wire_dropped', -1))})
    # Absorbed: the highest flood with nothing lost before the first loss;
    # first loss: the flood at the first rung that lost (0: none did).
    absorbed = first_loss = 0
    for r in rungs:
        if r['got'] < r['crit_sent']:
            first_loss = r['pps']
            break
        absorbed = max(absorbed, r['pps'])
    return rungs, absorbed, first_loss


res = {'flood_len': int(flood_len), 'critical_rate': int(crit_rate),
       'machine': machine, 'ladders': {}}
fig = {'tagged': [], 'stock': []}
for rnd in range(1, int(rounds) + 1):
    for config in fig:
        rungs, absorbed, first_loss = ladder(config, rnd)
        res['ladders']['%s-%d' % (config, rnd)] = rungs
        fig[config].append((absorbed, first_loss))
for config, rows in fig.items():
    res[config + '_rounds'] = rows
ratios = [t[0] / s[1] for t, s in zip(fig['tagged'], fig['stock']) if s[1]]
res['tagged_capped'] = any(t[1] == 0 for t in fig['tagged'])
res['stock_never_lost'] = all(s[1] == 0 for s in fig['stock'])
res['tagged_absorbed_pps'] = round(statistics.median(t[0] for t in fig['tagged']))
res['stock_absorbed_pps'] = round(statistics.median(s[0] for s in fig['stock']))
res['stock_first_loss_pps'] = round(statistics.median(s[1] for s in fig['stock']))
if ratios:
    res['tagged_vs_stock_flood'] = round(statistics.median(ratios), 2)
    res['tagged_vs_stock_flood_spread'] = [round(min(ratios), 2), round(max(ratios), 2)]
json.dump(res, open(out + '.json', 'w'), indent=1)
print()
print('flood of %d-byte UDP datagrams beside a critical flow of %d datagrams/s'
      % (res['flood_len'], res['critical_rate']))
print('  e1000sp tagged, emergency: absorbed %d/s with nothing lost (median of rounds)%s'
      % (res['tagged_absorbed_pps'],
         '; the ladder or the sender topped out first' if res['tagged_capped'] else ''))
if res['stock_never_lost']:
    print('  in-tree e1000: lost nothing up to %d/s: no ratio (the sender tops out first)'
          % res['stock_absorbed_pps'])
else:
    print('  in-tree e1000: first critical loss at %d/s' % res['stock_first_loss_pps'])
if ratios:
    print('  tagged absorbed / stock first loss, per round: %.2f (%.2f-%.2f)%s'
          % ((res['tagged_vs_stock_flood'],) + tuple(res['tagged_vs_stock_flood_spread']) +
             (' (a lower bound)' if res['tagged_capped'] else '',)))
print('machine: ' + machine)
with open(out + '.dat', 'w') as f:
    for i, (t, s) in enumerate(zip(fig['tagged'], fig['stock']), 1):
        f.write('%d %d %d %d\n' % (i, t[0], s[1], s[0]))
PY

gnuplot <<GP || echo "bench-flood: gnuplot failed: no chart"
set terminal pngcairo noenhanced size 640,420 font ",10"
set output "$out.png"
set title "bench-flood: flood beside a critical flow, per round, two guests"
set xlabel "round"
set xtics 1
set yrange [0:*]
set key bottom right
set style data histogram
set style fill solid 0.8
set ylabel "flood datagrams/s"
plot "$out.dat" u 2:xtic(1) t "e1000sp tagged: absorbed, 0 critical lost", \
     "" u 3 t "in-tree e1000: first critical loss", \
     "" u 4 t "in-tree e1000: absorbed, 0 critical lost"
GP
echo "== written: build/bench/flood.json, build/bench/flood.png"
