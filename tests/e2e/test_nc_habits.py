"""Other netcats' flags that socklab nc has no letter for: each is answered
with socklab's way (or why there is none) in one line, exit 2, and nothing
is sent anywhere."""
import socket
import subprocess
import tempfile

import pytest

from conftest import BIN, WAIT

ANSWERS = {
    "-d": "</dev/null",
    "-U": "no Unix-domain sockets",
    "-x": "no proxy support",
    "-X": "no proxy support",
    "-t": "no telnet negotiation",
    "-T": "-M sets the TTL",
    "-b": "no broadcast",
    "-i": "no delay between lines",
    "-W": "-w SECS ends an idle",
    "-r": "socklab scan scans ranges",
    "-e": "runs no program",
    "-c": "runs no program or TLS",
    "-D": "socklab trace",
    "-V": "network namespace",
}


@pytest.mark.parametrize("flag,want", sorted(ANSWERS.items()))
def test_other_netcats_flags_are_answered(flag, want):
    with socket.socket() as lst:
        lst.bind(("127.0.0.1", 0))
        lst.listen(1)
        lst.settimeout(0)
        port = lst.getsockname()[1]
        p = subprocess.run([BIN, "nc", flag, "127.0.0.1", str(port)], capture_output=True,
                           timeout=WAIT, stdin=subprocess.DEVNULL)
        lines = p.stderr.decode().strip().splitlines()
        assert p.returncode == 2, p.stderr
        assert lines[0].startswith("socklab nc: OpenBSD nc's %s: " % flag), lines
        assert want in lines[0], lines
        assert lines[1:] == ["Try 'socklab nc --help'."]
        with pytest.raises(BlockingIOError):
            lst.accept()   # nothing connected


def test_a_letter_no_netcat_has_is_still_unknown():
    p = subprocess.run([BIN, "nc", "-Q", "127.0.0.1", "9"], capture_output=True, timeout=WAIT)
    assert p.returncode == 2
    assert p.stderr.decode().splitlines()[0] == "socklab nc: unknown option -Q"


def test_dash_c_sends_line_ends_as_crlf_tcp_and_udp():
    """OpenBSD nc's -C: every LF of the input goes out as CRLF (an existing
    CRLF stays as it is), over TCP from a file or a pipe, and over UDP."""
    data = b"HELO lab\nMAIL FROM:<a@b>\r\n\nend"
    want = b"HELO lab\r\nMAIL FROM:<a@b>\r\n\r\nend"
    for how in ("pipe", "file"):
        with socket.socket() as lst:
            lst.bind(("127.0.0.1", 0))
            lst.listen(1)
            lst.settimeout(WAIT)
            argv = [BIN, "nc", "-C", "127.0.0.1", str(lst.getsockname()[1])]
            if how == "pipe":
                p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
                p.stdin.write(data)
                p.stdin.close()
            else:
                f = tempfile.TemporaryFile()
                f.write(data)
                f.seek(0)
                p = subprocess.Popen(argv, stdin=f, stdout=subprocess.PIPE)
            c, _ = lst.accept()
            c.settimeout(WAIT)
            got = b""
            while True:
                d = c.recv(4096)
                if not d:
                    break
                got += d
            c.close()
            assert p.wait(timeout=WAIT) == 0
            assert got == want, (how, got)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
        u.bind(("127.0.0.1", 0))
        u.settimeout(WAIT)
        p = subprocess.run([BIN, "nc", "-u", "-C", "-q", "0", "127.0.0.1",
                            str(u.getsockname()[1])], input=b"ping\n", capture_output=True,
                           timeout=WAIT)
        assert u.recv(100) == b"ping\r\n"
