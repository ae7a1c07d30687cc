#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make fuzz: build the classifier's libFuzzer target with ASan and UBSan,
# run it for FUZZ_SECONDS (default 60) and report the exec count and the
# corpus size.  Exits non-zero on any finding (crash, sanitizer report,
# broken invariant, leak, timeout); the input is kept in
# build/fuzz/artifacts/ and the full log in build/fuzz/log.
#
# Everything generated lives in build/fuzz/: the binary, the seeds (written
# by gen_corpus.py on every run, so they always match the generator), and
# the working corpus, which grows from run to run.
set -euo pipefail
secs=${FUZZ_SECONDS:-60}
repo=$(cd "$(dirname "$0")/../.." && pwd)
out=$repo/build/fuzz
bin=$out/classify_fuzz
cd "$repo"

if ! [[ $secs =~ ^[0-9]+$ ]] || [ "$secs" -lt 1 ]; then
	echo "fuzz: FUZZ_SECONDS must be a positive number of seconds" >&2
	exit 2
fi

mkdir -p "$out/corpus" "$out/artifacts"
rm -rf "$out/seeds"
python3 tests/fuzz/gen_corpus.py "$out/seeds"

# -fno-sanitize-recover: the first UBSan report is a finding, not a log line.
clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-fno-strict-aliasing -std=gnu11 -Wall -Wextra -Werror \
	-Itests/fuzz \
	core/classify.c core/flows.c tests/fuzz/classify_fuzz.c -o "$bin"

seeds=$(find "$out/seeds" -type f | wc -l)
echo "fuzz: classify_fuzz for ${secs}s ($seeds seeds, $(find "$out/corpus" -type f | wc -l) inputs kept from earlier runs)"
rc=0
# New inputs go to the first directory; the seeds are only read.
"$bin" -max_total_time="$secs" -max_len=4096 -timeout=10 -use_value_profile=1 \
	-print_final_stats=1 -artifact_prefix="$out/artifacts/" \
	"$out/corpus" "$out/seeds" >"$out/log" 2>&1 || rc=$?

execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/log")
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out/log")
corpus=$(find "$out/corpus" -type f | wc -l)
if [ "$rc" -ne 0 ]; then
	grep -E -A 40 'ERROR|runtime error|classify_fuzz:|==[0-9]+==' "$out/log" | head -n 60 >&2
	artifact=$(sed -n 's/.*Test unit written to //p' "$out/log" | tail -n 1)
	echo "fuzz: FINDING (status $rc) after ${execs:-?} execs; input: ${artifact:-none}" >&2
	echo "fuzz: reproduce with $bin ${artifact:-ARTIFACT}" >&2
	exit 1
fi
echo "fuzz: ${execs} execs in ${secs}s (${rate}/s), corpus ${corpus} inputs + ${seeds} seeds, no finding"
