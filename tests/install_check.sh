#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ethtool-ext's make install, into a scratch DESTDIR: the binary and the
# man page land under PREFIX, the installed binary runs, and the page
# renders without a warning from groff.  KTAP on stdout (run by host.sh).
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
n=0
check() { # DESCRIPTION CMD...
	local d=$1
	shift
	n=$((n + 1))
	if "$@"; then echo "ok $n $d"; else echo "not ok $n $d"; fi
}
echo "TAP version 13"
echo "1..4"
check "make install DESTDIR PREFIX=/usr/local" \
	make --no-print-directory -s -C "$repo/tools/ethtool-ext" install DESTDIR="$dest" PREFIX=/usr/local
check "the binary is in sbin, executable" test -x "$dest/usr/local/sbin/ethtool-ext"
check "the installed binary runs: -h" \
	bash -c '"$1" -h | grep -q "^Usage: ethtool-ext"' _ "$dest/usr/local/sbin/ethtool-ext"
check "the man page is in share/man/man8 and renders without a warning" \
	bash -c 'w=$(groff -man -Tutf8 -ww -z "$1" 2>&1) && [ -z "$w" ] || { echo "# $w"; false; }' \
	_ "$dest/usr/local/share/man/man8/ethtool-ext.8"
