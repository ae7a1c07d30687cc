#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel's own driver selftests (tools/testing/selftests/drivers/net of
# the 6.12 source we build against) on simnic and e1000sp, untagged and
# tagged, with the in-tree e1000 and netdevsim as the references:
#
#   ping.py stats.py queues.py    NETIF in one namespace, the remote end in
#   hw/csum.py                    another (REMOTE_TYPE=netns)
#   hw/ethtool.sh                 both ports in one namespace, found by
#                                 driver (NETIF_FIND_DRIVER), a VRF each;
#                                 on the e1000 and tagged e1000sp only
#
# Each configuration's raw output is kept in /tmp/kdn/CONFIG/; lib/kdn.py
# reads it, prints the table (test case by device) and judges: every case
# that passes on the in-tree e1000 must pass on e1000sp in both modes, and
# every case that passes on netdevsim or the e1000 must pass on simnic in
# both modes unless lib/kdn.py names it as not applying, with the reason.
# The rest of drivers/net is not run, each for a reason kdn.py prints.
# skbpool-timeout: 1500
. "$(dirname "$0")/lib/ktap.sh"
. "$(dirname "$0")/lib/e1000.sh"

HERE=$(cd "$(dirname "$0")" && pwd)
KSFT=${SKBPOOL_KSRC:-none}/tools/testing/selftests
DRV=$KSFT/drivers/net
OUT=/tmp/kdn
SIM_IDS=(241 242)

kdn_cleanup() {
	local id
	e1000_cleanup
	for id in "${SIM_IDS[@]}"; do
		[ -e /sys/bus/simnic/del_device ] &&
			{ echo "$id" >/sys/bus/simnic/del_device; } 2>/dev/null
	done
	modprobe -r simnic netdevsim vrf 2>/dev/null
	modprobe -r skbpool 2>/dev/null
	return 0
}
trap kdn_cleanup EXIT

# They come with the kernel they judge: check-distro runs
# Debian's 6.1 with no source tree.
[ -f "$DRV/ping.py" ] ||
	ktap_skip_all "no source tree of the running kernel with drivers/net selftests at $DRV"
for c in socat jq python3 gcc; do
	command -v $c >/dev/null || ktap_skip_all "$c is not installed (tests/qemu/deps.sh installs it)"
done
e1000_nics || ktap_skip_all "the guest has no e1000 NIC (E1000_NICS=2)"

# csum.py runs net/lib/csum next to it; the guest's root is a writable
# overlay, so the binary lands there and never in the host's cache.
gcc -O2 -I"$KSFT" -o "$KSFT/net/lib/csum" "$KSFT/net/lib/csum.c" ||
	ktap_skip_all "could not build net/lib/csum"
rm -rf "$OUT"
mkdir -p "$OUT"

# lib/py runs "udevadm settle" after creating netdevsim devices; no udev
# daemon runs in the guest, so there is nothing to settle.
mkdir -p "$OUT/bin"
printf '#!/bin/sh\nexit 0\n' >"$OUT/bin/udevadm"
chmod +x "$OUT/bin/udevadm"
export PATH=$OUT/bin:$PATH

# run_py CONFIG TEST: one python test against NS_A's DEV_A, remote NS_B.
# hw/csum.py goes through lib/kdn_csum.py (6.12's csum.py needs an
# attribute its own library never sets, and on the debug kernel a longer
# receive window; see there).
run_py() {
	local f=$OUT/$1/${2//\//_}.out py
	py=./$(basename "$2")
	[ "$2" = hw/csum.py ] && py=$HERE/lib/kdn_csum.py
	(cd "$(dirname "$DRV/$2")" &&
		ip netns exec "$NS_A" env NETIF="$DEV_A" REMOTE_IFNAME="$DEV_B" \
			LOCAL_V4=192.0.2.1 REMOTE_V4=192.0.2.2 \
			LOCAL_V6=2001:db8::1 REMOTE_V6=2001:db8::2 \
			REMOTE_TYPE=netns REMOTE_ARGS="$NS_B" \
			timeout -k 5 240 python3 "$py") >"$f" 2>&1
	echo "rc $?" >>"$f"
}

# run_ethtool CONFIG DRIVER: hw/ethtool.sh with both ports in NS_A.
# After each link change the script waits for carrier, then WAIT_TIME more
# seconds (5 by default) for a physical link to settle before it reads the
# negotiated speed.  The emulated PHY has nothing to settle: the speed and
# duplex are what the driver read when it raised the carrier.  One second
# keeps a margin and takes four seconds off each of the two runs' many
# link changes; WAIT_TIMEOUT (20 s for carrier) stays as it is.
run_ethtool() {
	local f=$OUT/$1/hw_ethtool.sh.out
	ip -n "$NS_B" link set "$DEV_B" netns "$NS_A"
	ip -n "$NS_A" addr flush dev "$DEV_A"
	ip -n "$NS_A" addr flush dev "$DEV_B"
	(cd "$DRV/hw" && ip netns exec "$NS_A" env NETIF_FIND_DRIVER="$2" \
		WAIT_TIME=1 REQUIRE_MZ=no timeout -k 5 400 bash ./ethtool.sh) >"$f" 2>&1
	echo "rc $?" >>"$f"
}

# hw/ethtool.sh tests link settings, which are the PHY's: on e1000sp the
# tag does not touch them, so the tagged run covers both modes (kdn.py
# says so), and simnic has no PHY (every case n/a).  Each run costs a
# minute or more of link renegotiation under the emulator.
run_all() { # CONFIG DRIVER
	local t ns
	mkdir -p "$OUT/$1"
	# stats.py's check_down takes the port down and up: IPv6 would forget
	# its addresses, and every IPv6 case after it would fail.
	for ns in "$NS_A" "$NS_B"; do
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.keep_addr_on_down=1
	done
	for t in ping.py stats.py queues.py hw/csum.py; do
		run_py "$1" "$t"
	done
	case $1 in
	e1000 | e1000sp-tagged) run_ethtool "$1" "$2" ;;
	esac
}

# netdevsim: the tests' own software mode (no NETIF), init namespace.
# A kernel without it (Debian's) leaves simnic judged against the e1000;
# one that has it but cannot load it leaves the reference empty, a failure.
if modinfo netdevsim >/dev/null 2>&1; then
	mkdir -p "$OUT/netdevsim"
	modprobe netdevsim
	for t in ping.py stats.py queues.py; do
		(cd "$DRV" && timeout -k 5 240 python3 "./$t") >"$OUT/netdevsim/$t.out" 2>&1
		echo "rc $?" >>"$OUT/netdevsim/$t.out"
	done
	modprobe -r netdevsim
else
	echo "this kernel has no netdevsim module (CONFIG_NETDEVSIM)" >"$OUT/netdevsim.absent"
fi

for drv in e1000 e1000sp e1000sp-tagged; do
	if e1000_pair "${drv%-tagged}"; then
		if [ "$drv" = e1000sp-tagged ]; then
			e1000_tag "$NS_A" "$DEV_A" on && e1000_tag "$NS_B" "$DEV_B" on &&
				e1000_wait_link || echo "tagging failed" >"$OUT/$drv.setup"
		fi
		run_all "$drv" "${drv%-tagged}"
	else
		echo "e1000_pair ${drv%-tagged} failed" >"$OUT/$drv.setup"
	fi
	e1000_cleanup
done

for drv in simnic simnic-tagged; do
	NS_A=kdn-a-$$
	NS_B=kdn-b-$$
	if modprobe simnic && echo "${SIM_IDS[0]} 1 2" >/sys/bus/simnic/new_device &&
	   echo "${SIM_IDS[1]} 1 2" >/sys/bus/simnic/new_device; then
		DEV_A=$(ls "/sys/bus/simnic/devices/simnic${SIM_IDS[0]}/net/")
		DEV_B=$(ls "/sys/bus/simnic/devices/simnic${SIM_IDS[1]}/net/")
		ip netns add "$NS_A"
		ip netns add "$NS_B"
		ip link set "$DEV_A" netns "$NS_A"
		ip link set "$DEV_B" netns "$NS_B"
		netns_bus_link simnic "$NS_A" "$DEV_A" "$NS_B" "$DEV_B" &&
			netns_addr_pair "$NS_A" "$DEV_A" "$NS_B" "$DEV_B" 192.0.2 2001:db8 ||
			echo "simnic pair failed" >"$OUT/$drv.setup"
		if [ "$drv" = simnic-tagged ]; then
			e1000_tag "$NS_A" "$DEV_A" on && e1000_tag "$NS_B" "$DEV_B" on ||
				echo "tagging failed" >"$OUT/$drv.setup"
		fi
		run_all "$drv" simnic
	else
		echo "simnic devices could not be created" >"$OUT/$drv.setup"
	fi
	ip netns del "$NS_A" 2>/dev/null
	ip netns del "$NS_B" 2>/dev/null
	for id in "${SIM_IDS[@]}"; do
		{ echo "$id" >/sys/bus/simnic/del_device; } 2>/dev/null
	done
	modprobe -r simnic
done

python3 "$(dirname "$0")/lib/kdn.py" "$OUT"
