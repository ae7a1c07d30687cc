#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fault injection for the tests that fail allocations on purpose: failslab
# and fail_page_alloc, narrowed to allocations whose stack passes through
# one module's code.  The narrowing matters: a failure inside 9p, which
# serves the guest's root, would wedge the filesystem.  Each test leaves
# both as the kernel set them (fault_restore), so the next test does not
# inherit a filter it never asked for.

FAULT=/sys/kernel/debug

# Whether the kernel has both kinds, with their stack filter (without it
# an injection aimed at one module would fail allocations anywhere).
# shellcheck disable=SC2034 # read by the tests' skip messages
FAULT_NEEDS="CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC, CONFIG_FAULT_INJECTION_STACKTRACE_FILTER"
fault_have() {
	[ -e "$FAULT/failslab/require-start" ] && [ -e "$FAULT/fail_page_alloc/require-start" ]
}

# Both kinds, off, made to fail any allocation they are aimed at: sleeping
# ones, order 0, highmem, every slab cache, with nothing printed, and only
# for tasks that ask (faulty).
fault_setup() {
	local f
	for f in failslab fail_page_alloc; do
		echo 0 >"$FAULT/$f/probability"
		echo 1 >"$FAULT/$f/interval"
		echo 0 >"$FAULT/$f/verbose"
		echo N >"$FAULT/$f/ignore-gfp-wait"
		echo Y >"$FAULT/$f/task-filter"
	done
	echo N >"$FAULT/failslab/cache-filter"
	echo N >"$FAULT/fail_page_alloc/ignore-gfp-highmem"
	echo 0 >"$FAULT/fail_page_alloc/min-order"
}

# Aim KIND at allocations made from MODULE's code.  The range is the
# module's whole size from /proc/modules: it may take in a module loaded
# after it, which could only fail more, never less.  Says why it cannot.
fault_scope() { # failslab|fail_page_alloc MODULE
	local base size
	read -r base size < <(awk -v m="$2" '$1 == m { print $6, $2 }' /proc/modules)
	if [ $((base)) -eq 0 ]; then
		echo "$2's address is not in /proc/modules (not loaded, or kptr_restrict)"
		return 1
	fi
	echo "$base" >"$FAULT/$1/require-start"
	printf '0x%x\n' $((base + size)) >"$FAULT/$1/require-end"
	echo 32 >"$FAULT/$1/stacktrace-depth"
}

# Fail TIMES allocations (-1: all) after SPACE bytes, from now on.  The
# kernel counts TIMES down as it fails them: fault_times reads what is left.
fault_arm() { # failslab|fail_page_alloc TIMES SPACE
	echo "$2" >"$FAULT/$1/times"
	echo "$3" >"$FAULT/$1/space"
	echo 100 >"$FAULT/$1/probability"
}

fault_times() { cat "$FAULT/$1/times"; }

fault_off() {
	local f
	for f in failslab fail_page_alloc; do
		echo 0 >"$FAULT/$f/probability" 2>/dev/null
	done
}

# Back to the kernel's defaults (see fault-injection.rst), off.
fault_restore() {
	local f
	for f in failslab fail_page_alloc; do
		[ -d "$FAULT/$f" ] || continue
		echo 0 >"$FAULT/$f/probability"
		echo 1 >"$FAULT/$f/interval"
		echo 1 >"$FAULT/$f/times"
		echo 0 >"$FAULT/$f/space"
		echo 2 >"$FAULT/$f/verbose"
		echo N >"$FAULT/$f/task-filter"
		echo Y >"$FAULT/$f/ignore-gfp-wait"
		echo 0 >"$FAULT/$f/require-start"
		echo 0xffffffffffffffff >"$FAULT/$f/require-end"
	done
	[ -d "$FAULT/failslab" ] && echo N >"$FAULT/failslab/cache-filter"
	[ -d "$FAULT/fail_page_alloc" ] && {
		echo 1 >"$FAULT/fail_page_alloc/min-order"
		echo Y >"$FAULT/fail_page_alloc/ignore-gfp-highmem"
	}
}

# Run a command with injection on for it (and its children) alone.
faulty() {
	bash -c 'echo 1 >/proc/self/make-it-fail && exec "$@"' faulty "$@"
}
