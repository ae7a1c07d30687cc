#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the test kernel once and cache it outside the repo; print the path of
# its build directory (usable as KDIR) on stdout.
#
#   kernel.sh [base|debug|kcsan]
#
# Source: Debian's linux-source-6.12, unpacked once per package version.
# Configuration: allnoconfig plus tests/kernel/base.config (and debug.config
# for the debug flavour, kcsan.config for the kcsan one).  The cache key is the package version plus a hash
# of the fragments, so a changed fragment or an upgraded source package gets
# a fresh build while everything else reuses the cached one.  A lock file
# makes sure two kernel builds never run at once on this machine.
set -euo pipefail

flavour=${1:-base}
here=$(cd "$(dirname "$0")" && pwd)
cache=${SKBPOOL_CACHE:-$HOME/.cache/skbpool}
frag_dir=$here/../kernel

case $flavour in
base) frags=("$frag_dir/base.config") ;;
debug) frags=("$frag_dir/base.config" "$frag_dir/debug.config") ;;
kcsan) frags=("$frag_dir/base.config" "$frag_dir/kcsan.config") ;;
*) echo "kernel.sh: unknown flavour '$flavour' (base, debug or kcsan)" >&2; exit 2 ;;
esac

pkgver=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null) || {
	echo "kernel.sh: linux-source-6.12 is not installed (run tests/qemu/deps.sh)" >&2
	exit 1
}
key=$(cat "${frags[@]}" | sha256sum | cut -c1-12)
src=$cache/src-$pkgver/linux-source-6.12
build=$cache/kernel-$flavour-$pkgver-$key

if [ -f "$build/.skbpool-done" ]; then
	echo "$build"
	exit 0
fi

mkdir -p "$cache"
exec 9>"$cache/.build.lock"
echo "kernel.sh: waiting for the kernel build lock" >&2
flock 9
# Another invocation may have finished the same build while we waited.
if [ -f "$build/.skbpool-done" ]; then
	echo "$build"
	exit 0
fi

if [ ! -f "$src/Makefile" ]; then
	echo "kernel.sh: unpacking linux-source-6.12 $pkgver" >&2
	tmp=$(mktemp -d "$cache/.src.XXXXXX")
	tar -C "$tmp" -xf /usr/src/linux-source-6.12.tar.xz
	rm -rf "$cache/src-$pkgver"
	mv "$tmp" "$cache/src-$pkgver"
fi

start=$(date +%s)
rm -rf "$build"
mkdir -p "$build"
cat "${frags[@]}" >"$build/fragment.config"
kmake() { make -s -C "$src" O="$build" ARCH=x86_64 "$@"; }

echo "kernel.sh: configuring the $flavour kernel in $build" >&2
kmake KCONFIG_ALLCONFIG="$build/fragment.config" allnoconfig >/dev/null
kmake olddefconfig >/dev/null

missing=0
while IFS= read -r line; do
	case $line in CONFIG_*=*) ;; *) continue ;; esac
	if ! grep -qxF "$line" "$build/.config"; then
		echo "kernel.sh: $line did not survive Kconfig (missing dependency?)" >&2
		missing=1
	fi
done <"$build/fragment.config"
[ $missing -eq 0 ] || exit 1

echo "kernel.sh: building (log: $build/build.log)" >&2
if ! kmake -j"$(($(nproc) + 1))" bzImage modules >"$build/build.log" 2>&1; then
	tail -n 30 "$build/build.log" >&2
	echo "kernel.sh: kernel build failed" >&2
	exit 1
fi
kmake INSTALL_MOD_PATH="$build/modroot" INSTALL_MOD_STRIP=1 modules_install >/dev/null
echo $(($(date +%s) - start)) >"$build/build-seconds"
touch "$build/.skbpool-done"
# Older builds of this flavour are dead weight (a few GiB each).
for old in "$cache/kernel-$flavour-"*; do
	[ "$old" = "$build" ] || rm -rf "$old"
done
echo "kernel.sh: built the $flavour kernel in $(cat "$build/build-seconds") s" >&2
echo "$build"
