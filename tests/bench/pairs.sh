# SPDX-License-Identifier: GPL-2.0
#
# NIC pairs for the e1000 benches, with the selftests' e1000 and survival
# helpers (tests/selftests/lib).  Pair P (1, 2, ...) is the (2P-1)th and
# the 2Pth e1000 NIC, on QEMU hub P-1: vm.sh adds them in that order, so
# their PCI addresses sort that way.  Each end sits in a namespace of its own, so
# pairs may repeat the documentation address ranges.  Index 0 of every
# array is unused, so that a pair's number is its index.
# shellcheck shell=bash

lib=$(cd "$(dirname "${BASH_SOURCE[0]}")/../selftests/lib" && pwd)
. "$lib/ktap.sh"
. "$lib/e1000.sh"
. "$lib/survival.sh"

# Needs 2 x PAIRS e1000 NICs; sets ALL_PCI, PCI_A/B, PNS_A/B, PN4, PN6.
pairs_init() { # PAIRS
	local n=$1 p
	e1000_nics && [ ${#E1000_PCI[@]} -ge $((2 * n)) ] || return 1
	ALL_PCI=("${E1000_PCI[@]:0:$((2 * n))}")
	PCI_A=(-) PCI_B=(-) PNS_A=(-) PNS_B=(-) PN4=(-) PN6=(-) PDEV_A=(-) PDEV_B=(-)
	for p in $(seq 1 "$n"); do
		PCI_A+=("${ALL_PCI[2 * p - 2]}")
		PCI_B+=("${ALL_PCI[2 * p - 1]}")
		PNS_A+=("e1k-${p}a-$$")
		PNS_B+=("e1k-${p}b-$$")
		if ((p % 2)); then PN4+=(192.0.2); else PN4+=(198.51.100); fi
		PN6+=("2001:db8:$p")
		PDEV_A+=(-)
		PDEV_B+=(-)
	done
}

pairs_cleanup() {
	local p ns
	for ns in "${PNS_A[@]:1}" "${PNS_B[@]:1}"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
	done
	sleep 0.2
	for p in "${ALL_PCI[@]}"; do
		e1000_unbind "$p"
		echo >"/sys/bus/pci/devices/$p/driver_override"
	done
	for ns in "${PNS_A[@]:1}" "${PNS_B[@]:1}"; do
		ip netns del "$ns" 2>/dev/null
	done
	# Gone once e1000sp is unloaded; then there is nothing to reset.
	local pp=/sys/module/e1000sp/parameters/rx_page_pool
	[ -e $pp ] && echo 0 >$pp
	return 0
}
# A bench's start: PAIRS pairs, cleaned up at exit, and IOMMU checked;
# exits saying why when the guest lacks the NICs or a NIC its IOMMU.
pairs_start() { # PAIRS BENCH-NAME
	PAIRS_BENCH=$2
	if ! pairs_init "$1"; then
		echo "$2: the guest needs $((2 * $1)) e1000 NICs (E1000_NICS=$((2 * $1)))"
		exit 1
	fi
	E1000_PCI=("${ALL_PCI[@]}")
	trap 'pairs_cleanup; e1000_cleanup' EXIT
	pairs_iommu "$2" || exit 1
}

# Booted with VM_IOMMU=1: every NIC must sit behind a translating, strict
# IOMMU domain, or the figures would say nothing about one.  Sets IOMMU
# ("none" without one); fails, saying why, when a NIC is not behind it.
pairs_iommu() { # BENCH-NAME
	local p t
	IOMMU=none
	grep -qw intel_iommu=on /proc/cmdline || return 0
	for p in "${ALL_PCI[@]}"; do
		t=$(cat "/sys/bus/pci/devices/$p/iommu_group/type" 2>/dev/null)
		if [ "$t" != DMA ]; then
			echo "$1: VM_IOMMU=1 but $p's IOMMU domain is '${t:-missing}', not DMA (strict)"
			return 1
		fi
	done
	IOMMU="intel-iommu, strict DMA domain"
	echo "$1: every NIC behind the IOMMU ($IOMMU)"
}

# Pair P afresh in MODE: both NICs rebound (so nothing of the last mode
# remains), in namespaces of their own, addressed, linked, pinged.
# rx_page_pool is read when a ring is built, so it is set only while this
# pair's rings come up; the other pair's rings are not rebuilt meanwhile.
pair_setup() { # PAIR MODE
	local p=$1 mode=$2 drv=e1000sp pci ns
	[ "$mode" = stock ] && drv=e1000
	modprobe "$drv" || return 1
	for pci in "${PCI_A[p]}" "${PCI_B[p]}"; do
		e1000_unbind "$pci"
	done
	for ns in "${PNS_A[p]}" "${PNS_B[p]}"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$ns" 2>/dev/null
		ip netns add "$ns" || return 1
	done
	for pci in "${PCI_A[p]}" "${PCI_B[p]}"; do
		echo "$drv" >"/sys/bus/pci/devices/$pci/driver_override" &&
			echo "$pci" >/sys/bus/pci/drivers_probe || return 1
	done
	for _ in $(seq 1 50); do
		[ -n "$(e1000_netdev "${PCI_A[p]}")" ] && [ -n "$(e1000_netdev "${PCI_B[p]}")" ] && break
		sleep 0.1
	done
	PDEV_A[p]=$(e1000_netdev "${PCI_A[p]}")
	PDEV_B[p]=$(e1000_netdev "${PCI_B[p]}")
	[ -n "${PDEV_A[p]}" ] && [ -n "${PDEV_B[p]}" ] || return 1
	# The MACs vm.sh gives pair 1 end in :01 and :02, pair 2's in :03, :04.
	case "$(cat "/sys/class/net/${PDEV_A[p]}/address")" in
	*:0$((2 * p - 1))) ;;
	*) echo "$PAIRS_BENCH: ${PCI_A[p]} is not the NIC vm.sh put on hub $((p - 1))"; return 1 ;;
	esac
	ip link set "${PDEV_A[p]}" netns "${PNS_A[p]}" &&
		ip link set "${PDEV_B[p]}" netns "${PNS_B[p]}" || return 1
	[ "$mode" = page_pool ] && echo 1 >/sys/module/e1000sp/parameters/rx_page_pool
	netns_addr_pair "${PNS_A[p]}" "${PDEV_A[p]}" "${PNS_B[p]}" "${PDEV_B[p]}" \
		"${PN4[p]}" "${PN6[p]}" || return 1
	[ "$mode" = page_pool ] && echo 0 >/sys/module/e1000sp/parameters/rx_page_pool
	if [ "$mode" = tagged ]; then
		e1000_tag "${PNS_A[p]}" "${PDEV_A[p]}" on && e1000_tag "${PNS_B[p]}" "${PDEV_B[p]}" on ||
			return 1
	fi
	pair_wait_link "$p"
}

# lib/e1000.sh's wait, on pair P's namespaces, ports and addresses.
pair_wait_link() { # PAIR
	local p=$1
	NS_A=${PNS_A[p]} DEV_A=${PDEV_A[p]} NS_B=${PNS_B[p]} DEV_B=${PDEV_B[p]} \
		E1000_N4=${PN4[p]} e1000_wait_link
}

pair_rx() { # PAIR -> frames B's driver passed up so far
	local p=$1 rx dr
	rx=$(e1000_sys "${PNS_B[p]}" "${PDEV_B[p]}" rx_packets)
	dr=$(e1000_sys "${PNS_B[p]}" "${PDEV_B[p]}" rx_dropped)
	echo $((rx - dr))
}
