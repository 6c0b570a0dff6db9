"""chat-client with IRC's habits (issue 14) against the real chat-server:
/join /part /msg /me /list /names /who /query /quit as aliases of the $
commands, #room for a room name, //text for text starting with '/', an
unknown /command refused locally and never sent (checked at the server and
at another client), and --json parsed line by line."""
import codecs
import json
import time

import pytest

from conftest import WAIT
from chat_client_util import ChatClient, ChatServer


@pytest.fixture
def server():
    servers = []

    def start(*args):
        srv = ChatServer(args)
        servers.append(srv)
        return srv

    yield start
    for srv in servers:
        assert srv.stop() == 0, srv.err.all


@pytest.fixture
def client():
    clients = []

    def start(port, name, **kw):
        c = ChatClient(port, name, **kw)
        clients.append(c)
        return c

    yield start
    for c in clients:
        c.kill()


def in_lobby(a, b):
    """a creates #lobby with /create, b joins it with /join."""
    a.send("/create #lobby")
    a.expect("created room lobby")
    b.send("/join #lobby")
    b.expect("joined lobby")
    a.expect("* bob joined lobby")


def test_irc_aliases(server, client):
    srv = server()
    alice, bob = client(srv.port, "alice"), client(srv.port, "bob")
    in_lobby(alice, bob)
    alice.send("/names #lobby")
    assert sorted(alice.expect(lambda l: l.startswith("in room: "))[9:].split(", ")) == \
        ["alice", "bob"]
    alice.send("/list")
    alice.expect("rooms: lobby (2)")
    alice.send("/users")
    assert sorted(alice.expect(lambda l: l.startswith("users: "))[7:].split(", ")) == \
        ["alice", "bob"]
    alice.send("/who")
    alice.expect(lambda l: l.startswith("in room: "))
    # /msg: one line, privately; plain lines still go to the room
    alice.send("/msg bob just for you", "to the room", "/msg #lobby to the room too")
    bob.expect("[private] alice: just for you")
    bob.expect("[lobby] alice: to the room")
    bob.expect("[lobby] alice: to the room too")
    alice.send("/me waves")
    bob.expect("[lobby] * alice waves")
    bob.send("/query alice")
    bob.expect("poked alice: plain lines go to alice")
    bob.send("/me nods", "hi alice")
    alice.expect("[private] * bob nods")
    alice.expect("[private] bob: hi alice")
    bob.send("/join #lobby")  # joining my own room ends the poke, as $roomjoin
    bob.expect("plain lines go to lobby again")
    bob.send("/part #lobby see you")
    bob.expect("left lobby")
    alice.expect("* bob left lobby")
    alice.send("/QUIT gone fishing")
    alice.expect("bye")
    assert alice.wait_exit() == 0
    assert bob.close() == 0
    # the server got the $ commands' messages, not IRC's
    assert "create lobby alice" in srv.out.all and "leave lobby bob reason=leave" in srv.out.all


def test_unknown_slash_commands_are_never_sent(server, client):
    srv = server("-v")
    alice, bob = client(srv.port, "alice"), client(srv.port, "bob")
    in_lobby(alice, bob)
    refused = [
        ("/jion #dev", "unknown command /jion (did you mean /join?); not sent"),
        ("/xyzzy hello there", "unknown command /xyzzy: not sent (/help lists the commands; "
                               "//xyzzy sends it as text)"),
        ("/", "a line starting with / is a command: /help lists them; //text sends '/text' as text"),
        ("/ spaced out", "a line starting with / is a command: /help lists them; "
                         "//text sends '/text' as text"),
        ("/nick carol", "/nick: the name is the session's (the protocol has no renaming): "
                        "leave and start again with --name NEW"),
        ("/msg bob", "/msg takes a USER (or your #room) and TEXT: /msg USER TEXT"),
        ("/msg #dev hi", "/msg #dev: you are not in dev (/join #dev first)"),
        ("/part #dev", "/part dev: you are in lobby (/list shows every room)"),
        ("/me", "/me takes TEXT: /me waves"),
        ("/join", "/join takes one ROOM: /join ROOM"),
        ("/join #bad/name", "'bad/name' is not a room name: 1 to 32 of A-Z a-z 0-9 _ - . "
                            "starting with a letter or digit"),
    ]
    for line, message in refused:
        alice.send(line)
        alice.expect_err("socklab chat-client: " + message)
    alice.send("//slash at the start", "marker")
    bob.expect("[lobby] alice: /slash at the start")
    bob.expect("[lobby] alice: marker")
    assert alice.close() == 0 and bob.close() == 0
    said = [l for l in bob.out.all if l.startswith("[lobby] alice")]
    assert said == ["[lobby] alice: /slash at the start", "[lobby] alice: marker"]
    # nor did the server hear any of them (-v logs every message it handled)
    alice_msgs = [l for l in srv.out.all if l.startswith("msg alice ")]
    assert alice_msgs and not any(w in l for l in alice_msgs
                                  for w in ("jion", "xyzzy", "spaced", "NICK", "carol"))
    assert any(l.endswith("SAY /slash at the start") for l in alice_msgs)


def test_join_creates_a_missing_room_as_irc_does(server, client):
    srv = server("-v")
    alice, bob = client(srv.port, "alice"), client(srv.port, "bob")
    alice.send("/join #fresh", "first line")
    alice.expect("no room fresh yet: creating it")
    alice.expect("created room fresh")
    bob.send("/join #fresh")
    bob.expect("joined fresh")  # it exists now: joined, not created
    alice.expect("* bob joined fresh")
    alice.send("second line")
    bob.expect("[fresh] alice: second line")
    bob.send("$roomjoin nowhere")  # the $ command creates nothing
    bob.expect("error: no room nowhere; CREATE it")
    assert alice.close() == 0 and bob.close() == 0
    assert "create fresh alice" in srv.out.all and "join fresh bob" in srv.out.all
    # the line typed after /join waited for the room, then went to it
    said = [i for i, l in enumerate(srv.out.all) if l.endswith(" SAY first line")]
    assert len(said) == 1 and said[0] > srv.out.all.index("create fresh alice")
    assert not any("nowhere" in l for l in srv.out.all if l.startswith("create"))


def test_hash_room_in_dollar_commands(server, client):
    srv = server()
    alice = client(srv.port, "alice")
    alice.send("$roomcreate #dev")
    alice.expect("created room dev")
    alice.send("$roomjoin #dev")
    alice.expect("already in dev")
    alice.send("$roomleave")
    alice.expect("left dev")
    assert alice.close() == 0


def json_client(port, name, client):
    c = client(port, name, args=["--json"], wait=False)
    reg = json.loads(c.expect(lambda l: '"registered"' in l))
    assert reg["user"] == name and reg["server"].endswith(":%d" % port)
    return c


def next_json(c, type_):
    return json.loads(c.expect(lambda l: json.loads(l)["type"] == type_))


def test_json_lines(server, client):
    srv = server()
    alice = json_client(srv.port, "alice", client)
    bob = client(srv.port, "bob")
    alice.send("/create #lobby")
    ok = next_json(alice, "ok")
    assert (ok["what"], ok["room"]) == ("create", "lobby")
    bob.send("/join lobby")
    bob.expect("joined lobby")
    join = next_json(alice, "join")
    assert (join["room"], join["user"]) == ("lobby", "bob")
    bob.send("hello alice", "/me waves", "/msg alice psst")
    bob.send_raw(b"caf\xe9 back\\slash\n")
    msg = next_json(alice, "message")
    assert (msg["room"], msg["from"], msg["text"]) == ("lobby", "bob", "hello alice")
    assert "action" not in msg and isinstance(msg["time"], float)
    act = next_json(alice, "message")
    assert (act["text"], act["action"], act["from"]) == ("waves", True, "bob")
    priv = next_json(alice, "message")
    assert priv["private"] is True and "room" not in priv and priv["text"] == "psst"
    raw = next_json(alice, "message")
    assert codecs.escape_decode(raw["text"].encode())[0] == b"caf\xe9 back\\slash"
    alice.send("/list", "/names", "/jion x", "$roomjoin nowhere")
    got = []
    while not got or got[-1].get("code") != "no-such-room":
        got.append(json.loads(alice.expect(lambda l: True)))
    lists = [o for o in got if o["type"] == "list"]
    assert [o["kind"] for o in lists] == ["rooms", "who"]
    assert lists[0]["items"] == [{"room": "lobby", "members": 2}]
    assert sorted(lists[1]["items"]) == ["alice", "bob"]
    errors = [o for o in got if o["type"] == "error"]
    assert [(e["source"], e["text"]) for e in errors][0] == \
        ("client", "unknown command /jion (did you mean /join?); not sent")
    assert (errors[1]["source"], errors[1]["code"]) == ("server", "no-such-room")
    assert len(errors) == 2
    bob.send("/part")
    part = next_json(alice, "part")
    assert (part["room"], part["user"]) == ("lobby", "bob")
    alice.send("/quit")
    next_json(alice, "bye")
    assert alice.wait_exit() == 0 and bob.close() == 0
    # every line of stdout is one JSON object with a type and a time
    for line in alice.out.all:
        o = json.loads(line)
        assert isinstance(o["type"], str) and isinstance(o["time"], float)
