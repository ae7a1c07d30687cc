#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the test guest and writes one KTAP stream on stdout:
#   - every KUnit suite of our *_kunit modules (results read from debugfs),
#   - every kselftest-style script tests/selftests/*.sh (exit 0 pass, 4 skip,
#     anything else fail; its own KTAP output nested under its result line),
#   - on a kernel with kmemleak, a final leak scan.
#   - on a KCSAN kernel, a check that KCSAN watched (the host reads its reports).
# A test also fails when the kernel logged a splat while it ran.
#
#   guest-check.sh RUN_DIR      (RUN_DIR/filter: an ERE over test names)
set -u
run_dir=$1
repo=$SKBPOOL_REPO
filter=$(cat "$run_dir/filter" 2>/dev/null)
default_timeout=300
# The debug kernel (KASAN, lockdep, kmemleak) runs the same work several
# times slower under the emulator: its timeouts stretch by SKBPOOL_SLOW
# (vm.sh sets it per flavour), the one place the bound changes.
slow=${SKBPOOL_SLOW:-1}
. "$repo/tests/selftests/lib/kmsg.sh"
. "$repo/tests/qemu/guest-reset.sh"

selected() { [ -z "$filter" ] || grep -qE -- "$filter" <<<"$1"; }

# The host names the culprit from the last of these if the guest dies.
announce() {
	echo "# running: $1"
	echo "skbpool-harness: running $1" >/dev/kmsg
}

echo "KTAP version 1"
index=0
result() { # ok|"not ok" name [directive]
	index=$((index + 1))
	echo "$1 $index $2${3:+ # $3}"
}

# A kernel of Debian's has no extra/ (DKMS installs into updates/dkms).
mapfile -t kunit_mods < <(find "/lib/modules/$(uname -r)/extra" -name '*_kunit.ko' -printf '%f\n' 2>/dev/null |
	sed 's/\.ko$//' | sort)
mapfile -t scripts < <(find "$repo/tests/selftests" -maxdepth 1 -name '*.sh' -perm -u+x -printf '%f\n' | sort)

# KUnit suites run when their module loads: load each module, keep its
# suites' results, unload it again (with its now unused dependencies) so the
# selftests start from a clean kernel.  A module's splat is charged to its
# suites.
declare -A suite_splat
mkdir -p /tmp/kunit
for mod in "${kunit_mods[@]}"; do
	before=$(ls /sys/kernel/debug/kunit 2>/dev/null)
	announce "kunit module $mod"
	mark=$(kmsg_mark)
	modprobe "$mod" || echo "# modprobe $mod failed"
	s=$(kmsg_splat "$mark")
	for dir in /sys/kernel/debug/kunit/*/; do
		suite=$(basename "$dir")
		[ -e "$dir/results" ] || continue
		grep -qxF "$suite" <<<"$before" && continue
		cp "/sys/kernel/debug/kunit/$suite/results" "/tmp/kunit/$suite"
		suite_splat[$suite]=$s
	done
	modprobe -r "$mod" || echo "# modprobe -r $mod failed"
done
suites=()
for f in /tmp/kunit/*; do
	[ -e "$f" ] || continue
	suite=$(basename "$f")
	selected "$suite" && suites+=("$suite")
done
tests=()
for s in "${scripts[@]}"; do
	selected "${s%.sh}" && tests+=("$s")
done
leakcheck=0
[ -e /sys/kernel/debug/kmemleak ] && selected kmemleak && leakcheck=1
# On a KCSAN kernel always, whatever the filter: no report means nothing
# unless KCSAN was watching.
kcsancheck=0
[ -e /sys/kernel/debug/kcsan ] && kcsancheck=1
# KCSAN's reports (the kernel's own benign races among them) fail no
# test here: the host sorts them and fails on one in our modules.
[ $kcsancheck -eq 1 ] && export KMSG_SKIP_RE='BUG: KCSAN: '
# Always too: the guest must run on every vCPU QEMU gave it, or no test
# here races two CPUs (the debug kernel ran on one for weeks: acpi=noirq
# without MPS left it in PIC mode, uniprocessor).
cpuscheck=0
[ -n "${SKBPOOL_CPUS:-}" ] && cpuscheck=1
# A kernel without KUnit (Debian's) gets no *_kunit modules: say so in the
# results rather than leave the suites out silently.
nokunit=0
[ ${#kunit_mods[@]} -eq 0 ] && selected kunit && nokunit=1

echo "1..$((${#suites[@]} + nokunit + ${#tests[@]} + leakcheck + kcsancheck + cpuscheck))"
if [ $cpuscheck -eq 1 ]; then
	announce cpus
	online=$(nproc)
	echo "    # $online of $SKBPOOL_CPUS vCPUs online"
	if [ "$online" -eq "$SKBPOOL_CPUS" ]; then
		result ok cpus
	else
		result "not ok" cpus "$online of $SKBPOOL_CPUS vCPUs online"
	fi
fi
[ $nokunit -eq 1 ] && result ok kunit "SKIP no *_kunit modules for $(uname -r): the kernel is built without CONFIG_KUNIT"

for suite in "${suites[@]}"; do
	f=/tmp/kunit/$suite
	# Drop the file's own "KTAP version 1" and "1..1", keep the nested
	# suite as our subtest, and renumber its closing line.
	body=$(tail -n +3 "$f" | sed '$d')
	last=$(tail -n 1 "$f")
	echo "$body"
	verdict=ok
	[[ $last == "not ok"* ]] && verdict="not ok"
	if [ -n "${suite_splat[$suite]:-}" ]; then
		result "not ok" "$suite" "kernel reported: ${suite_splat[$suite]}"
	else
		result "$verdict" "$suite"
	fi
done

# After a test that did not pass: what it left, removed (guest-reset.sh).
# A step may block for good on a wedged kernel, so the reset runs beside
# the harness with a deadline; anything the kernel reports meanwhile is
# the reset's, printed here, not charged to the next test.
reset_after() { # NAME
	local residue mark pid deadline=$((120 * slow)) t=0 splat
	residue=$(guest_residue)
	[ -z "$residue" ] && return
	echo "# harness: $1 left $residue"
	announce "reset after $1"
	mark=$(kmsg_mark)
	guest_reset &
	pid=$!
	while kill -0 "$pid" 2>/dev/null && [ $t -lt "$deadline" ]; do
		sleep 1
		t=$((t + 1))
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "# harness: the reset after $1 is still running after ${deadline}s; going on"
	else
		wait "$pid"
	fi
	residue=$(guest_residue)
	echo "# harness: after the reset: ${residue:-clean}"
	splat=$(kmsg_splat "$mark")
	if [ -n "$splat" ]; then
		echo "# harness: the kernel reported during the reset: $splat"
		kmsg_context "$mark"
	fi
}

for s in "${tests[@]}"; do
	name=${s%.sh}
	t=$(sed -n 's/^# skbpool-timeout: *\([0-9]*\).*/\1/p' "$repo/tests/selftests/$s" | head -n 1)
	t=$((${t:-$default_timeout} * slow))
	announce "$name"
	started=$SECONDS
	mark=$(kmsg_mark)
	echo "skbpool-harness: start $name" >/dev/kmsg
	(cd "$repo/tests/selftests" && timeout -k 10 "$t" bash "./$s") 2>&1 </dev/null |
		sed -u 's/^/    /'
	rc=${PIPESTATUS[0]}
	echo "# time: $name $((SECONDS - started)) s"
	splat=$(kmsg_splat "$mark")
	if [ -n "$splat" ]; then
		kmsg_context "$mark"
		result "not ok" "$name" "kernel reported: $splat"
	elif [ "$rc" -eq 0 ]; then
		result ok "$name"
	elif [ "$rc" -eq 4 ]; then
		result ok "$name" "SKIP"
	elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		result "not ok" "$name" "TIMEOUT after ${t}s"
	else
		result "not ok" "$name" "exit status $rc"
	fi
	if [ -n "$splat" ] || { [ "$rc" -ne 0 ] && [ "$rc" -ne 4 ]; }; then
		reset_after "$name"
	fi
done

if [ $leakcheck -eq 1 ]; then
	announce kmemleak
	# Two scans: kmemleak reports only objects found unreferenced twice.
	echo scan >/sys/kernel/debug/kmemleak
	sleep 5
	echo scan >/sys/kernel/debug/kmemleak
	leaks=$(grep -c "unreferenced object" /sys/kernel/debug/kmemleak)
	if [ "$leaks" -gt 0 ]; then
		sed 's/^/    # /' /sys/kernel/debug/kmemleak | head -n 60
		result "not ok" kmemleak "$leaks unreferenced objects"
	else
		result ok kmemleak
	fi
fi
if [ $kcsancheck -eq 1 ]; then
	announce kcsan
	# Zero reports means something only if KCSAN watched: it counts the
	# watchpoints it set up; the reports themselves are judged on the host
	# (kcsan-report.py).
	sed 's/^/    # /' /sys/kernel/debug/kcsan | grep -E 'enabled|watchpoints|data_races|report_races'
	set_up=$(awk '$1 == "setup_watchpoints:" { print $2 }' /sys/kernel/debug/kcsan)
	if grep -qx 'enabled: 1' /sys/kernel/debug/kcsan && [ "${set_up:-0}" -gt 0 ]; then
		result ok kcsan
	else
		result "not ok" kcsan "KCSAN did not watch (enabled off or no watchpoint set up)"
	fi
fi
echo "# skbpool-harness: done"
