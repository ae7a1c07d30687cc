#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The survival scenario, shared by the emergency_auto selftest and make demo:
# two simnic pairs, one tagged (192.0.2.0/24) and one untagged
# (198.51.100.0/24).  Every non-sleeping allocation in the kernel fails
# (failslab and fail_page_alloc at 100 %, ignore-gfp-wait) while both pairs
# carry the same critical UDP flow, and the tagged one also a bulk flow.
#
#   survival_run COUNT RATE    sets SV_* results (see the end of the
#                              function); pair_cleanup undoes it
#   survival_on_tagged         if the caller defines it: run once the pairs
#                              are tagged, before any traffic
#
# Everything that allocates in process context (python3 start-up, the
# debugfs files) happens before the injection starts: the kernel's own
# atomic allocations outside the driver fail too, which is the point.
# Neighbours are permanent (pair_new) for the same reason: ARP and ND need
# atomic allocations skbpool cannot make for them.

# shellcheck disable=SC2034,SC2154 # SV_* are results for the sourcing script; pair_new sets t_*, u_*
SV_LIB=$(dirname "${BASH_SOURCE[0]}")
FAULT=/sys/kernel/debug

sv_json() { # FILE KEY
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2" 2>/dev/null
}

# Rules through netlink, as an admin sets them (ethtool-ext, built on the
# host): sv_rules NS DEV add RULE... adds one at the end; sv_rules NS DEV
# flush removes every rule of DEV.
SV_EXT=${SKBPOOL_EXT:-$(cd "$SV_LIB/../../.." && pwd)/tools/ethtool-ext/ethtool-ext}
sv_rules() { # NS DEV add RULE... | NS DEV flush
	local ns=$1 dev=$2 op=$3
	shift 3
	case $op in
	add) ip netns exec "$ns" "$SV_EXT" rule add "$dev" "$@" >/dev/null ;;
	flush)
		while ip netns exec "$ns" "$SV_EXT" rule del "$dev" 0 >/dev/null 2>&1; do
			:
		done
		;;
	*) echo "sv_rules: unknown operation '$op'" >&2; return 2 ;;
	esac
}

# Injection settings; the probability is written last, through an fd
# opened beforehand, so switching it on or off allocates nothing.
sv_fault_setup() {
	local f
	for f in failslab fail_page_alloc; do
		echo 0 >"$FAULT/$f/probability" || return 1
		echo 1 >"$FAULT/$f/interval"
		echo -1 >"$FAULT/$f/times"
		echo 0 >"$FAULT/$f/space"
		echo 0 >"$FAULT/$f/verbose"
		echo Y >"$FAULT/$f/ignore-gfp-wait"
	done
	echo N >"$FAULT/failslab/cache-filter"
	echo 0 >"$FAULT/fail_page_alloc/min-order"
}

# Once WANT ready.* and go.* files stand in SCRATCH (receivers bound,
# senders connected and waiting for the go file), make every non-sleeping
# allocation fail, let the senders go, wait for PIDS, stop the injection.
# The probability files are opened first: opening allocates.
sv_inject() { # SCRATCH WANT PID...
	local scratch=$1 want=$2 fs fp
	shift 2
	for _ in $(seq 1 300); do
		[ "$(find "$scratch" -name 'ready.*' -o -name 'go.*' | wc -l)" -eq "$want" ] && break
		sleep 0.1
	done
	exec {fs}>"$FAULT/failslab/probability" {fp}>"$FAULT/fail_page_alloc/probability"
	echo 100 >&$fs
	echo 100 >&$fp
	: >"$scratch/go"
	wait "$@"
	echo 0 >&$fs
	echo 0 >&$fp
	exec {fs}>&- {fp}>&-
}

survival_run() { # COUNT RATE
	local count=$1 rate=$2 scratch=/tmp/skbpool-survival-$$ i s1 s2 s3
	mkdir -p "$scratch"
	pair_new t 211 212 192.0.2 2001:db8:a || return 1
	pair_new u 213 214 198.51.100 2001:db8:b || return 1
	# Deep RX rings on both receivers alike: a guest starved of CPU by a
	# loaded emulator host must not miss frames before NAPI runs.
	ip netns exec "$t_NSX" ethtool -G "$t_DEVX" rx 1024 &&
		ip netns exec "$u_NSX" ethtool -G "$u_DEVX" rx 1024 || return 1
	pair_tag "$t_NSX" "$t_DEVX" on && pair_tag "$t_NSY" "$t_DEVY" on || return 1
	sv_rules "$t_NSX" "$t_DEVX" add critical proto udp dport 7000 || return 1
	# A caller's hook, before anything runs: e.g. a listener for events.
	if declare -F survival_on_tagged >/dev/null; then
		survival_on_tagged || return 1
	fi
	sv_fault_setup || return 1
	SV_ENTER0=$(pair_stat "$t_NSX" "$t_DEVX" skbpool_emergency_enter)
	SV_DROP0=$(pair_stat "$t_NSX" "$t_DEVX" skbpool_rx_drop_noncritical)
	SV_SLOW0=$(pair_stat "$t_NSX" "$t_DEVX" skbpool_rx_alloc_slowpath)
	SV_UFAIL0=$(pair_stat "$u_NSX" "$u_DEVX" rx_alloc_failed)
	SV_UENTER0=$(pair_stat "$u_NSX" "$u_DEVX" skbpool_emergency_enter)
	# A counter gone missing would read as no entry at all.
	[ -n "$SV_ENTER0" ] && [ -n "$SV_UENTER0" ] || return 1
	# What is measured is the NIC, not whether python3 keeps up under
	# TCG: let the receivers' 4 MiB SO_RCVBUF take effect (a 64-byte
	# datagram in a pool buffer is charged a page).
	SV_RMEM_MAX=$(sysctl -n net.core.rmem_max)
	sysctl -qw net.core.rmem_max=$((8 << 20))

	ip netns exec "$t_NSX" python3 "$SV_LIB/udpflow.py" recv 192.0.2.1 7000 4 "$scratch/ready.t" >"$scratch/t.json" &
	ip netns exec "$u_NSX" python3 "$SV_LIB/udpflow.py" recv 198.51.100.1 7000 4 "$scratch/ready.u" >"$scratch/u.json" &
	ip netns exec "$t_NSX" python3 "$SV_LIB/udpflow.py" recv 192.0.2.1 9000 4 "$scratch/ready.b" >"$scratch/bulk.json" &
	# Bound before the senders' warm-up, or its ICMP error fails them.
	for i in $(seq 1 300); do
		[ -e "$scratch/ready.t" ] && [ -e "$scratch/ready.u" ] && [ -e "$scratch/ready.b" ] && break
		sleep 0.1
	done

	# Senders wait for the go file, so they start with the injection.
	ip netns exec "$t_NSY" python3 "$SV_LIB/udpflow.py" send 192.0.2.1 7000 "$count" "$rate" 64 "$scratch/go" >"$scratch/t.sent" &
	s1=$!
	ip netns exec "$u_NSY" python3 "$SV_LIB/udpflow.py" send 198.51.100.1 7000 "$count" "$rate" 64 "$scratch/go" >"$scratch/u.sent" &
	s2=$!
	ip netns exec "$t_NSY" python3 "$SV_LIB/udpflow.py" send 192.0.2.1 9000 "$count" "$rate" 1200 "$scratch/go" >"$scratch/bulk.sent" &
	s3=$!
	# Three receivers bound, three senders connected: nothing left to
	# start once allocations fail.
	sv_inject "$scratch" 6 $s1 $s2 $s3
	# After the injection: out of emergency within the hold time (plus
	# the resync tick that notices a NIC with no traffic left).
	(
		t0=$(date +%s%N)
		for i in $(seq 1 100); do
			if [ "$(pair_stat "$t_NSX" "$t_DEVX" skbpool_emergency)" = 0 ]; then
				echo $((($(date +%s%N) - t0) / 1000000)) >"$scratch/left_ms"
				break
			fi
			sleep 0.1
		done
	) &
	wait

	SV_SENT=$(sv_json "$scratch/t.sent" sent)
	SV_SENT_U=$(sv_json "$scratch/u.sent" sent)
	SV_TAGGED=$(sv_json "$scratch/t.json" received)
	SV_UNTAGGED=$(sv_json "$scratch/u.json" received)
	SV_BULK_SENT=$(sv_json "$scratch/bulk.sent" sent)
	SV_BULK_GOT=$(sv_json "$scratch/bulk.json" received)
	SV_ENTERS=$(($(pair_stat "$t_NSX" "$t_DEVX" skbpool_emergency_enter) - SV_ENTER0))
	SV_BULK_DROPPED=$(($(pair_stat "$t_NSX" "$t_DEVX" skbpool_rx_drop_noncritical) - SV_DROP0))
	SV_SLOW=$(($(pair_stat "$t_NSX" "$t_DEVX" skbpool_rx_alloc_slowpath) - SV_SLOW0))
	SV_UFAIL=$(($(pair_stat "$u_NSX" "$u_DEVX" rx_alloc_failed) - SV_UFAIL0))
	SV_UENTERS=$(($(pair_stat "$u_NSX" "$u_DEVX" skbpool_emergency_enter) - SV_UENTER0))
	# Where a lost critical datagram went, should one be lost.
	SV_DIAG="tagged receiver: build_failed $(pair_stat "$t_NSX" "$t_DEVX" skbpool_rx_build_failed)"
	SV_DIAG+=" exhausted $(pair_stat "$t_NSX" "$t_DEVX" skbpool_rx_exhausted)"
	SV_DIAG+=" missed $(pair_stat "$t_NSX" "$t_DEVX" rx_missed_errors)"
	SV_DIAG+=" stash_used $(pair_stat "$t_NSX" "$t_DEVX" skbpool_rx_stash_used)"
	SV_DIAG+=" udp $(ip netns exec "$t_NSX" awk '/^Udp:/ { n++; if (n == 2) print "in " $2 " rcvbuf_errors " $6 " mem_errors " $10 }' /proc/net/snmp)"

	SV_LEFT_MS=$(cat "$scratch/left_ms" 2>/dev/null)
	# Then bulk flows again.
	ip netns exec "$t_NSX" python3 "$SV_LIB/udpflow.py" recv 192.0.2.1 9000 2 "$scratch/resume.ready" >"$scratch/resume.json" &
	for i in $(seq 1 300); do
		[ -e "$scratch/resume.ready" ] && break
		sleep 0.1
	done
	ip netns exec "$t_NSY" python3 "$SV_LIB/udpflow.py" send 192.0.2.1 9000 200 400 1200 >/dev/null
	wait
	SV_RESUMED=$(sv_json "$scratch/resume.json" received)
	SV_JSON=$(printf '{"sent": %s, "delivered_tagged": %s, "delivered_untagged": %s, "bulk_dropped_tagged": %s, "emergency_enter_tagged": %s, "emergency_enter_untagged": %s, "slowpath_tagged": %s, "alloc_failed_untagged": %s, "bulk_sent_tagged": %s, "bulk_delivered_tagged": %s}' \
		"${SV_SENT:-0}" "${SV_TAGGED:-0}" "${SV_UNTAGGED:-0}" "$SV_BULK_DROPPED" \
		"$SV_ENTERS" "$SV_UENTERS" "$SV_SLOW" "$SV_UFAIL" "${SV_BULK_SENT:-0}" "${SV_BULK_GOT:-0}")
	sysctl -qw net.core.rmem_max="$SV_RMEM_MAX"
	rm -rf "$scratch"
}

survival_table() {
	printf '%-34s %12s %12s\n' "" "untagged" "tagged"
	printf '%-34s %12s %12s\n' "critical UDP datagrams sent" "${SV_SENT_U:-?}" "${SV_SENT:-?}"
	printf '%-34s %12s %12s\n' "critical UDP datagrams delivered" "${SV_UNTAGGED:-?}" "${SV_TAGGED:-?}"
	printf '%-34s %12s %12s\n' "bulk frames dropped by skbpool" "-" "$SV_BULK_DROPPED"
	printf '%-34s %12s %12s\n' "emergency entries" "$SV_UENTERS" "$SV_ENTERS"
	printf '%-34s %12s %12s\n' "RX allocations failed / slow path" "$SV_UFAIL" "$SV_SLOW"
}
