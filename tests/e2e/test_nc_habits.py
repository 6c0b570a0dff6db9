"""Other netcats' flags that socklab nc has no letter for: each is answered
with socklab's way (or why there is none) in one line, exit 2, and nothing
is sent anywhere."""
import socket
import subprocess

import pytest

from conftest import BIN, WAIT

ANSWERS = {
    "-C": "printf 'LINE\\r\\n'",
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
