"""socklab trace names the kernel's own reasons from its tracepoints: in a
pair of network namespaces the test makes (a veth between them, an
nftables rule in the server's namespace dropping exactly one TCP segment,
chosen by its first payload bytes), a lone lost segment is retransmitted
by timeout (tail-loss probes off) or by a tail-loss probe (on, the
default), one lost among many is a fast retransmit, and a connect to a
closed port gets the kernel's "nothing listens on this port". Each reason
is marked as the kernel's (why_kernel); without the kernel observer the
rules' plain guess remains."""
import os
import shutil
import subprocess

import pytest

from test_trace import PY, TIMEOUT, Story, needs_root, prog, run_trace

needs_tools = pytest.mark.skipif(not shutil.which("ip") or not shutil.which("nft"),
                                 reason="needs ip (iproute2) and nft (nftables)")

PORT = 5000
CLIENT_ADDR, SERVER_ADDR = "10.201.0.1", "10.201.0.2"


def sh(*args, check=True):
    return subprocess.run(list(args), capture_output=True, timeout=TIMEOUT, check=check)


class Pair:
    """Namespaces NS_A (the client, where trace runs) and NS_B (the server)
    joined by a veth; one GSO segment per packet, so a rule can drop one."""

    def __init__(self):
        tag = "%d" % os.getpid()
        self.a, self.b = "slkA" + tag, "slkB" + tag
        self.va, self.vb = "slka" + tag, "slkb" + tag

    def up(self):
        sh("ip", "netns", "add", self.a)
        sh("ip", "netns", "add", self.b)
        sh("ip", "link", "add", self.va, "netns", self.a, "type", "veth",
           "peer", "name", self.vb, "netns", self.b)
        for ns, dev, addr in ((self.a, self.va, CLIENT_ADDR), (self.b, self.vb, SERVER_ADDR)):
            sh("ip", "-n", ns, "addr", "add", addr + "/24", "dev", dev)
            sh("ip", "-n", ns, "link", "set", dev, "up", "gso_max_segs", "1")
            sh("ip", "-n", ns, "link", "set", "lo", "up")
        ruleset = ("table inet slk {\n"
                   " set seen { type ipv4_addr; flags dynamic; }\n"
                   " chain pre { type filter hook prerouting priority -300; }\n"
                   "}\n")
        subprocess.run(["ip", "netns", "exec", self.b, "nft", "-f", "-"], input=ruleset.encode(),
                       capture_output=True, timeout=TIMEOUT, check=True)

    def down(self):
        # the veth and the nftables table go with the namespaces
        sh("ip", "netns", "del", self.a, check=False)
        sh("ip", "netns", "del", self.b, check=False)

    def drop_once(self, tag):
        """Drops the first segment to PORT whose payload starts with tag
        (4 bytes), once: its source goes into a set that spares the rest."""
        sh("ip", "netns", "exec", self.b, "nft", "flush", "chain", "inet", "slk", "pre")
        sh("ip", "netns", "exec", self.b, "nft", "flush", "set", "inet", "slk", "seen")
        sh("ip", "netns", "exec", self.b, "nft", "add", "rule", "inet", "slk", "pre",
           "tcp", "dport", str(PORT), "@ih,0,32", "0x" + tag.encode().hex(),
           "ip", "saddr", "!=", "@seen", "add", "@seen", "{", "ip", "saddr", "}",
           "counter", "drop")

    def dropped(self):
        out = sh("ip", "netns", "exec", self.b, "nft", "list", "chain", "inet", "slk",
                 "pre").stdout.decode()
        return int(out.split("counter packets ")[1].split()[0])

    def sysctl(self, key, value):
        sh("ip", "netns", "exec", self.a, "sysctl", "-qw", "%s=%s" % (key, value))

    def trace(self, client_args, server=True, env=()):
        args = ["--json", "-i", self.va]
        if server:
            args += ["--server", "ip netns exec %s %s %s %d" % (self.b, PY, prog("loss_server.py"),
                                                               PORT)]
        prefix = ["ip", "netns", "exec", self.a] + (["env"] + list(env) if env else [])
        rc, out, err = run_trace(args + ["--"] + client_args, prefix=prefix)
        return rc, Story(out), err


@pytest.fixture
def pair():
    p = Pair()
    try:
        p.up()
        yield p
    finally:
        p.down()


def client_data(story):
    return [p for p in story.packets
            if p["proto"] == "tcp" and p["src"] == CLIENT_ADDR and p["dport"] == PORT and p["len"]]


def lost_and_again(pair, count, lost):
    """The run's client data segments starting at chunk lost's first byte."""
    rc, s, err = pair.trace([PY, prog("loss_client.py"), SERVER_ADDR, str(PORT), str(count)])
    assert rc == 0, err
    assert pair.dropped() == 1
    data = client_data(s)
    assert data, err
    size = data[0]["len"]
    segs = [p for p in data if p["seq"] == 1 + lost * size]
    assert len(segs) == 2, [(p["seq"], p["len"], p["why"]) for p in data]
    return segs


@needs_root
@needs_tools
def test_lone_lost_segment_retransmitted_by_timeout(pair):
    pair.sysctl("net.ipv4.tcp_early_retrans", 0)  # no tail-loss probe: the timer
    pair.drop_once("K000")
    first, again = lost_and_again(pair, 1, 0)
    assert first["why"] == "data" and isinstance(first["caused_by"], int)
    assert again["caused_by"] == "kernel"
    assert again["why"] == "retransmission (timeout)" and again.get("why_kernel") is True


@needs_root
@needs_tools
def test_lone_lost_segment_resent_by_a_tail_loss_probe(pair):
    pair.sysctl("net.ipv4.tcp_early_retrans", 3)  # the default
    pair.drop_once("K000")
    _, again = lost_and_again(pair, 1, 0)
    assert again["why"] == "tail-loss probe" and again.get("why_kernel") is True


@needs_root
@needs_tools
def test_one_lost_among_many_is_a_fast_retransmit(pair):
    pair.drop_once("K007")
    _, again = lost_and_again(pair, 30, 7)
    assert again["why"] == "fast retransmit" and again.get("why_kernel") is True


@needs_root
@needs_tools
def test_rst_from_a_closed_port_names_the_kernels_reason(pair):
    client = [PY, prog("connect_closed.py"), str(PORT + 1), SERVER_ADDR]
    rc, s, err = pair.trace(client, server=False)
    assert rc == 3, err
    rst = [p for p in s.packets if "RST" in p["flags"]]
    assert len(rst) == 1, s.packets
    assert rst[0]["why"] == "RST: nothing listens on this port"
    assert rst[0].get("why_kernel") is True
    # without the kernel observer: the rules' guess, not the kernel's word
    rc, s, err = pair.trace(client, server=False, env=("SOCKLAB_TRACE_KOBS=0",))
    assert rc == 3, err
    rst = [p for p in s.packets if "RST" in p["flags"]]
    assert len(rst) == 1 and "why_kernel" not in rst[0], rst
