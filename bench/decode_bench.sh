#!/usr/bin/env bash
# Decoding speed: socklab decode against tcpdump and tshark on one capture of
# a million loopback packets, decoded in the same run, output to /dev/null.
#   bash bench/decode_bench.sh [PACKETS]     # from the repository root
# The capture is made here: a loopback TCP conversation (handshake with MSS,
# SACK permitted, timestamps and window scale; data segments and ACKs with
# timestamps; partial checksums as Linux loopback leaves them), written as
# Ethernet-framed pcap, as tcpdump -i lo writes it.
set -euo pipefail
cd "$(dirname "$0")/.."
packets=${1:-1000000}
work=$(mktemp -d /tmp/socklab-decode-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

bash scripts/deps.sh build bench || exit 1
bin=${SOCKLAB_BIN:-build/socklab}
if [[ ! -x $bin ]]; then
	cmake -S . -B build >/dev/null && cmake --build build -j2 >/dev/null
fi

python3 - "$work/lo.pcap" "$packets" <<'PY'
import struct, sys
path, n = sys.argv[1], int(sys.argv[2])
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return s
def frame(src, dst, sp, dp, seq, ack, flags, opts, payload, ipid):
    thl = 20 + len(opts)
    tl = 20 + thl + len(payload)
    ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, tl, ipid & 0xffff, 0x4000, 64, 6, 0, src, dst))
    struct.pack_into("!H", ip, 10, 0xffff ^ csum(bytes(ip)))
    partial = csum(src + dst + struct.pack("!HH", 6, thl + len(payload)))
    tcp = struct.pack("!HHIIBBHHH", sp, dp, seq & 0xffffffff, ack & 0xffffffff, (thl // 4) << 4, flags, 512, partial, 0) + opts
    return b"\0" * 12 + b"\x08\x00" + bytes(ip) + tcp + payload
lo = bytes([127, 0, 0, 1])
ts_opt = lambda v, e: b"\x01\x01\x08\x0a" + struct.pack("!II", v, e)
syn_opt = b"\x02\x04\xff\xd7\x04\x02\x08\x0a" + struct.pack("!II", 1000, 0) + b"\x01\x03\x03\x07"
with open(path, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
    t = 1700000000.0
    a, b = 1_000_000, 2_000_000
    pk = [frame(lo, lo, 40000, 5001, a, 0, 0x02, syn_opt, b"", 1),
          frame(lo, lo, 5001, 40000, b, a + 1, 0x12, syn_opt, b"", 0),
          frame(lo, lo, 40000, 5001, a + 1, b + 1, 0x10, ts_opt(1001, 1000), b"", 2)]
    payload = b"x" * 100
    seq, i = a + 1, 0
    while len(pk) < n:
        i += 1
        if i % 2:
            pk.append(frame(lo, lo, 40000, 5001, seq, b + 1, 0x18, ts_opt(1000 + i, 1000 + i), payload, i))
            seq += len(payload)
        else:
            pk.append(frame(lo, lo, 5001, 40000, b + 1, seq, 0x10, ts_opt(1000 + i, 1000 + i), b"", i))
        if len(pk) >= 4096 or len(pk) >= n:
            for p in pk:
                t += 0.000001
                sec = int(t)
                f.write(struct.pack("<IIII", sec, int((t - sec) * 1e6), len(p), len(p)) + p)
            n -= len(pk)
            pk = []
PY

measure() { # label, command...: prints seconds
	local label=$1; shift
	local t0 t1
	t0=$(date +%s.%N)
	"$@" >/dev/null 2>&1
	t1=$(date +%s.%N)
	echo "$label $(echo "$t1 - $t0" | bc -l)"
}
results=$work/results
{
	# the same line on both sides: socklab's default is tcpdump -nn's, -vv
	# is tcpdump -nnvv's (tests/e2e/tcpdump_lines.py checks the text)
	measure "socklab decode -nn" env TZ=UTC "$bin" decode -nn "$work/lo.pcap"
	measure "tcpdump -nn" env TZ=UTC tcpdump -nn -r "$work/lo.pcap"
	measure "socklab decode -vv" env TZ=UTC "$bin" decode -vv "$work/lo.pcap"
	measure "tcpdump -nnvv" env TZ=UTC tcpdump -nnvv -r "$work/lo.pcap"
	measure "socklab decode --json" "$bin" decode --json "$work/lo.pcap"
	measure "tshark" tshark -n -o tcp.desegment_tcp_streams:FALSE -r "$work/lo.pcap"
	measure "tshark -T json" tshark -n -o tcp.desegment_tcp_streams:FALSE -r "$work/lo.pcap" -T json
} | tee "$results"

echo
printf '%-26s %10s %14s\n' "decoder" "seconds" "packets/s"
while read -r line; do
	secs=${line##* }
	label=${line% *}
	printf '%-26s %10.2f %14.0f\n' "$label" "$secs" "$(echo "$packets / $secs" | bc -l)"
done < "$results"
get() { grep "^$1 [0-9.]*$" "$results" | awk '{print $NF}'; }
s_line=$(get "socklab decode -nn"); s_json=$(get "socklab decode --json")
t_line=$(get "tcpdump -nn"); w_json=$(get "tshark -T json")
s_vv=$(get "socklab decode -vv"); t_vv=$(get "tcpdump -nnvv")
r1=$(echo "$t_line / $s_line" | bc -l); r2=$(echo "$w_json / $s_json" | bc -l)
r3=$(echo "$t_vv / $s_vv" | bc -l)
echo
printf 'default line vs tcpdump -nn:   %.2fx faster (target >= 1, aim 2)  %s\n' "$r1" \
	"$( (( $(echo "$r1 >= 1" | bc) )) && echo PASS || echo MISS)"
printf -- '-vv vs tcpdump -nnvv:          %.2fx faster (target >= 1)          %s\n' "$r3" \
	"$( (( $(echo "$r3 >= 1" | bc) )) && echo PASS || echo MISS)"
printf -- '--json vs tshark -T json:      %.2fx faster (target >= 5)          %s\n' "$r2" \
	"$( (( $(echo "$r2 >= 5" | bc) )) && echo PASS || echo MISS)"
