#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Two QEMU guests on one wire, for the field experiment (field.sh) and the
# flood bench (tests/bench/flood.sh).  Sourced with repo (the checkout),
# top (build/field), TIMEOUT (a hard limit on one guest, seconds) and
# die() defined; stages on the host what both guests use (the test kernel,
# the static fieldload binary, the modules) and defines:
#   boot VAR DIR MEM SMP LPORT RPORT MAC   a guest running DIR/cmd
#   mon DIR COMMAND                        a QEMU monitor command
#   nmi_dump DIR PID                       panic a stuck guest for its dump
#   stop_guest DIR PID                     quit and reap a guest
#   done_status DIR, last_step DIR, first_error DIR
#                                          what a guest has said so far
# A guest's lines for the host: "FIELD_STEP WHO STEP" before each step,
# "FIELD_ERROR WHO STEP: WHY" when one fails.
# shellcheck disable=SC2154 # repo, top and TIMEOUT come from the sourcing script

kdir=${KDIR:-$("$repo/tests/qemu/kernel.sh" "${FLAVOUR:-base}")} || die "no test kernel"
kver=$(cat "$kdir/include/config/kernel.release")
ksrc=$(readlink -f "$kdir/source" 2>/dev/null) || ksrc=$kdir
bzimage=$kdir/arch/x86/boot/bzImage

mkdir -p "$top"
# The workers, sampler, sink and flood: one static binary for both guests.
gcc -O2 -Wall -Wextra -static -o "$top/fieldload" "$repo/tests/field/fieldload.c" ||
	die "cannot build fieldload"

# Modules as vm.sh stages them, in a directory of our own: the two
# guests share it, read-only.
modroot=$top/modroot
rm -rf "$modroot"
mkdir -p "$modroot/lib/modules/$kver/extra"
cp -a "$kdir/modroot/lib/modules/$kver" "$modroot/lib/modules/"
rm -f "$modroot/lib/modules/$kver/build" "$modroot/lib/modules/$kver/source"
find "$repo" -path "$repo/build" -prune -o -name '*.ko' -print0 |
	xargs -0 -r cp -t "$modroot/lib/modules/$kver/extra/"
depmod -b "$modroot" "$kver"

# One guest: NAME (client|server) in DIR, MEM MiB, SMP vCPUs, its end of
# the wire (LPORT local, RPORT remote UDP port on 127.0.0.1) and MAC;
# DIR/cmd is what it runs.  Sets the variable named by VAR to QEMU's pid.
boot() { # VAR DIR MEM SMP LPORT RPORT MAC
	local dir=$2 cmdline
	: >"$dir/out"
	: >"$dir/status"
	: >"$dir/samples"
	cmdline="console=ttyS0 root=rootfs rootfstype=9p"
	cmdline+=" rootflags=trans=virtio,version=9p2000.L,msize=512000,cache=loose ro"
	cmdline+=" init=$repo/tests/qemu/guest-init.sh panic=-1 oops=panic"
	# Warnings on the console too (loglevel 5): a client that hangs with
	# memory exhausted can no longer run anything to tell why, and the
	# kernel's "page allocation failure" and slab warnings are what is
	# left (rate-limited by the kernel).  The console file is kept with
	# the run.
	cmdline+=" log_buf_len=4M loglevel=5"
	# A guest stuck with memory exhausted runs nothing that could say
	# why, but an NMI still reaches it (nmi_dump): it panics, and the
	# panic prints the memory state (0x2), every CPU's stack (0x40) and
	# the tasks blocked in D state (0x80) on the console first.
	cmdline+=" unknown_nmi_panic panic_print=0xc2"
	cmdline+=" SKBPOOL_MODE=run SKBPOOL_RUN=$dir SKBPOOL_REPO=$repo SKBPOOL_MODROOT=$modroot"
	cmdline+=" SKBPOOL_KSRC=$ksrc"
	# The debug kernel as vm.sh boots it (see there): PCI interrupts
	# without ACPI's interpreter, which under KASAN stalled boot for
	# over 20 s, and the soft-lockup detector at 120 s.
	[ "${FLAVOUR:-base}" = debug ] && cmdline+=" acpi=noirq watchdog_thresh=60"
	timeout -k 10 "$TIMEOUT" qemu-system-x86_64 \
		-nodefaults -no-reboot -display none -accel "${VM_ACCEL:-tcg}" -cpu max \
		-smp "$4" -m "$3" -kernel "$bzimage" \
		-fsdev local,id=root,path=/,security_model=none,readonly=on,multidevs=remap \
		-device virtio-9p-pci,fsdev=root,mount_tag=rootfs \
		-fsdev "local,id=repo,path=$repo,security_model=none,readonly=on,multidevs=remap" \
		-device virtio-9p-pci,fsdev=repo,mount_tag=repo \
		-device virtio-serial-pci \
		-chardev "file,id=out,path=$dir/out" -device virtserialport,chardev=out,name=skbpool.out \
		-chardev "file,id=st,path=$dir/status" -device virtserialport,chardev=st,name=skbpool.status \
		-chardev "file,id=sm,path=$dir/samples" -device virtserialport,chardev=sm,name=skbpool.samples \
		-netdev "dgram,id=wire,local.type=inet,local.host=127.0.0.1,local.port=$5,remote.type=inet,remote.host=127.0.0.1,remote.port=$6" \
		-device "e1000,netdev=wire,mac=$7" \
		-monitor "unix:$dir/mon.sock,server=on,wait=off" \
		-serial "file:$dir/console.log" -append "$cmdline" </dev/null >"$dir/qemu.log" 2>&1 &
	printf -v "$1" %s $!
}

# One human monitor command to the guest in DIR.
mon() { # DIR COMMAND
	python3 - "$1/mon.sock" "$2" <<'PY' >/dev/null 2>&1
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.settimeout(5)
s.connect(sys.argv[1])
s.recv(4096)
s.sendall(sys.argv[2].encode() + b'\n')
time.sleep(0.3)
s.recv(4096)
PY
}

# Panic the guest in DIR (QEMU's pid PID) by NMI for its dump on the
# console (see boot); waits for QEMU to exit, as panic=-1 with -no-reboot
# makes it, up to a minute.
nmi_dump() { # DIR PID
	mon "$1" nmi
	for _ in $(seq 1 60); do
		kill -0 "$2" 2>/dev/null || return 0
		sleep 1
	done
	return 1
}

done_status() { tr -dc 0-9 <"$1/status"; }
last_step() { sed -n 's/^FIELD_STEP //p' "$1/out" | tail -n 1; }
first_error() { sed -n 's/^FIELD_ERROR //p' "$1/out" | head -n 1; }

stop_guest() { # DIR PID
	mon "$1" quit
	for _ in $(seq 1 20); do
		kill -0 "$2" 2>/dev/null || break
		sleep 0.25
	done
	kill "$2" 2>/dev/null
	wait "$2" 2>/dev/null
}

