#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The harness's reset after a test that did not pass (tests/qemu/
# guest-reset.sh): left with what a killed test leaves (namespaces with a
# process in them, simnic and netdevsim devices, the e1000 NICs bound to
# e1000sp, nbd and pktgen loaded, fault injection armed), it must find
# all of it and remove all of it, so the next test starts clean.
# skbpool-timeout: 180
. "$(dirname "$0")/lib/ktap.sh"
. "$(dirname "$0")/lib/e1000.sh"
. "$(dirname "$0")/lib/fault.sh"
. "$(dirname "$0")/../qemu/guest-reset.sh"

task_filter=
cleanup() {
	guest_reset
	[ -n "$task_filter" ] && echo "$task_filter" >"$FAULT/failslab/task-filter"
}
trap cleanup EXIT

ktap_plan 4
# Tests before this one may leave simnic and skbpool loaded: allowed.
guest_reset
left=$(guest_residue)
if [ -z "$left" ]; then
	ktap_pass "a reset leaves the guest clean"
else
	ktap_fail "a reset leaves the guest clean" "still there: $left"
fi

ok=1
want=(rst-a-$$ rst-b-$$ "device simnic127" "device netdevsim128" "module simnic"
	"module netdevsim" "module nbd" "module pktgen" "module skbpool")
ip netns add rst-a-$$ && ip netns add rst-b-$$ || ok=0
ip netns exec rst-a-$$ sleep 1000 &
disown	# the reset kills it: no "Killed" from the shell in the output
modprobe simnic && echo "127 1 1" >/sys/bus/simnic/new_device || ok=0
modprobe netdevsim && echo "128 1" >/sys/bus/netdevsim/new_device || ok=0
modprobe nbd nbds_max=2 && modprobe pktgen || ok=0
if e1000_nics; then
	e1000_bind e1000sp || ok=0
	want+=("bound to e1000sp")
fi
# Armed, but for flagged tasks only (none is): it fails nothing meanwhile.
if fault_have; then
	task_filter=$(cat "$FAULT/failslab/task-filter")
	echo Y >"$FAULT/failslab/task-filter" && echo 1 >"$FAULT/failslab/probability" || ok=0
	want+=("failslab armed")
fi
sleep 1
left=$(guest_residue)
ktap_info "left behind: $left"
for w in "${want[@]}"; do
	grep -qF -- "$w" <<<"$left" || { ok=0; ktap_info "not seen: $w"; }
done
if [ $ok -eq 1 ]; then
	ktap_pass "what a killed test leaves is all seen (${#want[@]} kinds)"
else
	ktap_fail "what a killed test leaves is all seen"
fi

guest_reset
left=$(guest_residue)
if [ -z "$left" ]; then
	ktap_pass "the reset removed all of it"
else
	ktap_fail "the reset removed all of it" "still there: $left"
fi
if ! pgrep -fx "sleep 1000" >/dev/null; then
	ktap_pass "the process in the namespace is gone"
else
	ktap_fail "the process in the namespace is gone"
fi
ktap_finish
