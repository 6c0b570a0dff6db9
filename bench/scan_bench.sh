#!/usr/bin/env bash
# scan_bench.sh — `socklab scan` against nmap, in one run on loopback:
#   all 65,535 TCP ports:  socklab scan -p - 127.0.0.1   vs  nmap -sT -p- -T4 127.0.0.1
#   UDP ports 1-1000:      socklab scan -u -p 1-1000 ... vs  nmap -sU -p 1-1000 127.0.0.1
# with the lab server's five services of seed 000 §5.3 (echo, discard,
# daytime, qotd, chargen) listening on TCP and UDP. Both scanners must find
# the same states (every listed port, and the count of the others); prints
# times, ratios, and the issue's targets as PASS/MISS.
#
#   bash bench/scan_bench.sh            (as root: installs what is missing)
#
# As root everything runs in a network namespace of its own (its own
# loopback, where no other program's listeners come and go between two
# scans) and the services sit on their standard ports; as another user on
# this host's loopback, with the services moved up by 20000 and the UDP
# range with them (20001-21000). nmap -sU needs root; without it the UDP
# comparison is skipped.
#
# Knobs (environment): BENCH_ROUNDS (5), BENCH_BUILD_DIR (build),
# BENCH_NO_BUILD=1 (use the build directory as it is), BENCH_NETNS=0 (as root:
# use this host's loopback after all).
# Exit status: 0 when every measurement ran (targets may still be MISS), 1 otherwise.
set -u -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1

ROUNDS=${BENCH_ROUNDS:-5}
B=${BENCH_BUILD_DIR:-build}
SOCKLAB=$B/socklab
FAILED=0
IS_ROOT=0
[ "$(id -u)" -eq 0 ] && IS_ROOT=1

say() { printf '%s\n' "$*" >&2; }
note() { printf '  %s\n' "$*" >&2; }

# ---------------------------------------------------------------- packages, build

if ! scripts/deps.sh build bench; then
	say "scan_bench.sh: install the packages above first"
	exit 1
fi
if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
	LOG=$B/bench-build.log
	mkdir -p "$B"
	say "== building socklab (cmake -S . -B $B; log: $LOG)"
	if ! { cmake -S . -B "$B" >"$LOG" 2>&1 && cmake --build "$B" -j2 --target socklab >>"$LOG" 2>&1; }; then
		tail -n 15 "$LOG" | sed 's/^/    | /' >&2
		say "scan_bench.sh: socklab did not build"
		exit 1
	fi
fi
if [ ! -x "$SOCKLAB" ]; then
	say "scan_bench.sh: $SOCKLAB does not exist"
	exit 1
fi
SOCKLAB=$(cd "$(dirname "$SOCKLAB")" && pwd)/socklab

# ---------------------------------------------------------------- where

TMP=$(mktemp -d /tmp/socklab-scanbench.XXXXXX)
NETNS=""
SERVE_PID=""
IN=()   # command prefix: run inside the namespace

cleanup() {
	if [ -n "$SERVE_PID" ] && kill -0 "$SERVE_PID" 2>/dev/null; then
		kill -TERM "$SERVE_PID" 2>/dev/null
		for _ in $(seq 40); do kill -0 "$SERVE_PID" 2>/dev/null || break; sleep 0.05; done
		kill -KILL "$SERVE_PID" 2>/dev/null
		wait "$SERVE_PID" 2>/dev/null
	fi
	[ -n "$NETNS" ] && ip netns del "$NETNS" 2>/dev/null
	rm -rf "$TMP"
}
# shellcheck disable=SC2317 # called by the trap
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "$IS_ROOT" = 1 ] && [ "${BENCH_NETNS:-1}" = 1 ]; then
	NETNS=sclabbench$$
	if ip netns add "$NETNS" && ip netns exec "$NETNS" ip link set lo up; then
		IN=(ip netns exec "$NETNS")
		WHERE="network namespace $NETNS (its own loopback)"
	else
		say "== cannot make a network namespace; using this host's loopback"
		NETNS=""
		WHERE="this host's loopback"
	fi
else
	WHERE="this host's loopback"
fi

OFFSET=0
[ "$IS_ROOT" = 1 ] || OFFSET=20000
UDP_LO=$((OFFSET + 1))
UDP_HI=$((OFFSET + 1000))

# ---------------------------------------------------------------- the lab server

say "== starting socklab serve (echo discard daytime qotd chargen, port offset $OFFSET) in $WHERE"
"${IN[@]}" "$SOCKLAB" serve --json -q -4 --port-offset "$OFFSET" \
	--only echo,discard,daytime,qotd,chargen >"$TMP/serve.out" 2>"$TMP/serve.err" &
SERVE_PID=$!
for _ in $(seq 200); do
	grep -q '"event":"ready"' "$TMP/serve.out" 2>/dev/null && break
	kill -0 "$SERVE_PID" 2>/dev/null || break
	sleep 0.05
done
if ! grep -q '"event":"ready"' "$TMP/serve.out"; then
	say "scan_bench.sh: socklab serve did not start: $(head -n 3 "$TMP/serve.err")"
	exit 1
fi
LISTENING=$(sed -n 's/.*"proto":"\([a-z]*\)".*"port":\([0-9]*\).*/\2\/\1/p' "$TMP/serve.out" | sort -n | tr '\n' ' ')
note "listening: $LISTENING"

# ---------------------------------------------------------------- measurements

HAVE_NMAP_UDP=$IS_ROOT
[ "$HAVE_NMAP_UDP" = 1 ] || say "== nmap -sU needs root: the UDP comparison is skipped"

now() { echo "${EPOCHREALTIME/,/.}"; }

# run KIND TOOL ROUND: times one scan, keeps its -oG file
run() {
	local kind=$1 tool=$2 r=$3 out=$TMP/$1.$2.$3.gnmap t0 t1 rc
	local -a cmd
	case "$kind,$tool" in
	tcp,socklab) cmd=("$SOCKLAB" scan -p - 127.0.0.1) ;;
	tcp,nmap) cmd=(nmap -sT -p- -T4 127.0.0.1) ;;
	udp,socklab) cmd=("$SOCKLAB" scan -u -p "$UDP_LO-$UDP_HI" 127.0.0.1) ;;
	udp,nmap) cmd=(nmap -sU -p "$UDP_LO-$UDP_HI" 127.0.0.1) ;;
	esac
	t0=$(now)
	"${IN[@]}" "${cmd[@]}" -oG "$out" >"$TMP/$kind.$tool.$r.out" 2>"$TMP/$kind.$tool.$r.err"
	rc=$?
	t1=$(now)
	if [ "$rc" -ne 0 ]; then
		FAILED=1
		note "$kind $tool round $r failed ($rc): $(head -n 3 "$TMP/$kind.$tool.$r.err")"
		return
	fi
	T[$kind,$tool]="${T[$kind,$tool]:-} $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')"
}

# states FILE -> "port/state/proto ..." of the Ports field, then "ignored:STATE(N)"
states() {
	awk -F'\t' '/^Host: / {
		for (i = 2; i <= NF; i++) {
			if ($i ~ /^Ports: /) {
				sub(/^Ports: /, "", $i)
				n = split($i, p, ", ")
				for (j = 1; j <= n; j++) { split(p[j], f, "/"); printf "%s/%s/%s\n", f[1], f[2], f[3] }
			} else if ($i ~ /^Ignored State: /) {
				sub(/^Ignored State: /, "", $i)
				gsub(/ /, "", $i)
				printf "ignored:%s\n", $i
			}
		}
	}' "$1" | sort
}

declare -A T OPEN IGN
KINDS=(tcp)
[ "$HAVE_NMAP_UDP" = 1 ] && KINDS+=(udp)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
say "== $ROUNDS rounds: ${KINDS[*]}, socklab and nmap in turns (each round starts with the other)"
for r in $(seq "$ROUNDS"); do
	for kind in "${KINDS[@]}"; do
		if [ $((r % 2)) = 1 ]; then order=(socklab nmap); else order=(nmap socklab); fi
		for tool in "${order[@]}"; do
			run "$kind" "$tool" "$r"
		done
		note "round $r $kind: socklab ${T[$kind,socklab]##* } s, nmap ${T[$kind,nmap]##* } s"
	done
done

# ---------------------------------------------------------------- same states?

declare -A SAME
for kind in "${KINDS[@]}"; do
	SAME[$kind]=PASS
	ref=""
	for f in "$TMP"/"$kind".*.gnmap; do
		[ -e "$f" ] || continue
		s=$(states "$f")
		if [ -z "$ref" ]; then
			ref=$s
			reff=$f
		elif [ "$s" != "$ref" ]; then
			SAME[$kind]=MISS
			note "$kind: $(basename "$f") and $(basename "$reff") differ:"
			diff <(echo "$ref") <(echo "$s") | sed 's/^/    | /' >&2
		fi
	done
	[ -z "$ref" ] && SAME[$kind]=n/a
	OPEN[$kind]=$(echo "$ref" | grep -v '^ignored' | tr '\n' ' ')
	IGN[$kind]=$(echo "$ref" | grep '^ignored' | sed 's/^ignored://' | tr '\n' ' ')
done

# ---------------------------------------------------------------- report

median() { printf '%s\n' "$@" | grep -v '^$' | sort -g |
	awk '{ a[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b + 0 == 0) print "-"; else printf "%.2f", a / b }'; }
verdict() { awk -v v="$1" -v l="$2" 'BEGIN { if (v == "-" || v == "") print "n/a"; else print (v + 0 <= l + 0) ? "PASS" : "MISS" }'; }

declare -A M
for kind in "${KINDS[@]}"; do
	for tool in socklab nmap; do
		# shellcheck disable=SC2086 # a list of numbers
		M[$kind,$tool]=$(median ${T[$kind,$tool]:-})
	done
done

echo
echo "socklab scan against nmap $(nmap --version | sed -n 's/^Nmap version \([^ ]*\).*/\1/p'), $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -sr), $(nproc) cores"
echo "on $WHERE; lab server: $LISTENING"
echo "wall-clock seconds, medians of $ROUNDS rounds; load average before: $LOAD_BEFORE (1, 5, 15 min)"
if awk -v l="${LOAD_BEFORE%% *}" 'BEGIN { exit !(l >= 0.5) }'; then
	echo "WARNING: the machine was busy with other work; times vary more"
fi
echo
printf '%-44s %10s %10s %8s   %s\n' "scan" "socklab s" "nmap s" "ratio" "all rounds (socklab | nmap)"
if [ -n "${M[tcp,socklab]:-}" ]; then
	printf '%-44s %10s %10s %8s   %s | %s\n' "TCP 1-65535 (nmap -sT -p- -T4)" "${M[tcp,socklab]}" "${M[tcp,nmap]}" \
		"$(ratio "${M[tcp,socklab]}" "${M[tcp,nmap]}")x" "${T[tcp,socklab]:-}" "${T[tcp,nmap]:-}"
fi
if [ -n "${M[udp,socklab]:-}" ]; then
	printf '%-44s %10s %10s %8s   %s | %s\n' "UDP $UDP_LO-$UDP_HI (nmap -sU)" "${M[udp,socklab]}" "${M[udp,nmap]}" \
		"$(ratio "${M[udp,socklab]}" "${M[udp,nmap]}")x" "${T[udp,socklab]:-}" "${T[udp,nmap]:-}"
fi
echo
for kind in "${KINDS[@]}"; do
	echo "$kind states found by both (every round): ${OPEN[$kind]:-none} ; not listed: ${IGN[$kind]:-none}"
done
echo
echo "Targets (from the issue)"
tr=$(ratio "${M[tcp,socklab]:--}" "${M[tcp,nmap]:--}")
printf '  %-60s %8s  %s\n' "TCP range in at most half of nmap -T4's time" "${tr}x" "$(verdict "$tr" 0.5)"
printf '  %-60s %8s  %s\n' "TCP: the same states as nmap" "" "${SAME[tcp]}"
if [ "$HAVE_NMAP_UDP" = 1 ]; then
	ur=$(ratio "${M[udp,socklab]:--}" "${M[udp,nmap]:--}")
	printf '  %-60s %8s  %s\n' "UDP 1000 ports no slower than nmap -sU" "${ur}x" "$(verdict "$ur" 1.0)"
	printf '  %-60s %8s  %s\n' "UDP: the same states as nmap" "" "${SAME[udp]}"
else
	echo "  UDP: not measured (nmap -sU needs root)"
fi
[ "$FAILED" = 1 ] && echo "(some scans failed; see the messages above)"
exit "$FAILED"
