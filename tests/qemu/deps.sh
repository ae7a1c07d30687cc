#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages the build and the tests need, only those that
# are missing, so a second run costs one dpkg-query.
#
#   deps.sh        what make, make check and the rest need
#   deps.sh deb    what make deb needs: debian/control's Build-Depends,
#                  dpkg-buildpackage and lintian
#   deps.sh distro the headers of Debian 12's stock kernels, the newest 6.1
#                  and 6.12 (make build-distro)
#   deps.sh distro-run  those kernels themselves too, DKMS, and busybox for
#                  the initramfs that boots them (make check-distro)
set -euo pipefail

deb_packages=(
	dpkg-dev debhelper dh-dkms libmnl-dev pkg-config lintian
)

packages=(
	# the test kernel and what building it takes
	linux-source-6.12 build-essential bc bison flex libelf-dev libssl-dev
	xz-utils kmod cpio rsync
	# the guest and what runs inside it (over the host root, read-only)
	qemu-system-x86 iproute2 iputils-ping ethtool iperf3 nbd-server nbd-client
	python3 python3-yaml python3-jsonschema procps util-linux
	# the kernel's drivers/net selftests (kernel_drivers_net.sh)
	socat jq
	# make bench-field: the server guest's NFS server and what swaps over
	# it, the client's NFS mount helper, and the chart
	nfs-kernel-server nfs-common rpcbind gnuplot-nox
	# host-side checks, fuzzing and the tool; libFuzzer and the sanitizer
	# runtimes are only recommended by clang, and recommends are skipped
	sparse shellcheck clang libclang-rt-dev libmnl-dev pkg-config groff-base
	python3-docutils
)
case ${1:-} in
'') ;;
deb) packages=("${deb_packages[@]}") ;;
distro) packages=(linux-headers-amd64 linux-headers-6.12-amd64 build-essential) ;;
distro-run)
	packages=(linux-headers-amd64 linux-headers-6.12-amd64 build-essential
		linux-image-amd64 linux-image-6.12-amd64 dkms busybox-static)
	;;
*) echo "deps.sh: unknown set '$1' (deb, distro, distro-run)" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing packages: ${missing[*]} (run as root or install them)" >&2
	exit 1
fi
echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
