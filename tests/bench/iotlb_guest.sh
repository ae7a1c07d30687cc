#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs in the guest for make bench-iotlb (tests/bench/iotlb.sh), booted
# behind QEMU's intel-iommu with eight emulated 82540EM NICs: four pairs
# (tests/bench/pairs.sh), one per configuration (the in-tree e1000,
# e1000sp on page_pool, untagged, tagged), each set up and then measured
# alone, one after the other, so that the host can charge every IOTLB
# lookup QEMU traces to one configuration by the NIC it came from.  Each
# pair carries one iperf3 TCP stream from A to B for SECONDS_PER_RUN
# seconds.  Prints one line per pair: "IOTLB_PAIR MODE PCI_A PCI_B
# MBIT_S RX_B RX_A", frames received on each end during the stream.
. "$(dirname "$0")/pairs.sh"
MODES="stock page_pool untagged tagged"
SECONDS_PER_RUN=${SECONDS_PER_RUN:-8}
out=/tmp/iotlb-bench-$$
mkdir -p "$out"

pairs_start 4 bench-iotlb
if [ "$IOMMU" = none ]; then
	echo "bench-iotlb: the guest is not behind an IOMMU (VM_IOMMU=1)"
	exit 1
fi

p=0
for mode in $MODES; do
	p=$((p + 1))
	if ! pair_setup "$p" "$mode"; then
		echo "bench-iotlb: cannot set up $mode on pair $p"
		exit 1
	fi
	rx_b=$(e1000_sys "${PNS_B[p]}" "${PDEV_B[p]}" rx_packets)
	rx_a=$(e1000_sys "${PNS_A[p]}" "${PDEV_A[p]}" rx_packets)
	ip netns exec "${PNS_B[p]}" iperf3 -s -1 -D -p 5201 >/dev/null 2>&1
	for _ in $(seq 1 100); do
		ip netns exec "${PNS_B[p]}" ss -ltnH 'sport = :5201' | grep -q . && break
		sleep 0.1
	done
	if ! ip netns exec "${PNS_A[p]}" timeout 120 iperf3 -c "${PN4[p]}.2" -p 5201 \
		-t "$SECONDS_PER_RUN" -J >"$out/$mode.json"; then
		echo "bench-iotlb: iperf3 failed ($mode)"
		exit 1
	fi
	rx_b=$(($(e1000_sys "${PNS_B[p]}" "${PDEV_B[p]}" rx_packets) - rx_b))
	rx_a=$(($(e1000_sys "${PNS_A[p]}" "${PDEV_A[p]}" rx_packets) - rx_a))
	mbps=$(python3 -c 'import json, sys
print("%.1f" % (json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 1e6))' \
		"$out/$mode.json")
	echo "IOTLB_PAIR $mode ${PCI_A[p]} ${PCI_B[p]} $mbps $rx_b $rx_a"
	[ "$mode" = tagged ] &&
		echo "tagged: B's pool $(e1000_stat "${PNS_B[p]}" "${PDEV_B[p]}" skbpool_rx_total) buffers"
done
exit 0
