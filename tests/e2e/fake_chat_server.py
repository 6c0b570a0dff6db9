"""A small chat server in Python that speaks docs/chat-protocol.md, for the
chat-client tests: the parts of the real server that a client sees (sessions,
rooms, lists, reliable ordered delivery), plus hooks the real one has no
reason to offer: inject any message line, split lists over many messages,
forget every session (a restart), lose chosen datagrams. It runs in a thread
on 127.0.0.1 and records what each session sent."""
import hashlib
import os
import re
import select
import socket
import threading
import time

MAGIC = "SLC1"
RTO = 0.25
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")


def parse(data):
    """(token or None, ack, [(seq, line)]) or None when malformed."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not text.endswith("\n"):
        return None
    lines = text[:-1].split("\n")
    head = lines[0].split(" ")
    if len(head) != 3 or head[0] != MAGIC:
        return None
    token = None if head[1] == "-" else head[1]
    msgs = []
    for l in lines[1:]:
        seq, _, rest = l.partition(" ")
        if not seq.isdigit() or not rest:
            return None
        msgs.append((int(seq), rest))
    return token, int(head[2]), msgs


class Session:
    def __init__(self, name, addr, nonce):
        self.name, self.addr, self.nonce = name, addr, nonce
        self.token = os.urandom(8).hex()
        self.next_seq = 1
        self.unacked = []        # [(seq, line)]
        self.rx_next = 1
        self.held = {}
        self.ack_owed = False
        self.last_sent = 0.0
        self.last_heard = time.monotonic()
        self.room = None
        self.received = []       # every line this session sent, in order


class FakeChatServer:
    def __init__(self, expire=30.0, list_chunk=None):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.expire = expire
        self.list_chunk = list_chunk  # items per LIST message (None: all in one)
        self.sessions = {}            # token -> Session
        self.rooms = {}               # room -> {"creator": name, "members": [names]}
        self.lock = threading.RLock()
        self.drop_out = 0             # datagrams to the clients still to lose
        self.log = []                 # (name, line) for every delivered client message
        self.raw = []                 # every datagram received
        self.secret = os.urandom(16)  # for cookies; a restart draws a new one
        self.cookies = 0              # REGs answered with a COOKIE
        self._stop = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    # -- test hooks -------------------------------------------------------
    def by_name(self, name):
        with self.lock:
            for s in self.sessions.values():
                if s.name == name:
                    return s
        return None

    def inject(self, name, line):
        with self.lock:
            self._queue(self.by_name(name), line)
            self._flush_all()

    def forget_all(self):
        """As if the server restarted: every session and room is gone, and
        every cookie given out is void."""
        with self.lock:
            self.sessions.clear()
            self.rooms.clear()
            self.secret = os.urandom(16)

    def cookie(self, addr):
        return hashlib.sha256(self.secret + repr(addr).encode()).hexdigest()[:16]

    def lines_from(self, name):
        with self.lock:
            return [l for n, l in self.log if n == name]

    def close(self):
        self._stop = True
        self._thread.join(timeout=5)
        self.sock.close()

    # -- sending ------------------------------------------------------------
    def _queue(self, s, line):
        s.unacked.append((s.next_seq, line))
        s.next_seq += 1

    def _send(self, s, msgs):
        out = "%s %s %d\n" % (MAGIC, s.token, s.rx_next - 1)
        for seq, line in msgs:
            out += "%d %s\n" % (seq, line)
        s.last_sent = time.monotonic()
        s.ack_owed = False
        if self.drop_out > 0:
            self.drop_out -= 1
            return
        self.sock.sendto(out.encode(), s.addr)

    def _flush(self, s, retransmit=False):
        now = time.monotonic()
        due = [m for m in s.unacked if retransmit or not getattr(s, "sent_upto", 0) >= m[0]]
        if due:
            for i in range(0, len(due), 20):
                self._send(s, due[i:i + 20])
            s.sent_upto = max(m[0] for m in s.unacked)
        elif s.ack_owed:
            self._send(s, [])
        s.last_flush = now

    def _flush_all(self):
        for s in list(self.sessions.values()):
            self._flush(s)

    def _answer_raw(self, addr, token, ack, seq, line):
        self.sock.sendto(("%s %s %d\n%d %s\n" % (MAGIC, token or "-", ack, seq, line)).encode(),
                         addr)

    # -- the protocol ---------------------------------------------------------
    def _members(self, room):
        return self.rooms[room]["members"] if room in self.rooms else []

    def _leave(self, s):
        room = s.room
        if not room:
            return None
        members = self.rooms[room]["members"]
        members.remove(s.name)
        for m in members:
            self._queue(self.by_name(m), "LEFT %s %s" % (room, s.name))
        if not members:
            del self.rooms[room]
        s.room = None
        return room

    def _list(self, s, kind, items):
        chunk = self.list_chunk or max(len(items), 1)
        parts = [items[i:i + chunk] for i in range(0, len(items), chunk)] or [[]]
        for i, part in enumerate(parts):
            more = "end" if i == len(parts) - 1 else "more"
            self._queue(s, " ".join(["LIST", kind, more] + part).rstrip())

    def _command(self, s, line):
        self.log.append((s.name, line))
        verb, _, rest = line.partition(" ")
        if verb == "USERS":
            self._list(s, "users", sorted(x.name for x in self.sessions.values()))
        elif verb == "ROOMS":
            self._list(s, "rooms", ["%s:%d" % (r, len(v["members"]))
                                    for r, v in sorted(self.rooms.items())])
        elif verb == "WHO":
            if not s.room:
                self._queue(s, "ERR not-in-room you are in no room")
            else:
                self._list(s, "who", list(self._members(s.room)))
        elif verb == "POKE":
            if self.by_name(rest):
                self._queue(s, "OK poke %s" % rest)
            else:
                self._queue(s, "ERR no-such-user no user %s" % rest)
        elif verb == "PRIV":
            user, _, text = rest.partition(" ")
            peer = self.by_name(user)
            if peer:
                self._queue(peer, "PRIV %s %s" % (s.name, text))
            else:
                self._queue(s, "ERR no-such-user no user %s" % user)
        elif verb in ("CREATE", "JOIN"):
            room = rest
            if verb == "CREATE" and room in self.rooms:
                self._queue(s, "ERR room-exists room %s exists" % room)
                return
            if verb == "JOIN" and room not in self.rooms:
                self._queue(s, "ERR no-such-room no room %s" % room)
                return
            self._leave(s)
            if verb == "CREATE":
                self.rooms[room] = {"creator": s.name, "members": []}
            for m in self.rooms[room]["members"]:
                self._queue(self.by_name(m), "JOINED %s %s" % (room, s.name))
            self.rooms[room]["members"].append(s.name)
            s.room = room
            self._queue(s, "OK %s %s" % (verb.lower(), room))
        elif verb == "LEAVE":
            room = self._leave(s)
            self._queue(s, "OK leave %s" % room if room else "ERR not-in-room you are in no room")
        elif verb == "KICK":
            room = s.room
            if not room:
                self._queue(s, "ERR not-in-room you are in no room")
            elif self.rooms[room]["creator"] != s.name:
                self._queue(s, "ERR not-creator only the creator of %s can kick" % room)
            else:
                others = [m for m in self.rooms[room]["members"] if m != s.name]
                for m in others:
                    peer = self.by_name(m)
                    peer.room = None
                    self._queue(peer, "KICKED %s %s" % (room, s.name))
                self.rooms[room]["members"] = [s.name]
                self._queue(s, "OK kick %s %d" % (room, len(others)))
        elif verb == "SAY":
            if not s.room:
                self._queue(s, "ERR not-in-room you are in no room")
                return
            for m in self._members(s.room):
                if m != s.name:
                    self._queue(self.by_name(m), "MSG %s %s %s" % (s.room, s.name, rest))
        elif verb == "BYE":
            self._leave(s)
            self._queue(s, "OK bye")
            self._flush(s)
            del self.sessions[s.token]
        else:
            self._queue(s, "ERR unknown-command what is %s" % verb)

    def _register(self, addr, msgs):
        if not msgs or msgs[0][0] != 1 or not msgs[0][1].startswith("REG "):
            return
        parts = msgs[0][1].split(" ")
        if len(parts) not in (3, 4):
            return
        name, nonce = parts[1], parts[2]
        # protocol 1's REG (no cookie) is taken too: the tests run against
        # the original chat-client as well
        if len(parts) == 4 and parts[3] != self.cookie(addr):
            self.cookies += 1
            self._answer_raw(addr, None, 0, 0, "COOKIE " + self.cookie(addr))
            return
        old = self.by_name(name)
        if old and old.addr != addr:
            self._answer_raw(addr, None, 1, 1, "ERR name-taken the name %s is taken" % name)
            return
        if old and old.nonce == nonce:
            s = old
        else:
            if old:
                self._leave(old)
                del self.sessions[old.token]
            s = Session(name, addr, nonce)
            s.rx_next = 2
            self.sessions[s.token] = s
            self._queue(s, "WELCOME %s" % name)
        self._flush(s, retransmit=True)

    def _receive(self, data, addr):
        p = parse(data)
        if p is None:
            return
        token, ack, msgs = p
        if token is None:
            self._register(addr, msgs)
            return
        s = self.sessions.get(token)
        if s is None:
            self._answer_raw(addr, None, 0, 0, "ERR no-session unknown session")
            return
        if s.addr != addr:
            return  # spoofed
        s.last_heard = time.monotonic()
        s.unacked = [m for m in s.unacked if m[0] > ack]
        for seq, line in msgs:
            s.ack_owed = True
            if seq < s.rx_next:
                continue
            s.held[seq] = line
        while s.rx_next in s.held:
            line = s.held.pop(s.rx_next)
            s.received.append(line)
            s.rx_next += 1
            self._command(s, line)
            if s.token not in self.sessions:
                return
        self._flush_all()

    def _run(self):
        while not self._stop:
            r, _, _ = select.select([self.sock], [], [], 0.05)
            with self.lock:
                if r:
                    try:
                        data, addr = self.sock.recvfrom(2048)
                    except OSError:
                        continue
                    self.raw.append((addr, data))
                    self._receive(data, addr)
                now = time.monotonic()
                for s in list(self.sessions.values()):
                    if now - s.last_heard > self.expire:
                        self._leave(s)
                        del self.sessions[s.token]
                    elif s.unacked and now - getattr(s, "last_flush", 0) > RTO:
                        self._flush(s, retransmit=True)
