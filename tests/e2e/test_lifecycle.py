"""Start-up, ready lines, bind errors, usage errors, signals and --help."""
import os
import re
import signal
import socket
import subprocess
import time

import pytest

from conftest import BIN, WAIT, Server, all_ephemeral, recv_all, tcp_connect


def run(*args, timeout=WAIT):
    return subprocess.run([BIN] + list(args), stdin=subprocess.DEVNULL, capture_output=True,
                          timeout=timeout, text=True)


def test_text_ready_lines(start_server):
    srv = start_server("--only", "echo,time", "--service", "echo=0", "--service", "time=0",
                       "-4", json_mode=False, wait=False)
    lines = [srv.next_line() for _ in range(5)]
    assert re.fullmatch(r"listening echo tcp 127\.0\.0\.1:\d+", lines[0])
    assert re.fullmatch(r"listening echo udp 127\.0\.0\.1:\d+", lines[1])
    assert re.fullmatch(r"listening time tcp 127\.0\.0\.1:\d+", lines[2])
    assert re.fullmatch(r"listening time udp 127\.0\.0\.1:\d+", lines[3])
    assert lines[4] == "ready 4 listeners"
    port = int(lines[0].rsplit(":", 1)[1])
    assert int(lines[1].rsplit(":", 1)[1]) == port
    with tcp_connect(port) as s:
        s.sendall(b"hi")
        s.recv(2)
    assert re.fullmatch(r"end echo tcp 127\.0\.0\.1:\d+ in=2 out=2 secs=\d+\.\d{3} "
                        r"reason=client-closed", srv.next_line())


def test_bind_error_port_in_use_is_one_line_and_serves_nothing(start_server):
    # Hold the port for both protocols, so that it is "tcp" that fails,
    # whatever other programs on the host hold.
    holder = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    holder.bind(("127.0.0.1", 0))
    port = holder.getsockname()[1]
    tcp_holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        try:
            tcp_holder.bind(("127.0.0.1", port))
        except OSError:
            pass  # someone else holds its TCP twin: taken either way
        # time on a free port first, then qotd on the taken one: nothing may run
        r = run("serve", "-4", "--only", "time,qotd", "--service", "time=0",
                "--service", "qotd=%d" % port)
        assert r.returncode == 1
        err = r.stderr.strip().splitlines()
        assert err == ["socklab serve: cannot bind tcp 127.0.0.1:%d (qotd): Address already "
                       "in use — another program has that port; try --service qotd=0 "
                       "(any free port)" % port]
        assert "ready" not in r.stdout
    finally:
        holder.close()
        tcp_holder.close()


def free_offset(services_ports, lo=41000, hi=52000, step=137):
    """An offset at which every standard port given is free (TCP and UDP) now."""
    for off in range(lo, hi, step):
        if all(port_free(p + off) for p in services_ports):
            return off
    pytest.skip("no free offset between %d and %d" % (lo, hi))


def port_free(port):
    for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
        with socket.socket(socket.AF_INET, kind) as s:
            if kind == socket.SOCK_STREAM:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                return False
    return True


HINT_RE = re.compile(r"try --port-offset (\d+) \(its ports are free now\)$")


def test_bind_error_offset_in_use_suggests_a_free_offset(start_server):
    # Two students on one machine: the second must not be sent back to the
    # offset that failed, nor to one that is taken too.
    off = free_offset([7, 13])
    first = start_server("-4", "--only", "echo,daytime", "--port-offset", str(off))
    holders = []
    for port in (10007, 20013):   # take the first round offsets' ports where we can
        if port_free(port):
            h = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            h.bind(("127.0.0.1", port))
            holders.append(h)
    try:
        r = run("serve", "-4", "--only", "echo,daytime", "--port-offset", str(off))
        assert r.returncode == 1
        err = r.stderr.strip().splitlines()
        assert len(err) == 1, r.stderr
        assert err[0].startswith("socklab serve: cannot bind tcp 127.0.0.1:%d (echo): Address "
                                 "already in use — another program has that port; "
                                 % (7 + off)), err[0]
        m = HINT_RE.search(err[0])
        assert m, err[0]
        hinted = int(m.group(1))
        assert hinted not in (off, 10000, 20000)
        second = start_server("-4", "--only", "echo,daytime", "--port-offset", str(hinted))
        assert second.port("echo") == 7 + hinted
        assert first.port("echo") == 7 + off
    finally:
        for h in holders:
            h.close()


def unprivileged_start():
    try:
        with open("/proc/sys/net/ipv4/ip_unprivileged_port_start") as f:
            return int(f.read())
    except OSError:
        return 1024


@pytest.mark.skipif(unprivileged_start() <= 7, reason="this host lets users bind low ports")
def test_bind_error_privileged_port_as_user():
    cmd = [BIN, "serve", "-4", "--only", "echo"]
    if os.geteuid() == 0:
        setpriv = "/usr/bin/setpriv"
        if not os.path.exists(setpriv):
            pytest.skip("setpriv (util-linux) is missing")
        cmd = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"] + cmd
    r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                       timeout=WAIT)
    if "Permission denied" not in r.stderr and "cannot bind" not in r.stderr:
        pytest.skip("binary not runnable as nobody here: %s" % r.stderr.strip())
    assert r.returncode == 1
    line = r.stderr.strip()
    assert line.startswith("socklab serve: cannot bind tcp 127.0.0.1:7 (echo): "
                           "Permission denied — ports below 1024 need root; "), line
    m = HINT_RE.search(line)
    assert m, line
    assert port_free(7 + int(m.group(1)))


@pytest.mark.parametrize("args,message", [
    (["--bogus"], "unknown option --bogus"),
    (["--port-offset", "x"], "--port-offset x: not a number"),
    (["--port-offset", "70000"], "--port-offset 70000: too large"),
    (["--service", "nope=3"], "--service nope=3: unknown service 'nope'"),
    (["--only", "echo,nope"], "--only: unknown service 'nope'"),
    (["--bind", "nosuch.invalid"], "--bind nosuch.invalid: not an address, and cannot resolve it"),
    (["-4", "--bind", "::1"], "cannot use -4 with --bind ::1"),
    (["--tcp-only", "--udp-only"], "cannot use --tcp-only with --udp-only"),
    (["--idle-timeout", "-1"], "--idle-timeout -1: not a number"),
    (["--udp-rate", "5X"], "--udp-rate 5X: not a size"),
    (["--port-offset", "60000"], "upper: port 12000 + --port-offset 60000 is above 65535"),
    (["extra"], "unexpected argument 'extra'"),
    (["--service"], "option --service needs a value"),
    (["--json", "-xq"], "unknown option -x"),   # not "--json": the bad letter's word
    (["-q", "--json", "-vx"], "unknown option -x"),
])
def test_usage_errors_exit_2_with_one_clear_line(args, message):
    r = run("serve", *args)
    assert r.returncode == 2
    first = r.stderr.splitlines()[0]
    assert first.startswith("socklab serve: ") and message in first, r.stderr
    assert r.stdout == ""


def test_quotes_file_and_sighup_reload(start_server, tmp_path):
    qf = tmp_path / "quotes.txt"
    qf.write_text("First quote.\n")
    srv = start_server("--only", "qotd", "--service", "qotd=0", "--quotes", str(qf))
    with tcp_connect(srv.port("qotd")) as s:
        assert recv_all(s) == b"First quote.\r\n"
    qf.write_text("%\nSecond\nquote, two lines.\n%\n")
    srv.proc.send_signal(signal.SIGHUP)
    ev = srv.wait_event(lambda e: e["event"] == "quotes")
    assert ev["count"] == 1
    with tcp_connect(srv.port("qotd")) as s:
        assert recv_all(s) == b"Second\r\nquote, two lines.\r\n"
    # a bad file on reload: one clear line, the old quotes stay
    qf.write_text("x" * 600 + "\n")
    srv.proc.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + WAIT
    while not any("quote is" in l for l in srv.stderr_lines):
        assert time.monotonic() < deadline, srv.stderr_lines
        time.sleep(0.05)
    line = [l for l in srv.stderr_lines if "quote is" in l][0]
    assert line == ("socklab serve: %s:1: quote is 602 bytes; RFC 865 quotes must be under 512 "
                    "(keeping the 1 quotes loaded before)" % qf)
    with tcp_connect(srv.port("qotd")) as s:
        assert recv_all(s) == b"Second\r\nquote, two lines.\r\n"


def test_bad_quotes_file_at_start(tmp_path):
    qf = tmp_path / "q.txt"
    qf.write_bytes(b"fine\nbell \x07 here\n")
    r = run("serve", "--only", "qotd", "--service", "qotd=0", "--quotes", str(qf))
    assert r.returncode == 1
    assert r.stderr.strip() == ("socklab serve: --quotes %s:2: control character 0x07 in quote"
                                % qf)
    r = run("serve", "--only", "qotd", "--service", "qotd=0", "--quotes", str(tmp_path / "no"))
    assert r.returncode == 1 and "No such file or directory" in r.stderr


def test_sigterm_with_open_connections_exits_0_quickly(start_server):
    srv = start_server(*all_ephemeral())
    conns = [tcp_connect(srv.port(s)) for s in ("echo", "discard", "chargen")]
    conns[0].sendall(b"x")
    conns[0].recv(1)
    t0 = time.monotonic()
    rc = srv.stop(signal.SIGTERM)
    assert rc == 0
    assert time.monotonic() - t0 < 3
    for c in conns:  # every connection was closed
        c.settimeout(WAIT)
        try:
            while c.recv(65536):
                pass
        except ConnectionResetError:
            pass
        c.close()
    ends = [e for e in srv.events if e["event"] == "end"]
    while True:
        ev = srv.wait_event(lambda e: e["event"] in ("end", "stopped"))
        if ev["event"] == "stopped":
            break
        ends.append(ev)
    assert sorted(e["service"] for e in ends if e["reason"] == "shutdown") == \
        ["chargen", "discard", "echo"]
    assert ev["tcp"] == 3


def test_sigint_exits_0(start_server):
    srv = start_server("--only", "echo", "--service", "echo=0")
    assert srv.stop(signal.SIGINT) == 0


SERVE_OPTIONS = ["--ipv4", "--ipv6", "--bind", "--port-offset", "--service", "--only",
                 "--tcp-only", "--udp-only", "--idle-timeout", "--max-conns",
                 "--max-per-host", "--udp-rate", "--high-water", "--sndbuf", "--rcvbuf", "--quotes",
                 "--amp-factor", "--amp-credit", "--udp-peer-rate",
                 "--daytime-format", "--quiet", "--verbose", "--json", "--help", "--version"]


def test_help_documents_every_option():
    r = run("serve", "--help")
    assert r.returncode == 0 and r.stderr == ""
    for opt in SERVE_OPTIONS:
        assert re.search(r"(^|\s|,)%s\b" % re.escape(opt), r.stdout, re.M), opt
    for svc in ("echo", "discard", "daytime", "qotd", "chargen", "time", "upper"):
        assert svc in r.stdout


def test_every_documented_option_is_accepted():
    # the help text and the parser agree: each option parses (with a value)
    values = {"--bind": "127.0.0.1", "--port-offset": "1", "--service": "echo=0",
              "--only": "echo", "--idle-timeout": "1", "--max-conns": "5",
              "--max-per-host": "1", "--udp-rate": "1k", "--high-water": "4k",
              "--sndbuf": "64k", "--rcvbuf": "64k",
              "--quotes": "/dev/null", "--daytime-format": "%H",
              "--amp-factor": "1", "--amp-credit": "4k", "--udp-peer-rate": "1000"}
    r = run("serve", "--help")
    for opt in re.findall(r"--[a-z0-9-]+", r.stdout):
        if opt in ("--help", "--version"):
            continue
        args = [opt] + ([values[opt]] if opt in values else [])
        res = run("serve", *args, "--bogus-to-stop")
        assert "unknown option --bogus-to-stop" in res.stderr, (opt, res.stderr)


def test_version_and_top_level_help():
    r = run("--help")
    assert r.returncode == 0 and "serve" in r.stdout
    r = run("serve", "--version")
    assert r.returncode == 0 and r.stdout.startswith("socklab serve ")
    r = run("nosuchtool")
    assert r.returncode == 2 and "unknown tool 'nosuchtool'" in r.stderr


def test_verbose_logs_starts(start_server):
    srv = start_server("--only", "echo", "--service", "echo=0", "-v")
    with tcp_connect(srv.port("echo")) as s:
        s.sendall(b"a")
        s.recv(1)
    ev = srv.wait_event(lambda e: e["event"] == "start")
    assert ev["service"] == "echo" and ev["proto"] == "tcp"


def test_quiet_logs_no_connections(start_server):
    srv = start_server("--only", "echo", "--service", "echo=0", "--quiet")
    with tcp_connect(srv.port("echo")) as s:
        s.sendall(b"a")
        s.recv(1)
    srv.stop()
    ev = srv.wait_event(lambda e: True)
    assert ev["event"] == "stopped" and ev["tcp"] == 1


def test_tcp_only_and_ipv6_only(start_server):
    srv = start_server("--only", "echo,time", "--service", "echo=0", "--service", "time=0",
                       "--tcp-only")
    assert {l["proto"] for l in srv.listeners} == {"tcp"}
    srv = start_server("--only", "echo", "--service", "echo=0", "--udp-only", "-4")
    assert [(l["proto"], l["addr"]) for l in srv.listeners] == [("udp", "127.0.0.1")]


def test_ipv6_only(start_server):
    from conftest import have_ipv6
    if not have_ipv6():
        pytest.skip("IPv6 is off on this host")
    srv = start_server("--only", "echo", "--service", "echo=0", "-6")
    assert {l["addr"] for l in srv.listeners} == {"::1"}
    with tcp_connect(srv.port("echo"), "::1") as s:
        s.sendall(b"six")
        assert s.recv(3) == b"six"


def test_bind_repeatable(start_server):
    srv = start_server("--only", "echo", "--service", "echo=0", "--bind", "127.0.0.1",
                       "--bind", "127.0.0.2")
    assert sorted(l["addr"] for l in srv.listeners) == ["127.0.0.1", "127.0.0.1",
                                                       "127.0.0.2", "127.0.0.2"]
    with tcp_connect(srv.port("echo"), "127.0.0.2") as s:
        s.sendall(b"two")
        assert s.recv(3) == b"two"
