"""socklab nc --json: JSON Lines on standard error (standard output stays the
data): events, one session object at the end with the bytes each way, how
it closed and TCP_INFO, one probe object per -z port. Python servers on
loopback play the peer, so every way of ending is made on purpose."""
import json
import signal
import socket
import struct
import subprocess
import time

from conftest import BIN, WAIT
from nc_util import PyServer, nc

SESSION_KEYS = {"type", "time", "proto", "role", "local_addr", "local_port", "peer_addr",
                "peer_port", "start", "duration_s", "bytes_sent", "bytes_received", "close",
                "reason", "local_eof", "status"}
TCP_INFO_KEYS = {"state", "rtt_ms", "rttvar_ms", "rto_ms", "retransmits", "total_retrans", "lost",
                 "cwnd", "ssthresh", "mss", "rcv_mss", "pmtu"}


def objects(stderr):
    """Every line of stderr as JSON: nothing else is written there."""
    lines = stderr.decode().splitlines()
    assert lines, "no JSON on stderr"
    return [json.loads(l) for l in lines]


def only(objs, kind):
    found = [o for o in objs if o["type"] == kind]
    assert len(found) == 1, (kind, objs)
    return found[0]


def check_session(o, proto):
    assert SESSION_KEYS <= set(o), o
    assert o["proto"] == proto
    assert o["duration_s"] >= 0 and o["start"] <= o["time"]
    assert abs(o["time"] - time.time()) < 60
    if proto == "tcp":
        info = o["tcp_info"]
        assert TCP_INFO_KEYS <= set(info), info
        assert info["rtt_ms"] >= 0 and info["rttvar_ms"] >= 0 and info["rto_ms"] > 0
        assert info["cwnd"] >= 1 and info["mss"] >= 88
        assert info["total_retrans"] >= info["retransmits"] >= 0
        assert info["ssthresh"] is None or info["ssthresh"] >= 2


def test_eof_both_sides_counts_bytes():
    sent = bytes(range(256)) * 300 + b"caf\xe9\\x"
    reply = b"reply \xff\x00 done\n" * 50

    def handler(conn, res):
        got = b""
        while True:
            b = conn.recv(65536)
            if not b:
                break
            got += b
        res["got"] = got
        conn.sendall(reply)

    srv = PyServer(handler)
    r = nc("--json", "127.0.0.1", srv.port, data=sent)
    assert srv.join()["got"] == sent
    assert r.returncode == 0, r.stderr
    assert r.stdout == reply  # the data is untouched by --json
    objs = objects(r.stderr)
    assert [o["type"] for o in objs] == ["connected", "session"]
    c, s = objs
    assert (c["peer_addr"], c["peer_port"], c["role"]) == ("127.0.0.1", srv.port, "connect")
    check_session(s, "tcp")
    assert (s["bytes_sent"], s["bytes_received"]) == (len(sent), len(reply))
    assert (s["close"], s["local_eof"], s["peer_eof"], s["status"]) == ("eof", True, True, 0)
    assert s["unsent_bytes"] == 0 and s["input_not_ended"] is False
    assert (s["local_port"], s["peer_port"]) == (c["local_port"], c["peer_port"])
    # the kernel's count agrees: every byte sent acknowledged (and the FIN)
    # (the kernel counts the FIN, and on some versions the SYN, in these)
    assert len(sent) <= s["tcp_info"]["bytes_acked"] <= len(sent) + 2
    assert len(reply) <= s["tcp_info"]["bytes_received"] <= len(reply) + 2


def test_reset_by_peer():
    def handler(conn, res):
        conn.sendall(b"bye")
        time.sleep(0.1)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    srv = PyServer(handler)
    p = subprocess.Popen([BIN, "nc", "--json", "127.0.0.1", str(srv.port)], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.wait(timeout=WAIT)  # standard input still open: it had not ended
    out, err = p.communicate(timeout=WAIT)
    srv.join()
    assert p.returncode == 1 and out == b"bye"
    s = only(objects(err), "session")
    check_session(s, "tcp")
    assert (s["close"], s["peer_eof"], s["local_eof"]) == ("reset", False, False)
    assert s["input_not_ended"] is True
    assert s["bytes_received"] == 3 and s["status"] == 1
    assert "reset" in s["reason"]


def test_listen_idle_timeout_and_signal():
    # -w: a peer that sends nothing for 0.3 s ends the session as "idle"
    p = subprocess.Popen([BIN, "nc", "--json", "-l", "-w", "0.3", "127.0.0.1", "0"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    listening = json.loads(p.stderr.readline())
    assert listening["type"] == "listening" and listening["proto"] == "tcp"
    c = socket.create_connection(("127.0.0.1", listening["port"]), timeout=WAIT)
    c.sendall(b"x")
    cport = c.getsockname()[1]
    out, err = p.communicate(timeout=WAIT)
    c.close()
    objs = [listening] + objects(err)
    s = only(objs, "session")
    check_session(s, "tcp")
    assert (s["role"], s["close"], s["bytes_received"], p.returncode) == ("listen", "idle", 1, 1)
    assert (s["peer_addr"], s["peer_port"]) == ("127.0.0.1", cport)

    # SIGINT: the session still gets its object, exit 128+2
    srv = PyServer(lambda conn, res: conn.recv(1))
    p = subprocess.Popen([BIN, "nc", "--json", "127.0.0.1", str(srv.port)], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert json.loads(p.stderr.readline())["type"] == "connected"
    p.send_signal(signal.SIGINT)
    p.wait(timeout=WAIT)  # standard input still open: it had not ended
    out, err = p.communicate(timeout=WAIT)
    srv.join()
    s = only(objects(err), "session")
    assert (s["close"], s["status"], p.returncode) == ("signal", 130, 130)
    assert s["input_not_ended"] is True


def test_udp_session_and_unanswered():
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", 0))
    u.settimeout(WAIT)
    uport = u.getsockname()[1]
    p = subprocess.Popen([BIN, "nc", "--json", "-u", "-w", "0.4", "127.0.0.1",
                          str(u.getsockname()[1])], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    p.stdin.write(b"one")
    p.stdin.flush()
    data, peer = u.recvfrom(100)
    u.sendto(b"answer\xe9", peer)
    p.stdin.write(b"two")  # never answered
    p.stdin.flush()
    u.recvfrom(100)
    out, err = p.communicate(timeout=WAIT)
    u.close()
    assert out == b"answer\xe9"
    objs = objects(err)
    assert only(objs, "unanswered")["datagrams"] == 1
    s = only(objs, "session")
    check_session(s, "udp")
    assert "tcp_info" not in s
    assert (s["datagrams_sent"], s["datagrams_received"], s["datagrams_unanswered"]) == (2, 1, 1)
    assert (s["bytes_sent"], s["bytes_received"]) == (6, 7)
    assert s["close"] == "input_ended" and s["local_eof"] is True and s["status"] == 0
    assert (s["peer_addr"], s["peer_port"]) == ("127.0.0.1", uport)


def test_zero_io_one_probe_per_port():
    lsn = socket.socket()
    lsn.bind(("127.0.0.1", 0))
    lsn.listen()
    port = lsn.getsockname()[1]
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))  # bound, never listening: refused
    cport = closed.getsockname()[1]
    lo, hi = sorted((port, cport))
    if hi - lo > 50:  # far apart: probe them one at a time
        runs = [nc("--json", "-z", "127.0.0.1", p) for p in (lo, hi)]
        objs = [o for r in runs for o in objects(r.stderr)]
    else:
        r = nc("--json", "-z", "127.0.0.1", "%d-%d" % (lo, hi))
        assert r.returncode == 0 and r.stdout == b""
        objs = objects(r.stderr)
        assert [o["port"] for o in objs] == list(range(lo, hi + 1))
    lsn.close()
    closed.close()
    by_port = {o["port"]: o for o in objs}
    assert all(o["type"] == "probe" and o["proto"] == "tcp" for o in objs)
    assert by_port[port]["state"] == "open" and by_port[port]["addr"] == "127.0.0.1"
    assert by_port[port]["reason"] is None
    assert by_port[cport]["state"] == "closed" and "refused" in by_port[cport]["reason"]


def test_error_before_a_session_is_json_too():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]  # bound, not listening: refused
    r = nc("--json", "127.0.0.1", port)
    s.close()
    assert r.returncode == 1
    o, = objects(r.stderr)
    assert o["type"] == "error" and "refused" in o["message"]


def test_help_mentions_json():
    r = subprocess.run([BIN, "nc", "--help"], capture_output=True, text=True, timeout=WAIT)
    assert "--json" in r.stdout
