"""socklab nc's half-close model (docs/nc.md): a FIN from the peer ends only
the peer->us direction; nc keeps sending its standard input until that input
ends, and the session ends when both directions are done. The matrix: the
client or the listener closes first (its standard input is /dev/null, as for
a receiver started from a script); the other side's input is a file, a pipe
that writes only after the FIN has arrived, /dev/null, or a terminal (a pty);
TCP over IPv4 and IPv6; with OpenBSD's -N and with socklab's default. Every
byte arrives in every cell. OpenBSD nc runs the same cells where it is
installed, and where it delivers, socklab delivers the same bytes. Then:
10 MB each way under 10 % loss; and a session that must stop early says how
many input bytes it did not send and exits 1."""
import hashlib
import os
import re
import select
import shutil
import socket
import subprocess
import termios
import threading
import time

import pytest

from conftest import BIN, WAIT, have_ipv6
from nc_util import CLOSE_WAIT, NsPair, PyServer, need_root_and_tools, tcp_states

OPENBSD = shutil.which("nc.openbsd")
HOSTS = ["127.0.0.1", pytest.param("::1", marks=pytest.mark.skipif(
    not have_ipv6(), reason="IPv6 is off on this host"))]
KINDS = ["file", "late-pipe", "devnull", "pty"]
MODES = {"default": [], "-N": ["-N"]}
# The file is larger than what the socket buffers take at once, so the FIN
# arrives while most of it is still unsent; an odd size on purpose.
FILE_BYTES = 6 * 1024 * 1024 + 13
PIPE_BYTES = 2 * 1024 * 1024 + 7
PTY_LINES = 300


def payload(kind):
    if kind == "file":
        return os.urandom(FILE_BYTES)
    if kind == "late-pipe":
        return os.urandom(PIPE_BYTES)
    if kind == "pty":   # a terminal in canonical mode: lines of text
        return b"".join(b"terminal line %04d %s\n" % (i, b"x" * 40) for i in range(PTY_LINES))
    return b""


class Side:
    """One nc process with its input prepared by kind; output to a file."""

    def __init__(self, argv, kind, data, tmp, name):
        self.kind, self.data = kind, data
        self.out_path = tmp / (name + ".out")
        self.err_path = tmp / (name + ".err")
        self.feed = self.master = None
        out, err = open(self.out_path, "wb"), open(self.err_path, "wb")
        if kind == "file":
            src = tmp / (name + ".in")
            src.write_bytes(data)
            stdin = open(src, "rb")
        elif kind == "late-pipe":
            stdin = subprocess.PIPE
        elif kind == "pty":
            self.master, stdin = os.openpty()
            attrs = termios.tcgetattr(stdin)
            attrs[3] &= ~termios.ECHO        # no echo piling up on the master
            termios.tcsetattr(stdin, termios.TCSANOW, attrs)
        else:
            stdin = subprocess.DEVNULL
        self.proc = subprocess.Popen(argv, stdin=stdin, stdout=out, stderr=err)
        for f in (out, err):
            f.close()
        if kind == "file":
            stdin.close()
        elif kind == "pty":
            os.close(stdin)

    def write_late(self):
        """Writes the input now (a pipe or a terminal), then ends it."""
        if self.kind == "late-pipe":
            self.proc.stdin.write(self.data)
            self.proc.stdin.close()
        elif self.kind == "pty":
            view = memoryview(self.data + b"\x04")   # ^D at a line start: EOF
            os.set_blocking(self.master, False)
            deadline = time.monotonic() + WAIT
            while view and self.proc.poll() is None and time.monotonic() < deadline:
                if select.select([], [self.master], [], 0.1)[1]:
                    try:
                        view = view[os.write(self.master, view[:4096]):]
                    except BlockingIOError:
                        pass

    def wait(self, timeout=WAIT):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return "hung"

    def output(self):
        return self.out_path.read_bytes()

    def errors(self):
        return self.err_path.read_text(errors="replace")

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.master is not None:
            os.close(self.master)
            self.master = None


def listen_argv(impl, host, mode):
    if impl == "openbsd":
        return [OPENBSD, "-N", "-l", "-v", host, "0"]
    return [BIN, "nc", "-l", "-v"] + MODES[mode] + ["-s", host, "0"]


def connect_argv(impl, host, port, mode):
    if impl == "openbsd":
        return [OPENBSD, "-N", host, str(port)]
    return [BIN, "nc", "-v"] + MODES[mode] + [host, str(port)]


def wait_for_port(side):
    """The port a listener printed (socklab's or OpenBSD's -v line)."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        m = re.search(r"(?:listening on .*:|Listening on \S+ )(\d+)", side.errors())
        if m:
            return int(m.group(1))
        assert side.proc.poll() is None, side.errors()
        time.sleep(0.01)
    raise AssertionError("no listening line: %r" % side.errors())


def wait_close_wait(port, late_is_listener, late):
    """Until the late side's end of the connection has the peer's FIN (or the
    late side is gone: OpenBSD's listener leaves at the FIN)."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline and late.proc.poll() is None:
        for (lport, rport), state in tcp_states(port).items():
            mine = lport == port if late_is_listener else rport == port
            if mine and state == CLOSE_WAIT:
                return
        time.sleep(0.005)
    if late.proc.poll() is None:
        raise AssertionError("the FIN never arrived: %r" % tcp_states(port))


def run_cell(impl, closer, kind, host, mode, tmp, data):
    """One cell: (bytes the closer received, exit statuses (closer, late side),
    bytes the late side received, the two sides)."""
    lst_kind = "devnull" if closer == "listener" else kind
    cli_kind = "devnull" if closer == "client" else kind
    listener = Side(listen_argv(impl, host, mode), lst_kind, data, tmp, impl + "-listener")
    client = None
    try:
        port = wait_for_port(listener)
        client = Side(connect_argv(impl, host, port, mode), cli_kind, data, tmp, impl + "-client")
        late, early = (client, listener) if closer == "listener" else (listener, client)
        if kind in ("late-pipe", "pty"):
            # only once the closer's FIN has reached the late side
            wait_close_wait(port, late is listener, late)
            try:
                late.write_late()
            except OSError:
                assert impl == "openbsd"   # its listener left at the FIN
        bound = WAIT if impl == "socklab" else 5
        rc_late, rc_early = late.wait(bound), early.wait(bound)
        return early.output(), (rc_early, rc_late), late.output(), (early, late)
    finally:
        listener.close()
        if client:
            client.close()


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("host", HOSTS)
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("closer", ["client", "listener"])
def test_every_byte_arrives_when_the_peer_closes_first(closer, kind, host, mode, tmp_path):
    data = payload(kind)
    got, rcs, back, sides = run_cell("socklab", closer, kind, host, mode, tmp_path, data)
    errs = [s.errors() for s in sides]
    assert rcs == (0, 0), errs
    assert len(got) == len(data), errs
    assert hashlib.sha256(got).digest() == hashlib.sha256(data).digest()
    assert back == b""
    late_err = sides[1].errors()
    assert "sent %d bytes, received 0 bytes" % len(data) in late_err, late_err


@pytest.mark.skipif(not OPENBSD, reason="OpenBSD nc (netcat-openbsd) is not installed")
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("closer", ["client", "listener"])
def test_delivers_wherever_openbsd_nc_delivers(closer, kind, tmp_path):
    """Both ends OpenBSD nc -N, then both ends socklab: OpenBSD's listener
    leaves when the client's FIN comes (it drops what it had still to send);
    its client keeps sending. Where OpenBSD delivers, socklab delivers the
    same bytes; and socklab delivers in the other cells too."""
    data = payload(kind)
    (tmp_path / "o").mkdir()
    (tmp_path / "s").mkdir()
    o_got, o_rcs, _, _ = run_cell("openbsd", closer, kind, "127.0.0.1", "-N", tmp_path / "o",
                                  data)
    s_got, s_rcs, _, sides = run_cell("socklab", closer, kind, "127.0.0.1", "-N",
                                      tmp_path / "s", data)
    print("%s closes first, input %s: OpenBSD nc delivered %d of %d bytes, exit %s"
          % (closer, kind, len(o_got), len(data), o_rcs))
    assert s_rcs == (0, 0), [s.errors() for s in sides]
    assert len(s_got) == len(data)
    assert s_got == data
    if o_got == data:
        assert s_got == o_got


# --- 10 MB each way under 10 % random loss, in two namespaces ---

LOSS_BYTES = 10 * 1000 * 1000


def loss_rules(port):
    # in b (the client's namespace): every tenth packet at random, both ways
    return """
table inet slnc_loss {
  chain out {
    type filter hook output priority 0; policy accept;
    tcp dport %(p)d numgen random mod 10 0 counter drop comment "to a"
  }
  chain in {
    type filter hook input priority 0; policy accept;
    tcp sport %(p)d numgen random mod 10 0 counter drop comment "from a"
  }
}
""" % {"p": port}


@pytest.mark.skipif(need_root_and_tools() is not None, reason=str(need_root_and_tools()))
@pytest.mark.parametrize("case", ["both-ways", "listener-devnull", "client-devnull"])
def test_ten_megabytes_each_way_under_loss(case, tmp_path):
    net = NsPair()
    try:
        to_a = os.urandom(LOSS_BYTES) if case != "client-devnull" else b""
        to_b = os.urandom(LOSS_BYTES) if case != "listener-devnull" else b""
        (tmp_path / "a.in").write_bytes(to_b)
        (tmp_path / "b.in").write_bytes(to_a)
        with open(tmp_path / "a.in", "rb") as a_in, open(tmp_path / "a.out", "wb") as a_out, \
                open(tmp_path / "a.err", "wb") as a_err:
            a = net.popen(net.a, [BIN, "nc", "-l", "-v", NsPair.A4, "0"], stdin=a_in,
                          stdout=a_out, stderr=a_err)
        deadline = time.monotonic() + WAIT
        port = None
        while port is None and time.monotonic() < deadline:
            m = re.search(r"listening on .*:(\d+) ", (tmp_path / "a.err").read_text())
            port = int(m.group(1)) if m else time.sleep(0.01)
        assert port, (tmp_path / "a.err").read_text()
        net.nft(net.b, loss_rules(port))
        with open(tmp_path / "b.in", "rb") as b_in, open(tmp_path / "b.out", "wb") as b_out:
            b = subprocess.run(net.cmd(net.b, [BIN, "nc", "-v", NsPair.A4, port]), stdin=b_in,
                               stdout=b_out, stderr=subprocess.PIPE, timeout=50)
        assert a.wait(timeout=WAIT) == 0, (tmp_path / "a.err").read_text()
        assert b.returncode == 0, b.stderr
        drops = net.counters(net.b, "slnc_loss")
        assert drops["to a"] > 0 and drops["from a"] > 0, drops
        assert (tmp_path / "a.out").read_bytes() == to_a
        assert (tmp_path / "b.out").read_bytes() == to_b
    finally:
        net.close()


# --- stopping early: the unsent input is counted, exit 1 ---

def sent_bytes(err):
    m = re.search(r"sent (\d+) bytes, received", err)
    assert m, err
    return int(m.group(1))


def unsent_bytes(err):
    m = re.search(r"; (\d+) bytes? of standard input not sent", err)
    assert m, err
    return int(m.group(1))


def test_reset_mid_transfer_counts_what_was_not_sent(tmp_path):
    size = 8 * 1024 * 1024 + 5
    (tmp_path / "in").write_bytes(os.urandom(size))
    read_first = 100000

    def handler(conn, result):
        got = b""
        while len(got) < read_first:
            got += conn.recv(read_first - len(got))
        result["got"] = len(got)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\0\0\0\0\0\0\0")  # RST
    srv = PyServer(handler)
    with open(tmp_path / "in", "rb") as f:
        r = subprocess.run([BIN, "nc", "-v", "127.0.0.1", str(srv.port)], stdin=f,
                           capture_output=True, timeout=WAIT)
    srv.join()
    err = r.stderr.decode()
    assert r.returncode == 1, err
    assert "connection reset by peer; " in err
    sent, unsent = sent_bytes(err), unsent_bytes(err)
    assert sent + unsent == size, err
    assert sent >= read_first and unsent > 0, err


@pytest.mark.parametrize("kind", ["file", "pipe"])
def test_idle_timeout_with_input_left_counts_it(kind, tmp_path):
    # the peer reads a little, then nothing: the socket fills, nothing moves
    size = 8 * 1024 * 1024 + 3
    data = os.urandom(size)
    (tmp_path / "in").write_bytes(data)
    stop = threading.Event()

    def handler(conn, result):
        conn.recv(1000)
        stop.wait(WAIT)
    srv = PyServer(handler)
    argv = [BIN, "nc", "-v", "-w", "0.5", "127.0.0.1", str(srv.port)]
    try:
        if kind == "file":
            with open(tmp_path / "in", "rb") as f:
                r = subprocess.run(argv, stdin=f, capture_output=True, timeout=WAIT)
        else:
            rfd, wfd = os.pipe()

            def feed():   # blocks while the pipe is full; EPIPE once nc is gone
                try:
                    os.write(wfd, data)
                except OSError:
                    pass
            t = threading.Thread(target=feed, daemon=True)
            t.start()
            try:
                r = subprocess.run(argv, stdin=rfd, capture_output=True, timeout=WAIT)
            finally:
                os.close(rfd)
                t.join(WAIT)
                os.close(wfd)
    finally:
        stop.set()
        srv.join()
    err = r.stderr.decode()
    assert r.returncode == 1, err
    assert "timed out: nothing moved for 0.5 s (-w); " in err, err
    if kind == "file":
        assert sent_bytes(err) + unsent_bytes(err) == size, err
    else:
        # what nc took from the pipe is sent or counted; the rest it never read
        assert ", and standard input had not ended" in err, err
        assert sent_bytes(err) + unsent_bytes(err) <= size, err
