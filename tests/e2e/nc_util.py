"""Helpers for the socklab nc tests: run nc, a one-connection Python server,
a listening nc, the TCP state of a connection, and a lossy pair of network
namespaces."""
import json
import os
import re
import shutil
import socket
import subprocess
import threading

from conftest import BIN, WAIT


def nc(*args, data=b"", timeout=WAIT):
    return subprocess.run([BIN, "nc"] + [str(a) for a in args], input=data,
                          capture_output=True, timeout=timeout)


class PyServer:
    """A one-connection Python TCP server running handler(conn) in a thread."""

    def __init__(self, handler, host="127.0.0.1", backlog=10):
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(fam, socket.SOCK_STREAM)
        self.sock.bind((host, 0))
        self.sock.listen(backlog)
        self.port = self.sock.getsockname()[1]
        self.result = {}
        self.error = None
        self.thread = threading.Thread(target=self._run, args=(handler,), daemon=True)
        self.thread.start()

    def _run(self, handler):
        try:
            self.sock.settimeout(WAIT)
            conn, addr = self.sock.accept()
            self.result["peer"] = addr
            with conn:
                conn.settimeout(WAIT)
                handler(conn, self.result)
        except Exception as e:  # reported by join()
            self.error = e

    def join(self):
        self.thread.join(WAIT)
        self.sock.close()
        if self.error:
            raise self.error
        return self.result


def start_listener(*args):
    """nc -l -v ... PORT 0: returns the process and the port it listens on."""
    p = subprocess.Popen([BIN, "nc", "-l", "-v"] + [str(a) for a in args],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    line = p.stderr.readline().decode()
    m = re.search(r"listening on (.*):(\d+) \((tcp|udp)\)", line)
    assert m, line
    return p, int(m.group(2))




def tcp_states(port):
    """{(local_port, remote_port): state} of the TCP sockets on this port, from
    /proc/net/tcp and tcp6 (state as the kernel's hex code: 08 is CLOSE_WAIT)."""
    found = {}
    for path in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(path) as f:
                next(f)
                for line in f:
                    fields = line.split()
                    lport = int(fields[1].rsplit(":", 1)[1], 16)
                    rport = int(fields[2].rsplit(":", 1)[1], 16)
                    if port in (lport, rport):
                        found[(lport, rport)] = fields[3]
        except FileNotFoundError:
            pass
    return found


CLOSE_WAIT = "08"


def sh(*args, stdin=None, check=True):
    p = subprocess.run([str(a) for a in args], input=stdin, capture_output=True, timeout=60)
    if check and p.returncode != 0:
        raise AssertionError("%s: %s" % (" ".join(map(str, args)),
                                         p.stderr.decode("utf-8", "replace").strip()))
    return p


class NsPair:
    """Two network namespaces joined by a veth pair, named <prefix><a|b><pid>:
    a has 198.18.20.1 and 2001:db8:5c::1, b has .2 and ::2. Only the test's
    own processes run in them; close() deletes both (and the veth with them)."""

    A4, B4 = "198.18.20.1", "198.18.20.2"
    A6, B6 = "2001:db8:5c::1", "2001:db8:5c::2"

    def __init__(self, prefix="slnc"):
        # prefix: the caller's area, so that parallel runs of other tests never clash
        pid = os.getpid()
        self.a, self.b = "%sa%d" % (prefix, pid), "%sb%d" % (prefix, pid)
        self.procs = []
        self.made = []
        try:
            for ns in (self.a, self.b):
                sh("ip", "netns", "add", ns)
                self.made.append(ns)
            sh("ip", "link", "add", self.a, "netns", self.a, "type", "veth",
               "peer", "name", self.b, "netns", self.b)
            for ns, a4, a6 in ((self.a, self.A4, self.A6), (self.b, self.B4, self.B6)):
                sh("ip", "-n", ns, "addr", "add", a4 + "/24", "dev", ns)
                sh("ip", "-n", ns, "-6", "addr", "add", a6 + "/64", "dev", ns, "nodad")
                # segments of one MSS on the wire, so that a drop is one segment
                sh("ip", "-n", ns, "link", "set", "dev", ns, "gso_max_size", "1500", check=False)
                sh("ip", "-n", ns, "link", "set", ns, "up")
                sh("ip", "-n", ns, "link", "set", "lo", "up")
        except BaseException:
            self.close()
            raise

    def cmd(self, ns, args):
        return ["ip", "netns", "exec", ns] + [str(a) for a in args]

    def popen(self, ns, args, **kw):
        # ip netns exec execs the program: the pid is nc's own
        proc = subprocess.Popen(self.cmd(ns, args), **kw)
        self.procs.append(proc)
        return proc

    def nft(self, ns, rules):
        sh(*self.cmd(ns, ["nft", "-f", "-"]), stdin=rules.encode())

    def counters(self, ns, table):
        """{comment: packets} of the rules with a comment in the table."""
        out = sh(*self.cmd(ns, ["nft", "-j", "list", "table", "inet", table])).stdout
        counts = {}
        for item in json.loads(out)["nftables"]:
            rule = item.get("rule")
            if rule and rule.get("comment"):
                for e in rule["expr"]:
                    if "counter" in e:
                        counts[rule["comment"]] = e["counter"]["packets"]
        return counts

    def close(self):
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        for ns in self.made:
            sh("ip", "netns", "del", ns, check=False)
        self.made = []


def need_root_and_tools():
    """A reason to skip namespace tests, or None."""
    if os.geteuid() != 0:
        return "network namespaces and nftables need root"
    for tool in ("ip", "nft"):
        if not shutil.which(tool):
            return "%s is not installed" % tool
    return None
