"""Fixtures for end-to-end tests: run the real socklab binary on loopback and
talk to it the way the course's Python clients do."""
import json
import os
import queue
import signal
import socket
import subprocess
import threading
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("SOCKLAB_BIN", os.path.join(ROOT, "build", "socklab"))
SERVICES = ["echo", "discard", "daytime", "qotd", "chargen", "time", "upper"]
# Generous bounds: the tests wait for events, these only stop a hung test.
WAIT = 10.0

SANITIZER_MARKS = ("ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer")


def have_ipv6():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


class Server:
    """A running `socklab serve --json`, its listeners and its event lines."""

    def __init__(self, args, json_mode=True):
        self.args = [BIN, "serve"] + (["--json"] if json_mode else []) + list(args)
        self.proc = subprocess.Popen(self.args, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.lines = queue.Queue()
        self.stderr_lines = []
        self.ports = {}        # (service, proto) -> port
        self.listeners = []
        self.events = []
        threading.Thread(target=self._pump, args=(self.proc.stdout, self.lines),
                         daemon=True).start()
        self._err_thread = threading.Thread(target=self._pump_err, daemon=True)
        self._err_thread.start()

    @staticmethod
    def _pump(stream, q):
        for line in iter(stream.readline, b""):
            q.put(line.decode("utf-8", "replace").rstrip("\n"))
        q.put(None)

    def _pump_err(self):
        for line in iter(self.proc.stderr.readline, b""):
            self.stderr_lines.append(line.decode("utf-8", "replace").rstrip("\n"))

    @property
    def pid(self):
        return self.proc.pid

    def next_line(self, timeout=WAIT):
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError("no output from the server within %.0f s" % timeout)
        if line is None:
            raise EOFError("server closed stdout; stderr: %r" % self.stderr_lines)
        return line

    def wait_ready(self):
        while True:
            ev = json.loads(self.next_line())
            self.events.append(ev)
            if ev["event"] == "listening":
                self.listeners.append(ev)
                self.ports[(ev["service"], ev["proto"])] = ev["port"]
            elif ev["event"] == "ready":
                assert ev["listeners"] == len(self.listeners)
                return self

    def wait_event(self, pred, timeout=WAIT):
        """The next event line for which pred(event) is true."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("expected event did not come")
            ev = json.loads(self.next_line(left))
            self.events.append(ev)
            if pred(ev):
                return ev

    def port(self, service, proto="tcp"):
        return self.ports[(service, proto)]

    def rss_kib(self):
        with open("/proc/%d/status" % self.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise AssertionError("no VmRSS")

    def stop(self, sig=signal.SIGTERM, timeout=WAIT):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        rc = self.proc.wait(timeout=timeout)
        return rc

    def check_sanitizers(self):
        """After exit: no ASan/UBSan report on stderr."""
        self._err_thread.join(timeout=WAIT)
        bad = [l for l in self.stderr_lines if any(m in l for m in SANITIZER_MARKS)]
        assert not bad, "sanitizer report:\n" + "\n".join(self.stderr_lines)


def all_ephemeral():
    args = []
    for s in SERVICES:
        args += ["--service", s + "=0"]
    return args


@pytest.fixture
def start_server():
    """start_server(args...) -> a ready Server; stopped (exit 0 checked) afterwards."""
    servers = []

    def start(*args, json_mode=True, wait=True):
        srv = Server(args, json_mode=json_mode)
        servers.append(srv)
        if wait:
            srv.wait_ready()
        return srv

    yield start
    for srv in servers:
        if srv.proc.poll() is None:
            rc = srv.stop()
            assert rc == 0, "server exit status %r; stderr: %r" % (rc, srv.stderr_lines)
        srv.proc.wait()
        srv.check_sanitizers()


@pytest.fixture
def lab(start_server):
    """Every service, TCP and UDP, on 127.0.0.1 (and ::1), ephemeral ports."""
    return start_server(*all_ephemeral())


def tcp_connect(port, host="127.0.0.1", timeout=WAIT):
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect((host, port))
    return s


def recv_all(s, limit=1 << 24):
    """Reads until EOF (at most limit bytes)."""
    chunks, n = [], 0
    while n < limit:
        d = s.recv(65536)
        if not d:
            break
        chunks.append(d)
        n += len(d)
    return b"".join(chunks)


def recv_exactly(s, n):
    buf = bytearray()
    while len(buf) < n:
        d = s.recv(n - len(buf))
        if not d:
            raise AssertionError("EOF after %d of %d bytes" % (len(buf), n))
        buf += d
    return bytes(buf)


def udp_ask(port, payload, host="127.0.0.1", timeout=WAIT, bind=None):
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(fam, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        if bind:
            s.bind(bind)
        s.sendto(payload, (host, port))
        data, _ = s.recvfrom(65536)
        return data


def chargen_expected(nbytes, start_line=0):
    """BSD inetd's chargen stream (reference model, independent of the C code)."""
    ring = bytes(range(32, 127))
    out = bytearray()
    k = start_line
    while len(out) < nbytes:
        out += bytes(ring[(k + i) % 95] for i in range(72)) + b"\r\n"
        k += 1
    return bytes(out[:nbytes])
