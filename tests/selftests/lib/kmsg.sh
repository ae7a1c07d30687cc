#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel's log as the guest's init copies it, /dev/kmsg records in
# KMSG (/tmp/kmsg.log), read from a mark on:
#   kmsg_mark           the log's size now, to read from later
#   kmsg_splat MARK     the first splat line logged since MARK, empty if none
#   kmsg_context MARK   that splat and the 40 lines after it, as KTAP
#                       comments: CI keeps only the harness's output, and a
#                       splat line alone does not say where

KMSG=${KMSG:-/tmp/kmsg.log}
KMSG_SPLAT_RE='WARNING:|BUG:|Oops|KASAN|UBSAN|circular locking|recursive locking|inconsistent lock state|suspicious RCU|general protection fault|refcount_t:|list_(add|del) corruption|blocked for more than|unreferenced object|NETDEV WATCHDOG'

# Lines not to count as splats (the harness sets it on a KCSAN kernel,
# whose reports the host judges: kcsan-report.py).
KMSG_SKIP_RE=${KMSG_SKIP_RE:-}

kmsg_mark() { stat -c %s "$KMSG"; }

# The records since MARK, without their "level,seq,time,flags;" prefix
# and without those KMSG_SKIP_RE names.
kmsg_since() { # MARK
	tail -c +$(($1 + 1)) "$KMSG" |
		awk -v skip="$KMSG_SKIP_RE" '{ sub(/^[^;]*;/, "") } skip == "" || $0 !~ skip'
}

kmsg_splat() { # MARK
	sync
	sleep 0.2
	kmsg_since "$1" | grep -E -m1 -- "$KMSG_SPLAT_RE"
}

kmsg_context() { # MARK
	kmsg_since "$1" | grep -E -m1 -A40 -- "$KMSG_SPLAT_RE" | sed 's/^/    # /'
}
