"""Clients that stop reading pin bounded memory, in the kernel and in the
server: chargen readers that never read (the send buffer used to autotune to
tcp_wmem's 4 MiB, ~2.8 MB of the host's TCP memory each), echo writers that
never read (up to --high-water owed in the server, plus the kernel buffers).
The kernel's own view is read through sock_diag with `ss -tm`."""
import re
import shutil
import socket
import subprocess
import time

import pytest

from conftest import WAIT, recv_exactly, tcp_connect
from echo_util import EchoServer

KIB = 1024
SNDBUF = 128 * KIB     # serve's --sndbuf and --rcvbuf defaults, echo-server's
RCVBUF = 128 * KIB
HIGH_WATER = 64 * KIB  # serve's --high-water default, echo-server's
# What the issue allows one stalled chargen reader to cost the host.
PER_READER_MAX = 256 * KIB

pytestmark = pytest.mark.skipif(not shutil.which("ss"), reason="needs ss (iproute2)")

SS_RE = re.compile(r"^\s*(\d+)\s+(\d+)\s+(\S+)\s+(\S+).*?skmem:\(r(\d+),rb(\d+),t(\d+),"
                   r"tb(\d+),f(\d+),w(\d+)", re.S)


def port_of(endpoint):
    return int(endpoint.rsplit(":", 1)[1])


def skmem(filt):
    """{(local port, peer port): {recvq, sendq, r, rb, tb, f, w}} for the
    established TCP sockets that match filt."""
    out = subprocess.run(["ss", "-tmnH", "state", "established", filt], capture_output=True,
                         text=True, timeout=WAIT, check=True).stdout
    socks = {}
    # one socket: a line with the queues and addresses, then its skmem line
    for block in re.split(r"\n(?=\S)", out.strip()):
        m = SS_RE.match(block)
        if not m:
            continue
        recvq, sendq, local, peer, r, rb, _t, tb, f, w = m.groups()
        socks[(port_of(local), port_of(peer))] = dict(
            recvq=int(recvq), sendq=int(sendq), r=int(r), rb=int(rb), tb=int(tb),
            f=int(f), w=int(w))
    return socks


def settled(port, n, side):
    """The n sockets on side ("sport": the server's, "dport": the clients')
    of port once their queues stop moving; fails after WAIT seconds."""
    deadline = time.monotonic() + WAIT
    last = None
    while time.monotonic() < deadline:
        now = skmem("( %s = :%d )" % (side, port))
        shape = {k: (v["recvq"], v["sendq"]) for k, v in now.items()}
        if len(now) == n and shape == last:
            return now
        last = shape
        time.sleep(0.3)
    raise AssertionError("%d sockets on %s %d did not settle: %r" % (n, side, port, last))


def open_stalled_readers(port, n):
    socks = []
    for _ in range(n):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * KIB)  # as the review's clients
        s.settimeout(WAIT)
        s.connect(("127.0.0.1", port))
        socks.append(s)
    return socks


def test_chargen_readers_that_never_read_pin_a_bounded_send_buffer(start_server):
    srv = start_server("-4", "--only", "chargen", "--service", "chargen=0", "--quiet")
    port = srv.port("chargen")
    socks = open_stalled_readers(port, 50)
    try:
        server = settled(port, 50, "sport")
        for key, m in server.items():
            # the kernel books twice SO_SNDBUF; what is queued stays under it
            assert m["tb"] <= 2 * SNDBUF, (key, m)
            assert m["w"] <= m["tb"], (key, m)
            assert m["r"] + m["f"] + m["w"] <= PER_READER_MAX, (key, m)
        # typically far less: the unsent bytes TCP_NOTSENT_LOWAT lets through
        mean = sum(m["r"] + m["f"] + m["w"] for m in server.values()) / len(server)
        assert mean <= 64 * KIB, mean
        # and the stream itself is intact once a reader reads
        first = socks[0]
        assert len(recv_exactly(first, 200000)) == 200000
    finally:
        for s in socks:
            s.close()


def test_sndbuf_option_sizes_the_buffer_and_0_leaves_it_to_the_kernel(start_server):
    with open("/proc/sys/net/ipv4/tcp_wmem") as f:
        wmem_max = int(f.read().split()[2])
    with open("/proc/sys/net/core/wmem_max") as f:
        core_max = int(f.read())
    if wmem_max < 1 << 20 or core_max < 256 * KIB:
        pytest.skip("tcp_wmem's maximum or net.core.wmem_max is too small to tell autotuning apart")
    srv = start_server("-4", "--only", "chargen", "--service", "chargen=0", "--quiet",
                       "--sndbuf", "256k")
    socks = open_stalled_readers(srv.port("chargen"), 4)
    try:
        for m in settled(srv.port("chargen"), 4, "sport").values():
            assert m["tb"] == 2 * 256 * KIB, m
    finally:
        for s in socks:
            s.close()
    auto = start_server("-4", "--only", "chargen", "--service", "chargen=0", "--quiet",
                        "--sndbuf", "0")
    socks = open_stalled_readers(auto.port("chargen"), 4)
    try:
        # autotuning grows the buffer past any value socklab would set
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            tbs = [m["tb"] for m in settled(auto.port("chargen"), 4, "sport").values()]
            if min(tbs) > 2 * 256 * KIB:
                break
        assert min(tbs) > 2 * 256 * KIB, tbs
    finally:
        for s in socks:
            s.close()


def push_until_stalled(socks, limit=64 << 20):
    """Each socket writes without reading until the server stops taking
    bytes; returns the bytes each pushed."""
    pushed = [0] * len(socks)
    chunk = b"w" * 65536
    for s in socks:
        s.setblocking(False)
    deadline = time.monotonic() + WAIT
    quiet_rounds = 0
    while quiet_rounds < 3 and time.monotonic() < deadline:
        progress = 0
        for i, s in enumerate(socks):
            while pushed[i] < limit:
                try:
                    n = s.send(chunk)
                except BlockingIOError:
                    break
                pushed[i] += n
                progress += n
        quiet_rounds = quiet_rounds + 1 if progress == 0 else 0
        time.sleep(0.2)
    assert quiet_rounds >= 3, "the server kept taking bytes: %r" % pushed
    return pushed


def check_echo_writers_bounded(port, n, back=b"w"):
    socks = []
    for _ in range(n):
        s = socket.socket()
        s.settimeout(WAIT)
        s.connect(("127.0.0.1", port))
        socks.append(s)
    try:
        pushed = push_until_stalled(socks)
        server = settled(port, n, "sport")
        clients = settled(port, n, "dport")
        for i, s in enumerate(socks):
            cport = s.getsockname()[1]
            c = clients[(cport, port)]
            m = server[(port, cport)]
            # every byte pushed is in exactly one place; what the kernels do
            # not hold is what the server owes in its own memory
            owed = pushed[i] - (c["sendq"] + m["recvq"] + m["sendq"] + c["recvq"])
            assert 0 <= owed <= HIGH_WATER, (owed, pushed[i], c, m)
            assert m["tb"] <= 2 * SNDBUF and m["rb"] <= 2 * RCVBUF, m
            assert m["r"] + m["f"] + m["w"] <= 2 * SNDBUF + 2 * RCVBUF, m
        # the echo is intact: reading gives back exactly what was pushed
        s = socks[0]
        s.setblocking(True)
        s.settimeout(WAIT)
        assert recv_exactly(s, pushed[0]) == back * pushed[0]
    finally:
        for s in socks:
            s.close()


def test_serve_echo_writers_that_never_read_hold_at_most_high_water(start_server):
    srv = start_server("-4", "--only", "echo,upper", "--service", "echo=0",
                       "--service", "upper=0", "--quiet")
    check_echo_writers_bounded(srv.port("echo"), 20)
    check_echo_writers_bounded(srv.port("upper"), 5, back=b"W")


def test_echo_server_writers_that_never_read_hold_at_most_high_water():
    srv = EchoServer(["--ip", "127.0.0.1"]).wait_ready()
    try:
        check_echo_writers_bounded(srv.port, 20)
    finally:
        assert srv.stop() == 0
        srv.finish()
