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
# checks come on top, several times slower on the debug kernel.
slow=1
[ "$flavour" = debug ] && slow=3
export E1000_NICS=2
export VM_TIMEOUT=$((minutes * 60 + 600 * slow))
"$repo/tests/qemu/vm.sh" run "SOAK_MINUTES=$minutes bash tests/soak/guest.sh" | tee "$out/$flavour.log"
rc=${PIPESTATUS[0]}
sed -n '/^SOAK SUMMARY/,$p' "$out/$flavour.log" >"$out/$flavour.txt"
[ -s "$out/$flavour.txt" ] || echo "soak.sh: the guest printed no summary (status $rc)" >&2
exit "$rc"
