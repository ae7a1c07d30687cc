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
# checks come on top, several times slower on the debug kernel.  Two
# debug runs of 2026-12-06 set its figures: with 30 s of churn a round
# made 18 changes in 30 minutes, most of each 9-minute round going to
# setup and checks; with 150 s, 23 changes in two rounds of 26 minutes.
# In both the UDP bulk senders, asked for 2,000 datagrams/s each, had
# sent nearly all they were asked for when the round ended: most likely
# they fell behind and caught up flat out, long past the window, while
# the changes waited for the CPU (the senders now stop at the window's
# end and each round prints what they managed).  So the debug kernel
# churns for 300 s a round and its bulk asks for 200/s, a tenth of the
# base rate.  The per-round sender lines of the next debug run read
# about 68/s achieved, the senders up to 200 s late: the guest is short
# of CPU through the window, with or without the hog, and the critical
# bound is on the network's stall for that reason (guest.sh, crit_ok).
# SOAK_TRAFFIC_S and SOAK_BULK_RATE override either.
slow=1
traffic=30
bulk=2000
[ "$flavour" = debug ] && slow=3 && traffic=300 && bulk=200
traffic=${SOAK_TRAFFIC_S:-$traffic}
bulk=${SOAK_BULK_RATE:-$bulk}
case $traffic in
'' | *[!0-9]* | ? ) echo "soak.sh: SOAK_TRAFFIC_S must be a whole number of seconds, 10 or more" >&2; exit 2 ;;
esac
case $bulk in
'' | *[!0-9]* | 0*) echo "soak.sh: SOAK_BULK_RATE must be a whole number of datagrams a second, 1 or more" >&2; exit 2 ;;
esac
export E1000_NICS=2
export VM_TIMEOUT=$((minutes * 60 + 600 * slow + 2 * traffic))
"$repo/tests/qemu/vm.sh" run "SOAK_MINUTES=$minutes SOAK_TRAFFIC_S=$traffic SOAK_BULK_RATE=$bulk bash tests/soak/guest.sh" |
	tee "$out/$flavour.log"
rc=${PIPESTATUS[0]}
sed -n '/^SOAK SUMMARY/,$p' "$out/$flavour.log" >"$out/$flavour.txt"
[ -s "$out/$flavour.txt" ] || echo "soak.sh: the guest printed no summary (status $rc)" >&2
exit "$rc"
