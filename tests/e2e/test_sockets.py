"""socklab sockets against ss -tuanp (iproute2): the test process opens TCP
listeners, an established pair with unread data, a connection still in the
accept queue, and UDP sockets (IPv4 and IPv6, connected and not), then both
tools must show the same states, addresses, queues and owning process; then
the filters, JSON, the table, --watch and a run without root."""
import fcntl
import json
import os
import queue
import re
import select
import shutil
import signal
import socket
import struct
import subprocess
import termios
import threading
import time

import pytest

from conftest import BIN, WAIT, SANITIZER_MARKS, have_ipv6

NOTE = "socklab sockets: process names of other users' sockets need root"
JSON_KEYS = {"type", "proto", "family", "state", "local_addr", "local_port", "peer_addr",
             "peer_port", "recv_q", "send_q", "pid", "process", "uid", "inode"}
ACCEPT_BACKLOG = 7
UNREAD = 1234
NOBODY = 65534
V6 = pytest.mark.skipif(not have_ipv6(), reason="IPv6 is off on this host")


def run(*args, timeout=WAIT, prefix=()):
    p = subprocess.run(list(prefix) + [BIN, "sockets"] + [str(a) for a in args],
                       capture_output=True, text=True, timeout=timeout)
    assert not any(m in p.stderr for m in SANITIZER_MARKS), p.stderr
    return p


def run_json(*args, **kw):
    p = run("--json", *args, **kw)
    assert p.returncode == 0, p.stderr
    rows = [json.loads(line) for line in p.stdout.splitlines()]
    for r in rows:
        assert set(r) == JSON_KEYS, r
    return rows


def wait_until(pred, what):
    deadline = time.monotonic() + WAIT
    while not pred():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.01)


def ioctl_int(sock, req):
    return struct.unpack("i", fcntl.ioctl(sock.fileno(), req, b"\0\0\0\0"))[0]


TCP_FIN_WAIT2, TCP_TIME_WAIT = 5, 6


def tcp_state(local_port, peer_port):
    """The kernel's state of the IPv4 TCP connection 127.0.0.1:local_port ->
    127.0.0.1:peer_port (from /proc/net/tcp, independent of both listers), or
    None. Both ends are matched: parallel tests may leave other sockets on
    the same local port (TIME-WAIT to another peer)."""
    want = ("0100007F:%04X" % local_port, "0100007F:%04X" % peer_port)
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            t = line.split()
            if (t[1], t[2]) == want:
                return int(t[3], 16)
    return None


def endpoint(addr, port):
    """ss's spelling of one end of a socket (no dual-stack wildcards here)."""
    host = "[%s]" % addr if ":" in addr else addr
    return "%s:%s" % (host, port if port else "*")


def parse_endpoint(text):
    """ss's "[::1]:80", "0.0.0.0:*", "*:*" -> (address, port)."""
    host, port = text.rsplit(":", 1)
    host = host.split("%", 1)[0]
    if host == "*":
        host = "::"
    return host.strip("[]"), 0 if port == "*" else int(port)


USERS_RE = re.compile(r'\("((?:[^"\\]|\\.)*)",pid=(\d+),fd=(\d+)\)')


def parse_table(text, skip_header=True, marks=False):
    """Rows of `ss -tuanp` or `socklab sockets` as dicts (the same shape)."""
    rows = []
    lines = text.splitlines()
    for line in lines[1:] if skip_header else lines:
        if not line.strip():
            continue
        t = line.split()
        mark = None
        if marks:
            if t[0] in ("+", "-"):
                mark = t.pop(0)
        assert len(t) in (6, 7), line
        local, peer = parse_endpoint(t[4]), parse_endpoint(t[5])
        users = USERS_RE.findall(t[6]) if len(t) == 7 else []
        rows.append({"proto": t[0], "state": t[1], "recv_q": int(t[2]), "send_q": int(t[3]),
                     "local": t[4], "peer": t[5], "local_addr": local[0],
                     "local_port": local[1], "peer_addr": peer[0], "peer_port": peer[1],
                     "users": [(n, int(p), int(f)) for n, p, f in users],
                     "process_column": t[6] if len(t) == 7 else "", "mark": mark})
    return rows


class Opened:
    """The sockets this test process holds, and what each must look like."""

    def __init__(self):
        self.socks = []
        self.expect = []   # dicts: proto, family, state, local/peer addr+port, fd, ...
        self.pid = os.getpid()
        with open("/proc/self/comm") as f:
            self.comm = f.read().strip()

    def keep(self, s):
        self.socks.append(s)
        return s

    def add(self, proto, sock, state, recv_q=None, send_q=None, owned=True, local=None,
            peer=None, ss_local=None, ss_peer=None):
        fam = "ipv6" if sock.family == socket.AF_INET6 else "ipv4"
        la = local or sock.getsockname()[:2]
        if peer is None:
            try:
                peer = sock.getpeername()[:2]
            except OSError:
                peer = ("::" if fam == "ipv6" else "0.0.0.0", 0)
        e = {"proto": proto, "family": fam, "state": state, "local_addr": la[0],
             "local_port": la[1], "peer_addr": peer[0], "peer_port": peer[1],
             "recv_q": recv_q, "send_q": send_q,
             "fd": sock.fileno() if owned else None,
             "local": ss_local or endpoint(*la), "peer": ss_peer or endpoint(*peer)}
        self.expect.append(e)
        return e

    def close(self):
        for s in self.socks:
            s.close()


def key(row):
    return (row["proto"], row["local_addr"], row["local_port"], row["peer_addr"],
            row["peer_port"])


def find(rows, e):
    got = [r for r in rows if key(r) == key(e)]
    assert len(got) == 1, "expected one row for %r, got %r" % (key(e), got)
    return got[0]


@pytest.fixture
def opened():
    o = Opened()
    S = socket.SOCK_STREAM
    # A TCP listener with an accepted connection whose data nobody reads, and
    # a second connection still waiting in the accept queue.
    lst = o.keep(socket.socket(socket.AF_INET, S))
    lst.bind(("127.0.0.1", 0))
    lst.listen(ACCEPT_BACKLOG)
    port = lst.getsockname()[1]
    c1 = o.keep(socket.create_connection(("127.0.0.1", port), timeout=WAIT))
    s1 = o.keep(lst.accept()[0])
    # Closing states: c3 closed first and waits for the peer's FIN
    # (FIN-WAIT-2, no file any more), s3 has read the FIN (CLOSE-WAIT); c4
    # closed first and s4 answered, so c4 is in TIME-WAIT.
    c3 = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
    s3 = o.keep(lst.accept()[0])
    c4 = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
    s4 = lst.accept()[0]
    c3_end, c4_end = c3.getsockname()[:2], c4.getsockname()[:2]
    c3.close()
    c4.close()
    for srv in (s3, s4):
        srv.settimeout(WAIT)
        assert srv.recv(1) == b""
    s4.close()
    wait_until(lambda: tcp_state(c3_end[1], port) == TCP_FIN_WAIT2, "FIN-WAIT-2")
    wait_until(lambda: tcp_state(c4_end[1], port) == TCP_TIME_WAIT, "TIME-WAIT")
    o.add("tcp", s3, "CLOSE-WAIT", recv_q=0, send_q=0)
    o.add("tcp", s3, "FIN-WAIT-2", recv_q=0, send_q=0, owned=False, local=c3_end,
          peer=("127.0.0.1", port))
    o.add("tcp", s3, "TIME-WAIT", recv_q=0, send_q=0, owned=False, local=c4_end,
          peer=("127.0.0.1", port))
    c2 = o.keep(socket.create_connection(("127.0.0.1", port), timeout=WAIT))
    r, _, _ = select.select([lst], [], [], WAIT)   # c2 is in the accept queue
    assert r
    c1.sendall(b"x" * UNREAD)
    wait_until(lambda: ioctl_int(s1, termios.FIONREAD) == UNREAD, "data at the receiver")
    wait_until(lambda: ioctl_int(c1, termios.TIOCOUTQ) == 0, "the ACK at the sender")
    o.add("tcp", lst, "LISTEN", recv_q=1, send_q=ACCEPT_BACKLOG)
    o.add("tcp", s1, "ESTAB", recv_q=UNREAD, send_q=0)
    o.add("tcp", c1, "ESTAB", recv_q=0, send_q=0)
    o.add("tcp", c2, "ESTAB", recv_q=0, send_q=0)
    # The accept queue's end of c2: a socket without a file, so no process.
    o.add("tcp", c2, "ESTAB", recv_q=0, send_q=0, owned=False,
          local=c2.getpeername()[:2], peer=c2.getsockname()[:2])
    o.tcp_port = port
    # UDP: an unconnected socket holding an unread datagram, and a connected one.
    u = o.keep(socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
    u.bind(("127.0.0.1", 0))
    uc = o.keep(socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
    uc.connect(u.getsockname())
    uc.send(b"unread datagram")
    r, _, _ = select.select([u], [], [], WAIT)
    assert r
    o.add("udp", u, "UNCONN", send_q=0)
    o.add("udp", uc, "ESTAB", recv_q=0)
    o.udp_port = u.getsockname()[1]
    if have_ipv6():
        l6 = o.keep(socket.socket(socket.AF_INET6, S))
        l6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        l6.bind(("::1", 0))
        l6.listen(3)
        o.add("tcp", l6, "LISTEN", recv_q=0, send_q=3, ss_peer="[::]:*")
        # Bound to ::1, a socket is IPv6-only whatever IPV6_V6ONLY said.
        u6 = o.keep(socket.socket(socket.AF_INET6, socket.SOCK_DGRAM))
        u6.bind(("::1", 0))
        o.add("udp", u6, "UNCONN", send_q=0, ss_peer="[::]:*")
        # A client socket that just sends is bound implicitly to the
        # dual-stack wildcard, which ss spells "*".
        u6c = o.keep(socket.socket(socket.AF_INET6, socket.SOCK_DGRAM))
        u6c.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        u6c.sendto(b"to ::1", u6.getsockname()[:2])
        r, _, _ = select.select([u6], [], [], WAIT)
        assert r
        o.add("udp", u6c, "UNCONN", recv_q=0, send_q=0, ss_local="*:%d" % u6c.getsockname()[1],
              ss_peer="*:*")
    yield o
    o.close()


def ss_rows():
    if not shutil.which("ss"):
        pytest.skip("ss (iproute2) is not installed")
    p = subprocess.run(["ss", "-tuanp"], capture_output=True, text=True, timeout=WAIT)
    assert p.returncode == 0, p.stderr
    return parse_table(p.stdout)


def check_expected(e, state, recv_q, send_q, pid, process):
    assert state == e["state"], e
    if e["recv_q"] is not None:
        assert recv_q == e["recv_q"], e
    if e["send_q"] is not None:
        assert send_q == e["send_q"], e


def test_json_equals_ss_for_the_sockets_we_opened(opened):
    ss = ss_rows()
    ours = run_json()
    for e in opened.expect:
        s = find(ss, e)
        j = find(ours, e)
        assert j["family"] == e["family"]
        for f in ("state", "recv_q", "send_q", "local_addr", "local_port", "peer_addr",
                  "peer_port"):
            assert j[f] == s[f], (f, j, s)
        check_expected(e, j["state"], j["recv_q"], j["send_q"], j["pid"], j["process"])
        if e["fd"] is None:
            assert s["users"] == []
            assert j["pid"] is None and j["process"] is None
            assert j["inode"] == 0
        else:
            assert s["users"] == [(opened.comm, opened.pid, e["fd"])]
            assert j["pid"] == opened.pid
            assert j["process"] == opened.comm
            assert j["uid"] == os.geteuid()
            assert j["inode"] == os.fstat(e["fd"]).st_ino
    # A datagram nobody read shows in Recv-Q (as memory, the way ss counts it).
    u = find(ours, [e for e in opened.expect if e["proto"] == "udp"][0])
    assert u["recv_q"] > 0


def test_table_rows_equal_ss_rows(opened):
    ss = ss_rows()
    p = run()
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines()[0].split() == [
        "Netid", "State", "Recv-Q", "Send-Q", "Local", "Address:Port", "Peer",
        "Address:Port", "Process"]
    ours = parse_table(p.stdout)
    for e in opened.expect:
        s, t = find(ss, e), find(ours, e)
        assert (t["local"], t["peer"]) == (e["local"], e["peer"])
        for f in ("proto", "state", "recv_q", "send_q", "local", "peer", "process_column"):
            assert t[f] == s[f], (f, t, s)
    # Sorted: tcp before udp, then by local port.
    order = [(0 if r["proto"] == "tcp" else 1, r["local_port"]) for r in ours]
    assert order == sorted(order)
    # -tuanp, ss's habit, is accepted and prints the same.
    p2 = run("-tuanp")
    assert p2.returncode == 0, p2.stderr
    assert {key(r) for r in parse_table(p2.stdout)} >= {key(e) for e in opened.expect}


def test_bound_device_shows_like_ss():
    """SO_BINDTODEVICE: ss writes the device after the local address."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        try:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"lo")
        except PermissionError:
            pytest.skip("SO_BINDTODEVICE needs CAP_NET_RAW here")
        s.bind(("127.0.0.1", 0))
        s.listen(2)
        port = s.getsockname()[1]
        want = "127.0.0.1%%lo:%d" % port
        rows = [r for r in parse_table(run("--port", port).stdout) if r["local_port"] == port]
        assert [r["local"] for r in rows] == [want]
        assert [r["local"] for r in ss_rows() if r["local_port"] == port] == [want]
        j = [r for r in run_json("--port", port) if r["local_port"] == port]
        assert [r["local_addr"] for r in j] == ["127.0.0.1"]
    finally:
        s.close()


def test_protocol_and_family_filters(opened):
    tcp = run_json("-t")
    assert tcp and all(r["proto"] == "tcp" for r in tcp)
    udp = run_json("--udp")
    assert udp and all(r["proto"] == "udp" for r in udp)
    for e in opened.expect:
        find(tcp if e["proto"] == "tcp" else udp, e)
        assert not [r for r in (udp if e["proto"] == "tcp" else tcp) if key(r) == key(e)]
    v4 = run_json("-4")
    assert all(r["family"] == "ipv4" for r in v4)
    both = run_json("-t", "-u", "-4", "-6")
    for e in opened.expect:
        find(both, e)
        if e["family"] == "ipv4":
            find(v4, e)
    if have_ipv6():
        v6 = run_json("-6", "-u")
        assert all(r["family"] == "ipv6" and r["proto"] == "udp" for r in v6)
        for e in opened.expect:
            if e["family"] == "ipv6" and e["proto"] == "udp":
                find(v6, e)


def test_listening_filter(opened):
    rows = run_json("-l")
    assert rows and all(r["state"] in ("LISTEN", "UNCONN") for r in rows)
    for e in opened.expect:
        got = [r for r in rows if key(r) == key(e)]
        assert len(got) == (1 if e["state"] in ("LISTEN", "UNCONN") else 0), e
    # ss -l means the same.
    if shutil.which("ss"):
        p = subprocess.run(["ss", "-tulnp"], capture_output=True, text=True, timeout=WAIT)
        theirs = {key(r) for r in parse_table(p.stdout)}
        for e in opened.expect:
            assert (key(e) in theirs) == (e["state"] in ("LISTEN", "UNCONN"))


def test_port_filter_matches_either_end(opened):
    port = opened.tcp_port
    rows = run_json("--port", port)
    assert rows and all(port in (r["local_port"], r["peer_port"]) for r in rows)
    for e in opened.expect:
        if port in (e["local_port"], e["peer_port"]):
            find(rows, e)
    tcp_only = run_json("--port", opened.udp_port, "-t")
    assert not [r for r in tcp_only if r["local_port"] == opened.udp_port and r["proto"] == "udp"]


def test_pid_filter(opened):
    rows = run_json("--pid", opened.pid)
    assert rows and all(r["pid"] == opened.pid for r in rows)
    for e in opened.expect:
        got = [r for r in rows if key(r) == key(e)]
        assert len(got) == (0 if e["fd"] is None else 1), e
    # A pid that holds no socket (pid 4194304 is the kernel's limit).
    p = run("--json", "--pid", "4194304")
    assert p.returncode == 0 and p.stdout == "", p.stderr
    text = run("--pid", "4194304")
    assert text.returncode == 0
    assert text.stdout.splitlines() == [text.stdout.splitlines()[0]]  # the header alone


class Lines:
    """A child's stdout lines through a thread, so waiting has a bound."""

    def __init__(self, stream):
        self.q = queue.Queue()
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream):
        for line in iter(stream.readline, ""):
            self.q.put(line.rstrip("\n"))
        self.q.put(None)

    def next(self):
        try:
            line = self.q.get(timeout=WAIT)
        except queue.Empty:
            raise AssertionError("no output within %s s" % WAIT)
        assert line is not None, "stdout ended early"
        return line


def read_draw(lines, json_mode):
    """Lines of one --watch draw: text ends with a blank line, JSON with the
    summary object."""
    draw = []
    while True:
        line = lines.next()
        if json_mode:
            obj = json.loads(line)
            draw.append(obj)
            if "proto" not in obj:
                return draw
        else:
            if line == "":
                return draw
            draw.append(line)


def watch(json_mode):
    """Opens `went` before the first draw, closes it and opens `came` between
    the draws; returns (went, came, draw1, draw2)."""
    went = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    went.bind(("127.0.0.1", 0))
    args = [BIN, "sockets", "-u", "-4", "--watch", "2", "--count", "2"]
    proc = subprocess.Popen(args + (["--json"] if json_mode else []), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    lines = Lines(proc.stdout)
    try:
        draw1 = read_draw(lines, json_mode)
        # The next draw comes 2 s after the first: time enough for two calls.
        went_port = went.getsockname()[1]
        went.close()
        came = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        came.bind(("127.0.0.1", 0))
        draw2 = read_draw(lines, json_mode)
        assert proc.wait(timeout=WAIT) == 0
        assert lines.q.get(timeout=WAIT) is None   # nothing after the last draw
        err = proc.stderr.read()
        assert not any(m in err for m in SANITIZER_MARKS), err
        came_port = came.getsockname()[1]
        came.close()
        return went_port, came_port, draw1, draw2
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_watch_marks_sockets_that_appeared_and_went():
    went, came, draw1, draw2 = watch(json_mode=False)
    assert re.match(r"draw 1, every 2\.0 s: \d+ sockets?, 0 appeared, 0 went$", draw1[0])
    m = re.match(r"draw 2, every 2\.0 s: \d+ sockets?, (\d+) appeared, (\d+) went$", draw2[0])
    assert m and int(m.group(1)) >= 1 and int(m.group(2)) >= 1, draw2[0]
    rows1 = parse_table("\n".join(draw1[2:]), skip_header=False, marks=True)
    rows2 = parse_table("\n".join(draw2[2:]), skip_header=False, marks=True)
    assert draw1[1].split()[0] == "Netid" and draw1[1].startswith("  ")
    assert [r["mark"] for r in rows1 if r["local_port"] == went] == [None]
    assert all(r["mark"] is None for r in rows1)
    assert [r["mark"] for r in rows2 if r["local_port"] == went] == ["-"]
    assert [r["mark"] for r in rows2 if r["local_port"] == came] == ["+"]


def test_watch_json_marks_changes_and_ends_each_draw():
    went, came, draw1, draw2 = watch(json_mode=True)
    for n, draw in ((1, draw1), (2, draw2)):
        summary, socks = draw[-1], draw[:-1]
        assert set(summary) == {"type", "draw", "sockets", "appeared", "went"}
        assert summary["type"] == "draw" and all(r["type"] == "socket" for r in socks)
        assert summary["draw"] == n
        assert all(set(r) == JSON_KEYS | {"draw", "change"} and r["draw"] == n for r in socks)
        assert summary["went"] == sum(r["change"] == "went" for r in socks)
        assert summary["sockets"] == len(socks) - summary["went"]
    assert [r["change"] for r in draw1 if r.get("local_port") == went] == [None]
    assert [r["change"] for r in draw2 if r.get("local_port") == went] == ["went"]
    assert [r["change"] for r in draw2 if r.get("local_port") == came] == ["appeared"]


def test_watch_ends_cleanly_on_sigint():
    proc = subprocess.Popen([BIN, "sockets", "--json", "--watch", "0.2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = Lines(proc.stdout)
    try:
        read_draw(lines, json_mode=True)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=WAIT) == 0
        err = proc.stderr.read()
        assert not any(m in err for m in SANITIZER_MARKS), err
        while True:   # whole lines only, nothing cut
            line = lines.q.get(timeout=WAIT)
            if line is None:
                break
            json.loads(line)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def nobody_prefix():
    """How to run the binary as an ordinary user, or skip."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if not setpriv:
        pytest.skip("setpriv (util-linux) is not installed")
    prefix = [setpriv, "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY, "--clear-groups"]
    p = subprocess.run(prefix + [BIN, "--version"], capture_output=True, timeout=WAIT)
    if p.returncode != 0:
        pytest.skip("user %d cannot run %s: %r" % (NOBODY, BIN, p.stderr[-200:]))
    return prefix


def test_without_root_lists_sockets_and_notes_missing_processes(opened):
    prefix = nobody_prefix()
    if not prefix:
        pytest.skip("not root: the test's own sockets would show their process")
    p = run("--json", prefix=prefix)
    assert p.returncode == 0, p.stderr
    assert p.stderr.splitlines() == [NOTE]
    rows = [json.loads(l) for l in p.stdout.splitlines()]
    for e in opened.expect:
        r = find(rows, e)
        assert r["pid"] is None and r["process"] is None, r
        assert r["state"] == e["state"]
        if e["fd"] is not None:
            assert r["uid"] == os.geteuid() and r["inode"] > 0
    # The table too: the rows are there, the process column is empty.
    t = run("--port", opened.tcp_port, prefix=prefix)
    assert t.returncode == 0, t.stderr
    assert t.stderr.splitlines() == [NOTE]
    rows = parse_table(t.stdout)
    for e in opened.expect:
        if opened.tcp_port in (e["local_port"], e["peer_port"]):
            assert find(rows, e)["process_column"] == ""
    # --watch says it once, not once per draw.
    w = run("--json", "--watch", "0.1", "--count", "2", "--port", opened.tcp_port,
            prefix=prefix)
    assert w.returncode == 0, w.stderr
    assert w.stderr.splitlines() == [NOTE]


def test_root_gets_no_note(opened):
    if os.geteuid() != 0:
        pytest.skip("needs root")
    p = run("--port", opened.tcp_port)
    assert p.returncode == 0
    assert p.stderr == ""


@pytest.mark.parametrize("args, message", [
    (["--port", "65536"], "--port 65536: not a port (0-65535)"),
    (["--port"], "option --port needs a value"),
    (["--pid", "0"], "--pid 0: too small"),
    (["--pid", "abc"], "--pid abc: not a number"),
    (["--watch", "0"], "--watch 0: too small (at least 0.1)"),
    (["--watch", "1", "--count", "0"], "--count 0: too small"),
    (["--count", "3"], "cannot use --count without --watch"),
    (["-a", "-l"], "cannot use -a with -l"),
    (["-Y"], "unknown option -Y"),
    (["--jsn"], "unknown option --jsn (did you mean --json?)"),
    (["state", "establishd"], "filter: state establishd: not a state (established, listening, "
     "time-wait, ..., or all, connected, synchronized, bucket, big)"),
    (["sport", ">", ":http-nope"], "filter: sport :http-nope: not a port number or a known "
     "service name"),
    (["(", "sport", "=", ":80"], "filter: '(' without ')'"),
    (["-l", "state", "established"], "cannot use -l with a state filter (-l is 'state "
     "listening state closed')"),
    (["--port", "no-such-service"], "--port no-such-service: not a port number or a known "
     "service name"),
    # ss's options that socklab has not: the nearest socklab spelling.
    (["-r"], "-r resolves names; socklab sockets prints numeric addresses (-n)"),
    (["-w"], "-w lists raw sockets; socklab sockets lists TCP, UDP and Unix: -t, -u, -x"),
    (["-K"], "-K kills sockets; socklab sockets only lists them (-p shows who holds one)"),
    (["-E"], "-E waits for socket events; socklab sockets shows changes with --watch SECS"),
    (["-N", "ns1"], "-N switches network namespace; run 'ip netns exec NAME socklab sockets'"),
    (["--sctp"], "-S lists SCTP sockets; socklab sockets lists TCP, UDP and Unix: -t, -u, -x"),
])
def test_usage_errors(args, message):
    p = run(*args)
    assert p.returncode == 2
    assert p.stdout == ""
    assert p.stderr.splitlines() == ["socklab sockets: " + message,
                                     "Try 'socklab sockets --help'."]


def test_help_and_version():
    p = run("--help")
    assert p.returncode == 0 and p.stderr == ""
    assert p.stdout.startswith("Usage: socklab sockets [options]")
    for opt in ("-t", "-u", "-x", "-l", "--port", "--pid", "--json", "--watch", "--count",
                "-s", "-o", "-e", "-m", "-i", "-H", "-O", "-f", "-A"):
        assert opt in p.stdout
    v = run("--version")
    assert v.returncode == 0
    assert re.match(r"socklab sockets \d+\.\d+\.\d+\n$", v.stdout)
    top = subprocess.run([BIN, "--help"], capture_output=True, text=True, timeout=WAIT)
    assert re.search(r"^  sockets\s", top.stdout, re.M)


# ---- ss's habits: filters, -s, -o, -e, -m, -i, -x, -H, compared with ss ----

def need_ss():
    if not shutil.which("ss"):
        pytest.skip("ss (iproute2) is not installed")


def ss_out(*args):
    need_ss()
    p = subprocess.run(["ss"] + [str(a) for a in args], capture_output=True, text=True,
                       timeout=WAIT)
    assert p.returncode == 0, p.stderr
    return p.stdout


def ours_out(*args):
    p = run(*args)
    assert p.returncode == 0, p.stderr
    return p.stdout


def parse_rows(text, header=True):
    """Rows of ss or socklab sockets with any options: netid, state, ends,
    the words after them (-o, -e) and the tab-indented line (-m, -i). ss
    leaves out Netid with one protocol and State with one state; the header
    says which columns there are."""
    lines = text.splitlines()
    has_netid = has_state = True
    if header:
        head = lines.pop(0).split()
        has_netid, has_state = head[0] == "Netid", "State" in head
    rows = []
    for line in lines:
        if line.startswith("\t"):
            rows[-1]["more"] = line.strip()
            continue
        if not line.strip():
            continue
        t = line.split()
        r = {"netid": t.pop(0) if has_netid else None,
             "state": t.pop(0) if has_state else None, "more": ""}
        r["recv_q"], r["send_q"] = int(t.pop(0)), int(t.pop(0))
        if r["netid"] and r["netid"].startswith("u_"):
            r["local"], r["peer"] = (t[0], int(t[1])), (t[2], int(t[3]))
            t = t[4:]
        else:
            r["local"], r["peer"] = parse_endpoint(t[0]), parse_endpoint(t[1])
            t = t[2:]
        r["words"] = t
        rows.append(r)
    return rows


def own(rows, opened):
    """The (local, peer) pairs of rows that are sockets this test opened."""
    keys = {((e["local_addr"], e["local_port"]), (e["peer_addr"], e["peer_port"]))
            for e in opened.expect}
    return {(r["local"], r["peer"]) for r in rows if (r["local"], r["peer"]) in keys}


STATE_FILTERS = [
    ["state", "established"],
    ["state", "listening"],
    ["exclude", "time-wait"],
    ["state", "connected"],
    ["state", "synchronized"],
    ["state", "bucket"],
    ["state", "big"],
    ["state", "all"],
    ["state", "close-wait", "state", "fin-wait-2"],
    ["state", "connected", "exclude", "established"],
]


@pytest.mark.parametrize("words", STATE_FILTERS, ids=lambda w: " ".join(w))
def test_state_filters_select_what_ss_selects(opened, words):
    ss = own(parse_rows(ss_out("-tuan", *words)), opened)
    ours_rows = parse_rows(ours_out("-tu", *words))
    ours = own(ours_rows, opened)
    assert ours == ss
    # And not by accident: the states shown are the ones asked for.
    want = {"established": {"ESTAB"}, "listening": {"LISTEN"}}.get(words[1])
    if want and words[0] == "state" and len(words) == 2:
        assert ours and {r["state"] for r in ours_rows} == want
    if words == ["exclude", "time-wait"]:
        assert "TIME-WAIT" not in {r["state"] for r in ours_rows}
        assert len(ours) == len(opened.expect) - 1


def expressions(o):
    t, u = o.tcp_port, o.udp_port
    return [
        "sport = :%d" % t,
        "sport ge :0",
        "sport == :%d" % t,
        "sport eq :%d" % t,
        "dport = :%d" % t,
        "( sport = :%d or dport = :%d )" % (t, t),
        "dport >= :1024",
        "dport ge :%d" % t,
        "sport gt :%d" % t,
        "sport lt :%d and sport != :%d" % (t, u),
        "sport le :%d" % u,
        "sport ne :%d and not dport = :%d" % (t, t),
        "dst 127.0.0.0/8",
        "dst 127.0.0.1",
        "src 127.0.0.1:%d" % t,
        "src 127.0.0.0/8:%d or src 127.0.0.1:%d" % (t, u),
        "src :%d" % u,
        "not dst 127.0.0.0/8",
        "dst [::1]",
        "src [::1]",
        "dst 10.0.0.0/8",
        "! ( sport = :%d ) and ( dport = :%d || dport = :0 )" % (t, t),
    ]


def test_expression_filters_select_what_ss_selects(opened):
    sizes = set()
    for expr in expressions(opened):
        ss = own(parse_rows(ss_out("-tuan", "-a", expr)), opened)
        ours = own(parse_rows(ours_out("-tu", expr)), opened)
        assert ours == ss, expr
        sizes.add(len(ours))
    # The expressions above are not all empty or all full.
    assert 0 in sizes and len(opened.expect) in sizes and len(sizes) > 3


def test_state_and_expression_together(opened):
    words = ["state", "established", "( dport = :%d or sport = :%d )" % ((opened.tcp_port,) * 2)]
    ss = own(parse_rows(ss_out("-tan", *words)), opened)
    ours = own(parse_rows(ours_out("-t", *words)), opened)
    assert ours == ss and len(ours) == 4  # the accepted pair and the queued one, both ends


@pytest.fixture
def pair():
    """An established loopback pair with unread data, keepalive on the
    client, and a listener."""
    lst = socket.socket()
    lst.bind(("127.0.0.1", 0))
    lst.listen(4)
    c = socket.create_connection(lst.getsockname(), timeout=WAIT)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    s, _ = lst.accept()
    c.sendall(b"y" * 3000)
    wait_until(lambda: ioctl_int(s, termios.FIONREAD) == 3000, "data at the receiver")
    wait_until(lambda: ioctl_int(c, termios.TIOCOUTQ) == 0, "the ACK at the sender")
    port = lst.getsockname()[1]
    yield {"listener": lst, "client": c, "server": s, "port": port,
           "expr": "sport = :%d or dport = :%d" % (port, port)}
    for x in (c, s, lst):
        x.close()


def by_ends(rows):
    return {(r["local"], r["peer"]): r for r in rows}


def more_fields(more):
    """ss -i words: "cwnd:10" -> {"cwnd": "10"}, "send 1bps" -> {"send": "1bps"}."""
    out, t = {}, more.split()
    i = 0
    while i < len(t):
        w = t[i]
        if w in ("send", "pacing_rate", "delivery_rate") and i + 1 < len(t):
            out[w] = t[i + 1]
            i += 2
            continue
        name, _, value = w.partition(":")
        out[name] = value
        i += 1
    return out


# Words that come and go with time or with what the kernel saw last: present
# in one listing and not in the next one taken a moment later.
VOLATILE = {"lastsnd", "lastrcv", "lastack", "busy", "app_limited", "delivery_rate",
            "rwnd_limited", "sndbuf_limited", "ato", "rcv_rtt", "backoff", "unacked",
            "notsent", "delivered", "rcv_ooopack"}


def test_info_fields_like_ss(pair):
    ours = by_ends(parse_rows(ours_out("-t", "-i", pair["expr"])))
    ss = by_ends(parse_rows(ss_out("-tni", "-a", pair["expr"])))
    assert set(ours) == set(ss) and len(ours) == 3
    for ends, r in ours.items():
        mine, theirs = more_fields(r["more"]), more_fields(ss[ends]["more"])
        assert set(mine) - VOLATILE == set(theirs) - VOLATILE, (r["more"], ss[ends]["more"])
        assert mine["cwnd"] == theirs["cwnd"]
        if r["state"] == "LISTEN":
            continue
        for f in ("mss", "advmss", "pmtu", "wscale", "rcv_space"):
            assert mine[f] == theirs[f], f
        for f in ("rtt", "rto", "minrtt", "send", "pacing_rate"):
            assert f in mine
        rtt, rttvar = (float(x) for x in mine["rtt"].split("/"))
        assert rtt > 0 and rttvar >= 0
        assert int(mine["cwnd"]) >= 1
    client = ours[(("127.0.0.1", pair["client"].getsockname()[1]), ("127.0.0.1", pair["port"]))]
    f = more_fields(client["more"])
    assert int(f["bytes_acked"]) >= 3000 and int(f["data_segs_out"]) >= 1
    # -i without -o: no option flags, as in ss; with -o they come first.
    assert "ts" not in f
    with_o = by_ends(parse_rows(ours_out("-t", "-i", "-o", pair["expr"])))
    assert with_o[(("127.0.0.1", pair["client"].getsockname()[1]),
                   ("127.0.0.1", pair["port"]))]["more"].split()[0] in ("ts", "sack")


def test_memory_fields_like_ss(pair):
    ours = by_ends(parse_rows(ours_out("-t", "-m", pair["expr"])))
    ss = by_ends(parse_rows(ss_out("-tnm", "-a", pair["expr"])))
    assert set(ours) == set(ss) and len(ours) == 3
    skmem = re.compile(r"^skmem:\(r(\d+),rb(\d+),t(\d+),tb(\d+),f(\d+),w(\d+),o(\d+),"
                       r"bl(\d+),d(\d+)\)$")
    for ends, r in ours.items():
        m, s = skmem.match(r["more"]), skmem.match(ss[ends]["more"])
        assert m and s, (r["more"], ss[ends]["more"])
        assert m.group(2) == s.group(2)   # rb: the receive buffer size
    server = ours[(("127.0.0.1", pair["port"]), ("127.0.0.1", pair["client"].getsockname()[1]))]
    assert int(skmem.match(server["more"]).group(1)) > 0  # unread data takes memory
    one = parse_rows(ours_out("-t", "-m", "-O", pair["expr"]))
    assert all(r["words"][-1].startswith("skmem:(") and not r["more"] for r in one)


def test_timers_and_extended_like_ss(pair):
    ours = by_ends(parse_rows(ours_out("-t", "-o", "-e", pair["expr"])))
    ss = by_ends(parse_rows(ss_out("-tnoe", "-a", pair["expr"])))
    assert set(ours) == set(ss)
    client = (("127.0.0.1", pair["client"].getsockname()[1]), ("127.0.0.1", pair["port"]))
    mine = [w for w in ours[client]["words"] if w.startswith("timer:")]
    theirs = [w for w in ss[client]["words"] if w.startswith("timer:")]
    assert len(mine) == 1 and len(theirs) == 1
    assert mine[0].startswith("timer:(keepalive,") and theirs[0].startswith("timer:(keepalive,")
    assert re.match(r"^timer:\(keepalive,(\d+min)?(\d+(\.\d+)?sec)?(\d+ms)?,0\)$", mine[0])
    for ends, r in ours.items():
        for name in ("ino", "sk"):
            w = [x for x in r["words"] if x.startswith(name + ":")]
            v = [x for x in ss[ends]["words"] if x.startswith(name + ":")]
            assert w == v, (name, r["words"], ss[ends]["words"])
        # a full socket's link words; a TIME_WAIT entry of an earlier
        # connection on the same port (ino:0) has none, in either tool
        if "ino:0" in r["words"]:
            assert "<->" not in r["words"] and "<->" not in ss[ends]["words"]
        else:
            assert "<->" in r["words"] and "<->" in ss[ends]["words"]
    fd = pair["client"].fileno()
    assert "ino:%d" % os.fstat(fd).st_ino in ours[client]["words"]


def test_json_has_the_fields_asked_for(pair):
    p = run("--json", "-t", "-o", "-e", "-m", "-i", pair["expr"])
    assert p.returncode == 0, p.stderr
    rows = [json.loads(x) for x in p.stdout.splitlines()]
    assert len(rows) == 3
    text = by_ends(parse_rows(ours_out("-t", "-e", "-i", pair["expr"])))
    for r in rows:
        assert JSON_KEYS <= set(r)
        assert {"timer", "cookie", "shutdown", "skmem", "tcp_info", "cong"} <= set(r)
        assert set(r["skmem"]) == {"r", "rb", "t", "tb", "f", "w", "o", "bl", "d"}
        t = text[((r["local_addr"], r["local_port"]), (r["peer_addr"], r["peer_port"]))]
        assert "sk:" + r["cookie"] in t["words"]
        assert str(r["tcp_info"]["cwnd"]) == more_fields(t["more"])["cwnd"]
        assert r["tcp_info"]["rtt_ms"] >= 0 and r["cong"]
    client = [r for r in rows if r["local_port"] == pair["client"].getsockname()[1]][0]
    assert client["timer"]["name"] == "keepalive" and client["timer"]["retrans"] == 0
    # Not asked: not there.
    plain = json.loads(run("--json", "-t", "sport = :%d" % pair["port"]).stdout.splitlines()[0])
    assert set(plain) == JSON_KEYS


def test_no_header(pair):
    full = ours_out("-t", pair["expr"]).splitlines()
    bare = ours_out("-t", "-H", pair["expr"]).splitlines()
    assert full[0].startswith("Netid")
    assert bare == full[1:] and len(bare) == 3
    assert not any(line.startswith("Netid") for line in bare)
    ss = ss_out("-tnaH", pair["expr"]).splitlines()
    assert len(ss) == len(bare)


def test_port_takes_a_service_name(pair):
    services = {}
    try:
        with open("/etc/services") as f:
            for line in f:
                t = line.split()
                if len(t) >= 2 and t[1].endswith("/tcp") and not line.startswith("#"):
                    services.setdefault(int(t[1].split("/")[0]), t[0])
    except OSError:
        pytest.skip("no /etc/services")
    for port in sorted(p for p in services if p >= 1024):
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            s.close()
            continue
        s.listen(1)
        try:
            rows = run_json("--port", services[port], "-t", "-l")
            assert [(r["local_port"], r["pid"]) for r in rows] == [(port, os.getpid())]
            expr = parse_rows(ours_out("-t", "-l", "sport = :%s" % services[port]))
            assert [r["local"] for r in expr] == [("127.0.0.1", port)]
        finally:
            s.close()
        return
    pytest.skip("no free port with a service name")


@pytest.fixture
def unix_socks(tmp_path):
    path = str(tmp_path / "lab.sock")
    lst = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    lst.bind(path)
    lst.listen(2)
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.connect(path)
    s, _ = lst.accept()
    c.sendall(b"z" * 10)
    d = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    abstract = "socklab-test-%d" % os.getpid()
    d.bind("\0" + abstract)
    socks = {"listener": lst, "client": c, "server": s, "dgram": d}
    yield {"path": path, "abstract": "@" + abstract, "socks": socks,
           "inodes": {k: os.fstat(v.fileno()).st_ino for k, v in socks.items()}}
    for x in socks.values():
        x.close()


def test_unix_sockets_like_ss(unix_socks):
    inodes = set(unix_socks["inodes"].values())
    ours = [r for r in parse_rows(ours_out("-x")) if r["local"][1] in inodes]
    ss = [r for r in parse_rows(ss_out("-xa")) if r["local"][1] in inodes]
    key = lambda r: (r["netid"], r["state"], r["local"], r["peer"], r["recv_q"], r["send_q"])
    assert sorted(map(key, ours)) == sorted(map(key, ss))
    got = {r["local"][1]: r for r in ours}
    i = unix_socks["inodes"]
    assert got[i["listener"]]["netid"] == "u_str" and got[i["listener"]]["state"] == "LISTEN"
    assert got[i["listener"]]["local"][0] == unix_socks["path"]
    assert got[i["client"]]["peer"][1] == i["server"]
    assert got[i["server"]]["recv_q"] == 10
    assert got[i["dgram"]]["netid"] == "u_dgr"
    assert got[i["dgram"]]["local"][0] == unix_socks["abstract"]
    # -e and -m: ss's Unix words (memory, shutdown, the bound file, pending
    # peers) on the socket's line.
    ours_e = {r["local"][1]: [w for w in r["words"] if not w.startswith("users:")]
              for r in parse_rows(ours_out("-x", "-e", "-m")) if r["local"][1] in inodes}
    ss_e = {r["local"][1]: r["words"] for r in parse_rows(ss_out("-xaem"))
            if r["local"][1] in inodes}
    assert ours_e == ss_e
    assert ours_e[i["listener"]][0].startswith("skmem:(") and "<->" in ours_e[i["listener"]]
    # users:(...) as for TCP, and the filters: state words and path patterns.
    assert USERS_RE.findall(" ".join(got[i["listener"]]["words"]))[0][1] == str(os.getpid())
    listening = [r for r in parse_rows(ours_out("-x", "state", "listening"))
                 if r["local"][1] in inodes]
    assert [r["local"][1] for r in listening] == [i["listener"]]
    # An accepted socket carries its listener's name, in ss's listing too.
    pattern = "src %s/*" % os.path.dirname(unix_socks["path"])
    by_path = sorted(r["local"][1] for r in parse_rows(ours_out("-x", pattern)))
    assert by_path == sorted([i["listener"], i["server"]])
    assert by_path == sorted(r["local"][1] for r in parse_rows(ss_out("-xa", pattern)))
    # -x with -t: both kinds; JSON of a Unix socket.
    both = {r["netid"] for r in parse_rows(ours_out("-t", "-x"))}
    assert "tcp" in both or not parse_rows(ours_out("-t"))
    assert "u_str" in both
    js = [json.loads(x) for x in run("--json", "-x", "-m").stdout.splitlines()]
    mine = {j["inode"]: j for j in js if j["inode"] in inodes}
    assert mine[i["listener"]]["path"] == unix_socks["path"]
    assert mine[i["listener"]]["socket_type"] == "stream"
    assert mine[i["client"]]["peer_inode"] == i["server"]
    assert mine[i["dgram"]]["path"] == unix_socks["abstract"]
    assert set(mine[i["server"]]["skmem"]) >= {"r", "rb", "t", "tb"}
    js = [json.loads(x) for x in run("--json", "-x", "-e").stdout.splitlines()]
    listener = [j for j in js if j["inode"] == i["listener"]][0]
    assert listener["vfs"]["ino"] == os.stat(unix_socks["path"]).st_ino
    assert listener["pending_peers"] == []


SUMMARY_LINES = [r"Total: \d+",
                 r"TCP:   \d+ \(estab \d+, closed -?\d+, orphaned \d+, timewait \d+\)",
                 r"",
                 r"Transport Total     IP        IPv6",
                 r"RAW\t  \d+ +\d+ +\d+ *",
                 r"UDP\t  \d+ +\d+ +\d+ *",
                 r"TCP\t  \d+ +\d+ +\d+ *",
                 r"INET\t  \d+ +\d+ +\d+ *",
                 r"FRAG\t  \d+ +\d+ +\d+ *",
                 r""]


def summary_numbers(text):
    nums = {}
    for line in text.splitlines():
        t = line.replace("(", " ").replace(")", " ").replace(",", " ").split()
        if line.startswith("TCP:"):
            nums["tcp_total"], nums["estab"] = int(t[1]), int(t[3])
        elif t and t[0] in ("RAW", "UDP", "TCP", "INET", "FRAG"):
            nums[t[0]] = tuple(int(x) for x in t[1:4])
    return nums


def test_summary_like_ss(opened):
    ours = ours_out("-s")
    ss = ss_out("-s")
    assert len(ours.splitlines()) == len(SUMMARY_LINES)
    for line, pattern in zip(ours.splitlines(), SUMMARY_LINES):
        assert re.fullmatch(pattern, line), (line, pattern)
    # ss's layout, word for word, with the numbers taken out.
    assert re.sub(r"-?\d+", "N", ours) == re.sub(r"-?\d+", "N", ss)
    n = summary_numbers(ours)
    mine_estab = sum(1 for e in opened.expect if e["proto"] == "tcp" and e["state"] == "ESTAB")
    assert n["estab"] >= mine_estab
    assert n["UDP"][0] == n["UDP"][1] + n["UDP"][2]
    assert n["INET"][0] == n["RAW"][0] + n["UDP"][0] + n["TCP"][0]
    assert n["UDP"][1] >= 2 and n["TCP"][1] >= 4
    # Twelve more UDP sockets show in both counts (other tests may open and
    # close sockets meanwhile, so the counts are bounds, not equalities).
    extra = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(12)]
    try:
        for x in extra:
            x.bind(("127.0.0.1", 0))
        after = summary_numbers(ours_out("-s"))["UDP"][1]
        ss_after = summary_numbers(ss_out("-s"))["UDP"][1]
        assert after >= 14 and ss_after >= 14
    finally:
        for x in extra:
            x.close()
    j = json.loads(run("--json", "-s").stdout)
    assert j["type"] == "summary" and j["transport"]["udp"]["ipv4"] >= 2
    # -s with a protocol or filter: the counts, then the list.
    both = ours_out("-s", "-t", "-H", "sport = :%d" % opened.tcp_port).splitlines()
    assert both[0].startswith("Total: ") and both[len(SUMMARY_LINES)].startswith("tcp ")
