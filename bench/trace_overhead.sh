#!/usr/bin/env bash
# trace_overhead.sh — what recording socket calls costs a traced program:
# the same Python ping-pong (an echo thread and a client, N round trips of
# 64 bytes over loopback TCP) run plainly, under socklab's preload library
# alone, under strace (the anchor: it also records every call), and under
# the whole `socklab trace` (preload, capture and the story), with either
# backend (--backend preload, --backend ebpf: kernel tracepoints). Prints the
# microseconds per round trip, medians of the rounds, and ratios.
#
#   bash bench/trace_overhead.sh      (as root: installs what is missing)
# Knobs: BENCH_N (5000 round trips), BENCH_ROUNDS (5), BENCH_PIN=0.
set -u -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
N=${BENCH_N:-5000}
ROUNDS=${BENCH_ROUNDS:-5}
# One CPU for both ends: a ping-pong across CPUs measures how fast an idle
# CPU wakes up more than the calls (BENCH_PIN=0 to let them float).
PY="/usr/bin/python3"
[ "${BENCH_PIN:-1}" = 1 ] && PY="taskset -c 0 /usr/bin/python3"

scripts/deps.sh build bench || exit 1
cmake -S . -B build >/dev/null && cmake --build build -j2 >/dev/null || {
	echo "trace_overhead.sh: build failed" >&2
	exit 1
}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
LIB=$ROOT/build/libsocklab-trace.so
PROG=$ROOT/bench/trace_pingpong.py

plain() { $PY "$PROG" "$N"; }
preload() {
	: > "$TMP/calls.log"
	SOCKLAB_TRACE_LOG=$TMP/calls.log LD_PRELOAD=$LIB $PY "$PROG" "$N"
}
strace_run() { strace -f -qq -o /dev/null -e trace=network,read,write,poll,select $PY "$PROG" "$N"; }
trace_run() {
	# the program's stdout goes to stderr with --json; keep only its line
	# shellcheck disable=SC2086 # $PY may carry taskset's words
	build/socklab trace --backend preload --json --linger 0 -- $PY "$PROG" "$N" 2>&1 >/dev/null |
		grep -E '^[0-9]+\.[0-9]+$'
}

trace_ebpf_run() {
	# shellcheck disable=SC2086 # $PY may carry taskset's words
	build/socklab trace --backend ebpf --json --linger 0 -- $PY "$PROG" "$N" 2>&1 >/dev/null |
		grep -E '^[0-9]+\.[0-9]+$'
}

median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

declare -A result
for mode in plain preload strace_run trace_run trace_ebpf_run; do
	if [ "${mode#trace}" != "$mode" ] && [ "$(id -u)" -ne 0 ]; then
		echo "trace_overhead.sh: socklab trace needs root to capture; skipping $mode" >&2
		continue
	fi
	: > "$TMP/$mode"
	for _ in $(seq "$ROUNDS"); do
		$mode >> "$TMP/$mode" || { echo "trace_overhead.sh: $mode failed" >&2; exit 1; }
	done
	result[$mode]=$(median < "$TMP/$mode")
done

us() { echo "${result[$1]} $N" | awk '{printf "%.1f", $1 * 1e6 / $2}'; }
ratio() { echo "${result[$1]} ${result[$2]}" | awk '{printf "%.2f", $1 / $2}'; }

echo "Python ping-pong, $N round trips of 64 bytes, medians of $ROUNDS rounds"
printf "%-34s %10s %12s\n" "run" "us/trip" "vs plain"
printf "%-34s %10s %12s\n" "plain" "$(us plain)" "1.00"
printf "%-34s %10s %12s\n" "preload (libsocklab-trace.so)" "$(us preload)" "$(ratio preload plain)"
printf "%-34s %10s %12s\n" "strace -f (anchor)" "$(us strace_run)" "$(ratio strace_run plain)"
if [ -n "${result[trace_run]:-}" ]; then
	printf "%-34s %10s %12s\n" "socklab trace (preload + capture)" "$(us trace_run)" \
		"$(ratio trace_run plain)"
fi
if [ -n "${result[trace_ebpf_run]:-}" ]; then
	printf "%-34s %10s %12s\n" "socklab trace --backend ebpf" "$(us trace_ebpf_run)" \
		"$(ratio trace_ebpf_run plain)"
fi
echo
echo "recording cost, preload vs strace: $(ratio preload strace_run)x the time" \
	"(aim: well below 1)"
if [ -n "${result[trace_ebpf_run]:-}" ]; then
	echo "eBPF backend (with the capture) vs plain: $(ratio trace_ebpf_run plain)x" \
		"(aim: at most 1.5)"
fi
