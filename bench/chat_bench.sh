#!/usr/bin/env bash
# chat_bench.sh — the UDP chat under load, side by side with ngircd: a room
# (an IRC channel) of 200 members, one of them sending 10,000 lines of 64
# bytes; the time until every member has every line (deliveries per second),
# and the time for all 200 to register and join. ngircd's sender is an IRC
# operator with user mode +F, so that it is not throttled.
#
#   bash bench/chat_bench.sh        (as root: installs what is missing)
# Knobs: BENCH_MEMBERS (200), BENCH_LINES (10000), BENCH_SIZE (64),
#        BENCH_ROUNDS (3), BENCH_PIN=0 (do not pin to CPUs).
set -u -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
MEMBERS=${BENCH_MEMBERS:-200}
LINES=${BENCH_LINES:-10000}
SIZE=${BENCH_SIZE:-64}
ROUNDS=${BENCH_ROUNDS:-3}

scripts/deps.sh build bench || exit 1
if ! command -v ngircd >/dev/null; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "chat_bench.sh: ngircd is missing: sudo apt-get install -y ngircd" >&2
		exit 1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ngircd </dev/null >/dev/null || exit 1
fi
cmake -S . -B build -DSOCKLAB_BENCH=ON >/dev/null && cmake --build build -j2 >/dev/null || {
	echo "chat_bench.sh: build failed" >&2
	exit 1
}

TMP=$(mktemp -d)
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

PIN_SRV="" PIN_CLI=""
if [ "${BENCH_PIN:-1}" = 1 ] && [ "$(nproc)" -ge 2 ]; then
	PIN_SRV="taskset -c $(($(nproc) - 1))"
	PIN_CLI="taskset -c 0"
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# socklab chat-server: flood control off for the one sender, as ngircd's +F.
$PIN_SRV build/socklab chat-server 0 --bind 127.0.0.1 --quiet --flood-rate 0 \
	--max-members "$MEMBERS" > "$TMP/chat.out" 2>"$TMP/chat.err" &
PIDS+=($!)
for _ in $(seq 100); do
	CHAT_PORT=$(sed -n 's/^listening udp 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$TMP/chat.out" | head -1)
	[ -n "$CHAT_PORT" ] && break
	sleep 0.05
done
[ -n "${CHAT_PORT:-}" ] || { echo "chat_bench.sh: chat-server did not start: $(cat "$TMP/chat.err")" >&2; exit 1; }

IRC_PORT=$(free_port)
cat > "$TMP/ngircd.conf" <<CONF
[Global]
Name = bench.socklab
Info = socklab benchmark
Listen = 127.0.0.1
Ports = $IRC_PORT
MotdPhrase = bench
PidFile = $TMP/ngircd.pid
[Limits]
MaxConnections = 0
MaxConnectionsIP = 0
MaxJoins = 0
[Options]
DNS = no
Ident = no
PAM = no
[Operator]
Name = bench
Password = bench
CONF
$PIN_SRV ngircd -n -f "$TMP/ngircd.conf" > "$TMP/ngircd.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do
	grep -q "Now listening" "$TMP/ngircd.log" && break
	sleep 0.05
done

for round in $(seq "$ROUNDS"); do
	# chat_load's names carry its pid: the last round's sessions may still live
	$PIN_CLI timeout 150 build/bench/chat_load 127.0.0.1 "$CHAT_PORT" "$MEMBERS" "$LINES" "$SIZE" \
		>> "$TMP/chat.res" 2>>"$TMP/load.err" || echo "  round $round: chat_load failed" >&2
	$PIN_CLI timeout 150 build/bench/irc_load 127.0.0.1 "$IRC_PORT" "$MEMBERS" "$LINES" "$SIZE" \
		>> "$TMP/irc.res" 2>>"$TMP/load.err" || echo "  round $round: irc_load failed" >&2
	echo "  round $round: chat $(tail -n1 "$TMP/chat.res" | cut -d' ' -f7-) | irc $(tail -n1 "$TMP/irc.res" | cut -d' ' -f7-)" >&2
	sleep 1
done

# field FILE KEY FORMAT: the median of KEY's values over the rounds
field() { awk -v k="$2" '{for (i = 1; i < NF; i++) if ($i == k) print $(i + 1)}' "$1" | sort -g |
	awk -v f="$3" '{a[NR]=$1} END {if (NR) printf f "\n", (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

chat_rate=$(field "$TMP/chat.res" per_s %.0f)
irc_rate=$(field "$TMP/irc.res" per_s %.0f)
chat_join=$(field "$TMP/chat.res" join_s %.3f)
irc_join=$(field "$TMP/irc.res" join_s %.3f)

echo
echo "socklab chat-server — room benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores"
echo "$MEMBERS members, one sending $LINES lines of $SIZE bytes; medians of $ROUNDS rounds"
printf '%-26s %18s %14s\n' "" "deliveries/s" "join all (s)"
printf '%-26s %18s %14s\n' "socklab chat-server (UDP)" "${chat_rate:-failed}" "${chat_join:-failed}"
printf '%-26s %18s %14s\n' "ngircd (TCP, IRC)" "${irc_rate:-failed}" "${irc_join:-failed}"
echo "(ngircd's clients register 8 at a time: its short listen backlog overflows otherwise)"
[ -s "$TMP/load.err" ] && { echo "load errors:"; sort "$TMP/load.err" | uniq -c | head; }
status=0
if [ -n "$chat_rate" ]; then
	v=FAIL; (( $(echo "$chat_rate >= 1000000" | bc -l) )) && v=PASS
	echo "target: >= 1,000,000 deliveries/s, nothing lost: $chat_rate $v"
	[ -n "$irc_rate" ] && printf 'ratio to ngircd: %.2fx (aim: > 1)\n' "$(echo "$chat_rate / $irc_rate" | bc -l)"
	v=FAIL; (( $(echo "$chat_join < 1" | bc -l) )) && v=PASS
	echo "target: all $MEMBERS joined in under 1 s: ${chat_join} s $v"
else
	status=1
fi
exit $status
