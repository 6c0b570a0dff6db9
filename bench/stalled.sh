#!/usr/bin/env bash
# stalled.sh — 10,000 stalled clients on `socklab serve` (issue 12): a
# quarter chargen readers that never read, a quarter echo writers that never
# read, half idle, held by bench/stalled_load (one process, no fork) from
# 127.0.0.2-11, while fresh clients' echoes are timed. Prints the host's TCP
# memory, the server's share of it (sock_diag, by `ss -tm`), the server's RSS,
# and the targets: a fresh client's echo in < 10 ms; at most 256 KiB of
# kernel memory per stalled chargen reader.
#
#   bash bench/stalled.sh            (about 30 s)
#
# Knobs (environment): BENCH_CONNS (10000), BENCH_PROBES (200),
# BENCH_SERVE_ARGS (more serve options, e.g. "--sndbuf 0"), BENCH_BIN (the
# socklab to measure; default BUILD_DIR/socklab), BENCH_BUILD_DIR (build),
# BENCH_NO_BUILD=1 (use the build directory as it is), BENCH_PIN=0 (no CPU pinning).
# Exit status: 0 when the measurement ran (a target may still be MISS), 1 otherwise.
set -u -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1

CONNS=${BENCH_CONNS:-10000}
PROBES=${BENCH_PROBES:-200}
B=${BENCH_BUILD_DIR:-build}
SOCKLAB=${BENCH_BIN:-$B/socklab}
LOAD=$B/bench/stalled_load
READY_SECS=15

say() { printf '%s\n' "$*" >&2; }

if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
	say "== building (cmake -S . -B $B -DSOCKLAB_BENCH=ON; log: $B/bench-build.log)"
	mkdir -p "$B"
	if ! { cmake -S . -B "$B" -DSOCKLAB_BENCH=ON && cmake --build "$B" -j2 --target socklab stalled_load; } \
		>"$B/bench-build.log" 2>&1; then
		say "stalled.sh: the build failed; tail of $B/bench-build.log:"
		tail -n 15 "$B/bench-build.log" >&2
		exit 1
	fi
fi
for prog in "$SOCKLAB" "$LOAD"; do
	[ -x "$prog" ] || { say "stalled.sh: $prog does not exist"; exit 1; }
done
command -v ss >/dev/null || { say "stalled.sh: needs ss (iproute2)"; exit 1; }

# Each side holds CONNS descriptors: both need a limit above it.
ulimit -n "$(ulimit -Hn)" 2>/dev/null
NOFILE=$(ulimit -n)
if [ "$NOFILE" != unlimited ] && [ "$CONNS" -gt $((NOFILE - 100)) ]; then
	say "stalled.sh: the open-file limit ($NOFILE) is below $CONNS connections + 100"
	exit 1
fi

SRV=()
CLI=()
NCPU=$(nproc)
if [ "${BENCH_PIN:-1}" = 1 ] && [ "$NCPU" -ge 2 ] && command -v taskset >/dev/null; then
	SRV=(taskset -c $((NCPU - 1)))
	CLI=(taskset -c 0)
fi

TMP=$(mktemp -d /tmp/socklab-stalled.XXXXXX)
SPID=""
LPID=""
FD=""
cleanup() {
	[ -n "$FD" ] && exec {FD}>&-
	for p in $LPID $SPID; do
		kill -0 "$p" 2>/dev/null || continue
		kill -TERM "$p" 2>/dev/null
		for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	rm -rf "$TMP"
}
# shellcheck disable=SC2317 # called by the trap
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_line() {  # FILE REGEX SECS PID -> the first matching line
	local line
	for _ in $(seq $(($3 * 20))); do
		line=$(grep -m1 -E -- "$2" "$1" 2>/dev/null) && { printf '%s\n' "$line"; return 0; }
		kill -0 "$4" 2>/dev/null || { grep -m1 -E -- "$2" "$1"; return; }
		sleep 0.05
	done
	return 1
}

field() { sed -n "s/.*[[:space:]]$2=\([^[:space:]]*\).*/\1/p" <<<"$1" | head -n 1; }

# kernel memory (skmem r + w + f, bytes) and count of the established sockets
# matching an ss filter: "BYTES COUNT"
skmem_sum() {
	ss -tmnH state established "$1" |
		sed -n 's/.*skmem:(r\([0-9]*\),rb[0-9]*,t[0-9]*,tb[0-9]*,f\([0-9]*\),w\([0-9]*\).*/\1 \2 \3/p' |
		awk '{ s += $1 + $2 + $3; n++ } END { printf "%d %d\n", s, n }'
}

# shellcheck disable=SC2086 # BENCH_SERVE_ARGS is a list of options
"${SRV[@]}" "$SOCKLAB" serve -4 --only echo,chargen --service echo=0 --service chargen=0 \
	--quiet ${BENCH_SERVE_ARGS:-} >"$TMP/serve.out" 2>"$TMP/serve.err" </dev/null &
SPID=$!
if ! wait_line "$TMP/serve.out" '^ready' $READY_SECS $SPID >/dev/null; then
	say "stalled.sh: serve did not start: $(head -n 3 "$TMP/serve.err")"
	exit 1
fi
CP=$(sed -n 's/^listening chargen tcp .*:\([0-9]*\)$/\1/p' "$TMP/serve.out")
EP=$(sed -n 's/^listening echo tcp .*:\([0-9]*\)$/\1/p' "$TMP/serve.out")

say "== $CONNS clients on serve (pid $SPID): chargen $CP, echo $EP; $($SOCKLAB serve --version)"
say "   serve options: --quiet ${BENCH_SERVE_ARGS:-}"
mkfifo "$TMP/hold"
"${CLI[@]}" "$LOAD" -t 120 -H 300 -p "$SPID" -P "$PROBES" "$CP" "$EP" "$CONNS" \
	<"$TMP/hold" >"$TMP/load.out" 2>"$TMP/load.err" &
LPID=$!
exec {FD}>"$TMP/hold"
if ! wait_line "$TMP/load.out" '^holding |FAIL' 150 $LPID | grep -q '^holding'; then
	say "stalled.sh: stalled_load did not get to hold its clients:"
	cat "$TMP/load.out" "$TMP/load.err" >&2
	exit 1
fi
read -r CG_BYTES CG_N < <(skmem_sum "( sport = :$CP )")
read -r EC_BYTES EC_N < <(skmem_sum "( sport = :$EP )")
read -r CL_BYTES CL_N < <(skmem_sum "( dport = :$CP or dport = :$EP )")
HWM=$(awk '/^VmHWM:/ { print $2 }' /proc/"$SPID"/status)
exec {FD}>&-
FD=""
wait $LPID
LPID=""
kill -TERM "$SPID"
wait "$SPID"
RC=$?
SPID=""

sed 's/^/  /' "$TMP/load.out" | grep -v '^  holding'
STALLED=$(grep '^stalled ' "$TMP/load.out")
HOST=$(grep '^host ' "$TMP/load.out")
RSS=$(grep '^server ' "$TMP/load.out")
TCP=$(grep '^probe tcp' "$TMP/load.out")
UDP=$(grep '^probe udp' "$TMP/load.out")
WRITERS=$(field "$STALLED" echo_writers)
kib() { awk -v b="$1" -v n="$2" 'BEGIN { printf "%.0f", n ? b / n / 1024 : 0 }'; }
mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
PER_READER=$(kib "$CG_BYTES" "$CG_N")
echo
echo "Kernel memory of the established sockets (sock_diag: skmem r + w + f)"
printf '  %-34s %6s sockets  %8s MiB  %6s KiB per %s\n' \
	"server, chargen (stalled readers)" "$CG_N" "$(mib "$CG_BYTES")" "$PER_READER" reader \
	"server, echo (writers + idle)" "$EC_N" "$(mib "$EC_BYTES")" "$(kib "$EC_BYTES" "$WRITERS")" writer \
	"clients (stalled_load)" "$CL_N" "$(mib "$CL_BYTES")" "$(kib "$CL_BYTES" "$CL_N")" socket
echo "  host (/proc/net/sockstat, every TCP socket on the machine): $(field "$HOST" delta_mib) MiB more while held"
echo "Server memory: RSS $(field "$RSS" before) KiB before, $(field "$RSS" held) KiB held, peak $HWM KiB;" \
	"exit status $RC after SIGTERM"
echo
MAXMS=$(field "$TCP" max_ms)
UMAXMS=$(field "$UDP" max_ms)
verdict() { awk -v v="$1" -v lim="$2" 'BEGIN { print (v != "" && v + 0 < lim) ? "PASS" : "MISS" }'; }
echo "Targets"
printf '  %-60s %10s  %s\n' \
	"fresh client: connect + TCP echo < 10 ms (max of $PROBES)" "${MAXMS:-failed} ms" \
	"$( [ "$(field "$TCP" failed)" = 0 ] && verdict "$MAXMS" 10 || echo MISS)" \
	"fresh UDP echo < 10 ms (max of $PROBES)" "${UMAXMS:-failed} ms" \
	"$( [ "$(field "$UDP" failed)" = 0 ] && verdict "$UMAXMS" 10 || echo MISS)" \
	"kernel memory per stalled chargen reader <= 256 KiB" "$PER_READER KiB" \
	"$(verdict "$PER_READER" 256.5)"
[ "$RC" = 0 ] && [ "$(field "$TCP" failed)" = 0 ]
