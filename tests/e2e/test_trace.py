"""socklab trace end to end: the seeds' Python clients and servers, socklab's
own nc and echo pair, a refused connect, a static binary, no privilege,
output files that cannot be written, a program without socket calls, and
the SVG rendered by headless Chromium. Capturing needs root; without it the
tests that capture skip (one checks the error line as an ordinary user)."""
import json
import os
import shutil
import socket
import subprocess
import xml.etree.ElementTree as ET

import pytest

from conftest import BIN, SANITIZER_MARKS
from pngread import png_pixels

PY = "/usr/bin/python3"
PROGS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "trace_progs")
NOBODY = 65534
TIMEOUT = 90

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="capturing packets needs root")


def free_port(kind=socket.SOCK_STREAM):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prog(name):
    return os.path.join(PROGS, name)


def run_trace(args, stdin=b"", prefix=()):
    p = subprocess.run(list(prefix) + [BIN, "trace"] + list(args), input=stdin,
                       capture_output=True, timeout=TIMEOUT)
    err = p.stderr.decode("utf-8", "replace")
    assert not any(m in err for m in SANITIZER_MARKS), err
    return p.returncode, p.stdout.decode("utf-8", "replace"), err


class Story:
    """The JSON Lines of one trace, split by type, with lookups."""

    def __init__(self, out):
        self.objs = [json.loads(line) for line in out.splitlines() if line.strip()]
        self.calls = [o for o in self.objs if o["type"] == "call"]
        self.packets = [o for o in self.objs if o["type"] == "packet"]
        self.states = [o for o in self.objs if o["type"] == "state"]
        self.call_by_id = {c["id"]: c for c in self.calls}
        self.packet_by_no = {p["no"]: p for p in self.packets}

    def calls_of(self, pid, name=None):
        return [c for c in self.calls if c["pid"] == pid and (name is None or c["name"] == name)]

    def pid_of(self, name, pred=lambda c: True):
        pids = {c["pid"] for c in self.calls if c["name"] == name and pred(c)}
        assert len(pids) == 1, (name, pids)
        return pids.pop()

    def tcp(self, sport, dport, flags=None, data=None):
        out = []
        for p in self.packets:
            if p["proto"] != "tcp" or p["sport"] != sport or p["dport"] != dport:
                continue
            if flags is not None and sorted(p["flags"]) != sorted(flags):
                continue
            if data is not None and (p["len"] > 0) != data:
                continue
            out.append(p)
        return out

    def states_of(self, endpoint, peer):
        return [s["to"] for s in self.states if s["endpoint"] == endpoint and s["peer"] == peer]

    def cause(self, packet):
        c = packet["caused_by"]
        return self.call_by_id[c] if isinstance(c, int) else c


def seed002(extra=(), sp=None, cp=None):
    sp = sp or free_port()
    cp = cp or free_port()
    rc, out, err = run_trace(list(extra) + [
        "--server", "%s %s %d" % (PY, prog("seed002_server.py"), sp),
        "--", PY, prog("seed002_client.py"), str(sp), str(cp)])
    return rc, out, err, sp, cp


@needs_root
def test_seed002_pair_calls_packets_and_states():
    rc, out, err, sp, cp = seed002(["--json"])
    assert rc == 0, err
    # the programs' own output goes to stderr with --json
    assert "server response line 1\nserver response line 2\n" in err
    s = Story(out)
    client = s.pid_of("connect")
    server = s.pid_of("listen")
    assert client != server

    # SYN by connect; SYN-ACK by the kernel and it completes connect
    syn, = s.tcp(cp, sp, ["SYN"])
    connect, = s.calls_of(client, "connect")
    assert syn["caused_by"] == connect["id"] and syn["seq"] == 0
    synack, = s.tcp(sp, cp, ["SYN", "ACK"])
    assert synack["caused_by"] == "kernel"
    assert connect["completed_by"] == synack["no"]
    assert connect["ret"] == 0 and connect["errno"] is None

    # the handshake's last ACK completes accept
    third = [p for p in s.tcp(cp, sp, ["ACK"], data=False) if p["no"] > synack["no"]][0]
    accept = [c for c in s.calls_of(server) if c["name"] in ("accept", "accept4")]
    assert len(accept) == 1
    accept = accept[0]
    assert accept["completed_by"] == third["no"]
    assert accept["args"]["addr"] == "127.0.0.1:%d" % cp

    # each data segment tied to its sendall (two send calls of 22 bytes)
    sends = [c for c in s.calls_of(client, "send") if c["ret"] == 22]
    assert len(sends) == 2
    data = s.tcp(cp, sp, data=True)
    assert sum(p["len"] for p in data) == 44
    assert {p["caused_by"] for p in data} == {c["id"] for c in sends}
    assert data[0]["caused_by"] == sends[0]["id"] and data[0]["seq"] == 1

    # the client's FIN by shutdown(SHUT_WR); the server's recv returns EOF to it
    shutdown, = s.calls_of(client, "shutdown")
    assert shutdown["args"]["how"] == "SHUT_WR"
    cfin, = [p for p in s.tcp(cp, sp) if "FIN" in p["flags"]]
    # (had Nagle held the second line until the shutdown, one segment would
    # carry both: the send's data and the shutdown's FIN)
    assert shutdown["id"] in (cfin["caused_by"], cfin.get("fin_caused_by"))
    conn_fd = accept["ret"]
    eof = [c for c in s.calls_of(server, "recv") if c["fd"] == conn_fd and c["ret"] == 0]
    assert len(eof) == 1 and eof[0]["completed_by"] == cfin["no"]
    # the server's recvs with data are completed by the client's segments
    for c in s.calls_of(server, "recv"):
        if c["ret"] > 0:
            assert s.packet_by_no[c["completed_by"]]["caused_by"] in {x["id"] for x in sends}

    # the server's data by its sendall, its FIN by close of the connection
    ssends = [c for c in s.calls_of(server, "send") if c["ret"] == 23]
    assert len(ssends) == 2
    sdata = s.tcp(sp, cp, data=True)
    assert {p["caused_by"] for p in sdata} == {c["id"] for c in ssends}
    sclose = [c for c in s.calls_of(server, "close") if c["fd"] == conn_fd]
    sfin, = [p for p in s.tcp(sp, cp) if "FIN" in p["flags"]]
    assert sfin["caused_by"] == sclose[0]["id"]
    # the client's last recv returns EOF because of that FIN
    ceof = [c for c in s.calls_of(client, "recv") if c["ret"] == 0]
    assert ceof[-1]["completed_by"] == sfin["no"]
    # pure ACKs are the kernel's
    for p in s.packets:
        if p["flags"] == ["ACK"] and p["len"] == 0 and p["no"] != third["no"]:
            assert p["caused_by"] == "kernel" and p["why"], p

    # the walkthrough's states, both ends
    cep, sep = "127.0.0.1:%d" % cp, "127.0.0.1:%d" % sp
    assert s.states_of(cep, sep) == ["SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2",
                                     "TIME_WAIT"]
    assert s.states_of(sep, cep) == ["SYN_RCVD", "ESTABLISHED", "CLOSE_WAIT", "LAST_ACK",
                                     "CLOSED"]
    assert s.states_of(sep, None)[0] == "LISTEN"
    # every call has its fields, times in order
    for c in s.calls:
        for key in ("id", "pid", "tid", "name", "fd", "args", "t_enter", "t_exit", "ret",
                    "errno", "completed_by"):
            assert key in c, (key, c)
        assert c["t_exit"] is None or c["t_exit"] >= c["t_enter"]


@needs_root
def test_seed002_ladder_text_and_pcap(tmp_path):
    pcap = tmp_path / "t.pcap"
    rc, out, err, sp, cp = seed002(["--pcap", str(pcap)])
    assert rc == 0, err
    for word in ("SYN_SENT", "SYN_RCVD", "ESTABLISHED", "FIN_WAIT_1", "CLOSE_WAIT",
                 "FIN_WAIT_2", "LAST_ACK", "TIME_WAIT", "connect(", "accept4(",
                 "shutdown(", "SHUT_WR", "kernel"):
        assert word in out, (word, out)
    assert "127.0.0.1:%d" % cp in out and "127.0.0.1:%d" % sp in out
    # the kept capture decodes, with the trace's packets only
    p = subprocess.run([BIN, "decode", "--json", str(pcap)], capture_output=True,
                       timeout=TIMEOUT)
    assert p.returncode == 0, p.stderr
    pkts = [json.loads(line) for line in p.stdout.decode().splitlines()]
    assert len(pkts) >= 10
    ports = {sp, cp}
    for k in pkts:
        assert {k["tcp"]["sport"], k["tcp"]["dport"]} == ports


@needs_root
def test_seed001_udp_each_datagram_tied_to_sendto_and_recvfrom():
    port = free_port(socket.SOCK_DGRAM)
    rc, out, err = run_trace([
        "--json", "--server", "%s %s %d" % (PY, prog("seed001_udp_server.py"), port),
        "--", PY, prog("seed001_udp_client.py"), str(port)], stdin=b"hello udp\n")
    assert rc == 0, err
    assert "HELLO UDP" in err
    s = Story(out)
    client = s.pid_of("sendto", lambda c: c["args"].get("addr") == "127.0.0.1:%d" % port)
    server = s.pid_of("bind")
    dgrams = [p for p in s.packets if p["proto"] == "udp"]
    assert len(dgrams) == 2
    req, resp = dgrams
    assert req["dport"] == port and resp["sport"] == port and req["len"] == 9
    csend, = s.calls_of(client, "sendto")
    assert req["caused_by"] == csend["id"]
    srecv = s.calls_of(server, "recvfrom")
    assert srecv[0]["completed_by"] == req["no"] and srecv[0]["ret"] == 9
    ssend, = s.calls_of(server, "sendto")
    assert resp["caused_by"] == ssend["id"]
    crecv, = s.calls_of(client, "recvfrom")
    assert crecv["completed_by"] == resp["no"]
    # the server waits in its next recvfrom until trace stops it
    assert srecv[-1]["t_exit"] is None
    assert not s.states  # UDP has no states


@needs_root
def test_socklab_nc_traced():
    sp = free_port()
    rc, out, err = run_trace([
        "--json", "--server", "%s %s %d" % (PY, prog("seed002_server.py"), sp),
        "--", BIN, "nc", "127.0.0.1", str(sp)], stdin=b"hello from nc\n")
    assert rc == 0, err
    assert "server response line 2" in err
    s = Story(out)
    nc = s.pid_of("connect", lambda c: c["args"].get("addr") == "127.0.0.1:%d" % sp)
    syn = [p for p in s.packets if p["flags"] == ["SYN"] and p["dport"] == sp]
    assert len(syn) == 1
    cp = syn[0]["sport"]
    assert s.cause(syn[0])["name"] == "connect" and s.cause(syn[0])["pid"] == nc
    data, = s.tcp(cp, sp, data=True)
    writer = s.cause(data)
    assert writer["pid"] == nc and writer["name"] in ("send", "write", "writev", "splice",
                                                       "sendfile", "sendmsg")
    fin, = [p for p in s.tcp(cp, sp) if "FIN" in p["flags"]]
    closer = s.call_by_id[fin.get("fin_caused_by") or fin["caused_by"]]
    assert closer["name"] in ("shutdown", "close") and closer["pid"] == nc
    # whatever nc waited in (connect, poll, epoll_wait), the SYN-ACK woke it
    synack, = s.tcp(sp, cp, ["SYN", "ACK"])
    assert any(c["completed_by"] == synack["no"] for c in s.calls_of(nc)), s.calls_of(nc)
    # and the server's data reached a read of nc
    sdata = s.tcp(sp, cp, data=True)
    woke = {c["completed_by"] for c in s.calls_of(nc) if c["completed_by"]}
    assert woke & {p["no"] for p in sdata}


@needs_root
def test_socklab_echo_pair_traced():
    sp = free_port()
    rc, out, err = run_trace([
        "--json", "--server", "%s echo-server -p %d" % (BIN, sp),
        "--", BIN, "echo-client", "-t", "tcp", "-p", str(sp)], stdin=b"ping pong\n")
    assert rc == 0, err
    assert "ping pong" in err
    s = Story(out)
    syn = [p for p in s.packets if p["flags"] == ["SYN"] and p["dport"] == sp]
    assert len(syn) == 1
    client = s.cause(syn[0])["pid"]
    cp = syn[0]["sport"]
    req = s.tcp(cp, sp, data=True)
    resp = s.tcp(sp, cp, data=True)
    assert req and resp
    assert all(s.cause(p)["pid"] == client for p in req)
    server_pids = {s.cause(p)["pid"] for p in resp}
    assert len(server_pids) == 1 and client not in server_pids
    # the echo came back through a call the reply completed
    woke = {c["completed_by"] for c in s.calls_of(client) if c["completed_by"]}
    assert woke & {p["no"] for p in resp}


@needs_root
def test_connect_to_closed_port_rst_ties_to_failing_connect():
    port = free_port()
    rc, out, err = run_trace(["--json", "--", PY, prog("connect_closed.py"), str(port)])
    assert rc == 3, err  # the program's own exit status
    s = Story(out)
    connect, = [c for c in s.calls if c["name"] == "connect"]
    assert connect["errno"] == "ECONNREFUSED" and connect["ret"] == -1
    syn, = [p for p in s.packets if p["flags"] == ["SYN"]]
    assert syn["caused_by"] == connect["id"]
    rst, = [p for p in s.packets if "RST" in p["flags"]]
    assert rst["caused_by"] == "kernel" and "listen" in rst["why"]
    assert connect["completed_by"] == rst["no"]
    assert s.states_of("127.0.0.1:%d" % syn["sport"], "127.0.0.1:%d" % port) == \
        ["SYN_SENT", "CLOSED"]


@needs_root
def test_close_with_unread_data_sends_rst():
    sp = free_port()
    rc, out, err = run_trace([
        "--json", "--server", "%s %s %d" % (PY, prog("rst_server.py"), sp),
        "--", PY, prog("rst_client.py"), str(sp)])
    assert rc == 4, err
    s = Story(out)
    server = s.pid_of("listen")
    rst, = [p for p in s.packets if "RST" in p["flags"]]
    assert rst["sport"] == sp
    close = s.cause(rst)
    assert close["name"] == "close" and close["pid"] == server
    assert close["args"]["unread"] == 18 and rst["why"] == "close with unread data"
    recv, = [c for c in s.calls if c["name"] == "recv" and c["pid"] != server]
    assert recv["errno"] == "ECONNRESET" and recv["completed_by"] == rst["no"]
    # the select that saw the data was woken by the client's segment
    sel, = s.calls_of(server, "select")
    data, = [p for p in s.packets if p["len"] > 0]
    assert sel["completed_by"] == data["no"]
    cp = data["sport"]
    assert s.states_of("127.0.0.1:%d" % cp, "127.0.0.1:%d" % sp)[-1] == "CLOSED"


@needs_root
def test_stalled_program_stopped_at_timeout():
    rc, out, err = run_trace(["--timeout", "1", "--", PY, "-c", "import time; time.sleep(60)"])
    assert rc == 128 + 15, err  # SIGTERM, like the shell reports it
    assert "ran longer than --timeout and was stopped" in err
    # it made no socket call: one line says so, and there is no ladder
    assert "no socket calls were recorded" in err and out == ""


@needs_root
def test_server_that_never_waits_or_dies_early():
    port = free_port()
    # a server that never blocks on the network: the program starts anyway
    rc, out, err = run_trace(["--server-wait", "0.5", "--server", "sleep 30", "--",
                              PY, prog("connect_closed.py"), str(port)])
    assert rc == 3, err
    assert "did not wait in accept/recv/poll" in err
    # a server that ends before it is ready: one error line, exit 1
    rc, out, err = run_trace(["--server", "%s -c 'raise SystemExit(5)'" % PY, "--",
                              PY, prog("connect_closed.py"), str(port)])
    assert rc == 1
    assert "ended before it waited for the network" in err


@needs_root
def test_ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as t:
            t.bind(("::1", 0))
            port = t.getsockname()[1]
    except OSError:
        pytest.skip("no IPv6 loopback")
    server = "%s -c \"import socket; s=socket.socket(socket.AF_INET6); " \
             "s.bind(('::1', %d)); s.listen(1); c, a = s.accept(); " \
             "c.sendall(c.recv(100).upper()); c.close()\"" % (PY, port)
    rc, out, err = run_trace(["--json", "--server", server, "--",
                              BIN, "nc", "-6", "::1", str(port)], stdin=b"over six\n")
    assert rc == 0, err
    assert "OVER SIX" in err
    s = Story(out)
    syn, = [p for p in s.packets if p["flags"] == ["SYN"]]
    assert syn["src"] == "::1" and syn["dport"] == port
    assert s.cause(syn)["name"] == "connect"
    assert s.states_of("[::1]:%d" % syn["sport"], "[::1]:%d" % port)[:2] == \
        ["SYN_SENT", "ESTABLISHED"]


def test_static_binary_refused():
    static = "/usr/sbin/ldconfig"
    if not os.path.exists(static):
        pytest.skip("no /usr/sbin/ldconfig")
    # the preload's limit (the eBPF backend traces static programs:
    # test_trace_ebpf.py)
    rc, out, err = run_trace(["--backend", "preload", "--", static, "-p"])
    assert rc == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "statically linked" in lines[0], err
    assert lines[0].startswith("socklab trace: ")
    assert out == ""


def test_usage_errors():
    rc, out, err = run_trace([])
    assert rc == 2 and "no program to trace" in err
    assert err.strip().splitlines()[1:] == ["Try 'socklab trace --help'."], err
    rc, out, err = run_trace(["--timeout", "soon", "--", "true"])
    assert rc == 2 and "--timeout" in err
    rc, out, err = run_trace(["--no-such-option", "--", "true"])
    assert rc == 2 and "--no-such-option" in err
    rc, out, err = run_trace(["--", "/nonexistent/program"])
    assert rc == 1 and "cannot run '/nonexistent/program'" in err


def one_line(err):
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("socklab trace: "), err
    return lines[0]


def test_output_paths_checked_before_the_program_runs(tmp_path):
    """An output that cannot be written stops trace before the program (it
    may have side effects) runs: one line, exit 1, and no file left behind.
    Needs no capture privilege: the check comes first."""
    marker = tmp_path / "ran"
    prog_args = ["--", "/bin/sh", "-c", "touch %s" % marker]
    cases = [
        (["--svg", "/nonexistent/x.svg"],
         "cannot write '/nonexistent/x.svg' (--svg): No such file or directory"),
        (["--pcap", str(tmp_path)],
         "cannot write '%s' (--pcap): Is a directory" % tmp_path),
        (["--log", "/nonexistent/calls.log"],
         "cannot write '/nonexistent/calls.log' (--log): No such file or directory"),
    ]
    for opts, want in cases:
        rc, out, err = run_trace(opts + prog_args)
        assert (rc, out, one_line(err)) == (1, "", "socklab trace: " + want), opts
        assert not marker.exists(), opts

    # the first output could be opened, the second not: the first, which
    # trace created, is removed again; one that was there stays as it was
    fresh, old = tmp_path / "fresh.svg", tmp_path / "old.svg"
    old.write_text("the old picture\n")
    rc, out, err = run_trace(["--svg", str(fresh), "--log", str(old),
                              "--pcap", "/nonexistent/y.pcap"] + prog_args)
    assert (rc, out) == (1, "")
    assert "cannot write '/nonexistent/y.pcap' (--pcap)" in one_line(err)
    assert not fresh.exists() and not marker.exists()
    assert old.read_text() == "the old picture\n"

    # two outputs into one file: a usage error
    rc, out, err = run_trace(["--svg", str(fresh), "--pcap", str(fresh)] + prog_args)
    assert (rc, out) == (2, "")
    assert err.splitlines() == ["socklab trace: cannot write --svg and --pcap to the same "
                                "file '%s'" % fresh, "Try 'socklab trace --help'."], err
    assert not fresh.exists() and not marker.exists()


@needs_root
def test_output_that_fails_at_the_end_exits_1():
    # /dev/full opens, and the write fails with ENOSPC once the story is told
    rc, out, err = run_trace(["--svg", "/dev/full", "--", PY, "-c", "pass"])
    assert rc == 1
    assert "socklab trace: cannot write '/dev/full' (--svg): No space left on device" in \
        err.splitlines(), err


@needs_root
def test_no_socket_calls_one_line_and_no_ladder(tmp_path):
    """A program that makes no socket call gets one line that says so, not
    an empty ladder with "0 processes, 0 calls"; its exit status passes."""
    # the preload adds a hint (the eBPF backend sees static programs too:
    # SOCKLAB_TRACE_BACKEND=ebpf runs this suite under it)
    ebpf = os.environ.get("SOCKLAB_TRACE_BACKEND") == "ebpf" and os.geteuid() == 0
    hint = ")" if ebpf else " are the programs it runs dynamically linked?)"
    rc, out, err = run_trace(["--", "false"])
    assert (rc, out) == (1, "")
    assert one_line(err).endswith("no socket calls were recorded (does 'false' "
                                  "use sockets?" + hint)
    rc, out, err = run_trace(["--json", "--", "/bin/sh", "-c", "exit 7"])
    assert (rc, out) == (7, "")
    assert one_line(err).endswith("no socket calls were recorded (does "
                                  "'/bin/sh' use sockets?" + hint)
    # the files asked for are still written: an empty diagram, an empty capture
    svg, pcap = tmp_path / "e.svg", tmp_path / "e.pcap"
    rc, out, err = run_trace(["-q", "--svg", str(svg), "--pcap", str(pcap), "--", "true"])
    assert (rc, out) == (0, "")
    assert "no socket calls were recorded" in one_line(err)
    assert ET.parse(str(svg)).getroot().tag == "{http://www.w3.org/2000/svg}svg"
    assert len(pcap.read_bytes()) == 24  # the pcap file header, no packet


def unprivileged_prefix():
    """The words that run a command as nobody without capabilities (none
    when the tests already run unprivileged); skips when that cannot be."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if not setpriv:
        pytest.skip("setpriv (util-linux) is not installed")
    prefix = [setpriv, "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY, "--clear-groups",
              "--inh-caps=-all", "--bounding-set=-all"]
    p = subprocess.run(prefix + [BIN, "--version"], capture_output=True, timeout=30)
    if p.returncode != 0:
        pytest.skip("user %d cannot run %s" % (NOBODY, BIN))
    return prefix


def test_without_capture_privilege_one_clear_line():
    prefix = unprivileged_prefix()
    rc, out, err = run_trace(["--", PY, "-c", "pass"], prefix=prefix)
    assert rc == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "permission denied" in lines[0] and "root" in lines[0]


@needs_root
def test_svg_holds_every_packet_and_renders_in_chromium(tmp_path):
    svg = tmp_path / "trace.svg"
    rc, out, err, sp, cp = seed002(["--json", "--svg", str(svg)])
    assert rc == 0, err
    s = Story(out)
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    nos = {int(t.get("data-no")) for t in root.iter() if t.get("class") == "pkt"}
    assert nos == {p["no"] for p in s.packets}
    texts = " ".join("".join(t.itertext()) for t in root.iter() if t.tag.endswith("text"))
    for p in s.packets:
        assert "[%d]" % p["no"] in texts
    chromium = shutil.which("chromium")
    if not chromium:
        pytest.fail("chromium is not installed (scripts/deps.sh test installs it)")
    png = tmp_path / "trace.png"
    p = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                        "--hide-scrollbars", "--screenshot=%s" % png, "--window-size=1200,900",
                        "file://%s" % svg], capture_output=True, timeout=TIMEOUT,
                       env=dict(os.environ, HOME=str(tmp_path)))
    assert png.exists(), p.stderr.decode()[-2000:]
    w, h, bpp, rows = png_pixels(png)
    assert (w, h) == (1200, 900)
    dark = sum(1 for row in rows for i in range(0, len(row), bpp) if sum(row[i:i + 3]) < 300)
    assert dark > 2000, "the picture is (nearly) blank"


@needs_root
def test_a_ready_list_too_long_for_a_record_says_it_was_cut(tmp_path):
    """300 writable sockets make a poll's ready list longer than a record:
    the log ends it in ",..." and trace warns once, instead of losing the
    tail without a word."""
    prog = ("import socket, select\n"
            "ps = [socket.socketpair() for _ in range(300)]\n"
            "p = select.poll()\n"
            "for a, b in ps: p.register(a, select.POLLOUT)\n"
            "p.poll(0)\n")
    log = tmp_path / "calls.log"
    rc, out, err = run_trace(["-q", "--log", str(log), "--", PY, "-c", prog])
    assert rc == 0, err
    assert "ready lists longer than a record were cut (1 calls)" in err
    polls = [l for l in log.read_text().splitlines() if l.startswith("X ") and " poll " in l]
    assert len(polls) == 1 and polls[0].endswith(",..."), polls
