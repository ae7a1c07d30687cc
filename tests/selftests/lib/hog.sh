#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Real memory pressure for a selftest (lib/hog.py does the work):
#   hog_start SPEC DIR   start the hog towards watermark SPEC (min+50 ...),
#                        its status in DIR/hog.json; sets HOG
#   hog_wait             wait up to two minutes for it to reach the target;
#                        true when it did and is still alive
#   hog_field NAME       one field of its latest status line
#   hog_stop             stop it (also fine when the OOM killer took it)

HOG=
HOG_STATUS=

hog_start() { # SPEC DIR
	HOG_STATUS=$2/hog.json
	python3 "$(dirname "${BASH_SOURCE[0]}")/hog.py" "$1" "$HOG_STATUS" &
	HOG=$!
}

hog_field() { # NAME
	tail -n 1 "$HOG_STATUS" | python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"
}

hog_wait() {
	local _
	for _ in $(seq 240); do
		[ "$(hog_field reached 2>/dev/null)" = True ] && break
		sleep 0.5
	done
	kill -0 "$HOG" 2>/dev/null && [ "$(hog_field reached 2>/dev/null)" = True ]
}

hog_stop() {
	[ -n "$HOG" ] || return 0
	kill "$HOG" 2>/dev/null
	wait "$HOG" 2>/dev/null
	HOG=
}
