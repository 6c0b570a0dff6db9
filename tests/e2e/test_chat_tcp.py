"""socklab chat (seed 003, task 1): the TCP point-to-point chat. Two chats
through pipes in both directions, the fallback from connecting to listening,
':q' and end of input from either side, a peer that resets, vanishes, never
reads, is not a chat, or sends over-long lines and escape sequences; and in a
real pseudo-terminal, readline keeping a half-typed line intact while the
peer's line arrives, and the terminal put back on every way out."""
import os
import queue
import re
import signal
import socket
import struct
import subprocess
import threading
import time

import pytest

from conftest import BIN, WAIT, have_ipv6
from ptyproc import PtyProc, check_sanitizers, pump_lines

LINE_MAX = 4096
OUTQ_MAX = 256 * 1024
LISTEN_RE = re.compile(r"^listening on (\[[0-9a-f:.]+\]|[0-9.]+):(\d+)$")
OPTIONS = ["-4", "-6", "--name", "-l", "-w", "--no-fallback", "--json", "-h", "--help", "--version"]


def free_port():
    """A TCP port nothing listens on (bound, then closed)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Chat:
    """`socklab chat ARGS` with stdin, stdout and stderr on pipes."""

    def __init__(self, args, stdin=subprocess.PIPE):
        self.args = [BIN, "chat"] + list(args)
        self.proc = subprocess.Popen(self.args, stdin=stdin, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.out_q, self.err_q = queue.Queue(), queue.Queue()
        self.out, self.err = [], []
        self._threads = [
            threading.Thread(target=pump_lines, args=(self.proc.stdout, self.out_q, self.out),
                             daemon=True),
            threading.Thread(target=pump_lines, args=(self.proc.stderr, self.err_q, self.err),
                             daemon=True),
        ]
        for t in self._threads:
            t.start()

    def _wait(self, q, pred, what, timeout):
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("no %s line matched; stdout %r stderr %r"
                                     % (what, self.out, self.err))
            try:
                line = q.get(timeout=left)
            except queue.Empty:
                continue
            if line is None:
                raise EOFError("%s closed; stdout %r stderr %r" % (what, self.out, self.err))
            if pred(line):
                return line

    def wait_out(self, pred, timeout=WAIT):
        if isinstance(pred, str):
            text = pred
            pred = lambda l: l == text
        return self._wait(self.out_q, pred, "stdout", timeout)

    def wait_err(self, pred, timeout=WAIT):
        if isinstance(pred, str):
            text = pred
            pred = lambda l: l == text
        return self._wait(self.err_q, pred, "stderr", timeout)

    def wait_listening(self):
        line = self.wait_out(lambda l: l.startswith("listening on "))
        m = LISTEN_RE.match(line)
        assert m, line
        return int(m.group(2))

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def close_stdin(self):
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass

    def wait_exit(self, timeout=WAIT):
        rc = self.proc.wait(timeout=timeout)
        for t in self._threads:
            t.join(timeout=WAIT)
        check_sanitizers(self.err)
        return rc

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=WAIT)


@pytest.fixture
def chat():
    """chat(args...) -> a running Chat; killed afterwards if still running."""
    started = []

    def start(*args, stdin=subprocess.PIPE):
        c = Chat(args, stdin=stdin)
        started.append(c)
        return c

    yield start
    for c in started:
        c.kill()
        for stream in (c.proc.stdin, c.proc.stdout, c.proc.stderr):
            try:
                if stream:
                    stream.close()
            except (BrokenPipeError, OSError):
                pass


def chat_from_file(chat, stdin, *args):
    """A Chat whose standard input is stdin (a file object or DEVNULL)."""
    return chat(*args, stdin=stdin)


def pair(chat, a_args=(), b_args=()):
    """alice listening, bob connected to her; both past the hellos."""
    a = chat("--name", "alice", *a_args, "0")
    port = a.wait_listening()
    b = chat("--name", "bob", *b_args, "127.0.0.1", str(port))
    a.wait_out(lambda l: l.startswith("bob connected from 127.0.0.1:"))
    b.wait_out("connected to alice at 127.0.0.1:%d" % port)
    return a, b


class PyPeer:
    """A Python socket that speaks the chat's line protocol."""

    def __init__(self, sock):
        self.sock = sock
        self.sock.settimeout(WAIT)
        self.buf = b""

    @classmethod
    def connect(cls, port, host="127.0.0.1"):
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.settimeout(WAIT)
        s.connect((host, port))
        return cls(s)

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)

    def line(self):
        """The next line without its LF; None at EOF."""
        deadline = time.monotonic() + WAIT
        while b"\n" not in self.buf:
            assert time.monotonic() < deadline, "no line from the chat; got %r" % self.buf
            d = self.sock.recv(65536)
            if not d:
                return None
            self.buf += d
        line, self.buf = self.buf.split(b"\n", 1)
        return line

    def reset(self):
        """Closes with RST (SO_LINGER 0)."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()

    def close(self):
        self.sock.close()


class PyListener:
    """A Python listener on 127.0.0.1 for the chat to connect to."""

    def __init__(self, rcvbuf=None):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.sock.settimeout(WAIT)
        self.port = self.sock.getsockname()[1]

    def accept(self):
        s, _ = self.sock.accept()
        return PyPeer(s)

    def close(self):
        self.sock.close()


def chat_with_py(chat, *args, name="py"):
    """A chat connected to a Python listener, past the hellos: (chat, peer)."""
    lst = PyListener()
    c = chat("--name", "me", *args, "127.0.0.1", str(lst.port))
    peer = lst.accept()
    lst.close()
    assert peer.line() == b"HELLO me"
    peer.send("HELLO %s\n" % name)
    c.wait_out("connected to %s at 127.0.0.1:%d" % (name, lst.port))
    return c, peer


def py_to_listening_chat(chat, name="py"):
    """A listening chat and a Python peer connected to it, past the hellos."""
    c = chat("--name", "me", "0")
    port = c.wait_listening()
    peer = PyPeer.connect(port)
    assert peer.line() == b"HELLO me"
    peer.send("HELLO %s\n" % name)
    c.wait_out(lambda l: l.startswith("%s connected from 127.0.0.1:" % name))
    return c, peer


# --- options ---------------------------------------------------------------

def test_help_lists_every_option():
    p = subprocess.run([BIN, "chat", "--help"], capture_output=True, timeout=WAIT)
    assert p.returncode == 0
    text = p.stdout.decode()
    assert text.startswith("Usage: socklab chat [options] PORT")
    for opt in OPTIONS:
        assert re.search(r"(^|[ ,])%s\b" % re.escape(opt), text, re.M), opt
    assert subprocess.run([BIN, "chat", "-h"], capture_output=True,
                          timeout=WAIT).stdout.decode() == text


def test_version():
    p = subprocess.run([BIN, "chat", "--version"], capture_output=True, timeout=WAIT)
    assert p.returncode == 0
    assert re.match(r"^socklab chat \d+\.\d+\.\d+\n$", p.stdout.decode())


def test_listed_by_socklab_help():
    p = subprocess.run([BIN, "--help"], capture_output=True, timeout=WAIT)
    assert re.search(r"^  chat +seed 003", p.stdout.decode(), re.M)


@pytest.mark.parametrize("args,why", [
    ([], "missing PORT (listen) or HOST PORT (connect)"),
    (["h", "1", "2"], "unexpected argument '2'"),
    (["--bogus", "5"], "unknown option --bogus"),
    (["-x", "5"], "unknown option -x"),
    (["h", "5", "-w"], "option -w needs a value"),
    (["--name"], "option --name needs a value"),
    (["--help=yes"], "option --help takes no value"),
    (["-w", "0", "h", "5"], "-w 0: must be more than 0"),
    (["-w", "soon", "h", "5"], "-w soon: not a number"),
    (["-w", "1", "5"], "cannot use -w without HOST"),
    (["--no-fallback", "5"], "cannot use --no-fallback without HOST"),
    (["-l", "h", "5"], "-l listens: give only PORT (socklab chat -l PORT); HOST PORT connects"),
    (["70000"], "PORT 70000: not a port (0-65535)"),
    (["h", "0"], "PORT 0: not a port to connect to (1-65535)"),
    (["", "5"], "HOST is empty"),
    (["--name", "a b", "5"], "--name a b: not 1-32"),
    (["--name", "-x", "5"], "--name -x: not 1-32"),
    (["--name", "x" * 33, "5"], "not 1-32"),
    (["--name", "", "5"], "not 1-32"),
])
def test_bad_usage_exits_2_with_one_line(args, why):
    p = subprocess.run([BIN, "chat"] + args, stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=WAIT)
    assert p.returncode == 2
    err = p.stderr.decode().splitlines()
    assert err[0].startswith("socklab chat: ") and why in err[0], err
    assert err[1:] == ["Try 'socklab chat --help'."], err
    assert p.stdout == b""


def test_longest_name_and_its_characters(chat):
    name = "A9._-" + "z" * 27
    a = chat("--name", name, "0")
    port = a.wait_listening()
    b = chat("--name", "b", "127.0.0.1", str(port))
    b.wait_out("connected to %s at 127.0.0.1:%d" % (name, port))
    b.close_stdin()
    a.wait_out("b left the chat")
    assert a.wait_exit() == 0 and b.wait_exit() == 0


# --- two chats ----------------------------------------------------------------

def test_both_directions_through_pipes(chat):
    a, b = pair(chat)
    a.send("hello bob\n")
    b.wait_out("alice: hello bob")
    b.send("hello alice, nice to see you\n")
    a.wait_out("bob: hello alice, nice to see you")
    for i in range(20):
        (a if i % 2 else b).send("line %d\n" % i)
    for i in range(20):
        (b if i % 2 else a).wait_out("%s: line %d" % ("alice" if i % 2 else "bob", i))
    b.send(":q\n")
    a.wait_out("bob left the chat")
    assert b.wait_exit() == 0
    assert a.wait_exit() == 0
    # Pipes: a side's own lines are not echoed back to it.
    assert not [l for l in a.out if l.startswith("alice:")]
    assert not [l for l in b.out if l.startswith("bob:")]
    assert a.err == [] and b.err == []
    assert "bob left the chat" not in b.out


def test_quit_from_the_listening_side(chat):
    a, b = pair(chat)
    a.send("bye now\n:q\nnot sent\n")
    b.wait_out("alice: bye now")
    b.wait_out("alice left the chat")
    assert a.wait_exit() == 0
    assert b.wait_exit() == 0
    assert "alice: not sent" not in b.out


def test_end_of_input_leaves_after_everything_is_sent(chat):
    a, b = pair(chat)
    lines = ["%05d %s" % (i, "x" * (i % 200)) for i in range(3000)]
    b.send("".join(l + "\n" for l in lines))
    b.close_stdin()
    a.wait_out("bob left the chat", timeout=3 * WAIT)
    assert a.wait_exit() == 0 and b.wait_exit() == 0
    got = [l[len("bob: "):] for l in a.out if l.startswith("bob: ")]
    assert got == lines


def test_crlf_lines_and_empty_lines(chat):
    a, b = pair(chat)
    b.send("dos line\r\n\n\r\nlast\n")
    a.wait_out("bob: dos line")
    a.wait_out("bob: last")
    b.close_stdin()
    a.wait_out("bob left the chat")
    assert a.wait_exit() == 0 and b.wait_exit() == 0
    assert [l for l in a.out if l.startswith("bob:")] == ["bob: dos line", "bob: last"]


def test_stdin_from_dev_null_leaves_at_once(chat):
    """/dev/null cannot be watched for readiness and is at its end at once:
    that side leaves as soon as the hellos are through."""
    a = chat("--name", "alice", "0")
    port = a.wait_listening()
    b = chat_from_file(chat, subprocess.DEVNULL, "--name", "nobody", "127.0.0.1", str(port))
    b.wait_out("connected to alice at 127.0.0.1:%d" % port)
    a.wait_out("nobody left the chat")
    assert a.wait_exit() == 0 and b.wait_exit() == 0


def test_file_lines_all_arrive(chat, tmp_path):
    """A regular file as standard input: read a piece per turn of the loop."""
    path = tmp_path / "lines.txt"
    path.write_text("".join("file line %d\n" % i for i in range(500)))
    a = chat("--name", "alice", "0")
    port = a.wait_listening()
    with open(path, "rb") as f:
        b = chat_from_file(chat, f, "--name", "filer", "127.0.0.1", str(port))
    a.wait_out("filer left the chat")
    assert a.wait_exit() == 0 and b.wait_exit() == 0
    assert [l for l in a.out if l.startswith("filer: ")] == \
        ["filer: file line %d" % i for i in range(500)]


def test_peer_killed_is_reported_as_leaving(chat):
    """kill -9: the kernel closes the socket with a FIN, as if the peer had
    left (documented); the other side says so and exits 0."""
    a, b = pair(chat)
    b.send("still here\n")
    a.wait_out("bob: still here")
    b.proc.kill()
    b.proc.wait(timeout=WAIT)
    a.wait_out("bob left the chat")
    assert a.wait_exit() == 0


def test_listener_takes_one_peer(chat):
    a, b = pair(chat)
    with pytest.raises(ConnectionRefusedError):
        PyPeer.connect(int(a.out[0].rsplit(":", 1)[1]))
    b.close_stdin()
    assert a.wait_exit() == 0 and b.wait_exit() == 0


def test_dash_l_listens_as_netcat_users_type_it(chat):
    a = chat("--name", "alice", "-4", "-l", "0")
    port = a.wait_listening()
    assert a.out[0] == "listening on 0.0.0.0:%d" % port
    b = chat("--name", "bob", "127.0.0.1", str(port))
    b.wait_out("connected to alice at 127.0.0.1:%d" % port)


@pytest.mark.skipif(not have_ipv6(), reason="no IPv6 on this host")
def test_ipv6(chat):
    a = chat("--name", "alice", "-6", "0")
    port = a.wait_listening()
    assert a.out[0] == "listening on [::]:%d" % port
    b = chat("--name", "bob", "::1", str(port))
    b.wait_out("connected to alice at [::1]:%d" % port)
    a.wait_out(lambda l: l.startswith("bob connected from [::1]:"))
    b.send("over v6\n")
    a.wait_out("bob: over v6")
    b.close_stdin()
    assert a.wait_exit() == 0 and b.wait_exit() == 0


def test_ipv4_only_listener(chat):
    a = chat("--name", "alice", "-4", "0")
    port = a.wait_listening()
    assert a.out[0] == "listening on 0.0.0.0:%d" % port
    b = chat("--name", "bob", "-4", "localhost", str(port))
    b.wait_out("connected to alice at 127.0.0.1:%d" % port)
    b.close_stdin()
    assert a.wait_exit() == 0 and b.wait_exit() == 0


# --- the fallback -------------------------------------------------------------

def test_fallback_from_connect_to_listen(chat):
    port = free_port()
    a = chat("--name", "carol", "127.0.0.1", str(port))
    a.wait_err("socklab chat: cannot connect to 127.0.0.1:%d: Connection refused"
               " — listening on %d instead" % (port, port))
    assert a.wait_listening() == port
    b = chat("--name", "dave", "127.0.0.1", str(port))
    b.wait_out("connected to carol at 127.0.0.1:%d" % port)
    a.wait_out(lambda l: l.startswith("dave connected from 127.0.0.1:"))
    b.send("found you\n")
    a.wait_out("dave: found you")
    a.send(":q\n")
    b.wait_out("carol left the chat")
    assert a.wait_exit() == 0 and b.wait_exit() == 0
    assert b.err == []


def test_fallback_when_the_name_does_not_resolve(chat):
    port = free_port()
    a = chat("--name", "carol", "no-such-host.invalid", str(port))
    line = a.wait_err(lambda l: l.startswith("socklab chat: cannot connect to "
                                             "no-such-host.invalid:%d: " % port))
    assert line.endswith(" — listening on %d instead" % port)
    assert a.wait_listening() == port
    a.proc.send_signal(signal.SIGTERM)
    assert a.wait_exit() == 0


def test_no_fallback_exits_1(chat):
    port = free_port()
    a = chat("--no-fallback", "127.0.0.1", str(port))
    assert a.wait_exit() == 1
    assert a.err == ["socklab chat: cannot connect to 127.0.0.1:%d: Connection refused" % port]
    assert a.out == []


# --- peers that misbehave -------------------------------------------------------

def test_peer_reset_is_reported_and_exits_1(chat):
    c, peer = py_to_listening_chat(chat)
    peer.send("about to vanish\n")
    c.wait_out("py: about to vanish")
    peer.reset()
    c.wait_err("socklab chat: connection to py lost: Connection reset by peer")
    assert c.wait_exit() == 1


def test_peer_closing_is_leaving(chat):
    c, peer = chat_with_py(chat)
    peer.send("last words")  # no LF: the last line still counts at EOF
    peer.close()
    c.wait_out("py: last words")
    c.wait_out("py left the chat")
    assert c.wait_exit() == 0


def test_peer_that_stays_after_we_leave(chat):
    """After ':q' the chat sends FIN and waits a bounded time (2 s) for the
    peer's; a peer that never closes does not keep it."""
    c, peer = chat_with_py(chat)
    c.send("bye\n:q\n")
    assert peer.line() == b"bye"
    assert peer.line() is None
    start = time.monotonic()
    assert c.wait_exit() == 0
    assert time.monotonic() - start < WAIT
    assert c.err == []
    peer.close()


# --- the peer leaves first: what waits still goes (reliability review D2) ------

CLOSE_LINES = 500   # about 10 KB: all of it fits in a pipe before the peer leaves


def numbered(who, n=CLOSE_LINES):
    return ["%s line %03d" % (who, i) for i in range(n)]


def shown(c, name):
    return [l[len(name) + 2:] for l in c.out if l.startswith(name + ": ")]


def filled_pipe(lines):
    """(read end, write end) of a pipe that already holds lines (they must
    fit its 64 KiB): a standard input with everything waiting from the start."""
    r, w = os.pipe()
    os.write(w, "".join(l + "\n" for l in lines).encode())
    return r, w


@pytest.mark.parametrize("leaver", ["listener", "connector"])
def test_both_pipe_500_lines_and_one_stdin_stays_open(chat, leaver):
    """The review's repro: both sides pipe 500 lines, there before the
    connection is up; one side's input ends there, the other's stays open.
    The leaver sends its lines and its FIN right after the hellos, while
    the other still has its lines unread; they must all arrive."""
    ends = {}
    for name in ("alice", "bob"):
        ends[name] = filled_pipe(numbered(name))
    leaving_name = "alice" if leaver == "listener" else "bob"
    os.close(ends[leaving_name][1])  # that input ends after its lines
    try:
        a = chat("--name", "alice", "0", stdin=ends["alice"][0])
        port = a.wait_listening()
        b = chat("--name", "bob", "--no-fallback", "127.0.0.1", str(port), stdin=ends["bob"][0])
        leaving, staying = (a, b) if leaver == "listener" else (b, a)
        assert leaving.wait_exit() == 0, leaving.err
        assert staying.wait_exit() == 0, staying.err
    finally:
        for name, (r, w) in ends.items():
            os.close(r)
            if name != leaving_name:
                os.close(w)
    assert shown(a, "bob") == numbered("bob")
    assert shown(b, "alice") == numbered("alice")
    assert a.err == [] and b.err == []
    assert staying.out[-1] == "%s left the chat" % leaving_name


def test_quit_while_the_peer_has_lines_waiting(chat):
    a, b = pair(chat)
    b.send("".join(l + "\n" for l in numbered("bob")))
    a.send("bye\n:q\n")
    assert a.wait_exit() == 0 and b.wait_exit() == 0
    assert shown(a, "bob") == numbered("bob")
    assert shown(b, "alice") == ["bye"]


def test_both_leave_at_once(chat):
    a, b = pair(chat)
    a.send("".join(l + "\n" for l in numbered("alice")))
    b.send("".join(l + "\n" for l in numbered("bob")))
    a.close_stdin()
    b.close_stdin()
    assert a.wait_exit() == 0 and b.wait_exit() == 0
    assert shown(a, "bob") == numbered("bob")
    assert shown(b, "alice") == numbered("alice")


def test_peer_fin_first_then_every_waiting_line_is_sent(chat):
    """A peer that says hello and at once half-closes, then reads: the
    lines already in the chat's pipe all reach it, then the chat's FIN
    (before the fix: none of them)."""
    lst = PyListener()
    r, w = filled_pipe(numbered("me"))  # waiting before the peer leaves; stays open
    c = chat("--name", "me", "127.0.0.1", str(lst.port), stdin=r)
    os.close(r)
    peer = lst.accept()
    lst.close()
    peer.send("HELLO py\n")
    peer.sock.shutdown(socket.SHUT_WR)
    assert peer.line() == b"HELLO me"
    got = []
    while True:
        line = peer.line()
        if line is None:
            break
        got.append(line.decode())
    assert got == numbered("me")
    assert c.wait_exit() == 0
    assert c.out[-1] == "py left the chat" and c.err == []
    peer.close()
    os.close(w)


def test_peer_sends_its_last_lines_after_our_fin(chat):
    """We leave first; the peer answers our FIN with 500 more lines, then
    its own FIN: we read them all before closing."""
    c, peer = chat_with_py(chat)
    c.send("bye\n")
    c.close_stdin()
    assert peer.line() == b"bye"
    assert peer.line() is None  # our FIN
    peer.send("".join(l + "\n" for l in numbered("py")))
    peer.sock.shutdown(socket.SHUT_WR)
    assert c.wait_exit() == 0
    assert shown(c, "py") == numbered("py")
    peer.close()


def test_lines_the_peer_never_takes_are_counted_and_exit_1(chat):
    """The peer half-closes and then neither reads nor closes: after 5 s
    the chat gives up, says how many lines did not arrive, and resets the
    connection so that they never do. The peer got exactly the others."""
    lst = PyListener(rcvbuf=4096)
    lines = ["%05d %s" % (i, "w" * 40) for i in range(1200)]  # 56 KB: fits the pipe
    r, w = filled_pipe(lines)
    c = chat("--name", "me", "127.0.0.1", str(lst.port), stdin=r)
    os.close(r)
    peer = lst.accept()
    lst.close()
    peer.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    peer.send("HELLO sloth\n")
    peer.sock.shutdown(socket.SHUT_WR)
    line = c.wait_err(lambda l: "not delivered" in l, timeout=3 * WAIT)
    m = re.match(r"^socklab chat: (\d+) lines not delivered: sloth did not take them "
                 r"within 5 s$", line)
    assert m, line
    assert c.wait_exit() == 1
    assert peer.line() == b"HELLO me"
    got = []
    try:
        while True:
            line = peer.line()
            if line is None:
                break
            got.append(line.decode())
    except ConnectionResetError:
        pass
    # every line either arrived whole or is counted (a cut one is counted)
    lost = int(m.group(1))
    assert 0 < lost < len(lines)
    assert got == lines[:len(lines) - lost]
    peer.close()
    os.close(w)


def test_oversized_line_from_peer_is_reported_and_dropped(chat):
    c, peer = py_to_listening_chat(chat)
    peer.send("y" * LINE_MAX + "\n")
    c.wait_out("py: " + "y" * LINE_MAX)
    peer.send("x" * (LINE_MAX + 1) + "\n" + "z" * 100000 + "\nafter\n")
    c.wait_err("socklab chat: py sent a line over 4096 bytes; dropped")
    c.wait_err("socklab chat: py sent a line over 4096 bytes; dropped")
    c.wait_out("py: after")
    peer.close()
    c.wait_out("py left the chat")
    assert c.wait_exit() == 0
    assert not [l for l in c.out if "xxx" in l or "zzz" in l]


def test_endless_line_from_peer_keeps_memory_bounded(chat):
    c, peer = py_to_listening_chat(chat)
    chunk = b"e" * 65536
    for _ in range(256):  # 16 MiB without a newline
        peer.send(chunk)
    peer.send("\nfine\n")
    c.wait_out("py: fine", timeout=3 * WAIT)
    with open("/proc/%d/status" % c.proc.pid) as f:
        rss = [int(l.split()[1]) for l in f if l.startswith("VmRSS:")][0]
    assert rss < 64 * 1024, rss  # KiB; far below the 16 MiB sent (ASan included)
    peer.close()
    assert c.wait_exit() == 0


def test_escape_sequences_are_shown_escaped(chat):
    c, peer = py_to_listening_chat(chat)
    peer.send(b"\x1b[2J\x1b]0;owned\x07 tab\there nul\x00 del\x7f bs\x08\n")
    line = c.wait_out(lambda l: l.startswith("py: "))
    assert line == r"py: \x1b[2J\x1b]0;owned\x07 tab\there nul\x00 del\x7f bs\x08"
    # UTF-8 passes; broken UTF-8, C1 controls and bidi overrides do not.
    peer.send("grüße ✓ ".encode() + b"\xff\xc3 " + "\u009b31m \u202eevil\n".encode())
    line = c.wait_out(lambda l: l.startswith("py: gr"))
    assert line == r"py: grüße ✓ \xff\xc3 \u009B31m \u202Eevil"
    peer.close()
    assert c.wait_exit() == 0
    raw = "\n".join(c.out)
    assert "\x1b" not in raw and "\x07" not in raw and "\u202e" not in raw


def test_a_peer_that_is_not_a_chat(chat):
    c = chat("--name", "me", "0")
    port = c.wait_listening()
    peer = PyPeer.connect(port)
    peer.send("GET / HTTP/1.0\r\n\r\n")
    c.wait_err(lambda l: l.startswith("socklab chat: 127.0.0.1:") and l.endswith(
        " is not a socklab chat: its first line is not 'HELLO <name>'"))
    assert c.wait_exit() == 1
    assert peer.line() == b"HELLO me"
    assert peer.line() is None
    peer.close()


@pytest.mark.parametrize("hello", ["HELLO \n", "HELLO two words\x1b\n", "HELLO -x\n",
                                   "HELLO " + "n" * 33 + "\n"])
def test_a_bad_name_in_the_hello(chat, hello):
    c = chat("--name", "me", "0")
    port = c.wait_listening()
    peer = PyPeer.connect(port)
    peer.send(hello)
    if hello.startswith("HELLO two"):
        # Fields after the name are reserved and ignored.
        c.wait_out(lambda l: l.startswith("two connected from 127.0.0.1:"))
        assert peer.line() == b"HELLO me"  # read: closing with unread bytes would reset
        peer.close()
        c.wait_out("two left the chat")
        assert c.wait_exit() == 0
        return
    c.wait_err(lambda l: "is not a socklab chat: its name is not 1-32" in l)
    assert c.wait_exit() == 1
    peer.close()


def test_peer_that_never_says_hello(chat):
    """The hello must come within 10 s (a port scanner, a stuck client)."""
    c = chat("--name", "me", "0")
    port = c.wait_listening()
    peer = PyPeer.connect(port)
    assert peer.line() == b"HELLO me"
    c.wait_err(lambda l: l.startswith("socklab chat: no hello from 127.0.0.1:") and
               l.endswith(" within 10 s (not a socklab chat?)"), timeout=10 + WAIT)
    assert c.wait_exit() == 1
    assert peer.line() is None
    peer.close()


def test_peer_closes_before_its_hello(chat):
    c = chat("--name", "me", "0")
    port = c.wait_listening()
    peer = PyPeer.connect(port)
    # Read the listener's hello first: closing with it unread would send an
    # RST instead of a FIN, and the chat would rightly report a reset.
    assert peer.line().startswith(b"HELLO ")
    peer.close()
    c.wait_err(lambda l: l.endswith("closed the connection without a hello (not a socklab chat?)"))
    assert c.wait_exit() == 1


def test_oversized_typed_line_is_refused_not_truncated(chat):
    c, peer = chat_with_py(chat)
    c.send("a" * LINE_MAX + "\n" + "b" * (LINE_MAX + 1) + "\nafter\n")
    assert peer.line() == b"a" * LINE_MAX
    assert peer.line() == b"after"
    c.wait_err("socklab chat: line not sent: longer than the limit of 4096 bytes")
    c.close_stdin()
    assert peer.line() is None
    peer.close()
    assert c.wait_exit() == 0


def test_peer_that_never_reads(chat):
    lst = PyListener(rcvbuf=4096)
    c = chat("--name", "me", "127.0.0.1", str(lst.port))
    peer = lst.accept()
    lst.close()
    peer.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    peer.send("HELLO sloth\n")
    c.wait_out(lambda l: l.startswith("connected to sloth"))

    def feed():
        line = b"w" * 1000 + b"\n"
        try:
            for _ in range(64 * 1024):  # 64 MB at most
                c.proc.stdin.write(line)
        except (BrokenPipeError, ValueError, OSError):
            pass

    t = threading.Thread(target=feed, daemon=True)
    t.start()
    line = c.wait_err(lambda l: "is not reading" in l, timeout=3 * WAIT)
    assert re.match(r"^socklab chat: sloth is not reading: \d+ bytes are waiting to be sent "
                    r"\(the limit is 262144\); closing$", line), line
    assert c.wait_exit() == 1
    t.join(timeout=WAIT)
    peer.close()


def test_signal_leaves_like_quit(chat):
    a, b = pair(chat)
    b.proc.send_signal(signal.SIGTERM)
    a.wait_out("bob left the chat")
    assert b.wait_exit() == 0 and a.wait_exit() == 0


def test_signal_while_listening(chat):
    a = chat("--name", "alice", "0")
    a.wait_listening()
    a.proc.send_signal(signal.SIGINT)
    assert a.wait_exit() == 0


# --- a terminal ---------------------------------------------------------------------

class PtyChat(PtyProc):
    """socklab chat on a pseudo-terminal of 24 x 200 (readline wraps long
    lines at the width) that is its controlling terminal, so that Ctrl-C on
    it is SIGINT, as in a shell. expect() sees the bytes as written."""

    def __init__(self, args):
        super().__init__("chat", args, env={"TERM": "xterm", "INPUTRC": "/dev/null"},
                         rows=24, cols=200, ctty=True, crlf=False)


@pytest.fixture
def pty_chat_with_py():
    """A chat on a terminal connected to a Python peer: (PtyChat, PyPeer)."""
    made = []

    def start(*args):
        lst = PyListener()
        t = PtyChat(["--name", "me"] + list(args) + ["127.0.0.1", str(lst.port)])
        made.append(t)
        peer = lst.accept()
        lst.close()
        assert peer.line() == b"HELLO me"
        peer.send("HELLO py\n")
        t.expect(lambda b: b"connected to py at 127.0.0.1:%d" % lst.port in b)
        t.expect(lambda b: b.rstrip().endswith(b"you:"))
        return t, peer

    yield start
    for t in made:
        t.close()


def test_terminal_half_typed_line_survives_a_message(pty_chat_with_py):
    t, peer = pty_chat_with_py()
    t.type(b"hal")
    t.expect(lambda b: b.endswith(b"you: hal"))
    mark = len(t.buf)
    peer.send("news from py\n")
    # The message is printed, then the prompt and the typed "hal" come back.
    t.expect(lambda b: b"py: news from py" in b[mark:] and b.endswith(b"you: hal"))
    shown = bytes(t.buf[mark:])
    assert shown.index(b"py: news from py") < shown.rindex(b"you: hal")
    t.type(b"lo\r")
    assert peer.line() == b"hallo"
    t.type(b":q\r")
    assert peer.line() is None
    peer.close()
    assert t.wait_exit() == 0
    assert t.termios_now() == t.before


def test_terminal_ctrl_d_and_restore(pty_chat_with_py):
    t, peer = pty_chat_with_py()
    t.type(b"\x04")
    assert peer.line() is None
    peer.close()
    assert t.wait_exit() == 0
    assert t.termios_now() == t.before


@pytest.mark.parametrize("how", ["peer-leaves", "peer-resets", "sigterm", "ctrl-c"])
def test_terminal_is_restored_on_every_way_out(pty_chat_with_py, how):
    t, peer = pty_chat_with_py()
    t.type(b"half typed")
    t.expect(lambda b: b.endswith(b"you: half typed"))
    assert t.termios_now() != t.before  # readline's settings are in force
    if how == "peer-leaves":
        peer.close()
        t.expect(lambda b: b"py left the chat" in b)
        rc = 0
    elif how == "peer-resets":
        peer.reset()
        rc = 1
    elif how == "sigterm":
        t.proc.send_signal(signal.SIGTERM)
        rc = 0
    else:
        t.type(b"\x03")
        rc = 0
    if how in ("sigterm", "ctrl-c"):
        assert peer.line() is None  # a clean leave: FIN, nothing half-typed sent
        peer.close()
    assert t.wait_exit() == rc
    assert t.termios_now() == t.before
    if how == "peer-resets":
        assert t.stderr_lines == ["socklab chat: connection to py lost: Connection reset by peer"]


def test_terminal_refuses_an_oversized_line(pty_chat_with_py):
    t, peer = pty_chat_with_py()
    t.type(b"q" * (LINE_MAX + 1) + b"\r")
    t.expect(lambda b: b"line not sent: 4097 bytes, the limit is 4096" in b or bool(t.stderr_lines))
    t.type(b"short\r")
    assert peer.line() == b"short"
    t.type(b":q\r")
    assert peer.line() is None
    peer.close()
    assert t.wait_exit() == 0
    assert t.stderr_lines == ["socklab chat: line not sent: 4097 bytes, the limit is 4096"]
    assert t.termios_now() == t.before


def test_terminal_ctrl_z_suspends_with_the_terminal_restored(pty_chat_with_py):
    t, peer = pty_chat_with_py()
    t.type(b"abc")
    t.expect(lambda b: b.endswith(b"you: abc"))
    readline_mode = t.termios_now()
    t.type(b"\x1a")
    deadline = time.monotonic() + WAIT
    while open("/proc/%d/stat" % t.proc.pid).read().rsplit(")", 1)[1].split()[0] != "T":
        assert time.monotonic() < deadline, "Ctrl-Z did not stop the chat"
        time.sleep(0.01)
    assert t.termios_now() == t.before  # the shell gets its terminal back
    mark = len(t.buf)
    t.proc.send_signal(signal.SIGCONT)
    t.expect(lambda b: b[mark:].endswith(b"you: abc"))  # typed line redrawn
    assert t.termios_now() == readline_mode
    t.type(b"d\r")
    assert peer.line() == b"abcd"
    t.type(b":q\r")
    assert peer.line() is None
    peer.close()
    assert t.wait_exit() == 0
    assert t.termios_now() == t.before
