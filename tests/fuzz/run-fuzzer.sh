#!/bin/sh
# Runs one libFuzzer target for a bounded time; used by ctest (`make test`,
# 10 s each) and `make fuzz` (FUZZ_SECONDS each, 600 by default).
#
#   run-fuzzer.sh FUZZER DEFAULT_SECONDS WORK_DIR SEED_DIR [DICT]
#
# FUZZ_SECONDS in the environment overrides DEFAULT_SECONDS. New inputs go to
# WORK_DIR/corpus (first corpus directory: the only one libFuzzer writes to),
# the checked-in seeds in SEED_DIR are only read, so the source tree is never
# modified. A crash, leak, timeout (5 s per input) or out-of-memory (1 GiB)
# fails the run and leaves its input in WORK_DIR/artifacts/; replay it with
#   FUZZER WORK_DIR/artifacts/crash-...
set -eu

[ $# -ge 4 ] || { echo "usage: $0 FUZZER SECONDS WORK_DIR SEED_DIR [DICT]" >&2; exit 2; }
fuzzer=$1
secs=${FUZZ_SECONDS:-$2}
work=$3
seeds=$4
dict=${5:-}

mkdir -p "$work/corpus" "$work/artifacts"
[ -d "$seeds" ] || { echo "$0: no seed directory $seeds" >&2; exit 2; }

set -- -max_total_time="$secs" -timeout=5 -rss_limit_mb=1024 -print_final_stats=1 \
	-artifact_prefix="$work/artifacts/"
if [ -n "$dict" ]; then
	set -- "$@" -dict="$dict"
fi

# libFuzzer stops itself after max_total_time; the outer timeout only guards
# against a fuzzer that cannot (a hang inside the target before -timeout fires).
exec timeout -k 10 $((secs + 120)) "$fuzzer" "$@" "$work/corpus" "$seeds"
