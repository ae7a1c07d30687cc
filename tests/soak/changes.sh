#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The soak's configuration changes, one function per kind, each applied to
# one pair ("s", the simnic pair, or "e", the e1000sp pair) while traffic
# runs.  A change that leaves a link or a queue worse off (link down,
# stalled completions, untagged) undoes itself within a few seconds, so
# the critical stream's gap bound holds.  Sourced by guest.sh, which owns
# the SIDE_* maps:
#   change_loop PAIR END  random kinds on PAIR until SECONDS reaches END,
#                         in a subshell of its own: the two pairs' loops
#                         run at once, so changes race each other as well
#                         as the traffic
#   change_rules_back     the rule counts the loops left, into SIDE_RULES
#   change_hog / hog_tick the memory hog, driven by guest.sh itself (one
#                         hog for the whole guest)
#   change_tally          "KIND MADE FAILED" per kind, over the whole soak
#   change_settle         every pair back to a calm state for the checks

CHANGE_KINDS=(tag reserve_dev reserve_queue emergency rule rings channels mtu link fault)
HOG_SINCE=
HOG_T0=
HOG_TIMER=
HOGS=0

pick() { # WORD...: one of them
	shift $((RANDOM % $#))
	echo "$1"
}

side_of() { pick "${1}x" "${1}y"; }

in_side() { # SIDE CMD...
	local side=$1
	shift
	ip netns exec "${SIDE_NS[$side]}" "$@"
}

both() { # PAIR CMD... (CMD's DEV placeholder @ is each side's device)
	local pair=$1 side args
	shift
	for side in "${pair}x" "${pair}y"; do
		args=("${@//@/${SIDE_DEV[$side]}}")
		in_side "$side" "${args[@]}" || return 1
	done
}

# Untag one side (its queues rebuilt without a pool, the pool freed while
# its buffers may still be in sockets), re-tag it after 1 to 3 s.
change_tag() {
	local side
	side=$(side_of "$1")
	in_side "$side" ethtool --set-priv-flags "${SIDE_DEV[$side]}" skbpool off || return 1
	sleep $((1 + RANDOM % 3))
	in_side "$side" ethtool --set-priv-flags "${SIDE_DEV[$side]}" skbpool on
}

change_reserve_dev() {
	local side
	side=$(side_of "$1")
	in_side "$side" "$EXT" size "${SIDE_DEV[$side]}" all "$(pick 64 256 1024 auto)"
}

change_reserve_queue() {
	local side
	side=$(side_of "$1")
	in_side "$side" "$EXT" size "${SIDE_DEV[$side]}" 0 "$(pick 64 256 1024 auto)"
}

change_emergency() {
	local side
	side=$(side_of "$1")
	in_side "$side" "$EXT" emergency "${SIDE_DEV[$side]}" "$(pick on off auto auto)"
}

# Add a bulk rule after the base rules, or delete the last one added.
change_rule() {
	local side n
	side=$(side_of "$1")
	n=${SIDE_RULES[$side]}
	if [ "$n" -gt 0 ] && [ $((RANDOM % 2)) -eq 0 ]; then
		in_side "$side" "$EXT" rule del "${SIDE_DEV[$side]}" \
			$((${SIDE_BASE[$side]} + n - 1)) || return 1
		SIDE_RULES[$side]=$((n - 1))
	else
		in_side "$side" "$EXT" rule add "${SIDE_DEV[$side]}" bulk proto udp \
			dport $((20000 + RANDOM % 10000)) || return 1
		SIDE_RULES[$side]=$((n + 1))
	fi
}

change_rings() {
	local n
	n=$(pick 128 256 512 1024)
	both "$1" ethtool -G @ rx "$n" tx "$n"
}

change_channels() {
	[ "$1" = s ] || { change_link "$1"; return; }
	both "$1" ethtool -L @ combined "$(pick 1 2 3 4)"
}

change_mtu() {
	local mtu
	mtu=$(pick 1280 1500 4000 9000)
	both "$1" ip link set dev @ mtu "$mtu"
}

# An administrative down flushes even permanent neighbours: they are put
# back, so nothing depends on ARP answering under pressure.
change_link() {
	local side
	side=$(side_of "$1")
	in_side "$side" ip link set dev "${SIDE_DEV[$side]}" down || return 1
	sleep 1
	in_side "$side" ip link set dev "${SIDE_DEV[$side]}" up && neigh_again "$1"
}

neigh_again() { # PAIR
	local x=${1}x y=${1}y mx my
	mx=$(in_side "$x" cat "/sys/class/net/${SIDE_DEV[$x]}/address") &&
		my=$(in_side "$y" cat "/sys/class/net/${SIDE_DEV[$y]}/address") &&
		in_side "$x" ip neigh replace "${SIDE_ADDR[$y]}" lladdr "$my" \
			dev "${SIDE_DEV[$x]}" nud permanent &&
		in_side "$y" ip neigh replace "${SIDE_ADDR[$x]}" lladdr "$mx" \
			dev "${SIDE_DEV[$y]}" nud permanent
}

# simnic's fault knobs (debugfs, from the initial namespace); e1000sp has
# none, so its pair gets a link flap instead.
change_fault() {
	local side dir
	[ "$1" = s ] || { change_link "$1"; return; }
	side=$(side_of "$1")
	dir=/sys/kernel/debug/simnic/simnic${SIDE_ID[$side]}-0
	case $(pick rx_alloc corrupt link_down stall_tx) in
	rx_alloc) echo 20 >"$dir/fail_rx_alloc" ;;
	corrupt) echo 3 >"$dir/corrupt_next" ;;
	link_down) echo 1 >"$dir/link_down" && sleep 1 && echo 0 >"$dir/link_down" ;;
	stall_tx) echo 1 >"$dir/stall_tx_completions" && sleep 1 &&
		echo 0 >"$dir/stall_tx_completions" ;;
	esac
}

# Free memory driven down to halfway between the min and low watermarks
# for 10 to 20 s (hog_tick ends it): the automatic emergency's ground.
change_hog() {
	[ -z "$HOG" ] || return 0
	hog_start min+50 "$SOAK_TMP"
	HOGS=$((HOGS + 1))
	HOG_SINCE=$SECONDS
	read -r HOG_T0 _ </proc/uptime
	HOG_FOR=$((10 + RANDOM % 11))
	# Its own timer: hog_tick runs from a loop that pressure slows down
	# (on the debug kernel a hog meant for 10 to 20 s held for 165).
	(sleep "$HOG_FOR" && kill "$HOG" 2>/dev/null) &
	HOG_TIMER=$!
}

# The hog's span goes into the tally like a change's (change_tally counts
# it apart), so that a violation can name it.
hog_end() {
	local t1
	[ -n "$HOG" ] || return 0
	kill "$HOG_TIMER" 2>/dev/null
	wait "$HOG_TIMER" 2>/dev/null
	hog_stop
	# It ended when its timer fired or now, whichever came first.
	read -r t1 _ </proc/uptime
	awk -v a="$HOG_T0" -v b="$t1" -v n="$HOG_FOR" \
		'BEGIN { printf "hog 0 %s %.2f -\n", a, (a + n < b ? a + n : b) }' >>"$SOAK_TMP/tally"
}

hog_tick() {
	[ -n "$HOG" ] && [ $((SECONDS - HOG_SINCE)) -ge "$HOG_FOR" ] && hog_end
	return 0
}

# One line per change, "KIND FAILED START END PAIR" (FAILED 0 or 1, the
# times in seconds since boot, which is CLOCK_MONOTONIC in a guest that
# never suspends: change_during compares them with udpflow.py's),
# appended by the loops' subshells; O_APPEND keeps the two loops' lines
# whole.
change_one() { # PAIR
	local kind ok=0 t0 t1
	kind=$(pick "${CHANGE_KINDS[@]}")
	read -r t0 _ </proc/uptime
	if ! "change_$kind" "$1" >>"$SOAK_TMP/changes-$1.log" 2>&1; then
		ok=1
		echo "soak: change $kind on pair $1 failed: $(tail -n 1 "$SOAK_TMP/changes-$1.log")"
	fi
	read -r t1 _ </proc/uptime
	echo "$kind $ok $t0 $t1 $1" >>"$SOAK_TMP/tally"
}

# The changes under way between FROM and TO (seconds since boot), as
# "KIND/PAIR START-END" relative to ZERO, for a violation's message.
change_during() { # FROM TO ZERO
	awk -v a="$1" -v b="$2" -v z="$3" '$3 <= b && $4 >= a {
		printf "%s%s/%s %.1f-%.1f", n++ ? ", " : "", $1, $5, $3 - z, $4 - z }
		END { if (!n) printf "none" }' "$SOAK_TMP/tally" 2>/dev/null
}

change_loop() { # PAIR END
	while [ "$SECONDS" -lt "$2" ]; do
		sleep "0.$((RANDOM % 10))"
		change_one "$1"
	done
	echo "${SIDE_RULES[${1}x]} ${SIDE_RULES[${1}y]}" >"$SOAK_TMP/rules-$1"
}

change_rules_back() { # PAIR
	local x y
	read -r x y <"$SOAK_TMP/rules-$1" && [ -n "$y" ] || return 1
	SIDE_RULES[${1}x]=$x SIDE_RULES[${1}y]=$y
}

change_tally() {
	local k
	for k in "${CHANGE_KINDS[@]}"; do
		awk -v k="$k" '$1 == k { n++; f += $2 } END { printf "%s %d %d\n", k, n, f }' \
			"$SOAK_TMP/tally" 2>/dev/null || echo "$k 0 0"
	done
	echo "hog $HOGS 0"
}

change_settle() {
	local side
	hog_end
	for side in "${!SIDE_NS[@]}"; do
		in_side "$side" "$EXT" emergency "${SIDE_DEV[$side]}" auto
		in_side "$side" ip link set dev "${SIDE_DEV[$side]}" mtu 1500
		in_side "$side" ip link set dev "${SIDE_DEV[$side]}" up
		in_side "$side" ethtool --set-priv-flags "${SIDE_DEV[$side]}" skbpool on
	done
	for side in "${!SIDE_NS[@]}"; do
		[ "${side#?}" = x ] && neigh_again "${side%x}"
	done
	return 0
}
