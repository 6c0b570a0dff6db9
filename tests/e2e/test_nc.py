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

HOSTS = ["127.0.0.1", pytest.param("::1", marks=pytest.mark.skipif(
    not have_ipv6(), reason="IPv6 is off on this host"))]
ALL_BYTES = bytes(range(256)) * 64


def nc(*args, data=b"", timeout=WAIT):
    return subprocess.run([BIN, "nc"] + [str(a) for a in args], input=data,
                          capture_output=True, timeout=timeout)


class PyServer:
    """A one-connection Python TCP server running handler(conn) in a thread."""

    def __init__(self, handler, host="127.0.0.1", backlog=10):
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(fam, socket.SOCK_STREAM)
        self.sock.bind((host, 0))
        self.sock.listen(backlog)
        self.port = self.sock.getsockname()[1]
        self.result = {}
        self.error = None
        self.thread = threading.Thread(target=self._run, args=(handler,), daemon=True)
        self.thread.start()

    def _run(self, handler):
        try:
            self.sock.settimeout(WAIT)
            conn, addr = self.sock.accept()
            self.result["peer"] = addr
            with conn:
                conn.settimeout(WAIT)
                handler(conn, self.result)
        except Exception as e:  # reported by join()
            self.error = e

    def join(self):
        self.thread.join(WAIT)
        self.sock.close()
        if self.error:
            raise self.error
        return self.result


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
    # stdin stays open (a pipe with no writer closing yet): the peer's EOF ends it
    p = subprocess.Popen([BIN, "nc", "127.0.0.1", str(lab.port("daytime"))],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = p.stdout.read()
    assert p.wait(timeout=WAIT) == 0
    p.stdin.close()
    assert re.match(rb"^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\r\n$", out)


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


def start_listener(*args):
    """nc -l -v ... PORT 0: returns the process and the port it listens on."""
    p = subprocess.Popen([BIN, "nc", "-l", "-v"] + [str(a) for a in args],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    line = p.stderr.readline().decode()
    m = re.search(r"listening on (.*):(\d+) \((tcp|udp)\)", line)
    assert m, line
    return p, int(m.group(2))


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
    assert err.decode().strip() == "socklab nc: connection reset by peer"
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


def test_sendfile_and_splice_paths(lab, tmp_path):
    data = os.urandom(3 * 1024 * 1024)
    f = tmp_path / "in.bin"
    f.write_bytes(data)
    with open(f, "rb") as fin:  # regular file: sendfile
        r = subprocess.run([BIN, "nc", "127.0.0.1", str(lab.port("echo"))], stdin=fin,
                           capture_output=True, timeout=WAIT)
    assert r.returncode == 0 and r.stdout == data
    cat = subprocess.Popen(["cat", str(f)], stdout=subprocess.PIPE)  # pipe: splice
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
    (["-z", "127.0.0.1", "10-1"], "bad port range '10-1'"),
    (["-u", "--nodelay", "127.0.0.1", "7"], "cannot use --nodelay with -u"),
    (["-w", "x", "127.0.0.1", "7"], "-w x: not a number"),
    (["--mss", "10", "127.0.0.1", "7"], "--mss 10: too small"),
    (["--bogus"], "unknown option --bogus"),
    (["-l", "1", "2", "3"], "unexpected argument '3'"),
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
                "--rcvbuf", "--mss", "-v", "--help", "--version"]:
        assert opt in r.stdout.decode(), opt
