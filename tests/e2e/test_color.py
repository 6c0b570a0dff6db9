"""Colour where it helps reading, the same rule in every tool that has it
(scan and decode here; trace in test_trace_habits):
on a terminal unless NO_COLOR is set, never in a pipe unless --color asks,
--color=never always plain, and every colour closed on its line."""
import os
import re
import socket
import struct
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


def decode_capture(tmp_path):
    """A SYN with a good checksum and a RST with a bad one, on Ethernet."""

    def csum(b):
        if len(b) % 2:
            b += b"\0"
        s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
        while s >> 16:
            s = (s & 0xffff) + (s >> 16)
        return ~s & 0xffff

    def frame(flags, good):
        src, dst = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
        tcp = struct.pack("!HHIIBBHHH", 40000, 80, 1, 0, 5 << 4, flags, 512, 0, 0)
        c = csum(src + dst + struct.pack("!BBH", 0, 6, len(tcp)) + tcp)
        tcp = tcp[:16] + struct.pack("!H", c if good else c ^ 0x1111) + tcp[18:]
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0, 64, 6, 0, src, dst)
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        return b"\0" * 12 + b"\x08\x00" + ip + tcp

    out = bytearray(bytes.fromhex("d4c3b2a1020004000000000000000000ffff000001000000"))
    for i, (flags, good) in enumerate(((0x02, True), (0x04, False))):
        f = frame(flags, good)
        out += struct.pack("<IIII", 1000 + i, 0, len(f), len(f)) + f
    path = tmp_path / "two.pcap"
    path.write_bytes(bytes(out))
    return str(path)


def test_decode_flags_and_verdicts_coloured_on_a_terminal_only(tmp_path):
    argv = [BIN, "decode", "-v", "--verdicts", decode_capture(tmp_path)]
    rc, tty = run_on_pty(argv, env_without_color(), WAIT)
    assert rc == 0
    assert "Flags [\x1b[34mS\x1b[0m]" in tty, tty
    assert "Flags [\x1b[31mR\x1b[0m]" in tty, tty
    assert "\x1b[32m(correct)\x1b[0m" in tty and "\x1b[31m(incorrect -> " in tty, tty
    assert "\x1b[32mgood\x1b[0m" in tty and "\x1b[31mbad\x1b[0m" in tty, tty
    closed_on_each_line(tty)
    rc, tty = run_on_pty(argv, env_without_color(NO_COLOR="1"), WAIT)
    assert rc == 0 and "\x1b[" not in tty and "Flags [S]" in tty
    pipe = subprocess.run(argv, capture_output=True, timeout=WAIT, env=env_without_color())
    assert pipe.returncode == 0 and b"\x1b[" not in pipe.stdout
    forced = subprocess.run(argv + ["--color=always"], capture_output=True, timeout=WAIT,
                            env=env_without_color(NO_COLOR="1"))
    assert SGR.sub("", forced.stdout.decode()) == pipe.stdout.decode()
    assert "\x1b[34m" in forced.stdout.decode()
    # JSON stays plain JSON even when colour is forced
    j = subprocess.run([BIN, "decode", "--json", "--color=always", decode_capture(tmp_path)],
                       capture_output=True, timeout=WAIT)
    assert j.returncode == 0 and b"\x1b[" not in j.stdout
