#!/usr/bin/python3
"""abuse_chat: the UDP chat clients of bench/abuse.sh, written from
docs/chat-protocol.md (standard library only).

  abuse_chat.py reg-template                      payload of one spoofed REG, for abuse_flood -f
  abuse_chat.py silent HOST PORT N ADDRS ROOMS
      N members (from the addresses ADDRS, FIRST:COUNT[/PREFIXES]) register and join ROOMS
      rooms, then never read or acknowledge; prints "ready joined=J ..." and
      holds them until stdin closes (or --hold seconds)
  abuse_chat.py talk HOST PORT N ADDRS ROOMS --rate R --size S --secs T
      N well-behaved members say S-byte lines at R a second each in those rooms
  abuse_chat.py probe HOST PORT ADDRS --every E --secs T
      every E seconds a fresh client (from the next of ADDRS) registers, asks
      ROOMS, says BYE; prints the time to WELCOME and to the answer of ROOMS

The protocol's version and the registration handshake (protocol 2: a
stateless cookie before REG makes a session) live in the first section:
reg_line() and cookie_answer().
"""
import argparse
import ipaddress
import os
import re
import selectors
import socket
import statistics
import sys
import time

# ---------------------------------------------------------------- protocol

MAGIC = "SLC1"            # magic of every datagram (protocol 2 shows in REG)
DGRAM_MAX = 1200
MSGS_MAX = 64
RTO_MIN, RTO_MAX = 0.25, 4.0

_HEADER = re.compile(r"(\S+) (-|[0-9a-f]{16}) ([0-9]+)\Z")
_MSG = re.compile(r"([0-9]+) (.*)\Z", re.S)


def reg_line(name, nonce, cookie=None):
    """The REG message of protocol 2: "-" until the server sent a cookie."""
    return "REG %s %s %s" % (name, nonce, cookie or "-")


def cookie_answer(lines, name, nonce):
    """The server's answer to a REG, as (seq, line) pairs, when that answer
    is a cookie challenge: the REG line that echoes it; else None.

    Protocol 2 (docs/chat-protocol.md): a REG without a valid cookie gets
    "0 COOKIE <16 hex>" and nothing else; the REG is sent again with it."""
    for _seq, line in lines:
        words = line.split(" ")
        if words[0] == "COOKIE" and len(words) >= 2:
            return reg_line(name, nonce, words[1])
    return None


def spoofed_reg_template():
    """What a spoofer sends: the first REG of a client, every '#' run later
    replaced by the datagram's number (unique names and nonces)."""
    return build(None, 0, [(1, reg_line("f##########", "################"))])


def build(token, ack, msgs):
    head = "%s %s %d\n" % (MAGIC, "-" if token is None else token, ack)
    return (head + "".join("%d %s\n" % m for m in msgs)).encode()


def parse(data):
    """(token or None, ack, [(seq, line)]), or None when malformed."""
    try:
        text = data.decode()
    except UnicodeDecodeError:
        return None
    if not text.endswith("\n"):
        return None
    rows = text[:-1].split("\n")
    m = _HEADER.match(rows[0])
    if not m or m.group(1) != MAGIC:
        return None
    msgs = []
    for row in rows[1:]:
        mm = _MSG.match(row)
        if not mm:
            return None
        msgs.append((int(mm.group(1)), mm.group(2)))
    return (None if m.group(2) == "-" else m.group(2)), int(m.group(3)), msgs


class Session:
    """One client end: its own numbering, cumulative acknowledgements,
    retransmission of what the server has not acknowledged, and in-order
    delivery of the server's lines. Non-blocking; the caller's loop feeds it
    datagrams (receive) and time (tick)."""

    def __init__(self, sock, server, name):
        self.sock, self.server, self.name = sock, server, name
        self.nonce = os.urandom(8).hex()
        self.token = None
        self.next_seq = 1
        self.unacked = {}
        self.peer_next = 1
        self.held = {}
        self.owe_ack = False
        self.rto = RTO_MIN
        self.last_tx = 0.0

    def register(self):
        self.send(reg_line(self.name, self.nonce))

    def send(self, *lines):
        for line in lines:
            self.unacked[self.next_seq] = line
            self.next_seq += 1
        self.transmit()

    def transmit(self):
        """Every unacknowledged message (or an acknowledgement alone)."""
        items = sorted(self.unacked.items())
        while True:
            batch, size = [], 0
            while items and len(batch) < MSGS_MAX:
                n = len("%d %s\n" % items[0])
                if batch and 40 + size + n > DGRAM_MAX:
                    break
                batch.append(items.pop(0))
                size += n
            try:
                self.sock.sendto(build(self.token, self.peer_next - 1, batch), self.server)
            except (BlockingIOError, OSError):
                pass
            if not items:
                break
        self.owe_ack = False
        self.last_tx = time.monotonic()

    def tick(self, now):
        if self.unacked and now - self.last_tx >= self.rto:
            self.rto = min(self.rto * 2, RTO_MAX)
            self.transmit()
        elif self.owe_ack:
            self.transmit() if self.unacked else self.send_ack()

    def send_ack(self):
        try:
            self.sock.sendto(build(self.token, self.peer_next - 1, []), self.server)
        except (BlockingIOError, OSError):
            pass
        self.owe_ack = False

    def receive(self, data):
        """The server's lines that are now in order (seq 0 notices included)."""
        d = parse(data)
        if d is None:
            return []
        token, ack, msgs = d
        again = cookie_answer(msgs, self.name, self.nonce) if self.token is None else None
        if again is not None:
            self.unacked = {1: again}
            self.next_seq = 2
            self.rto = RTO_MIN
            self.transmit()
            return []
        if token is not None and self.token is None:
            self.token = token
        acked = [s for s in self.unacked if s <= ack]
        for s in acked:
            del self.unacked[s]
        if acked:
            self.rto = RTO_MIN
        out = []
        for seq, line in msgs:
            if seq == 0:
                out.append(line)
                continue
            self.owe_ack = True
            if seq == self.peer_next:
                out.append(line)
                self.peer_next += 1
                while self.peer_next in self.held:
                    out.append(self.held.pop(self.peer_next))
                    self.peer_next += 1
            elif seq > self.peer_next:
                self.held[seq] = line
        return out


# ---------------------------------------------------------------- helpers

def addresses(spec):
    """FIRST:COUNT[/PREFIXES] -> COUNT IPv4 addresses spread over PREFIXES
    consecutive /24s: address i is FIRST + (i % PREFIXES) * 256 + i // PREFIXES
    (bench/abuse.sh assigns them with the same rule)."""
    first, _, rest = spec.partition(":")
    count, _, prefixes = rest.partition("/")
    base, p = ipaddress.IPv4Address(first), int(prefixes or 1)
    return [str(base + (i % p) * 256 + i // p) for i in range(int(count or 1))]


def udp_socket(addr, rcvbuf=None):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.bind((addr, 0))
    s.setblocking(False)
    return s


def drain(sock):
    while True:
        try:
            yield sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            return


def out(*words):
    print(*words, flush=True)


def hold(seconds):
    """Until stdin closes or seconds pass."""
    sel = selectors.DefaultSelector()
    sel.register(sys.stdin, selectors.EVENT_READ)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if sel.select(max(0.0, end - time.monotonic())) and not sys.stdin.buffer.read1(4096):
            return


def join_all(server, names, addrs, rooms, deadline, rcvbuf=None, window=64):
    """Registers names (round-robin over addrs) and puts name i into room
    rooms[i % len(rooms)] (JOIN, or CREATE when it does not exist yet); at
    most `window` in progress. A refused REG is tried again with a new nonce
    a second later. Returns the sessions that got in, in order."""
    sel = selectors.DefaultSelector()
    todo = list(range(len(names)))
    busy, done, retry_at = {}, {}, {}

    def start(i):
        s = udp_socket(addrs[i % len(addrs)], rcvbuf)
        sess = Session(s, server, names[i])
        sess.room = rooms[i % len(rooms)]
        sess.state = "reg"
        busy[i] = sess
        sel.register(s, selectors.EVENT_READ, i)
        sess.register()

    def step(sess, line):
        """The session's next move on a line; True once it is in its room."""
        if sess.state == "reg" and line.startswith("WELCOME "):
            sess.state = "room"
            sess.send("JOIN %s" % sess.room)
        elif sess.state == "room" and line.startswith("ERR no-such-room"):
            sess.send("CREATE %s" % sess.room)
        elif sess.state == "room" and line.startswith("ERR room-exists"):
            sess.send("JOIN %s" % sess.room)
        elif sess.state == "room" and line.startswith("OK "):
            return True
        return False

    while (todo or busy or retry_at) and time.monotonic() < deadline:
        now = time.monotonic()
        for i, t in list(retry_at.items()):
            if now >= t:
                del retry_at[i]
                todo.append(i)
        while todo and len(busy) < window:
            start(todo.pop(0))
        for key, _ in sel.select(0.02):
            i = key.data
            sess = busy[i]
            for data in drain(sess.sock):
                lines = sess.receive(data)
                if sess.state == "reg" and any(l.startswith("ERR ") for l in lines):
                    retry_at[i] = time.monotonic() + 1.0
                elif any(step(sess, l) for l in lines):
                    done[i] = sess
                else:
                    continue
                sel.unregister(sess.sock)
                del busy[i]
                if i in retry_at:
                    sess.sock.close()
                break
        now = time.monotonic()
        for sess in busy.values():
            sess.tick(now)
    for sess in busy.values():
        sess.sock.close()
    sel.close()
    return [done[i] for i in sorted(done)]


# ---------------------------------------------------------------- commands

def cmd_silent(a):
    server = (a.host, a.port)
    addrs = addresses(a.addrs)
    rooms = ["abuse%d" % r for r in range(a.rooms)]
    names = ["s%05d" % i for i in range(a.n)]
    t0 = time.monotonic()
    # a small receive buffer: what they never read must not pile up in the
    # host; the rooms' first members create them before the rest join
    deadline = t0 + a.setup
    first = len(rooms)
    joined = join_all(server, names[:first], addrs, rooms, deadline, rcvbuf=2048)
    joined += join_all(server, names[first:], addrs[first:] + addrs[:first], rooms,
                       deadline, rcvbuf=2048)
    out("ready joined=%d of=%d secs=%.2f" % (len(joined), a.n, time.monotonic() - t0))
    hold(a.hold)
    for s in joined:
        s.sock.close()


def cmd_talk(a):
    server = (a.host, a.port)
    addrs = addresses(a.addrs)
    rooms = ["abuse%d" % r for r in range(a.rooms)]
    names = ["t%03d_%d" % (i, os.getpid()) for i in range(a.n)]
    t0 = time.monotonic()
    talkers = join_all(server, names, addrs, rooms, t0 + a.setup)
    out("talkers joined=%d of=%d secs=%.2f" % (len(talkers), a.n, time.monotonic() - t0))
    sel = selectors.DefaultSelector()
    for sess in talkers:
        sel.register(sess.sock, selectors.EVENT_READ, sess)
        sess.said = 0
    said = refused = delivered = held_back = 0
    start = time.monotonic()
    end = start + a.secs
    text = ("x" * a.size)
    while talkers and time.monotonic() < end:
        now = time.monotonic()
        due = int((now - start) * a.rate) + 1
        for sess in talkers:
            # at most a window of lines in flight, as chat-client stops reading its input
            while sess.said < due and len(sess.unacked) < a.window:
                sess.said += 1
                said += 1
                sess.send("SAY %08d %s" % (sess.said, text[: max(0, a.size - 9)]))
            if sess.said < due:
                held_back += due - sess.said
                sess.said = due
        for key, _ in sel.select(0.01):
            sess = key.data
            for data in drain(sess.sock):
                for line in sess.receive(data):
                    if line.startswith("MSG "):
                        delivered += 1
                    elif line.startswith("ERR "):
                        refused += 1
        now = time.monotonic()
        for sess in talkers:
            sess.tick(now)
    out("talk said=%d not_taken=%d refused=%d delivered_to_talkers=%d secs=%.2f"
        % (said, held_back, refused, delivered, time.monotonic() - start))
    for sess in talkers:
        sess.sock.close()


def ask(sess, pred, timeout):
    """Seconds until a delivered line satisfies pred (retransmitting as a
    client does), or None after timeout."""
    t0 = time.monotonic()
    sel = selectors.DefaultSelector()
    sel.register(sess.sock, selectors.EVENT_READ)
    try:
        while True:
            left = t0 + timeout - time.monotonic()
            if left <= 0:
                return None
            if sel.select(min(left, 0.02)):
                for data in drain(sess.sock):
                    for line in sess.receive(data):
                        if pred(line):
                            return time.monotonic() - t0
            sess.tick(time.monotonic())
    finally:
        sel.close()


def cmd_probe(a):
    server = (a.host, a.port)
    addrs = addresses(a.addrs)
    regs, cmds = [], []
    unanswered = refused = 0
    start = time.monotonic()
    i = 0
    while time.monotonic() < start + a.secs:
        t_next = time.monotonic() + a.every
        s = udp_socket(addrs[i % len(addrs)])
        sess = Session(s, server, "p%d_%d" % (i, os.getpid()))
        sess.register()
        answer = []

        def welcome_or_refusal(line):
            if line.startswith(("WELCOME ", "ERR ")):
                answer.append(line)
                return True
            return False
        r = ask(sess, welcome_or_refusal, a.timeout)
        c = None
        why = ""
        if r is not None and answer[0].startswith("ERR "):
            refused += 1
            why = " refused=" + answer[0].split(" ")[1]
        elif r is not None:
            sess.send("ROOMS")
            c = ask(sess, lambda l: l.startswith("LIST rooms end"), a.timeout)
            sess.send("BYE")
            if c is None:
                unanswered += 1
        else:
            unanswered += 1
        if r is not None:
            regs.append(r * 1000)
        if c is not None:
            cmds.append(c * 1000)
        out("probe %d at=%.2f from=%s reg_ms=%s cmd_ms=%s%s" % (
            i, time.monotonic() - start, addrs[i % len(addrs)],
            "-" if r is None else "%.1f" % (r * 1000), "-" if c is None else "%.1f" % (c * 1000), why))
        s.close()
        i += 1
        time.sleep(max(0.0, t_next - time.monotonic()))

    def stat(v, f):
        return "%.1f" % f(v) if v else "-"
    # a fresh client refused or unanswered counts as the whole timeout
    lost = [a.timeout * 1000] * (unanswered + refused)
    out("probes n=%d unanswered=%d refused=%d reg_med_ms=%s reg_max_ms=%s cmd_med_ms=%s cmd_max_ms=%s "
        "worst_ms=%s over_100ms=%d"
        % (i, unanswered, refused, stat(regs, statistics.median), stat(regs, max),
           stat(cmds, statistics.median), stat(cmds, max), stat(regs + cmds + lost, max),
           sum(1 for x in regs + cmds + lost if x >= 100)))


def main():
    p = argparse.ArgumentParser(prog="abuse_chat.py", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("reg-template")
    for name in ("silent", "talk"):
        q = sub.add_parser(name)
        q.add_argument("host")
        q.add_argument("port", type=int)
        q.add_argument("n", type=int)
        q.add_argument("addrs")
        q.add_argument("rooms", type=int)
        q.add_argument("--setup", type=float, default=60, help="seconds to register and join")
    sub.choices["silent"].add_argument("--hold", type=float, default=600)
    t = sub.choices["talk"]
    t.add_argument("--rate", type=float, default=20)
    t.add_argument("--size", type=int, default=512)
    t.add_argument("--secs", type=float, default=15)
    t.add_argument("--window", type=int, default=256)
    q = sub.add_parser("probe")
    q.add_argument("host")
    q.add_argument("port", type=int)
    q.add_argument("addrs")
    q.add_argument("--every", type=float, default=0.5)
    q.add_argument("--secs", type=float, default=15)
    q.add_argument("--timeout", type=float, default=3)
    a = p.parse_args()
    if a.cmd == "reg-template":
        sys.stdout.buffer.write(spoofed_reg_template())
    elif a.cmd == "silent":
        cmd_silent(a)
    elif a.cmd == "talk":
        cmd_talk(a)
    else:
        cmd_probe(a)


if __name__ == "__main__":
    main()
