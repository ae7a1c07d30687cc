#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The field experiment (Documentation/field.rst): swap over NBD and NFS in
# a memory-starved client guest while a server guest floods the same wire.
# Two QEMU guests, one emulated 82540EM each, joined back to back by a
# QEMU dgram netdev on 127.0.0.1 (nothing else is on that wire).
#
#   field.sh bench   every FIELD_CONFIGS x FIELD_WORKLOADS, FIELD_ROUNDS
#                    times; build/bench/field.json, a table, the charts
#   field.sh check   the short form for make check: one swap-nbd run on
#                    the tagged client at FIELD_CHECK_FACTOR x RAM with
#                    the flood; KTAP, then "N passed, N failed"
#
# Environment (defaults in brackets):
#   FIELD_CONFIGS    [tagged untagged stock]  client NIC: e1000sp tagged,
#                    e1000sp untagged, the in-tree e1000
#   FIELD_WORKLOADS  [swap-nbd swap-nfs wire-pull]  also wire-pull-held
#                    (tagged only: emergency held on across the outage)
#   FIELD_ROUNDS     [3]     runs of each configuration and workload
#   FIELD_MEM        [256]   client RAM, MiB
#   FIELD_FACTOR     [4]     the workers map FACTOR x FIELD_MEM in all
#   FIELD_PASSES     [1]     linear read passes over every mapping
#   FIELD_HANG       [300]   seconds without swap progress (pswpin +
#                    pswpout unchanged) that make a run "hung"
#   FIELD_OUTAGE     [180]   wire-pull: seconds the wire is out
#   FIELD_TIMEOUT    [3600]  hard limit on one run, seconds
#   FIELD_SETUP      [300]   limit on each guest's setup, seconds
#   FIELD_RESUME     [0]     1: keep the runs build/field/runs already has
#                    (a result.json each) and run only the missing ones,
#                    so three rounds can be gathered over several sittings;
#                    the summary names the commits the runs were made on
#   VM_ACCEL         [tcg]
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
mode=${1:?usage: field.sh bench | check}

CONFIGS=${FIELD_CONFIGS:-tagged untagged stock}
WORKLOADS=${FIELD_WORKLOADS:-swap-nbd swap-nfs wire-pull}
ROUNDS=${FIELD_ROUNDS:-3}
MEM=${FIELD_MEM:-256}
FACTOR=${FIELD_FACTOR:-4}
PASSES=${FIELD_PASSES:-1}
HANG=${FIELD_HANG:-300}
OUTAGE=${FIELD_OUTAGE:-180}
TIMEOUT=${FIELD_TIMEOUT:-3600}
SETUP=${FIELD_SETUP:-300}
RESUME=${FIELD_RESUME:-0}
# Hung-task watchdog in the client: past the outage for wire-pull (a
# task waiting on swap while the wire is out is not hung), the kernel's
# default of 120 s otherwise.
HUNG_TASK_SECS=120

top=$repo/build/field
runs=$top/runs

die() {
	echo "field.sh: $*" >&2
	exit 1
}

# The kernel, fieldload and the modules staged; boot, mon, stop_guest.
. "$here/guests.sh"

# One run; its verdict in $runs/NAME/result.json.
run_one() { # CONFIG WORKLOAD ROUND FACTOR PASSES
	local config=$1 workload=$2 round=$3 factor=$4 passes=$5
	local name=$config-$workload-$round dir cdir sdir spid cpid
	local swap_mib smem hung outcome=failed where='' t0 now wstart='' last='' lastprog pulled=0
	local pull_at=0 up_at=0 swap s
	dir=$runs/$name
	cdir=$dir/client
	sdir=$dir/server
	rm -rf "$dir"
	mkdir -p "$cdir" "$sdir"
	commit_id >"$dir/commit"
	# The store holds every page the workers map, plus a quarter; the
	# server's RAM holds the store plus what nfsd and the flood need.
	swap_mib=$((factor * MEM * 5 / 4))
	smem=$((swap_mib + 512))
	hung=$HUNG_TASK_SECS
	case $workload in wire-pull*) hung=$((OUTAGE + 120)) ;; esac
	printf 'sysctl -qw kernel.hung_task_timeout_secs=%s\nexec bash %s %s %s %s %s %s\n' \
		"$hung" "$here/client.sh" "$config" "$workload" "$MEM" "$factor" "$passes" >"$cdir/cmd"
	printf 'exec bash %s %s %s\n' "$here/server.sh" "$workload" "$swap_mib" >"$sdir/cmd"
	local p1=$((20000 + ($$ % 10000) * 2)) p2
	p2=$((p1 + 1))

	echo "# field: $name: server ${smem} MiB 1 vCPU, client ${MEM} MiB 2 vCPUs, workers map $((factor * MEM)) MiB, $passes passes"
	t0=$(date +%s)
	boot spid "$sdir" "$smem" 1 "$p1" "$p2" 52:54:00:00:5b:02
	while :; do
		grep -q '^FIELD_READY' "$sdir/out" && break
		if [ -n "$(done_status "$sdir")" ] || ! kill -0 "$spid" 2>/dev/null; then
			where="server: $(first_error "$sdir" || true)"
			[ "$where" = "server: " ] && where="server: guest died at step $(last_step "$sdir")"
			break
		fi
		if [ $(($(date +%s) - t0)) -ge "$SETUP" ]; then
			where="server: step $(last_step "$sdir") timed out after ${SETUP}s"
			break
		fi
		sleep 1
	done
	if [ -n "$where" ]; then
		stop_guest "$sdir" "$spid"
		echo "# field: $name: $where"
		python3 "$here/report.py" run "$dir" "$config" "$workload" "$round" failed "$where" "$factor" "$passes"
		return 1
	fi

	t0=$(date +%s)
	boot cpid "$cdir" "$MEM" 2 "$p2" "$p1" 52:54:00:00:5b:01
	lastprog=$t0
	while :; do
		sleep 2
		now=$(date +%s)
		if [ -n "$(done_status "$cdir")" ]; then
			if grep -q '^FIELD_END done' "$cdir/out"; then
				outcome=finished
			else
				where="client: $(first_error "$cdir")"
			fi
			break
		fi
		if ! kill -0 "$cpid" 2>/dev/null; then
			where="client: guest died at step $(last_step "$cdir")"
			grep -q 'Kernel panic' "$cdir/console.log" && where="client: kernel panic at step $(last_step "$cdir")"
			break
		fi
		if [ -n "$(done_status "$sdir")" ] || ! kill -0 "$spid" 2>/dev/null; then
			where="server: guest died at step $(last_step "$sdir") ($(first_error "$sdir"))"
			break
		fi
		if [ -z "$wstart" ]; then
			if grep -q '^FIELD_PHASE workers' "$cdir/out"; then
				wstart=$now
				lastprog=$now
			elif [ $((now - t0)) -ge "$SETUP" ]; then
				where="client: step $(last_step "$cdir") timed out after ${SETUP}s"
				break
			fi
			continue
		fi
		s=$(grep -v '^#' "$cdir/samples" | tail -n 1)
		swap=$(awk '{ print $5 + $6 }' <<<"$s")
		if [ -n "$swap" ] && [ "$swap" != "$last" ]; then
			last=$swap
			lastprog=$now
		fi
		# wire-pull: both ends' carrier off mid-run, once the workers
		# have read back an eighth of what they map from swap
		# (client.sh's wire-pull-held counts on this threshold).
		if [[ $workload == wire-pull* ]] && [ $pulled = 0 ] &&
		   [ "$(awk '{ print $5 }' <<<"$s")" -ge $((factor * MEM * 256 / 8)) ] 2>/dev/null; then
			mon "$sdir" "set_link wire off"
			mon "$cdir" "set_link wire off"
			pulled=1
			pull_at=$((now - t0))
			echo "# field: $name: wire pulled at ${pull_at}s (pswpin $(awk '{ print $5 }' <<<"$s"))"
		fi
		if [ $pulled = 1 ]; then
			if [ $((now - t0 - pull_at)) -ge "$OUTAGE" ]; then
				mon "$sdir" "set_link wire on"
				mon "$cdir" "set_link wire on"
				pulled=2
				up_at=$((now - t0))
				echo "# field: $name: wire back at ${up_at}s"
			fi
			lastprog=$now
		fi
		if [ $((now - lastprog)) -ge "$HANG" ]; then
			outcome=hung
			where="client: no swap progress for ${HANG}s during the workers (pswpin + pswpout stuck at $last)"
			break
		fi
		if [ $((now - t0)) -ge "$TIMEOUT" ]; then
			outcome=timeout
			where="client: still running after ${TIMEOUT}s"
			break
		fi
	done
	# FIELD_HANG (300 s) is past the hung-task watchdog's 120 s: its
	# reports are already on the console when a hung run is stopped.
	# That watchdog skips killable waits, so a stuck client is also
	# panicked by NMI: the blocked tasks' stacks and the memory state
	# land in its console.log.
	if [ "$outcome" = hung ] || [ "$outcome" = timeout ]; then
		if nmi_dump "$cdir" "$cpid" && grep -q 'Kernel panic' "$cdir/console.log"; then
			where="$where; client's NMI dump in client/console.log"
		else
			where="$where; the client did not answer an NMI"
		fi
	fi
	stop_guest "$cdir" "$cpid"
	stop_guest "$sdir" "$spid"
	[ -n "$where" ] && echo "# field: $name: $where"
	python3 "$here/report.py" run "$dir" "$config" "$workload" "$round" "$outcome" "$where" \
		"$factor" "$passes" "$pull_at" "$up_at"
}

# The code a run was made on: the commit, "-dirty" with changes on top.
commit_id() {
	local id

	id=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null) || { echo unknown; return; }
	git -C "$repo" diff --quiet HEAD -- 2>/dev/null || id=$id-dirty
	echo "$id"
}

case $mode in
bench)
	[ "$RESUME" = 1 ] || rm -rf "$runs"
	mkdir -p "$runs" "$repo/build/bench"
	start=$(date +%s)
	# Rounds outermost, so drift in the host hits every configuration.
	for round in $(seq 1 "$ROUNDS"); do
		for workload in $WORKLOADS; do
			for config in $CONFIGS; do
				name=$config-$workload-$round
				if [ "$RESUME" = 1 ] && [ -f "$runs/$name/result.json" ]; then
					echo "# field: $name: kept from an earlier sitting" \
						"(commit $(cat "$runs/$name/commit" 2>/dev/null || echo unknown))"
					continue
				fi
				run_one "$config" "$workload" "$round" "$FACTOR" "$PASSES"
			done
		done
	done
	python3 "$here/report.py" summary "$runs" "$repo/build/bench" \
		"$MEM" "$FACTOR" "$PASSES" "$HANG" "$OUTAGE" $(($(date +%s) - start))
	;;
check)
	# Not under build/field/runs: a make check does not erase the
	# last bench's runs.
	runs=$top/check
	rm -rf "$runs"
	mkdir -p "$runs"
	echo "KTAP version 1"
	echo "1..1"
	f=${FIELD_CHECK_FACTOR:-2}
	run_one tagged swap-nbd 1 "$f" "${FIELD_CHECK_PASSES:-1}"
	python3 "$here/report.py" verdict "$runs/tagged-swap-nbd-1/result.json"
	;;
*)
	die "unknown mode '$mode' (bench or check)"
	;;
esac
