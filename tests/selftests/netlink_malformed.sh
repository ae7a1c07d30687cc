#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Malformed requests to the skbpool netlink family, sent by hand over a raw
# generic netlink socket (lib/malformed.py): wrong types and lengths,
# truncated attributes, unknown attributes, huge values, bad nesting,
# requests half good and half bad.  Each must be refused with its errno and
# an extack message, and change nothing: tag and overrides are read back
# after every one.  Before Linux 6.5 a refused dump has its errno alone.
# skbpool-timeout: 180
. "$(dirname "$0")/lib/ktap.sh"
. "$(dirname "$0")/lib/simnic.sh"
. "$(dirname "$0")/lib/ext.sh"
trap simnic_cleanup EXIT

[ -x "$EXT" ] || ktap_skip_all "ethtool-ext is not built ($EXT)"
if ! simnic_pair 131 132 2 >/dev/null 2>&1 || ! ext "$NS_A" tag "$DEV_A"; then
	ktap_plan 1
	ktap_fail "set up a tagged simnic pair"
	ktap_finish
fi
# Before 6.5 a dump's start callback has no extack.  The test decides from
# the kernel's version, not from what skbpool says at load, so a probe that
# wrongly finds no extack on a newer kernel fails here instead of excusing
# itself.
IFS=. read -r major minor _ <<<"$(uname -r)"
dump_extack=0
[ "$major" -gt 6 ] || { [ "$major" -eq 6 ] && [ "${minor%%[!0-9]*}" -ge 5 ]; } &&
	dump_extack=1
SKBPOOL_DUMP_EXTACK=$dump_extack ip netns exec "$NS_A" python3 "$(dirname "$0")/lib/malformed.py" "$DEV_A" "$EXT"
