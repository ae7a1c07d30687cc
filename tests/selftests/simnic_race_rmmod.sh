#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "rmmod simnic" while another shell keeps writing new_device: the module
# must leave no device behind.  A device created after the module's exit
# destroyed the others would keep netdevs whose ops live in freed module
# text (and a struct device whose release function does).
#
# Each round loads simnic, creates devices so that the exit has work to
# do under its lock, starts a writer that adds a device per write as fast
# as it can, and removes the module.  After the rmmod, no network device
# may still belong to simnic: read from sysfs links alone, which run no
# simnic code.  Then the module loads again and makes a device.
# skbpool-timeout: 300
. "$(dirname "$0")/lib/ktap.sh"

BUS=/sys/bus/simnic
ROUNDS=6
WRITER_OUT=/tmp/simnic-race-writer

cleanup() {
	[ -n "${writer:-}" ] && kill "$writer" 2>/dev/null
	modprobe -r simnic 2>/dev/null
	modprobe -r skbpool 2>/dev/null
	return 0
}
trap cleanup EXIT

# Network devices whose parent is on the simnic bus, by their sysfs links.
simnic_netdevs() {
	local n dev
	for n in /sys/class/net/*; do
		dev=$(readlink -f "$n/device" 2>/dev/null) || continue
		# not -f: once the bus is unregistered the link dangles
		[ -L "$dev/subsystem" ] || continue
		[ "$(basename "$(readlink "$dev/subsystem")")" = simnic ] && echo "${n##*/}"
	done
}

ktap_plan 3
modinfo simnic >/dev/null 2>&1 || ktap_skip_all "simnic is not installed"
modprobe -r simnic 2>/dev/null

# Writes new_device until the bus is gone; prints how many succeeded.
# After MAX_NEW devices it keeps writing the last id: each write still
# takes the module's lock (and fails, the id exists) until the exit has
# destroyed that device, when the next write would make it again.
MAX_NEW=24
write_loop() {
	local id=1000 made=0
	while [ -e "$BUS/new_device" ]; do
		echo "$id 2" 2>/dev/null >"$BUS/new_device" && made=$((made + 1))
		[ $made -lt $MAX_NEW ] && id=$((id + 1))
	done
	echo "$made" >"$WRITER_OUT"
}

left=0 made=0 failed_load=0
for r in $(seq 1 $ROUNDS); do
	if ! modprobe simnic; then
		failed_load=1
		break
	fi
	for id in $(seq 1 8); do
		echo "$id 2" >"$BUS/new_device" || failed_load=1
	done
	write_loop &
	writer=$!
	# Let the writer get going, then remove the module under it.
	sleep 0.$((r % 5 + 1))
	modprobe -r simnic
	wait "$writer"
	writer=
	made=$((made + $(cat "$WRITER_OUT" 2>/dev/null || echo 0)))
	n=$(simnic_netdevs | wc -l)
	ktap_info "round $r: $(cat "$WRITER_OUT" 2>/dev/null) devices made by the writer, $n netdevs left"
	# More than MAX_NEW: the last id was made again once the exit had
	# destroyed it, a device the module will never free.
	[ "$(cat "$WRITER_OUT" 2>/dev/null || echo 0)" -gt $MAX_NEW ] && n=$((n + 1))
	if [ "$n" -gt 0 ]; then
		ktap_info "round $r: $n netdevs of simnic left after rmmod: $(simnic_netdevs | tr '\n' ' ')"
		left=$((left + n))
		break
	fi
done
ktap_info "$ROUNDS rounds, $made devices created by the racing writer"
if [ $failed_load -eq 0 ] && [ $made -gt 0 ]; then
	ktap_pass "simnic loads and the writer creates devices in every round"
else
	ktap_fail "simnic loads and the writer creates devices in every round" \
		"load failures $failed_load, devices made $made"
fi
if [ $left -eq 0 ]; then
	ktap_pass "rmmod racing new_device leaves no simnic netdev behind"
else
	ktap_fail "rmmod racing new_device leaves no simnic netdev behind" "$left left"
	# What is left points into freed text: stop before anything calls it.
	ktap_finish
fi
if modprobe simnic && echo "1 2" >"$BUS/new_device" && [ "$(simnic_netdevs | wc -l)" -eq 2 ] &&
	modprobe -r simnic; then
	ktap_pass "simnic loads again, makes a device and unloads"
else
	ktap_fail "simnic loads again, makes a device and unloads"
fi
ktap_finish
