"""socklab chat-client against the real socklab chat-server (and, where the
server cannot be made to do something on purpose, a Python fake of it):
registration, every command of seed 003's table, rooms and private
messages, kick, refusals before sending, a taken name, no server, a session
the server lost, spoofed datagrams, piped conversations and the terminal."""
import re
import signal
import socket
import subprocess
import time

import pytest

from conftest import BIN, WAIT
from chat_client_util import ChatClient, ChatServer, PtyChatClient, PyPeer, run_client
from fake_chat_server import FakeChatServer

REG_RE = re.compile(r"^SLC1 - 0\n1 REG alice [0-9a-f]{16} -\n$")


@pytest.fixture
def server():
    """server(args...) -> a ready chat-server; stopped (exit 0) afterwards."""
    servers = []

    def start(*args, **kw):
        srv = ChatServer(args, **kw)
        servers.append(srv)
        return srv

    yield start
    for srv in servers:
        rc = srv.stop()
        assert rc == 0, "chat-server exit %r; stderr %r" % (rc, srv.err.all)


@pytest.fixture
def fake():
    servers = []

    def start(**kw):
        srv = FakeChatServer(**kw)
        servers.append(srv)
        return srv

    yield start
    for srv in servers:
        srv.close()


@pytest.fixture
def client():
    """client(port, name, ...) -> a registered ChatClient; every one must
    have left with exit 0 by the end, or is killed and fails the test."""
    clients = []

    def start(port, name, **kw):
        c = ChatClient(port, name, **kw)
        clients.append(c)
        return c

    yield start
    running = [c.name for c in clients if c.proc.poll() is None]
    for c in clients:
        c.kill()
    assert not running, "clients still running: %r" % running


def in_room(client, port, name, room, create=False):
    c = client(port, name)
    c.send(("$roomcreate " if create else "$roomjoin ") + room)
    c.expect(("created room " if create else "joined ") + room)
    return c


# -- command line -------------------------------------------------------------

def test_help_lists_every_command():
    rc, out, err = run_client(["--help"])
    assert rc == 0 and not err
    text = "\n".join(out)
    assert out[0] == "Usage: socklab chat-client [options] HOST PORT"
    for cmd in ["$userlist", "$roomlist", "$who", "$poke USER", "$roomcreate ROOM",
                "$roomjoin ROOM", "$roomleave", "$kick", "$help", "$quit",
                "--name NAME", "-w SECS", "-4", "-6", "--version"]:
        assert cmd in text, cmd
    rc, out, err = run_client(["--version"])
    assert rc == 0 and out == ["socklab chat-client 0.1.0"]


@pytest.mark.parametrize("args, message", [
    (["127.0.0.1"], "missing PORT"),
    ([], "missing HOST and PORT"),
    (["127.0.0.1", "0"], "PORT 0: not a port to send to (1-65535)"),
    (["127.0.0.1", "http"], "PORT http: not a port to send to (1-65535)"),
    (["127.0.0.1", "7", "8"], "unexpected argument '8'"),
    (["-x", "127.0.0.1", "7"], "unknown option -x"),
    (["--bogus", "127.0.0.1", "7"], "unknown option --bogus"),
    (["-w", "0", "127.0.0.1", "7"], "-w 0: must be more than 0"),
    (["-w", "soon", "127.0.0.1", "7"], "-w soon: not a number"),
    (["-w"], "option -w needs a value"),
    (["-4", "-6", "127.0.0.1", "7"], "cannot use -4 with -6"),
    (["--name", "-bad", "127.0.0.1", "7"],
     "--name -bad: 1 to 32 of A-Z a-z 0-9 _ - . starting with a letter or digit"),
    (["--name", "a" * 33, "127.0.0.1", "7"],
     "--name %s: 1 to 32 of A-Z a-z 0-9 _ - . starting with a letter or digit" % ("a" * 33)),
])
def test_bad_options_one_line_exit_2(args, message):
    rc, out, err = run_client(args)
    assert rc == 2
    assert out == []
    assert err == ["socklab chat-client: " + message, "Try 'socklab chat-client --help'."]


# -- registration ---------------------------------------------------------------

def test_no_answer_names_the_server_and_the_time():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:
        silent.bind(("127.0.0.1", 0))
        port = silent.getsockname()[1]
        rc, out, err = run_client(["127.0.0.1", str(port), "--name", "alice", "-w", "1"])
        assert rc == 1 and out == []
        assert err == ["socklab chat-client: no answer from 127.0.0.1:%d over UDP within 1 s "
                       "— is socklab chat-server running there?" % port]
        # No timing asserted: the retransmitted REGs below show it waited.
        silent.settimeout(0.5)
        regs = []
        try:
            while True:
                regs.append(silent.recv(2048).decode())
        except socket.timeout:
            pass
    # REG was sent again (same nonce) until the time ran out
    assert len(regs) >= 2
    assert all(REG_RE.match(r) for r in regs), regs
    assert len(set(regs)) == 1


def test_no_server_at_all_is_told_at_once():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    rc, out, err = run_client(["127.0.0.1", str(port), "--name", "alice", "-w", "30"])
    assert rc == 1
    assert err == ["socklab chat-client: nothing answers on 127.0.0.1:%d over UDP (connection "
                   "refused) — is socklab chat-server running there?" % port]


def test_taken_name_exit_1(server, client):
    srv = server()
    alice = client(srv.port, "alice")
    rc, out, err = run_client(["127.0.0.1", str(srv.port), "--name", "alice"])
    assert rc == 1 and out == []
    assert err == ["socklab chat-client: the name alice is taken on 127.0.0.1:%d" % srv.port]
    alice.send("$userlist")
    alice.expect("users: alice")
    assert alice.close() == 0


def test_registered_line_and_ipv6(server, client):
    srv = server(bind="::1")
    c = client(srv.port, "alice", host="::1", args=["-6"])
    assert c.out.all[0] == "registered as alice on [::1]:%d" % srv.port
    assert c.close() == 0


def test_localhost_tries_each_address(server, client):
    """localhost may be ::1 first: refused there, the client tries 127.0.0.1."""
    srv = server()
    c = client(srv.port, "alice", host="localhost")
    assert c.out.all[0] == "registered as alice on localhost:%d" % srv.port
    assert c.err.all == []
    assert c.close() == 0


def test_lost_welcome_is_asked_again(fake, client):
    srv = fake()
    srv.drop_out = 3   # the WELCOME, and the server's own tries again
    c = client(srv.port, "alice")
    # the cookie round trip, then the REG with the cookie, sent again
    regs = [d for a, d in srv.raw if b" REG " in d and not d.endswith(b" -\n")]
    assert len(regs) >= 2 and len(set(regs)) == 1
    assert srv.cookies == 1
    c.send("$userlist")
    c.expect("users: alice")
    assert c.close() == 0


# -- the seed's commands --------------------------------------------------------

def test_rooms_messages_and_lists(server, client):
    srv = server()
    alice = in_room(client, srv.port, "alice", "lobby", create=True)
    bob = in_room(client, srv.port, "bob", "lobby")
    alice.expect("* bob joined lobby")
    carol = in_room(client, srv.port, "carol", "dev", create=True)
    dave = client(srv.port, "dave")

    alice.send("hello, bob")
    bob.expect("[lobby] alice: hello, bob")
    bob.send("hi alice\tand a tab")
    alice.expect("[lobby] bob: hi alice\\tand a tab")  # shown as the TCP chat shows it

    dave.send("$userlist")
    dave.expect("users: alice, bob, carol, dave")
    dave.send("$roomlist")
    dave.expect("rooms: dev (1), lobby (2)")
    alice.send("$who")
    alice.expect("in room: alice, bob")

    # joining another room leaves the first
    bob.send("$roomjoin dev")
    bob.expect("joined dev")
    alice.expect("* bob left lobby")
    carol.expect("* bob joined dev")
    bob.send("in dev now")
    carol.expect("[dev] bob: in dev now")
    bob.send("$roomleave")
    bob.expect("left dev")
    carol.expect("* bob left dev")
    bob.send("$roomlist")
    bob.expect("rooms: dev (1), lobby (1)")

    for c in (alice, bob, carol, dave):
        assert c.close() == 0
    # nobody saw anything of another room
    assert not any(l.startswith("[dev]") for l in alice.out.all)
    assert not any(l.startswith("[lobby]") for l in carol.out.all)
    assert not any(l.startswith("[") for l in dave.out.all)


def test_poke_sends_privately_and_joining_ends_it(server, client):
    srv = server()
    alice = in_room(client, srv.port, "alice", "lobby", create=True)
    bob = in_room(client, srv.port, "bob", "lobby")
    carol = in_room(client, srv.port, "carol", "lobby")
    alice.send("$poke bob", "just for you")
    alice.expect("poked bob: plain lines go to bob")
    bob.expect("[private] alice: just for you")
    # still in the room: its messages arrive
    carol.send("room line")
    alice.expect("[lobby] carol: room line")
    # $roomjoin of my own room: plain lines go to the room again
    alice.send("$roomjoin lobby", "for everyone")
    alice.expect("plain lines go to lobby again")
    bob.expect("[lobby] alice: for everyone")
    carol.expect("[lobby] alice: for everyone")
    # poking with no room at all, and poking someone who is not there
    dave = client(srv.port, "dave")
    dave.send("$poke nobody")
    dave.expect(lambda l: l.startswith("error: ") and "nobody" in l)
    dave.send("$poke carol", "hi carol")
    carol.expect("[private] dave: hi carol")
    for c in (alice, bob, carol, dave):
        assert c.close() == 0
    assert not any("just for you" in l for l in carol.out.all)
    assert not any("hi carol" in l for l in alice.out.all + bob.out.all)


def test_kick_by_the_creator_only(server, client):
    srv = server()
    carol = in_room(client, srv.port, "carol", "lobby", create=True)
    alice = in_room(client, srv.port, "alice", "lobby")
    bob = in_room(client, srv.port, "bob", "lobby")
    alice.send("$kick")
    alice.expect(lambda l: l.startswith("error: "))
    carol.send("$kick")
    carol.expect("kicked 2 from lobby")
    alice.expect("* you were kicked from lobby by carol")
    bob.expect("* you were kicked from lobby by carol")
    # out of the room: plain lines are refused locally, nothing is sent
    bob.send("still here?")
    bob.expect_err("socklab chat-client: not in a room and no one poked: "
                   "$roomjoin ROOM or $poke USER first")
    carol.send("$who")
    carol.expect("in room: carol")
    for c in (alice, bob, carol):
        assert c.close() == 0


def test_server_errors_on_stdout(server, client):
    srv = server()
    a = client(srv.port, "alice")
    a.send("$roomjoin nowhere")
    a.expect(lambda l: l.startswith("error: ") and "nowhere" in l)
    a.send("$roomleave")
    a.expect(lambda l: l.startswith("error: "))
    a.send("$who")
    a.expect(lambda l: l.startswith("error: "))
    a.send("$roomcreate lobby")
    a.expect("created room lobby")
    b = client(srv.port, "bob")
    b.send("$roomcreate lobby")
    b.expect(lambda l: l.startswith("error: ") and "lobby" in l)
    # refused commands are answered on stdout; only refused lines change the exit status
    assert a.close() == 0 and b.close() == 0
    assert a.err.all == [] and b.err.all == []


def test_a_line_refused_as_flood_makes_the_exit_status_1(server, client):
    """docs/chat-client.md: exit 0 means every line was delivered. A server
    with a lower flood rate than the client's pace refuses some lines; the
    client shows each refusal and exits 1 (reliability review D3)."""
    srv = server("--flood-rate", "1")
    bob = in_room(client, srv.port, "bob", "lobby", create=True)
    lines = ["line %02d" % i for i in range(10)]
    rc, out, err = run_client(["127.0.0.1", str(srv.port), "--name", "alice"],
                              stdin=("$roomjoin lobby\n" + "".join(l + "\n" for l in lines)).encode(),
                              timeout=60)
    refused = [l for l in out if l.startswith("error: ")]
    assert refused and all(l == "error: more than 1 lines a second; this one was not delivered"
                           for l in refused), out
    assert err == ["socklab chat-client: the server refused %d line%s (the error: lines say "
                   "why); exit status 1" % (len(refused), "" if len(refused) == 1 else "s")]
    assert rc == 1
    # exactly the lines not refused arrived
    assert bob.close() == 0
    got = [l for l in bob.out.all if l.startswith("[lobby] alice: ")]
    assert len(got) == len(lines) - len(refused)


def test_help_and_local_refusals_send_nothing(server, client):
    srv = server()
    alice = in_room(client, srv.port, "alice", "lobby", create=True)
    bob = in_room(client, srv.port, "bob", "lobby")
    alice.send("$help")
    alice.expect("commands:")
    alice.expect(lambda l: "$roomjoin ROOM" in l)
    refused = [
        ("$bogus", "unknown command $bogus — commands: $userlist $roomlist $who $poke USER "
                   "$roomcreate ROOM $roomjoin ROOM $roomleave $kick $help $quit"),
        ("$poke", "$poke takes one USER: $poke USER"),
        ("$roomjoin a b", "$roomjoin takes one ROOM: $roomjoin ROOM"),
        ("$roomcreate bad/name", "'bad/name' is not a room name: 1 to 32 of A-Z a-z 0-9 _ - . "
                                 "starting with a letter or digit"),
        ("x" * 513, "line of 513 bytes is longer than 512: not sent (split it)"),
        ("y" * 5000, "line of more than 1024 bytes is longer than 512: not sent (split it)"),
        ("bell\x07", "line has a control character (0x07) at byte 5: not sent"),
        ("esc\x1b[2J", "line has a control character (0x1b) at byte 4: not sent"),
    ]
    for line, message in refused:
        alice.send(line)
        alice.expect_err("socklab chat-client: " + message)
    alice.send("z" * 512, "$$5 is a price")
    bob.expect("[lobby] alice: " + "z" * 512)
    bob.expect("[lobby] alice: $5 is a price")
    assert alice.close() == 0 and bob.close() == 0
    # bob saw exactly those two lines from alice, nothing of the refused ones
    assert [l for l in bob.out.all if l.startswith("[lobby]")] == [
        "[lobby] alice: " + "z" * 512, "[lobby] alice: $5 is a price"]


def test_quit_says_bye(server, client):
    srv = server()
    a = client(srv.port, "alice")
    a.send("$quit", "$userlist")
    assert a.wait_exit() == 0
    assert a.out.all[-1] == "bye"
    assert not any(l.startswith("users:") for l in a.out.all)
    srv.out.wait(lambda l: l.startswith("unregister alice ") and "reason=bye" in l)


def test_sigterm_leaves_like_quit(server, client):
    srv = server()
    a = client(srv.port, "alice")
    a.proc.send_signal(signal.SIGTERM)
    assert a.wait_exit() == 0
    srv.out.wait(lambda l: l.startswith("unregister alice ") and "reason=bye" in l)


# -- pipes ------------------------------------------------------------------

def test_piped_conversation_arrives_whole_then_exits(server, client):
    """A script pipes a conversation and its end: the client waits for each
    answer that moves the target, keeps to the flood rate, and leaves only
    once every line was acknowledged."""
    srv = server()
    bob = in_room(client, srv.port, "bob", "lobby", create=True)
    lines = ["line %03d of the script" % i for i in range(100)]
    script = "\n".join(["$roomjoin lobby"] + lines + ["$poke bob", "and a private one"]) + "\n"
    rc, out, err = run_client(["127.0.0.1", str(srv.port), "--name", "alice"],
                              stdin=script.encode(), timeout=60)
    assert rc == 0, err
    assert err == []
    assert out[0].startswith("registered as alice on ")
    assert out[1:] == ["joined lobby", "poked bob: plain lines go to bob", "bye"]
    got = [bob.expect(lambda l: l.startswith("[lobby] alice: ")) for _ in lines]
    assert got == ["[lobby] alice: " + l for l in lines]
    bob.expect("[private] alice: and a private one")
    assert bob.close() == 0
    assert not any(l.startswith("error") for l in bob.out.all)


def test_stdin_from_a_file(server, client, tmp_path):
    srv = server()
    bob = in_room(client, srv.port, "bob", "lobby", create=True)
    path = tmp_path / "script.txt"
    path.write_bytes(b"$roomjoin lobby\r\nfrom a file\r\nno final newline")
    with open(path, "rb") as f:
        p = subprocess.run([BIN, "chat-client", "127.0.0.1", str(srv.port), "--name", "alice"],
                           stdin=f, capture_output=True, timeout=WAIT)
    assert p.returncode == 0, p.stderr
    bob.expect("[lobby] alice: from a file")
    bob.expect("[lobby] alice: no final newline")
    assert bob.close() == 0


# -- sessions the server lost -------------------------------------------------

def test_expired_session_registers_again(server, client):
    srv = server("--expire", "1")
    alice = client(srv.port, "alice")
    alice.proc.send_signal(signal.SIGSTOP)
    try:
        srv.out.wait(lambda l: l.startswith("unregister alice ") and "expire" in l, timeout=WAIT)
        time.sleep(0.2)
    finally:
        alice.proc.send_signal(signal.SIGCONT)
    alice.send("$userlist")
    alice.expect("* the server lost this session (it restarted, or it heard nothing for too "
                 "long): registering again as alice, in no room")
    alice.expect("registered as alice on 127.0.0.1:%d" % srv.port)
    alice.expect_err("socklab chat-client: 1 line sent just before may not have arrived")
    alice.send("$userlist")
    alice.expect("users: alice")
    assert alice.close() == 0


def test_restarted_server_gets_a_new_registration(server, client):
    first = server()
    port = first.port
    alice = in_room(client, port, "alice", "lobby", create=True)
    assert first.stop() == 0
    second = server(port=port)
    alice.send("anyone?")
    alice.expect(lambda l: l.startswith("* the server lost this session"))
    alice.expect("registered as alice on 127.0.0.1:%d" % port)
    # no room is joined again by itself
    alice.send("after the restart")
    alice.expect_err(lambda l: "not in a room and no one poked" in l)
    alice.send("$roomlist")
    alice.expect("rooms: (none)")
    assert alice.close() == 0
    second.out.wait(lambda l: l.startswith("register alice "))


# -- datagrams from elsewhere ---------------------------------------------------

def test_spoofed_datagram_reaches_nobody(server, client):
    srv = server()
    bob = in_room(client, srv.port, "bob", "lobby", create=True)
    victim = PyPeer(srv.port, "victim")
    victim.send("JOIN lobby")
    victim.wait_line(lambda l: l == "OK join lobby")
    bob.expect("* victim joined lobby")
    # another port speaks with the victim's token and its next number
    seq = victim.next_seq
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as mallory:
        mallory.bind(("127.0.0.1", 0))
        for _ in range(3):
            mallory.sendto(("SLC1 %s %d\n%d SAY spoofed\n" % (victim.token, victim.rx, seq))
                           .encode(), ("127.0.0.1", srv.port))
    # the victim's own line with that number is the one that arrives
    victim.send("SAY genuine")
    bob.expect("[lobby] victim: genuine")
    bob.send("$who")
    bob.expect("in room: bob, victim")
    victim.close()
    assert bob.close() == 0
    assert not any("spoofed" in l for l in bob.out.all)
    assert srv.stop() == 0
    assert re.search(r" spoofed=[1-9]", srv.out.all[-1]), srv.out.all[-1]


def test_datagrams_to_the_client_from_elsewhere_are_ignored(server, client):
    srv = server()
    alice = in_room(client, srv.port, "alice", "lobby", create=True)
    reg = srv.out.wait(lambda l: l.startswith("register alice "))
    host, port = reg.split(" ")[2].rsplit(":", 1)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as mallory:
        mallory.bind(("127.0.0.1", 0))
        for seq in range(1, 20):
            mallory.sendto(("SLC1 0123456789abcdef 0\n%d MSG lobby bob forged\n" % seq).encode(),
                           (host, int(port)))
    bob = in_room(client, srv.port, "bob", "lobby")
    bob.send("real")
    alice.expect("[lobby] bob: real")
    assert alice.close() == 0 and bob.close() == 0
    assert not any("forged" in l for l in alice.out.all)


# -- what only a fake server shows ------------------------------------------------

def test_lists_over_many_messages_and_unknown_messages(fake, client):
    srv = fake(list_chunk=2)
    names = ["u%d" % i for i in range(5)]
    users = [client(srv.port, n) for n in names]
    users[0].send("$userlist")
    users[0].expect("users: " + ", ".join(names))
    srv.inject("u0", "FROBNICATE now")
    users[0].expect_err("socklab chat-client: unexpected message from the server: FROBNICATE now")
    for u in users:
        assert u.close() == 0


def test_acknowledges_at_once_and_keeps_alive(fake, client):
    srv = fake()
    alice = client(srv.port, "alice")
    s = srv.by_name("alice")
    n_raw = len(srv.raw)
    t0 = time.monotonic()
    srv.inject("alice", "PRIV bob are you there")
    alice.expect("[private] bob: are you there")
    seq = s.next_seq - 1
    deadline = time.monotonic() + WAIT
    while not any(d.startswith(b"SLC1 %s %d\n" % (s.token.encode(), seq))
                  for a, d in srv.raw[n_raw:]):
        assert time.monotonic() < deadline, "no acknowledgement"
        time.sleep(0.01)
    acked_after = time.monotonic() - t0
    assert acked_after < 2.0   # generous, for loaded machines: the protocol's bound is 20 ms
    # then silence, until the keepalive, an acknowledgement, 10 s later
    n_raw = len(srv.raw)
    t1 = time.monotonic()
    deadline = t1 + 15
    while len(srv.raw) == n_raw:
        assert time.monotonic() < deadline, "no keepalive"
        time.sleep(0.05)
    waited = time.monotonic() - t1
    # with a notice the server ignores: long enough for its no-session answer
    assert srv.raw[n_raw][1] == b"SLC1 %s %d\n0 KEEPALIVE\n" % (s.token.encode(), seq)
    assert 8.5 < waited < 15
    assert alice.close() == 0


# -- the terminal -----------------------------------------------------------------

@pytest.fixture
def pty_client():
    clients = []

    def start(*args, **kw):
        c = PtyChatClient(*args, **kw)
        clients.append(c)
        return c

    yield start
    for c in clients:
        c.close()


def test_terminal_prompt_and_half_typed_line(server, client, pty_client):
    srv = server()
    alice = pty_client(srv.port, "alice")
    alice.expect(lambda t: b"registered as alice on" in t and t.endswith(b"> "))
    alice.type(b"$roomcreate lobby\n")
    alice.expect(lambda t: b"created room lobby" in t and t.endswith(b"lobby> "))
    bob = in_room(client, srv.port, "bob", "lobby")
    alice.expect(lambda t: t.endswith(b"* bob joined lobby\nlobby> "))
    alice.type(b"$poke bob\n")
    alice.expect(lambda t: t.endswith(b"@bob> "))
    alice.type(b"$roomjoin lobby\n")
    alice.expect(lambda t: t.endswith(b"plain lines go to lobby again\nlobby> "))

    # a message arrives while a line is half typed: shown above it, and the
    # half line comes back as it was, to be finished
    alice.type(b"half typ")
    alice.expect(lambda t: t.endswith(b"lobby> half typ"))
    bob.send("a message from bob")
    shown = alice.expect(lambda t: t.endswith(b"lobby> half typ") and
                         b"[lobby] bob: a message from bob" in t)
    tail = shown[shown.rindex(b"[lobby] bob: a message from bob"):]
    assert tail == b"[lobby] bob: a message from bob\nlobby> half typ"
    alice.type(b"ed line\n")
    bob.expect("[lobby] alice: half typed line")

    # refusals show above the prompt too
    alice.type(b"$nope\n")
    alice.wait_stderr(lambda l: l.startswith("socklab chat-client: unknown command $nope"))
    alice.type(b"\x04")  # Ctrl-D on an empty line: leave
    assert alice.wait_exit() == 0
    assert bob.close() == 0
    assert not any("nope" in l for l in bob.out.all)
