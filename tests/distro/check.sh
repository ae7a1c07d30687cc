#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-distro: the packages on Debian 12's own kernels, the newest
# 6.1 (linux-image-amd64) and the newest 6.12 (linux-image-6.12-amd64).
#
#   check.sh [FILTER]     FILTER: an ERE over test names, as make check's T
#
# 1. The kernels and their headers come from apt-get (deps.sh distro-run),
#    as on an admin's machine.
# 2. The guest's root is the host's root under an overlay whose upper
#    layer is a tmpfs, so the host is not changed: in it, as root in a
#    chroot, `dpkg -i` installs skbpool-dkms and ethtool-ext from make deb,
#    and `dkms install` builds the modules for each kernel, which is what
#    an admin does for a kernel other than the running one.
# 3. Each kernel boots in the test guest (two emulated 82540EM NICs) with
#    tests/distro/initramfs.sh's initramfs, and runs the whole suite as
#    make check does; a test that needs what Debian does not build (KUnit,
#    fault injection, netdevsim) skips and says so.  The tests named in
#    REQUIRED must run there: a skip of one fails the run.
#
# Results: build/distro-run/KVER.ktap and build/distro-run/summary.txt.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
filter=${1:-}
work=$repo/build/distro-run
root=$work/root
rw=$work/rw
version=$(cat "$repo/VERSION")

# What the distro kernels must run, not skip (issue #14): the simnic pair
# tagged and recycling, emergency forced with nbd, e1000sp's traffic and
# emergency on the emulated NICs, ethtool-ext against the kernel, and
# module unload with buffers in flight.
REQUIRED=(simnic_pair emergency_forced e1000sp_traffic e1000sp_emergency
	ethtool_ext simnic_teardown e1000sp_teardown)

"$repo/tests/qemu/deps.sh" distro-run

# The meta packages name the versioned kernels.
kernels=()
for meta in linux-image-amd64 linux-image-6.12-amd64; do
	pkg=$(dpkg-query -W -f='${Depends}' "$meta" | sed 's/[ ,(].*//')
	kernels+=("${pkg#linux-image-}")
done

umount_all() {
	local m
	for m in "$root/proc" "$root/sys" "$root/dev" "$root" "$rw"; do
		mountpoint -q "$m" && umount -R "$m"
	done
	return 0
}
trap umount_all EXIT
umount_all
rm -rf "$work"
mkdir -p "$root" "$rw"

mount -t tmpfs -o mode=0755 skbpool-distro-rw "$rw"
mkdir -p "$rw/upper" "$rw/work"
mount -t overlay skbpool-distro -o "lowerdir=/,upperdir=$rw/upper,workdir=$rw/work" "$root"
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
mount --rbind /dev "$root/dev"

debs=()
mkdir -p "$root/tmp/skbpool-debs"
for deb in "$repo"/build/deb/skbpool-dkms_"$version"-*_all.deb \
	"$repo"/build/deb/ethtool-ext_"$version"-*_amd64.deb; do
	if [ ! -f "$deb" ]; then
		echo "check-distro: no $deb (make deb builds it)" >&2
		exit 1
	fi
	cp "$deb" "$root/tmp/skbpool-debs/"
	debs+=("/tmp/skbpool-debs/${deb##*/}")
done
echo "# check-distro: dpkg -i ${debs[*]##*/}"
if ! chroot "$root" dpkg -i "${debs[@]}" >"$work/dpkg.log" 2>&1; then
	tail -n 30 "$work/dpkg.log"
	echo "check-distro: dpkg -i failed (log: build/distro-run/dpkg.log)" >&2
	exit 1
fi
for kver in "${kernels[@]}"; do
	echo "# check-distro: dkms install skbpool/$version -k $kver"
	if ! chroot "$root" dkms install "skbpool/$version" -k "$kver" >"$work/dkms-$kver.log" 2>&1; then
		tail -n 30 "$work/dkms-$kver.log"
		echo "check-distro: dkms install for $kver failed (log: build/distro-run/dkms-$kver.log)" >&2
		exit 1
	fi
	for m in skbpool simnic e1000sp; do
		if ! chroot "$root" modinfo -k "$kver" -F filename "$m" | grep -q /updates/dkms/; then
			echo "check-distro: $m for $kver is not DKMS's: $(chroot "$root" modinfo -k "$kver" -F filename "$m" 2>&1)" >&2
			exit 1
		fi
	done
done
umount -R "$root/proc" "$root/sys" "$root/dev"

# The test kernel's source is Debian's linux-source-6.12; the tests that run
# the kernel's own tools (ynl, netdevice.sh) get it on the 6.12 kernel of
# the same release only.
src_ver=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null || true)
cache=${SKBPOOL_CACHE:-$HOME/.cache/skbpool}
ksrc_612=$cache/src-$src_ver/linux-source-6.12

# With a filter, only the required tests it selects are required.
required=()
for t in "${REQUIRED[@]}"; do
	{ [ -z "$filter" ] || grep -qE -- "$filter" <<<"$t"; } && required+=("$t")
done

fail=0
: >"$work/summary.txt"
for kver in "${kernels[@]}"; do
	"$repo/tests/distro/initramfs.sh" "$kver" "$root" "$work/initrd-$kver.img"
	ksrc=
	img_ver=$(dpkg-query -W -f='${Version}' "linux-image-$kver")
	[ "$img_ver" = "$src_ver" ] && [ -f "$ksrc_612/Makefile" ] && ksrc=$ksrc_612
	echo "# check-distro: booting $kver"
	rc=0
	VM_KERNEL=/boot/vmlinuz-$kver VM_KVER=$kver VM_INITRD=$work/initrd-$kver.img \
		VM_ROOT=$root VM_KSRC=$ksrc VM_EXT=/usr/sbin/ethtool-ext E1000_NICS=2 \
		"$repo/tests/qemu/vm.sh" check "$filter" | tee "$work/$kver.ktap" || rc=$?
	python3 "$repo/tests/distro/summary.py" "$kver" "$work/$kver.ktap" "${required[@]}" \
		>>"$work/summary.txt" || rc=1
	[ $rc -eq 0 ] || fail=1
done
echo
cat "$work/summary.txt"
exit $fail
