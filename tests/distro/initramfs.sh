#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A minimal initramfs for booting one of Debian's stock kernels in the test
# guest, whose root is a 9p export of the host.
#
#   initramfs.sh KVER ROOT OUT    ROOT: the tree whose /lib/modules/KVER
#                                 has the kernel's modules; OUT: the cpio
#
# Debian's kernels build virtio-pci, 9p, overlayfs and virtio-console as
# modules, so something must load them before the root can be mounted.
# Debian's own initramfs-tools cannot mount a 9p root (its "local" boot
# script waits for a block device and gives up), and teaching it would
# mean a hook and a boot script of our own anyway.  So this image is
# busybox-static, the few modules a 9p root needs with their dependencies
# (as the kernel's own modules.dep lists them, decompressed for busybox's
# insmod), and an /init of a dozen lines: load them, mount the root, and
# switch to the harness's init, which the kernel's init= names.
set -euo pipefail
kver=${1:?usage: initramfs.sh KVER ROOT OUT}
root=$(cd "${2:?usage: initramfs.sh KVER ROOT OUT}" && pwd)
out=${3:?usage: initramfs.sh KVER ROOT OUT}

busybox=/bin/busybox
if ! "$busybox" --list 2>/dev/null | grep -qx switch_root; then
	echo "initramfs.sh: $busybox has no switch_root (install busybox-static)" >&2
	exit 1
fi
# virtio_console: the harness's results leave on virtio-serial ports.
wanted=(virtio_pci 9pnet_virtio 9p overlay virtio_console)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{bin,dev,proc,sys,newroot,lib/modules}
cp "$busybox" "$tmp/bin/busybox"

# modprobe prints the insmod commands in load order, dependencies first,
# and "builtin" for what the kernel has built in.
: >"$tmp/modules"
# One module per call: modprobe takes the words after the first name as
# its parameters.  The paths it prints include ROOT.
for m in "${wanted[@]}"; do
	modprobe -d "$root" -S "$kver" --show-depends "$m"
done | awk '$1 == "insmod" { print $2 }' | awk '!seen[$0]++' |
	while read -r ko; do
		name=$(basename "$ko")
		case $name in
		*.ko.xz) xz -dc "$ko" >"$tmp/lib/modules/${name%.xz}" ;;
		*.ko.zst) zstd -qdc "$ko" >"$tmp/lib/modules/${name%.zst}" ;;
		*.ko) cp "$ko" "$tmp/lib/modules/" ;;
		*)
			echo "initramfs.sh: unknown module file $ko" >&2
			exit 1
			;;
		esac
		echo "${name%.ko*}.ko" >>"$tmp/modules"
	done

cat >"$tmp/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t devtmpfs devtmpfs /dev
for m in $(cat /modules); do
	insmod "/lib/modules/$m" || echo "initramfs: insmod $m failed"
done
# The virtio devices probe as their driver loads; give 9p's channel a
# moment to register if it is not there yet.
tries=0
until mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,cache=loose,ro \
	rootfs /newroot; do
	tries=$((tries + 1))
	if [ $tries -ge 20 ]; then
		echo "initramfs: cannot mount the 9p root; powering off"
		echo b >/proc/sysrq-trigger
	fi
	sleep 0.5
done
init=$(sed -n 's/.* init=\([^ ]*\).*/\1/p' /proc/cmdline)
umount /dev
umount /proc
exec switch_root /newroot "${init:-/sbin/init}"
EOF
chmod 755 "$tmp/init"
(cd "$tmp" && find . | cpio -o -H newc --quiet) | gzip -1 >"$out"
echo "initramfs.sh: $out for $kver ($(wc -l <"$tmp/modules") modules)" >&2
