#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of a test guest.  The guest's root is the host's root filesystem,
# read-only over 9p; stage 1 puts a tmpfs-backed overlay on top of it and
# chroots into that, so the guest may write anywhere (/etc, /lib/modules,
# /var) without touching the host.  The repository comes in on a second,
# read-only 9p export mounted at its host path.  Stage 2 mounts the pseudo filesystems,
# makes the freshly built modules loadable by name, runs what SKBPOOL_MODE
# asks for and powers the guest off.
#
# Set on the kernel command line by vm.sh (the kernel hands unknown
# name=value words to init as environment):
#   SKBPOOL_MODE  check | run | shell | probe
#   SKBPOOL_RUN   the host-side run directory (cmd, filter)
#   SKBPOOL_REPO  the repository
#   SKBPOOL_MODROOT  staged modules (lib/modules/<release>); / on a
#                 distribution kernel, whose modules and ours (through
#                 DKMS) are installed in the root itself
#   SKBPOOL_EXT   (optional) the ethtool-ext the tests run
#   SKBPOOL_KSRC  the test kernel's source tree (its tools/testing/selftests)
#   SKBPOOL_SLOW  how many times slower this kernel flavour runs (timeouts)
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=${TERM:-linux} LANG=C.UTF-8

poweroff_now() {
	# -no-reboot turns the reboot into QEMU's exit.
	echo b >/proc/sysrq-trigger
	sleep 10
}

if [ "${1:-}" != stage2 ]; then
	mount -t proc proc /proc
	mount -t tmpfs -o mode=0755 overlay-rw /mnt
	mkdir -p /mnt/upper /mnt/work /mnt/root
	if ! mount -t overlay overlay \
		-o lowerdir=/,upperdir=/mnt/upper,workdir=/mnt/work /mnt/root; then
		echo "guest-init: cannot mount the overlay root" >&2
		poweroff_now
	fi
	exec chroot /mnt/root "$0" stage2
fi

mount -t proc proc /proc || echo "guest-init: mount /proc failed" >&2
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
for d in /tmp /run /var/tmp /var/log; do
	mount -t tmpfs -o mode=1777 tmpfs "$d"
done
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null

# The repository has an export of its own: it may live under a directory
# the guest covers with tmpfs (a CI clone in /tmp).
mkdir -p "$SKBPOOL_REPO"
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,cache=loose,ro repo "$SKBPOOL_REPO"

mkdir -p /lib/modules
mount --bind "$SKBPOOL_MODROOT/lib/modules" /lib/modules

hostname skbpool-guest
ip link set lo up

# Results leave the guest on virtio-serial ports of their own, never mixed
# with the console, which only carries kernel messages.
port_for() {
	local p
	for p in /sys/class/virtio-ports/*; do
		if [ "$(cat "$p/name" 2>/dev/null)" = "$1" ]; then
			echo "/dev/${p##*/}"
			return 0
		fi
	done
	return 1
}
out=$(port_for skbpool.out) || out=/dev/console
status=$(port_for skbpool.status) || status=/dev/null

# Every kernel message, kept for the per-test check for splats.
cat /dev/kmsg >/tmp/kmsg.log 2>/dev/null &

cd "$SKBPOOL_REPO" || cd /
case ${SKBPOOL_MODE:-} in
probe)
	echo ok >"$status"
	;;
check)
	bash "$SKBPOOL_REPO/tests/qemu/guest-check.sh" "$SKBPOOL_RUN" >"$out" 2>&1
	echo $? >"$status"
	;;
run)
	bash "$SKBPOOL_RUN/cmd" </dev/null >"$out" 2>&1
	echo $? >"$status"
	;;
shell)
	echo "skbpool guest shell: modules load by name (modprobe skbpool); exit to power off"
	PS1='skbpool-guest:\w# ' setsid -c bash --norc -i </dev/ttyS0 >/dev/ttyS0 2>&1
	echo 0 >"$status"
	;;
*)
	echo "guest-init: unknown SKBPOOL_MODE '${SKBPOOL_MODE:-}'" >"$out"
	echo 2 >"$status"
	;;
esac
sync
poweroff_now
