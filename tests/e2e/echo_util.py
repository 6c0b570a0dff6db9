"""Helpers for the echo-server/echo-client tests: a running echo-server and
its stdout lines, and echo-client in a real pseudo-terminal, read with
select() and deadlines (no pexpect)."""
import queue
import re
import signal
import subprocess
import threading
import time

from conftest import BIN, WAIT
from ptyproc import PtyProc, check_sanitizers, pump_lines

READY_RE = re.compile(r"^echo-server: (TCP|UDP) socket bound to (\[[0-9a-f:.]+\]|[0-9.]+):(\d+)"
                      r"(, listening)?$")




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
            threading.Thread(target=pump_lines, args=(self.proc.stdout, self.lines,
                                                       self.stdout_lines), daemon=True),
            threading.Thread(target=pump_lines, args=(self.proc.stderr, queue.Queue(),
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


def run_client(args, stdin=b"", timeout=WAIT):
    """echo-client with stdin from a pipe: (exit status, stdout, stderr lines)."""
    p = subprocess.run([BIN, "echo-client"] + list(args), input=stdin,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    err = p.stderr.decode("utf-8", "replace").splitlines()
    check_sanitizers(err)
    return p.returncode, p.stdout, err


class PtyClient(PtyProc):
    """echo-client with stdin and stdout on a pseudo-terminal (stderr piped)."""

    def __init__(self, args, preexec_fn=None):
        super().__init__("echo-client", args, preexec_fn=preexec_fn)

    def expect_tail(self, tail, timeout=WAIT):
        return self.expect(lambda t: t.endswith(tail), timeout)

    def expect_count(self, data, n, timeout=WAIT):
        return self.expect(lambda t: t.count(data) >= n, timeout)
