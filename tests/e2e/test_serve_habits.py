"""serve for inetd's users: -d and -l (debug, log each connection) are
--verbose, a configuration file as an argument is answered with what serve
does instead, and --bind takes a host name (every address it has)."""
import socket
import subprocess

from conftest import BIN, WAIT, tcp_connect


def resolved(name):
    return sorted({ai[4][0] for ai in socket.getaddrinfo(name, None, 0, socket.SOCK_STREAM)})


def test_bind_a_name_listens_on_each_of_its_addresses(start_server):
    srv = start_server("--bind", "localhost", "--only", "echo", "--service", "echo=0")
    got = sorted({ev["addr"] for ev in srv.listeners})
    assert got == resolved("localhost")
    s = tcp_connect(srv.port("echo"))
    s.sendall(b"hi\n")
    assert s.recv(10) == b"hi\n"
    s.close()


def test_dash_d_logs_each_connection_like_verbose(start_server):
    srv = start_server("-d", "--only", "echo", "--service", "echo=0")
    s = tcp_connect(srv.port("echo"))
    ev = srv.wait_event(lambda e: e["event"] == "start")
    assert ev["service"] == "echo"
    s.close()


def usage(*args):
    p = subprocess.run([BIN, "serve"] + list(args), capture_output=True, timeout=WAIT)
    lines = p.stderr.decode().strip().splitlines()
    assert p.returncode == 2 and len(lines) == 2, p.stderr
    assert lines[1] == "Try 'socklab serve --help'."
    return lines[0]


def test_inetd_habits_that_serve_answers():
    line = usage("/etc/inetd.conf")
    assert "reads no configuration file and runs no programs" in line
    assert "--only" in line
    assert "cannot resolve it" in usage("--bind", "nosuch.invalid")
