"""socklab chat-server and chat-client against hostile peers (issue 12,
reliability review D6, D9, D10): REGs from spoofed addresses (raw sockets,
in network namespaces, bytes counted by nftables), a crowd of real but
silent registrations from one network, silent room members under talkers,
and another user's terminal control codes. The namespace tests need root,
ip and nft; they skip otherwise."""
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import time

import pytest

from chat_client_util import ChatClient as ProcClient, ChatServer, PyPeer
from chat_proto import WAIT, ChatClient, ChatServerProcess, build, crowd, nonce, parse
from fake_chat_server import FakeChatServer
from test_chat_loss import CLI_ADDR, SRV_ADDR, LossyNet, run

HERE = os.path.dirname(os.path.abspath(__file__))
VICTIM = "198.18.0.77"                 # a host that never asked: the spoofed source
OTHER_SRV, OTHER_CLI = "198.19.0.1", "198.19.0.2"   # another network, for a fresh client
BIG_WAIT = 120.0

needs_netns = [
    pytest.mark.skipif(os.geteuid() != 0, reason="network namespaces and raw sockets need root"),
    pytest.mark.skipif(not shutil.which("ip"), reason="ip (iproute2) is not installed"),
    pytest.mark.skipif(not shutil.which("nft"), reason="nft (nftables) is not installed"),
]


@pytest.fixture
def net():
    """Two namespaces (server, clients) on one veth, 198.18.0.0/24 and
    198.19.0.0/24 on it, and the victim's address on the clients' side."""
    n = LossyNet("slca")
    procs = []
    try:
        dev_s = "slcas%d" % (os.getpid() % 100000)
        dev_c = "slcac%d" % (os.getpid() % 100000)
        run(*n.in_srv(), "ip", "addr", "add", "198.18.0.1/24", "dev", dev_s)
        run(*n.in_srv(), "ip", "addr", "add", OTHER_SRV + "/24", "dev", dev_s)
        run(*n.in_cli(), "ip", "addr", "add", VICTIM + "/24", "dev", dev_c)
        run(*n.in_cli(), "ip", "addr", "add", OTHER_CLI + "/24", "dev", dev_c)
        yield n, procs
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=10)
        n.close()


def count_bytes(n, port):
    """nftables counters in the clients' namespace: IP bytes the victim's
    address sent to the server's port, and received from it."""
    rules = """
table ip slca_count {
  chain out {
    type filter hook output priority 0; policy accept;
    ip saddr %(v)s udp dport %(p)d counter
  }
  chain in {
    type filter hook input priority 0; policy accept;
    ip daddr %(v)s udp sport %(p)d counter
  }
}
""" % {"v": VICTIM, "p": port}
    run(*n.in_cli(), "nft", "-f", "-", stdin=rules.encode())


def counted(n):
    p = subprocess.run(n.in_cli() + ["nft", "-j", "list", "table", "ip", "slca_count"],
                       check=True, capture_output=True, timeout=30)
    got = {}
    for item in json.loads(p.stdout)["nftables"]:
        rule = item.get("rule")
        if rule:
            for e in rule["expr"]:
                if "counter" in e:
                    got[rule["chain"]] = e["counter"]["bytes"]
    return got.get("out", 0), got.get("in", 0)


SPOOF = r"""
import socket, struct, sys, time
src, dst, port, n, first = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
payloads = [l.encode().replace(b"\\n", b"\n") for l in sys.stdin.read().split("\n") if l]
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
def csum(b):
    if len(b) % 2: b += b"\0"
    t = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while t >> 16: t = (t & 0xffff) + (t >> 16)
    return ~t & 0xffff
for i in range(n):
    body = payloads[i % len(payloads)]
    a = socket.inet_aton(src)
    if first:   # a different source address each time, inside 198.18.0.0/16
        a = socket.inet_aton("198.18.%d.%d" % (1 + (first + i) // 250 % 250, 1 + (first + i) % 250))
    udp = struct.pack("!HHHH", 40000 + i % 20000, port, 8 + len(body), 0) + body
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i & 0xffff, 0, 64, 17, 0, a,
                     socket.inet_aton(dst))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    s.sendto(ip + udp, (dst, 0))
    if i % 50 == 49: time.sleep(0.01)
"""


def spoof(n, payloads, count, src=VICTIM, rotate=0, port=None):
    """count raw datagrams from src (or, with rotate, each from another
    address), cycling through payloads (bytes), to the server's port."""
    data = "\n".join(p.decode().replace("\n", "\\n") for p in payloads) + "\n"
    subprocess.run(n.in_cli() + [sys.executable, "-c", SPOOF, src, SRV_ADDR, str(port),
                                 str(count), str(rotate)],
                   input=data.encode(), check=True, timeout=60)


def test_spoofed_reg_gets_fewer_bytes_than_it_sent_and_creates_nothing(net):
    """Before a source has proved its address, chat-server sends it at most as
    many bytes as it received from it (the review measured x11.3: a session
    and 11 WELCOMEs). REGs without a cookie, REGs of protocol 1, and
    datagrams with an unknown token, all spoofed, then 4 s for any
    retransmission; the nft counters of the victim's address compare."""
    for m in needs_netns:
        if m.args[0]:
            pytest.skip(m.kwargs["reason"])
    n, procs = net
    srv = ChatServer([], bind=SRV_ADDR, prefix=n.in_srv())
    procs.append(srv.proc)
    count_bytes(n, srv.port)
    regs = [build(None, 0, [(1, "REG v%d %s -" % (i, nonce()))]) for i in range(10)]
    old = [build(None, 0, [(1, "REG o%d %s" % (i, nonce()))]) for i in range(10)]
    short_names = [build(None, 0, [(1, "REG a %s" % nonce())])]
    tokens = [build(0x1000 + i, 0) for i in range(5)] + \
        [build(0x2000 + i, 3, [(0, "KEEPALIVE")]) for i in range(5)]
    spoof(n, regs + old + short_names + tokens, 200, port=srv.port)
    time.sleep(4.0)   # the old server retransmitted its WELCOMEs in this time
    sent, got = counted(n)
    assert srv.stop() == 0
    stopped = srv.out.all[-1]
    assert sent > 0 and got > 0, (sent, got, stopped)
    assert got <= sent, "amplification x%.2f (%d bytes for %d): %s" % (got / sent, got, sent,
                                                                        stopped)
    assert " sessions=0 " in stopped and " retransmits=0 " in stopped, stopped
    assert " cookies=" in stopped and " cookies=0 " not in stopped, stopped
    assert " old_protocol=" in stopped and " old_protocol=0 " not in stopped, stopped


def test_a_thousand_spoofed_regs_lock_nobody_out(net):
    """1,000 REGs from 1,000 spoofed addresses with the default --max-users
    (1000) used to fill the user table: every fresh REG got server-full for
    30 s. Now a spoofed REG creates nothing, and a real client registers."""
    for m in needs_netns:
        if m.args[0]:
            pytest.skip(m.kwargs["reason"])
    n, procs = net
    srv = ChatServer(["--quiet"], bind=SRV_ADDR, prefix=n.in_srv())
    procs.append(srv.proc)
    regs = [build(None, 0, [(1, "REG s%d %s -" % (i, nonce()))]) for i in range(1000)]
    regs_v1 = [build(None, 0, [(1, "REG t%d %s" % (i, nonce()))]) for i in range(1000)]
    spoof(n, regs + regs_v1, 2000, rotate=1, port=srv.port)
    c = ProcClient(srv.port, "fresh", host=SRV_ADDR, prefix=n.in_cli(), wait=False)
    procs.append(c.proc)
    c.expect(lambda l: l.startswith("registered as fresh on "), timeout=WAIT)
    assert c.close() == 0, c.err.all
    assert srv.stop() == 0
    assert " sessions=1 " in srv.out.all[-1], srv.out.all[-1]


def test_real_silent_crowd_from_one_network_locks_nobody_out(net):
    """1,000 real registrations from one /24 (one address, a port each, the
    cookie round trip done), then silence: at most --max-per-prefix of them
    get a session, the rest a clear refusal, and a client from another
    network still registers and talks."""
    for m in needs_netns:
        if m.args[0]:
            pytest.skip(m.kwargs["reason"])
    n, procs = net
    srv = ChatServer(["--quiet", "--bind", OTHER_SRV], bind=SRV_ADDR, prefix=n.in_srv())
    procs.append(srv.proc)
    # the crowd runs in the clients' namespace and keeps its sockets open
    crowd_p = subprocess.Popen(n.in_cli() + [sys.executable, os.path.join(HERE, "chat_proto.py"),
                                             "crowd", SRV_ADDR, str(srv.port), "c", "1000"],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=HERE)
    procs.append(crowd_p)
    result = json.loads(crowd_p.stdout.readline())
    fresh = ProcClient(srv.port, "fresh", host=OTHER_SRV, prefix=n.in_cli(), wait=False)
    procs.append(fresh.proc)
    fresh.expect(lambda l: l.startswith("registered as fresh on "), timeout=WAIT)
    fresh.send("$userlist")
    users = fresh.expect(lambda l: l.startswith("users: "), timeout=WAIT)
    assert fresh.close() == 0, fresh.err.all
    crowd_p.stdin.close()
    crowd_p.wait(timeout=WAIT)
    assert srv.stop() == 0
    assert result["welcome"] == 250, result   # the default --max-per-prefix
    assert result["refused"] == {"ERR server-full 250 users are registered from your network, "
                                 "the most it may have": 750}, result
    assert len(users.split(", ")) == 251


def test_registrations_from_one_address_are_rate_limited(net):
    """Proved registrations from one address: a burst of twice --reg-rate,
    then --reg-rate a second; the others are ignored (the client asks again)."""
    for m in needs_netns:
        if m.args[0]:
            pytest.skip(m.kwargs["reason"])
    n, procs = net
    srv = ChatServer(["--quiet", "--reg-rate", "5", "--max-per-prefix", "0"], bind=SRV_ADDR,
                     prefix=n.in_srv())
    procs.append(srv.proc)
    p = subprocess.run(n.in_cli() + [sys.executable, "-c",
                                     "import sys; sys.path.insert(0, %r); import chat_proto, json;"
                                     "a, k = chat_proto.crowd(%r, %d, ['r%%d' %% i for i in "
                                     "range(40)], timeout=1.5);"
                                     "print(json.dumps(a))" % (HERE, SRV_ADDR, srv.port)],
                       capture_output=True, check=True, timeout=60)
    answers = json.loads(p.stdout)
    assert srv.stop() == 0
    welcomed = [a for a in answers.values() if a and a.startswith("WELCOME ")]
    assert 10 <= len(welcomed) <= 10 + 10, answers   # burst 10, then 5/s for ~1.5 s
    assert " reg_limited=0 " not in srv.out.all[-1], srv.out.all[-1]


# -- nothing raw on a terminal (D10) -----------------------------------------

HOSTILE = b"csi \xc2\x9b2J rlo \xe2\x80\xaeevil bad \xff\xfe end"
SHOWN = "csi \\u009B2J rlo \\u202Eevil bad \\xff\\xfe end"


def test_another_users_control_codes_reach_stdout_escaped():
    """Another user's SAY with a C1 CSI (U+009B), a right-to-left override
    (U+202E) and bytes that are not UTF-8 reaches chat-client's stdout
    escaped, as the TCP chat shows them; not one raw byte of them."""
    srv = ChatServer()
    bob = ProcClient(srv.port, "bob")
    try:
        bob.send("$roomcreate lobby")
        bob.expect("created room lobby")
        mallory = PyPeer(srv.port, "mallory")
        mallory.send("JOIN lobby")
        bob.expect("* mallory joined lobby")
        mallory.send(b"SAY " + HOSTILE)
        mallory.send("SAY plain")
        bob.expect("[lobby] mallory: plain")
        mallory.close()
        assert bob.close() == 0
    finally:
        bob.kill()
        assert srv.stop() == 0
    assert "[lobby] mallory: " + SHOWN in bob.out.all, bob.out.all
    # stdout is read as UTF-8 with U+FFFD for what is not: none of these
    shown = "\n".join(bob.out.all)
    for bad in ("\u009b", "\u202e", "\ufffd"):
        assert bad not in shown, bob.out.all


def test_server_errors_and_unknown_messages_are_escaped_too():
    """The same bytes in a server's ERR text (stdout), in a message the client
    does not know (stderr), and in a refusal of the name (stderr)."""
    srv = FakeChatServer()
    try:
        c = ProcClient(srv.port, "alice")
        srv.inject("alice", "ERR odd \u009b2J and \u202eevil")
        c.expect(lambda l: l.startswith("error: "))
        srv.inject("alice", "FROB \u009b\u202e")
        c.expect_err(lambda l: "unexpected message" in l)
        assert c.close() == 0
    finally:
        srv.close()
    assert "error: \\u009B2J and \\u202Eevil" in c.out.all, c.out.all
    assert "socklab chat-client: unexpected message from the server: FROB \\u009B\\u202E" in \
        c.err.all, c.err.all


# -- bounded memory, fairly (D9) ---------------------------------------------

def expect_live(client, what, other, timeout=WAIT):
    """client.expect(what) while other reads and acknowledges what comes
    to it, as a live client does."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return client.expect(what, timeout=0.05)
        except AssertionError:
            if time.monotonic() > deadline:
                raise
        other.poll(0)


SILENT, ROOMS, LOAD_SECS = 995, 5, 10.0


def rss_peak_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise AssertionError("no VmHWM")


def memory_bound_kib(max_users, queue_mib):
    """docs/chat-server.md: 24 MiB + 8 KiB a session + 1.5 x --queue-memory."""
    return 24 * 1024 + 8 * max_users + queue_mib * 1024 * 3 // 2


def test_silent_members_cost_bounded_memory_and_delay_nobody():
    """995 members in 5 rooms who never acknowledge anything past their
    JOIN, and 5 talkers saying 500-byte lines as fast as the server takes
    them (--flood-rate 0), for 10 s. The review saw RSS grow 21 MB/s to
    545 MB and a fresh client's CREATE and SAY go unanswered for 3-5 s.
    Now: peak RSS under the documented bound, the silent members dropped,
    and a fresh pair's CREATE, JOIN and SAY answered while it goes on."""
    import threading
    max_users = SILENT + ROOMS + 10
    srv = ChatServerProcess(["--flood-rate", "0", "--quiet", "--max-users", str(max_users)])
    srv.wait_ready()
    socks = []
    talkers = []
    try:
        rooms = ["room%d" % (i % ROOMS) for i in range(SILENT)]
        answers, socks = crowd("127.0.0.1", srv.port, ["m%d" % i for i in range(SILENT)],
                               join=rooms, timeout=60)
        assert all(a and a.startswith("WELCOME ") for a in answers.values())
        for r in range(ROOMS):
            t = ChatClient(srv.port)
            assert t.register("talker%d" % r) == "WELCOME talker%d" % r
            t.send("JOIN room%d" % r)
            t.expect("OK join room%d" % r)
            talkers.append(t)
        stop = threading.Event()
        said = [0]

        def talk():
            text = "SAY " + "x" * 500
            while not stop.is_set():
                for t in talkers:
                    if len(t.unacked) < 200:
                        t.send(text, text)
                        said[0] += 2
                    t.poll(0)

        th = threading.Thread(target=talk, daemon=True)
        t0 = time.monotonic()
        th.start()
        time.sleep(2.0)
        # a fresh pair, in a room of their own, while the load goes on;
        # live clients, each reading and acknowledging while the other
        # waits (one that reads nothing for 2 s while the queue memory
        # is full is dropped as stuck, as a silent member is)
        alice, bob = ChatClient(srv.port), ChatClient(srv.port)
        took = {}
        t1 = time.monotonic()
        assert alice.register("fresh-alice") == "WELCOME fresh-alice"
        took["REG"] = time.monotonic() - t1
        assert bob.register("fresh-bob") == "WELCOME fresh-bob"
        t1 = time.monotonic()
        alice.send("CREATE quiet")
        expect_live(alice, "OK create quiet", bob)
        took["CREATE"] = time.monotonic() - t1
        bob.send("JOIN quiet")
        expect_live(bob, "OK join quiet", alice)
        t1 = time.monotonic()
        alice.send("SAY hello bob")
        expect_live(bob, "MSG quiet fresh-alice hello bob", alice)
        took["SAY"] = time.monotonic() - t1
        while time.monotonic() - t0 < LOAD_SECS:
            time.sleep(0.2)
        stop.set()
        th.join(timeout=WAIT)
        peak = rss_peak_kib(srv.proc.pid)
        assert srv.stop() == 0
    finally:
        for s in socks:
            s.close()
        for t in talkers:
            t.close()
        if srv.proc.poll() is None:  # a failed assert above: no server left behind
            srv.proc.kill()
            srv.proc.wait(timeout=WAIT)
    dropped = [e for e in srv.events if e["event"] == "unregister"
               and e["reason"] in ("stuck", "overflow")]
    bound = memory_bound_kib(max_users, 64)
    # ASan's shadow memory and its quarantine of freed blocks are no part of
    # the server's: the bound holds for the build that runs, not that one
    if os.environ.get("SOCKLAB_VARIANT") != "asan":
        assert peak < bound, "peak RSS %d KiB over the bound %d KiB (%d lines said)" % (
            peak, bound, said[0])
    assert len(dropped) >= SILENT * 9 // 10, (len(dropped), srv.stopped)
    assert not [e for e in dropped if e["user"].startswith(("talker", "fresh"))], dropped
    # figures for the report, not asserted: timings depend on the machine
    print("peak RSS %d KiB, bound %d KiB, %d lines said, %d silent dropped, fresh client %s"
          % (peak, bound, said[0], len(dropped),
             " ".join("%s %.0f ms" % (k, v * 1000) for k, v in took.items())))
