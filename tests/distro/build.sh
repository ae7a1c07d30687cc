#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make build-distro: skbpool, simnic and e1000sp built against the headers
# of Debian 12's stock kernels (the KUnit and bench modules need a kernel
# with KUnit, which Debian's are not), the newest 6.1 (linux-headers-amd64) and the newest 6.12
# (linux-headers-6.12-amd64), which deps.sh distro installs; with W=1, and
# a warning fails as an error does.  Each kernel builds a clean copy of the
# tree under build/distro/, so the test kernel's objects stay where they
# are.  This proves the compat layer (include/skbpool/compat.h) compiles;
# running on those kernels is another matter.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
"$repo/tests/qemu/deps.sh" distro
out=$repo/build/distro
rm -rf "$out"
mkdir -p "$out"
fail=0
for meta in linux-headers-amd64 linux-headers-6.12-amd64; do
	# The meta package names the versioned one, whose tree is in /usr/src.
	pkg=$(dpkg-query -W -f='${Depends}' "$meta" | sed 's/[ ,(].*//')
	kdir=/usr/src/$pkg
	if [ ! -f "$kdir/Makefile" ]; then
		echo "build-distro: $meta names $pkg, but $kdir has no kernel Makefile" >&2
		exit 1
	fi
	src=$out/${pkg#linux-headers-}
	mkdir -p "$src"
	git -C "$repo" ls-files -z --cached --others --exclude-standard |
		(cd "$repo" && tar --null -T - --ignore-failed-read -cf -) | tar -xf - -C "$src"
	echo "# build-distro: ${pkg#linux-headers-}"
	if ! make -s -C "$kdir" M="$src" W=1 -j"$(nproc)" modules >"$src.log" 2>&1 ||
	   grep -qE 'warning:|error:' "$src.log"; then
		grep -E 'warning:|error:' "$src.log" | head -n 20 || tail -n 20 "$src.log"
		echo "not ok: ${pkg#linux-headers-} (log: build/distro/${src##*/}.log)"
		fail=1
		continue
	fi
	echo "ok: ${pkg#linux-headers-}, $(find "$src" -name '*.ko' | wc -l) modules, no warning"
done
exit $fail
