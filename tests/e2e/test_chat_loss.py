"""The UDP chat over a network that loses datagrams: chat-server in one
network namespace, chat-clients in another, joined by a veth pair with
addresses of the benchmark range 198.18.0.0/15 (they exist only inside the
two namespaces), and nftables in the clients' namespace dropping one
datagram in ten at random in each direction. Every line must still arrive
exactly once and in order. Needs root, ip and nft; skipped otherwise."""
import json
import os
import shutil
import subprocess

import pytest

from chat_client_util import ChatClient, ChatServer

SRV_ADDR, CLI_ADDR = "198.18.0.1", "198.18.0.2"
LINES = 200
PRIVATE = 50
PACED_LINES = 500
BIG_WAIT = 180.0   # an upper bound for a hung test, not an expectation

pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason="network namespaces and nftables need root"),
    pytest.mark.skipif(not shutil.which("ip"), reason="ip (iproute2) is not installed"),
    pytest.mark.skipif(not shutil.which("nft"), reason="nft (nftables) is not installed"),
]


def run(*args, stdin=None):
    subprocess.run(list(args), input=stdin, check=True, capture_output=True, timeout=30)


class LossyNet:
    """Two namespaces and a veth pair between them; removed by close().
    prefix names them (a test of its own gets its own prefix)."""

    def __init__(self, prefix="slc"):
        tag = "%d" % (os.getpid() % 100000)
        self.srv_ns, self.cli_ns = prefix + "-srv-" + tag, prefix + "-cli-" + tag
        made = []
        try:
            for ns in (self.srv_ns, self.cli_ns):
                run("ip", "netns", "add", ns)
                made.append(ns)
            run("ip", "link", "add", prefix + "s" + tag, "netns", self.srv_ns, "type", "veth",
                "peer", "name", prefix + "c" + tag, "netns", self.cli_ns)
            for ns, dev, addr in ((self.srv_ns, prefix + "s" + tag, SRV_ADDR),
                                  (self.cli_ns, prefix + "c" + tag, CLI_ADDR)):
                run("ip", "-n", ns, "addr", "add", addr + "/30", "dev", dev)
                run("ip", "-n", ns, "link", "set", dev, "up")
                run("ip", "-n", ns, "link", "set", "lo", "up")
        except BaseException:
            for ns in made:
                subprocess.run(["ip", "netns", "del", ns], capture_output=True)
            raise

    def in_srv(self):
        return ["ip", "netns", "exec", self.srv_ns]

    def in_cli(self):
        return ["ip", "netns", "exec", self.cli_ns]

    def drop_one_in(self, n, port):
        rules = """
table inet socklab_loss {
  chain out {
    type filter hook output priority 0; policy accept;
    udp dport %(port)d numgen random mod %(n)d 0 counter drop
  }
  chain in {
    type filter hook input priority 0; policy accept;
    udp sport %(port)d numgen random mod %(n)d 0 counter drop
  }
}
""" % {"port": port, "n": n}
        run(*self.in_cli(), "nft", "-f", "-", stdin=rules.encode())

    def dropped(self):
        """Datagrams dropped so far: (to the server, from the server)."""
        p = subprocess.run(self.in_cli() + ["nft", "-j", "list", "table", "inet", "socklab_loss"],
                           check=True, capture_output=True, timeout=30)
        counts = {}
        for item in json.loads(p.stdout)["nftables"]:
            rule = item.get("rule")
            if rule:
                for e in rule["expr"]:
                    if "counter" in e:
                        counts[rule["chain"]] = e["counter"]["packets"]
        return counts.get("out", 0), counts.get("in", 0)

    def close(self):
        for ns in (self.cli_ns, self.srv_ns):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True, timeout=30)


def wait_for_all(client, lines):
    """Waits until client has shown every one of lines, in whatever mix."""
    missing = set(lines) - set(client.out.all)
    if missing:
        client.out.wait(lambda l: (missing.discard(l), not missing)[1], timeout=BIG_WAIT)


def lossy_net(prefix):
    net = LossyNet(prefix)
    procs = []
    try:
        yield net, procs
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=10)
        net.close()


@pytest.fixture
def lossy():
    yield from lossy_net("slc")


@pytest.fixture
def lossy_paced():
    yield from lossy_net("slch")


def test_every_line_once_and_in_order_despite_loss(lossy):
    net, procs = lossy
    srv = ChatServer(["--flood-rate", "0"], bind=SRV_ADDR, prefix=net.in_srv())
    procs.append(srv.proc)
    net.drop_one_in(10, srv.port)

    names = ["alice", "bob", "carol"]
    clients = {}
    for i, name in enumerate(names):
        c = ChatClient(srv.port, name, host=SRV_ADDR, args=["-w", "60"], prefix=net.in_cli(),
                       wait=False)
        procs.append(c.proc)
        c.expect(lambda l: l.startswith("registered as %s on " % name), timeout=BIG_WAIT)
        c.send(("$roomcreate " if i == 0 else "$roomjoin ") + "loss")
        c.expect(("created room " if i == 0 else "joined ") + "loss", timeout=BIG_WAIT)
        clients[name] = c
    clients["alice"].expect("* carol joined loss", timeout=BIG_WAIT)

    # everyone talks at once: 200 numbered lines each
    for name, c in clients.items():
        c.send(*["%s line %03d" % (name, i) for i in range(LINES)])
    for name, c in clients.items():
        wait_for_all(c, ["[loss] %s: %s line %03d" % (other, other, i)
                         for other in names if other != name for i in range(LINES)])
    # and privately
    alice, bob = clients["alice"], clients["bob"]
    alice.send("$poke bob")
    alice.expect("poked bob: plain lines go to bob", timeout=BIG_WAIT)
    alice.send(*["secret %02d" % i for i in range(PRIVATE)])
    wait_for_all(bob, ["[private] alice: secret %02d" % i for i in range(PRIVATE)])

    for c in clients.values():
        assert c.close(timeout=BIG_WAIT) == 0, c.err.all
    to_server, from_server = net.dropped()
    assert srv.stop() == 0

    # exactly once, in each sender's order, nothing else
    for name, c in clients.items():
        for other in names:
            if other == name:
                continue
            got = [l for l in c.out.all if l.startswith("[loss] %s: " % other)]
            assert got == ["[loss] %s: %s line %03d" % (other, other, i) for i in range(LINES)]
        assert not [l for l in c.out.all if l.startswith("error")], c.out.all
    assert [l for l in bob.out.all if l.startswith("[private]")] == \
        ["[private] alice: secret %02d" % i for i in range(PRIVATE)]
    # the network did lose datagrams, both ways
    assert to_server > 0 and from_server > 0, (to_server, from_server)
    stopped = srv.out.all[-1]
    assert stopped.startswith("stopped ") and " retransmits=0 " not in stopped, stopped


def test_a_paced_client_is_never_refused_despite_loss(lossy_paced):
    """One datagram in five lost each way, and the server's default flood
    limit: lines held behind a lost one reach the server's bucket in a
    bunch when the gap fills, but they were sent at the client's pace, and
    none may be refused (reliability review D3: 39 of 500 were)."""
    net, procs = lossy_paced
    # The flood limit is under test, not --ack-timeout: with one round trip
    # in three lost, six lost in a row (RTO 0.25 s doubling to 4 s spans the
    # default 10 s) happen about once in 500 stalls, and a loaded CI machine
    # once dropped bob that way. A minute keeps that out of this test.
    srv = ChatServer(["--ack-timeout", "60"], bind=SRV_ADDR, prefix=net.in_srv())
    procs.append(srv.proc)
    net.drop_one_in(5, srv.port)
    alice, bob = [ChatClient(srv.port, name, host=SRV_ADDR, args=["-w", "60"],
                             prefix=net.in_cli(), wait=False) for name in ("alice", "bob")]
    procs += [alice.proc, bob.proc]
    for i, c in enumerate((alice, bob)):
        c.expect(lambda l: l.startswith("registered as %s on " % c.name), timeout=BIG_WAIT)
        c.send(("$roomcreate " if i == 0 else "$roomjoin ") + "lossy")
        c.expect(("created room " if i == 0 else "joined ") + "lossy", timeout=BIG_WAIT)
    alice.expect("* bob joined lossy", timeout=BIG_WAIT)

    lines = ["alice line %03d" % i for i in range(PACED_LINES)]
    alice.send(*lines)
    wait_for_all(bob, ["[lossy] alice: " + l for l in lines])
    assert alice.close(timeout=BIG_WAIT) == 0, (alice.out.all, alice.err.all)
    assert bob.close(timeout=BIG_WAIT) == 0, bob.err.all
    to_server, from_server = net.dropped()
    assert srv.stop() == 0

    assert not [l for l in alice.out.all if l.startswith("error")], alice.out.all
    assert alice.err.all == []
    assert [l for l in bob.out.all if l.startswith("[lossy] ")] == \
        ["[lossy] alice: " + l for l in lines]
    assert to_server > 0 and from_server > 0, (to_server, from_server)
