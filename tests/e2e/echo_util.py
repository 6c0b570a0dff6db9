"""Helpers for the echo-server/echo-client tests: a running echo-server and
its stdout lines, and echo-client in a real pseudo-terminal, read with
select() and deadlines (no pexpect)."""
import os
import queue
import re
import select
import signal
import subprocess
import termios
import threading
import time

from conftest import BIN, SANITIZER_MARKS, WAIT

READY_RE = re.compile(r"^echo-server: (TCP|UDP) socket bound to (\[[0-9a-f:.]+\]|[0-9.]+):(\d+)"
                      r"(, listening)?$")


def _pump_lines(stream, q, keep):
    for raw in iter(stream.readline, b""):
        line = raw.decode("utf-8", "replace").rstrip("\n")
        keep.append(line)
        q.put(line)
    q.put(None)


class EchoServer:
    """`socklab echo-server ARGS` (with -p 0 unless a port is given)."""

    def __init__(self, args, preexec_fn=None):
        args = list(args)
        if "-p" not in args and "--port" not in args:
            args = ["-p", "0"] + args
        self.args = [BIN, "echo-server"] + args
        self.proc = subprocess.Popen(self.args, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     preexec_fn=preexec_fn)
        self.lines = queue.Queue()
        self.stdout_lines, self.stderr_lines = [], []
        self._threads = [
            threading.Thread(target=_pump_lines, args=(self.proc.stdout, self.lines,
                                                       self.stdout_lines), daemon=True),
            threading.Thread(target=_pump_lines, args=(self.proc.stderr, queue.Queue(),
                                                       self.stderr_lines), daemon=True),
        ]
        for t in self._threads:
            t.start()
        self.proto = self.host = self.port = None

    def next_line(self, timeout=WAIT):
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError("no line from echo-server within %.0f s" % timeout)
        if line is None:
            raise EOFError("echo-server closed stdout; stderr: %r" % self.stderr_lines)
        return line

    def wait_ready(self):
        line = self.next_line()
        m = READY_RE.match(line)
        assert m, "not a ready line: %r" % line
        self.proto, self.host, self.port = m.group(1), m.group(2).strip("[]"), int(m.group(3))
        return self

    def wait_line(self, pred, timeout=WAIT):
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("expected line did not come; got %r" % self.stdout_lines)
            line = self.next_line(left)
            if pred(line):
                return line

    def rss_kib(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise AssertionError("no VmRSS")

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.proc.wait(timeout=WAIT)

    def finish(self):
        for t in self._threads:
            t.join(timeout=WAIT)
        check_sanitizers(self.stderr_lines)


def check_sanitizers(stderr_lines):
    bad = [l for l in stderr_lines if any(m in l for m in SANITIZER_MARKS)]
    assert not bad, "sanitizer report:\n" + "\n".join(stderr_lines)


def run_client(args, stdin=b"", timeout=WAIT):
    """echo-client with stdin from a pipe: (exit status, stdout, stderr lines)."""
    p = subprocess.run([BIN, "echo-client"] + list(args), input=stdin,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    err = p.stderr.decode("utf-8", "replace").splitlines()
    check_sanitizers(err)
    return p.returncode, p.stdout, err


class PtyClient:
    """echo-client with stdin and stdout on a pseudo-terminal (stderr piped)."""

    def __init__(self, args, preexec_fn=None):
        self.master, self.slave = os.openpty()
        self.before = termios.tcgetattr(self.slave)
        self.proc = subprocess.Popen([BIN, "echo-client"] + list(args), stdin=self.slave,
                                     stdout=self.slave, stderr=subprocess.PIPE,
                                     start_new_session=True, preexec_fn=preexec_fn)
        self.out = bytearray()
        self.err_q = queue.Queue()
        self.stderr_lines = []
        self._err_thread = threading.Thread(target=_pump_lines, args=(
            self.proc.stderr, self.err_q, self.stderr_lines), daemon=True)
        self._err_thread.start()

    def termios_now(self):
        return termios.tcgetattr(self.slave)

    def _read_some(self, left):
        r, _, _ = select.select([self.master], [], [], max(left, 0))
        if r:
            try:
                self.out += os.read(self.master, 65536)
            except OSError:  # EIO: no process holds the slave any more
                pass

    def text(self):
        """Everything shown so far, with the terminal's CR LF as \\n."""
        return bytes(self.out).replace(b"\r\n", b"\n")

    def expect(self, pred, timeout=WAIT):
        """Reads until pred(text) holds; returns the text."""
        deadline = time.monotonic() + timeout
        while not pred(self.text()):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("terminal shows %r; stderr %r" % (self.text(),
                                                                        self.stderr_lines))
            self._read_some(min(left, 0.2))
        return self.text()

    def expect_tail(self, tail, timeout=WAIT):
        return self.expect(lambda t: t.endswith(tail), timeout)

    def expect_count(self, data, n, timeout=WAIT):
        return self.expect(lambda t: t.count(data) >= n, timeout)

    def wait_stderr(self, pred, timeout=WAIT):
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
        """Waits for the exit, reading the terminal so the client never blocks on it."""
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("echo-client still running; shows %r" % self.text())
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
