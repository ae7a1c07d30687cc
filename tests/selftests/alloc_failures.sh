#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every allocation on the control paths may fail, once, anywhere: tagging a
# running simnic port (pools, arrays, stash, bounce buffers, the driver's
# rings), adding a critical-traffic rule.  Fault injection (failslab and
# fail_page_alloc, sleeping allocations included) fails the allocation
# that comes after a budget of S bytes, for S stepping through the path.
# It is filtered to the one command's task and to allocations made from
# the module under test (a stack-trace filter on its text): a failure
# inside 9p, which serves the guest's root, would wedge the filesystem.  After each attempt the command either
# succeeded or failed with nothing changed, and the port still carries
# traffic; the kernel logs no warning (the harness fails the test on one).
# skbpool-timeout: 300
# shellcheck disable=SC2154 # pair_new sets ${NAME}_NSX and friends
. "$(dirname "$0")/lib/ktap.sh"
. "$(dirname "$0")/lib/pair.sh"
. "$(dirname "$0")/lib/ext.sh"
. "$(dirname "$0")/lib/fault.sh"

restore() {
	fault_restore
	pair_cleanup
}
trap restore EXIT

# Arm one kind of injection: the first allocation made from MODULE's code
# past SPACE bytes fails.
arm() { # failslab|fail_page_alloc SPACE [MODULE]
	local why
	fault_off
	why=$(fault_scope "$1" "${3:-skbpool}") || { ktap_info "no injection: $why"; return 1; }
	fault_arm "$1" 1 "$2"
}

in_x() { ip netns exec "$a_NSX" "$@"; }
flag() { in_x ethtool --show-priv-flags "$a_DEVX" | awk '$1 == "skbpool" { print $3 }'; }
alive() { in_x ping -c 1 -W 2 192.0.2.2 >/dev/null; }
rules() {
	nsenter --net="/run/netns/$a_NSX" sh -c "cat /sys/kernel/debug/skbpool/rules" |
		grep -c "^$a_DEVX "
}

ktap_plan 6
fault_have || ktap_skip_all "fault injection is missing ($FAULT_NEEDS)"
pair_new a 221 222 192.0.2 2001:db8:c || { ktap_fail "create a pair"; ktap_finish; }
fault_setup
alive || { ktap_fail "the pair carries traffic before any injection"; ktap_finish; }
ktap_pass "the pair carries traffic before any injection"

# Tagging, with one allocation failing at budget S, for each kind.  The
# budget also covers the command's own start-up, so the steps run past it
# into the kernel's path; "tagging failed" in the log proves they got there.
tag_walk() { # KIND STEP STEPS MODULE
	local s ok=0 failed=0 broken=0 state inside
	local mark
	mark=$(dmesg | grep -c "skbpool: tagging failed")
	for s in $(seq 0 "$2" $(($2 * $3))); do
		arm "$1" "$s" "$4"
		if faulty nsenter --net="/run/netns/$a_NSX" ethtool --set-priv-flags "$a_DEVX" skbpool on 2>/dev/null; then
			ok=$((ok + 1))
			state=on
		else
			failed=$((failed + 1))
			state=off
		fi
		fault_off
		if [ "$(flag)" != "$state" ] || ! alive; then
			broken=$((broken + 1))
			ktap_info "$1 at $s bytes: flag $(flag) after a command that said $state"
		fi
		in_x ethtool --set-priv-flags "$a_DEVX" skbpool off
	done
	inside=$(($(dmesg | grep -c "skbpool: tagging failed") - mark))
	ktap_info "$1 in $4: $ok tagged, $failed refused ($inside inside the tag path), $broken left inconsistent"
	[ $broken -eq 0 ] && [ "$inside" -gt 0 ] && [ $ok -gt 0 ]
}

if tag_walk failslab 4096 20 skbpool; then
	ktap_pass "tagging survives a failed slab allocation anywhere in skbpool"
else
	ktap_fail "tagging survives a failed slab allocation anywhere in skbpool"
fi
if tag_walk fail_page_alloc 64 20 skbpool; then
	ktap_pass "tagging survives a failed page allocation anywhere in skbpool"
else
	ktap_fail "tagging survives a failed page allocation anywhere in skbpool"
fi
if tag_walk failslab 1024 12 simnic; then
	ktap_pass "tagging survives a failed slab allocation anywhere in simnic"
else
	ktap_fail "tagging survives a failed slab allocation anywhere in simnic"
fi

# Rule adds (netlink rule-add, from ethtool-ext) with one slab allocation
# failing at budget S: each either adds its rule or fails and adds nothing.
ok=0 failed=0 broken=0
for s in 0 64 256 1024 4096 8192 12288 16384; do
	before=$(rules)
	arm failslab "$s" skbpool
	if faulty ip netns exec "$a_NSX" "$EXT" rule add "$a_DEVX" critical proto udp dport 7000 \
		>/dev/null 2>&1; then
		want=$((before + 1))
		ok=$((ok + 1))
	else
		want=$before
		failed=$((failed + 1))
	fi
	fault_off
	[ "$(rules)" -eq "$want" ] || broken=$((broken + 1))
done
while ext "$a_NSX" rule del "$a_DEVX" 0 >/dev/null 2>&1; do :; done
ktap_info "rule add: $ok added, $failed refused, $broken left the table wrong"
if [ $broken -eq 0 ] && [ $failed -gt 0 ] && [ $ok -gt 0 ]; then
	ktap_pass "a rule add that cannot allocate fails and adds nothing"
else
	ktap_fail "a rule add that cannot allocate fails and adds nothing"
fi
ext "$a_NSX" rule add "$a_DEVX" critical proto udp dport 7000 >/dev/null
if [ "$(rules)" -eq 1 ]; then
	ktap_pass "the same add succeeds without injection"
else
	ktap_fail "the same add succeeds without injection"
fi
ktap_finish
