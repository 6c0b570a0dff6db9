#!/usr/bin/env bash
# The long fuzz run, nightly-style: every harness for SECONDS (default 3600)
# through the same run.sh as ctest, so a finding fails it the same way.
#   bash tests/fuzz/long.sh [SECONDS]      from anywhere; FUZZ_JOBS=2 runs two
#                                          fuzzers at a time (default 1)
# Its own build directory (FUZZ_BUILD, default build/fuzz-long) keeps each
# fuzzer's growing corpus from one night to the next. Exit status: 0 when
# nothing was found, 1 on a finding (the input is in FUZZ_BUILD/artifacts_*/),
# 2 on a usage error.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-3600}
jobs=${FUZZ_JOBS:-1}
build=${FUZZ_BUILD:-$root/build/fuzz-long}
case $secs in
'' | *[!0-9]*)
	echo "long.sh: SECONDS must be a whole number, not '$secs'" >&2
	exit 2
	;;
esac
cmake -S "$root/tests/fuzz" -B "$build" -DSOCKLAB_FUZZ_BUDGET_ALL="$secs" >/dev/null
cd "$build"
ctest --output-on-failure -j "$jobs" -R '^fuzz/' || exit 1
