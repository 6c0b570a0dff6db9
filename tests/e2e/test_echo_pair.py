"""socklab echo-server and echo-client (seed 004): the option table, line
mode and continuous mode in a real pseudo-terminal, protocol mismatches,
bad input and a client that never reads."""
import os
import resource
import select
import signal
import socket
import subprocess
import termios
import threading
import time

import pytest

from conftest import BIN, WAIT, have_ipv6, recv_exactly, tcp_connect, udp_ask
from echo_util import EchoServer, PtyClient, run_client

# Table 1 of seed 004, word for word, in this order.
SEED_TABLE = [
    "OPTIONS:",
    "-c Continuous echo mode.",
    "-h Display the available options",
    "--ip IPADD Specify the server IP address",
    "-t TCP/UDP Specify the transport layer protocol.",
    "-v Print the software version",
]
LINE_MAX = 65506
TOOLS = ["echo-server", "echo-client"]


@pytest.fixture
def echo_server():
    """echo_server(args...) -> a ready EchoServer; stopped (exit 0) afterwards."""
    servers = []

    def start(*args, preexec_fn=None):
        srv = EchoServer(args, preexec_fn=preexec_fn)
        servers.append(srv)
        return srv.wait_ready()

    yield start
    for srv in servers:
        rc = srv.stop()
        assert rc == 0, "echo-server exit %r; stderr %r" % (rc, srv.stderr_lines)
        srv.finish()


@pytest.fixture
def pty_client():
    clients = []

    def start(*args, **kw):
        c = PtyClient(args, **kw)
        clients.append(c)
        return c

    yield start
    for c in clients:
        c.close()


def run_tool(tool, *args):
    p = subprocess.run([BIN, tool] + list(args), stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=WAIT)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


class CountingServer:
    """A Python TCP or UDP server that counts every recv() (TCP) or datagram
    (UDP) and answers each with the bytes upper-cased, so an echo on the
    terminal is told apart from the key as typed."""

    def __init__(self, proto, close_after=None):
        self.proto = proto
        typ = socket.SOCK_STREAM if proto == "TCP" else socket.SOCK_DGRAM
        self.sock = socket.socket(socket.AF_INET, typ)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.sock.settimeout(WAIT)
        self.reads = []
        self.close_after = close_after
        self.closing = False
        if proto == "TCP":
            self.sock.listen(1)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        try:
            if self.proto == "TCP":
                conn, _ = self.sock.accept()
                with conn:
                    conn.settimeout(WAIT)
                    while len(self.reads) < 1000:
                        data = conn.recv(4096)
                        if not data:
                            return
                        self.reads.append(data)
                        conn.sendall(data.upper())
                        if self.close_after and len(self.reads) >= self.close_after:
                            return
            else:
                while len(self.reads) < 1000:
                    data, peer = self.sock.recvfrom(65536)
                    if self.closing:
                        return
                    self.reads.append(data)
                    self.sock.sendto(data.upper(), peer)
        except (socket.timeout, OSError):
            pass

    def close(self):
        self.closing = True
        if self.proto == "UDP":  # wake the blocked recvfrom
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.sendto(b"", ("127.0.0.1", self.port))
        self.thread.join(timeout=WAIT)
        self.sock.close()


# --- options -----------------------------------------------------------------

@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_help_is_the_seed_table(tool, flag):
    rc, out, err = run_tool(tool, flag)
    assert rc == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "Usage: socklab %s [options]%s" % (
        tool, " [HOST [PORT]]" if tool == "echo-client" else "")
    assert lines[1:1 + len(SEED_TABLE)] == SEED_TABLE
    # and the two options socklab adds, in the same style
    assert any(l.startswith("-p PORT ") for l in lines)
    assert any(l.startswith("--timeout SECS ") for l in lines)


def test_help_documents_every_option():
    for tool in TOOLS:
        out = run_tool(tool, "-h")[1]
        for opt in ["-c ", "-h ", "--ip IPADD", "-t TCP/UDP", "-v ", "-p PORT", "--timeout SECS",
                    "-ip", "--protocol", "--port", "--continuous", "--version", "--json"]:
            assert opt in out, (tool, opt)
    assert "(default 5)" in run_tool("echo-client", "-h")[1]
    assert "(default 4002" in run_tool("echo-server", "-h")[1]


@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize("flag", ["-v", "--version"])
def test_version(tool, flag):
    rc, out, err = run_tool(tool, flag)
    assert rc == 0
    assert out.startswith("socklab %s version " % tool)
    assert len(out.splitlines()) == 1


@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize("args,why", [
    (["-x"], "unknown option -x"),
    (["--verbose"], "unknown option --verbose"),
    (["-t"], "option -t needs a value"),
    (["-t", "SCTP"], "-t SCTP: not TCP or UDP"),
    (["-p", "70000"], "-p 70000: not a port (0-65535)"),
    (["-p", "4x"], "-p 4x: not a port (0-65535)"),
    (["--ip", "::1::2"], "--ip ::1::2: not an IPv4 or IPv6 address"),
    (["-ip", "1.2.3"], "--ip 1.2.3: not an IPv4 or IPv6 address"),
    (["-ip"], "option --ip needs a value"),
    (["--timeout", "soon"], "--timeout soon: not a number"),
    (["--timeout", "1.5x"], "--timeout 1.5x: not a number of seconds"),
    (["--continuous=yes"], "option --continuous takes no value"),
])
def test_bad_options_give_the_reason_and_exit_2(tool, args, why):
    rc, out, err = run_tool(tool, *args)
    assert rc == 2 and out == ""
    lines = err.splitlines()
    assert lines == ["socklab %s: %s" % (tool, why), "Try 'socklab %s --help'." % tool]


def test_client_refuses_port_0_and_timeout_0():
    assert run_tool("echo-client", "-p", "0")[2].splitlines()[0] == \
        "socklab echo-client: -p 0: not a port to send to (1-65535)"
    rc, _, err = run_tool("echo-client", "--timeout", "0")
    assert rc == 2 and err.splitlines()[0] == "socklab echo-client: --timeout 0: must be more than 0"


@pytest.mark.parametrize("spelling", [["-ip", "127.0.0.1"], ["-ip=127.0.0.1"], ["--ip", "127.0.0.1"],
                                      ["--ip=127.0.0.1"]])
def test_ip_with_one_or_two_dashes(echo_server, spelling):
    srv = echo_server(*spelling, "-t", "tcp")
    assert srv.host == "127.0.0.1"
    rc, out, err = run_client(spelling + ["-p", str(srv.port)], b"one dash\n")
    assert (rc, out, err) == (0, b">Echo: one dash\n", [])


@pytest.mark.parametrize("proto", ["TCP", "tcp", "Udp", "UDP"])
def test_protocol_names_in_any_case(echo_server, proto):
    srv = echo_server("-t", proto, "-c")  # -c: accepted, the echo is continuous anyway
    assert srv.proto == proto.upper()
    rc, out, _ = run_client(["--protocol", proto, "--port", str(srv.port)], b"x\n")
    assert (rc, out) == (0, b">Echo: x\n")
    rc, out, _ = run_client(["--continuous", "--protocol", proto, "--port", str(srv.port)], b"y")
    assert (rc, out) == (0, b"y")


# --- server ------------------------------------------------------------------

def test_server_ready_lines_and_defaults():
    # Default port 4002, the seed's; only when it is free on this host.
    try:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 4002))
    except OSError:
        pytest.skip("port 4002 is in use here")
    srv = EchoServer(["-p", "4002"])
    try:
        srv.wait_ready()
    except EOFError:  # taken between our check and its bind (a parallel run)
        assert srv.proc.wait(timeout=WAIT) == 1
        srv.finish()
        assert "Address already in use" in srv.stderr_lines[0]
        pytest.skip("port 4002 was taken meanwhile")
    try:
        assert srv.stdout_lines[0] == "echo-server: TCP socket bound to 127.0.0.1:4002, listening"
        rc, out, _ = run_client([], b"default port\n")
        assert (rc, out) == (0, b">Echo: default port\n")
    finally:
        assert srv.stop() == 0
        srv.finish()


def test_server_udp_ready_line(echo_server):
    srv = echo_server("-t", "UDP")
    assert srv.stdout_lines[0] == "echo-server: UDP socket bound to 127.0.0.1:%d" % srv.port
    assert udp_ask(srv.port, b"datagram") == b"datagram"
    srv.wait_line(lambda l: l.endswith(", 8 bytes, echoed"))


@pytest.mark.skipif(not have_ipv6(), reason="no IPv6 on this host")
@pytest.mark.parametrize("proto", ["TCP", "UDP"])
def test_ipv6(echo_server, proto):
    srv = echo_server("-t", proto, "--ip", "::1")
    assert srv.host == "::1"
    rc, out, err = run_client(["-t", proto, "-ip", "::1", "-p", str(srv.port)], b"over six\n")
    assert (rc, out, err) == (0, b">Echo: over six\n", [])


def test_server_logs_each_tcp_connection(echo_server):
    srv = echo_server()
    with tcp_connect(srv.port) as s:
        local_port = s.getsockname()[1]
        s.sendall(b"hello")
        assert recv_exactly(s, 5) == b"hello"
        srv.wait_line(lambda l: l == "echo-server: TCP connection from 127.0.0.1:%d" % local_port)
    end = srv.wait_line(lambda l: "ended" in l)
    assert end.startswith("echo-server: TCP connection from 127.0.0.1:%d ended: in=5 out=5 "
                          % local_port)
    assert end.endswith(" reason=client-closed")


def test_server_sets_nodelay_and_echoes_keys_one_by_one(echo_server):
    srv = echo_server()
    with tcp_connect(srv.port) as s:
        for ch in b"LIFE\n":
            s.sendall(bytes([ch]))
            assert recv_exactly(s, 1) == bytes([ch])


def test_many_clients_at_once_tcp(echo_server):
    srv = echo_server()
    socks = [tcp_connect(srv.port) for _ in range(64)]
    try:
        for rnd in range(3):
            for i, s in enumerate(socks):
                s.sendall(b"client %d round %d\n" % (i, rnd))
            for i, s in enumerate(socks):
                want = b"client %d round %d\n" % (i, rnd)
                assert recv_exactly(s, len(want)) == want
    finally:
        for s in socks:
            s.close()


def test_many_clients_at_once_udp(echo_server):
    srv = echo_server("-t", "UDP")
    socks = []
    try:
        for i in range(64):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.settimeout(WAIT)
            socks.append(s)
            s.sendto(b"client %d" % i, ("127.0.0.1", srv.port))
        for i, s in enumerate(socks):
            data, peer = s.recvfrom(65536)
            assert data == b"client %d" % i and peer[1] == srv.port
    finally:
        for s in socks:
            s.close()
    # a flood of datagrams is logged a few lines a second, the rest counted
    assert srv.stop() == 0
    srv.finish()  # every line read
    logged = [l for l in srv.stdout_lines if l.startswith("echo-server: UDP datagram from")]
    assert 10 <= len(logged) <= 30, len(logged)
    assert srv.stdout_lines[-1] == ("echo-server: stopped; UDP datagrams in=64 out=64 dropped=0"
                                    " (over budget=0 loop=0)")


def test_udp_datagram_as_large_as_udp_allows(echo_server):
    srv = echo_server("-t", "UDP")
    big = bytes(range(256)) * 255 + b"x" * 227  # 65507 bytes
    assert len(big) == 65507
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(WAIT)
        s.sendto(big, ("127.0.0.1", srv.port))
        assert s.recvfrom(65536)[0] == big


def test_half_close_sends_the_rest_then_closes(echo_server):
    srv = echo_server()
    with tcp_connect(srv.port) as s:
        s.sendall(b"a" * 100000)
        s.shutdown(socket.SHUT_WR)
        got = bytearray()
        while True:
            d = s.recv(65536)
            if not d:
                break
            got += d
        assert bytes(got) == b"a" * 100000


def fill_for(s, seconds=3.0, limit=64 << 20):
    """Writes without reading for a while; returns the bytes the peer took."""
    s.setblocking(False)
    total, chunk = 0, b"z" * 65536
    deadline = time.monotonic() + seconds
    while total < limit and time.monotonic() < deadline:
        try:
            total += s.send(chunk)
        except BlockingIOError:
            time.sleep(0.01)
    return total


def test_client_that_never_reads_keeps_server_memory_bounded(echo_server):
    srv = echo_server()
    s = tcp_connect(srv.port)
    before = srv.rss_kib()
    taken = fill_for(s)
    after = srv.rss_kib()
    # kernel buffers on both sides plus at most the 256 KiB high water
    assert taken < 40 << 20, taken
    assert after - before < 4 * 1024, (before, after, taken)
    # another client is served meanwhile
    with tcp_connect(srv.port) as other:
        other.sendall(b"still served")
        assert recv_exactly(other, 12) == b"still served"
    # and everything taken comes back, in order, once we read
    s.setblocking(True)
    s.settimeout(WAIT)
    assert recv_exactly(s, taken) == b"z" * taken
    s.close()


def test_connection_limit_pauses_accepting(echo_server):
    # 40 descriptors: 16 are kept back, so 24 clients are served at once and
    # the rest wait in the backlog until one leaves (no busy loop, no refusal).
    srv = echo_server(preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (40, 40)))
    socks = [tcp_connect(srv.port) for _ in range(30)]
    try:
        for s in socks:
            s.sendall(b"x")
        served = set()
        deadline = time.monotonic() + WAIT
        while len(served) < 24 and time.monotonic() < deadline:
            r, _, _ = select.select([s for s in socks if s not in served], [], [], 0.2)
            for s in r:
                assert s.recv(1) == b"x"
                served.add(s)
        assert len(served) == 24
        waiting = [s for s in socks if s not in served]
        # the others get nothing while the limit holds ...
        assert select.select(waiting, [], [], 0.5)[0] == []
        # ... and one of them is served as soon as a served client leaves
        gone = served.pop()
        gone.close()
        socks.remove(gone)
        r, _, _ = select.select(waiting, [], [], WAIT)
        assert len(r) == 1 and r[0].recv(1) == b"x"
    finally:
        for s in socks:
            s.close()


def test_idle_timeout(echo_server):
    srv = echo_server("--timeout", "0.3")
    with tcp_connect(srv.port) as s:
        assert s.recv(1) == b""
    assert srv.wait_line(lambda l: "ended" in l).endswith("reason=idle-timeout")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_server_stops_on_signal_closing_connections(sig):
    srv = EchoServer([]).wait_ready()
    try:
        with tcp_connect(srv.port) as s:
            s.sendall(b"x")
            assert recv_exactly(s, 1) == b"x"
            srv.wait_line(lambda l: "TCP connection from" in l)
            assert srv.stop(sig) == 0
            assert s.recv(1) == b""
        srv.finish()  # every line read
        assert srv.stdout_lines[-1] == "echo-server: stopped; TCP connections=1"
        assert srv.stdout_lines[-2].endswith("reason=shutdown")
    finally:
        srv.stop()
        srv.finish()


def test_udp_server_sighup_keeps_the_counters(echo_server):
    """SIGHUP stops the UDP server too, with its summary (reliability review
    D13: it killed the process and the counters were lost)."""
    srv = echo_server("-t", "UDP")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(WAIT)
        for i in range(3):
            s.sendto(b"hup %d" % i, ("127.0.0.1", srv.port))
            assert s.recvfrom(65536)[0] == b"hup %d" % i
    assert srv.stop(signal.SIGHUP) == 0
    srv.finish()
    assert srv.stdout_lines[-1] == ("echo-server: stopped; UDP datagrams in=3 out=3 dropped=0"
                                    " (over budget=0 loop=0)")


@pytest.mark.parametrize("proto", ["TCP", "UDP"])
def test_server_bind_error_is_one_line(proto):
    typ = socket.SOCK_STREAM if proto == "TCP" else socket.SOCK_DGRAM
    with socket.socket(socket.AF_INET, typ) as taken:
        taken.bind(("127.0.0.1", 0))
        if proto == "TCP":
            taken.listen(1)
        port = taken.getsockname()[1]
        p = subprocess.run([BIN, "echo-server", "-t", proto, "-p", str(port)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=WAIT)
    assert p.returncode == 1 and p.stdout == b""
    err = p.stderr.decode().splitlines()
    assert err == ["socklab echo-server: cannot bind %s 127.0.0.1:%d: Address already in use"
                   " — another program has that port; try another -p (0: any free one)"
                   % (proto, port)]


def test_server_bind_error_not_an_address_of_this_host():
    p = subprocess.run([BIN, "echo-server", "--ip", "192.0.2.1", "-p", "0"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=WAIT)
    assert p.returncode == 1
    err = p.stderr.decode().splitlines()
    assert len(err) == 1 and "Cannot assign requested address" in err[0], err


# --- client, stdin not a terminal ----------------------------------------------

@pytest.mark.parametrize("proto", ["TCP", "UDP"])
def test_client_lines_from_a_pipe(echo_server, proto):
    srv = echo_server("-t", proto)
    rc, out, err = run_client(["-t", proto, "-p", str(srv.port)],
                              b"HELLO MASTER\nWELCOME BACK\n\nno newline at the end")
    assert (rc, err) == (0, [])
    assert out == (b">Echo: HELLO MASTER\n>Echo: WELCOME BACK\n>Echo: \n"
                   b">Echo: no newline at the end\n")


def test_udp_line_is_one_datagram_with_its_newline():
    srv = CountingServer("UDP")
    try:
        rc, out, _ = run_client(["-t", "UDP", "-p", str(srv.port)], b"HELLO MASTER-UDP\n\n")
        assert rc == 0
        assert out == b">Echo: HELLO MASTER-UDP\n>Echo: \n"
        # as in the seed's trace: 17 bytes, then the empty line as one "\n"
        assert srv.reads == [b"HELLO MASTER-UDP\n", b"\n"]
    finally:
        srv.close()


@pytest.mark.parametrize("proto", ["TCP", "UDP"])
def test_quit_closes_and_the_rest_is_not_sent(echo_server, proto):
    srv = echo_server("-t", proto)
    rc, out, _ = run_client(["-t", proto, "-p", str(srv.port)], b"one\nquit\ntwo\n")
    assert (rc, out) == (0, b">Echo: one\n")
    if proto == "TCP":
        assert srv.wait_line(lambda l: "ended" in l).split(": ", 2)[2].startswith(
            "in=4 out=4 ")


@pytest.mark.parametrize("proto", ["TCP", "UDP"])
def test_longest_line_goes_through(echo_server, proto):
    srv = echo_server("-t", proto)
    line = b"L" * LINE_MAX
    rc, out, err = run_client(["-t", proto, "-p", str(srv.port)], line + b"\n")
    assert (rc, err) == (0, [])
    assert out == b">Echo: " + line + b"\n"


@pytest.mark.parametrize("proto", ["TCP", "UDP"])
def test_oversized_line_is_refused_not_truncated(echo_server, proto):
    srv = echo_server("-t", proto)
    stdin = b"first\n" + b"x" * (LINE_MAX + 1) + b"\n" + b"y" * 200000 + b"\nafter\n"
    rc, out, err = run_client(["-t", proto, "-p", str(srv.port)], stdin)
    assert rc == 1
    assert out == b">Echo: first\n>Echo: after\n"
    assert err == ["socklab echo-client: line longer than %d bytes: not sent" % LINE_MAX] * 2
    if proto == "TCP":  # nothing of the long lines reached the server
        end = srv.wait_line(lambda l: "ended" in l)
        assert " in=12 out=12 " in end, end


def test_eof_from_dev_null_exits_0(echo_server):
    srv = echo_server()
    rc, out, err = run_client(["-p", str(srv.port)], b"")
    assert (rc, out, err) == (0, b"", [])


@pytest.mark.parametrize("proto", ["TCP", "UDP"])
def test_continuous_from_a_pipe(echo_server, proto):
    srv = echo_server("-t", proto)
    data = bytes(range(256)) * 4
    rc, out, err = run_client(["-c", "-t", proto, "-p", str(srv.port)], data)
    assert (rc, out, err) == (0, data, [])


def test_continuous_from_a_pipe_one_datagram_per_byte():
    srv = CountingServer("UDP")
    try:
        rc, out, _ = run_client(["-c", "-t", "UDP", "-p", str(srv.port)], b"abc")
        assert (rc, out) == (0, b"ABC")
        assert srv.reads == [b"a", b"b", b"c"]
    finally:
        srv.close()


def test_continuous_tcp_bulk_from_a_pipe(echo_server):
    srv = echo_server()
    data = os.urandom(3 << 20)
    rc, out, err = run_client(["-c", "-p", str(srv.port)], data, timeout=60)
    assert rc == 0 and err == []
    assert out == data


# --- protocol mismatch and missing servers --------------------------------------

def test_udp_client_against_tcp_server(echo_server):
    srv = echo_server("-t", "TCP")
    t0 = time.monotonic()
    rc, out, err = run_client(["-t", "UDP", "-p", str(srv.port)], b"hello\n")
    assert rc == 1 and out == b""
    assert err == ["socklab echo-client: 127.0.0.1:%d refused the datagram (no UDP socket there)"
                   " — is the server running with -t UDP?" % srv.port]
    assert time.monotonic() - t0 < 5.0


def test_tcp_client_against_udp_server(echo_server):
    srv = echo_server("-t", "UDP")
    rc, out, err = run_client(["-t", "TCP", "-p", str(srv.port)], b"hello\n")
    assert rc == 1 and out == b""
    assert err == ["socklab echo-client: cannot connect to 127.0.0.1:%d over TCP: Connection "
                   "refused — is the server running with -t TCP?" % srv.port]


@pytest.mark.parametrize("mode", [[], ["-c"]])
def test_udp_silence_is_a_timeout_not_a_hang(mode):
    # A UDP socket that never answers (so no ICMP either): the timeout speaks.
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as mute:
        mute.bind(("127.0.0.1", 0))
        port = mute.getsockname()[1]
        t0 = time.monotonic()
        rc, out, err = run_client(mode + ["-t", "UDP", "-p", str(port), "--timeout", "0.5"],
                                  b"hello\n")
        took = time.monotonic() - t0
    assert rc == 1
    assert err == ["socklab echo-client: no echo within 0.500 s over UDP — is the server "
                   "running with -t UDP on 127.0.0.1:%d?" % port]
    assert 0.4 < took < 4.0


def test_tcp_server_that_does_not_echo_is_a_timeout():
    with socket.socket() as lst:
        lst.bind(("127.0.0.1", 0))
        lst.listen(1)
        port = lst.getsockname()[1]
        rc, out, err = run_client(["-p", str(port), "--timeout", "0.5"], b"hello\n")
    assert rc == 1
    assert err == ["socklab echo-client: no echo within 0.500 s over TCP — is the server at "
                   "127.0.0.1:%d an echo server?" % port]


def test_default_timeout_is_5_s_in_the_message():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as mute:
        mute.bind(("127.0.0.1", 0))
        port = mute.getsockname()[1]
        rc, _, err = run_client(["-t", "UDP", "-p", str(port)], b"x\n", timeout=15)
    assert rc == 1 and "no echo within 5 s over UDP" in err[0]


def test_server_gone_mid_session(echo_server):
    srv = EchoServer([]).wait_ready()
    c = PtyClient(["-p", str(srv.port)])
    try:
        c.expect_tail(b">")
        c.type(b"before\n")
        c.expect_tail(b">Echo: before\n>")
        assert srv.stop() == 0
        srv.finish()
        assert c.wait_exit() == 1
        assert c.stderr_lines[-1] == "socklab echo-client: 127.0.0.1:%d closed the connection" \
            % srv.port
    finally:
        c.close()


# --- client in a terminal: line mode ------------------------------------------------

def test_line_mode_transcript(echo_server, pty_client):
    srv = echo_server()
    c = pty_client("-p", str(srv.port))
    c.expect_tail(b">")
    c.type(b"Hello, Master!\n")
    c.expect_tail(b">Echo: Hello, Master!\n>")
    c.type(b"My name is Android.\n")
    c.expect_tail(b">Echo: My name is Android.\n>")
    c.type(b"quit\n")
    assert c.wait_exit() == 0
    # the seed's form: the prompt, the line as typed, its echo
    assert c.text() == (b">Hello, Master!\n>Echo: Hello, Master!\n"
                        b">My name is Android.\n>Echo: My name is Android.\n>quit\n")
    assert c.stderr_lines == ["echo-client: TCP to 127.0.0.1:%d; type a line and Return, 'quit' "
                              "or Ctrl-D leaves" % srv.port]
    assert srv.wait_line(lambda l: "ended" in l).endswith("reason=client-closed")


def test_line_mode_udp_transcript(echo_server, pty_client):
    srv = echo_server("-t", "UDP")
    c = pty_client("-t", "UDP", "-p", str(srv.port))
    c.expect_tail(b">")
    c.type(b"HELLO MASTER-UDP\n")
    c.expect_tail(b">Echo: HELLO MASTER-UDP\n>")
    c.type(b"WELCOME BACK MASTER-UDP\n")
    c.expect_tail(b">Echo: WELCOME BACK MASTER-UDP\n>")
    c.type(b"\x04")  # Ctrl-D at the prompt: end of input
    assert c.wait_exit() == 0
    assert c.text() == (b">HELLO MASTER-UDP\n>Echo: HELLO MASTER-UDP\n"
                        b">WELCOME BACK MASTER-UDP\n>Echo: WELCOME BACK MASTER-UDP\n>\n")


def test_line_mode_eof_exits_0(echo_server, pty_client):
    srv = echo_server()
    c = pty_client("-p", str(srv.port))
    c.expect_tail(b">")
    c.type(b"\x04")
    assert c.wait_exit() == 0
    assert c.text() == b">\n"
    assert c.termios_now() == c.before


# --- client in a terminal: continuous mode --------------------------------------------

def banner(c):
    return c.wait_stderr(lambda l: l.startswith("echo-client: continuous mode"))


def test_continuous_transcript_lliiffe(echo_server, pty_client):
    srv = echo_server()
    c = pty_client("-c", "-p", str(srv.port))
    banner(c)
    shown = b""
    for key in b"LIFE":
        c.type(bytes([key]))
        shown += bytes([key]) * 2  # the key as typed, then its echo
        c.expect(lambda t: t == shown)
    c.type(b"\r")  # Return: sent as "\n" (the seed's trace), shown by its echo
    c.expect(lambda t: t == b"LLIIFFEE\n")
    c.type(b"\x04")
    assert c.wait_exit() == 0
    assert c.text() == b"LLIIFFEE\n"
    assert c.termios_now() == c.before
    end = srv.wait_line(lambda l: "ended" in l)
    assert " in=5 out=5 " in end and end.endswith("reason=client-closed")


@pytest.mark.parametrize("proto", ["TCP", "UDP"])
def test_continuous_one_segment_or_datagram_per_key(pty_client, proto):
    srv = CountingServer(proto)
    try:
        c = pty_client("-c", "-t", proto, "-p", str(srv.port))
        banner(c)
        # raw mode while it runs: no line editing, no echo, no signal keys
        now = c.termios_now()
        assert not now[3] & (termios.ICANON | termios.ECHO | termios.ISIG)
        keys = b"abc!\"x"
        for i, key in enumerate(keys):
            c.type(bytes([key]))
            # the key as typed, then the server's echo (upper-cased by it)
            c.expect(lambda t: t.endswith(bytes([key]) + bytes([key]).upper()))
            assert len(srv.reads) == i + 1
        assert srv.reads == [bytes([k]) for k in keys]
        c.type(b"\x03")  # Ctrl-C leaves
        assert c.wait_exit() == 0
        assert c.termios_now() == c.before
    finally:
        srv.close()


@pytest.mark.parametrize("proto", ["TCP", "UDP"])
def test_continuous_keys_then_ctrl_d_at_once(echo_server, pty_client, proto):
    # Keys typed ahead of Ctrl-D (a paste, one read) still go out and are
    # echoed before the client leaves.
    srv = echo_server("-t", proto)
    c = pty_client("-c", "-t", proto, "-p", str(srv.port))
    banner(c)
    c.type(b"ab\x04")
    assert c.wait_exit() == 0
    assert sorted(c.text()) == sorted(b"abab\n")
    assert c.termios_now() == c.before
    if proto == "TCP":
        end = srv.wait_line(lambda l: "ended" in l)
        assert " in=2 out=2 " in end and end.endswith("reason=client-closed")


def test_continuous_ctrl_c_restores_the_terminal(echo_server, pty_client):
    srv = echo_server()
    c = pty_client("-c", "-p", str(srv.port))
    banner(c)
    assert c.termios_now() != c.before
    c.type(b"q")
    c.expect(lambda t: t == b"qq")
    c.type(b"\x03")
    assert c.wait_exit() == 0
    assert c.termios_now() == c.before
    assert c.text() == b"qq\n"


def no_core():
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT])
def test_continuous_signal_restores_the_terminal(echo_server, pty_client, sig):
    srv = echo_server()
    c = pty_client("-c", "-p", str(srv.port), preexec_fn=no_core)
    banner(c)
    assert c.termios_now() != c.before
    c.proc.send_signal(sig)
    assert c.wait_exit() == -sig  # it dies of the signal, as before
    assert c.termios_now() == c.before


def test_continuous_server_gone_restores_the_terminal(pty_client):
    srv = CountingServer("TCP", close_after=1)
    try:
        c = pty_client("-c", "-p", str(srv.port))
        banner(c)
        c.type(b"k")
        assert c.wait_exit() == 1
        assert c.termios_now() == c.before
        assert c.stderr_lines[-1] == "socklab echo-client: 127.0.0.1:%d closed the connection" \
            % srv.port
    finally:
        srv.close()


def test_continuous_udp_mismatch_in_a_terminal(echo_server, pty_client):
    srv = echo_server("-t", "TCP")
    c = pty_client("-c", "-t", "UDP", "-p", str(srv.port))
    banner(c)
    c.type(b"z")
    assert c.wait_exit() == 1
    assert c.termios_now() == c.before
    assert "is the server running with -t UDP?" in c.stderr_lines[-1]
