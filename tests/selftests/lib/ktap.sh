#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# KTAP output and exit codes for our selftests, following the conventions of
# the kernel's tools/testing/selftests/kselftest/ktap_helpers.sh: a header,
# a plan, one result line per subtest, exit 0 pass, 1 fail, 4 skip.
#
# Usage in a test:
#   . lib/ktap.sh
#   ktap_plan 2
#   ktap_check "name" command args...    # pass when the command succeeds
#   ktap_run "name" command args...      # the same, run in this shell
#   ktap_pass|ktap_fail|ktap_skip "name" ["reason"]
#   ktap_finish

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

ktap_n=0
ktap_failed=0
ktap_passed=0
ktap_skipped=0

ktap_plan() {
	echo "KTAP version 1"
	echo "1..$1"
}

ktap_pass() {
	ktap_n=$((ktap_n + 1))
	ktap_passed=$((ktap_passed + 1))
	echo "ok $ktap_n $1"
}

ktap_fail() {
	ktap_n=$((ktap_n + 1))
	ktap_failed=$((ktap_failed + 1))
	echo "not ok $ktap_n $1${2:+ # $2}"
}

ktap_skip() {
	ktap_n=$((ktap_n + 1))
	ktap_skipped=$((ktap_skipped + 1))
	echo "ok $ktap_n $1 # SKIP ${2:-no reason given}"
}

ktap_info() {
	echo "# $*"
}

# ktap_check NAME CMD...: run CMD, its output as diagnostics, pass on exit 0.
ktap_check() {
	local name=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	[ -n "$out" ] && sed 's/^/# /' <<<"$out"
	if [ $rc -eq 0 ]; then
		ktap_pass "$name"
	else
		ktap_fail "$name" "exit status $rc"
	fi
	return $rc
}

# ktap_run NAME CMD...: as ktap_check, but CMD runs in this shell, so the
# variables it sets and the processes it starts in the background stay
# the caller's (a command substitution would also wait for them).
ktap_run() {
	local name=$1 log rc
	shift
	log=$(mktemp)
	"$@" >"$log" 2>&1
	rc=$?
	[ -s "$log" ] && sed 's/^/# /' "$log"
	rm -f "$log"
	if [ $rc -eq 0 ]; then
		ktap_pass "$name"
	else
		ktap_fail "$name" "exit status $rc"
	fi
	return $rc
}

# Skip the whole test (before or instead of a plan).
ktap_skip_all() {
	echo "KTAP version 1"
	echo "1..0 # SKIP $1"
	exit $KSFT_SKIP
}

ktap_finish() {
	echo "# totals: pass:$ktap_passed fail:$ktap_failed skip:$ktap_skipped"
	[ $ktap_failed -eq 0 ] || exit $KSFT_FAIL
	[ $ktap_passed -gt 0 ] || exit $KSFT_SKIP
	exit $KSFT_PASS
}
