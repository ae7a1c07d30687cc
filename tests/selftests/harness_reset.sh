#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The harness's reset after a test that did not pass (tests/qemu/
# guest-reset.sh): left with what a killed test leaves (namespaces with a
# process in them, a simnic device, the e1000 NICs bound to e1000sp,
# nbd and pktgen loaded), it must find all of it and remove all of it, so
# the next test starts clean.
# skbpool-timeout: 180
. "$(dirname "$0")/lib/ktap.sh"
. "$(dirname "$0")/lib/e1000.sh"
. "$(dirname "$0")/../qemu/guest-reset.sh"
trap guest_reset EXIT

ktap_plan 3
left=$(guest_residue)
if [ -n "$left" ]; then
	ktap_fail "the guest is clean before the test" "$left"
	ktap_finish
fi
ok=1
ip netns add rst-a-$$ && ip netns add rst-b-$$ || ok=0
ip netns exec rst-a-$$ sleep 1000 &
disown	# the reset kills it: no "Killed" from the shell in the output
modprobe simnic && echo "127 1 1" >/sys/bus/simnic/new_device || ok=0
modprobe nbd nbds_max=2 && modprobe pktgen || ok=0
if e1000_nics; then
	e1000_bind e1000sp || ok=0
fi
sleep 1
left=$(guest_residue)
ktap_info "left behind: $left"
for want in rst-a-$$ rst-b-$$ "device simnic127" "module simnic" "module nbd" \
	"module pktgen" "module skbpool"; do
	grep -qF -- "$want" <<<"$left" || { ok=0; ktap_info "not seen: $want"; }
done
if [ ${#E1000_PCI[@]} -gt 0 ]; then
	grep -qF "bound to e1000sp" <<<"$left" || { ok=0; ktap_info "not seen: a bound NIC"; }
fi
if [ $ok -eq 1 ]; then
	ktap_pass "what a killed test leaves is all seen"
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
