"""socklab chat --json (the TCP chat): JSON Lines on standard output in place
of the display — one object per line sent or received, one per event, an
"end" object last — while standard input stays the input. Two chats talk
through pipes; Python peers reset, or are not chats at all."""
import codecs
import json
import select
import socket
import struct
import subprocess
import time

from conftest import BIN, WAIT


class JsonChat:
    """`socklab chat --json ARGS`, stdin a pipe, stdout read as JSON Lines."""

    def __init__(self, *args):
        self.proc = subprocess.Popen([BIN, "chat", "--json"] + [str(a) for a in args],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.objs = []
        self._buf = b""

    def _line(self, deadline):
        while b"\n" not in self._buf:
            left = deadline - time.monotonic()
            assert left > 0, "no JSON line in time; got %r" % self.objs
            r, _, _ = select.select([self.proc.stdout], [], [], left)
            if r:
                chunk = self.proc.stdout.read1(65536)
                if not chunk:
                    return None
                self._buf += chunk
        line, self._buf = self._buf.split(b"\n", 1)
        return line

    def until(self, kind, timeout=WAIT):
        """Reads objects (each line must be JSON) until one of type kind."""
        deadline = time.monotonic() + timeout
        while True:
            line = self._line(deadline)
            assert line is not None, "stdout ended before %r: %r" % (kind, self.objs)
            o = json.loads(line)
            assert isinstance(o["type"], str) and isinstance(o["time"], float)
            self.objs.append(o)
            if o["type"] == kind:
                return o

    def send(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def finish(self):
        """Waits for the exit; the rest of stdout must be JSON too."""
        self.proc.stdin.close()
        rc = self.proc.wait(timeout=WAIT)
        rest = self._buf + self.proc.stdout.read()
        self.objs += [json.loads(l) for l in rest.splitlines()]
        err = self.proc.stderr.read().decode()
        return rc, err

    def of(self, kind):
        return [o for o in self.objs if o["type"] == kind]


def decoded(text):
    """The bytes behind a JSON text (core/jsontext's form)."""
    return codecs.escape_decode(text.encode())[0]


def test_two_chats_lines_and_events():
    alice = JsonChat("--name", "alice", "-4", "0")
    lst = alice.until("listening")
    assert lst["addr"] == "0.0.0.0" and lst["port"] > 0
    bob = JsonChat("--name", "bob", "127.0.0.1", lst["port"])
    a_conn = alice.until("connected")
    b_conn = bob.until("connected")
    assert (a_conn["peer_name"], a_conn["role"], a_conn["name"]) == ("bob", "listen", "alice")
    assert (b_conn["peer_name"], b_conn["role"], b_conn["peer_port"]) == \
        ("alice", "connect", lst["port"])
    assert a_conn["peer_port"] == b_conn["local_port"] and a_conn["peer_addr"] == "127.0.0.1"

    alice.send(b"hi bob \xe2\x9c\x93\n")
    got = bob.until("received")
    assert (got["from"], got["text"], got["bytes"]) == ("alice", "hi bob \u2713", 10)

    raw = b"caf\xe9\\x"  # not UTF-8, and a backslash
    bob.send(raw + b"\r\nsecond\n")
    sent = [bob.until("sent"), bob.until("sent")]
    assert [decoded(o["text"]) for o in sent] == [raw, b"second"]
    assert sent[0]["text"] == "caf\\xe9\\\\x"
    rc_b, err_b = bob.finish()  # bob leaves: end of input

    recv = [alice.until("received"), alice.until("received")]
    assert [decoded(o["text"]) for o in recv] == [raw, b"second"]
    assert recv[0]["bytes"] == len(raw)
    left = alice.until("peer_left")
    assert left["peer_name"] == "bob"
    end = alice.until("end")  # alice leaves once bob did: nothing waits on her input
    assert (end["status"], end["lines_sent"], end["lines_received"], end["undelivered"]) == \
        (0, 1, 2, 0)
    rc_a, err_a = alice.finish()
    assert rc_a == 0 and err_a == ""
    assert rc_b == 0 and err_b == "", err_b
    b_end = bob.of("end")
    assert len(b_end) == 1 and bob.objs[-1] is b_end[0]
    assert (b_end[0]["lines_sent"], b_end[0]["lines_received"], b_end[0]["status"]) == (2, 1, 0)
    assert b_end[0]["duration_s"] >= 0


def python_peer(first_lines, then):
    """A listening socket; serve() accepts one chat, sends first_lines, reads
    its hello, then calls then(conn)."""
    lsn = socket.socket()
    lsn.bind(("127.0.0.1", 0))
    lsn.listen()
    lsn.settimeout(WAIT)

    def serve():
        conn, _ = lsn.accept()
        conn.settimeout(WAIT)
        conn.sendall(first_lines)
        hello = b""
        while not hello.endswith(b"\n"):
            b = conn.recv(1)
            if not b:
                break
            hello += b
        then(conn)
        lsn.close()
        return hello

    return lsn.getsockname()[1], serve


def test_reset_is_connection_lost():
    def reset(conn):
        conn.sendall(b"last words\n")
        time.sleep(0.2)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()

    port, serve = python_peer(b"HELLO py\n", reset)
    chat = JsonChat("--name", "me", "--no-fallback", "127.0.0.1", port)
    assert serve() == b"HELLO me\n"
    assert chat.until("received")["text"] == "last words"
    lost = chat.until("connection_lost")
    assert lost["error"] == "Connection reset by peer" and lost["undelivered"] == 0
    assert lost["peer_name"] == "py" and "lost" in lost["message"]
    end = chat.until("end")
    rc, err = chat.finish()
    assert rc == 1 and end["status"] == 1 and err == ""


def test_not_a_chat_and_connect_failed():
    port, serve = python_peer(b"SSH-2.0-OpenSSH_9.6\r\n", lambda conn: conn.close())
    chat = JsonChat("--no-fallback", "127.0.0.1", port)
    serve()
    o = chat.until("not_a_chat")
    assert "not a socklab chat" in o["message"]
    rc, err = chat.finish()
    assert rc == 1 and err == "" and chat.objs[-1]["type"] == "end"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        free = s.getsockname()[1]
    chat = JsonChat("--no-fallback", "127.0.0.1", free)
    rc, err = chat.finish()
    assert rc == 1 and err == ""
    o, = chat.objs
    assert (o["type"], o["port"], o["fallback"]) == ("connect_failed", free, False)
    assert "refused" in o["message"]
