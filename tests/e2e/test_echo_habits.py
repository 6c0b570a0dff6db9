"""The echo pair as students type it (issue 14): `echo-client HOST PORT`
positional, host names for --ip and HOST, and --json on both programs
(JSON Lines parsed line by line: the send and echo objects with their
round-trip time, the client's summary, the server's accept, message and
close objects with their counts)."""
import json
import socket
import subprocess

import pytest

from conftest import BIN, WAIT
from echo_util import EchoServer
from ptyproc import check_sanitizers


def client(args, stdin=b""):
    p = subprocess.run([BIN, "echo-client"] + list(args), input=stdin, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=WAIT)
    err = p.stderr.decode("utf-8", "replace").splitlines()
    check_sanitizers(err)
    return p.returncode, p.stdout, err


def json_lines(data):
    """Every line of data as one JSON object (fails on anything else)."""
    text = data.decode("ascii")  # JSON Lines here are ASCII (\\u escapes)
    assert text.endswith("\n") or text == ""
    return [json.loads(l) for l in text.splitlines()]


def resolves(name):
    try:
        return {a[4][0] for a in socket.getaddrinfo(name, None)}
    except socket.gaierror:
        return set()


@pytest.fixture
def server():
    servers = []

    def start(*args):
        srv = EchoServer(args)
        servers.append(srv)
        if "--json" in args:
            first = json.loads(srv.next_line())
            assert first["type"] == "listening"
            srv.port, srv.host = first["port"], first["addr"]
        else:
            srv.wait_ready()
        return srv

    yield start
    for srv in servers:
        assert srv.stop() == 0, srv.stderr_lines
        srv.finish()


@pytest.mark.parametrize("proto", ["TCP", "UDP"])
def test_host_and_port_as_operands(server, proto):
    srv = server("-t", proto)
    rc, out, err = client(["127.0.0.1", str(srv.port), "-t", proto], b"positional\n")
    assert (rc, out, err) == (0, b">Echo: positional\n", [])
    # options before or after, and the seed's spellings still work
    rc, out, err = client(["-ip", "127.0.0.1", "-p", str(srv.port), "-t", proto], b"seed\n")
    assert (rc, out, err) == (0, b">Echo: seed\n", [])


@pytest.mark.parametrize("proto", ["TCP", "UDP"])
def test_localhost_is_resolved_and_each_address_tried(server, proto):
    if "127.0.0.1" not in resolves("localhost"):
        pytest.skip("localhost is not 127.0.0.1 here")
    srv = server("-t", proto)
    # localhost may give ::1 first: the client goes on to 127.0.0.1
    rc, out, err = client(["localhost", str(srv.port), "-t", proto], b"by name\n")
    assert (rc, out, err) == (0, b">Echo: by name\n", [])
    rc, out, err = client(["--ip", "localhost", "-p", str(srv.port), "-t", proto], b"--ip name\n")
    assert (rc, out, err) == (0, b">Echo: --ip name\n", [])


def test_server_binds_a_name(server):
    if "127.0.0.1" not in resolves("localhost"):
        pytest.skip("localhost is not 127.0.0.1 here")
    srv = server("--ip", "localhost")
    assert srv.host in resolves("localhost")
    rc, out, _ = client(["localhost", str(srv.port)], b"x\n")
    assert (rc, out) == (0, b">Echo: x\n")


def test_ip6_localhost_when_the_host_knows_it(server):
    if not resolves("ip6-localhost") & {"::1"}:
        pytest.skip("ip6-localhost does not resolve to ::1 here")
    srv = server("--ip", "::1")
    rc, out, _ = client(["ip6-localhost", str(srv.port)], b"six\n")
    assert (rc, out) == (0, b">Echo: six\n")


@pytest.mark.parametrize("args,why", [
    (["a", "1", "extra"], "unexpected argument 'extra'"),
    (["--ip", "127.0.0.1", "127.0.0.1"], "HOST 127.0.0.1 and --ip 127.0.0.1: give the server once"),
    (["-p", "5", "127.0.0.1", "6"], "PORT 6 and -p: give the port once"),
    (["127.0.0.1", "0"], "PORT 0: not a port to send to (1-65535)"),
    (["127.0.0.1", "http"], "PORT http: not a port (0-65535)"),
    (["1.2.3"], "HOST 1.2.3: not an IPv4 or IPv6 address"),
])
def test_operand_errors_are_one_line_exit_2(args, why):
    rc, out, err = client(args)
    assert (rc, out) == (2, b"")
    assert err == ["socklab echo-client: %s" % why, "Try 'socklab echo-client --help'."]


def test_server_takes_no_operands():
    p = subprocess.run([BIN, "echo-server", "extra"], stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=WAIT)
    assert p.returncode == 2
    assert p.stderr.decode().splitlines()[0] == "socklab echo-server: unexpected argument 'extra'"


def test_unknown_name_is_a_usage_error():
    rc, out, err = client(["no-such-host.invalid", "4002"])
    assert (rc, out) == (2, b"")
    assert err[0].startswith("socklab echo-client: HOST no-such-host.invalid: "), err


@pytest.mark.parametrize("proto", ["TCP", "UDP"])
def test_json_both_sides_with_counts(server, proto):
    srv = server("-t", proto, "--json")
    lines = [b"hello", b"caf\xe9", b"back\\slash"]
    rc, out, err = client(["127.0.0.1", str(srv.port), "-t", proto, "--json"],
                          b"".join(l + b"\n" for l in lines))
    assert rc == 0 and err == []
    objs = json_lines(out)
    assert [o["type"] for o in objs] == ["send", "echo"] * 3 + ["summary"]
    for i, line in enumerate(lines):
        send, echo = objs[2 * i], objs[2 * i + 1]
        assert send["seq"] == echo["seq"] == i + 1
        assert send["bytes"] == echo["bytes"] == len(line) + 1
        assert send["proto"] == proto.lower()
        # bytes that are not UTF-8 in the one reversible form (core/jsontext)
        import codecs
        assert codecs.escape_decode(echo["text"].encode())[0] == line + b"\n"
        assert isinstance(echo["rtt_ms"], float) and echo["rtt_ms"] >= 0
        assert isinstance(echo["time"], float)
    summary = objs[-1]
    assert summary["messages_sent"] == summary["messages_echoed"] == 3
    assert summary["bytes_sent"] == summary["bytes_echoed"] == sum(len(l) + 1 for l in lines)
    assert summary["exit_status"] == 0
    assert summary["rtt_ms_min"] <= summary["rtt_ms_avg"] <= summary["rtt_ms_max"]

    msgs = [json.loads(srv.wait_line(lambda l: '"message"' in l)) for _ in lines]
    assert [m["bytes"] for m in msgs] == [len(l) + 1 for l in lines]
    assert all(m["peer"] == "127.0.0.1" for m in msgs)
    if proto == "TCP":
        assert [m["seq"] for m in msgs] == [1, 2, 3]
        close = json.loads(srv.wait_line(lambda l: '"close"' in l))
        assert close["bytes_in"] == close["bytes_out"] == summary["bytes_sent"]
        assert close["messages"] == 3 and close["reason"] == "client-closed"
        assert isinstance(close["duration_s"], float)
        assert json.loads(srv.stdout_lines[1])["type"] == "accept"
    else:
        assert all(m["result"] == "echoed" for m in msgs)
    srv.stop()
    stopped = json.loads(srv.wait_line(lambda l: '"stopped"' in l))
    if proto == "TCP":
        assert stopped["connections"] == 1
    else:
        assert stopped["datagrams_in"] == stopped["datagrams_out"] == 3
    for l in srv.stdout_lines:
        json.loads(l)


def test_json_client_without_server_still_summarises():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    rc, out, err = client(["127.0.0.1", str(port), "--json"], b"x\n")
    assert rc == 1 and "Connection refused" in err[0]
    objs = json_lines(out)
    assert objs[-1]["type"] == "summary" and objs[-1]["exit_status"] == 1
    assert objs[-1]["messages_sent"] == 0


def test_json_continuous_mode(server):
    srv = server("-t", "UDP")
    rc, out, err = client(["-c", "127.0.0.1", str(srv.port), "-t", "UDP", "--json"], b"ab")
    assert rc == 0, err
    objs = json_lines(out)
    sends = [o for o in objs if o["type"] == "send"]
    echoes = [o for o in objs if o["type"] == "echo"]
    assert [o["text"] for o in sends] == ["a", "b"]
    assert sorted(o["text"] for o in echoes) == ["a", "b"]
    assert objs[-1]["type"] == "summary" and objs[-1]["messages_echoed"] == 2
