"""The listen backlog the servers ask for (SOCK_BACKLOG, 4096) is the one the
kernel keeps: read back through sock_diag, by `socklab sockets` and by `ss`.
libevent's evconnlistener_new(..., -1, fd) used to call listen(fd, 128) again
after socklab's listen(fd, 4096)."""
import json
import subprocess

from conftest import BIN, WAIT
from echo_util import EchoServer

SOCK_BACKLOG = 4096


def expected_backlog():
    with open("/proc/sys/net/core/somaxconn") as f:
        return min(SOCK_BACKLOG, int(f.read()))


def backlog_by_socklab(port):
    out = subprocess.run([BIN, "sockets", "-tl", "--json", "--port", str(port)],
                         capture_output=True, text=True, timeout=WAIT, check=True).stdout
    rows = [json.loads(l) for l in out.splitlines() if l.strip()]
    rows = [r for r in rows if r.get("state") == "LISTEN" and r.get("local_port") == port]
    assert rows, "no listener on port %d in: %r" % (port, out)
    return {r["send_q"] for r in rows}


def backlog_by_ss(port):
    out = subprocess.run(["ss", "-Hltn", "sport = :%d" % port], capture_output=True,
                         text=True, timeout=WAIT, check=True).stdout
    qs = {int(line.split()[2]) for line in out.splitlines() if line.strip()}
    assert qs, "ss shows no listener on port %d" % port
    return qs


def test_serve_keeps_its_backlog(start_server):
    srv = start_server("-4", "--only", "echo,daytime", "--service", "echo=0",
                       "--service", "daytime=0")
    want = expected_backlog()
    for service in ("echo", "daytime"):
        port = srv.port(service, "tcp")
        assert backlog_by_socklab(port) == {want}
        assert backlog_by_ss(port) == {want}


def test_echo_server_keeps_its_backlog():
    srv = EchoServer(["--ip", "127.0.0.1"]).wait_ready()
    try:
        want = expected_backlog()
        assert backlog_by_socklab(srv.port) == {want}
        assert backlog_by_ss(srv.port) == {want}
    finally:
        assert srv.stop() == 0
        srv.finish()
