#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host-side tests, no guest (part of make check): ethtool-ext's unit tests
# (argument parsing, output formatting, error decoding), its make install
# (tests/install_check.sh), the check that the netlink spec, the uapi
# header and core/netlink-gen.c agree, and the soak's stall measure
# (tests/udpflow_stall_test.py).  Each suite's
# KTAP is shown indented; the closing line is "N passed, N failed" over
# their leaf tests.  Exit 1 when anything failed.
#
#   host.sh KDIR
set -uo pipefail
kdir=$1
repo=$(cd "$(dirname "$0")/.." && pwd)
ksrc=$(readlink -f "$kdir/source")
passed=0
failed=0

suite() { # NAME CMD...
	local name=$1 out rc p f
	shift
	out=$("$@" 2>&1)
	rc=$?
	sed 's/^/    /' <<<"$out"
	p=$(grep -cE '^ok [0-9]+' <<<"$out")
	f=$(grep -cE '^not ok [0-9]+' <<<"$out")
	# A suite that died before reporting anything is a failure too.
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	echo "# host: $name: $p passed, $f failed"
}

echo "# host: ethtool-ext unit tests"
suite ethtool-ext make --no-print-directory -s -C "$repo/tools/ethtool-ext" check
echo "# host: ethtool-ext make install"
suite install "$repo/tests/install_check.sh"
echo "# host: netlink spec, uapi header and kernel policies"
suite spec_check python3 "$repo/tests/netlink/spec_check.py" "$ksrc"
echo "# host: udpflow.py stall, the soak's critical bound"
suite udpflow_stall python3 "$repo/tests/udpflow_stall_test.py"
echo "# host: kcsan-report.py, the kcsan flavour's verdict"
suite kcsan_report python3 "$repo/tests/kcsan_report_test.py"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
