#!/usr/bin/env bash
# tcplab.sh — how reliably each implemented scenario of `socklab tcplab`
# shows its signature (issue 16's goal: 20 out of 20): every scenario run
# BENCH_N times in its short form, one line each with the count, the run
# time and the median of the scenario's main figure. Then the cost of
# observing (issue 16's goal: at most 10 % lower): the bulk throughput at the
# lab's highest rate (fast-retransmit's bulk sender with no delay, no rate
# limit and no drop: --delay 0 --drop 100000000) with the recording on (the
# sender's TCP_INFO polling every millisecond, the eBPF recorder and the
# capture on the sender's veth) and off, in turn, BENCH_OBSERVE_N runs of
# 1 s each; the receiver's goodput ("goodput" in --json), the medians and
# their ratio. Off is SOCKLAB_TCPLAB_OBSERVE=0, an internal switch of
# socklab for this figure only (no polling, no capture, no kernel recorder;
# the verdict then fails, which is expected). A third row, the eBPF
# recorder alone off (SOCKLAB_TCPLAB_BPF=0), says which part costs what.
#
#   bash bench/tcplab.sh            (as root; about 15 minutes with N=20)
#   TCPLAB_SCENARIOS= bash bench/tcplab.sh   (the cost of observing only)
#
# Knobs (environment): BENCH_N (20), TCPLAB_SCENARIOS (every implemented
# one; empty: none), BENCH_TIMEOUT (60 s per run), BENCH_BUILD_DIR (build),
# BENCH_OBSERVE_N (5 runs each way; 0: no cost figure).
# Exit status: 0 when every run finished (signatures may still be missed),
# 1 otherwise. The lab's namespaces are checked to be gone at the end.
set -u -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${SOCKLAB_BIN:-$ROOT/${BENCH_BUILD_DIR:-build}/socklab}
N=${BENCH_N:-20}
SCENARIOS=${TCPLAB_SCENARIOS-handshake nagle time-wait slow-start fast-retransmit timeout sack flow-control window-scale isn syn-flood congestion-avoidance}
TIMEOUT=${BENCH_TIMEOUT:-60}
OBS_N=${BENCH_OBSERVE_N:-5}

if [ "$(id -u)" != 0 ]; then
	echo "tcplab.sh: the lab makes network namespaces: run as root" >&2
	exit 1
fi
if [ ! -x "$BIN" ]; then
	echo "tcplab.sh: no $BIN: build first (cmake --build build)" >&2
	exit 1
fi

# The figure worth a median, per scenario, from the --json output.
figure() {
	python3 -c '
import json, sys
name = sys.argv[1]
for line in sys.stdin:
    o = json.loads(line)
    t = o.get("type")
    if name == "nagle" and t == "nagle":
        print("%.1f ms Nagle wait" % o["nagle"]["gap_median_ms"])
    elif name == "handshake" and t == "link":
        print("%.3f ms delay-line error" % o["hold_error_median_ms"])
    elif name == "slow-start" and t == "slow_start":
        print("x%.2f per RTT" % o["ratio_median"])
    elif name == "fast-retransmit" and t == "fast_retransmit":
        print("%.3f ms after the 3rd dupack" % o["after_dup3_ms"])
    elif name == "timeout" and t == "timeout":
        print("%d/%d gaps doubled" % (o["doubled"], o["ratios"]))
    elif name == "sack" and t == "sack":
        print("%.1f vs %.1f ms repair" % (o["on"]["repaired_ms"], o["off"]["repaired_ms"]))
    elif name == "window-scale" and t == "window_scale":
        print("%.1f vs %.1f Mbit/s" % (o["off_mbit"], o["on_mbit"]))
    elif name == "flow-control" and t == "flow_control":
        print("%d probes" % o["probes"])
    elif name == "isn" and t == "isn":
        print("%.2f per us on one tuple" % o["rate_per_us"])
    elif name == "syn-flood" and t == "syn_flood":
        print("%d/%d vs %d/%d connects" % (o["off"]["ok"], o["off"]["attempts"], o["on"]["ok"], o["on"]["attempts"]))
    elif name == "congestion-avoidance" and t == "congestion_avoidance":
        print("reno %+.1f/RTT, cubic x%.2f" % (o["reno"]["inc_median"], o["cubic"]["beta"]))
    elif name == "time-wait" and t == "time_wait":
        print("%.1f s TIME_WAIT" % ((o["since_close_ms"] + o["left_ms"]) / 1000))
' "$1"
}

failed=0
printf '%-20s %8s %10s  %s\n' scenario seen "s per run" "median figure"
for s in $SCENARIOS; do
	seen=0 runs=0 figs=()
	start=$(date +%s.%N)
	for _ in $(seq "$N"); do
		out=$(timeout "$TIMEOUT" "$BIN" tcplab run "$s" --short --json)
		rc=$?
		[ $rc -gt 1 ] && failed=1
		runs=$((runs + 1))
		[ $rc = 0 ] && seen=$((seen + 1))
		f=$(printf '%s\n' "$out" | figure "$s" | head -1)
		[ -n "$f" ] && figs+=("$f")
	done
	end=$(date +%s.%N)
	med=$(printf '%s\n' "${figs[@]}" | sort -n | awk '{a[NR]=$0} END {if (NR) print a[int((NR+1)/2)]}')
	printf '%-20s %5d/%-3d %10.2f  %s\n' "$s" "$seen" "$runs" \
		"$(echo "($end - $start) / $runs" | bc -l)" "$med"
done

# The cost of observing: one goodput (Mbit/s) per run, on and off in turn.
goodput() {
	python3 -c '
import json, sys
for line in sys.stdin:
    o = json.loads(line)
    if o.get("type") == "goodput":
        print("%.1f" % o["mbit"])
'
}
median() { sort -n | awk '{a[NR]=$0} END {if (NR) print a[int((NR+1)/2)]}'; }
if [ "$OBS_N" -gt 0 ]; then
	on=() nobpf=() off=()
	for _ in $(seq "$OBS_N"); do
		for mode in on nobpf off; do
			case $mode in
			on) env=() ;;
			nobpf) env=(SOCKLAB_TCPLAB_BPF=0) ;;
			off) env=(SOCKLAB_TCPLAB_OBSERVE=0) ;;
			esac
			out=$(env "${env[@]}" timeout "$TIMEOUT" "$BIN" tcplab run fast-retransmit \
				--delay 0 --drop 100000000 --json)
			[ $? -gt 1 ] && failed=1
			g=$(printf '%s\n' "$out" | goodput | head -1)
			if [ -z "$g" ]; then
				failed=1
			else
				eval "$mode+=(\"\$g\")"
			fi
		done
	done
	mon=$(printf '%s\n' "${on[@]}" | median)
	mnobpf=$(printf '%s\n' "${nobpf[@]}" | median)
	moff=$(printf '%s\n' "${off[@]}" | median)
	echo
	echo "cost of observing (bulk, no delay, no rate limit; $OBS_N runs of 1 s each way, in turn):"
	echo "  recording on  (TCP_INFO 1 ms + eBPF + capture): ${on[*]:-} Mbit/s, median ${mon:-?}"
	echo "  eBPF off      (TCP_INFO 1 ms + capture):        ${nobpf[*]:-} Mbit/s, median ${mnobpf:-?}"
	echo "  recording off:                                  ${off[*]:-} Mbit/s, median ${moff:-?}"
	if [ -n "$mon" ] && [ -n "$moff" ] && [ -n "$mnobpf" ]; then
		awk -v a="$mon" -v n="$mnobpf" -v b="$moff" 'BEGIN { r = b > 0 ? a / b : 0;
			printf "  on/off = %.3f (%.1f %% lower; goal at most 10 %%) %s; without eBPF %.3f\n",
			r, (1 - r) * 100, (r >= 0.9 ? "ok" : "over the goal"), (b > 0 ? n / b : 0) }'
	fi
fi
left=$(ls /run/netns 2>/dev/null | grep -c '^socklab-tcplab-' || true)
if [ "$left" != 0 ]; then
	echo "tcplab.sh: $left lab namespaces left behind" >&2
	failed=1
fi
exit $failed
