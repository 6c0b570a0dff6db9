"""Every service over TCP and UDP, IPv4 and IPv6, checked against what the
RFCs and BSD inetd's built-ins send (seed 000's client transcripts)."""
import re
import socket
import struct
import time

import pytest

from conftest import (chargen_expected, have_ipv6, recv_all, recv_exactly, tcp_connect,
                      udp_ask)

HOSTS = ["127.0.0.1", pytest.param("::1", marks=pytest.mark.skipif(
    not have_ipv6(), reason="IPv6 is off on this host"))]
DAYTIME_RE = re.compile(rb"^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) "
                        rb"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                        rb"[ 123]\d \d\d:\d\d:\d\d \d{4}\r\n$")
RFC868_OFFSET = 2208988800


@pytest.mark.parametrize("host", HOSTS)
def test_tcp_echo_like_seed_client(lab, host):
    with tcp_connect(lab.port("echo"), host) as s:
        s.sendall(b"Hello World!")
        assert recv_exactly(s, 12) == b"Hello World!"
        s.sendall(b"\x00\xff binary \r\n")
        assert recv_exactly(s, 12) == b"\x00\xff binary \r\n"


@pytest.mark.parametrize("host", HOSTS)
def test_udp_echo(lab, host):
    assert udp_ask(lab.port("echo", "udp"), b"Hello World!", host) == b"Hello World!"


def test_udp_echo_largest_datagram(lab):
    payload = bytes(range(256)) * 255 + b"x" * (65507 - 256 * 255)
    assert udp_ask(lab.port("echo", "udp"), payload) == payload


def test_tcp_echo_half_close_returns_everything_then_eof(lab):
    data = bytes(i % 251 for i in range(3 * 1024 * 1024))
    with tcp_connect(lab.port("echo")) as s:
        # Send it all, half-close, then read: the server must hold what the
        # socket cannot take, send it after our FIN, then close its side.
        got = bytearray()
        view = memoryview(data)
        s.setblocking(False)
        import selectors
        sel = selectors.DefaultSelector()
        sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE)
        deadline = time.monotonic() + 20
        sent_fin = False
        while time.monotonic() < deadline:
            for key, ev in sel.select(timeout=1):
                if ev & selectors.EVENT_WRITE and view:
                    try:
                        n = s.send(view[:65536])
                        view = view[n:]
                    except BlockingIOError:
                        pass
                    if not view and not sent_fin:
                        s.shutdown(socket.SHUT_WR)
                        sent_fin = True
                        sel.modify(s, selectors.EVENT_READ)
                if ev & selectors.EVENT_READ:
                    d = s.recv(262144)
                    if not d:
                        assert bytes(got) == data
                        return
                    got += d
        raise AssertionError("timed out with %d of %d bytes back" % (len(got), len(data)))


def test_tcp_echo_logs_end_of_connection(lab):
    with tcp_connect(lab.port("echo")) as s:
        s.sendall(b"12345")
        recv_exactly(s, 5)
    ev = lab.wait_event(lambda e: e["event"] == "end" and e["service"] == "echo")
    assert ev["bytes_in"] == 5 and ev["bytes_out"] == 5
    assert ev["reason"] == "client-closed" and ev["peer"] == "127.0.0.1"
    assert ev["secs"] >= 0


@pytest.mark.parametrize("host", HOSTS)
def test_tcp_discard(lab, host):
    with tcp_connect(lab.port("discard"), host) as s:
        s.sendall(b"x" * 100000)
        s.shutdown(socket.SHUT_WR)
        assert recv_all(s) == b""
    ev = lab.wait_event(lambda e: e["event"] == "end" and e["service"] == "discard")
    assert ev["bytes_in"] == 100000 and ev["bytes_out"] == 0


@pytest.mark.parametrize("host", HOSTS)
def test_udp_discard_sends_nothing(lab, host):
    with pytest.raises(socket.timeout):
        udp_ask(lab.port("discard", "udp"), b"into the void", host, timeout=0.5)
    ev = lab.wait_event(lambda e: e["event"] == "dgram" and e["service"] == "discard")
    assert ev["bytes_in"] == 13 and ev["bytes_out"] == 0


@pytest.mark.parametrize("host", HOSTS)
def test_tcp_daytime_ctime_form_then_close(lab, host):
    with tcp_connect(lab.port("daytime"), host) as s:
        line = recv_all(s)
    assert DAYTIME_RE.match(line), line
    assert len(line) == 26


@pytest.mark.parametrize("host", HOSTS)
def test_udp_daytime(lab, host):
    assert DAYTIME_RE.match(udp_ask(lab.port("daytime", "udp"), b"what time is it", host))


def test_daytime_format_of_seed_000(start_server):
    srv = start_server("--only", "daytime", "--service", "daytime=0",
                       "--daytime-format", "%H:%M:%S %d.%m.%Y")
    with tcp_connect(srv.port("daytime")) as s:
        line = recv_all(s)
    assert re.match(rb"^\d\d:\d\d:\d\d \d\d\.\d\d\.\d{4}\r\n$", line), line


def test_daytime_when_client_sends_first(lab):
    # A client that talks first must still get the whole line, not a reset.
    with tcp_connect(lab.port("daytime")) as s:
        s.sendall(b"hello?\r\n" * 100)
        line = recv_all(s)
    assert DAYTIME_RE.match(line)


@pytest.mark.parametrize("host", HOSTS)
def test_tcp_time_rfc868(lab, host):
    with tcp_connect(lab.port("time"), host) as s:
        data = recv_all(s)
    assert len(data) == 4
    (secs,) = struct.unpack("!I", data)
    assert abs(secs - RFC868_OFFSET - time.time()) < 5


@pytest.mark.parametrize("host", HOSTS)
def test_udp_time_rfc868(lab, host):
    data = udp_ask(lab.port("time", "udp"), b"", host)
    (secs,) = struct.unpack("!I", data)
    assert abs(secs - RFC868_OFFSET - time.time()) < 5


@pytest.mark.parametrize("host", HOSTS)
def test_tcp_qotd(lab, host):
    with tcp_connect(lab.port("qotd"), host) as s:
        quote = recv_all(s)
    assert 0 < len(quote) < 512
    assert quote.endswith(b"\r\n")
    assert all(32 <= c < 127 or c in b"\r\n\t" for c in quote)


@pytest.mark.parametrize("host", HOSTS)
def test_udp_qotd(lab, host):
    quote = udp_ask(lab.port("qotd", "udp"), b"", host)
    assert 0 < len(quote) < 512 and quote.endswith(b"\r\n")


@pytest.mark.parametrize("host", HOSTS)
def test_tcp_chargen_is_bsd_inetd_pattern(lab, host):
    n = 95 * 74 * 3 + 1000  # past the 7030-byte period, three times
    with tcp_connect(lab.port("chargen"), host) as s:
        data = recv_exactly(s, n)
    assert data == chargen_expected(n)
    assert data.startswith(b' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ'
                           b'[\\]^_`abcdefg\r\n!"#$%&')


@pytest.mark.parametrize("host", HOSTS)
def test_udp_chargen_rfc864(lab, host):
    pattern = chargen_expected(95 * 74 * 2)
    lines = pattern.split(b"\r\n")
    starts = {lines[k][:8] for k in range(95)}
    for _ in range(20):
        d = udp_ask(lab.port("chargen", "udp"), b"x", host)
        assert 0 <= len(d) <= 512
        if d:
            # any datagram is a piece of the stream starting at a line start
            assert d in pattern
            assert d[:8] in starts or len(d) < 8


@pytest.mark.parametrize("host", HOSTS)
def test_tcp_upper(lab, host):
    with tcp_connect(lab.port("upper"), host) as s:
        s.sendall(b"hello, world! \xc3\xa4 123\n")
        assert recv_exactly(s, 21) == b"HELLO, WORLD! \xc3\xa4 123\n"


def test_tcp_upper_one_megabyte_line(lab):
    line = (b"abcdefghijklmnopqrstuvwxyz0123456789" * 29128)[:1024 * 1024 - 1] + b"\n"
    with tcp_connect(lab.port("upper")) as s:
        import threading
        t = threading.Thread(target=lambda: (s.sendall(line), s.shutdown(socket.SHUT_WR)))
        t.start()
        got = recv_all(s)
        t.join()
    assert got == line.upper()


@pytest.mark.parametrize("host", HOSTS)
def test_udp_upper(lab, host):
    assert udp_ask(lab.port("upper", "udp"), b"udp Line", host) == b"UDP LINE"


def test_port_offset_moves_every_service(start_server):
    # Offsets that keep every port unprivileged and free are hard to guess;
    # this checks the arithmetic on the ready lines with one service.
    srv = start_server("--only", "upper", "-4", "--port-offset", "1")
    assert srv.port("upper") == 12001 and srv.port("upper", "udp") == 12001


def test_same_ephemeral_port_for_tcp_and_udp_and_both_families(lab):
    for svc in ["echo", "discard", "daytime", "qotd", "chargen", "time", "upper"]:
        ports = {l["port"] for l in lab.listeners if l["service"] == svc}
        assert len(ports) == 1, (svc, ports)
    addrs = {l["addr"] for l in lab.listeners}
    assert "127.0.0.1" in addrs
    if have_ipv6():
        assert "::1" in addrs
