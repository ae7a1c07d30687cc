#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host-side checks (make lint, part of make check):
#   - every module rebuilt with W=1 and sparse (C=2): no warning at all
#   - scripts/checkpatch.pl --strict on every C source and header
#   - scripts/kernel-doc on the public headers, the classifier's and the
#     sizing's, and exported functions
#   - rst2html on every Documentation/ page: no docutils warning
#   - shellcheck on every shell script, python3 -m py_compile on python
#   - tools/ethtool-ext built with -Wall -Wextra -Werror, and checkpatch
#
#   lint.sh KDIR
set -uo pipefail
kdir=$1
repo=$(cd "$(dirname "$0")/.." && pwd)
src=$(readlink -f "$kdir/source")
cd "$repo" || exit 1
failed=0
step() { printf '# lint: %s\n' "$1"; }
fail() { echo "lint: $1" >&2; failed=1; }

mapfile -t csrc < <(git ls-files --cached --others --exclude-standard \
	'core/*.[ch]' 'include/*.h' 'drivers/*.[ch]' 'tests/kunit/*.[ch]' 'tests/bench/*.[ch]' \
	'tests/field/*.c')

step "W=1 and sparse build"
log=$(mktemp)
make -s -C "$kdir" M="$repo" clean >/dev/null
if ! make -C "$kdir" M="$repo" W=1 C=2 modules >"$log" 2>&1; then
	cat "$log"
	fail "the W=1 C=2 build failed"
fi
if grep -E "warning:|error:" "$log"; then
	fail "W=1 or sparse reported warnings"
fi
rm -f "$log"

step "checkpatch --strict"
# FILE_PATH_CHANGES (the MAINTAINERS reminder) only makes sense for patches
# against the kernel tree.
ignore=FILE_PATH_CHANGES
for f in "${csrc[@]}"; do
	if ! out=$("$src/scripts/checkpatch.pl" --strict --no-tree --quiet --terse \
		--show-types --ignore "$ignore" -f "$f" 2>&1); then
		echo "$out"
		fail "checkpatch: $f"
	fi
done

step "ethtool-ext: -Wall -Wextra -Werror, checkpatch"
# The tool is userspace C in kernel style; what checkpatch says about the
# kernel's own helpers (strscpy, negative errnos, PRIu64's case, a volatile
# sig_atomic_t, split format strings) does not apply to it.
if ! out=$(make -s -C tools/ethtool-ext clean 2>&1 &&
	make -s -C tools/ethtool-ext CFLAGS="-O2 -g -Werror" ethtool-ext unit.test 2>&1); then
	echo "$out"
	fail "ethtool-ext does not build warning-free"
fi
mapfile -t toolsrc < <(git ls-files --cached --others --exclude-standard 'tools/ethtool-ext/*.[ch]')
for f in "${toolsrc[@]}"; do
	if ! out=$("$src/scripts/checkpatch.pl" --strict --no-tree --quiet --terse \
		--show-types --ignore "$ignore,STRCPY,USE_NEGATIVE_ERRNO,CAMELCASE,VOLATILE,SPLIT_STRING" \
		-f "$f" 2>&1); then
		echo "$out"
		fail "checkpatch: $f"
	fi
done

# The fuzz targets are userspace C in kernel style; libFuzzer fixes the
# CamelCase names of their entry points, and ethtool-ext's API the
# stdint types args_fuzz.c passes it.  tests/fuzz/classify_compat.h is
# left out: it re-creates kernel primitives (typedefs, volatile accesses,
# barriers) that checkpatch rightly flags anywhere else.
mapfile -t fuzzsrc < <(git ls-files --cached --others --exclude-standard 'tests/fuzz/*.c')
for f in "${fuzzsrc[@]}"; do
	if ! out=$("$src/scripts/checkpatch.pl" --strict --no-tree --quiet --terse \
		--show-types --ignore "$ignore,CAMELCASE,PREFER_KERNEL_TYPES" -f "$f" 2>&1); then
		echo "$out"
		fail "checkpatch: $f"
	fi
done

step "kernel-doc"
mapfile -t docs < <(git ls-files --cached --others --exclude-standard 'include/*.h' \
	'core/classify.h' 'core/sizing.h' 'core/*.c')
out=$("$src/scripts/kernel-doc" -none -Wall "${docs[@]}" 2>&1)
if [ -n "$out" ]; then
	echo "$out"
	fail "kernel-doc warnings"
fi

# Every page renders as the kernel's Documentation/ would need it to: no
# docutils warning (rst2html from python3-docutils, tests/qemu/deps.sh).
step "Documentation: rst2html"
mapfile -t rst < <(git ls-files --cached --others --exclude-standard 'Documentation/*.rst')
for f in "${rst[@]}"; do
	if ! out=$(rst2html --halt=warning --report=warning --strict "$f" 2>&1 >/dev/null); then
		echo "$out"
		fail "rst2html: $f"
	fi
done

step "shellcheck"
mapfile -t sh < <(git ls-files --cached --others --exclude-standard '*.sh' '.ci/run')
if ! shellcheck -x -S warning "${sh[@]}"; then
	fail "shellcheck"
fi

step "python"
mapfile -t py < <(git ls-files --cached --others --exclude-standard '*.py')
for f in "${py[@]}"; do
	python3 -m py_compile "$f" || fail "python: $f"
done

[ $failed -eq 0 ] && echo "# lint: clean"
exit $failed
