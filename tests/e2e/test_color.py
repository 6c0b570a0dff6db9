"""Colour where it helps reading, the same rule in every tool that has it
(scan here; trace in test_trace_habits, decode in test_decode_habits):
on a terminal unless NO_COLOR is set, never in a pipe unless --color asks,
--color=never always plain, and every colour closed on its line."""
import os
import re
import socket
import subprocess

from conftest import BIN, WAIT
from ptyproc import run_on_pty

SGR = re.compile(r"\x1b\[[0-9;]*m")


def env_without_color(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR",)}
    env["TERM"] = "xterm"
    env.update(extra)
    return env


def scan_args():
    lsn = socket.socket()
    lsn.bind(("127.0.0.1", 0))
    lsn.listen()
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port_closed = closed.getsockname()[1]
    closed.close()
    return lsn, [BIN, "scan", "-v", "-p", "%d,%d" % (lsn.getsockname()[1], port_closed),
                 "127.0.0.1"]


def closed_on_each_line(text):
    for line in text.splitlines():
        codes = SGR.findall(line)
        assert not codes or codes[-1] == "\x1b[0m", line


def test_scan_states_coloured_on_a_terminal_only():
    lsn, argv = scan_args()
    try:
        rc, tty = run_on_pty(argv, env_without_color(), WAIT)
        assert rc == 0
        assert re.search(r"\x1b\[32mopen +\x1b\[0m", tty), tty
        assert re.search(r"\x1b\[2mclosed +\x1b\[0m", tty), tty
        closed_on_each_line(tty)
        rc, tty = run_on_pty(argv, env_without_color(NO_COLOR="1"), WAIT)
        assert rc == 0 and "\x1b[" not in tty and " open " in tty
        rc, tty = run_on_pty(argv + ["--color=never"], env_without_color(), WAIT)
        assert rc == 0 and "\x1b[" not in tty
        pipe = subprocess.run(argv, capture_output=True, timeout=WAIT, env=env_without_color())
        assert pipe.returncode == 0 and b"\x1b[" not in pipe.stdout
        forced = subprocess.run(argv + ["--color"], capture_output=True, timeout=WAIT,
                                env=env_without_color(NO_COLOR="1"))
        text = forced.stdout.decode()
        assert "\x1b[32m" in text
        # colour changes nothing but the colour
        assert SGR.sub("", text).split("scan done")[0] == pipe.stdout.decode().split("scan done")[0]
    finally:
        lsn.close()


def test_scan_files_never_coloured(tmp_path):
    lsn, argv = scan_args()
    try:
        base = str(tmp_path / "out")
        p = subprocess.run(argv + ["--color=always", "-oA", base], capture_output=True,
                           timeout=WAIT)
        assert p.returncode == 0, p.stderr
        assert b"\x1b[32m" in p.stdout
        for ext in (".nmap", ".gnmap", ".xml"):
            assert b"\x1b[" not in open(base + ext, "rb").read(), ext
    finally:
        lsn.close()


def test_bad_color_word_is_a_usage_error():
    p = subprocess.run([BIN, "scan", "--color=rainbow", "127.0.0.1"], capture_output=True,
                       timeout=WAIT)
    assert p.returncode == 2
    assert p.stderr.decode().splitlines()[0] == \
        "socklab scan: --color rainbow: not auto, always or never"
