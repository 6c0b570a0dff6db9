"""Every tool's --json is JSON Lines: each tool runs a short loopback scenario
and every line of its JSON stream must parse, carry the field that says what
it is, and give bytes that are not UTF-8 back through the one escaping form
(core/jsontext: codecs.escape_decode after JSON decoding gives the bytes).
echo-server, echo-client and chat-client are tested by their own files.
capture and trace need root and are skipped without it."""
import codecs
import json
import os
import signal
import socket
import subprocess
import threading

import pytest

from conftest import BIN, SANITIZER_MARKS, WAIT, all_ephemeral

RAW = b"caf\xe9\\x"  # malformed UTF-8 and a backslash
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root")


def json_lines(text, kind_of):
    """Every line parsed; kind_of(obj) says what the object is (never None)."""
    if isinstance(text, bytes):
        text = text.decode("ascii")  # --json is ASCII: everything else is escaped
    lines = text.splitlines()
    assert lines, "no output"
    objs = [json.loads(l) for l in lines]
    for o in objs:
        assert isinstance(o, dict) and kind_of(o), o
    return objs


def by_type(o):
    return o.get("type")


def by_event(o):
    return o.get("event")


def unescape(s):
    return codecs.escape_decode(s.encode())[0]


def no_sanitizer_report(err):
    if isinstance(err, bytes):
        err = err.decode("utf-8", "replace")
    assert not any(m in err for m in SANITIZER_MARKS), err


def banner_server(payload):
    """A TCP listener that sends payload to each of (at most 2) callers."""
    lsn = socket.socket()
    lsn.bind(("127.0.0.1", 0))
    lsn.listen()
    lsn.settimeout(WAIT)

    def run():
        try:
            for _ in range(2):
                c, _ = lsn.accept()
                with c:
                    c.sendall(payload)
                    c.settimeout(1)
                    try:
                        c.recv(100)
                    except OSError:
                        pass
        except OSError:
            pass

    threading.Thread(target=run, daemon=True).start()
    return lsn


def test_nc():
    lsn = banner_server(b"")
    port = lsn.getsockname()[1]
    p = subprocess.run([BIN, "nc", "--json", "127.0.0.1", str(port)], input=RAW,
                       capture_output=True, timeout=WAIT)
    lsn.close()
    assert p.returncode == 0, p.stderr
    objs = json_lines(p.stderr, by_type)  # the data is stdout's; the JSON stderr's
    assert [o["type"] for o in objs] == ["connected", "session"]
    assert objs[1]["bytes_sent"] == len(RAW) and objs[1]["tcp_info"]["state"]
    # -z: one object per port
    z = subprocess.run([BIN, "nc", "--json", "-z", "127.0.0.1", str(port)],
                       capture_output=True, timeout=WAIT)
    assert json_lines(z.stderr, by_type)[0]["type"] == "probe"


def test_chat_pair():
    a = subprocess.Popen([BIN, "chat", "--json", "--name", "a", "-4", "0"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = json.loads(a.stdout.readline())
    assert first["type"] == "listening"
    port = first["port"]
    b = subprocess.run([BIN, "chat", "--json", "--name", "b", "127.0.0.1", str(port)],
                       input=RAW + b"\n", capture_output=True, timeout=WAIT)
    a.stdin.close()
    a_out = a.stdout.read()
    a.wait(timeout=WAIT)
    no_sanitizer_report(a.stderr.read() + b.stderr)
    assert a.returncode == 0 and b.returncode == 0
    a_objs = json_lines(a_out, by_type)
    b_objs = json_lines(b.stdout, by_type)
    got = [o for o in a_objs if o["type"] == "received"]
    sent = [o for o in b_objs if o["type"] == "sent"]
    assert [unescape(o["text"]) for o in got + sent] == [RAW, RAW]
    assert a_objs[-1]["type"] == b_objs[-1]["type"] == "end"


def test_scan_banner_round_trip():
    lsn = banner_server(RAW + b"\r\n")
    port = lsn.getsockname()[1]
    p = subprocess.run([BIN, "scan", "--json", "-b", "-p", str(port), "127.0.0.1"],
                       capture_output=True, timeout=WAIT * 4)
    lsn.close()
    assert p.returncode == 0, p.stderr
    objs = json_lines(p.stdout, lambda o: by_type(o) in ("port", "summary"))
    assert objs[-1]["type"] == "summary"
    assert unescape(objs[0]["banner"]) == RAW + b"\r\n"
    assert objs[0]["banner"] == "caf\\xe9\\\\x\r\n"


HOLDER = """
import ctypes, socket, sys, time
ctypes.CDLL(None).prctl(15, ctypes.c_char_p(%r), 0, 0, 0)  # PR_SET_NAME
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen()
print(s.getsockname()[1], flush=True)
sys.stdin.read()  # until the test closes it
"""


def test_sockets_process_name_round_trip():
    """A process whose name is not UTF-8 (prctl PR_SET_NAME) holds a socket."""
    holder = subprocess.Popen(["/usr/bin/python3", "-c", HOLDER % RAW], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE)
    try:
        port = int(holder.stdout.readline())
        p = subprocess.run([BIN, "sockets", "--json", "-t", "-l", "--port", str(port)],
                           capture_output=True, timeout=WAIT)
    finally:
        holder.stdin.close()
        holder.wait(timeout=WAIT)
    assert p.returncode == 0, p.stderr
    objs = json_lines(p.stdout, lambda o: by_type(o) == "socket")
    mine = [o for o in objs if o["local_port"] == port and o["pid"] == holder.pid]
    assert len(mine) == 1, objs
    assert unescape(mine[0]["process"]) == RAW


def test_serve_and_chat_server(start_server):
    srv = start_server(*all_ephemeral())
    with socket.create_connection(("127.0.0.1", srv.port("echo")), timeout=WAIT) as c:
        c.sendall(RAW)
        assert c.recv(100) == RAW
    srv.wait_event(lambda e: e["event"] == "end")
    assert srv.stop() == 0
    rest = []
    while True:
        line = srv.lines.get(timeout=WAIT)
        if line is None:
            break
        rest.append(line)
    objs = srv.events + json_lines("\n".join(rest), by_event)
    assert all(by_event(o) for o in objs) and objs[-1]["event"] == "stopped"

    cs = subprocess.Popen([BIN, "chat-server", "--json", "--bind", "127.0.0.1", "0"],
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = []
    while not first or first[-1].get("event") != "ready":
        first.append(json.loads(cs.stdout.readline()))
    cs.send_signal(signal.SIGTERM)
    out, err = cs.communicate(timeout=WAIT)
    no_sanitizer_report(err)
    assert cs.returncode == 0, err
    objs = first + (json_lines(out, by_event) if out.strip() else [])
    assert all(by_event(o) for o in objs)


def test_decode(tmp_path):
    # one UDP packet on Ethernet whose payload is RAW: decode's objects are
    # per packet (their keys say what they are)
    udp = (40000).to_bytes(2, "big") + (9).to_bytes(2, "big") + \
        (8 + len(RAW)).to_bytes(2, "big") + b"\0\0" + RAW
    ip = bytes([0x45, 0, 0, 20 + len(udp), 0, 1, 0, 0, 64, 17, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1])
    frame = b"\0" * 12 + b"\x08\x00" + ip + udp
    pcap = tmp_path / "one.pcap"
    pcap.write_bytes(bytes.fromhex("d4c3b2a1020004000000000000000000ffff000001000000") +
                     (1).to_bytes(4, "little") + (0).to_bytes(4, "little") +
                     len(frame).to_bytes(4, "little") * 2 + frame)
    p = subprocess.run([BIN, "decode", "--json", "--flows", str(pcap)], capture_output=True,
                       timeout=WAIT)
    assert p.returncode == 0, p.stderr
    # (decode carries no payload text: its length only)
    pkt, flow = json_lines(p.stdout, lambda o: by_type(o) in ("packet", "flow"))
    assert (pkt["type"], flow["type"]) == ("packet", "flow")
    assert pkt["udp"]["payload_len"] == len(RAW)
    assert (flow["flow"], flow["forward"]["bytes"]) == ("udp", len(RAW))


@needs_root
def test_capture_on_lo():
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", 0))
    port = u.getsockname()[1]
    p = subprocess.Popen([BIN, "capture", "-i", "lo", "-c", "2", "--json", "udp", "port",
                          str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert "capturing on lo" in p.stderr.readline().decode()
    for _ in range(2):
        u.sendto(RAW, ("127.0.0.1", port))
    out, err = p.communicate(timeout=WAIT)
    u.close()
    assert p.returncode == 0, err
    objs = json_lines(out, lambda o: "ts" in o)
    assert len(objs) == 2 and all(o["udp"]["dport"] == port for o in objs)


@needs_root
def test_trace():
    lsn = banner_server(b"")
    port = lsn.getsockname()[1]
    code = ("import socket; s = socket.create_connection(('127.0.0.1', %d)); "
            "s.sendall(%r); s.close()" % (port, RAW))
    p = subprocess.run([BIN, "trace", "--json", "--", "/usr/bin/python3", "-c", code],
                       capture_output=True, timeout=WAIT * 6)
    lsn.close()
    no_sanitizer_report(p.stderr)
    assert p.returncode == 0, p.stderr
    objs = json_lines(p.stdout, by_type)
    assert {"call"} <= {o["type"] for o in objs}
