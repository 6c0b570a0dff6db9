"""socklab trace names the line of the script behind each call and each
packet (issue 15): the preload asks the Python interpreter for the
innermost frame of the user's code; --answers prints seed 000 §4.1's two
lists, each packet as Wireshark's packet list shows it."""
import codecs
import re
import shutil
import subprocess

import pytest

from test_trace import PY, TIMEOUT, Story, free_port, needs_root, prog, run_trace


def line_no(path, marker):
    """The 1-based line of path that ends in '# line: marker'."""
    with open(path) as f:
        for i, text in enumerate(f, 1):
            if text.rstrip().endswith("# line: " + marker):
                return i
    raise AssertionError("no marker %r in %s" % (marker, path))


def source_text(path, line):
    with open(path) as f:
        return f.read().splitlines()[line - 1].strip()


def unesc(s):
    """A JSON string back to its bytes' text (core/jsontext doubles backslashes)."""
    return codecs.escape_decode(s.encode())[0].decode()


def seed002_story(extra=()):
    sp, cp = free_port(), free_port()
    rc, out, err = run_trace(list(extra) + [
        "--server", "%s %s %d" % (PY, prog("seed002_server.py"), sp),
        "--", PY, prog("seed002_client.py"), str(sp), str(cp)])
    assert rc == 0, err
    return out, err, sp, cp


@needs_root
def test_every_call_of_seed002_names_its_script_line():
    out, err, sp, cp = seed002_story(["--json"])
    s = Story(out)
    assert s.calls
    for c in s.calls:
        src = c["src"]
        assert src, c
        assert src["file"].rsplit("/", 1)[-1] in (
            "seed002_client.py", "seed002_server.py", "ReadUntilEOF.py"), src
        # the text is the file's own line, and the line is the user's
        assert unesc(src["text"]) == source_text(src["file"], src["line"]), src
        assert "/lib/python3" not in src["file"]
    client = s.pid_of("connect")
    connect = s.calls_of(client, "connect")[0]
    assert connect["src"]["text"] == 'c_so.connect(("localhost", server_port))'
    sends = s.calls_of(client, "send")
    assert [unesc(c["src"]["text"]) for c in sends] == [
        'c_so.sendall(b"client request line 1\\n")', 'c_so.sendall(b"client request line 2\\n")']
    assert all(c["src"]["call"] == "sendall" for c in sends)
    # the recv is in the helper module, not in socket.py
    recv = s.calls_of(client, "recv")[0]
    assert recv["src"]["file"].endswith("ReadUntilEOF.py") and recv["src"]["func"] == "readUntilEOF"
    # accept's getsockname is the runtime's, on accept's line
    server = s.pid_of("accept4")
    gsn = s.calls_of(server, "getsockname")[0]
    acc = s.calls_of(server, "accept4")[0]
    assert gsn["src"]["runtime"] is True and gsn["src"]["first"] == acc["id"]
    assert gsn["src"]["line"] == acc["src"]["line"]
    assert "runtime" not in acc["src"]


@needs_root
def test_ladder_shows_the_line_on_calls_and_packets():
    out, err, sp, cp = seed002_story(["--width", "0"])
    assert re.search(r"#\d+ connect\(3, 127\.0\.0\.1:%d\) \.\.\.\s+seed002_client\.py:15  "
                     r"c_so\.connect\(\(\"localhost\", server_port\)\)" % sp, out), out
    assert re.search(r"\[1\] S .* by #\d+ connect at seed002_client\.py:15", out), out
    assert re.search(r"by #\d+ send \(data\) at seed002_client\.py:17", out), out


def tshark_rows(pcap):
    p = subprocess.run(["tshark", "-r", str(pcap), "-T", "fields", "-E", "separator=/t",
                        "-e", "frame.number", "-e", "_ws.col.Source", "-e",
                        "_ws.col.Destination", "-e", "_ws.col.Protocol", "-e", "frame.len",
                        "-e", "_ws.col.Info"], capture_output=True, timeout=TIMEOUT)
    assert p.returncode == 0, p.stderr
    return [l.split("\t") for l in p.stdout.decode().splitlines()]


@needs_root
@pytest.mark.skipif(not shutil.which("tshark"), reason="tshark is not installed")
def test_answers_reproduce_seed000_lists(tmp_path):
    pcap = tmp_path / "t.pcap"
    out, err, sp, cp = seed002_story(["--answers", "--pcap", str(pcap)])
    lines = out.splitlines()
    first = lines.index("### For every packet sent, which command in which script sent it")
    second = lines.index(
        "### For every blocking command, the arrival of which packet completed it")
    sent = lines[first + 1:second]
    done = [l for l in lines[second + 1:] if l.startswith("- ")]
    assert len(sent) % 2 == 0 and len(done) % 2 == 0
    pairs = [(sent[i], sent[i + 1]) for i in range(0, len(sent), 2)]
    rows = tshark_rows(pcap)
    assert len(pairs) == len(rows) >= 10
    answer = {}
    for (pkt, who), row in zip(pairs, rows):
        f = pkt[2:].split("\t")
        assert re.fullmatch(r"\d\d:\d\d:\d\d\.\d{6}", f[1]), f
        # number, addresses, protocol, length and info as tshark has them
        assert [f[0]] + f[2:] == row, (f, row)
        assert who.startswith("- [client] ") or who.startswith("- [server] "), who
        answer[int(f[0])] = (row[5], who[2:])
    syn = [a for a in answer.values() if "[SYN]" in a[0]]
    synack = [a for a in answer.values() if "[SYN, ACK]" in a[0]]
    assert syn[0][1] == '[client] c_so.connect(("localhost", server_port))'
    assert synack[0][1].startswith("[server] a_so.listen(10) (kernel: SYN-ACK")
    data = [a[1] for a in answer.values() if "Len=0" not in a[0]]
    assert data == ['[client] c_so.sendall(b"client request line 1\\n")',
                    '[client] c_so.sendall(b"client request line 2\\n")',
                    '[server] s_so.sendall(b"server response line 1\\n")',
                    '[server] s_so.sendall(b"server response line 2\\n")'], data
    fins = [a[1] for a in answer.values() if "FIN" in a[0]]
    assert fins == ["[client] c_so.shutdown(SHUT_WR)", "[server] s_so.close()"], fins
    # the blocking calls: connect ended by the SYN-ACK, accept by the
    # handshake's ACK, each line after the packet that completed it
    blocked = {done[i + 1][2:]: done[i][2:].split("\t")[6] for i in range(0, len(done), 2)}
    assert "[SYN, ACK]" in blocked['[client] c_so.connect(("localhost", server_port))']
    assert blocked["[server] s_so, addr = a_so.accept()"].startswith("%d \u2192 %d [ACK] Seq=1 Ack=1"
                                                                     % (cp, sp))


def test_answers_with_json_is_a_usage_error():
    rc, out, err = run_trace(["--answers", "--json", "--", "true"])
    assert rc == 2 and "cannot use --answers with --json" in err, err


@needs_root
def test_each_data_segment_names_the_line_that_sent_it():
    sp = free_port()
    client = prog("lines_client.py")
    rc, out, err = run_trace([
        "--json", "--server", "%s %s %d" % (PY, prog("lines_server.py"), sp),
        "--", PY, client, str(sp)])
    assert rc == 0, err
    s = Story(out)
    pid = s.pid_of("connect")
    marks = {m: line_no(client, m) for m in ("helper", "caller-1", "caller-2", "loop", "big")}
    sends = [c for c in s.calls_of(pid) if c["name"] in ("send", "sendto")]
    lines = [c["src"]["line"] for c in sends]
    # the helper's one line twice, the loop's line three times, then the big one
    assert lines[:6] == [marks["helper"], marks["loop"], marks["loop"], marks["loop"],
                         marks["helper"], marks["big"]], lines
    # the helper's sends are told apart by the caller, which the JSON's
    # frame does not hold, but by their bytes: each segment's call
    data = [p for p in s.packets if p["sport"] != sp and p["len"] > 0]
    assert data
    # a loaded host may see the kernel resend a segment (a tail-loss probe
    # or a timeout): that copy is the kernel's, of bytes a send already sent
    sent_to = 0
    for p in list(data):
        if p["caused_by"] == "kernel":
            assert p["why_kernel"] and p["seq"] + p["len"] <= sent_to, p
            data.remove(p)
        sent_to = max(sent_to, p["seq"] + p["len"])
    for p in data:
        c = s.call_by_id[p["caused_by"]]
        assert c["pid"] == pid and c["name"] == "send", (p, c)
    first_seg = data[0]
    assert s.call_by_id[first_seg["caused_by"]]["src"]["line"] == marks["helper"]
    # the big sendall: several kernel sends, numbered as its parts, with
    # the runtime's polls between them
    big = [c for c in s.calls_of(pid) if c["src"] and c["src"]["line"] == marks["big"]]
    parts = [c for c in big if c["name"] == "send"]
    polls = [c for c in big if c["name"] == "poll"]
    assert len(parts) >= 2, [(c["name"], c["ret"]) for c in big]
    assert [c["src"]["part"] for c in parts] == list(range(1, len(parts) + 1))
    assert all(c["src"]["parts"] == len(parts) for c in parts)
    assert sum(c["ret"] for c in parts) == 400001
    assert polls and all(c["src"]["runtime"] for c in polls)
    assert all(c["src"]["first"] == big[0]["id"] for c in big)
    # the loop's three sendalls stay three script-level calls
    loop = [c for c in sends if c["src"]["line"] == marks["loop"]]
    assert len(loop) == 3 and all("parts" not in c["src"] for c in loop)
    # the recv after settimeout: its poll is the runtime's as well
    reply = [c for c in s.calls_of(pid) if c["src"] and c["src"]["line"] == line_no(client, "reply")]
    assert [c["name"] for c in reply] == ["poll", "recv"], reply
    assert reply[0]["src"]["runtime"] and "runtime" not in reply[1]["src"]


@needs_root
def test_answers_name_roles_by_script_when_one_program_starts_both():
    sp, cp = free_port(), free_port()
    rc, out, err = run_trace([
        "--answers", "--", "/bin/sh", "-c",
        "%s %s %d & sleep 0.5; %s %s %d %d; wait" % (
            PY, prog("seed002_server.py"), sp, PY, prog("seed002_client.py"), sp, cp)])
    assert rc == 0, err
    who = [l for l in out.splitlines() if l.startswith("- [")]
    assert '- [seed002_client.py] c_so.connect(("localhost", server_port))' in who, who
    assert any(l.startswith("- [seed002_server.py] a_so.listen(10)") for l in who), who
    assert not [l for l in who if l.startswith("- [client")], who
