"""A server whose stdout is a pipe that nobody reads keeps serving: its event
lines wait in a bounded queue, the ones that do not fit are counted and
dropped, and once the reader reads again one line says how many. Before,
a full pipe blocked the whole event loop inside a write."""
import fcntl
import json
import os
import re
import signal
import socket
import struct
import subprocess
import termios
import time

import pytest

from conftest import BIN, SANITIZER_MARKS, WAIT, recv_exactly, tcp_connect, udp_ask

# More connections than the pipe (64 KiB) and the queue (256 KiB) hold in
# lines: each gives two lines of about 100 bytes.
OVERFLOW_CONNS = 3000
PIPE_FULL = 60000   # bytes waiting in the pipe: it is full (64 KiB, less a line)
O_NONBLOCK = 0o4000


class PipedServer:
    """A server with stdout on a pipe (or a stream socket, as systemd's
    journal gives) that the test reads only when it wants."""

    def __init__(self, args, kind="pipe"):
        if kind == "socket":
            mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
            theirs.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16 * 1024)
            self.proc = subprocess.Popen([BIN] + args, stdin=subprocess.DEVNULL,
                                         stdout=theirs.fileno(), stderr=subprocess.PIPE)
            theirs.close()
            self.sock = mine
            self.fd = mine.fileno()
            self.full = None
        else:
            self.proc = subprocess.Popen([BIN] + args, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            self.fd = self.proc.stdout.fileno()
            self.full = PIPE_FULL
        os.set_blocking(self.fd, False)
        self.buf = b""
        self.lines = []

    def read_some(self, until, what):
        """Reads lines until until(self.lines) holds; fails after WAIT."""
        deadline = time.monotonic() + WAIT
        while not until(self.lines):
            if time.monotonic() > deadline:
                raise AssertionError("no %s within %.0f s; last lines %r" %
                                     (what, WAIT, self.lines[-5:]))
            try:
                data = os.read(self.fd, 65536)
            except BlockingIOError:
                time.sleep(0.02)
                continue
            if not data:
                break
            self.buf += data
            *done, self.buf = self.buf.split(b"\n")
            self.lines += [l.decode() for l in done]
        return self.lines

    def waiting_in_pipe(self):
        raw = fcntl.ioctl(self.fd, termios.FIONREAD, b"\0\0\0\0")
        return struct.unpack("i", raw)[0]

    def stdout_flags(self):
        """The flags of the server's own fd 1 (the description it shares)."""
        with open("/proc/%d/fdinfo/1" % self.proc.pid) as f:
            for line in f:
                if line.startswith("flags:"):
                    return int(line.split()[1], 8)
        raise AssertionError("no flags in fdinfo")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.read_some(lambda lines: False, "EOF")  # to the end of stdout
        rc = self.proc.wait(timeout=WAIT)
        err = self.proc.stderr.read().decode()
        assert not any(m in err for m in SANITIZER_MARKS), err
        return rc

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def fill_until_dropping(srv, connect):
    """Connects and closes until the pipe is full, then OVERFLOW_CONNS more
    (each adds its lines to the server's queue); returns the count."""
    n = 0
    if srv.full:
        while srv.waiting_in_pipe() < srv.full and n < 2000:
            connect().close()
            n += 1
        assert srv.waiting_in_pipe() >= srv.full, "the pipe did not fill (%d connections)" % n
    else:
        # a socket's capacity depends on the kernel's per-packet overhead: it
        # is full when 200 more connections (400 lines) add nothing to it
        level, same = -1, 0
        while same < 200 and n < 3000:
            connect().close()
            n += 1
            now = srv.waiting_in_pipe()
            same = same + 1 if now == level else 0
            level = now
        assert same >= 200 and level > 0, "the socket did not fill (%d connections)" % n
    for _ in range(OVERFLOW_CONNS):
        connect().close()
        n += 1
    return n


@pytest.mark.parametrize("mode,kind", [("text", "pipe"), ("json", "pipe"), ("text", "socket")])
def test_serve_answers_while_nobody_reads_its_stdout(mode, kind):
    args = ["serve", "-4", "-v", "--only", "echo", "--service", "echo=0"]
    srv = PipedServer(args + (["--json"] if mode == "json" else []), kind)
    try:
        lines = srv.read_some(lambda l: any("ready" in x for x in l), "ready line")
        if mode == "json":
            port = [json.loads(l)["port"] for l in lines if '"listening"' in l and '"tcp"' in l][0]
        else:
            port = [int(l.rsplit(":", 1)[1]) for l in lines if l.startswith("listening echo tcp")][0]
        assert not srv.stdout_flags() & O_NONBLOCK

        conns = fill_until_dropping(srv, lambda: tcp_connect(port))
        # the pipe is full and the server's queue overflowed: it still answers
        with tcp_connect(port) as s:
            s.sendall(b"still here")
            assert recv_exactly(s, 10) == b"still here"
        conns += 1
        assert udp_ask(port, b"and over udp") == b"and over udp"
        # the description fd 1 shares with others keeps its blocking mode
        assert not srv.stdout_flags() & O_NONBLOCK

        # reading again: every line is either shown or counted as dropped
        expected = 2 * conns + 1    # start and end per connection, one dgram

        def count(lines):
            shown = sum(1 for l in lines if re.match(r'(start|end|dgram) |\{"event":"(start|end|dgram)"', l))
            if mode == "json":
                dropped = sum(json.loads(l)["lines"] for l in lines if '"log_dropped"' in l)
            else:
                dropped = sum(int(m.group(1)) for l in lines
                              for m in [re.match(r"log: (\d+) lines? dropped \(output not read\)$", l)]
                              if m)
            return shown, dropped

        srv.read_some(lambda l: sum(count(l)) >= expected, "line for every connection")
        shown, dropped = count(srv.lines)
        assert dropped > 0 and shown + dropped == expected, (shown, dropped, expected)
        notice = [l for l in srv.lines if "log_dropped" in l or l.startswith("log: ")]
        assert len(notice) >= 1, notice

        assert srv.stop() == 0
        last = srv.lines[-1]
        if mode == "json":
            ev = json.loads(last)
            assert ev["event"] == "stopped" and ev["tcp"] == conns and ev["udp_in"] == 1, ev
        else:
            assert last.startswith("stopped tcp=%d " % conns) and " udp_in=1 " in last, last
    finally:
        srv.kill()


def test_stopped_summary_after_a_burst_of_shutdown_lines():
    # 4,000 connections still open at SIGTERM: their 'end ... reason=shutdown'
    # lines are more than the queue holds; at exit the queue waits for the
    # reader instead of dropping them, and the summary comes last.
    srv = PipedServer(["serve", "-4", "--only", "echo", "--service", "echo=0"])
    socks = []
    try:
        lines = srv.read_some(lambda l: any(x.startswith("ready") for x in l), "ready line")
        port = [int(l.rsplit(":", 1)[1]) for l in lines if l.startswith("listening echo tcp")][0]
        for _ in range(4000):
            socks.append(tcp_connect(port))
        with tcp_connect(port) as s:       # all accepted: one more is answered
            s.sendall(b"x")
            assert recv_exactly(s, 1) == b"x"
        assert srv.stop() == 0
        ends = [l for l in srv.lines if l.startswith("end ")]
        assert sum(1 for l in ends if l.endswith("reason=shutdown")) == 4000
        assert not [l for l in srv.lines if l.startswith("log: ")]
        assert srv.lines[-1].startswith("stopped tcp=4001 ")
    finally:
        for s in socks:
            s.close()
        srv.kill()


def test_echo_server_answers_while_nobody_reads_its_stdout():
    srv = PipedServer(["echo-server", "--ip", "127.0.0.1", "-p", "0"])
    try:
        lines = srv.read_some(lambda l: len(l) >= 1, "ready line")
        port = int(re.search(r":(\d+), listening$", lines[0]).group(1))
        conns = fill_until_dropping(srv, lambda: tcp_connect(port))
        with tcp_connect(port) as s:
            s.sendall(b"still here")
            assert recv_exactly(s, 10) == b"still here"
        conns += 1
        expected = 2 * conns

        def count(lines):
            shown = sum(1 for l in lines if l.startswith("echo-server: TCP connection from"))
            dropped = sum(int(m.group(1)) for l in lines
                          for m in [re.match(r"log: (\d+) lines? dropped \(output not read\)$", l)]
                          if m)
            return shown, dropped

        srv.read_some(lambda l: sum(count(l)) >= expected, "line for every connection")
        shown, dropped = count(srv.lines)
        assert dropped > 0 and shown + dropped == expected, (shown, dropped, expected)
        assert srv.stop() == 0
        assert srv.lines[-1] == "echo-server: stopped; TCP connections=%d" % conns
    finally:
        srv.kill()
