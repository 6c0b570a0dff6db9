"""One pseudo-terminal helper for the e2e tests: a socklab tool with its
standard input and output on a pty (standard error on a pipe, read line by
line), driven with select() and deadlines, never with sleeps or pexpect.

echo-client, chat-client and chat use it (echo_util.PtyClient,
chat_client_util.PtyChatClient, test_chat_tcp.PtyChat)."""
import fcntl
import os
import pty
import queue
import select
import struct
import subprocess
import termios
import threading
import time

from conftest import BIN, SANITIZER_MARKS, WAIT


def pump_lines(stream, q, keep):
    """Reads stream to its end: each line (decoded, without its newline)
    into the list keep and the queue q; None into q at the end."""
    for raw in iter(stream.readline, b""):
        line = raw.decode("utf-8", "replace").rstrip("\n")
        keep.append(line)
        q.put(line)
    q.put(None)


def check_sanitizers(lines):
    bad = [l for l in lines if any(m in l for m in SANITIZER_MARKS)]
    assert not bad, "sanitizer report:\n" + "\n".join(lines)


class PtyProc:
    """`socklab TOOL ARGS` on a terminal.

    rows, cols: the terminal's size (readline wraps at the width).
    ctty: the terminal becomes the controlling terminal of the tool's own
    session, so that Ctrl-C typed on it is SIGINT, as in a shell.
    crlf: text() shows the terminal's CR LF as \\n (raw() keeps it)."""

    def __init__(self, tool, args, env=None, rows=None, cols=None, ctty=False,
                 preexec_fn=None, crlf=True):
        self.tool = tool
        self.crlf = crlf
        self.master, self.slave = os.openpty()
        if rows and cols:
            fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.before = termios.tcgetattr(self.slave)
        if ctty:
            def preexec_fn(inner=preexec_fn):
                fcntl.ioctl(0, termios.TIOCSCTTY, 0)
                if inner:
                    inner()
        self.proc = subprocess.Popen([BIN, tool] + [str(a) for a in args], stdin=self.slave,
                                     stdout=self.slave, stderr=subprocess.PIPE,
                                     start_new_session=True, preexec_fn=preexec_fn,
                                     env=None if env is None else dict(os.environ, **env))
        self.buf = bytearray()
        self.err_q = queue.Queue()
        self.stderr_lines = []
        self._err_thread = threading.Thread(target=pump_lines, args=(
            self.proc.stderr, self.err_q, self.stderr_lines), daemon=True)
        self._err_thread.start()

    def termios_now(self):
        return termios.tcgetattr(self.slave)

    def _read_some(self, left):
        r, _, _ = select.select([self.master], [], [], max(left, 0))
        if r:
            try:
                self.buf += os.read(self.master, 65536)
            except OSError:  # EIO: no process holds the slave any more
                pass

    def raw(self):
        """Everything the terminal showed so far, as written."""
        return bytes(self.buf)

    def text(self):
        """What the terminal showed, with CR LF as \\n unless crlf=False."""
        return self.raw().replace(b"\r\n", b"\n") if self.crlf else self.raw()

    def expect(self, pred, timeout=WAIT):
        """Reads until pred(text()) holds; returns text()."""
        deadline = time.monotonic() + timeout
        while not pred(self.text()):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("%s's terminal shows %r; stderr %r"
                                     % (self.tool, self.text(), self.stderr_lines))
            self._read_some(min(left, 0.2))
        return self.text()

    def wait_stderr(self, pred, timeout=WAIT):
        """The first line of standard error, from now on, for which pred holds."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("expected stderr line did not come: %r" % self.stderr_lines)
            try:
                line = self.err_q.get(timeout=left)
            except queue.Empty:
                continue
            if line is None:
                raise EOFError("stderr closed: %r" % self.stderr_lines)
            if pred(line):
                return line

    def type(self, data):
        os.write(self.master, data)

    def wait_exit(self, timeout=WAIT):
        """Waits for the exit, reading the terminal so the tool never blocks
        on it; checks standard error for sanitizer reports."""
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("%s still running; shows %r" % (self.tool, self.text()))
            self._read_some(min(left, 0.05))
        self._read_some(0)
        self._err_thread.join(timeout=WAIT)
        check_sanitizers(self.stderr_lines)
        return self.proc.returncode

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=WAIT)
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass


def run_on_pty(argv, env, timeout):
    """argv with its standard output on a terminal (stdin /dev/null, stderr
    a pipe) until it exits; returns (exit status, what the terminal got).
    For tools that decide on colour or width by isatty()."""
    master, slave = pty.openpty()
    p = subprocess.Popen(argv, stdout=slave, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                         env=env)
    os.close(slave)
    got = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r, _, _ = select.select([master], [], [], 0.5)
        if r:
            try:
                chunk = os.read(master, 65536)
            except OSError:   # EIO: the tool closed its side
                break
            if not chunk:
                break
            got += chunk
        elif p.poll() is not None:
            break
    os.close(master)
    err = p.stderr.read().decode("utf-8", "replace")
    rc = p.wait(timeout=timeout)
    check_sanitizers(err.splitlines())
    return rc, got.decode("utf-8", "replace")
