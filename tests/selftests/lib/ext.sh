#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the selftests of ethtool-ext and the skbpool netlink family.
#   EXT                       the tool, as built on the host (or the one
#                             SKBPOOL_EXT names: make check-distro runs
#                             the packaged /usr/sbin/ethtool-ext)
#   ext NS ARGS...            run it in a network namespace
#   ext_fails NAME RE CMD...  a subtest: CMD exits 1 with exactly one line
#                             on stderr, matching the ERE RE, and prints
#                             nothing on stdout
#   json_check FILE PY        a subtest helper: PY (python3 statements) runs
#                             with d = the JSON in FILE; exit 0 when they pass

EXT=${SKBPOOL_EXT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)/tools/ethtool-ext/ethtool-ext}

ext() {
	local ns=$1
	shift
	ip netns exec "$ns" "$EXT" "$@"
}

ext_fails() {
	local name=$1 re=$2 out err rc lines
	shift 2
	out=$("$@" 2>/tmp/ext_err)
	rc=$?
	err=$(cat /tmp/ext_err)
	lines=$(grep -c '' /tmp/ext_err)
	[ -n "$err" ] && ktap_info "stderr: $err"
	if [ $rc -eq 1 ] && [ "$lines" -eq 1 ] && [ -z "$out" ] && grep -qE -- "$re" <<<"$err"; then
		ktap_pass "$name"
	else
		ktap_fail "$name" "exit $rc, $lines stderr lines, stdout '${out:0:80}'"
	fi
}

json_check() {
	python3 - "$1" "$2" <<'PY'
import json, sys
with open(sys.argv[1]) as f:
    d = json.load(f)
try:
    exec(sys.argv[2])
except AssertionError as e:
    print("# assertion failed:", e)
    sys.exit(1)
PY
}

# stop_tool PID: SIGINT, then its exit status; SIGKILL and 124 if it is
# still there after 5 s (a monitor that ignores SIGINT must not hang a test).
stop_tool() {
	local _
	kill -INT "$1" 2>/dev/null
	for _ in $(seq 1 50); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$1" 2>/dev/null; then
		kill -KILL "$1"
		wait "$1" 2>/dev/null
		return 124
	fi
	wait "$1"
}
