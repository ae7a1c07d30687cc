#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the cached test kernel under QEMU with the host root shared read-only
# over 9p and the freshly built modules loadable by name.
#
#   vm.sh check [FILTER]   run every test (or those whose name matches the
#                          ERE FILTER); KTAP on stdout, then the verdict
#   vm.sh run CMD...       run CMD in a fresh guest; its output and status
#   vm.sh shell            an interactive guest shell on this terminal
#
# Environment: FLAVOUR (base|debug|kcsan), KDIR (a prepared kernel build tree
# instead of the cached one), VM_MEM (default 2G), VM_TIMEOUT (seconds,
# hard limit on the whole guest), E1000_NICS (emulated 82540EM NICs, each
# pair joined back to back by a QEMU hub of its own), VM_ACCEL (tcg|kvm: skip the KVM probe),
# VM_IOMMU=1 (a q35 machine with QEMU's intel-iommu in front of every PCI
# device and a strict IOMMU in the guest: each DMA map and unmap goes
# through the emulated IOMMU and its IOTLB invalidation), VM_TRACE (QEMU
# trace events, comma-separated, no wildcards, logged to VM_TRACE_LOG:
# bench-iotlb).
# A distribution kernel instead of the test kernel (make check-distro):
# VM_KERNEL (its vmlinuz), VM_KVER (its release), VM_INITRD (what mounts
# the 9p root: tests/distro/initramfs.sh), VM_ROOT (the tree the guest
# boots, default /; there its modules and ours are installed as an admin
# would, so nothing is staged), VM_KSRC (a source tree for the tests that
# run the kernel's own tools, empty for none), VM_EXT (the ethtool-ext the
# tests run, default the one built in the repo).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${SKBPOOL_CACHE:-$HOME/.cache/skbpool}
mode=${1:?usage: vm.sh check [FILTER] | run CMD... | shell}
shift

flavour=${FLAVOUR:-base}
# How much slower the flavour runs the same work under TCG (KASAN, lockdep
# and kmemleak on every allocation and lock): the guest's and each test's
# time limits stretch by it.  Measured by make check-debug: see
# Documentation/testing.rst.  Debug is 4: on two vCPUs (since the debug
# kernel has MPS) alloc_failures_init's e1000sp probe walk ran past 3 x
# its 900 s (2,701 s, still walking), where one vCPU took 1,613 s.
slow=1
[ "$flavour" = debug ] && slow=4
# KCSAN's instrumentation of every access costs about what the debug
# checks do; not measured on its own yet, so the debug figure stands in.
[ "$flavour" = kcsan ] && slow=3
guest_root=${VM_ROOT:-/}
if [ -n "${VM_KERNEL:-}" ]; then
	kver=${VM_KVER:?VM_KERNEL needs VM_KVER}
	bzimage=$VM_KERNEL
	ksrc=${VM_KSRC:-/nonexistent}
	modroot=/
else
	kdir=${KDIR:-$("$here/kernel.sh" "$flavour")}
	kver=$(cat "$kdir/include/config/kernel.release")
	# The kernel's own selftests (netdevice.sh) run in place from its
	# source tree (the guest sees the host's root).
	ksrc=$(readlink -f "$kdir/source" 2>/dev/null) || ksrc=$kdir
	bzimage=$kdir/arch/x86/boot/bzImage

	# Stage the kernel's own modules plus ours under build/modroot; the
	# guest bind-mounts it on /lib/modules.
	modroot=$repo/build/modroot
	rm -rf "$modroot"
	mkdir -p "$modroot/lib/modules"
	cp -a "$kdir/modroot/lib/modules/$kver" "$modroot/lib/modules/"
	rm -f "$modroot/lib/modules/$kver/build" "$modroot/lib/modules/$kver/source"
	mkdir -p "$modroot/lib/modules/$kver/extra"
	find "$repo" -path "$repo/build" -prune -o -name '*.ko' -print0 |
		xargs -0 -r cp -t "$modroot/lib/modules/$kver/extra/"
	depmod -b "$modroot" "$kver"
fi

run=$repo/build/vm/$mode
rm -rf "$run"
mkdir -p "$run"
: >"$run/out"
: >"$run/status"

# KVM only where a guest really boots with it: the probe boots once with a
# short timeout and its answer is remembered per machine and kernel.
accel() {
	if [ -n "${VM_ACCEL:-}" ]; then
		echo "$VM_ACCEL"
		return
	fi
	if [ ! -w /dev/kvm ]; then
		echo tcg
		return
	fi
	local memo
	memo=$cache/kvm-probe-$(hostname)-$(stat -c %Y "$bzimage")
	if [ ! -f "$memo" ]; then
		local p=$repo/build/vm/probe
		rm -rf "$p"
		mkdir -p "$p"
		: >"$p/status"
		# shellcheck disable=SC2046 # qemu_args yields words on purpose
		timeout -k 5 30 qemu-system-x86_64 $(qemu_args kvm probe "$p") \
			-append "${cmdline/SKBPOOL_MODE=$mode/SKBPOOL_MODE=probe}" \
			-serial null >/dev/null 2>&1 || true
		if grep -qx ok "$p/status"; then echo kvm >"$memo"; else echo tcg >"$memo"; fi
		rm -rf "$p"
	fi
	cat "$memo"
}

# Every guest has two vCPUs; the guest checks it runs on both.
VCPUS=2

qemu_args() { # accel mode run-dir
	local cpu=max
	[ "$1" = kvm ] && cpu=host
	echo "-nodefaults -no-reboot -display none -accel $1 -cpu $cpu"
	echo "-smp $VCPUS -m ${VM_MEM:-2G} -kernel $bzimage"
	[ -n "${VM_INITRD:-}" ] && echo "-initrd $VM_INITRD"
	# Before any PCI device: QEMU attaches devices to the IOMMU that
	# exists when they are created.
	[ "${VM_IOMMU:-0}" = 1 ] && echo "-machine q35 -device intel-iommu"
	# Not for the KVM probe: only the guest that runs the command traces.
	if [ -n "${VM_TRACE:-}" ] && [ "$2" != probe ]; then
		local ev evs
		IFS=, read -ra evs <<<"$VM_TRACE"
		for ev in "${evs[@]}"; do
			echo "-trace enable=$ev"
		done
		echo "-D ${VM_TRACE_LOG:?VM_TRACE needs VM_TRACE_LOG}"
	fi
	echo "-fsdev local,id=root,path=$guest_root,security_model=none,readonly=on,multidevs=remap"
	echo "-device virtio-9p-pci,fsdev=root,mount_tag=rootfs"
	echo "-fsdev local,id=repo,path=$repo,security_model=none,readonly=on,multidevs=remap"
	echo "-device virtio-9p-pci,fsdev=repo,mount_tag=repo"
	echo "-device virtio-serial-pci"
	echo "-chardev file,id=out,path=$3/out -device virtserialport,chardev=out,name=skbpool.out"
	echo "-chardev file,id=st,path=$3/status -device virtserialport,chardev=st,name=skbpool.status"
	local i
	for i in $(seq 1 "${E1000_NICS:-0}"); do
		# In pairs, each pair on a hub of its own: a hub repeats every
		# frame to every port, and two pairs measured side by side
		# (bench-e1000) must not see each other's traffic.
		echo "-netdev hubport,id=hp$i,hubid=$(((i - 1) / 2)) -device e1000,netdev=hp$i,mac=52:54:00:00:5b:0$i"
	done
}

cmdline="console=ttyS0 root=rootfs rootfstype=9p"
cmdline+=" rootflags=trans=virtio,version=9p2000.L,msize=512000,cache=loose ro"
# KCSAN reports through panic_on_warn, and the rest of the kernel has
# benign races of its own: on kcsan a splat does not stop the guest, and
# kcsan-report.py judges the console afterwards.
panic_on_warn=1
[ "$flavour" = kcsan ] && panic_on_warn=0
cmdline+=" init=$here/guest-init.sh panic_on_warn=$panic_on_warn panic=-1 oops=panic"
cmdline+=" log_buf_len=4M loglevel=5"
cmdline+=" SKBPOOL_MODE=$mode SKBPOOL_RUN=$run SKBPOOL_REPO=$repo SKBPOOL_MODROOT=$modroot"
cmdline+=" SKBPOOL_KSRC=$ksrc SKBPOOL_SLOW=$slow SKBPOOL_CPUS=$VCPUS"
[ -n "${VM_EXT:-}" ] && cmdline+=" SKBPOOL_EXT=$VM_EXT"
[ "${VM_IOMMU:-0}" = 1 ] && cmdline+=" intel_iommu=on iommu.strict=1"
# On the debug kernel ACPI's interpreter runs the i440FX's _PRT method for
# every PCI device enabled (each e1000 probe, and at boot) for over 20 s:
# KASAN records a stack for every object it frees.  Sometimes it ran past
# ACPICA's loop timeout (AE_AML_LOOP_TIMEOUT), the NIC got no interrupt
# ("PCI INT A: no GSI") and its TX watchdog fired.  acpi=noirq routes PCI
# interrupts through the PIIX router's PIRQ table instead, as on a machine
# without ACPI: an e1000 probe takes 0.1 s there.
[ "$flavour" = debug ] && cmdline+=" acpi=noirq"
# Under emulation the guest's clock is the host's, so a vCPU the busy host
# does not run for a while looks stuck to the guest: a soft lockup of 22 s
# was reported in a memcpy in nfsd while the host ran other jobs.  The
# detector reports after 60 s (120 s on the debug kernel, several times
# slower): a CPU that really never yields still trips it.
watchdog=30
[ "$flavour" = debug ] && watchdog=60
cmdline+=" watchdog_thresh=$watchdog"

# shellcheck disable=SC2207 # qemu_args yields whitespace-separated words
qargs=($(qemu_args "$(accel)" "$mode" "$run"))
qargs+=(-append "$cmdline")

case $mode in
check)
	printf '%s' "${1:-}" >"$run/filter"
	limit=${VM_TIMEOUT:-$((3000 * slow))}
	timeout -k 10 "$limit" qemu-system-x86_64 "${qargs[@]}" \
		-serial "file:$run/console.log" </dev/null &
	qpid=$!
	tail -n +1 -F --pid=$qpid "$run/out" 2>/dev/null
	wait $qpid || echo "# qemu exited with status $? (124: VM_TIMEOUT ${limit}s reached)"
	[ "$flavour" = kcsan ] || exec python3 "$here/ktap.py" "$run/out" "$run/console.log"
	rc=0
	python3 "$here/ktap.py" "$run/out" "$run/console.log" || rc=$?
	python3 "$here/kcsan-report.py" "$run/console.log" || rc=1
	exit $rc
	;;
run)
	printf '%s\n' "$*" >"$run/cmd"
	rc=0
	timeout -k 10 "${VM_TIMEOUT:-900}" qemu-system-x86_64 "${qargs[@]}" \
		-serial "file:$run/console.log" </dev/null || rc=$?
	cat "$run/out"
	status=$(tr -dc 0-9 <"$run/status")
	if [ -z "$status" ]; then
		echo "vm.sh: the guest died before the command finished (qemu status $rc); console:" >&2
		tail -n 30 "$run/console.log" >&2
		exit 1
	fi
	exit "$status"
	;;
shell)
	qemu-system-x86_64 "${qargs[@]}" -serial mon:stdio
	;;
*)
	echo "vm.sh: unknown mode '$mode'" >&2
	exit 2
	;;
esac
