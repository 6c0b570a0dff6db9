"""socklab capture and decode on TCP traffic with SACK blocks, made here:
two network namespaces joined by a veth pair (198.18.7.1 and 198.18.7.2,
RFC 2544 benchmark space), an nftables rule in the receiver's namespace that
drops a bounded number of incoming data segments, ~2 MB sent across, the
sender's side captured with `socklab capture -w` and the decode compared
field by field with tshark (SACK edges, sackOK, wscale, MSS, timestamps,
absolute seq/ack, payload length)."""
import json
import os
import re
import secrets
import select
import shutil
import signal
import subprocess
import sys
import time

import pytest

from conftest import BIN, SANITIZER_MARKS

PY = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
SENDER_IP = "198.18.7.1"
RECEIVER_IP = "198.18.7.2"
PORT = 9000                 # the namespaces are ours alone: a fixed port is free
NBYTES = 2_000_000
STEP = 10.0                 # bound of each wait: only stops a hung test
# The capture keeps only the headers (snap length 128: Ethernet 14 + IP 20 +
# TCP 60 fit). capture runs libpcap in immediate mode, where the ring has
# one slot per snap length: with the default 262144 a 2 MB burst at veth
# speed loses most packets in the kernel; with 128 none. tcp.len and
# payload_len both come from the IP length, not the captured bytes.
SNAPLEN = 128
# Every 7th incoming data segment (IP length > 200: not the pure ACKs) is
# dropped until 30000 bytes (20 segments of 1500) are used up: SACK blocks
# follow, and the loss is bounded, so a few retransmissions end it.
NFT_RULES = """\
table inet socklab_sack {
  chain in {
    type filter hook input priority 0; policy accept;
    tcp dport %d meta length > 200 numgen inc mod 7 == 0 quota until 30000 bytes counter drop
  }
}
""" % PORT

RECEIVER = r"""
import socket, sys
l = socket.socket()
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind((sys.argv[1], int(sys.argv[2])))
l.listen(1)
l.settimeout(%(t)s)
print("listening", flush=True)
c, _ = l.accept()
c.settimeout(%(t)s)
n = 0
while True:
    d = c.recv(1 << 16)
    if not d:
        break
    n += len(d)
c.sendall(b"%%d" %% n)
c.close()
print(n, flush=True)
""" % {"t": STEP}

SENDER = r"""
import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=%(t)s)
s.sendall(b"socklab-sack " * (int(sys.argv[3]) // 13) + b"x" * (int(sys.argv[3]) %% 13))
s.shutdown(socket.SHUT_WR)
reply = b""
while True:
    d = s.recv(100)
    if not d:
        break
    reply += d
s.close()
print(reply.decode(), flush=True)
""" % {"t": STEP}


def _missing_tools():
    return [t for t in ("ip", "nft", "tshark") if not shutil.which(t)]


pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0,
                       reason="needs root: creates network namespaces, veth and nftables rules"),
    pytest.mark.skipif(bool(_missing_tools()),
                       reason="missing tools: %s (iproute2, nftables, tshark)" % " ".join(_missing_tools())),
]


def sh(args, timeout=STEP, check=True):
    proc = subprocess.run(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError("%s: exit %d: %s" % (" ".join(args), proc.returncode,
                                                  proc.stderr.decode("utf-8", "replace")))
    return proc


def readline_within(stream, deadline, what):
    """One line from a child's pipe, or fail at the deadline (no sleeps)."""
    buf = b""
    fd = stream.fileno()
    while not buf.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError("no %s within %.0f s (got %r)" % (what, STEP, buf))
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            chunk = os.read(fd, 1)
            if not chunk:
                raise AssertionError("%s: pipe closed (got %r)" % (what, buf))
            buf += chunk
    return buf.decode("utf-8", "replace").rstrip("\n")


class NetnsPair:
    """Sender and receiver namespaces joined by veth; processes started here
    are tracked so that teardown ends exactly those."""

    def __init__(self):
        tag = "%d%s" % (os.getpid(), secrets.token_hex(2))    # <= 11 chars
        self.sender = "socklab-sack-s-" + tag
        self.receiver = "socklab-sack-r-" + tag
        self.veth_s = "sks" + tag                             # <= 15 chars (IFNAMSIZ)
        self.veth_r = "skr" + tag
        self.created = []
        self.procs = []

    def setup(self):
        for ns in (self.sender, self.receiver):
            sh(["ip", "netns", "add", ns])
            self.created.append(ns)
            # Only the 198.18.7.0/24 addresses: no IPv6 link-local on the veth.
            self.exec(ns, ["sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1",
                           "net.ipv6.conf.default.disable_ipv6=1"], check=False)
            self.exec(ns, ["ip", "link", "set", "lo", "up"])
        sh(["ip", "link", "add", self.veth_s, "netns", self.sender, "type", "veth",
            "peer", "name", self.veth_r, "netns", self.receiver])
        self.exec(self.sender, ["ip", "addr", "add", SENDER_IP + "/24", "dev", self.veth_s])
        self.exec(self.receiver, ["ip", "addr", "add", RECEIVER_IP + "/24", "dev", self.veth_r])
        for ns, dev in ((self.sender, self.veth_s), (self.receiver, self.veth_r)):
            # MSS-sized segments on the wire (no 64 KB GSO super-packets), so
            # the drops hit single segments and the ACKs carry several blocks.
            # Best effort: an older ip(8) without gso_max_size still works.
            self.exec(ns, ["ip", "link", "set", "dev", dev, "gso_max_size", "1500"], check=False)
            self.exec(ns, ["ip", "link", "set", "dev", dev, "up"])

    def exec(self, ns, args, check=True, timeout=STEP, stdin=None):
        cmd = ["ip", "netns", "exec", ns] + args
        proc = subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=timeout)
        if check and proc.returncode != 0:
            raise AssertionError("%s: exit %d: %s" % (" ".join(cmd), proc.returncode,
                                                      proc.stderr.decode("utf-8", "replace")))
        return proc

    def popen(self, ns, args):
        # ip netns exec execs the command: the Popen pid is the program's.
        proc = subprocess.Popen(["ip", "netns", "exec", ns] + args, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.procs.append(proc)
        return proc

    def teardown(self):
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
            try:
                proc.wait(timeout=STEP)
            except subprocess.TimeoutExpired:
                pass
            for f in (proc.stdout, proc.stderr):
                if f:
                    f.close()
        errors = []
        for ns in self.created:     # deleting a namespace deletes its veth end too
            r = sh(["ip", "netns", "del", ns], check=False)
            if r.returncode != 0:
                errors.append("%s: %s" % (ns, r.stderr.decode("utf-8", "replace").strip()))
        self.created = []
        assert not errors, "could not delete namespaces: %s" % errors


@pytest.fixture
def netns_pair():
    pair = NetnsPair()
    try:
        pair.setup()
        yield pair
    finally:
        pair.teardown()


def check_no_sanitizer(err):
    for mark in SANITIZER_MARKS:
        assert mark not in err, err


def capture_sack_transfer(pair, path):
    """The transfer with induced loss, captured on the sender's veth.
    Returns the nft drop count."""
    pair.exec(pair.receiver, ["nft", "-f", "-"], stdin=NFT_RULES.encode())
    receiver = pair.popen(pair.receiver, [PY, "-c", RECEIVER, RECEIVER_IP, str(PORT)])
    line = readline_within(receiver.stdout, time.monotonic() + STEP, "receiver listening")
    assert line == "listening", line
    cap = pair.popen(pair.sender, [BIN, "capture", "-i", pair.veth_s, "-s", str(SNAPLEN),
                                   "-w", path, "tcp", "port", str(PORT)])
    line = readline_within(cap.stderr, time.monotonic() + STEP, "'capturing on' from socklab capture")
    assert "capturing on " + pair.veth_s in line, line
    sender = pair.popen(pair.sender, [PY, "-c", SENDER, RECEIVER_IP, str(PORT), str(NBYTES)])
    s_out, s_err = sender.communicate(timeout=3 * STEP)
    assert sender.returncode == 0, s_err.decode("utf-8", "replace")
    assert s_out.decode().strip() == str(NBYTES), "receiver counted %r" % s_out
    r_out, r_err = receiver.communicate(timeout=STEP)
    assert receiver.returncode == 0, r_err.decode("utf-8", "replace")
    # The transfer is over (the sender saw the receiver's FIN); stop the
    # capture: it flushes and closes the file on SIGTERM. A last ACK still
    # unread in the ring may be missed; every packet written is compared.
    cap.send_signal(signal.SIGTERM)
    _, c_err = cap.communicate(timeout=STEP)
    c_err = c_err.decode("utf-8", "replace")
    check_no_sanitizer(c_err)
    assert cap.returncode == 0, c_err
    pair.capture_err = c_err
    rules = pair.exec(pair.receiver, ["nft", "list", "table", "inet", "socklab_sack"]).stdout.decode()
    m = re.search(r"counter packets (\d+)", rules)
    assert m, rules
    return int(m.group(1))


# tshark -T fields columns. With relative sequence numbers off, seq_raw,
# ack_raw and the SACK edges are the absolute values on the wire. A first
# block that is a D-SACK (RFC 2883: the receiver got a segment twice, after
# a retransmission) is in sack_le/sack_re like every block, and repeated in
# dsack_le/dsack_re; only counted here (socklab does not flag D-SACK).
TSHARK_FIELDS = ["frame.number", "tcp.srcport", "tcp.dstport", "tcp.seq_raw", "tcp.ack_raw",
                 "tcp.options.sack.dsack_le", "tcp.options.sack.dsack_re",
                 "tcp.options.sack_le", "tcp.options.sack_re", "tcp.options.sack_perm",
                 "tcp.options.wscale.shift", "tcp.options.mss_val",
                 "tcp.options.timestamp.tsval", "tcp.options.timestamp.tsecr",
                 "tcp.len", "tcp.hdr_len", "tcp.window_size_value"]


def tshark_rows(path):
    cmd = ["tshark", "-n", "-r", path, "-o", "tcp.relative_sequence_numbers:FALSE",
           "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=,"]
    for f in TSHARK_FIELDS:
        cmd += ["-e", f]
    proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=60)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    rows = []
    for line in proc.stdout.decode("utf-8", "replace").splitlines():
        cols = line.split("\t")
        cols += [""] * (len(TSHARK_FIELDS) - len(cols))
        rows.append(dict(zip(TSHARK_FIELDS, cols)))
    return rows


def ints(v):
    return [int(x) for x in v.split(",")] if v else []


def theirs_of(row):
    pairs = list(zip(ints(row["tcp.options.sack_le"]), ints(row["tcp.options.sack_re"])))
    return {
        "sport": int(row["tcp.srcport"]),
        "dport": int(row["tcp.dstport"]),
        "seq": int(row["tcp.seq_raw"]),
        "ack": int(row["tcp.ack_raw"]),
        "sack": [list(p) for p in pairs],
        "sack_permitted": row["tcp.options.sack_perm"] != "",
        "wscale": ints(row["tcp.options.wscale.shift"]),
        "mss": ints(row["tcp.options.mss_val"]),
        "ts_val": ints(row["tcp.options.timestamp.tsval"]),
        "ts_ecr": ints(row["tcp.options.timestamp.tsecr"]),
        "payload_len": int(row["tcp.len"]),
        "hlen": int(row["tcp.hdr_len"]),
        "win": int(row["tcp.window_size_value"]),
    }


def ours_of(tcp):
    opts = tcp.get("options", [])
    return {
        "sport": tcp["sport"],
        "dport": tcp["dport"],
        "seq": tcp["seq"],
        "ack": tcp["ack"],
        "sack": [list(p) for o in opts if o["kind"] == "sack" for p in o["sack"]],
        "sack_permitted": any(o["kind"] == "sack_permitted" for o in opts),
        "wscale": [o["wscale"] for o in opts if o["kind"] == "wscale"],
        "mss": [o["mss"] for o in opts if o["kind"] == "mss"],
        "ts_val": [o["ts_val"] for o in opts if o["kind"] == "timestamp"],
        "ts_ecr": [o["ts_ecr"] for o in opts if o["kind"] == "timestamp"],
        "payload_len": tcp["payload_len"],
        "hlen": tcp["hlen"],
        "win": tcp["win"],
    }


def compare_with_tshark(path):
    """socklab decode --json against tshark, packet by packet.
    Returns (counts, mismatches)."""
    proc = subprocess.run([BIN, "decode", "--json", path], stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    err = proc.stderr.decode("utf-8", "replace")
    check_no_sanitizer(err)
    assert proc.returncode == 0, err
    ours = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    theirs = tshark_rows(path)
    assert len(ours) == len(theirs), "socklab %d packets, tshark %d" % (len(ours), len(theirs))

    mismatches = []
    n = {"packets": len(ours), "sack": 0, "max_blocks": 0, "dsack": 0, "syn": 0, "sent": 0}
    for i, (obj, row) in enumerate(zip(ours, theirs), 1):
        assert row["frame.number"] == str(i)
        assert "tcp" in obj and "error" not in obj, "#%d: %r" % (i, obj)
        mine, want = ours_of(obj["tcp"]), theirs_of(row)
        if mine["dport"] == PORT:
            n["sent"] += mine["payload_len"]
        if row["tcp.options.sack.dsack_le"]:
            n["dsack"] += 1
        if mine["sack"]:
            n["sack"] += 1
            n["max_blocks"] = max(n["max_blocks"], len(mine["sack"]))
        if "SYN" in obj["tcp"]["flags"]:
            n["syn"] += 1
            assert mine["sack_permitted"] and mine["mss"] and mine["wscale"], "#%d: %r" % (i, obj)
        for k in want:
            if mine[k] != want[k]:
                mismatches.append("#%d %s: ours %r, tshark %r" % (i, k, mine[k], want[k]))
    return n, mismatches


def test_sack_after_induced_loss_decodes_like_tshark(netns_pair, tmp_path):
    path = str(tmp_path / "sack.pcap")
    dropped = capture_sack_transfer(netns_pair, path)
    assert dropped > 0, "the nftables rule dropped nothing: no loss, no SACK"
    n, mismatches = compare_with_tshark(path)
    print("%(packets)d packets, %(sack)d with SACK blocks (up to %(max_blocks)d in one, "
          "%(dsack)d D-SACK), " % n + "%d segments dropped by nft" % dropped)
    # Retransmissions included, so at least NBYTES unless packets were lost.
    assert n["sent"] >= NBYTES, "capture incomplete: %d payload bytes to port %d; capture said %r" % (
        n["sent"], PORT, netns_pair.capture_err)
    assert n["syn"] == 2, "expected SYN and SYN-ACK in the capture, saw %d" % n["syn"]
    assert n["sack"] > 0, "no packet carries SACK blocks (%d segments dropped)" % dropped
    assert not mismatches, "%d mismatches:\n%s" % (len(mismatches), "\n".join(mismatches[:60]))
