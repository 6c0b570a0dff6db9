"""A small client of the UDP chat protocol (docs/chat-protocol.md) for the
end-to-end tests, written from the document alone: raw datagrams, its own
sequence numbers and cumulative acknowledgements, retransmission of what the
server has not acknowledged, and in-order, exactly-once delivery of what the
server sends. Test knobs: withhold acknowledgements, send any bytes.

    srv = ChatServerProcess(["--flood-rate", "0"]).wait_ready()
    c = ChatClient(srv.port)
    c.register("alice")              # -> "WELCOME alice"
    c.send("CREATE lobby")
    c.expect("OK create lobby")
    srv.stop()                       # -> exit status; srv.stopped: the counters
"""
import json
import os
import queue
import re
import select
import signal
import socket
import subprocess
import threading
import time

from conftest import BIN, SANITIZER_MARKS

MAGIC = b"SLC1"
DGRAM_MAX = 1200
MSGS_MAX = 64
LINE_MAX = 600
WAIT = 10.0
RTO = 0.3

_HEADER = re.compile(rb"SLC1 (-|[0-9a-f]{16}) (0|[1-9][0-9]{0,11})\Z")
_SEQ = re.compile(rb"(0|[1-9][0-9]{0,11}) (\S.*)\Z", re.S)


class Datagram:
    """One parsed datagram: token (int or None), ack, [(seq, line)]."""

    def __init__(self, token, ack, msgs, raw):
        self.token, self.ack, self.msgs, self.raw = token, ack, msgs, raw

    def __repr__(self):
        return "Datagram(%r)" % self.raw


def parse(data):
    """A Datagram, or ValueError for anything the document calls malformed."""
    if not data or len(data) > DGRAM_MAX or not data.endswith(b"\n"):
        raise ValueError("size or final LF")
    if any((c < 0x20 and c not in (9, 10)) or c == 0x7F for c in data):
        raise ValueError("control character")
    lines = data[:-1].split(b"\n")
    m = _HEADER.match(lines[0])
    if not m:
        raise ValueError("header %r" % lines[0])
    token = None if m.group(1) == b"-" else int(m.group(1), 16)
    msgs = []
    for line in lines[1:]:
        if len(line) + 1 > LINE_MAX:
            raise ValueError("line too long")
        mm = _SEQ.match(line)
        if not mm:
            raise ValueError("message %r" % line)
        msgs.append((int(mm.group(1)), mm.group(2).decode("utf-8", "replace")))
    if len(msgs) > MSGS_MAX:
        raise ValueError("too many messages")
    return Datagram(token, int(m.group(2)), msgs, data)


def build(token, ack, msgs=()):
    """The bytes of a datagram; token None is "-"; msgs are (seq, line)."""
    head = b"SLC1 %s %d\n" % (b"-" if token is None else b"%016x" % token, ack)
    body = b"".join(b"%d %s\n" % (seq, line.encode() if isinstance(line, str) else line)
                    for seq, line in msgs)
    return head + body


def nonce():
    return os.urandom(8).hex()


_COOKIE = re.compile(r"COOKIE ([0-9a-f]{16})\Z")


def get_cookie(sock, server, name, nonce_hex, timeout=WAIT, old_after=None):
    """The cookie the server gives this socket's address: REG with cookie
    "-", answered by a stateless notice "0 COOKIE <hex>" (protocol 2).
    Datagrams that are not the answer are left aside. With old_after, None
    when no COOKIE came within that many seconds (a server of protocol 1,
    which ignores such a REG: tests run against the original binary)."""
    reg = build(None, 0, [(1, "REG %s %s -" % (name, nonce_hex))])
    deadline = time.monotonic() + timeout
    if old_after is not None:
        deadline = time.monotonic() + old_after
    while time.monotonic() < deadline:
        sock.sendto(reg, server)
        r, _, _ = select.select([sock], [], [], RTO)
        if not r:
            continue
        d = parse(sock.recvfrom(65536)[0])
        for seq, line in d.msgs:
            m = _COOKIE.match(line)
            if seq == 0 and d.token is None and d.ack == 0 and m:
                return m.group(1)
    if old_after is not None:
        return None
    raise AssertionError("no COOKIE from %r" % (server,))


class ChatClient:
    """One session end, like chat-client's but with every knob exposed."""

    def __init__(self, port, host="127.0.0.1", auto_ack=True, bind_port=0):
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.server = (host, port)
        self.sock = socket.socket(fam, socket.SOCK_DGRAM)
        self.sock.bind((host, bind_port))
        self.auto_ack = auto_ack
        self.reset()

    def reset(self):
        """A new session: everything numbered from 1 again."""
        self.token = None
        self.next_seq = 1
        self.unacked = {}       # seq -> line, not yet acknowledged by the server
        self.last_send = 0.0
        self.peer_next = 1      # the server's seq expected next
        self.held = {}
        self.delivered = []     # the server's lines, in order, each once
        self.cursor = 0         # expect() has looked at delivered[:cursor]
        self.notices = []       # seq-0 lines
        self.datagrams = []     # every datagram received, parsed
        self.duplicates = 0
        self.server_ack = 0

    @property
    def local(self):
        return self.sock.getsockname()

    @property
    def ack(self):
        return self.peer_next - 1

    # -- sending --------------------------------------------------------

    def send_raw(self, data):
        self.sock.sendto(data, self.server)

    def _send_msgs(self, msgs):
        """msgs [(seq, line)] in as few datagrams as fit; at least one."""
        batch, size = [], 0
        head = len(build(self.token, self.ack))
        for seq, line in msgs:
            n = len(b"%d " % seq) + len(line.encode() if isinstance(line, str) else line) + 1
            if batch and (head + size + n > DGRAM_MAX or len(batch) == MSGS_MAX):
                self.send_raw(build(self.token, self.ack, batch))
                batch, size = [], 0
            batch.append((seq, line))
            size += n
        self.send_raw(build(self.token, self.ack, batch))
        self.last_send = time.monotonic()

    def send(self, *lines):
        """Queues message lines reliably and sends them now; their seqs."""
        seqs = []
        for line in lines:
            seq = self.next_seq
            self.next_seq += 1
            self.unacked[seq] = line
            seqs.append(seq)
        self._send_msgs([(s, self.unacked[s]) for s in seqs])
        return seqs

    def retransmit(self):
        """Sends every unacknowledged message again, same seqs."""
        if self.unacked:
            self._send_msgs(sorted(self.unacked.items()))

    def send_ack(self):
        """A pure acknowledgement (also the keepalive)."""
        self.send_raw(build(self.token, self.ack))

    def register(self, name, nonce_hex=None, timeout=WAIT):
        """REG name, after the cookie round trip; returns the answer line
        (WELCOME or ERR ...)."""
        self.reset()
        self.nonce = nonce_hex or nonce()
        self.cookie = get_cookie(self.sock, self.server, name, self.nonce, timeout, old_after=timeout)
        if self.cookie is None:   # protocol 1
            self.send("REG %s %s" % (name, self.nonce))
        else:
            self.send("REG %s %s %s" % (name, self.nonce, self.cookie))
        line = self.expect(lambda l: l.startswith(("WELCOME ", "ERR ")), timeout=timeout)
        if line.startswith("ERR "):
            self.unacked.clear()   # the refusal acknowledged the REG
        return line

    # -- receiving ------------------------------------------------------

    def _take(self, data):
        try:
            d = parse(data)
        except ValueError as e:
            raise AssertionError("server sent a malformed datagram (%s): %r" % (e, data))
        self.datagrams.append(d)
        if d.token is not None and self.token is None:
            self.token = d.token
        if d.ack > self.server_ack:
            self.server_ack = d.ack
        for s in [s for s in self.unacked if s <= d.ack]:
            del self.unacked[s]
        got = False
        for seq, line in d.msgs:
            if seq == 0:
                self.notices.append(line)
                continue
            got = True
            if seq < self.peer_next or seq in self.held:
                self.duplicates += 1
            elif seq == self.peer_next:
                self.delivered.append(line)
                self.peer_next += 1
                while self.peer_next in self.held:
                    self.delivered.append(self.held.pop(self.peer_next))
                    self.peer_next += 1
            else:
                self.held[seq] = line
        return got

    def poll(self, timeout=0.05):
        """Takes in whatever arrives within timeout; acknowledges it."""
        deadline = time.monotonic() + timeout
        got_any = False
        while True:
            left = deadline - time.monotonic()
            r, _, _ = select.select([self.sock], [], [], max(0.0, left))
            if not r:
                break
            data, _ = self.sock.recvfrom(65536)
            got_any |= self._take(data)
            timeout = 0  # drain what is queued, then return
            deadline = time.monotonic()
        if got_any and self.auto_ack:
            self.send_ack()
        if self.unacked and time.monotonic() - self.last_send > RTO:
            self.retransmit()
        return got_any

    def recv_datagram(self, timeout=WAIT):
        """The next datagram as it is (not taken in, not acknowledged)."""
        self.sock.settimeout(timeout)
        try:
            data, _ = self.sock.recvfrom(65536)
        finally:
            self.sock.settimeout(None)
        return parse(data)

    def expect(self, what, timeout=WAIT):
        """The next delivered line (after the last one expect() returned)
        that starts with `what` (or for which what(line) is true)."""
        pred = what if callable(what) else (lambda l: l.startswith(what))
        deadline = time.monotonic() + timeout
        while True:
            while self.cursor < len(self.delivered):
                line = self.delivered[self.cursor]
                self.cursor += 1
                if pred(line):
                    return line
            if time.monotonic() > deadline:
                raise AssertionError("expected %r; got %r (notices %r)"
                                     % (what, self.delivered, self.notices))
            self.poll(0.05)

    def expect_notice(self, prefix, timeout=WAIT):
        deadline = time.monotonic() + timeout
        while not any(n.startswith(prefix) for n in self.notices):
            if time.monotonic() > deadline:
                raise AssertionError("no notice %r; notices %r" % (prefix, self.notices))
            self.poll(0.05)
        return next(n for n in self.notices if n.startswith(prefix))

    def settle(self, quiet=0.3, timeout=WAIT):
        """Polls until nothing has arrived for `quiet` seconds and the
        server has acknowledged everything."""
        deadline = time.monotonic() + timeout
        last = time.monotonic()
        while time.monotonic() < deadline:
            if self.poll(0.05):
                last = time.monotonic()
            elif time.monotonic() - last >= quiet and not self.unacked:
                return
        raise AssertionError("no quiet moment; unacked %r" % self.unacked)

    def expect_list(self, kind, timeout=WAIT):
        """The items of a LIST reply (all its more/end parts), and the parts."""
        items, parts = [], []
        while True:
            line = self.expect("LIST %s " % kind, timeout=timeout)
            parts.append(line)
            words = line.split(" ")
            assert words[2] in ("more", "end"), line
            items += words[3:]
            if words[2] == "end":
                return items, parts

    def lines(self, prefix):
        return [l for l in self.delivered if l.startswith(prefix)]

    def close(self):
        self.sock.close()


class ChatServerProcess:
    """A running `socklab chat-server [--json] ARGS PORT` (PORT 0 unless
    args end with a number), its listening addresses and its event lines."""

    def __init__(self, args=(), json_mode=True, port=0):
        self.json_mode = json_mode
        self.args = ([BIN, "chat-server"] + (["--json"] if json_mode else []) + list(args)
                     + [str(port)])
        self.proc = subprocess.Popen(self.args, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.lines = queue.Queue()
        self.stdout_lines = []
        self.stderr_lines = []
        self.listening = []     # (address, port)
        self.events = []        # JSON events read so far (json_mode)
        self.stopped = None     # the counters of the stopped line
        threading.Thread(target=self._pump, daemon=True).start()
        self._err = threading.Thread(target=self._pump_err, daemon=True)
        self._err.start()

    def _pump(self):
        for line in iter(self.proc.stdout.readline, b""):
            self.lines.put(line.decode("utf-8", "replace").rstrip("\n"))
        self.lines.put(None)

    def _pump_err(self):
        for line in iter(self.proc.stderr.readline, b""):
            self.stderr_lines.append(line.decode("utf-8", "replace").rstrip("\n"))

    @property
    def port(self):
        return self.listening[0][1]

    def next_line(self, timeout=WAIT):
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError("no output from chat-server within %.0f s" % timeout)
        if line is None:
            raise EOFError("chat-server closed stdout; stderr: %r" % self.stderr_lines)
        self.stdout_lines.append(line)
        if self.json_mode:
            self.events.append(json.loads(line))
        return line

    def wait_ready(self):
        while True:
            line = self.next_line()
            if self.json_mode:
                ev = self.events[-1]
                if ev["event"] == "listening":
                    self.listening.append((ev["addr"], ev["port"]))
                elif ev["event"] == "ready":
                    assert ev["sockets"] == len(self.listening)
                    return self
            else:
                m = re.fullmatch(r"listening udp \[?([0-9a-f.:]+)\]?:(\d+)", line)
                if m:
                    self.listening.append((m.group(1), int(m.group(2))))
                elif line == "ready":
                    return self

    def wait_event(self, pred, timeout=WAIT):
        """The next JSON event (dict) for which pred(event) is true."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("expected event did not come; got %r" % self.events[-20:])
            self.next_line(left)
            if pred(self.events[-1]):
                return self.events[-1]

    def wait_line(self, pred, timeout=WAIT):
        """The next text line for which pred(line) is true."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("expected line did not come; got %r"
                                     % self.stdout_lines[-20:])
            line = self.next_line(left)
            if pred(line):
                return line

    def stop(self, sig=signal.SIGTERM, timeout=WAIT):
        """Signals the server, reads its remaining lines; the exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        rc = self.proc.wait(timeout=timeout)
        while True:
            try:
                line = self.next_line(timeout)
            except EOFError:
                break
            if self.json_mode and self.events[-1]["event"] == "stopped":
                self.stopped = self.events[-1]
            elif not self.json_mode and line.startswith("stopped "):
                self.stopped = {k: int(v) for k, v in
                                (kv.split("=") for kv in line.split()[1:])}
        return rc

    def check_sanitizers(self):
        self._err.join(timeout=WAIT)
        bad = [l for l in self.stderr_lines if any(m in l for m in SANITIZER_MARKS)]
        assert not bad, "sanitizer report:\n" + "\n".join(self.stderr_lines)


def crowd(host, port, names, join=None, bind="0.0.0.0", timeout=30.0):
    """Registers every name from a socket of its own (the cookie round
    trip, or protocol 1's plain REG when no COOKIE comes: an older server),
    then, if join, each sends JOIN join[i] and CREATE for the first of each
    room; each acknowledges its WELCOME (and JOIN's answer), as a client
    does, and then they all fall silent: they acknowledge nothing more.
    Returns ({name: answer line}, [sockets]) — keep the sockets open to
    keep the addresses taken."""
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    server = (host, port)
    socks, state = {}, {}
    for name in names:
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.bind((bind, 0))
        s.setblocking(False)
        socks[s.fileno()] = (name, s)
        state[name] = {"nonce": nonce(), "cookie": "-", "answer": None, "token": None,
                       "joined": join is None, "sent": 0.0, "v1": False}
    deadline = time.monotonic() + timeout
    first_of = {}
    while time.monotonic() < deadline:
        now = time.monotonic()
        pending = 0
        for fd, (name, s) in socks.items():
            st = state[name]
            if st["answer"] is None:
                pending += 1
                if now - st["sent"] > RTO:
                    if st["sent"] and st["cookie"] == "-" and not st["v1"] and \
                            now - st["first"] > 1.0:
                        st["v1"] = True  # no COOKIE: a server of protocol 1
                    st.setdefault("first", now)
                    reg = "REG %s %s" % (name, st["nonce"]) if st["v1"] else \
                        "REG %s %s %s" % (name, st["nonce"], st["cookie"])
                    s.sendto(build(None, 0, [(1, reg)]), server)
                    st["sent"] = now
            elif st["token"] is not None and not st["joined"]:
                pending += 1
                if now - st["sent"] > RTO:
                    room = join[names.index(name)]
                    verb = "CREATE" if first_of.setdefault(room, name) == name else "JOIN"
                    s.sendto(build(st["token"], 1, [(2, "%s %s" % (verb, room))]), server)
                    st["sent"] = now
        if not pending:
            break
        r, _, _ = select.select(list(socks), [], [], 0.05)
        for fd in r:
            name, s = socks[fd]
            st = state[name]
            while True:
                try:
                    data = s.recv(65536)
                except BlockingIOError:
                    break
                d = parse(data)
                for seq, line in d.msgs:
                    m = _COOKIE.match(line)
                    if m and st["answer"] is None:
                        st["cookie"] = m.group(1)
                        st["sent"] = 0.0
                    elif seq == 1 and st["answer"] is None and \
                            line.startswith(("WELCOME ", "ERR ")):
                        st["answer"] = line
                        st["token"] = d.token
                        if d.token is not None:
                            s.sendto(build(d.token, 1), server)
                    elif seq == 2 and line.startswith(("OK join", "OK create")):
                        st["joined"] = True
                        s.sendto(build(st["token"], 2, []), server)
    return {n: state[n]["answer"] for n in names}, [s for _, s in socks.values()]


if __name__ == "__main__":
    # python3 chat_proto.py crowd HOST PORT PREFIX N: N registrations, then
    # silence; prints {"welcome": n, "refused": {line: n}, "none": n} and
    # waits for stdin to close before it lets the addresses go.
    import sys
    host, port, prefix, n = sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
    answers, keep = crowd(host, port, ["%s%d" % (prefix, i) for i in range(n)])
    refused = {}
    for a in answers.values():
        if a and a.startswith("ERR "):
            refused[a] = refused.get(a, 0) + 1
    print(json.dumps({"welcome": sum(1 for a in answers.values() if a and a.startswith("WELCOME")),
                      "refused": refused, "none": sum(1 for a in answers.values() if a is None)}),
          flush=True)
    sys.stdin.read()
