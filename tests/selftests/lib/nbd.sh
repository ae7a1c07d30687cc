#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# An NBD device whose export lives in one namespace and whose client (the
# kernel's nbd, which marks its socket SOCK_MEMALLOC) is in another:
#   nbd_load                          modprobe nbd (it may race udev: retried)
#   nbd_client NS ARGS...             nbd-client ARGS in NS, through netlink
#                                     where NS sees nbd's family, else its
#                                     ioctls
#   nbd_attach NS_SRV ADDR NS_CLI DIR SIZE [DEV]
#                                     export DIR/disk.img of SIZE from NS_SRV
#                                     on ADDR, connect DEV (/dev/nbd0) from
#                                     NS_CLI
#                                     (-t 60: a request unanswered for a
#                                     minute fails, the test does not hang
#                                     in D state); sets NBD_DEV
#   nbd_verify MIB DIR                write MIB MiB of random data with
#                                     O_DIRECT, read it back, compare
#   nbd_verify_pattern MIB DIR        the same with DIR/pattern made already
#   nbd_cleanup                       disconnect and unload (trap EXIT)

NBD_DEV=

nbd_load() {
	local _
	for _ in 1 2 3; do
		modprobe nbd nbds_max=2 && return 0
		sleep 1
	done
	return 1
}

# Linux 6.1's nbd registers its netlink family for the initial namespace
# only (later kernels set netnsok), and nbd-client, which prefers netlink,
# then stops at "Couldn't resolve the nbd netlink family".  Its ioctl
# interface (-L) configures the same device from any namespace.
nbd_client() { # NS ARGS...
	local ns=$1 how=()
	shift
	ip netns exec "$ns" genl ctrl get name nbd >/dev/null 2>&1 || how=(-L)
	ip netns exec "$ns" nbd-client "$@" "${how[@]}"
}

nbd_attach() { # NS_SRV ADDR NS_CLI DIR SIZE [DEV]
	local dev=${6:-/dev/nbd0} _
	truncate -s "$5" "$4/disk.img" || return 1
	cat >"$4/nbd.conf" <<-CONF
		[generic]
		user = root
		group = root
		listenaddr = $2
		[disk]
		exportname = $4/disk.img
	CONF
	ip netns exec "$1" nbd-server -C "$4/nbd.conf" >/dev/null 2>&1 || return 1
	for _ in 1 2 3 4 5; do
		nbd_client "$3" "$2" "$dev" -N disk -t 60 >/dev/null 2>&1 && break
		sleep 0.5
	done
	[ "$(cat "/sys/block/${dev#/dev/}/size" 2>/dev/null)" -gt 0 ] 2>/dev/null || return 1
	NBD_DEV=$dev
}

nbd_verify() { # MIB DIR
	head -c "$1M" /dev/urandom >"$2/pattern" && nbd_verify_pattern "$1" "$2"
}

# The same with DIR/pattern made beforehand; the data read back is
# compared as it comes, never stored (under memory pressure a test
# allocates as little as it can).  A failed read leaves cmp short: false.
# On failure the message tells a read that failed (dd's status, cmp's
# "EOF") from data that differs (cmp's first differing byte).
nbd_verify_pattern() { # MIB DIR
	local t0=$SECONDS st
	if ! timeout 60 dd if="$2/pattern" of="$NBD_DEV" bs=1M oflag=direct status=none; then
		echo "# nbd: the write failed after $((SECONDS - t0)) s" >&2
		return 1
	fi
	if ! timeout 60 dd if="$NBD_DEV" bs=1M count="$1" iflag=direct,fullblock status=none |
	   cmp - "$2/pattern" >"$2/cmp.out" 2>&1; then
		st=${PIPESTATUS[0]}
		echo "# nbd: reading back failed after $((SECONDS - t0)) s: dd status $st," \
			"cmp: $(head -n 1 "$2/cmp.out")" >&2
		return 1
	fi
}

nbd_cleanup() {
	[ -n "$NBD_DEV" ] && nbd-client -d "$NBD_DEV" >/dev/null 2>&1
	NBD_DEV=
	modprobe -r nbd 2>/dev/null
}
