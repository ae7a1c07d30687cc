#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh [TARGET]: build a libFuzzer target with ASan and UBSan, run it for
# FUZZ_SECONDS (default 60) and report the exec count and the corpus size.
# Exits non-zero on any finding (crash, sanitizer report, broken
# invariant, leak, timeout); the input is kept in
# build/fuzz/TARGET/artifacts/ and the full log in build/fuzz/TARGET/log.
#
#   classify  the critical-traffic classifier and the flow table
#             (core/classify.c, core/flows.c): frames from the wire
#   args      ethtool-ext's command line (tools/ethtool-ext/args.c)
#
# What else takes outside input is covered elsewhere: netlink requests are
# parsed by the kernel against our policies (netlink_malformed sends every
# malformed kind), and what they carry is judged by skbpool_rule_check(),
# which the classify target runs on every rule it builds.
#
# Everything generated lives in build/fuzz/TARGET/: the binary, the seeds
# (written on every run, so they always match the generator), and the
# working corpus, which grows from run to run.
set -euo pipefail
secs=${FUZZ_SECONDS:-60}
target=${1:-classify}
repo=$(cd "$(dirname "$0")/../.." && pwd)
out=$repo/build/fuzz/$target
bin=$out/${target}_fuzz
cd "$repo"

if ! [[ $secs =~ ^[0-9]+$ ]] || [ "$secs" -lt 1 ]; then
	echo "fuzz: FUZZ_SECONDS must be a positive number of seconds" >&2
	exit 2
fi

mkdir -p "$out/corpus" "$out/artifacts"
rm -rf "$out/seeds"
mkdir -p "$out/seeds"
# -fno-sanitize-recover: the first UBSan report is a finding, not a log line.
cflags=(-g -O1 "-fsanitize=fuzzer,address,undefined" -fno-sanitize-recover=all
	-fno-strict-aliasing -std=gnu11 -Wall -Wextra -Werror)
case $target in
classify)
	python3 tests/fuzz/gen_corpus.py "$out/seeds"
	clang "${cflags[@]}" -Itests/fuzz \
		core/classify.c core/flows.c tests/fuzz/classify_fuzz.c -o "$bin"
	max_len=4096
	;;
args)
	# Command lines as argv holds them: words separated by NUL bytes.
	n=0
	while read -r line; do
		n=$((n + 1))
		printf '%s' "$line" | tr ' ' '\0' >"$out/seeds/line$n"
	done <<'SEEDS'
show
-j show eth0
tag eth0
size eth0 all 512
size eth0 1 auto
emergency eth0 on
rule add eth0 critical proto udp dport 7000
rule add eth0 index 0 bulk proto tcp sport 1024-65535 dscp 46,32-39 vlan-prio 5-7
rule add eth0 critical src 192.0.2.0/24 dst 2001:db8::/32
rule del eth0 3
rule show
flows eth1
monitor
SEEDS
	clang "${cflags[@]}" -Iinclude/uapi \
		tools/ethtool-ext/args.c tests/fuzz/args_fuzz.c -o "$bin"
	max_len=512
	;;
*)
	echo "fuzz: unknown target '$target' (classify, args)" >&2
	exit 2
	;;
esac

seeds=$(find "$out/seeds" -type f | wc -l)
echo "fuzz: ${target}_fuzz for ${secs}s ($seeds seeds, $(find "$out/corpus" -type f | wc -l) inputs kept from earlier runs)"
rc=0
# New inputs go to the first directory; the seeds are only read.
"$bin" -max_total_time="$secs" -max_len=$max_len -timeout=10 -use_value_profile=1 \
	-print_final_stats=1 -artifact_prefix="$out/artifacts/" \
	"$out/corpus" "$out/seeds" >"$out/log" 2>&1 || rc=$?

execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/log")
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out/log")
corpus=$(find "$out/corpus" -type f | wc -l)
if [ "$rc" -ne 0 ]; then
	grep -E -A 40 'ERROR|runtime error|_fuzz:|==[0-9]+==' "$out/log" | head -n 60 >&2
	artifact=$(sed -n 's/.*Test unit written to //p' "$out/log" | tail -n 1)
	echo "fuzz: FINDING (status $rc) after ${execs:-?} execs; input: ${artifact:-none}" >&2
	echo "fuzz: reproduce with $bin ${artifact:-ARTIFACT}" >&2
	exit 1
fi
echo "fuzz: $target: ${execs} execs in ${secs}s (${rate}/s), corpus ${corpus} inputs + ${seeds} seeds, no finding"
