#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Real memory pressure for a selftest (lib/hog.py does the work):
#   hog_start SPEC DIR [FLOOR]
#                        start the hog towards SPEC (min+50, min+48M ...),
#                        giving back only below FLOOR (default SPEC), its
#                        status in DIR/hog.json; sets HOG
#   hog_wait             wait up to two minutes for it to reach the target;
#                        true when it did and is still alive
#   hog_field NAME       one field of its latest status line
#   hog_stop             stop it (also fine when the OOM killer took it)

HOG=
HOG_STATUS=

hog_start() { # SPEC DIR
	HOG_STATUS=$2/hog.json
	python3 "$(dirname "${BASH_SOURCE[0]}")/hog.py" "$1" "$HOG_STATUS" ${3:+"$3"} &
	HOG=$!
}

hog_field() { # NAME
	tail -n 1 "$HOG_STATUS" | python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"
}

# No python3 per look: each start takes megabytes, which near the target
# is what sends the next allocation into direct reclaim.
hog_reached() {
	local line
	line=$(tail -n 1 "$HOG_STATUS" 2>/dev/null)
	[[ $line == *'"reached": true'* ]]
}

hog_wait() {
	local _
	for _ in $(seq 240); do
		hog_reached && break
		sleep 0.5
	done
	kill -0 "$HOG" 2>/dev/null && hog_reached
}

hog_stop() {
	[ -n "$HOG" ] || return 0
	kill "$HOG" 2>/dev/null
	wait "$HOG" 2>/dev/null
	HOG=
}
