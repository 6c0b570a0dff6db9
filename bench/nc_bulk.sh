#!/usr/bin/env bash
# nc_bulk.sh — bulk throughput of `socklab nc` against OpenBSD nc and socat,
# in one run on loopback: a 1 GiB regular file on standard input, and the
# same 1 GiB through a pipe, each sent to a discard sink that checks every
# byte arrived. Prints MB/s, ratios to the faster anchor, and the targets:
# socklab >= 1.0x the faster of OpenBSD nc and socat for a pipe, >= 1.5x for
# a file.
#
#   bash bench/nc_bulk.sh          (as root: installs what is missing)
# Knobs: BENCH_BYTES (1G), BENCH_ROUNDS (3), BENCH_PIN=0 (do not pin to CPUs).
set -u -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
BYTES=${BENCH_BYTES:-1G}
ROUNDS=${BENCH_ROUNDS:-3}

scripts/deps.sh build bench || exit 1
cmake -S . -B build -DSOCKLAB_BENCH=ON >/dev/null && cmake --build build -j2 >/dev/null || {
	echo "nc_bulk.sh: build failed" >&2
	exit 1
}

TMP=$(mktemp -d)
SINK_PID=
cleanup() {
	[ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

PIN_SRV="" PIN_CLI=""
if [ "${BENCH_PIN:-1}" = 1 ] && [ "$(nproc)" -ge 2 ]; then
	PIN_SRV="taskset -c $(($(nproc) - 1))"
	PIN_CLI="taskset -c 0"
fi

size=$(numfmt --from=iec "$BYTES")
head -c "$size" /dev/urandom > "$TMP/data" || exit 1

$PIN_SRV build/bench/discard_sink 0 > "$TMP/sink.out" &
SINK_PID=$!
for _ in $(seq 100); do
	PORT=$(awk '/^listening/ {print $2}' "$TMP/sink.out")
	[ -n "$PORT" ] && break
	sleep 0.05
done
[ -n "${PORT:-}" ] || { echo "nc_bulk.sh: sink did not start" >&2; exit 1; }

declare -A CMD=(
	[socklab]="build/socklab nc 127.0.0.1 $PORT"
	[openbsd]="nc.openbsd -N 127.0.0.1 $PORT"
	[socat]="socat -u STDIN TCP:127.0.0.1:$PORT"
)
ORDER=(socklab openbsd socat)
declare -A RESULTS

# one transfer: prints seconds, or "fail"
run_one() { # name mode
	local before after start end got
	before=$(wc -l < "$TMP/sink.out")
	start=$(date +%s.%N)
	if [ "$2" = file ]; then
		timeout 120 $PIN_CLI ${CMD[$1]} < "$TMP/data" > /dev/null 2>"$TMP/err" || { echo fail; return; }
	else
		timeout 120 bash -c "cat '$TMP/data' | $PIN_CLI ${CMD[$1]}" > /dev/null 2>"$TMP/err" || { echo fail; return; }
	fi
	end=$(date +%s.%N)
	for _ in $(seq 200); do
		after=$(wc -l < "$TMP/sink.out")
		[ "$after" -gt "$before" ] && break
		sleep 0.01
	done
	got=$(tail -n 1 "$TMP/sink.out")
	if [ "$got" != "$size" ]; then echo fail; return; fi
	echo "$end - $start" | bc -l
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

for mode in file pipe; do
	for name in "${ORDER[@]}"; do : > "$TMP/t.$name.$mode"; done
	for round in $(seq "$ROUNDS"); do
		# a different starting contender each round
		for i in 0 1 2; do
			name=${ORDER[$(((i + round) % 3))]}
			t=$(run_one "$name" "$mode")
			echo "  round $round $mode $name: $t s" >&2
			[ "$t" != fail ] && echo "$t" >> "$TMP/t.$name.$mode"
		done
	done
	for name in "${ORDER[@]}"; do
		if [ -s "$TMP/t.$name.$mode" ]; then
			RESULTS[$name.$mode]=$(median < "$TMP/t.$name.$mode")
		else
			RESULTS[$name.$mode]=fail
		fi
	done
done

mbps() { echo "$size / $1 / 1000000" | bc -l; }
echo
echo "socklab nc — bulk send benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores"
echo "$BYTES to a discard sink on 127.0.0.1, medians of $ROUNDS rounds; MB = 10^6 bytes"
echo
status=0
SUMMARY=()
for mode in file pipe; do
	label="regular file on stdin"; [ "$mode" = pipe ] && label="pipe on stdin (cat FILE |)"
	echo "$label"
	best=0
	for name in openbsd socat; do
		r=${RESULTS[$name.$mode]}
		[ "$r" != fail ] && v=$(mbps "$r") && best=$(echo "if ($v > $best) $v else $best" | bc -l)
	done
	for name in "${ORDER[@]}"; do
		r=${RESULTS[$name.$mode]}
		if [ "$r" = fail ]; then
			printf '  %-10s %12s\n' "$name" "failed"; status=1; continue
		fi
		v=$(mbps "$r")
		printf '  %-10s %9.1f MB/s  %5.2fx the faster anchor\n' "$name" "$v" "$(echo "$v / $best" | bc -l)"
	done
	r=${RESULTS[socklab.$mode]}
	target=1.0; [ "$mode" = file ] && target=1.5
	if [ "$r" != fail ]; then
		ratio=$(echo "$(mbps "$r") / $best" | bc -l)
		verdict=MISS; (( $(echo "$ratio >= $target" | bc -l) )) && verdict=PASS
		printf '  target: socklab >= %.1fx the faster of OpenBSD nc and socat: %.2fx %s\n' "$target" "$ratio" "$verdict"
		SUMMARY+=("$mode $(printf '%.2f' "$ratio")x (target ${target}x, $verdict)")
	fi
	echo
done
echo "ratios to the faster anchor: ${SUMMARY[*]}"
exit $status
