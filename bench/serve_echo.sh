#!/usr/bin/env bash
# serve_echo.sh — the echo benchmark of `socklab serve`, in one run on loopback:
# socklab's echo against openbsd-inetd's built-in echo, `socat ... PIPE` and a
# minimal epoll echo (the ceiling); UDP against a recvmmsg/sendmmsg echo.
# Prints absolute figures, ratios, and the issue's targets as PASS/MISS.
#
#   bash bench/serve_echo.sh            (as root: installs what is missing)
#
# Knobs (environment): BENCH_BYTES (1G), BENCH_ROUNDS (5), BENCH_PINGPONG (20000),
# BENCH_IDLE_CONNS (19000), BENCH_FORK_CONNS (200), BENCH_UDP_COUNT (200000),
# BENCH_UDP_INFLIGHT (32), BENCH_UDP_SIZE (64), BENCH_BUILD_DIR (build),
# BENCH_NO_BUILD=1 (use the build directory as it is), BENCH_PIN=0 (do not pin).
# Exit status: 0 when every measurement ran (targets may still be MISS), 1 otherwise.
set -u -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1

BYTES=${BENCH_BYTES:-1G}
ROUNDS=${BENCH_ROUNDS:-5}
PINGPONG=${BENCH_PINGPONG:-20000}
IDLE_CONNS=${BENCH_IDLE_CONNS:-19000}
FORK_CONNS=${BENCH_FORK_CONNS:-200}
UDP_COUNT=${BENCH_UDP_COUNT:-200000}
UDP_INFLIGHT=${BENCH_UDP_INFLIGHT:-32}
UDP_SIZE=${BENCH_UDP_SIZE:-64}

PKGS="openbsd-inetd socat iproute2 cmake build-essential pkg-config libevent-dev libjansson-dev libcmocka-dev"
INETD=/usr/sbin/inetd
READY_SECS=15          # a server must be listening within this
FAILED=0               # a measurement that did not complete

say() { printf '%s\n' "$*" >&2; }
note() { printf '  %s\n' "$*" >&2; }

# ---------------------------------------------------------------- packages

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		say "serve_echo.sh: missing packages:$missing"
		say "install them as root with:"
		say "  apt-get update && apt-get install -y $PKGS"
		exit 1
	fi
	say "== installing:$missing"
	# shellcheck disable=SC2086 # a list of package names
	if ! { apt-get update && apt-get install -y $PKGS; }; then
		say "serve_echo.sh: apt-get failed"
		exit 1
	fi
fi
IS_ROOT=0
[ "$(id -u)" -eq 0 ] && IS_ROOT=1

# ---------------------------------------------------------------- build

B=${BENCH_BUILD_DIR:-build}
BENCH=$B/bench
SOCKLAB=$B/socklab
SOCKLAB_WHY=""
LOG=$B/bench-build.log
mkdir -p "$B"
if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
	say "== building (cmake -S . -B $B && cmake --build $B -j2; log: $LOG)"
	if cmake -S . -B "$B" -DSOCKLAB_BENCH=ON >"$LOG" 2>&1; then
		if ! cmake --build "$B" -j2 >>"$LOG" 2>&1; then
			note "the full build failed (tail of $LOG below); building the pieces"
			tail -n 15 "$LOG" | sed 's/^/    | /' >&2
			cmake --build "$B" -j2 --target ref_echo_epoll ref_udp_mmsg echo_load >>"$LOG" 2>&1
			if ! cmake --build "$B" -j2 --target socklab >>"$LOG" 2>&1; then
				SOCKLAB_WHY="socklab did not build (see $LOG)"
			fi
		fi
	else
		note "configuring the project failed (tail of $LOG below); building only bench/ into $B/bench-only"
		tail -n 15 "$LOG" | sed 's/^/    | /' >&2
		SOCKLAB_WHY="the project did not configure (see $LOG)"
		cmake -S bench -B "$B/bench-only" >>"$LOG" 2>&1 &&
			cmake --build "$B/bench-only" -j2 >>"$LOG" 2>&1
		BENCH=$B/bench-only/bench
	fi
fi
for prog in ref_echo_epoll ref_udp_mmsg echo_load; do
	if [ ! -x "$BENCH/$prog" ]; then
		say "serve_echo.sh: $BENCH/$prog was not built (see $LOG)"
		exit 1
	fi
done
if [ -z "$SOCKLAB_WHY" ] && [ ! -x "$SOCKLAB" ]; then
	SOCKLAB_WHY="$SOCKLAB does not exist"
fi
HAVE_SOCKLAB=1
if [ -n "$SOCKLAB_WHY" ]; then
	HAVE_SOCKLAB=0
	say "== SKIPPING socklab: $SOCKLAB_WHY — the other servers are measured anyway"
fi

# ---------------------------------------------------------------- limits

ulimit -n "$(ulimit -Hn)" 2>/dev/null
NOFILE=$(ulimit -n)
if [ "$NOFILE" != unlimited ] && [ "$IDLE_CONNS" -gt $((NOFILE - 100)) ]; then
	say "== open-file limit is $NOFILE: idle test lowered from $IDLE_CONNS to $((NOFILE - 100)) connections"
	IDLE_CONNS=$((NOFILE - 100))
fi

# ---------------------------------------------------------------- CPU placement

# Where client and server run decides the loopback figures more than anything
# else: on one CPU a round trip is a cheap synchronous wake-up, across two it
# costs an inter-processor interrupt (about 4x on this VM), and unpinned runs
# flip between the two at the scheduler's whim. So every server (and its
# children) runs on the last CPU and every client on the first one.
SRV=()
CLI=()
NCPU=$(nproc)
if [ "${BENCH_PIN:-1}" = 1 ] && [ "$NCPU" -ge 2 ] && command -v taskset >/dev/null; then
	SRV=(taskset -c $((NCPU - 1)))
	CLI=(taskset -c 0)
fi

# ---------------------------------------------------------------- processes

TMP=$(mktemp -d /tmp/socklab-bench.XXXXXX)
PIDS=()       # every process this script started in the background
NETNS=""
VETH=""

descendants() {  # PID -> its child processes, recursively
	local c
	for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
		echo "$c"
		descendants "$c"
	done
}

stop_pid() {  # TERM a process we started and its descendants; KILL what lingers
	local pid=$1 kids i
	kill -0 "$pid" 2>/dev/null || return 0
	kids=$(descendants "$pid")
	kill -TERM "$pid" 2>/dev/null
	for i in $kids; do kill -TERM "$i" 2>/dev/null; done
	for i in $(seq 40); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	for i in "$pid" $kids; do kill -KILL "$i" 2>/dev/null; done
	wait "$pid" 2>/dev/null
	return 0
}

cleanup() {
	local p
	for p in "${PIDS[@]}"; do stop_pid "$p"; done
	[ -n "$VETH" ] && ip link del "$VETH" 2>/dev/null
	[ -n "$NETNS" ] && ip netns del "$NETNS" 2>/dev/null
	rm -rf "$TMP"
}
# shellcheck disable=SC2317 # called by the trap
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_line() {  # FILE REGEX SECS [PID] -> first matching line; fails at timeout or when PID exits
	local f=$1 re=$2 secs=$3 pid=${4:-} i line
	for i in $(seq $((secs * 20))); do
		line=$(grep -m1 -E -- "$re" "$f" 2>/dev/null) && { printf '%s\n' "$line"; return 0; }
		if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
			line=$(grep -m1 -E -- "$re" "$f" 2>/dev/null) && { printf '%s\n' "$line"; return 0; }
			return 1
		fi
		sleep 0.05
	done
	return 1
}

wait_listen() {  # PROTO(t|u) ADDR PORT SECS: until something listens there
	local i
	for i in $(seq $(($4 * 20))); do
		ss -Hn"$1"l "( sport = :$3 )" 2>/dev/null | grep -qF -- "$2" && return 0
		sleep 0.05
	done
	return 1
}

free_port() {  # a port in 20000-31999 that nothing uses (below the ephemeral range)
	local i p
	for i in $(seq 100); do
		p=$((20000 + RANDOM % 12000))
		if [ -z "$(ss -Htuan "( sport = :$p )" 2>/dev/null)" ]; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

mem_kb() {  # PID -> anonymous memory (Pss_Anon + Pss_Shmem, KiB) of it and all its descendants
	local p sum=0 v
	for p in "$1" $(descendants "$1"); do
		v=$(awk '/^Pss_Anon:|^Pss_Shmem:/ { s += $2 } END { print s + 0 }' /proc/"$p"/smaps_rollup 2>/dev/null)
		sum=$((sum + ${v:-0}))
	done
	echo "$sum"
}

nprocs() { echo $((1 + $(descendants "$1" | wc -l))); }

# ---------------------------------------------------------------- network namespace for UDP

# openbsd-inetd drops UDP from 127/8 (dg_badinput); it answers ::1, and a client
# inside a namespace of our own reaches it over a veth pair (198.18.0.0/15 is
# the benchmarking range, RFC 2544).
NS_HOST=""
NS_PEER=""
if [ "$IS_ROOT" = 1 ]; then
	if ip -4 addr show 2>/dev/null | grep -qE 'inet 198\.1[89]\.'; then
		note "198.18.0.0/15 is in use here: no network namespace, UDP over ::1 only"
	else
		octet=$((RANDOM % 200 + 20))
		NS_HOST=198.18.$octet.1
		NS_PEER=198.18.$octet.2
		NETNS=socklab-bench-$$
		VETH=sbh$$
		if ip netns add "$NETNS" &&
			ip link add "$VETH" type veth peer name sbn$$ &&
			ip link set sbn$$ netns "$NETNS" &&
			ip addr add "$NS_HOST/30" dev "$VETH" && ip link set "$VETH" up &&
			ip -n "$NETNS" addr add "$NS_PEER/30" dev sbn$$ &&
			ip -n "$NETNS" link set sbn$$ up && ip -n "$NETNS" link set lo up; then
			:
		else
			note "could not set up the network namespace: UDP over ::1 only"
			ip link del "$VETH" 2>/dev/null
			ip netns del "$NETNS" 2>/dev/null
			NETNS="" VETH="" NS_HOST="" NS_PEER=""
		fi
	fi
else
	note "not root: no network namespace, and no openbsd-inetd (it needs a private /etc/services)"
fi

# ---------------------------------------------------------------- servers

declare -A TCP_PORT UDP_PORT PID LABEL
LABEL[epoll]="ref epoll (ceiling)"
LABEL[socklab]="socklab serve"
LABEL[inetd]="openbsd-inetd"
LABEL[socat]="socat PIPE"
LABEL[udpref]="ref recvmmsg (reference)"
LABEL[epoll2]="ref epoll, 2nd copy (noise)"
LABEL[udpref2]="ref recvmmsg, 2nd copy (noise)"

start_bg() {  # NAME CMD...: start a server in the background, stdout/stderr to $TMP/NAME.{out,err}
	local name=$1
	shift
	"$@" >"$TMP/$name.out" 2>"$TMP/$name.err" </dev/null &
	PID[$name]=$!
	PIDS+=("$!")
}

start_ref() {  # NAME PROGRAM ADDR: a reference server on an ephemeral port -> REF_PORT
	local line
	start_bg "$1" "${SRV[@]}" "$BENCH/$2" 0 "$3"
	line=$(wait_line "$TMP/$1.out" '^listening [0-9]+' $READY_SECS "${PID[$1]}") ||
		{ say "serve_echo.sh: $2 did not start on $3: $(cat "$TMP/$1.err")"; exit 1; }
	REF_PORT=${line#listening }
}

say "== starting servers"
# the ceiling and the UDP reference, each with a second, identical copy whose
# ratio shows how much of a difference this run's noise alone makes
start_ref epoll ref_echo_epoll 127.0.0.1
TCP_PORT[epoll]=$REF_PORT
start_ref epoll2 ref_echo_epoll 127.0.0.1
TCP_PORT[epoll2]=$REF_PORT
for addr in ::1 ${NS_HOST:+"$NS_HOST"}; do
	start_ref "udpref-$addr" ref_udp_mmsg "$addr"
	UDP_PORT[udpref,$addr]=$REF_PORT
	start_ref "udpref2-$addr" ref_udp_mmsg "$addr"
	UDP_PORT[udpref2,$addr]=$REF_PORT
done

json_field() {  # LINE KEY -> value (string or number), whatever the key order
	sed -n "s/.*\"$2\"[[:space:]]*:[[:space:]]*\"\{0,1\}\([^\",}]*\).*/\1/p" <<<"$1"
}

# socklab serve: one process, TCP on 127.0.0.1, UDP on ::1 (and the veth address)
if [ "$HAVE_SOCKLAB" = 1 ]; then
	binds=(--bind 127.0.0.1 --bind ::1)
	[ -n "$NS_HOST" ] && binds+=(--bind "$NS_HOST")
	start_bg socklab "${SRV[@]}" "$SOCKLAB" serve --only echo --service echo=0 "${binds[@]}" \
		--quiet --json --udp-rate 1G
	if wait_line "$TMP/socklab.out" '"event" *: *"ready"' $READY_SECS "${PID[socklab]}" >/dev/null; then
		while IFS= read -r line; do
			case $line in *'"listening"'*) ;; *) continue ;; esac
			proto=$(json_field "$line" proto)
			addr=$(json_field "$line" addr)
			port=$(json_field "$line" port)
			[ "$proto" = tcp ] && [ "$addr" = 127.0.0.1 ] && TCP_PORT[socklab]=$port
			[ "$proto" = udp ] && UDP_PORT[socklab,$addr]=$port
		done <"$TMP/socklab.out"
	fi
	if [ -z "${TCP_PORT[socklab]:-}" ]; then
		say "== SKIPPING socklab: it did not print its listening/ready lines; stderr:"
		sed 's/^/    | /' "$TMP/socklab.err" | head -n 10 >&2
		HAVE_SOCKLAB=0
		SOCKLAB_WHY="socklab serve did not start"
		stop_pid "${PID[socklab]}"
	fi
fi

# openbsd-inetd: its built-in echo must be called "echo", so it gets a private
# /etc/services (bind-mounted in a mount namespace of its own; /etc is untouched)
# that puts echo on a free high port
HAVE_INETD=0
if [ "$IS_ROOT" = 1 ] && [ -x "$INETD" ]; then
	IP=$(free_port)
	printf 'echo\t%s/tcp\necho\t%s/udp\n' "$IP" "$IP" >"$TMP/services"
	{
		printf '127.0.0.1:echo\tstream\ttcp\tnowait.1000000\troot\tinternal\n'
		printf '::1:echo\tdgram\tudp\twait.1000000\troot\tinternal\n'
		[ -n "$NS_HOST" ] && printf '%s:echo\tdgram\tudp\twait.1000000\troot\tinternal\n' "$NS_HOST"
	} >"$TMP/inetd.conf"
	start_bg inetd "${SRV[@]}" unshare --mount --propagation private -- /bin/sh -c \
		'mount --bind "$1" /etc/services && exec "$2" -d "$3"' sh "$TMP/services" "$INETD" "$TMP/inetd.conf"
	if wait_listen t 127.0.0.1 "$IP" $READY_SECS && wait_listen u '[::1]' "$IP" $READY_SECS; then
		HAVE_INETD=1
		TCP_PORT[inetd]=$IP
		UDP_PORT[inetd,::1]=$IP
		[ -n "$NS_HOST" ] && wait_listen u "$NS_HOST" "$IP" $READY_SECS && UDP_PORT[inetd,$NS_HOST]=$IP
	else
		say "== SKIPPING openbsd-inetd: it did not listen on port $IP; its output:"
		sed 's/^/    | /' "$TMP/inetd.out" "$TMP/inetd.err" | head -n 10 >&2
		stop_pid "${PID[inetd]}"
	fi
fi

# socat: a forked child per connection, each looping the bytes through a pipe
SP=$(free_port)
start_bg socat "${SRV[@]}" socat "TCP-LISTEN:$SP,bind=127.0.0.1,fork,reuseaddr" PIPE
HAVE_SOCAT=0
if wait_listen t 127.0.0.1 "$SP" $READY_SECS; then
	HAVE_SOCAT=1
	TCP_PORT[socat]=$SP
else
	say "== SKIPPING socat: it did not listen: $(head -n 3 "$TMP/socat.err")"
fi

TCP_SERVERS=(epoll)
[ "$HAVE_SOCKLAB" = 1 ] && TCP_SERVERS+=(socklab)
[ "$HAVE_INETD" = 1 ] && TCP_SERVERS+=(inetd)
[ "$HAVE_SOCAT" = 1 ] && TCP_SERVERS+=(socat)
UDP_SERVERS=(udpref)
[ "$HAVE_SOCKLAB" = 1 ] && UDP_SERVERS+=(socklab)
[ "$HAVE_INETD" = 1 ] && UDP_SERVERS+=(inetd)
UDP_SERVERS+=(udpref2)
# bulk and ping-pong also measure the second copy of the ceiling (not the idle test)
LOAD_SERVERS=("${TCP_SERVERS[@]}" epoll2)
UDP_PATHS=(::1)
[ -n "$NS_HOST" ] && UDP_PATHS+=("$NS_HOST")
note "TCP servers: ${TCP_SERVERS[*]}"
note "UDP servers: ${UDP_SERVERS[*]} over: ${UDP_PATHS[*]}"

# ---------------------------------------------------------------- measurements

declare -A R   # results: R[kind,server] = "v1 v2 ..." or a value

field() {  # TEXT KEY -> value of KEY=value
	sed -n "s/.*[[:space:]]$2=\([^[:space:]]*\).*/\1/p" <<<"$1" | head -n 1
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# 1. idle connections first, on fresh servers: memory before vs. while holding
say "== idle connections (memory per connection)"
idle_test() {  # SERVER N [RATE]
	local s=$1 n=$2 rate=${3:-0} fifo=$TMP/idle.fifo out=$TMP/idle.$1.out cpid before during line i fd procs
	rm -f "$fifo"
	mkfifo "$fifo"
	before=$(mem_kb "${PID[$s]}")
	"${CLI[@]}" "$BENCH/echo_load" -t 120 -H 120 -r "$rate" idle 127.0.0.1 "${TCP_PORT[$s]}" "$n" <"$fifo" >"$out" 2>"$out.err" &
	cpid=$!
	PIDS+=("$cpid")
	exec {fd}>"$fifo"
	if wait_line "$out" '^holding ' 130 "$cpid" >/dev/null; then
		sleep 0.5   # let forked children finish their first write
		during=$(mem_kb "${PID[$s]}")
		procs=$(nprocs "${PID[$s]}")
	else
		during=""
	fi
	exec {fd}>&-
	for i in $(seq 200); do kill -0 "$cpid" 2>/dev/null || break; sleep 0.05; done
	stop_pid "$cpid"
	line=$(grep -m1 '^idle ' "$out")
	R[idle_n,$s]=$n
	R[idle_ok,$s]=$(field "$line" answered)
	R[idle_ok,$s]=${R[idle_ok,$s]:-0}
	R[idle_before,$s]=$before
	R[idle_during,$s]=${during:--}
	R[idle_procs,$s]=${procs:--}
	if [ -n "$during" ]; then
		R[idle_bpc,$s]=$(awk -v a="$before" -v b="$during" -v n="$n" 'BEGIN { printf "%.0f", (b - a) * 1024 / n }')
	else
		R[idle_bpc,$s]="-"
		FAILED=1
		note "$s: the idle client did not get to hold its connections: $(head -n 3 "$out.err")"
	fi
	note "$(printf '%-9s %5s/%-5s answered  %8s KiB -> %8s KiB  (%s processes)  %s B/conn' \
		"$s" "${R[idle_ok,$s]}" "$n" "$before" "${R[idle_during,$s]}" "${R[idle_procs,$s]}" "${R[idle_bpc,$s]}")"
	# the server must have let go of them before the next measurement
	for i in $(seq 200); do
		[ "$(nprocs "${PID[$s]}")" -le 1 ] && [ "$(ls /proc/"${PID[$s]}"/fd 2>/dev/null | wc -l)" -lt 100 ] && break
		sleep 0.05
	done
}
for s in "${TCP_SERVERS[@]}"; do
	case $s in
	# paced: socat listens with a backlog of 5, and a burst of connects
	# overflows it (the dropped handshakes then take many seconds to recover)
	inetd | socat) idle_test "$s" "$FORK_CONNS" 200 ;;
	*) idle_test "$s" "$IDLE_CONNS" ;;
	esac
done

# 2. bulk echo and 3. ping-pong: one client measures all servers in turns
# (64 MiB, 10 round trips), so that background noise hits them alike
collect() {  # OUTPUT KIND KEY SERVERS... : R[KIND,server] += value of KEY, per port=
	local out=$1 kind=$2 key=$3 s line v
	shift 3
	for s in "$@"; do
		line=$(grep -E "port=${PORT_OF[$s]} " <<<"$out" | head -n 1)
		v=$(field "$line" "$key")
		[ -n "$v" ] && R[$kind,$s]="${R[$kind,$s]:-} $v"
	done
}
declare -A PORT_OF
tcp_ports=""
for s in "${LOAD_SERVERS[@]}"; do
	PORT_OF[$s]=${TCP_PORT[$s]}
	tcp_ports=${tcp_ports:+$tcp_ports,}${TCP_PORT[$s]}
done
say "== bulk echo, $BYTES each way on one connection; ping-pong, $PINGPONG round trips ($ROUNDS rounds)"
for r in $(seq "$ROUNDS"); do
	out=$("${CLI[@]}" "$BENCH/echo_load" -t 300 -T 64M bulk 127.0.0.1 "$tcp_ports" "$BYTES" 2>"$TMP/err") ||
		{ FAILED=1; note "bulk round $r failed: $(cat "$TMP/err")"; }
	collect "$out" bulk MBps "${LOAD_SERVERS[@]}"
	out=$("${CLI[@]}" "$BENCH/echo_load" -t 120 -T 10 pingpong 127.0.0.1 "$tcp_ports" "$PINGPONG" 2>"$TMP/err") ||
		{ FAILED=1; note "pingpong round $r failed: $(cat "$TMP/err")"; }
	collect "$out" p50 p50_us "${LOAD_SERVERS[@]}"
	collect "$out" p99 p99_us "${LOAD_SERVERS[@]}"
	for s in "${LOAD_SERVERS[@]}"; do
		note "round $r $(printf '%-8s' "$s") bulk ${R[bulk,$s]##* } MB/s  p50 ${R[p50,$s]##* } us  p99 ${R[p99,$s]##* } us"
	done
done

# 4. UDP echo, INFLIGHT datagrams outstanding, from ::1 and from inside the namespace
# (in turns of 5000 datagrams, all servers of one path in one client)
say "== UDP echo, $UDP_COUNT datagrams of $UDP_SIZE bytes, $UDP_INFLIGHT in flight ($ROUNDS rounds)"
for r in $(seq "$ROUNDS"); do
	for path in "${UDP_PATHS[@]}"; do
		servers=()
		ports=""
		for s in "${UDP_SERVERS[@]}"; do
			[ -z "${UDP_PORT[$s,$path]:-}" ] && continue
			servers+=("$s")
			PORT_OF[$s]=${UDP_PORT[$s,$path]}
			ports=${ports:+$ports,}${UDP_PORT[$s,$path]}
		done
		inns=()
		[ "$path" != ::1 ] && inns=(ip netns exec "$NETNS")
		out=$("${inns[@]}" "${CLI[@]}" "$BENCH/echo_load" -t 120 -T 5000 udp "$path" "$ports" \
			"$UDP_COUNT" "$UDP_INFLIGHT" "$UDP_SIZE" 2>"$TMP/err") ||
			{ FAILED=1; note "udp via $path round $r failed: $(cat "$TMP/err")"; }
		for s in "${servers[@]}"; do
			line=$(grep -E "port=${PORT_OF[$s]} " <<<"$out" | head -n 1)
			v=$(field "$line" dps)
			[ -n "$v" ] && R[udp,$path,$s]="${R[udp,$path,$s]:-} $v"
			v=$(field "$line" lost)
			R[udploss,$path,$s]=$((${R[udploss,$path,$s]:-0} + ${v:-$UDP_COUNT}))
			note "round $r $(printf '%-8s via %-12s' "$s" "$path") ${v:+${R[udp,$path,$s]##* }} datagrams/s  lost ${v:-all}"
		done
	done
done

# ---------------------------------------------------------------- report

median() { printf '%s\n' "$@" | grep -v '^$' | sort -g |
	awk '{ a[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b + 0 == 0) print "-"; else printf "%.2f", a / b }'; }
# verdict VALUE OP LIMIT -> PASS / MISS / n/a
verdict() { awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {
	if (v == "-" || v == "") { print "n/a"; exit }
	ok = (op == ">=") ? (v + 0 >= l + 0) : (op == "<=") ? (v + 0 <= l + 0) : (v + 0 < l + 0)
	print ok ? "PASS" : "MISS" }'; }

for s in "${LOAD_SERVERS[@]}"; do
	# shellcheck disable=SC2086
	R[bulk_m,$s]=$(median ${R[bulk,$s]:-})
	# shellcheck disable=SC2086
	R[p50_m,$s]=$(median ${R[p50,$s]:-})
	# shellcheck disable=SC2086
	R[p99_m,$s]=$(median ${R[p99,$s]:-})
done
for path in "${UDP_PATHS[@]}"; do
	for s in "${UDP_SERVERS[@]}"; do
		# shellcheck disable=SC2086
		R[udp_m,$path,$s]=$(median ${R[udp,$path,$s]:-})
	done
done

echo
echo "socklab serve — echo benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -sr), $(nproc) cores"
echo "medians of $ROUNDS rounds; ratios against the minimal epoll echo (TCP) or the recvmmsg echo (UDP)"
if [ ${#SRV[@]} -gt 0 ]; then
	echo "servers pinned to CPU $((NCPU - 1)), clients to CPU 0"
else
	echo "not pinned to CPUs (figures will vary more)"
fi
echo "load average before the measurements: $LOAD_BEFORE (1, 5, 15 min)"
if awk -v l="${LOAD_BEFORE%% *}" 'BEGIN { exit !(l >= 0.5) }'; then
	echo "WARNING: the machine was busy with other work; latency figures (p99 above all) suffer most"
fi
[ "$HAVE_SOCKLAB" = 0 ] && echo "socklab NOT measured: $SOCKLAB_WHY"
echo
printf '%-32s %12s %7s   %9s %7s   %9s %7s\n' \
	"TCP, one connection" "bulk MB/s" "ratio" "p50 us" "ratio" "p99 us" "ratio"
for s in "${LOAD_SERVERS[@]}"; do
	printf '  %-30s %12s %7s   %9s %7s   %9s %7s\n' "${LABEL[$s]}" \
		"${R[bulk_m,$s]}" "$(ratio "${R[bulk_m,$s]}" "${R[bulk_m,epoll]}")x" \
		"${R[p50_m,$s]}" "$(ratio "${R[p50_m,$s]}" "${R[p50_m,epoll]}")x" \
		"${R[p99_m,$s]}" "$(ratio "${R[p99_m,$s]}" "${R[p99_m,epoll]}")x"
done
echo "  (bulk: $BYTES sent and echoed back concurrently; MB = 10^6 bytes; ping-pong: $PINGPONG 1-byte round trips)"
echo "  (the 2nd copy is the ceiling again: how far its ratio strays from 1.00 is this run's noise)"
echo
printf '%-32s %12s %9s %11s %11s %10s %9s\n' \
	"Idle TCP connections" "connections" "answered" "before KiB" "held KiB" "processes" "B/conn"
for s in "${TCP_SERVERS[@]}"; do
	printf '  %-30s %12s %9s %11s %11s %10s %9s\n' "${LABEL[$s]}" "${R[idle_n,$s]}" \
		"${R[idle_ok,$s]}" "${R[idle_before,$s]}" "${R[idle_during,$s]}" "${R[idle_procs,$s]}" "${R[idle_bpc,$s]}"
done
echo "  (server user memory = Pss_Anon+Pss_Shmem of the server and all its children, from /proc/PID/smaps_rollup)"
echo
printf '%-32s %-30s %12s %7s %9s\n' "UDP echo" "client -> server" "datagrams/s" "ratio" "lost"
for path in "${UDP_PATHS[@]}"; do
	for s in "${UDP_SERVERS[@]}"; do
		[ -z "${UDP_PORT[$s,$path]:-}" ] && continue
		if [ "$path" = ::1 ]; then pl="::1 -> ::1"; else pl="$NS_PEER -> $path"; fi
		printf '  %-30s %-30s %12s %7s %9s\n' "${LABEL[$s]}" "$pl" "${R[udp_m,$path,$s]}" \
			"$(ratio "${R[udp_m,$path,$s]}" "${R[udp_m,$path,udpref]}")x" "${R[udploss,$path,$s]}"
	done
done
echo "  ($UDP_SIZE-byte datagrams, $UDP_INFLIGHT in flight, $UDP_COUNT per round and server; lost = summed over the rounds)"
[ -n "$NS_PEER" ] && echo "  ($NS_PEER is inside network namespace $NETNS, over a veth pair: inetd ignores UDP from 127/8)"
echo
echo "Targets (socklab serve, ratios from this run)"
if [ "$HAVE_SOCKLAB" = 1 ]; then
	b=$(ratio "${R[bulk_m,socklab]}" "${R[bulk_m,epoll]}")
	p5=$(ratio "${R[p50_m,socklab]}" "${R[p50_m,epoll]}")
	p9=$(ratio "${R[p99_m,socklab]}" "${R[p99_m,epoll]}")
	printf '  %-58s %16s  %s\n' "bulk echo >= 0.90x the minimal epoll echo" "${b}x" "$(verdict "$b" '>=' 0.9)"
	printf '  %-58s %16s  %s\n' "ping-pong p50 <= 1.05x the minimal echo" "${p5}x" "$(verdict "$p5" '<=' 1.05)"
	printf '  %-58s %16s  %s\n' "ping-pong p99 <= 1.20x the minimal echo" "${p9}x" "$(verdict "$p9" '<=' 1.2)"
	ok=${R[idle_ok,socklab]}
	all=$(awk -v a="$ok" -v n="$IDLE_CONNS" 'BEGIN { print n < 19000 ? "n/a (fewer than 19000 tried)" : a == n ? "PASS" : "MISS" }')
	printf '  %-58s %16s  %s\n' "19,000 idle connections all answered" "$ok/$IDLE_CONNS" "$all"
	printf '  %-58s %16s  %s\n' "... at < 1 KiB server memory each" "${R[idle_bpc,socklab]} B" \
		"$(verdict "${R[idle_bpc,socklab]}" '<' 1024)"
	for path in "${UDP_PATHS[@]}"; do
		u=$(ratio "${R[udp_m,$path,socklab]}" "${R[udp_m,$path,udpref]}")
		lost=${R[udploss,$path,socklab]:-}
		v=$(verdict "$u" '>=' 0.8)
		[ "$v" = PASS ] && [ "${lost:-1}" != 0 ] && v=MISS
		if [ "$path" = ::1 ]; then pl="from ::1"; else pl="from the namespace"; fi
		printf '  %-58s %16s  %s\n' "UDP echo >= 0.80x the reference, no losses ($pl)" "${u}x, lost ${lost:--}" "$v"
	done
else
	echo "  not evaluated: $SOCKLAB_WHY"
fi
[ "$FAILED" = 1 ] && echo "(some measurements failed; see the messages above)"
exit "$FAILED"
