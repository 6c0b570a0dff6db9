"""Hostile and stalled peers: bounded memory, limits, the UDP source filter
and rate cap, idle timeouts. Each shows the clear event and that the other
clients are still served."""
import os
import random
import socket
import time

import pytest

from conftest import WAIT, recv_all, recv_exactly, tcp_connect, udp_ask

MIB = 1024


def assert_refused(port):
    """A connection over a limit is closed at once (RST): at connect already,
    or at the first read."""
    try:
        s = tcp_connect(port)
    except ConnectionResetError:
        return
    with s:
        try:
            s.sendall(b"x")
            assert s.recv(1) == b""
        except (ConnectionResetError, BrokenPipeError):
            pass


def fill_for(s, seconds=3.0, limit=64 << 20):
    """Writes without reading for a while; returns the bytes the peer took.
    A server that kept reading would take the whole limit."""
    s.setblocking(False)
    total, chunk = 0, b"z" * 65536
    deadline = time.monotonic() + seconds
    while total < limit and time.monotonic() < deadline:
        try:
            total += s.send(chunk)
        except BlockingIOError:
            time.sleep(0.01)
    return total


def test_chargen_reader_that_never_reads_keeps_memory_flat(start_server):
    srv = start_server("--only", "chargen", "--service", "chargen=0", "--quiet")
    socks = [tcp_connect(srv.port("chargen")) for _ in range(8)]
    for s in socks:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    time.sleep(0.5)  # the sockets fill up; then the server must stop
    before = srv.rss_kib()
    time.sleep(1.0)
    after = srv.rss_kib()
    assert after - before < 2 * MIB, (before, after)
    # and a fresh client is still served at once
    with tcp_connect(srv.port("chargen")) as s:
        assert len(recv_exactly(s, 7030)) == 7030
    for s in socks:
        s.close()


def test_echo_stops_reading_from_a_client_that_never_reads(start_server):
    srv = start_server("--only", "echo", "--service", "echo=0", "--quiet",
                       "--high-water", "64k")
    s = tcp_connect(srv.port("echo"))
    before = srv.rss_kib()
    taken = fill_for(s)
    after = srv.rss_kib()
    # kernel socket buffers on both sides plus at most --high-water in the server
    assert taken < 40 << 20, taken
    assert after - before < 4 * MIB, (before, after, taken)
    # everything taken comes back, in order, once we read
    s.setblocking(True)
    s.settimeout(WAIT)
    got = recv_exactly(s, taken)
    assert got == b"z" * taken
    s.close()


def test_max_per_host_refuses_new_and_keeps_the_others(start_server):
    srv = start_server("--only", "echo", "--service", "echo=0", "-4", "--max-per-host", "3")
    keep = [tcp_connect(srv.port("echo")) for _ in range(3)]
    for s in keep:
        s.sendall(b"ping")
        assert recv_exactly(s, 4) == b"ping"
    assert_refused(srv.port("echo"))
    ev = srv.wait_event(lambda e: e["event"] == "refused")
    assert ev["reason"] == "max-per-host" and ev["service"] == "echo"
    for s in keep:  # the others are unaffected
        s.sendall(b"still here")
        assert recv_exactly(s, 10) == b"still here"
    keep.pop().close()
    srv.wait_event(lambda e: e["event"] == "end")
    with tcp_connect(srv.port("echo")) as s:  # a slot freed up
        s.sendall(b"again")
        assert recv_exactly(s, 5) == b"again"
    for s in keep:
        s.close()


def test_max_conns(start_server):
    srv = start_server("--only", "echo", "--service", "echo=0", "-4", "--max-conns", "2")
    a, b = tcp_connect(srv.port("echo")), tcp_connect(srv.port("echo"))
    for s in (a, b):
        s.sendall(b"1")
        recv_exactly(s, 1)
    assert_refused(srv.port("echo"))
    ev = srv.wait_event(lambda e: e["event"] == "refused")
    assert ev["reason"] == "max-conns"
    a.sendall(b"ok")
    assert recv_exactly(a, 2) == b"ok"
    for s in (a, b):
        s.close()


def test_idle_timeout_closes_silent_connection(start_server):
    srv = start_server("--only", "echo,discard", "--service", "echo=0",
                       "--service", "discard=0", "--idle-timeout", "0.5")
    with tcp_connect(srv.port("echo")) as s:
        t0 = time.monotonic()
        assert recv_all(s) == b""          # the server closed it
        assert time.monotonic() - t0 >= 0.4
    ev = srv.wait_event(lambda e: e["event"] == "end")
    assert ev["reason"] == "idle-timeout"


def test_idle_timeout_spares_busy_connection(start_server):
    srv = start_server("--only", "echo", "--service", "echo=0", "--idle-timeout", "0.5")
    with tcp_connect(srv.port("echo")) as s:
        for _ in range(8):                 # 1.6 s of activity, never 0.5 s idle
            s.sendall(b"tick")
            assert recv_exactly(s, 4) == b"tick"
            time.sleep(0.2)


def test_udp_from_own_service_port_is_dropped(start_server):
    # A datagram whose source is one of this server's own service ports could
    # start an endless echo<->chargen loop between two servers: drop it.
    srv = start_server("--only", "echo,chargen", "--service", "echo=0",
                       "--service", "chargen=0", "-4")
    chargen_port = srv.port("chargen", "udp")
    with pytest.raises(socket.timeout):
        udp_ask(srv.port("echo", "udp"), b"loop?", bind=("127.0.0.2", chargen_port),
                timeout=0.5)
    ev = srv.wait_event(lambda e: e["event"] == "drop")
    assert ev["reason"] == "bad-source-port" and ev["peer_port"] == chargen_port
    # other clients are still answered
    assert udp_ask(srv.port("echo", "udp"), b"fine") == b"fine"


@pytest.mark.skipif(os.geteuid() != 0, reason="binding source port 19 needs root")
def test_udp_from_port_19_is_dropped(start_server):
    srv = start_server("--only", "echo", "--service", "echo=0", "-4")
    # a loopback address of our own, so that parallel runs do not share port 19
    src = "127.%d.%d.%d" % (random.randrange(1, 255), random.randrange(256),
                            random.randrange(1, 255))
    with pytest.raises(socket.timeout):
        udp_ask(srv.port("echo", "udp"), b"from chargen", bind=(src, 19), timeout=0.5)
    ev = srv.wait_event(lambda e: e["event"] == "drop")
    assert ev["reason"] == "bad-source-port" and ev["peer_port"] == 19
    srv.stop()
    stopped = srv.wait_event(lambda e: e["event"] == "stopped")
    assert stopped["udp_dropped"] == 1 and stopped["udp_out"] == 0


def send_paced(port, payload, count, bind=None, rounds=10):
    """count datagrams in rounds, so the server's receive queue never overflows."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        if bind:
            s.bind(bind)
        s.settimeout(0.5)
        per = count // rounds
        for _ in range(rounds):
            for _ in range(per):
                s.sendto(payload, ("127.0.0.1", port))
            time.sleep(0.05)
        got = 0
        try:
            while True:
                got += len(s.recvfrom(65536)[0])
        except socket.timeout:
            pass
        return got


def test_udp_rate_cap_per_source(start_server):
    srv = start_server("--only", "chargen", "--service", "chargen=0", "-4",
                       "--udp-rate", "1k", "--quiet")
    # chargen answers 0-512 bytes (256 on average) to a 1-byte datagram: the
    # classic amplifier. The burst is one second's worth or one largest
    # datagram (64 KiB), so 1000 requests (~256 KiB of answers) must be capped.
    got = send_paced(srv.port("chargen", "udp"), b"x", 1000)
    assert got <= 65536 + 4 * 1024, got
    srv.stop()
    ev = srv.wait_event(lambda e: e["event"] == "stopped")
    assert ev["udp_in"] == 1000 and ev["udp_dropped"] > 500
    assert ev["udp_out"] + ev["udp_dropped"] == 1000


def test_udp_drop_lines_are_rate_limited(start_server):
    srv = start_server("--only", "echo,chargen", "--service", "echo=0",
                       "--service", "chargen=0", "-4")
    got = send_paced(srv.port("echo", "udp"), b"loop?", 300,
                     bind=("127.0.0.2", srv.port("chargen", "udp")))
    assert got == 0
    srv.stop()
    drops = suppressed = 0
    while True:
        ev = srv.wait_event(lambda e: e["event"] in ("drop", "stopped", "suppressed"))
        if ev["event"] == "stopped":
            break
        drops += ev["event"] == "drop"
        suppressed += ev.get("count", 0)
    assert drops <= 40, drops
    assert ev["udp_in"] == 300 and ev["udp_dropped"] == 300 and ev["udp_out"] == 0
