"""socklab decode and capture end to end: usage errors, the explain table,
and our own loopback traffic captured live, decoded and compared with
tshark."""
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile

import pytest

from conftest import BIN, SANITIZER_MARKS, WAIT, have_ipv6


def run(args, timeout=60):
    proc = subprocess.run([BIN] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=timeout)
    err = proc.stderr.decode("utf-8", "replace")
    for mark in SANITIZER_MARKS:
        assert mark not in err, err
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), err


def test_usage_errors_are_one_line_then_try_and_exit_2():
    for args, words in [(["decode"], "no capture file"),
                        (["decode", "--json", "--explain", "x.pcap"], "cannot use --json with --explain"),
                        (["decode", "-c", "0", "x.pcap"], "-c 0: "),
                        (["decode", "--bogus"], "bogus"),
                        (["capture"], "no interface"),
                        (["capture", "-D", "-i", "lo"], "cannot use -D")]:
        rc, out, err = run(args)
        assert rc == 2, (args, rc, err)
        assert err.startswith("socklab %s: " % args[0]) and words in err, err
        assert err.splitlines()[1:] == ["Try 'socklab %s --help'." % args[0]], err


def test_missing_file_and_bad_filter():
    rc, _, err = run(["decode", "/nonexistent.pcap"])
    assert rc == 1 and err.startswith("socklab decode: cannot read '/nonexistent.pcap'")


def write_pcap(path, frames, linktype=101, snaplen=65535):
    import struct
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, snaplen, linktype))
        for i, fr in enumerate(frames):
            f.write(struct.pack("<IIII", 1700000000 + i, 0, len(fr), len(fr)))
            f.write(fr)


SEED002_TCP = bytes.fromhex("e65c3039d65105e700000000a00216d041350000020405b40402080a000e715c0000000001030306")


def seed002_frame():
    import struct
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(SEED002_TCP), 1, 0x4000, 64, 6, 0,
                     bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    return ip + SEED002_TCP


def test_explain_seed002_syn(tmp_path):
    path = str(tmp_path / "syn.pcap")
    write_pcap(path, [seed002_frame()])
    rc, out, _ = run(["decode", "--explain", path])
    assert rc == 0
    assert "e65c 3039" in out and "source port 58972, destination port 12345" in out
    assert "d651 05e7" in out and "3595634151" in out
    assert "0204 05b4" in out and "1460" in out
    assert "080a 000e 715c 0000 0000" in out and "TSval 946524" in out
    assert "window scale, shift 6 (factor 64)" in out


def test_text_and_json_of_seed002_syn(tmp_path):
    path = str(tmp_path / "syn.pcap")
    write_pcap(path, [seed002_frame(), seed002_frame()[:30]])
    rc, out, _ = run(["decode", "--utc", "-v", path])
    lines = out.splitlines()
    assert lines[0].startswith("22:13:20.000000 IP (tos 0x0, ttl 64, id "), lines[0]
    assert "10.0.0.1.58972 > 10.0.0.2.12345: Flags [S], cksum 0x" in lines[1]
    assert "options [mss 1460,sackOK,TS val 946524 ecr 0,nop,wscale 6]" in lines[1]
    assert "incorrect -> 0x" in lines[1]
    # 10 bytes of TCP: tcpdump prints the ports, then gives up reading
    assert lines[3].endswith("10.0.0.1.58972 > 10.0.0.2.12345:  [|tcp]"), lines[3]
    rc, out, _ = run(["decode", "--utc", "--verdicts", path])
    lines = out.splitlines()
    assert re.search(r"\[checksums: ip 0x[0-9a-f]{4} (good|bad), tcp 0x[0-9a-f]{4} bad\]$", lines[0])
    assert re.search(r"12345:  \[\|tcp\] .*\[truncated tcp header at byte 20\]$", lines[1]), lines[1]
    rc, out, _ = run(["decode", "--json", path])
    objs = [json.loads(l) for l in out.splitlines()]
    t = objs[0]["tcp"]
    assert t["flags"] == ["SYN"] and t["hlen"] == 40 and t["checksum_status"] == "bad"
    assert [o["kind"] for o in t["options"]] == ["mss", "sack_permitted", "timestamp", "nop", "wscale"]
    assert objs[0]["ip"]["checksum_ok"] is False or objs[0]["ip"]["checksum_ok"] is True
    assert objs[1]["error"] == {"kind": "truncated", "what": "tcp header", "offset": 20}
    assert objs[1]["tcp"] == {"partial": True, "sport": 58972, "dport": 12345, "seq": 3595634151}


def test_filter_as_trailing_arguments(tmp_path):
    path = str(tmp_path / "syn.pcap")
    write_pcap(path, [seed002_frame()])
    rc, out, _ = run(["decode", path, "tcp", "port", "12345"])
    assert rc == 0 and len(out.splitlines()) == 1
    rc, out, _ = run(["decode", path, "udp"])
    assert rc == 0 and out == ""
    rc, _, err = run(["decode", path, "no", "such", "thing"])
    assert rc == 2 and "bad filter" in err


needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="live capture needs root (CAP_NET_RAW)")


class Capture:
    def __init__(self, path, filt):
        self.proc = subprocess.Popen([BIN, "capture", "-i", "lo", "-w", path] + filt,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        line = self.proc.stderr.readline().decode()
        assert "capturing on lo" in line, line

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=WAIT)
        err = self.proc.stderr.read().decode()
        for mark in SANITIZER_MARKS:
            assert mark not in err, err
        return err


def make_traffic(v6):
    fam, host = (socket.AF_INET6, "::1") if v6 else (socket.AF_INET, "127.0.0.1")
    ls = socket.socket(fam, socket.SOCK_STREAM)
    ls.bind((host, 0))
    ls.listen(1)
    port = ls.getsockname()[1]
    c = socket.create_connection((host, port), timeout=WAIT)
    s, _ = ls.accept()
    c.sendall(b"hello" * 100)
    s.recv(1000)
    s.sendall(b"world")
    c.recv(100)
    c.close()
    s.close()
    ls.close()
    u = socket.socket(fam, socket.SOCK_DGRAM)
    u.bind((host, 0))
    closed = u.getsockname()[1]
    u.close()
    u = socket.socket(fam, socket.SOCK_DGRAM)
    u.sendto(b"ping", (host, closed))   # ICMP port unreachable back
    u.settimeout(0.5)
    try:
        u.recv(10)
    except OSError:
        pass
    u.close()
    return port, closed


@needs_root
@pytest.mark.parametrize("v6", [False, True], ids=["ipv4", "ipv6"])
def test_live_loopback_capture_decodes_like_tshark(tmp_path, v6):
    if v6 and not have_ipv6():
        pytest.skip("no IPv6 on loopback")
    path = str(tmp_path / "lo.pcap")
    cap = Capture(path, ["ip6" if v6 else "ip"])
    port, closed = make_traffic(v6)
    # The ICMP error is the last packet: wait until it is in the file.
    cap.stop()
    rc, out, _ = run(["decode", "--json", path])
    objs = [json.loads(l) for l in out.splitlines()]
    tcp = [o for o in objs if "tcp" in o and port in (o["tcp"]["sport"], o["tcp"]["dport"])]
    assert len(tcp) >= 6
    syn = tcp[0]["tcp"]
    assert syn["flags"] == ["SYN"]
    kinds = [o["kind"] for o in syn["options"]]
    assert {"mss", "sack_permitted", "timestamp", "wscale"} <= set(kinds)
    # Loopback never completes offloaded checksums: partial, not bad.
    assert all(o["tcp"]["checksum_status"] in ("partial", "good") for o in tcp)
    # Other tests on this host draw port unreachables too: take ours.
    icmp = [o for o in objs if "icmp" in o and "quoted" in o["icmp"]
            and o["icmp"]["quoted"].get("udp", {}).get("dport") == closed]
    assert icmp, "no ICMP port unreachable for port %d captured" % closed
    assert icmp[0]["icmp"]["checksum_ok"] is True
    rc, out, _ = run(["decode", "--flows", path])
    assert "handshake complete" in out and "teardown fin both ways" in out
    if shutil.which("tshark"):
        fields = ["tcp.srcport", "tcp.dstport", "tcp.seq_raw", "tcp.ack_raw",
                  "tcp.window_size_value", "tcp.options.mss_val"]
        res = subprocess.run(["tshark", "-n", "-r", path, "-T", "fields", "-E", "occurrence=f"]
                             + sum([["-e", f] for f in fields], []),
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=120)
        rows = res.stdout.decode().splitlines()
        for o, row in zip(objs, rows):
            if "tcp" not in o:
                continue
            cols = row.split("\t")
            t = o["tcp"]
            assert [str(t["sport"]), str(t["dport"]), str(t["seq"]), str(t["ack"]),
                    str(t["win"])] == cols[:5]


@needs_root
def test_capture_count_and_print(tmp_path):
    proc = subprocess.Popen([BIN, "capture", "-i", "lo", "-c", "3", "--json", "udp", "port", "9"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert "capturing on lo" in proc.stderr.readline().decode()
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for _ in range(5):
        u.sendto(b"x", ("127.0.0.1", 9))
    u.close()
    out, err = proc.communicate(timeout=WAIT)
    assert proc.returncode == 0, err
    objs = [json.loads(l) for l in out.decode().splitlines()]
    assert len(objs) == 3 and all(o["udp"]["dport"] == 9 for o in objs)


@needs_root
def test_capture_summary_counts_in_words():
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", 0))
    port = u.getsockname()[1]
    proc = subprocess.Popen([BIN, "capture", "-i", "lo", "-c", "1", "udp", "port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert "capturing on lo" in proc.stderr.readline().decode()
    u.sendto(b"x", ("127.0.0.1", port))
    out, err = proc.communicate(timeout=WAIT)
    u.close()
    assert proc.returncode == 0, err
    assert len(out.decode().splitlines()) == 1
    assert err.decode().splitlines()[-1] == "socklab capture: 1 packet captured", err


def test_capture_list_and_bad_interface():
    rc, out, err = run(["capture", "-D"])
    assert rc == 0 and "lo" in out
    rc, out, err = run(["capture", "-i", "nosuchif0", "-c", "1"])
    assert rc == 1 and err.startswith("socklab capture: cannot capture on nosuchif0")


PCAP_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__)))), "..", "shared", "pcaps", "tcpdump-tests")


def shared_pcap(name):
    path = os.path.join(PCAP_DIR, name)
    if not os.path.exists(path):
        pytest.skip("%s is not in %s" % (name, PCAP_DIR))
    return path


def link_not_decoded_checks(path, name, dlt, desc, count):
    rc, out, err = run(["decode", path])
    assert rc == 0, err
    # said once, with the link type's name and number, on stderr
    assert err == ("socklab decode: '%s': link type %s (%d, %s) is not decoded: each packet is "
                   "listed by its time and length\n" % (path, name, dlt, desc)), err
    lines = out.splitlines()
    assert len(lines) == count
    for line in lines:
        assert re.fullmatch(r"\d\d:\d\d:\d\d\.\d{6} %s, length \d+" % name, line), line
    rc, out, err = run(["decode", "--json", path])
    assert rc == 0 and err.count("\n") == 1
    objs = [json.loads(l) for l in out.splitlines()]
    assert objs[0] == {"type": "notice", "notice": "link type not decoded",
                       "link": {"type": "not_decoded", "dlt": dlt, "name": name, "description": desc}}
    assert len(objs) == count + 1
    for o in objs[1:]:
        assert o["link"] == {"type": "not_decoded", "dlt": dlt} and "error" not in o, o


def test_link_type_not_decoded_is_said_once(tmp_path):
    path = str(tmp_path / "ppp.pcap")
    write_pcap(path, [b"\xff\x03\x00\x21" + seed002_frame()] * 3, linktype=9)
    link_not_decoded_checks(path, "PPP", 9, "PPP", 3)
    rc, out, _ = run(["decode", "--explain", path])
    assert "frame (bytes 0-63): 64 bytes captured, link type not decoded" in out
    assert "malformed" not in out
    rc, out, err = run(["decode", "--flows", path])  # the summary alone lists no packets
    assert rc == 0 and err == "socklab decode: '%s': link type PPP (9, PPP) is not decoded\n" % path


@pytest.mark.parametrize("name,link,dlt,desc,count", [
    ("arcnet-rfc1201-arp-icmp-http.pcap", "ARCNET_LINUX", 129, "Linux ARCNET", 26),
    ("bgp_vpn_attrset.pcap", "PPP", 9, "PPP", 1),
])
def test_link_type_not_decoded_in_the_captures(name, link, dlt, desc, count):
    link_not_decoded_checks(shared_pcap(name), link, dlt, desc, count)


def tcp6_big(payload_len):
    """IPv6 with payload length 0 (Linux BIG TCP) and a whole TCP segment
    whose checksum is right."""
    import struct
    src, dst = bytes(15) + b"\x01", bytes(15) + b"\x02"
    seg = bytearray(struct.pack("!HHIIHHHH", 43267, 41219, 1000, 2000, 0x5018, 512, 0, 0))
    seg += bytes(range(256)) * (payload_len // 256) + bytes(payload_len % 256)
    pseudo = src + dst + struct.pack("!I", len(seg)) + b"\0\0\0\x06"
    data = pseudo + bytes(seg) + (b"\0" if len(seg) % 2 else b"")
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    seg[16:18] = struct.pack("!H", ~s & 0xffff)
    return struct.pack("!IHBB", 0x60000000, 0, 6, 64) + src + dst + bytes(seg)


def test_ipv6_big_tcp_takes_the_frame_length(tmp_path):
    path = str(tmp_path / "big.pcap")
    write_pcap(path, [tcp6_big(70000)], snaplen=262144)
    rc, out, _ = run(["decode", "-v", path])
    assert rc == 0
    assert ("payload length: 0 [real length 70060, presumed BIG TCP]) ::1.43267 > ::2.41219: "
            "Flags [P.], cksum " in out), out
    assert "(correct), seq 1000:71000, ack 2000, win 512, length 70000\n" in out, out
    rc, out, _ = run(["decode", "--json", path])
    o = json.loads(out)
    assert o["ip"]["len"] == 70060 and o["ip"]["len_from"] == "frame"
    assert o["tcp"]["payload_len"] == 70000 and o["tcp"]["checksum_status"] == "good"
    assert "error" not in o and "partial" not in o["tcp"]


def test_ipv6_big_tcp_captures():
    # tcpdump 4.99.3 gives up on these; tcpdump 4.99.6 prints the same numbers
    rc, out, err = run(["decode", "-v", "-S", shared_pcap("bigtcp-ipv6.pcap")])
    assert rc == 0 and err == ""
    assert ("payload length: 0 [real length 80040, presumed BIG TCP]) 2604:1380:4091:ce00::b.43267 > "
            "2604:1380:4091:ce00::d.41219: Flags [P.], cksum 0xc8cb" in out), out
    assert "seq 2265425561:2265505529, ack 3850636772, win 426, options [nop,nop,TS val 3564116459 ecr 3863151628], length 79968" in out
    # UDP GSO (a VXLAN tunnel) over BIG TCP: UDP length 0 takes the IPv6 length (RFC 2675)
    rc, out, _ = run(["decode", "--json", shared_pcap("bigtcp-ipv6-vxlan-ipv4.pcap")])
    o = json.loads(out)
    assert o["ip"]["len"] == 80122 and o["ip"]["len_from"] == "frame" and "error" not in o, o
    assert o["udp"]["dport"] == 4789 and o["udp"]["len"] == 0 and o["udp"]["payload_len"] == 80074
    # ...and over IPv4 TSO
    rc, out, _ = run(["decode", "--json", shared_pcap("bigtcp-ipv4-vxlan-ipv6.pcap")])
    o = json.loads(out)
    assert o["ip"]["len"] == 80046 and o["ip"]["len_from"] == "frame" and "error" not in o, o
    assert o["udp"]["len"] == 0 and o["udp"]["payload_len"] == 80018


def test_explain_partial_checksum_words(tmp_path):
    import struct
    frame = bytearray(seed002_frame())
    ip = frame[:20]
    pseudo = bytes(ip[12:20]) + struct.pack("!HH", 6, len(frame) - 20)
    s = sum(struct.unpack("!6H", pseudo))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    frame[36:38] = struct.pack("!H", s)  # what Linux leaves for checksum offload
    path = str(tmp_path / "partial.pcap")
    write_pcap(path, [bytes(frame)])
    rc, out, _ = run(["decode", "--explain", "--verdicts", path])
    assert rc == 0
    assert "tcp 0x%04x partial (offloaded)" % s in out
    assert "checksum 0x%04x (partial: only the pseudo-header sum, left for checksum offload)" % s in out
    assert "(partial (" not in out
