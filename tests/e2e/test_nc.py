"""socklab nc against socklab serve and against Python socket servers, as
the course's scripts would talk to it: connect, listen, local bind,
half-close, -z, timeouts, refusals, names, binary data, UDP."""
import os
import re
import select
import socket
import subprocess
import threading
import time

import pytest

from conftest import BIN, WAIT, have_ipv6, recv_all
from nc_util import NsPair, PyServer, nc, need_root_and_tools, start_listener

HOSTS = ["127.0.0.1", pytest.param("::1", marks=pytest.mark.skipif(
    not have_ipv6(), reason="IPv6 is off on this host"))]
ALL_BYTES = bytes(range(256)) * 64


def read_until_eof(conn):
    """Seed 002's readUntilEOF."""
    return recv_all(conn)


@pytest.mark.parametrize("host", HOSTS)
def test_tcp_echo_binary_safe(lab, host):
    r = nc(host, lab.port("echo"), data=ALL_BYTES)
    assert r.returncode == 0, r.stderr
    assert r.stdout == ALL_BYTES


@pytest.mark.parametrize("host", HOSTS)
def test_udp_echo(lab, host):
    r = nc("-u", host, lab.port("echo", "udp"), data=b"Hello World!")
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"Hello World!"


def test_daytime_without_input(lab):
    # The peer's FIN ends only its direction: nc waits for its own input's
    # EOF (the peer might still read it), then ends with exit 0.
    p = subprocess.Popen([BIN, "nc", "-v", "127.0.0.1", str(lab.port("daytime"))],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    line = p.stdout.readline()
    assert re.match(rb"^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\r\n$", line)
    err = b""
    while b"the peer finished sending" not in err:
        more = p.stderr.readline()
        assert more, err
        err += more
    assert p.poll() is None
    p.stdin.close()
    assert p.wait(timeout=WAIT) == 0
    assert p.stdout.read() == b""


@pytest.mark.parametrize("host", HOSTS)
def test_half_close_all_replies_arrive_after_stdin_eof(host):
    # seed 002's server: read until EOF, then answer two lines, then close
    def handler(conn, result):
        result["request"] = read_until_eof(conn)
        conn.sendall(b"server response line 1\n")
        conn.sendall(b"server response line 2\n")
    srv = PyServer(handler, host)
    r = nc(host, srv.port, data=b"client request line 1\nclient request line 2\n")
    res = srv.join()
    assert res["request"] == b"client request line 1\nclient request line 2\n"
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"server response line 1\nserver response line 2\n"


def test_binary_both_ways_with_python_server():
    def handler(conn, result):
        result["got"] = read_until_eof(conn)
        conn.sendall(bytes(reversed(ALL_BYTES)))
    srv = PyServer(handler)
    r = nc("127.0.0.1", srv.port, data=ALL_BYTES)
    assert srv.join()["got"] == ALL_BYTES
    assert r.stdout == bytes(reversed(ALL_BYTES))


def test_bind_local_address_and_port_seen_by_server():
    # seed 000: how does a client set its own address and port? -s and -p.
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    lport = probe.getsockname()[1]
    probe.close()

    def handler(conn, result):
        result["data"] = read_until_eof(conn)
    srv = PyServer(handler)
    r = nc("-v", "--reuseaddr", "-s", "127.0.0.2", "-p", lport, "127.0.0.1", srv.port,
           data=b"x")
    res = srv.join()
    assert r.returncode == 0, r.stderr
    assert res["peer"] == ("127.0.0.2", lport)
    assert ("local 127.0.0.2:%d, peer 127.0.0.1:%d" % (lport, srv.port)).encode() in r.stderr


def test_bind_local_port_in_use_is_clear():
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen(1)
    port = holder.getsockname()[1]
    try:
        r = nc("-s", "127.0.0.1", "-p", port, "127.0.0.1", port)
        assert r.returncode == 1
        assert r.stderr.decode().strip() == (
            "socklab nc: cannot bind local address 127.0.0.1:%d: Address already in use"
            " — try --reuseaddr" % port)
    finally:
        holder.close()


def test_listen_mode_with_python_client():
    p, port = start_listener("-s", "127.0.0.1", "0")
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as c:
        c.sendall(b"from the client\n")
        p.stdin.write(b"from the listener\n")
        p.stdin.close()  # nc half-closes: the client sees EOF after the line
        assert recv_all(c) == b"from the listener\n"
        c.shutdown(socket.SHUT_WR)
    out = p.stdout.read()
    assert p.wait(timeout=WAIT) == 0
    assert out == b"from the client\n"
    err = p.stderr.read().decode()
    assert "connected (tcp): local 127.0.0.1:%d, peer 127.0.0.1:" % port in err


def test_listen_keep_serves_the_next_peer():
    p, port = start_listener("-k", "-s", "127.0.0.1", "0")
    try:
        for i in range(3):
            with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as c:
                c.sendall(b"peer %d\n" % i)
                c.shutdown(socket.SHUT_WR)
                c.settimeout(WAIT)
                # nc's stdin stays open; the peer's EOF ends this session
                while c.recv(1024):
                    pass
        deadline = time.monotonic() + WAIT
        out = b""
        while out.count(b"\n") < 3 and time.monotonic() < deadline:
            if select.select([p.stdout], [], [], 0.2)[0]:
                out += os.read(p.stdout.fileno(), 1024)
        assert out == b"peer 0\npeer 1\npeer 2\n"
    finally:
        p.kill()
        p.wait()


@pytest.mark.parametrize("host", HOSTS)
def test_listen_udp_with_python_client(host):
    p, port = start_listener("-u", "-s", host, "0")
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(fam, socket.SOCK_DGRAM) as c:
        c.settimeout(WAIT)
        c.sendto(b"ping", (host, port))
        deadline = time.monotonic() + WAIT
        out = b""
        while out != b"ping" and time.monotonic() < deadline:
            if select.select([p.stdout], [], [], 0.2)[0]:
                out += os.read(p.stdout.fileno(), 1024)
        assert out == b"ping"
        p.stdin.write(b"pong")
        p.stdin.flush()
        assert c.recvfrom(100)[0] == b"pong"
    p.kill()
    p.wait()


def test_zero_io_open_and_closed(lab):
    r = nc("-z", "-v", "127.0.0.1", lab.port("echo"))
    assert r.returncode == 0
    assert b"succeeded" in r.stderr
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    cport = closed.getsockname()[1]
    closed.close()
    r = nc("-z", "-v", "127.0.0.1", cport)
    assert r.returncode == 1
    assert b"Connection refused" in r.stderr


def test_zero_io_range(lab):
    port = lab.port("echo")
    r = nc("-z", "127.0.0.1", "%d-%d" % (port, port + 1))
    assert r.returncode == 0
    assert ("Connection to 127.0.0.1 %d port [tcp/" % port).encode() in r.stderr


def test_zero_io_udp(lab):
    r = nc("-z", "-u", "-v", "127.0.0.1", lab.port("echo", "udp"))
    assert r.returncode == 0
    assert b"succeeded" in r.stderr


def test_refused_is_exit_1_with_message():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    r = nc("127.0.0.1", port)
    assert r.returncode == 1
    assert r.stderr.decode().strip() == (
        "socklab nc: connection to 127.0.0.1 port %d (tcp) failed: Connection refused" % port)


def test_reset_by_peer_is_exit_1():
    def handler(conn, result):
        result["got"] = conn.recv(100)
        # close with SO_LINGER 0: an RST instead of a FIN
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    srv = PyServer(handler)
    p = subprocess.Popen([BIN, "nc", "127.0.0.1", str(srv.port)], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdin.write(b"hello\n")
    p.stdin.flush()
    err = p.stderr.read()
    assert p.wait(timeout=WAIT) == 1
    p.stdin.close()
    # the pipe on stdin was still open: more input might have come
    assert err.decode().strip() == ("socklab nc: connection reset by peer;"
                                     " standard input had not ended")
    assert srv.join()["got"] == b"hello\n"


def test_name_not_found():
    r = nc("no-such-host.invalid", 7)
    assert r.returncode == 1
    assert r.stderr.decode().startswith("socklab nc: cannot resolve no-such-host.invalid port 7: ")


def test_connect_timeout():
    # A listener whose accept queue is full drops further SYNs: connect hangs.
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen(0)
    port = blocker.getsockname()[1]
    fillers = []
    try:
        for _ in range(4):
            f = socket.socket()
            f.setblocking(False)
            f.connect_ex(("127.0.0.1", port))
            fillers.append(f)
        time.sleep(0.1)
        t0 = time.monotonic()
        r = nc("-w", "0.5", "127.0.0.1", port)
        took = time.monotonic() - t0
        assert r.returncode == 1
        assert b"timed out after 0.5 s" in r.stderr, r.stderr
        assert took < 5
    finally:
        for f in fillers:
            f.close()
        blocker.close()


def test_idle_timeout():
    def handler(conn, result):
        result["got"] = read_until_eof(conn)  # sends nothing; waits for nc to go
    srv = PyServer(handler)
    p = subprocess.Popen([BIN, "nc", "-w", "0.5", "127.0.0.1", str(srv.port)],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    err = p.stderr.read()
    assert p.wait(timeout=WAIT) == 1
    p.stdin.close()
    assert b"timed out: nothing moved for 0.5 s (-w)" in err
    srv.join()


def test_udp_no_reply_is_reported(lab):
    r = nc("-u", "-w", "0.3", "127.0.0.1", lab.port("discard", "udp"), data=b"lost?")
    assert r.returncode == 0
    assert b"no reply to 1 of 1 datagrams within 0.3 s" in r.stderr


def test_udp_refused_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    r = nc("-u", "127.0.0.1", port, data=b"anyone?")
    assert r.returncode == 1
    assert b"port unreachable (ICMP)" in r.stderr


def test_quit_after_eof_with_no_shutdown():
    def handler(conn, result):
        conn.settimeout(3)
        result["got"] = conn.recv(100)
        try:
            result["eof"] = conn.recv(100)
        except socket.timeout:
            result["eof"] = None
    srv = PyServer(handler)
    t0 = time.monotonic()
    r = nc("--no-shutdown", "-q", "0.3", "127.0.0.1", srv.port, data=b"no FIN yet")
    assert r.returncode == 0
    assert time.monotonic() - t0 < 3
    res = srv.join()
    assert res["got"] == b"no FIN yet"


def test_file_and_pipe_paths(lab, tmp_path):
    data = os.urandom(3 * 1024 * 1024)
    f = tmp_path / "in.bin"
    f.write_bytes(data)
    with open(f, "rb") as fin:  # regular file: sent from its mapping
        r = subprocess.run([BIN, "nc", "127.0.0.1", str(lab.port("echo"))], stdin=fin,
                           capture_output=True, timeout=WAIT)
    assert r.returncode == 0 and r.stdout == data
    cat = subprocess.Popen(["cat", str(f)], stdout=subprocess.PIPE)  # pipe: RWF_NOWAIT reads
    r = subprocess.run([BIN, "nc", "127.0.0.1", str(lab.port("echo"))], stdin=cat.stdout,
                       capture_output=True, timeout=WAIT)
    cat.wait()
    assert r.returncode == 0 and r.stdout == data
    r = subprocess.run([BIN, "nc", "127.0.0.1", str(lab.port("discard"))],
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=WAIT)
    assert r.returncode == 0 and r.stdout == b""


def test_socket_options_accepted(lab):
    r = nc("--nodelay", "--sndbuf", "64k", "--rcvbuf", "64k", "--mss", "1000", "-4", "-n",
           "127.0.0.1", lab.port("echo"), data=b"tuned")
    assert r.returncode == 0 and r.stdout == b"tuned", r.stderr


@pytest.mark.parametrize("args,message", [
    (["-k", "127.0.0.1", "7"], "cannot use -k without -l"),
    (["-l", "-z", "7"], "cannot use -z with -l"),
    ([], "missing HOST and PORT"),
    (["127.0.0.1"], "missing PORT"),
    (["127.0.0.1", "1-10"], "a port range needs -z"),
    (["-z", "127.0.0.1", "10-1"], "bad port range '10-1': the first port is above the last"),
    (["-u", "--nodelay", "127.0.0.1", "7"], "cannot use --nodelay with -u"),
    (["-w", "x", "127.0.0.1", "7"], "-w x: not a number"),
    (["--mss", "10", "127.0.0.1", "7"], "--mss 10: too small"),
    (["--bogus"], "unknown option --bogus"),
    (["-l", "1", "2", "3"], "unexpected argument '3'"),
    (["-M", "256", "127.0.0.1", "7"], "-M 256: too large"),
    (["-M", "0", "127.0.0.1", "7"], "-M 0: too small"),
    (["-z", "127.0.0.1", "1-70000"], "bad port range '1-70000': out of range (1-65535)"),
    (["-z", "127.0.0.1", "0-5"], "bad port range '0-5': out of range (1-65535)"),
])
def test_usage_errors(args, message):
    r = nc(*args)
    assert r.returncode == 2
    first = r.stderr.decode().splitlines()[0]
    assert first == "socklab nc: " + message, first


def test_help_lists_every_option():
    r = nc("--help")
    assert r.returncode == 0
    for opt in ["-4", "-6", "-u", "-l", "-k", "-s ADDR", "-p PORT", "--reuseaddr", "-n", "-z",
                "-w SECS", "-q SECS", "-N", "--no-shutdown", "--nodelay", "--sndbuf",
                "--rcvbuf", "--mss", "-M, --ttl", "-v", "--help", "--version"]:
        assert opt in r.stdout.decode(), opt


# --- ports are 1-65535: glibc would take 70000 as 4464 (issue 11 item 2) ---

def free_port(kind=socket.SOCK_STREAM):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_port_above_65535_is_a_usage_error_and_reaches_nobody():
    # a listener on P and a UDP socket on P: P + 65536 must reach neither
    tcp = socket.socket()
    tcp.bind(("127.0.0.1", 0))
    tcp.listen(5)
    tcp.setblocking(False)
    port = tcp.getsockname()[1]
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", port))
    udp.setblocking(False)
    try:
        wrapped = port + 65536
        r = nc("127.0.0.1", wrapped, data=b"hi\n")
        assert (r.returncode, r.stderr.decode().splitlines()[0]) == (
            2, "socklab nc: port %d: out of range (1-65535)" % wrapped)
        r = nc("-u", "127.0.0.1", wrapped, data=b"hi\n")
        assert (r.returncode, r.stderr.decode().splitlines()[0]) == (
            2, "socklab nc: port %d: out of range (1-65535)" % wrapped)
        r = nc("-z", "127.0.0.1", "%d-%d" % (port, wrapped))
        assert r.returncode == 2
        with pytest.raises(BlockingIOError):
            tcp.accept()
        with pytest.raises(BlockingIOError):
            udp.recv(100)
    finally:
        tcp.close()
        udp.close()


@pytest.mark.parametrize("args,message", [
    (["127.0.0.1", "0"], "port 0: out of range (1-65535)"),
    (["127.0.0.1", "70000"], "port 70000: out of range (1-65535)"),
    (["-u", "127.0.0.1", "95543"], "port 95543: out of range (1-65535)"),
    (["127.0.0.1", "abc"], "port abc: not a port or service name"),
    (["-l", "70000"], "port 70000: out of range (0-65535)"),
    (["-l", "-p", "70000"], "port 70000: out of range (0-65535)"),
    (["-p", "70000", "127.0.0.1", "7"], "-p 70000: out of range (1-65535)"),
    (["-p", "0", "127.0.0.1", "7"], "-p 0: out of range (1-65535)"),
])
def test_bad_ports_are_usage_errors(args, message):
    # -l 70000 used to listen on 4464 for ever: the timeout catches that
    r = nc(*args, timeout=WAIT)
    assert r.returncode == 2, r.stderr
    assert r.stderr.decode().splitlines() == ["socklab nc: " + message,
                                              "Try 'socklab nc --help'."]


def test_service_name_port_still_works():
    # the name goes through /etc/services; -v shows the number it became
    r = nc("-v", "-z", "127.0.0.1", "tcpmux")   # port 1: refused, but named right
    assert r.returncode == 1
    assert b"127.0.0.1 port 1 (tcp) failed: Connection refused" in r.stderr, r.stderr


# --- nc -zu reports a closed UDP port as closed (item 3) ---

def test_zero_io_udp_closed_port_says_closed(lab):
    closed = free_port(socket.SOCK_DGRAM)
    echo = lab.port("echo", "udp")
    r = nc("-zuv", "127.0.0.1", closed)
    assert r.returncode == 1
    assert r.stderr.decode().splitlines() == [
        "127.0.0.1 %d port [udp/*] closed: port unreachable (ICMP)" % closed]
    # in a range: each port's own verdict
    lo, hi = min(closed, echo), max(closed, echo)
    r = nc("-zuv", "-w", "0.5", "127.0.0.1", "%d-%d" % (lo, hi))
    lines = r.stderr.decode().splitlines()
    assert "127.0.0.1 %d port [udp/*] closed: port unreachable (ICMP)" % closed in lines
    assert any(l.startswith("Connection to 127.0.0.1 %d port [udp/" % echo) for l in lines)
    assert not any("no address" in l for l in lines), lines


# --- nc -lvu says "listening" until a datagram names the peer (item 4) ---

@pytest.mark.parametrize("host", HOSTS)
def test_udp_listener_is_connected_only_after_the_first_datagram(host):
    p, port = start_listener("-u", "-s", host, "0")
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(fam, socket.SOCK_DGRAM) as c:
            c.bind((host, 0))
            c.sendto(b"ping", (host, port))
            line = p.stderr.readline().decode().rstrip("\n")
            fmt = "[%s]:%d" if ":" in host else "%s:%d"
            assert line == "socklab nc: connected (udp): local %s, peer %s" % (
                fmt % (host, port), fmt % (host, c.getsockname()[1])), line
            assert os.read(p.stdout.fileno(), 100) == b"ping"
    finally:
        p.kill()
        p.wait()


# --- -M is the TTL; -w is UDP's idle timeout too (item 5) ---

def test_udp_listener_idle_timeout_without_any_datagram():
    p = subprocess.Popen([BIN, "nc", "-l", "-u", "-w", "0.3", "-s", "127.0.0.1", "0"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = p.communicate(timeout=WAIT)   # stdin stays open: only -w can end it
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    assert p.returncode == 1
    assert err.decode() == "socklab nc: timed out: no datagram within 0.3 s (-w)\n"
    assert out == b""


def test_udp_idle_timeout_ends_a_session_that_moved_data():
    # listener: one datagram in, one out, then idle; client: stdin stays open
    p, port = start_listener("-u", "-w", "0.5", "-s", "127.0.0.1", "0")
    client = subprocess.Popen([BIN, "nc", "-u", "-v", "-w", "0.5", "127.0.0.1", str(port)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    try:
        client.stdin.write(b"hello\n")
        client.stdin.flush()
        assert os.read(p.stdout.fileno(), 100) == b"hello\n"
        p.stdin.write(b"back\n")
        p.stdin.flush()
        assert os.read(client.stdout.fileno(), 100) == b"back\n"
        assert p.wait(timeout=WAIT) == 0
        assert client.wait(timeout=WAIT) == 0
        err = p.stderr.read().decode()
        assert "idle for 0.5 s (-w): session over" in err, err
        err = client.stderr.read().decode()
        assert "idle for 0.5 s (-w): session over" in err, err
        assert "sent 1 datagrams (6 bytes), received 1 (5 bytes)" in err, err
    finally:
        for proc in (p, client):
            if proc.poll() is None:
                proc.kill()
                proc.wait()


@pytest.mark.skipif(need_root_and_tools() is not None, reason=str(need_root_and_tools()))
def test_dash_M_sets_the_ttl_and_hop_limit_like_openbsd():
    # The packets nc sends from namespace b to a carry TTL / hop limit 7,
    # counted by nftables in a, for TCP and UDP over IPv4 and IPv6.
    net = NsPair()
    try:
        net.nft(net.a, """
table inet slnc_ttl {
  chain in {
    type filter hook input priority 0; policy accept;
    meta l4proto tcp ip ttl 7 counter comment "tcp4"
    meta l4proto udp ip ttl 7 counter comment "udp4"
    meta l4proto tcp ip6 hoplimit 7 counter comment "tcp6"
    meta l4proto udp ip6 hoplimit 7 counter comment "udp6"
  }
}
""")
        for proto, addr in (("tcp", net.A4), ("udp", net.A4), ("tcp", net.A6), ("udp", net.A6)):
            udp = ["-u", "-w", "2"] if proto == "udp" else []
            lst = net.popen(net.a, [BIN, "nc", "-l", "-v"] + udp + [addr, "0"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
            m = re.search(r"listening on .*:(\d+) ", lst.stderr.readline().decode())
            assert m
            cli = subprocess.run(net.cmd(net.b, [BIN, "nc", "-M", "7", "-q", "0"] + udp +
                                         [addr, m.group(1)]),
                                 input=b"ttl\n", capture_output=True, timeout=WAIT)
            assert cli.returncode == 0, cli.stderr
            if proto == "tcp":
                assert lst.wait(timeout=WAIT) == 0
            assert os.read(lst.stdout.fileno(), 100) == b"ttl\n"
        counts = net.counters(net.a, "slnc_ttl")
        assert all(counts[k] > 0 for k in ("tcp4", "udp4", "tcp6", "udp6")), counts
    finally:
        net.close()


# --- the fast paths lose nothing and count right (item 6) ---

ODD_SIZES = [0, 1, 4095, 65535, 65537, 1048577, 3 * 1048576 + 13]


@pytest.mark.parametrize("size", ODD_SIZES)
@pytest.mark.parametrize("kind", ["file", "pipe", "pipe-in-odd-pieces"])
def test_file_and_pipe_inputs_arrive_whole_and_counted(kind, size, tmp_path):
    import hashlib
    import random
    data = random.Random(size).randbytes(size)

    def handler(conn, result):
        h, n = hashlib.sha256(), 0
        while True:
            d = conn.recv(1 << 20)
            if not d:
                break
            h.update(d)
            n += len(d)
        result["sha"], result["n"] = h.hexdigest(), n
    srv = PyServer(handler)
    argv = [BIN, "nc", "-v", "127.0.0.1", str(srv.port)]
    if kind == "file":
        (tmp_path / "in").write_bytes(data)
        with open(tmp_path / "in", "rb") as f:
            r = subprocess.run(argv, stdin=f, capture_output=True, timeout=WAIT)
    else:
        rfd, wfd = os.pipe()
        rng = random.Random(7)

        def feed():
            view = memoryview(data)
            while view:
                step = rng.randint(1, 200000) if kind == "pipe-in-odd-pieces" else len(view)
                view = view[os.write(wfd, view[:step]):]
            os.close(wfd)
        t = threading.Thread(target=feed, daemon=True)
        t.start()
        try:
            r = subprocess.run(argv, stdin=rfd, capture_output=True, timeout=WAIT)
        finally:
            os.close(rfd)
            t.join(WAIT)
    res = srv.join()
    assert r.returncode == 0, r.stderr
    assert res["n"] == size
    assert res["sha"] == hashlib.sha256(data).hexdigest()
    assert ("sent %d bytes, received 0 bytes" % size).encode() in r.stderr, r.stderr


def test_file_input_starts_at_its_offset_and_leaves_it_at_the_end(tmp_path):
    # `(head -c N >/dev/null; nc ...) < file`: the shell already took N bytes
    import hashlib
    data = os.urandom(2 * 1024 * 1024 + 1)

    def handler(conn, result):
        result["got"] = read_until_eof(conn)
    srv = PyServer(handler)
    (tmp_path / "in").write_bytes(data)
    with open(tmp_path / "in", "rb") as f:
        f.seek(12345)
        r = subprocess.run([BIN, "nc", "127.0.0.1", str(srv.port)], stdin=f,
                           capture_output=True, timeout=WAIT)
        assert f.tell() == len(data)   # the next reader finds the end
    assert r.returncode == 0, r.stderr
    got = srv.join()["got"]
    assert hashlib.sha256(got).digest() == hashlib.sha256(data[12345:]).digest()


def test_file_that_shrinks_while_sent_is_an_error_not_a_crash(tmp_path):
    size = 8 * 1024 * 1024
    path = tmp_path / "in"
    path.write_bytes(os.urandom(size))
    truncated = threading.Event()

    def handler(conn, result):
        got = conn.recv(65536)
        os.truncate(path, 4096)      # nc still has megabytes to send
        truncated.set()
        result["n"] = len(got) + len(read_until_eof(conn))
    srv = PyServer(handler)
    with open(path, "rb") as f:
        r = subprocess.run([BIN, "nc", "127.0.0.1", str(srv.port)], stdin=f,
                           capture_output=True, timeout=WAIT)
    srv.join()
    assert truncated.is_set()
    assert r.returncode == 1, r.stderr
    assert r.stderr.decode().startswith(
        "socklab nc: standard input shrank while it was being sent"), r.stderr


@pytest.mark.skipif(not os.path.exists("/sys/class/net/lo/address"), reason="no sysfs")
def test_file_that_cannot_be_mapped_is_read_instead():
    # sysfs says 4096 bytes and mmap(2) refuses: nc reads what is there
    path = "/sys/class/net/lo/address"
    with open(path, "rb") as f:
        want = f.read()

    def handler(conn, result):
        result["got"] = read_until_eof(conn)
    srv = PyServer(handler)
    with open(path, "rb") as f:
        r = subprocess.run([BIN, "nc", "-v", "127.0.0.1", str(srv.port)], stdin=f,
                           capture_output=True, timeout=WAIT)
    assert r.returncode == 0, r.stderr
    assert srv.join()["got"] == want
    assert ("sent %d bytes" % len(want)).encode() in r.stderr
