#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make soak: SOAK_MINUTES (default 30) of traffic and configuration churn
# in one guest (tests/soak/guest.sh says what runs and what is checked);
# FLAVOUR=debug for the debug kernel.  The guest's output, one line per
# round and the summary table, goes to build/soak/FLAVOUR.log, the table
# alone to build/soak/FLAVOUR.txt; the exit status is 0 when no check was
# violated.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
minutes=${SOAK_MINUTES:-30}
flavour=${FLAVOUR:-base}
case $minutes in
'' | *[!0-9]*) echo "soak.sh: SOAK_MINUTES must be a whole number of minutes" >&2; exit 2 ;;
esac
out=$repo/build/soak
mkdir -p "$out"
# The rounds run for the minutes asked; boot, setup and the last round's
# checks come on top, several times slower on the debug kernel.  There a
# round's setup and checks take about 8 minutes, so a 30 s churn window
# made 18 changes in 30 minutes (2026-12-06): the debug kernel churns for
# 150 s a round instead.  SOAK_TRAFFIC_S overrides either.
slow=1
traffic=30
[ "$flavour" = debug ] && slow=3 && traffic=150
traffic=${SOAK_TRAFFIC_S:-$traffic}
case $traffic in
'' | *[!0-9]* | ? ) echo "soak.sh: SOAK_TRAFFIC_S must be a whole number of seconds, 10 or more" >&2; exit 2 ;;
esac
export E1000_NICS=2
export VM_TIMEOUT=$((minutes * 60 + 600 * slow + 2 * traffic))
"$repo/tests/qemu/vm.sh" run "SOAK_MINUTES=$minutes SOAK_TRAFFIC_S=$traffic bash tests/soak/guest.sh" |
	tee "$out/$flavour.log"
rc=${PIPESTATUS[0]}
sed -n '/^SOAK SUMMARY/,$p' "$out/$flavour.log" >"$out/$flavour.txt"
[ -s "$out/$flavour.txt" ] || echo "soak.sh: the guest printed no summary (status $rc)" >&2
exit "$rc"
