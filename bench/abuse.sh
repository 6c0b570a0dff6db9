#!/usr/bin/env bash
# abuse.sh — socklab's servers against hostile peers (issue 12), in two network
# namespaces of its own: a server (10.N.0.1/24) and a client with 200 source
# addresses in the same /24, as the reliability review measured them.
# Prints the UDP amplification factor of every service of serve and of
# chat-server registration next to openbsd-inetd's, the life of a loop that one
# spoofed datagram starts between two socklab servers, chat-server's memory and
# a fresh client's latency under silent members and talkers, and the host's
# TCP memory per stalled chargen reader; then the issue's targets as PASS/FAIL.
#
#   bash bench/abuse.sh            (as root; about 2 minutes)
#
# Knobs (environment): ABUSE_PARTS ("amp loop chat tcp"), ABUSE_SECS (3),
# ABUSE_RATES ("1000 10000"), ABUSE_SOURCES (200), ABUSE_CHAT_TAIL (31),
# ABUSE_LOOP_SECS (3), ABUSE_SILENT (1000), ABUSE_TALKERS (25),
# ABUSE_CHAT_SECS (15), ABUSE_READERS (200), ABUSE_RCVBUF (65536), ABUSE_TCP_MTU (65535),
# ABUSE_NET (77), BENCH_BUILD_DIR (build), BENCH_NO_BUILD=1 (use the build directory as it is).
# Exit status: 0 when every measurement ran (targets may still FAIL), 1 otherwise.
set -u -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1

PARTS=${ABUSE_PARTS:-amp loop chat tcp}
SECS=${ABUSE_SECS:-3}
RATES=${ABUSE_RATES:-1000 10000}
SOURCES=${ABUSE_SOURCES:-200}
CHAT_TAIL=${ABUSE_CHAT_TAIL:-31}
LOOP_SECS=${ABUSE_LOOP_SECS:-3}
SILENT=${ABUSE_SILENT:-1000}
TALKERS=${ABUSE_TALKERS:-25}
CHAT_SECS=${ABUSE_CHAT_SECS:-15}
READERS=${ABUSE_READERS:-200}
RCVBUF=${ABUSE_RCVBUF:-65536}
TCP_MTU=${ABUSE_TCP_MTU:-65535}
NET=${ABUSE_NET:-77}
B=${BENCH_BUILD_DIR:-build}
PY=/usr/bin/python3

# Limits that keep the host safe whatever the knobs say.
CHAT_RSS_MAX_KB=$((2 * 1024 * 1024))   # chat-server RSS at which the talkers are stopped
READY_SECS=10                          # a server must be ready within this
FAILED=0

say() { printf '%s\n' "$*" >&2; }
note() { printf '  %s\n' "$*" >&2; }
die() { say "abuse.sh: $*"; exit 1; }
is_int() { [[ $1 =~ ^[0-9]+$ ]] && [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; }

is_int "$SECS" 2 60 || die "ABUSE_SECS=$SECS: 2 to 60 seconds (one second and what follows it)"
is_int "$SOURCES" 1 200 || die "ABUSE_SOURCES=$SOURCES: 1 to 200 addresses"
is_int "$CHAT_TAIL" 0 120 || die "ABUSE_CHAT_TAIL=$CHAT_TAIL: 0 to 120 seconds"
is_int "$LOOP_SECS" 1 30 || die "ABUSE_LOOP_SECS=$LOOP_SECS: 1 to 30 seconds"
is_int "$SILENT" 0 5000 || die "ABUSE_SILENT=$SILENT: 0 to 5000 members"
is_int "$TALKERS" 1 50 || die "ABUSE_TALKERS=$TALKERS: 1 to 50"
is_int "$CHAT_SECS" 2 120 || die "ABUSE_CHAT_SECS=$CHAT_SECS: 2 to 120 seconds"
is_int "$READERS" 1 1000 || die "ABUSE_READERS=$READERS: 1 to 1000 (each may pin 4 MiB of host memory)"
is_int "$RCVBUF" 1024 4194304 || die "ABUSE_RCVBUF=$RCVBUF: 1024 to 4194304 bytes"
is_int "$TCP_MTU" 1280 65535 || die "ABUSE_TCP_MTU=$TCP_MTU: 1280 to 65535"
is_int "$NET" 1 253 || die "ABUSE_NET=$NET: 1 to 253"
for r in $RATES; do is_int "$r" 1 100000 || die "ABUSE_RATES: $r is not 1 to 100000 requests a second"; done
for p in $PARTS; do
	case $p in amp | loop | chat | tcp) ;; *) die "ABUSE_PARTS: '$p' is not amp, loop, chat or tcp" ;; esac
done
want() { [[ " $PARTS " == *" $1 "* ]]; }
[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, raw sockets, nftables)"

# ---------------------------------------------------------------- packages and build

scripts/deps.sh build bench || exit 1
SOCKLAB=$B/socklab
FLOOD=$B/bench/abuse_flood
WATCH=$B/bench/abuse_watch
if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
	say "== building socklab and the bench helpers in $B (log: $B/abuse-build.log)"
	mkdir -p "$B"
	{ cmake -S . -B "$B" -DSOCKLAB_BENCH=ON && cmake --build "$B" -j2 --target socklab abuse_flood abuse_watch; } \
		>"$B/abuse-build.log" 2>&1 || { tail -n 15 "$B/abuse-build.log" >&2; die "the build failed"; }
fi
for f in "$SOCKLAB" "$FLOOD" "$WATCH"; do [ -x "$f" ] || die "$f is missing (build with -DSOCKLAB_BENCH=ON)"; done

# ---------------------------------------------------------------- processes and cleanup

NS_S=slabS$$            # the server host
NS_C=slabC$$            # the clients: attackers, victims, peers
VETH_S=slabs$$
VETH_C=slabc$$
TMP=/tmp/socklab-abuse.$$
PIDS=()                 # every process started in the background, by pid
declare -A PID

# Namespaces, processes and files of an earlier run that did not get to clean
# up (killed, machine reset): its processes live in its namespaces.
for ns in $(ip netns list 2>/dev/null | awk '{ print $1 }' | grep -E '^slab[SC][0-9]+$'); do
	owner=${ns#slab?}
	[ "$owner" = $$ ] && continue
	tr '\0' ' ' </proc/"$owner"/cmdline 2>/dev/null | grep -q 'abuse\.sh' && continue
	say "== removing namespace $ns of an earlier run (pid $owner)"
	for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
	ip netns del "$ns" 2>/dev/null
done
for d in /tmp/socklab-abuse.*; do
	[ -d "$d" ] || continue
	owner=${d##*.}
	tr '\0' ' ' </proc/"$owner"/cmdline 2>/dev/null | grep -q 'abuse\.sh' || rm -rf "$d"
done

stop_pid() {  # PID: TERM, then KILL what is left after 2 s
	local pid=$1 i
	kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
	kill -TERM "$pid" 2>/dev/null
	for i in $(seq 40); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

# shellcheck disable=SC2317 # called by the trap
cleanup() {
	local p ns
	trap - INT TERM
	for p in "${PIDS[@]}"; do stop_pid "$p"; done
	# anything still in our namespaces was started by this run
	for ns in "$NS_S" "$NS_C"; do
		for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'say "abuse.sh: interrupted"; exit 130' INT TERM
mkdir -p "$TMP" || die "cannot make $TMP"

in_s() { ip netns exec "$NS_S" "$@"; }
in_c() { ip netns exec "$NS_C" "$@"; }

start_in() {  # NS NAME CMD...: in the background, output to $TMP/NAME.out and .err
	local ns=$1 name=$2
	shift 2
	ip netns exec "$ns" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" </dev/null &
	PID[$name]=$!
	PIDS+=("$!")
}

wait_line() {  # FILE REGEX SECS [PID]: the first matching line; fails at timeout or when PID exits
	local f=$1 re=$2 secs=$3 pid=${4:-} i line
	for i in $(seq $((secs * 20))); do
		line=$(grep -m1 -E -- "$re" "$f" 2>/dev/null) && { printf '%s\n' "$line"; return 0; }
		if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
			grep -m1 -E -- "$re" "$f" 2>/dev/null
			return
		fi
		sleep 0.05
	done
	return 1
}

start_server() {  # NS NAME READY_REGEX CMD...: start it and wait for its ready line
	local ns=$1 name=$2 re=$3
	shift 3
	start_in "$ns" "$name" "$@"
	wait_line "$TMP/$name.out" "$re" $READY_SECS "${PID[$name]}" >/dev/null && return 0
	note "$name did not start: $(head -c 300 "$TMP/$name.err")"
	FAILED=1
	return 1
}

field() { sed -n "s/.*[[:space:]]$2=\([^[:space:]]*\).*/\1/p" <<<" $1" | head -n 1; }
cpu_ticks() { awk '{ print $14 + $15 }' /proc/"$1"/stat 2>/dev/null || echo 0; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' /proc/"$1"/status 2>/dev/null || echo 0; }
skmem_kib() {  # ss -tm lines on stdin -> "KiB charged, sockets, KiB of send buffer" (r + w + f)
	awk 'match($0, /skmem:\([^)]*\)/) { n++; split(substr($0, RSTART + 7, RLENGTH - 8), f, ",")
		for (i in f) { k = f[i]; sub(/[0-9]+$/, "", k); v = substr(f[i], length(k) + 1)
			if (k == "r" || k == "w" || k == "f") t += v; if (k == "tb") tb += v } }
		END { printf "%.0f %d %.0f\n", t / 1024, n, tb / 1024 }'
}
tcp_pages() { awk '/^TCP:/ { for (i = 1; i < NF; i++) if ($i == "mem") print $(i + 1) }' /proc/net/sockstat; }
CLK_TCK=$(getconf CLK_TCK)
PAGE=$(getconf PAGESIZE)

# ---------------------------------------------------------------- the two hosts

# The server is 10.N.0.1/24. On its link, as in the review: the 200 spoofed
# sources 10.N.0.2.. (one /24; also the stalled readers). Behind 10.N.0.2,
# routed, in prefixes of their own so that no limit per source or per /24
# meant for attackers falls on them: the silent members (20 /24s), the
# talkers (a /24 each), the fresh clients (a /24 each) and a second server
# for the loops. Address lists are FIRST:COUNT/PREFIXES, address i being
# FIRST + (i % PREFIXES) * 256 + i / PREFIXES (abuse_chat.py reads the same).
# Nothing outside the two namespaces is touched.
M=$((NET + 1))
SRV_IP=10.$NET.0.1
GW_IP=10.$NET.0.2
SRC_FIRST=10.$NET.0.2
SILENT_ADDRS=10.$M.64.2:$((SILENT < 1000 ? (SILENT > 0 ? SILENT : 1) : 1000))/20
TALK_ADDRS=10.$M.1.2:$TALKERS/$TALKERS
FRESH_ADDRS=10.$M.128.2:64/64
PEER_IP=10.$M.0.250

expand() {  # FIRST:COUNT/PREFIXES -> one address a line
	awk -v spec="$1" 'BEGIN { split(spec, a, "[:/]"); split(a[1], o, "."); p = a[3] ? a[3] : 1
		base = ((o[1] * 256 + o[2]) * 256 + o[3]) * 256 + o[4]
		for (i = 0; i < a[2]; i++) { v = base + (i % p) * 256 + int(i / p)
			printf "%d.%d.%d.%d\n", int(v / 16777216) % 256, int(v / 65536) % 256, int(v / 256) % 256, v % 256 } }'
}

say "== namespaces $NS_S ($SRV_IP) and $NS_C ($SRC_FIRST and on, 10.$M.0.0/16)"
{
	ip netns add "$NS_S" && ip netns add "$NS_C" &&
		ip link add "$VETH_S" type veth peer name "$VETH_C" &&
		ip link set "$VETH_S" netns "$NS_S" && ip link set "$VETH_C" netns "$NS_C" &&
		ip -n "$NS_S" addr add "$SRV_IP/24" dev "$VETH_S" &&
		ip -n "$NS_S" link set "$VETH_S" up && ip -n "$NS_S" link set lo up &&
		ip -n "$NS_S" route add "10.$M.0.0/16" via "$GW_IP" &&
		{
			expand "$SRC_FIRST:$SOURCES" | sed "s|.*|addr add &/24 dev $VETH_C|"
			for spec in "$SILENT_ADDRS" "$TALK_ADDRS" "$FRESH_ADDRS" "$PEER_IP:1"; do
				expand "$spec" | sed 's|.*|addr add &/32 dev lo|'
			done
		} | ip -n "$NS_C" -batch - &&
		ip -n "$NS_C" link set "$VETH_C" up && ip -n "$NS_C" link set lo up
} || die "could not set up the namespaces"
# Wait until both ends can talk (duplicate address detection, link up).
for i in $(seq 50); do
	in_c ping -c1 -W1 -q "$SRV_IP" >/dev/null 2>&1 && break
	sleep 0.1
done

# Services of serve under attack, at offset 40000; openbsd-inetd's built-in
# ones on their standard ports (the namespace is private); chat-server on 45001+.
AMP_OFFSET=40000
declare -A SVC_PORT=([echo]=7 [discard]=9 [daytime]=13 [qotd]=17 [chargen]=19 [time]=37 [upper]=12000)
SERVE_SVCS="echo discard daytime qotd chargen time upper"
INETD_SVCS="echo discard daytime chargen time"
CHAT_AMP_PORT=45000
CHAT_PORT=46000
serve_port() { echo $((AMP_OFFSET + SVC_PORT[$1])); }

# nftables counters of IP bytes to and from each attacked port, in the server
# namespace; and in the client namespace the victims of spoofing, who never
# answer (no port unreachable flows back).
AMP_PORTS=()
for s in $SERVE_SVCS; do AMP_PORTS+=("$(serve_port "$s")"); done
for s in $INETD_SVCS; do AMP_PORTS+=("${SVC_PORT[$s]}"); done
for k in 1 2 3 4 5 6 7 8; do AMP_PORTS+=($((CHAT_AMP_PORT + k))); done
{
	echo "table inet slab {"
	for p in "${AMP_PORTS[@]}"; do echo "counter in_$p {}"; echo "counter out_$p {}"; done
	echo "chain in { type filter hook input priority 0; policy accept;"
	for p in "${AMP_PORTS[@]}"; do echo "udp dport $p counter name in_$p"; done
	echo "}"
	echo "chain out { type filter hook output priority 0; policy accept;"
	for p in "${AMP_PORTS[@]}"; do echo "udp sport $p counter name out_$p"; done
	echo "}"
	echo "}"
} >"$TMP/server.nft"
ports_set=$(IFS=,; echo "${AMP_PORTS[*]}")
cat >"$TMP/client.nft" <<EOF
table ip slab {
	chain pre { type filter hook prerouting priority 0; policy accept;
		ip saddr $SRV_IP udp sport { $ports_set } drop
	}
}
EOF
in_s nft -f "$TMP/server.nft" || die "nftables in the server namespace failed"
in_c nft -f "$TMP/client.nft" || die "nftables in the client namespace failed"

snap() {  # NAME: every counter now, as "name packets bytes" lines in $TMP/snap.NAME
	in_s nft list counters table inet slab |
		awk '$1 == "counter" { n = $2 } $1 == "packets" { print n, $2, $4 }' >"$TMP/snap.$1"
}
factor() {  # SNAP_A SNAP_B PORT: IP bytes out / in between two snapshots ("-" without input)
	awk -v p="$3" 'FNR == NR { a[$1] = $3; next } { b[$1] = $3 }
		END { i = b["in_" p] - a["in_" p]; o = b["out_" p] - a["out_" p]
			if (i <= 0) print "-"; else printf "%.2f\n", o / i }' "$TMP/snap.$1" "$TMP/snap.$2"
}
packets_in() {  # SNAP_A SNAP_B PORT
	awk -v p="$3" 'FNR == NR { a[$1] = $2; next } { b[$1] = $2 } END { print b["in_" p] - a["in_" p] }' \
		"$TMP/snap.$1" "$TMP/snap.$2"
}
udp_rcvbuf_errors() {
	in_s awk '$1 == "Udp:" { if (!c) { for (i = 2; i <= NF; i++) if ($i == "RcvbufErrors") c = i }
		else { print $c; exit } }' /proc/net/snmp
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
T_START=$(date +%s)

# ---------------------------------------------------------------- 1. amplification

declare -A AMP          # AMP[server|service|config] = "total beyond"
declare -A AMP_NOTE
CONFIGS=()
CHAT_CELLS=()           # "config port" of chat cells, finished at the end of the tail
BATCH=0
CHAT_N=0
CHAT_LAST_END=0

start_inetd() {  # NAME SERVICE...: openbsd-inetd with these built-in services on SRV_IP
	local name=$1 s
	shift
	for s in "$@"; do printf '%s:%s\tdgram\tudp\twait\troot\tinternal\n' "$SRV_IP" "$s"; done >"$TMP/$name.conf"
	# inetd -d logs every request; its pid file goes to a private /run
	ip netns exec "$NS_S" unshare --mount --propagation private -- /bin/sh -c \
		'mount -t tmpfs tmpfs /run && exec /usr/sbin/inetd -d "$1"' sh "$TMP/$name.conf" \
		>/dev/null 2>"$TMP/$name.err" </dev/null &
	PID[$name]=$!
	PIDS+=("$!")
	local i want=$# got
	for i in $(seq $((READY_SECS * 20))); do
		got=0
		for s in "$@"; do
			in_s ss -Hnul "( sport = :${SVC_PORT[$s]} )" | grep -q . && got=$((got + 1))
		done
		[ "$got" = "$want" ] && return 0
		kill -0 "${PID[$name]}" 2>/dev/null || break
		sleep 0.05
	done
	note "openbsd-inetd did not start: $(head -c 300 "$TMP/$name.err")"
	FAILED=1
	return 1
}

# run_batch CONFIG RATE NSRC TARGET...: fresh servers for the targets
# (serve:SERVICE, inetd:SERVICE, chat), RATE empty requests a second to each
# from NSRC sources for SECS seconds, counters before, after one second and
# at the end. serve runs one instance per service, so that no service shares
# a budget with another; chat-server keeps running for its retransmissions.
run_batch() {
	local cfg=$1 rate=$2 nsrc=$3 t srv svc port name b i sent got
	shift 3
	b=$((++BATCH))
	local started=() inetd_svcs=() targets=() ports=() fpids=()
	for t in "$@"; do
		srv=${t%%:*}
		svc=${t#*:}
		case $srv in
		serve)
			port=$(serve_port "$svc")
			name=amp$b-$svc
			start_server "$NS_S" "$name" '^ready' "$SOCKLAB" serve --bind "$SRV_IP" \
				--port-offset $AMP_OFFSET --only "$svc" --udp-only --quiet || continue
			started+=("${PID[$name]}")
			;;
		inetd)
			port=${SVC_PORT[$svc]}
			inetd_svcs+=("$svc")
			;;
		chat)
			CHAT_N=$((CHAT_N + 1))
			port=$((CHAT_AMP_PORT + CHAT_N))
			# a user table large enough that it never caps the factor
			start_server "$NS_S" "chat-$cfg" '^ready' "$SOCKLAB" chat-server --bind "$SRV_IP" \
				--max-users 100000 --quiet "$port" || continue
			CHAT_CELLS+=("$cfg $port chat-$cfg")
			;;
		esac
		targets+=("$t")
		ports+=("$port")
	done
	if [ ${#inetd_svcs[@]} -gt 0 ]; then
		if start_inetd "inetd$b" "${inetd_svcs[@]}"; then
			started+=("${PID[inetd$b]}")
		else
			for i in "${!targets[@]}"; do [[ ${targets[$i]} == inetd:* ]] && unset 'targets[i]' 'ports[i]'; done
		fi
	fi
	local rcv0
	rcv0=$(udp_rcvbuf_errors)
	snap "b$b-0"
	for i in "${!targets[@]}"; do
		t=${targets[$i]}
		local payload=(-l 0)
		[ "$t" = chat ] && payload=(-f "$TMP/reg.tpl")
		in_c "$FLOOD" -r "$rate" -d "$SECS" -k "$nsrc" -P 20000-39999 "${payload[@]}" \
			"$SRC_FIRST" "$SRV_IP" "${ports[$i]}" >"$TMP/flood$b-$i.out" 2>&1 &
		fpids[i]=$!
		PIDS+=("$!")
	done
	sleep 1
	snap "b$b-1"
	for i in "${!fpids[@]}"; do wait "${fpids[$i]}"; done
	sleep 0.3    # the last answers
	snap "b$b-2"
	local dropped=$(($(udp_rcvbuf_errors) - rcv0))
	for p in "${started[@]}"; do stop_pid "$p"; done
	for i in "${!targets[@]}"; do
		t=${targets[$i]}
		srv=${t%%:*}
		svc=${t#*:}
		[ "$srv" = chat ] && svc=REG
		sent=$(field "$(cat "$TMP/flood$b-$i.out")" sent)
		got=$(packets_in "b$b-0" "b$b-2" "${ports[$i]}")
		if [ -z "$sent" ]; then
			note "$cfg $t: the flood failed: $(head -c 200 "$TMP/flood$b-$i.out")"
			FAILED=1
			continue
		fi
		[ "$got" -lt "$sent" ] && AMP_NOTE[$srv|$svc|$cfg]="only $got of $sent requests arrived"
		if [ "$srv" = chat ]; then
			AMP[$srv|$svc|$cfg]="b$b-0 b$b-1 ${ports[$i]}"   # finished after the tail
		else
			AMP[$srv|$svc|$cfg]="$(factor "b$b-0" "b$b-2" "${ports[$i]}") $(factor "b$b-1" "b$b-2" "${ports[$i]}")"
			note "$(printf '%-6s %-8s %-10s %s' "$srv" "$svc" "$cfg" "${AMP[$srv|$svc|$cfg]/ / \/ }")"
		fi
	done
	[ "$dropped" -gt 0 ] && note "$cfg: $dropped requests were dropped by full socket buffers in the server namespace (the factors understate)"
	if [[ " $* " == *" chat "* ]]; then
		CHAT_LAST_END=$(($(date +%s) + CHAT_TAIL))
	fi
	return 0
}

if want amp; then
	$PY bench/abuse_chat.py reg-template >"$TMP/reg.tpl" || die "abuse_chat.py reg-template failed"
	all=()
	for s in $SERVE_SVCS; do all+=("serve:$s"); done
	for s in $INETD_SVCS; do all+=("inetd:$s"); done
	say "== amplification: ${SECS} s of empty requests per cell, chat-server's retransmissions counted for ${CHAT_TAIL} s more"
	# Slow rates: every service at once (each its own server); fast ones: chat
	# first (its retransmissions go on while the rest runs), then serve's and
	# inetd's instance of one service at a time.
	for nsrc in 1 "$SOURCES"; do
		for rate in $RATES; do
			cfg="$nsrc@$rate"
			CONFIGS+=("$cfg")
			[ "$rate" -le 2000 ] && run_batch "$cfg" "$rate" "$nsrc" "${all[@]}" chat
		done
	done
	for nsrc in 1 "$SOURCES"; do
		for rate in $RATES; do
			[ "$rate" -gt 2000 ] && run_batch "$nsrc@$rate" "$rate" "$nsrc" chat
		done
	done
	for nsrc in 1 "$SOURCES"; do
		for rate in $RATES; do
			[ "$rate" -le 2000 ] && continue
			for s in $SERVE_SVCS; do
				t=(serve:"$s")
				[[ " $INETD_SVCS " == *" $s "* ]] && t+=(inetd:"$s")
				run_batch "$nsrc@$rate" "$rate" "$nsrc" "${t[@]}"
			done
		done
	done
	left=$((CHAT_LAST_END - $(date +%s)))
	if [ "$left" -gt 0 ]; then
		say "== waiting ${left} s for chat-server's last retransmissions"
		sleep "$left"
	fi
	snap chat-end
	for c in "${CHAT_CELLS[@]}"; do
		read -r cfg port name <<<"$c"
		read -r s0 s1 _ <<<"${AMP[chat|REG|$cfg]}"
		AMP[chat|REG|$cfg]="$(factor "$s0" chat-end "$port") $(factor "$s1" chat-end "$port")"
		stop_pid "${PID[$name]}"
		stopped=$(grep -m1 '^stopped' "$TMP/$name.out")
		AMP_NOTE[chat|REG|$cfg]="${AMP_NOTE[chat|REG|$cfg]:+${AMP_NOTE[chat|REG|$cfg]}; }sessions=$(field "$stopped" sessions) out=$(field "$stopped" out) retransmits=$(field "$stopped" retransmits)"
		note "$(printf '%-6s %-8s %-10s %s  (%s)' chat REG "$cfg" "${AMP[chat|REG|$cfg]/ / \/ }" "${AMP_NOTE[chat|REG|$cfg]}")"
	done
fi

# ---------------------------------------------------------------- 2. loops

# Server A in the server namespace, server B at PEER_IP (another host in the
# client namespace); one datagram from B's port to A's port, spoofed from a
# raw socket, and the watcher on A's interface times the exchange.
declare -A LOOP
LOOP_CASES=()
loop_case() {  # LABEL SIZE A_SERVICE B_KIND: B_KIND serve-echo or echo-server
	local label=$1 size=$2 asvc=$3 bkind=$4 pa pb a b w t0 t1 ca0 cb0 ca1 cb1 line
	local n=${#LOOP_CASES[@]}
	start_server "$NS_S" "loopA$n" '^ready' "$SOCKLAB" serve --bind "$SRV_IP" --port-offset 41000 \
		--only echo,upper --udp-only --quiet || return
	a=${PID[loopA$n]}
	pa=$((41000 + SVC_PORT[$asvc]))
	if [ "$bkind" = serve-echo ]; then
		start_server "$NS_C" "loopB$n" '^ready' "$SOCKLAB" serve --bind "$PEER_IP" --port-offset 42000 \
			--only echo --udp-only --quiet || { stop_pid "$a"; return; }
		pb=42007
	else
		start_server "$NS_C" "loopB$n" 'UDP socket bound' "$SOCKLAB" echo-server -t UDP --ip "$PEER_IP" \
			-p 43002 || { stop_pid "$a"; return; }
		pb=43002
	fi
	b=${PID[loopB$n]}
	start_in "$NS_S" "watch$n" "$WATCH" -t "$LOOP_SECS" -q 500 "$VETH_S" "$SRV_IP" "$pa" "$PEER_IP" "$pb"
	w=${PID[watch$n]}
	if ! wait_line "$TMP/watch$n.out" '^watching' $READY_SECS "$w" >/dev/null; then
		note "the loop watcher did not start: $(head -c 300 "$TMP/watch$n.err")"
		FAILED=1
		stop_pid "$a"; stop_pid "$b"; stop_pid "$w"
		return
	fi
	ca0=$(cpu_ticks "$a")
	cb0=$(cpu_ticks "$b")
	t0=$(date +%s.%N)
	in_c "$FLOOD" -n 1 -l "$size" -p "$pb" "$PEER_IP" "$SRV_IP" "$pa" >/dev/null
	wait "$w"
	t1=$(date +%s.%N)
	ca1=$(cpu_ticks "$a")
	cb1=$(cpu_ticks "$b")
	stop_pid "$a"
	stop_pid "$b"
	line=$(grep -m1 '^loop ' "$TMP/watch$n.out")
	if [ -z "$line" ]; then
		note "$label: the watcher failed: $(head -c 300 "$TMP/watch$n.err")"
		FAILED=1
		return
	fi
	if [ "$(field "$line" datagrams)" = 0 ]; then
		note "$label, $size B: the watcher never saw the injected datagram"
		FAILED=1
		return
	fi
	LOOP_CASES+=("$label|$size")
	LOOP[$n]="$(field "$line" datagrams) $(field "$line" span_ms) $(field "$line" alive) $(awk -v a=$((ca1 - ca0)) \
		-v b=$((cb1 - cb0)) -v t0="$t0" -v t1="$t1" -v hz="$CLK_TCK" \
		'BEGIN { w = t1 - t0; printf "%.0f %.0f", 100 * a / hz / w, 100 * b / hz / w }')"
	note "$(printf '%-44s %s B: %s' "$label" "$size" "$line")"
}
if want loop; then
	say "== loops: one spoofed datagram, watched for up to ${LOOP_SECS} s"
	for size in 0 1; do
		loop_case "serve echo <-> serve echo (offsets 41000/42000)" "$size" echo serve-echo
		loop_case "serve echo <-> echo-server -t UDP" "$size" echo echo-server
		loop_case "serve upper <-> serve echo" "$size" upper serve-echo
	done
fi

# ---------------------------------------------------------------- 3. chat-server under silent members

declare -A CHAT
if want chat; then
	ROOMS=$(((SILENT + TALKERS + 179) / 180))   # rooms of at most 180 (--max-members 200)
	say "== chat-server: $SILENT silent members in $ROOMS room(s), $TALKERS talkers, ${CHAT_SECS} s"
	if start_server "$NS_S" chat-rss '^ready' "$SOCKLAB" chat-server --bind "$SRV_IP" \
		--max-users $((SILENT + TALKERS + 100)) --quiet "$CHAT_PORT"; then
		cs=${PID[chat-rss]}
		# the members' stdin is a fifo: closing it lets them go
		mkfifo "$TMP/silent.fifo"
		ip netns exec "$NS_C" $PY bench/abuse_chat.py silent "$SRV_IP" "$CHAT_PORT" "$SILENT" \
			"$SILENT_ADDRS" "$ROOMS" --setup 60 --hold $((CHAT_SECS + 120)) \
			<"$TMP/silent.fifo" >"$TMP/silent.out" 2>"$TMP/silent.err" &
		PID[silent]=$!
		PIDS+=("$!")
		exec {silent_fd}>"$TMP/silent.fifo"
		ready=$(wait_line "$TMP/silent.out" '^ready' 70 "${PID[silent]}")
		CHAT[joined]=$(field "$ready" joined)
		CHAT[setup]=$(field "$ready" secs)
		CHAT[rss0]=$(rss_kb "$cs")
		start_in "$NS_C" talk $PY bench/abuse_chat.py talk "$SRV_IP" "$CHAT_PORT" "$TALKERS" \
			"$TALK_ADDRS" "$ROOMS" --rate 20 --size 512 --secs "$CHAT_SECS" --setup 10
		start_in "$NS_C" probe $PY bench/abuse_chat.py probe "$SRV_IP" "$CHAT_PORT" "$FRESH_ADDRS" \
			--every 0.5 --secs "$CHAT_SECS" --timeout 3
		peak=${CHAT[rss0]:-0}
		t0=$(date +%s)
		while kill -0 "${PID[probe]}" 2>/dev/null || kill -0 "${PID[talk]}" 2>/dev/null; do
			r=$(rss_kb "$cs")
			[ "${r:-0}" -gt "$peak" ] && peak=$r
			if [ "${r:-0}" -gt "$CHAT_RSS_MAX_KB" ]; then
				note "chat-server passed $((CHAT_RSS_MAX_KB / 1024)) MB: the talkers are stopped early"
				stop_pid "${PID[talk]}"
			fi
			[ $(($(date +%s) - t0)) -gt $((CHAT_SECS + 40)) ] && { note "the chat clients overran"; FAILED=1; break; }
			sleep 0.5
		done
		CHAT[rss_end]=$(rss_kb "$cs")
		CHAT[rss_peak]=$peak
		CHAT[secs]=$(($(date +%s) - t0))
		stop_pid "${PID[talk]}"
		stop_pid "${PID[probe]}"
		exec {silent_fd}>&-
		stop_pid "${PID[silent]}"
		stop_pid "$cs"
		CHAT[talk]=$(grep -m1 '^talk ' "$TMP/talk.out")
		CHAT[talkers]=$(grep -m1 '^talkers ' "$TMP/talk.out")
		CHAT[probes]=$(grep -m1 '^probes ' "$TMP/probe.out")
		CHAT[stopped]=$(grep -m1 '^stopped' "$TMP/chat-rss.out")
		if [ -z "${CHAT[probes]}" ] || [ -z "${CHAT[talk]}" ]; then
			note "the chat clients did not finish: $(tail -c 300 "$TMP/probe.err" "$TMP/talk.err")"
			FAILED=1
		fi
		note "silent: $ready"
		note "${CHAT[talkers]}"
		note "${CHAT[talk]}"
		note "${CHAT[probes]}"
		note "RSS ${CHAT[rss0]} KiB -> peak ${CHAT[rss_peak]} KiB, end ${CHAT[rss_end]} KiB"
	fi
fi

# ---------------------------------------------------------------- 4. stalled chargen readers

declare -A TCPM
if want tcp; then
	read -r TCP_MEM0 _ TCP_MEM2 < <(sysctl -n net.ipv4.tcp_mem)
	say "== $READERS stalled chargen readers (client SO_RCVBUF $RCVBUF, MTU $TCP_MTU)"
	ip -n "$NS_S" link set "$VETH_S" mtu "$TCP_MTU" && ip -n "$NS_C" link set "$VETH_C" mtu "$TCP_MTU" ||
		{ note "cannot set MTU $TCP_MTU on the veth pair"; FAILED=1; }
	if start_server "$NS_S" chargen '^ready' "$SOCKLAB" serve --bind "$SRV_IP" --port-offset 47000 \
		--only chargen --tcp-only --quiet; then
		TCPM[before]=$(tcp_pages)
		mkfifo "$TMP/readers.fifo"
		ip netns exec "$NS_C" $PY bench/abuse_tcp.py "$SRV_IP" 47019 "$READERS" "$SRC_FIRST:$SOURCES" \
			--rcvbuf "$RCVBUF" --hold 120 <"$TMP/readers.fifo" >"$TMP/readers.out" 2>"$TMP/readers.err" &
		PID[readers]=$!
		PIDS+=("$!")
		exec {readers_fd}>"$TMP/readers.fifo"
		line=$(wait_line "$TMP/readers.out" '^holding' 20 "${PID[readers]}")
		TCPM[connected]=$(field "$line" connected)
		# until the send queues stop growing (no 1 % growth in 2 s; at most 20 s),
		# and never towards the host's pressure threshold
		last=0
		stable=0
		for i in $(seq 80); do
			sleep 0.25
			now=$(tcp_pages)
			if [ "$now" -gt $((TCP_MEM0 * 8 / 10)) ]; then
				note "host TCP memory reached 80 % of tcp_mem[0]: stopped early"
				break
			fi
			if [ "$now" -le $((last + last / 100)) ]; then
				stable=$((stable + 1))
				[ "$stable" -ge 8 ] && break
			else
				stable=0
				last=$now
			fi
		done
		TCPM[held]=$(tcp_pages)
		# Our own sockets, exactly: the namespaces hold nothing else. A socket
		# charges the host's TCP memory with what it queues, what it has received
		# and its forward allocation (ss -tm: w, r, f), in the pages that
		# /proc/net/sockstat counts host-wide, where other programs add noise.
		TCPM[srv]=$(in_s ss -Htmn state established | skmem_kib)
		TCPM[cli]=$(in_c ss -Htmn state established | skmem_kib)
		exec {readers_fd}>&-
		stop_pid "${PID[readers]}"
		stop_pid "${PID[chargen]}"
		TCPM[per]=$(awk -v s="${TCPM[srv]}" -v c="${TCPM[cli]}" -v n="${TCPM[connected]:-0}" \
			'BEGIN { split(s, a, " "); split(c, b, " "); if (n > 0) printf "%.0f", (a[1] + b[1]) / n; else print "-" }')
		TCPM[sockstat]=$(awk -v a="${TCPM[before]}" -v b="${TCPM[held]}" -v n="${TCPM[connected]:-0}" -v pg="$PAGE" \
			'BEGIN { if (n > 0) printf "%.0f", (b - a) * pg / 1024 / n; else print "-" }')
		note "connected ${TCPM[connected]}; ${TCPM[per]} KiB per reader (sockstat: ${TCPM[before]} -> ${TCPM[held]} pages, ${TCPM[sockstat]} KiB per reader)"
	fi
fi

# ---------------------------------------------------------------- report

# verdict VALUE OP LIMIT -> PASS / FAIL / n/a
verdict() {
	awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN { if (v == "-" || v == "") { print "n/a"; exit }
		ok = (op == "<=") ? (v + 0 <= l + 0) : (v + 0 < l + 0); print ok ? "PASS" : "FAIL" }'
}
label_cfg() { local n=${1%@*} r=${1#*@}; printf '%s src @%s' "$n" "$(awk -v r="$r" 'BEGIN { print (r >= 1000 ? r / 1000 "k" : r) }')"; }

echo
echo "socklab under abuse (issue 12) — $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -sr), $(nproc) cores, $(($(date +%s) - T_START)) s"
echo "namespaces $NS_S (server $SRV_IP) and $NS_C (spoofed sources $SRC_FIRST.., $SOURCES in the /24); load average before: $LOAD_BEFORE"
if awk -v l="${LOAD_BEFORE%% *}" 'BEGIN { exit !(l >= 1.0) }'; then
	echo "WARNING: the machine was busy with other work; latencies suffer first"
fi
WORST_AMP="-"
WORST_AMP_AT=""
if want amp; then
	echo
	echo "UDP amplification: IP bytes out / in, counted by nftables; each cell: total / beyond the first second"
	echo "(${SECS} s of requests per cell: empty datagrams; chat-server (--max-users 100000): a REG with a new"
	echo " name in each, its retransmissions counted for ${CHAT_TAIL} s more; the victims never answer)"
	printf '%-9s %-15s' service server
	for cfg in "${CONFIGS[@]}"; do printf ' %15s' "$(label_cfg "$cfg")"; done
	printf '   %s\n' "beyond 1 s <= 1.00"
	row() {  # SERVER SERVICE LABEL SHOWNAME
		local srv=$1 svc=$2 cfg v worst=""
		printf '%-9s %-15s' "$3" "$4"
		for cfg in "${CONFIGS[@]}"; do
			v=${AMP[$srv|$svc|$cfg]:-}
			if [ -z "$v" ]; then printf ' %15s' "-"; continue; fi
			printf ' %15s' "${v% *} / ${v#* }"
			worst=$(awk -v a="$worst" -v b="${v#* }" 'BEGIN { if (b == "-") print a; else if (a == "" || b + 0 > a + 0) print b; else print a }')
			if [ "$srv" != inetd ] && [ "${v#* }" != "-" ]; then
				if [ "$WORST_AMP" = "-" ] || awk -v a="${v#* }" -v b="$WORST_AMP" 'BEGIN { exit !(a + 0 > b + 0) }'; then
					WORST_AMP=${v#* }
					WORST_AMP_AT="$3, $(label_cfg "$cfg")"
				fi
			fi
		done
		if [ "$srv" = inetd ]; then printf '   %s\n' "(reference)"; else printf '   %s\n' "$(verdict "$worst" '<=' 1.0)"; fi
	}
	for s in $SERVE_SVCS; do
		row serve "$s" "$s" "socklab serve"
		[[ " $INETD_SVCS " == *" $s "* ]] && row inetd "$s" "" "openbsd-inetd"
	done
	row chat REG "chat REG" "chat-server"
	for k in "${!AMP_NOTE[@]}"; do
		IFS='|' read -r nsrv nsvc ncfg <<<"$k"
		echo "  note: $nsrv $nsvc $(label_cfg "$ncfg"): ${AMP_NOTE[$k]}"
	done | sort
fi

LOOP_MAX=""        # the longest life of a loop that died, ms
LOOP_ENDLESS=0
if want loop; then
	echo
	echo "Loops: one spoofed datagram from B's port to A's; A at $SRV_IP, B at $PEER_IP (another host)"
	printf '%-48s %5s %11s %22s %12s   %s\n' "A <-> B" size datagrams "lived" "CPU A / B" "dead within 1 s"
	for n in "${!LOOP_CASES[@]}"; do
		IFS='|' read -r label size <<<"${LOOP_CASES[$n]}"
		read -r dg span alive pa pb <<<"${LOOP[$n]}"
		if [ "$alive" = 1 ]; then
			lived=$(printf '> %s s (endless)' "$LOOP_SECS")
			v=FAIL
			LOOP_ENDLESS=$((LOOP_ENDLESS + 1))
		else
			lived=$(awk -v s="$span" 'BEGIN { printf "%.1f ms", s }')
			v=$(verdict "$span" '<=' 1000)
			LOOP_MAX=$(awk -v a="$span" -v b="$LOOP_MAX" 'BEGIN { print (b == "" || a + 0 > b + 0) ? a : b }')
		fi
		printf '%-48s %4sB %11s %22s %12s   %s\n' "$label" "$size" "$dg" "$lived" "$pa% / $pb%" "$v"
	done
fi

CHAT_WORST="-"
if want chat && [ -n "${CHAT[probes]:-}" ]; then
	echo
	echo "chat-server under $SILENT silent members (${CHAT[joined]:-?} joined in ${CHAT[setup]:-?} s, in $ROOMS room(s); they never"
	echo "acknowledge) and $TALKERS talkers saying 512-byte lines at 20 a second each, for ${CHAT[secs]} s:"
	awk -v a="${CHAT[rss0]}" -v p="${CHAT[rss_peak]}" -v e="${CHAT[rss_end]}" -v s="${CHAT[secs]}" \
		'BEGIN { printf "  RSS %.1f MB before, peak %.1f MB, %.1f MB at the end (%+.1f MB/s)\n", a / 1024, p / 1024, e / 1024, (p - a) / 1024 / s }'
	pr=${CHAT[probes]}
	echo "  a fresh client every 0.5 s, each from a /24 of its own: $(field "$pr" n) probes, $(field "$pr" unanswered) unanswered"
	echo "    within 3 s, $(field "$pr" refused) refused;"
	echo "    REG -> WELCOME median $(field "$pr" reg_med_ms) ms, max $(field "$pr" reg_max_ms) ms;" \
		"ROOMS -> LIST median $(field "$pr" cmd_med_ms) ms, max $(field "$pr" cmd_max_ms) ms"
	tk=${CHAT[talk]}
	echo "  talkers: $(field "$tk" said) lines said, $(field "$tk" not_taken) held back (window full), $(field "$tk" refused) refused"
	echo "  server: ${CHAT[stopped]}"
	CHAT_WORST=$(field "$pr" worst_ms)
fi

if want tcp && [ -n "${TCPM[per]:-}" ]; then
	echo
	echo "Stalled chargen readers: ${TCPM[connected]} TCP connections that never read (client SO_RCVBUF $RCVBUF, MTU $TCP_MTU)"
	read -r st sn stb <<<"${TCPM[srv]}"
	read -r ct _ _ <<<"${TCPM[cli]}"
	echo "  host TCP memory per reader: ${TCPM[per]} KiB — serve's end $(awk -v t="$st" -v n="$sn" 'BEGIN { printf "%.0f", t / n }') KiB" \
		"(send buffer $(awk -v t="$stb" -v n="$sn" 'BEGIN { printf "%.0f", t / n }') KiB), the reader's end" \
		"$(awk -v t="$ct" -v n="${TCPM[connected]}" 'BEGIN { printf "%.0f", t / n }') KiB (ss -tm)"
	echo "  /proc/net/sockstat, host-wide: ${TCPM[before]} -> ${TCPM[held]} pages, ${TCPM[sockstat]} KiB per reader"
	awk -v per="${TCPM[per]}" -v m="$TCP_MEM2" -v pg="$PAGE" 'BEGIN { if (per + 0 > 0)
		printf "  about %d such readers reach the host-wide limit (tcp_mem[2] = %d pages)\n", m * pg / 1024 / per, m }'
fi

echo
echo "Targets"
printf '  %-58s %22s  %s\n' "every factor beyond the first second <= 1.00 (socklab)" \
	"${WORST_AMP}${WORST_AMP_AT:+ ($WORST_AMP_AT)}" "$(want amp && verdict "$WORST_AMP" '<=' 1.0 || echo n/a)"
if want loop && [ ${#LOOP_CASES[@]} -gt 0 ]; then
	lv=$(verdict "${LOOP_MAX:-0}" '<=' 1000)
	[ "$LOOP_ENDLESS" -gt 0 ] && lv=FAIL
	printf '  %-58s %22s  %s\n' "loops dead within 1 s" \
		"$LOOP_ENDLESS of ${#LOOP_CASES[@]} endless${LOOP_MAX:+, longest ${LOOP_MAX} ms}" "$lv"
else
	printf '  %-58s %22s  %s\n' "loops dead within 1 s" "-" n/a
fi
shown=$CHAT_WORST
[ "$shown" != "-" ] && shown="$shown ms"
printf '  %-58s %22s  %s\n' "fresh-client latency < 100 ms under abuse (worst probe)" "$shown" \
	"$(verdict "$CHAT_WORST" '<' 100)"
shown=${TCPM[per]:--}
[ "$shown" != "-" ] && shown="$shown KiB"
printf '  %-58s %22s  %s\n' "host TCP memory per stalled chargen reader <= 256 KiB" "$shown" \
	"$(verdict "${TCPM[per]:--}" '<=' 256)"
[ "$FAILED" = 1 ] && echo "(some measurements failed; see the messages above)"
exit "$FAILED"
