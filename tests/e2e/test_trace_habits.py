"""socklab trace for strace's users and for terminals: -f, -o FILE and
-e trace=SET as in strace (with answers for strace's flags socklab has no
use for), the ladder fitted to --width/$COLUMNS, and colour only where it
is asked for or the output is a terminal (NO_COLOR honoured)."""
import json
import os
import re
import subprocess

import pytest

from conftest import BIN, SANITIZER_MARKS
from ptyproc import run_on_pty
from test_trace import PY, TIMEOUT, Story, free_port, needs_root, one_line, prog, run_trace

SGR = re.compile(r"\x1b\[[0-9;]*m")
# A ladder row: the time in ms, then the lanes and the texts.
ROW = re.compile(r"^ *\d+\.\d{3}  ")
# A call row: the time, the lanes (no '#' or '[' there), then "#N name".
CALL = re.compile(r"^ *\d+\.\d{3}  [^#\[]*   #\d+ (?:\[tid \d+\] )?([a-z_0-9]+)[( ]")


def seed002_args(extra):
    sp, cp = free_port(), free_port()
    return list(extra) + [
        "--server", "%s %s %d" % (PY, prog("seed002_server.py"), sp),
        "--", PY, prog("seed002_client.py"), str(sp), str(cp)]


def trace_seed002(extra=(), env=None):
    p = subprocess.run([BIN, "trace"] + seed002_args(extra), capture_output=True,
                       timeout=TIMEOUT, env=env)
    err = p.stderr.decode("utf-8", "replace")
    assert not any(m in err for m in SANITIZER_MARKS), err
    return p.returncode, p.stdout.decode("utf-8", "replace"), err


def shown_calls(ladder):
    return {m.group(1) for line in ladder.splitlines() for m in [CALL.match(line)] if m}


@needs_root
def test_dash_o_writes_the_story_to_a_file_and_leaves_stdout_to_the_program(tmp_path):
    out = tmp_path / "story.txt"
    rc, stdout, err = trace_seed002(["-f", "-o", str(out)])
    assert rc == 0, err
    # the client's own output stays on stdout, as under strace -o
    assert "server response line 1" in stdout
    assert "socklab trace:" not in stdout
    story = out.read_text()
    assert story.startswith("socklab trace: ") and "connect(" in story
    # --json into the file: valid JSON Lines, the program still on stdout
    rc, stdout, err = trace_seed002(["--json", "-o", str(out)])
    assert rc == 0, err
    assert "server response line 1" in stdout
    s = Story(out.read_text())
    assert s.calls and s.packets


@needs_root
def test_dash_e_trace_shows_only_the_named_calls_and_every_packet_and_state():
    rc, full, err = trace_seed002(["--json"])
    assert rc == 0, err
    whole = Story(full)
    rc, part, err = trace_seed002(["--json", "-e", "trace=connect,send"])
    assert rc == 0, err
    some = Story(part)
    assert {c["name"] for c in some.calls} == {"connect", "send"} & {c["name"] for c in whole.calls}
    assert {c["name"] for c in some.calls} >= {"connect"}
    # packets are never filtered, and no state change is lost
    assert len(some.packets) == len(whole.packets)
    assert sorted(s["to"] for s in some.states) == sorted(s["to"] for s in whole.states)

    rc, ladder, err = trace_seed002(["-e", "%network"])
    assert rc == 0, err
    names = shown_calls(ladder)
    assert {"socket", "connect", "send"} <= names, names
    assert not names & {"close", "read", "write", "poll", "select"}, names
    head = next(l for l in ladder.splitlines() if l.startswith("socklab trace: "))
    assert re.search(r"\d+ calls \(\d+ shown by -e trace\)", head), head
    for state in ("SYN_SENT", "ESTABLISHED", "TIME_WAIT"):
        assert state in ladder, (state, ladder)

    rc, ladder, err = trace_seed002(["-e", "/^(accept|recv)"])
    assert rc == 0, err
    assert shown_calls(ladder) <= {"accept", "accept4", "recv", "recvfrom", "recvmsg",
                                   "recvmmsg"}
    assert shown_calls(ladder)
    # strace's %desc is every call on a descriptor: its negation leaves socket()
    rc, ladder, err = trace_seed002(["-e", "trace=!%desc"])
    assert rc == 0, err
    assert shown_calls(ladder) == {"socket"}


def test_strace_spellings_that_socklab_answers():
    cases = [
        (["-e", "trace=conect", "--", "true"], "unknown call 'conect' in -e trace (did you mean connect?)"),
        (["-e", "signal=none", "--", "true"], "filters calls only"),
        (["-e", "trace=/(", "--", "true"], "bad regular expression"),
        (["-p", "1", "--", "true"], "cannot use -p with a program to run"),
        (["-c", "--", "true"], "--json gives one object per call"),
        (["-tt", "--", "true"], "the ladder always shows times"),
        (["-s", "100", "--", "true"], "--pcap keeps every byte"),
        (["--color=rainbow", "--", "true"], "--color rainbow"),
        (["--width", "-3", "--", "true"], "--width"),
    ]
    for args, want in cases:
        rc, out, err = run_trace(args)
        assert rc == 2, (args, err)
        assert want in one_line(err.strip().splitlines()[0] + "\n"), (args, err)
        assert err.strip().splitlines()[1] == "Try 'socklab trace --help'.", err


@needs_root
def test_ladder_fits_the_width_and_wraps_under_the_lifelines():
    rc, wide, err = trace_seed002()
    assert rc == 0, err
    assert max(len(l) for l in wide.splitlines()) > 90, "the unfitted ladder is wide"
    for args, env_cols, width in ((["--width", "72"], None, 72), ([], "64", 64)):
        env = dict(os.environ)
        if env_cols:
            env["COLUMNS"] = env_cols
        rc, out, err = trace_seed002(args, env=env)
        assert rc == 0, err
        lines = out.splitlines()
        rows = [l for l in lines if ROW.match(l)]
        # every row of the story fits (the header names whole addresses)
        body = lines[lines.index("") + 2:]
        assert body and all(len(l) <= width for l in body), [l for l in body if len(l) > width]
        # a continuation line: no time, the lifelines, then indented text
        cont = [l for l in body if not ROW.match(l)]
        assert cont, out
        assert all(re.match(r"^ +[|:]", l) for l in cont), cont
        # (that the wrap loses no word is checked on a fixed model:
        # unit/trace/render's test_text_width_and_colour)
        assert rows
    # --width 0 never wraps, even with COLUMNS set
    env = dict(os.environ, COLUMNS="50")
    rc, out, err = trace_seed002(["--width", "0"], env=env)
    assert rc == 0, err
    assert all(ROW.match(l) for l in out.splitlines()[out.splitlines().index("") + 2:])


@needs_root
def test_colour_on_a_terminal_unless_no_color_never_in_a_pipe():
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS")}
    env["TERM"] = "xterm"
    rc, tty = run_on_pty([BIN, "trace"] + seed002_args([]), env, TIMEOUT)
    assert rc == 0
    assert "\x1b[34m" in tty, "a SYN arrow is blue on a terminal, as in the SVG"
    assert "\x1b[1m" in tty, "state changes are bold"
    rc, tty = run_on_pty([BIN, "trace"] + seed002_args([]), dict(env, NO_COLOR="1"), TIMEOUT)
    assert rc == 0 and "\x1b[" not in tty and "SYN_SENT" in tty
    # in a pipe: no colour unless asked for; asked for, NO_COLOR does not stop it
    rc, out, err = trace_seed002(env=env)
    assert rc == 0 and "\x1b[" not in out
    rc, out, err = trace_seed002(["--color=always"], env=dict(env, NO_COLOR="1"))
    assert rc == 0 and "\x1b[34m" in out
    # every colour is closed on its line (that colour changes nothing else
    # is checked on a fixed model: unit/trace/render)
    for line in out.splitlines():
        codes = SGR.findall(line)
        assert not codes or codes[-1] == "\x1b[0m", line
