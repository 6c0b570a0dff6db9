"""Spoofed and flooding UDP sources against socklab serve and echo-server, as
the reliability review attacked them (its table 2, D4 and D5): the IP bytes
each side sends, counted by nftables in the server's namespace, and loops
between two servers started by one datagram from a raw socket.

- Amplification: empty requests from one address, and from 200 addresses in
  one /24 (or one /64), may get back no more than they sent (x1.0, IP bytes)
  beyond the starting credit: 4 KiB for an address, 16 times that for its
  prefix.
- Seed 000's client, over a namespace address, still gets every answer whole.
- Loops: two servers on the loopback of a namespace (the configuration a user
  gets, where loopback is exempt from the amplification budget) go quiet after
  a few datagrams.

Needs root (namespaces, nftables, raw sockets); skipped otherwise."""
import contextlib
import ctypes
import json
import os
import socket
import struct
import threading
import time

import pytest

from conftest import BIN, WAIT, Server, all_ephemeral
from echo_util import EchoServer
from nc_util import NsPair, need_root_and_tools, sh
from test_seed_clients import SEED000_UDP, check_seed000_answer, seed000_udp_client

pytestmark = pytest.mark.skipif(need_root_and_tools() is not None,
                                reason=str(need_root_and_tools()))

CREDIT = 4096                  # --amp-credit's default, IP bytes
PREFIX_CREDIT = 16 * CREDIT    # a /24 or /64 holds 16 addresses' credit
MANY4 = ["198.18.20.%d" % h for h in range(10, 210)]
MANY6 = ["2001:db8:5c::1:%x" % h for h in range(10, 210)]
QUIET_POLL = 0.1               # counters read this often while waiting for quiet
QUIET_READS = 5                # this many equal reads in a row: quiet

_libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET = 0x40000000


@contextlib.contextmanager
def netns(name):
    """This thread in network namespace `name`: what it starts or opens there
    (a server, a socket) stays there."""
    home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    there = os.open("/run/netns/" + name, os.O_RDONLY)
    try:
        if _libc.setns(there, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns " + name)
        yield
    finally:
        if _libc.setns(home, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns back")
        os.close(home)
        os.close(there)


@pytest.fixture(scope="module")
def net():
    """Server namespace a (198.18.20.1, 2001:db8:5c::1) and client namespace b
    (.2, ::2, and 200 more addresses in each of the /24 and the /64)."""
    pair = NsPair(prefix="slud")
    try:
        batch = "".join("addr add %s/24 dev %s\n" % (ip, pair.b) for ip in MANY4)
        batch += "".join("addr add %s/64 dev %s nodad\n" % (ip, pair.b) for ip in MANY6)
        sh("ip", "-n", pair.b, "-batch", "-", stdin=batch.encode())
        yield pair
    finally:
        pair.close()


def nft_counters(ns, table):
    """{comment: (packets, bytes)} of the rules with a comment in the table."""
    out = sh("ip", "netns", "exec", ns, "nft", "-j", "list", "table", "inet", table).stdout
    counts = {}
    for item in json.loads(out)["nftables"]:
        rule = item.get("rule")
        if rule and rule.get("comment"):
            for e in rule["expr"]:
                if "counter" in e:
                    counts[rule["comment"]] = (e["counter"]["packets"], e["counter"]["bytes"])
    return counts


def wait_quiet(read, bound=WAIT):
    """read() until it gives the same value QUIET_READS times in a row, at
    most `bound` seconds; the last value, or AssertionError."""
    deadline = time.monotonic() + bound
    last, same = read(), 0
    while same < QUIET_READS - 1:
        if time.monotonic() > deadline:
            raise AssertionError("still busy after %.0f s: %r" % (bound, last))
        time.sleep(QUIET_POLL)
        now = read()
        same = same + 1 if now == last else 0
        last = now
    return last


def start_serve(ns, *args):
    with netns(ns):
        return Server(list(args)).wait_ready()


def stop(srv):
    assert srv.stop() == 0
    ev = srv.wait_event(lambda e: e["event"] == "stopped")
    srv.check_sanitizers()
    return ev


# --- amplification ----------------------------------------------------------------

def bound_sockets(sources):
    """A UDP socket bound to each address (call inside the namespace that has them)."""
    socks = []
    for ip in sources:
        s = socket.socket(socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_DGRAM)
        socks.append(s)
        s.bind((ip, 0))
    return socks


def flood(socks, dest, port, count, rate):
    """count empty datagrams round-robin from socks, rate a second, in bursts
    every 10 ms; the answers are not read (nftables counts them)."""
    t0, sent = time.monotonic(), 0
    while sent < count:
        due = min(count, int((time.monotonic() - t0) * rate) + 1)
        while sent < due:
            try:
                socks[sent % len(socks)].sendto(b"", (dest, port))
            except OSError:
                pass
            sent += 1
        time.sleep(0.01)


AMP_CASES = [
    # service, sources, family, datagrams, a second
    ("chargen", "one", 4, 2500, 1000),
    ("qotd", "one", 4, 2500, 1000),
    ("daytime", "one", 4, 2500, 1000),
    ("time", "one", 4, 2500, 1000),
    ("chargen", "many", 4, 5000, 2000),
    ("qotd", "many", 4, 5000, 2000),
    ("daytime", "many", 4, 5000, 2000),
    ("chargen", "many", 6, 5000, 2000),
]


@pytest.mark.parametrize("service,who,family,count,rate", AMP_CASES,
                         ids=["%s-%s-v%d" % c[:3] for c in AMP_CASES])
def test_amplification_is_at_most_one_beyond_the_credit(net, service, who, family, count, rate):
    server_ip = NsPair.A4 if family == 4 else NsPair.A6
    srv = start_serve(net.a, "-q", "--udp-only", "--only", service, "--service", service + "=0",
                      "-b", server_ip)
    port = srv.port(service, "udp")
    socks = []
    net.nft(net.a, """
        table inet sludamp {
            chain in { type filter hook input priority 0; udp dport %d counter comment "in"; }
            chain out { type filter hook output priority 0; udp sport %d counter comment "out"; }
        }""" % (port, port))
    try:
        if who == "one":
            sources, credit = [NsPair.B4 if family == 4 else NsPair.B6], CREDIT
        else:
            sources, credit = (MANY4 if family == 4 else MANY6), PREFIX_CREDIT
        with netns(net.b):
            socks = bound_sockets(sources)
        t0 = time.monotonic()
        sender = threading.Thread(target=flood, args=(socks, server_ip, port, count, rate))
        sender.start()
        time.sleep(max(0.0, t0 + 1.0 - time.monotonic()))
        first = nft_counters(net.a, "sludamp")
        sender.join(timeout=4 * count / rate + WAIT)
        assert not sender.is_alive()
        end = wait_quiet(lambda: nft_counters(net.a, "sludamp"))
    finally:
        for sock in socks:
            sock.close()
        sh("ip", "netns", "exec", net.a, "nft", "delete", "table", "inet", "sludamp", check=False)
        ev = stop(srv)
    (pin, bin_), (pout, bout) = end["in"], end["out"]
    win_in, win_out = bin_ - first["in"][1], bout - first["out"][1]
    print("\n%s %s v%d: in %d pkts %d B, out %d pkts %d B: x%.2f total, x%.2f beyond 1 s"
          % (service, who, family, pin, bin_, pout, bout, bout / bin_,
             win_out / win_in if win_in else 0.0))
    assert pin >= count * 0.9          # the flood arrived
    assert bout <= bin_ + credit, (bout, bin_)
    assert win_out <= win_in + credit, (win_out, win_in)
    # the server says why it held back
    assert ev["udp_in"] <= pin
    assert ev.get("udp_over_budget", 0) + ev.get("udp_shortened", 0) > 0


def test_seed000_client_gets_whole_answers_over_the_network(net):
    """Seed 000's client from a namespace address (not loopback, so within the
    budget), run three times in a row: every answer whole, nothing cut."""
    srv = start_serve(net.a, *all_ephemeral(), "--udp-only", "-b", NsPair.A4, "-b", NsPair.A6)
    try:
        for server_ip in (NsPair.A4, NsPair.A6):
            for _ in range(3):
                for service in SEED000_UDP:
                    with netns(net.b):
                        answer = seed000_udp_client(server_ip, srv.port(service, "udp"))
                    check_seed000_answer(service, answer)
    finally:
        ev = stop(srv)
    assert ev["udp_in"] == ev["udp_out"] == 24 and ev["udp_dropped"] == 0
    assert ev.get("udp_shortened", 0) == 0


# --- loops ------------------------------------------------------------------------

def inject(src_port, dst_port, payload, src="127.0.0.1", dst="127.0.0.1"):
    """One UDP datagram with a forged source, from a raw socket (IP header
    included; the kernel fills in the lengths and the IP checksum; a UDP
    checksum of 0 means none)."""
    udp = struct.pack("!HHHH", src_port, dst_port, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, socket.IPPROTO_UDP, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    with socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW) as s:
        s.sendto(ip + udp, (dst, 0))


def serve_on(ns, offset, upper, addr="127.0.0.1"):
    """serve's UDP side in ns at --port-offset offset, as a user starts it."""
    return start_serve(ns, "--udp-only", "-q", "-b", addr, "--port-offset", str(offset),
                       "-s", "upper=%d" % upper)


def echo_server_on(ns, port):
    with netns(ns):
        srv = EchoServer(["-t", "UDP", "-p", str(port)])
    return srv.wait_ready()


LOOPS = [
    # id, A's service port (offset 40000), B: serve at 40100 or echo-server, B's port, payload
    ("echo-echo-0", 40007, "serve", 40107, b""),
    ("echo-echo-1", 40007, "serve", 40107, b"x"),
    ("upper-echo-0", 61200, "serve", 40107, b""),
    ("echo-echoserver-0", 40007, "echo-server", 40402, b""),
    ("echo-echoserver-1", 40007, "echo-server", 40402, b"x"),
    ("chargen-daytime-1", 40019, "serve", 40113, b"x"),
    ("daytime-time-0", 40013, "serve", 40137, b""),
]
# a loop of echoes ends after a few returned answers on each side (8, and a
# few more on the way); two generating services after the per-peer pace's
# burst of 32 on each side
LOOP_MAX = {"chargen-daytime-1": 100, "daytime-time-0": 100}
ECHO_LOOP_MAX = 40


@pytest.mark.parametrize("case", LOOPS, ids=[c[0] for c in LOOPS])
def test_one_spoofed_datagram_does_not_loop(net, case):
    name, a_port, b_kind, b_port, payload = case
    net.nft(net.a, """
        table inet sludloop {
            chain in { type filter hook input priority 0; iif "lo" meta l4proto udp counter comment "udp"; }
        }""")
    a = serve_on(net.a, 40000, 61200)
    b = serve_on(net.a, 40100, 61300) if b_kind == "serve" else echo_server_on(net.a, b_port)
    try:
        with netns(net.a):
            inject(b_port, a_port, payload)
        quiet = wait_quiet(lambda: nft_counters(net.a, "sludloop")["udp"][0], bound=10)
    finally:
        sh("ip", "netns", "exec", net.a, "nft", "delete", "table", "inet", "sludloop", check=False)
        ev = stop(a)
        if b_kind == "serve":
            stop(b)
        else:
            assert b.stop() == 0
            b.finish()
            summary = b.stdout_lines[-1]
    print("\n%s: %d datagrams" % (name, quiet))
    if b_kind != "serve":
        assert summary.startswith("echo-server: stopped; UDP datagrams in=")
    assert 2 <= quiet <= LOOP_MAX.get(name, ECHO_LOOP_MAX), quiet
    assert ev["udp_in"] >= 1


def test_loop_over_a_namespace_address_ends_too(net):
    """Off loopback the amplification budget also applies; the loop still ends
    the same way."""
    net.nft(net.a, """
        table inet sludloop {
            chain in { type filter hook input priority 0; meta l4proto udp counter comment "udp"; }
        }""")
    a = serve_on(net.a, 40000, 61200, NsPair.A4)
    b = serve_on(net.a, 40100, 61300, NsPair.A4)
    try:
        with netns(net.a):
            inject(40107, 40007, b"x", NsPair.A4, NsPair.A4)
        quiet = wait_quiet(lambda: nft_counters(net.a, "sludloop")["udp"][0], bound=10)
    finally:
        sh("ip", "netns", "exec", net.a, "nft", "delete", "table", "inet", "sludloop", check=False)
        stop(a)
        stop(b)
    print("\necho-echo-1 over %s: %d datagrams" % (NsPair.A4, quiet))
    assert 2 <= quiet <= ECHO_LOOP_MAX, quiet
