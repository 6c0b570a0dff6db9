"""Shell completion (completion/, made at build time into build/completion/):
bash's loaded in `bash --norc` (no bash-completion package needed) and
asked as bash asks it, zsh's loaded with the completion system's functions
replaced by ones that print what they were given."""
import os
import shutil
import subprocess

import pytest

from conftest import BIN, SERVICES
from helptext import build_dir, options, run_help, tools

COMPLETION = os.path.join(build_dir(), "completion")
BASH_SCRIPT = os.path.join(COMPLETION, "socklab")
ZSH_SCRIPT = os.path.join(COMPLETION, "_socklab")


def bash_complete(cases, script=BASH_SCRIPT, cwd=None):
    """cases: lists of words as bash splits the line (the last one is the
    word at the cursor). Returns the COMPREPLY of each."""
    prog = ["source %s || exit 9" % shq(script),
            "t() { COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _socklab;"
            " printf '%s\\n' \"${COMPREPLY[@]}\"; echo '@@end'; }"]
    for words in cases:
        prog.append("t " + " ".join(shq(w) for w in words))
    p = subprocess.run(["bash", "--norc", "--noprofile", "-c", "\n".join(prog)],
                       capture_output=True, text=True, timeout=60, cwd=cwd)
    assert p.returncode == 0 and not p.stderr, p.stderr
    out = p.stdout.split("@@end\n")
    assert len(out) == len(cases) + 1, p.stdout
    return [[w for w in o.split("\n") if w] for o in out[:-1]]


def shq(s):
    return "'" + s.replace("'", "'\\''") + "'"


def test_tools_and_help():
    got = bash_complete([[BIN, ""], [BIN, "sc"], [BIN, "help", "ch"], [BIN, "--v"]])
    assert sorted(got[0]) == sorted(tools() + ["help"])
    assert got[1] == ["scan"]
    assert sorted(got[2]) == ["chat", "chat-client", "chat-server"]
    assert got[3] == ["--version"]


def test_each_tools_options_are_those_its_help_prints():
    """The completion reads --help with its own awk program; helptext.py
    reads it with Python's regular expressions: they must agree."""
    names = tools()
    got = bash_complete([[BIN, t, "-"] for t in names])
    differ = []
    for tool, offered in zip(names, got):
        want = options(run_help(tool))
        if sorted(offered) != sorted(want):
            differ.append("%s: completion has %s more, %s fewer" % (
                tool, sorted(set(offered) - set(want)), sorted(set(want) - set(offered))))
    assert not differ, "\n".join(differ)


def test_an_option_prefix():
    got = bash_complete([[BIN, "scan", "--max-r"], [BIN, "serve", "--udp"], [BIN, "nc", "--no"]])
    assert sorted(got[0]) == ["--max-rate", "--max-retries", "--max-rtt-timeout"]
    assert sorted(got[1]) == ["--udp-only", "--udp-peer-rate", "--udp-rate"]
    assert sorted(got[2]) == ["--no-shutdown", "--nodelay"]


def test_serve_services():
    got = bash_complete([
        [BIN, "serve", "--only", "ec"],
        [BIN, "serve", "--only", ""],
        [BIN, "serve", "--only", "echo,da"],
        [BIN, "serve", "--only", "=", "ch"],        # --only=ch, split at "=" by bash
        [BIN, "serve", "-s", "q"],
        [BIN, "serve", "--service", ""],
    ])
    assert got[0] == ["echo"]
    assert sorted(got[1]) == sorted(SERVICES)
    assert got[2] == ["echo,daytime"]
    assert got[3] == ["chargen"]
    assert got[4] == ["qotd="]
    assert sorted(got[5]) == sorted(s + "=" for s in SERVICES)


def test_interfaces_protocols_and_no_guessing():
    ifaces = sorted(os.listdir("/sys/class/net"))
    got = bash_complete([
        [BIN, "capture", "-i", ""],
        [BIN, "capture", "--interface", "l"],
        [BIN, "trace", "-i", ""],
        [BIN, "echo-client", "-t", ""],
        [BIN, "echo-server", "-t", "U"],
        [BIN, "decode", "-c", ""],          # a number: nothing to offer
        [BIN, "scan", "-p", ""],
    ])
    assert sorted(got[0]) == sorted(ifaces + ["any"]) and "lo" in got[0]
    assert got[1] == ["lo"]
    assert sorted(got[2]) == ifaces
    assert got[3] == ["TCP", "UDP"]
    assert got[4] == ["UDP"]
    assert got[5] == [] and got[6] == []


def test_files_and_commands(tmp_path):
    (tmp_path / "lab.pcap").write_bytes(b"")
    (tmp_path / "quotes.txt").write_text("q\n")
    got = bash_complete([
        [BIN, "decode", "la"],
        [BIN, "serve", "--quotes", "quo"],
        [BIN, "trace", "--svg", "l"],
        [BIN, "trace", "--", "pytho"],
        [BIN, "scan", "-oG", "la"],
    ], cwd=tmp_path)
    assert got[0] == ["lab.pcap"]
    assert got[1] == ["quotes.txt"]
    assert got[2] == ["lab.pcap"]
    assert "python3" in got[3]
    assert got[4] == ["lab.pcap"]


ZSH_STUBS = r"""
emulate -L zsh
compadd() {
	local suffix= arr=
	while [[ $1 == -* ]]; do
		case $1 in
		(-S) suffix=$2; shift 2 ;;
		(-a) arr=$2; shift 2 ;;
		(--) shift; break ;;
		(*) shift ;;
		esac
	done
	local w
	if [[ -n $arr ]]; then for w in ${(P)arr}; do print -r -- "$w$suffix"; done
	else for w in "$@"; do print -r -- "$w$suffix"; done; fi
}
_describe() { local w; for w in ${(P)4}; do print -r -- "$w"; done }
_sequence() { "$@" }
_files() { print -r -- "<files>" }
_hosts() { print -r -- "<hosts>" }
_normal() { print -r -- "<normal> $CURRENT $words" }
_command_names() { print -r -- "<commands>" }
_message() { print -r -- "<message>" }
compset() { PREFIX=${PREFIX#*=} }
c() { words=("$@"); CURRENT=$#; PREFIX=${words[-1]}; _socklab; print -r -- @@end }
"""


@pytest.mark.skipif(not shutil.which("zsh"), reason="zsh is not installed")
def test_zsh_function_loads_and_completes():
    p = subprocess.run(["zsh", "-n", ZSH_SCRIPT], capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stderr
    cases = [[BIN, ""], [BIN, "scan", "--"], [BIN, "serve", "--only", "ec"],
             [BIN, "capture", "-i", ""], [BIN, "echo-client", "-t", ""],
             [BIN, "decode", ""], [BIN, "trace", "--", "ls"], [BIN, "scan", "--ports="]]
    prog = ZSH_STUBS + "\nsource %s >/dev/null\n" % shq(ZSH_SCRIPT)
    prog += "\n".join("c " + " ".join(shq(w) for w in words) for words in cases)
    p = subprocess.run(["zsh", "-f", "-c", prog], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0 and not p.stderr, p.stderr
    out = [o.split("\n") for o in p.stdout.split("@@end\n")]
    assert len(out) == len(cases) + 1, p.stdout
    got = [[w for w in o if w] for o in out[:-1]]
    assert {t.split(":")[0] for t in got[0]} == set(tools()) | {"help"}
    assert "--max-rtt-timeout:the longest wait for one answer (default 3)" in got[1]
    assert sorted(got[2]) == sorted(SERVICES)
    assert "lo" in got[3] and "any" in got[3]
    assert got[4] == ["TCP", "UDP"]
    assert got[5] == ["<files>"]
    assert got[6] == ["<normal> 1 ls"]
    assert got[7] == ["<message>"]
