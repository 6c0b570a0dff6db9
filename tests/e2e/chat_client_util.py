"""Helpers for the chat-client tests: a running `socklab chat-server` and
`socklab chat-client`s driven through pipes (or a pseudo-terminal), their
output read line by line with deadlines, never with sleeps."""
import os
import queue
import re
import signal
import socket
import subprocess
import threading
import time

from conftest import BIN, WAIT
from ptyproc import PtyProc, check_sanitizers, pump_lines

LISTEN_RE = re.compile(r"^listening udp (\[[0-9a-f:.]+\]|[0-9.]+):(\d+)$")




class Lines:
    """A process's stdout or stderr as a queue of lines, all kept."""

    def __init__(self, stream, what):
        self.q = queue.Queue()
        self.all = []
        self.what = what
        self.thread = threading.Thread(target=pump_lines, args=(stream, self.q, self.all), daemon=True)
        self.thread.start()

    def next(self, timeout=WAIT):
        try:
            line = self.q.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError("no line on %s within %.0f s; so far %r" % (self.what, timeout,
                                                                              self.all))
        if line is None:
            self.q.put(None)
            raise EOFError("%s closed; so far %r" % (self.what, self.all))
        return line

    def wait(self, pred, timeout=WAIT):
        """The next line for which pred(line) holds (a string: equality)."""
        test = (lambda l: l == pred) if isinstance(pred, str) else pred
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("expected %r on %s; got %r" % (pred, self.what, self.all))
            line = self.next(left)
            if test(line):
                return line

    def drain(self):
        """The lines that came and were not taken yet."""
        out = []
        while True:
            try:
                line = self.q.get_nowait()
            except queue.Empty:
                return out
            if line is None:
                self.q.put(None)
                return out
            out.append(line)


class ChatServer:
    """`socklab chat-server 0 --bind 127.0.0.1 ARGS` (or PREFIX + that)."""

    def __init__(self, args=(), bind="127.0.0.1", prefix=(), port=0):
        self.args = list(prefix) + [BIN, "chat-server", str(port), "--bind", bind] + list(args)
        self.proc = subprocess.Popen(self.args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.out = Lines(self.proc.stdout, "chat-server stdout")
        self.err = Lines(self.proc.stderr, "chat-server stderr")
        self.port = None
        while True:
            line = self.out.next()
            m = LISTEN_RE.match(line)
            if m:
                self.host, self.port = m.group(1).strip("[]"), int(m.group(2))
            elif line == "ready":
                break
        assert self.port, "no listening line: %r" % self.out.all

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        rc = self.proc.wait(timeout=WAIT)
        self.err.thread.join(timeout=WAIT)
        check_sanitizers(self.err.all)
        return rc


class ChatClient:
    """`socklab chat-client HOST PORT --name NAME` with stdin, stdout and
    stderr on pipes."""

    def __init__(self, port, name, host="127.0.0.1", args=(), prefix=(), wait=True):
        self.name = name
        self.args = list(prefix) + [BIN, "chat-client", host, str(port), "--name", name] + \
            list(args)
        self.proc = subprocess.Popen(self.args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.out = Lines(self.proc.stdout, "%s's stdout" % name)
        self.err = Lines(self.proc.stderr, "%s's stderr" % name)
        if wait:
            self.out.wait(lambda l: l.startswith("registered as %s on " % name))

    def send(self, *lines):
        data = "".join(l + "\n" for l in lines).encode()
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send_raw(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def expect(self, pred, timeout=WAIT):
        return self.out.wait(pred, timeout)

    def expect_err(self, pred, timeout=WAIT):
        return self.err.wait(pred, timeout)

    def ask(self, line, pred, timeout=WAIT):
        self.send(line)
        return self.expect(pred, timeout)

    def close(self, timeout=WAIT):
        """End of input: the client leaves once everything is acknowledged."""
        if not self.proc.stdin.closed:
            self.proc.stdin.close()
        return self.wait_exit(timeout)

    def wait_exit(self, timeout=WAIT):
        rc = self.proc.wait(timeout=timeout)
        self.out.thread.join(timeout=WAIT)
        self.err.thread.join(timeout=WAIT)
        check_sanitizers(self.err.all)
        return rc

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=WAIT)


def run_client(args, stdin=b"", timeout=WAIT):
    """chat-client run to its end: (exit status, stdout lines, stderr lines)."""
    p = subprocess.run([BIN, "chat-client"] + list(args), input=stdin, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=timeout)
    err = p.stderr.decode("utf-8", "replace").splitlines()
    check_sanitizers(err)
    return p.returncode, p.stdout.decode("utf-8", "replace").splitlines(), err


class PtyChatClient(PtyProc):
    """chat-client with stdin and stdout on a pseudo-terminal."""

    def __init__(self, port, name, host="127.0.0.1", args=()):
        super().__init__("chat-client", [host, str(port), "--name", name] + list(args),
                         env={"TERM": "xterm", "INPUTRC": "/dev/null"})


class PyPeer:
    """A chat user in Python, the way the course's scripts talk UDP: enough
    of docs/chat-protocol.md (REG, numbered messages, acknowledgements) to
    know its own token, which a real client keeps to itself."""

    def __init__(self, port, name, host="127.0.0.1"):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.connect((host, port))
        self.sock.settimeout(0.2)
        self.server = (host, port)
        self.next_seq, self.rx, self.acked = 2, 0, 0
        self.lines = []
        self.token = None
        nonce = os.urandom(8).hex()
        cookie = "-"
        deadline = time.monotonic() + WAIT
        old_after = time.monotonic() + 2.0   # no COOKIE: a server of protocol 1
        while cookie == "-":
            assert time.monotonic() < deadline, "no COOKIE for %s" % name
            if time.monotonic() > old_after:
                cookie = None
                break
            self.sock.send(("SLC1 - 0\n1 REG %s %s -\n" % (name, nonce)).encode())
            try:
                data = self.sock.recv(2048).decode()
            except socket.timeout:
                continue
            if data.startswith("SLC1 - 0\n0 COOKIE "):
                cookie = data.split("\n")[1].split(" ")[2]
        reg = ("SLC1 - 0\n1 REG %s %s%s\n" % (name, nonce, " " + cookie if cookie else "")).encode()
        while self.token is None:
            assert time.monotonic() < deadline, "no WELCOME for %s" % name
            self.sock.send(reg)
            self._receive(0.25)
        self.acked = 1

    def _receive(self, wait):
        deadline = time.monotonic() + wait
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(2048)
            except socket.timeout:
                return
            lines = data.decode("utf-8", "surrogateescape").split("\n")[:-1]
            head = lines[0].split(" ")
            if head[1] != "-" and self.token is None and lines[1:] and \
                    lines[1].startswith("1 WELCOME "):
                self.token = head[1]
            self.acked = max(self.acked, int(head[2]))
            for l in lines[1:]:
                seq, _, text = l.partition(" ")
                if int(seq) == self.rx + 1:
                    self.rx += 1
                    self.lines.append(text)
            if self.token and len(lines) > 1:
                self.sock.send(("SLC1 %s %d\n" % (self.token, self.rx)).encode())

    def send(self, line):
        """Sends line (str, or bytes as they are) as the next message, until
        the server acknowledges it."""
        seq = self.next_seq
        self.next_seq += 1
        if isinstance(line, str):
            line = line.encode()
        dgram = ("SLC1 %s %d\n%d " % (self.token, self.rx, seq)).encode() + line + b"\n"
        deadline = time.monotonic() + WAIT
        while self.acked < seq:
            assert time.monotonic() < deadline, "%r not acknowledged" % line
            self.sock.send(dgram)
            self._receive(0.25)
        return seq

    def wait_line(self, pred):
        deadline = time.monotonic() + WAIT
        while True:
            for l in self.lines:
                if pred(l):
                    return l
            assert time.monotonic() < deadline, "expected line not in %r" % self.lines
            self._receive(0.1)

    def close(self):
        self.sock.close()
