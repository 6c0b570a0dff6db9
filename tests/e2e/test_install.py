"""`cmake --install`: the layout under a prefix (and DESTDIR), and an
installed tree that still works after it is moved as a whole: trace finds
its preload library relative to the binary, man finds the pages and bash
completes with the tree's completion."""
import os
import shutil
import subprocess

import pytest

from conftest import BIN, SANITIZER_MARKS
from helptext import tools

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="capturing packets needs root")


def build_dir():
    """The build tree BIN came from (build/socklab or build/asan/socklab)."""
    d = os.path.dirname(os.path.abspath(BIN))
    while d != "/" and not os.path.exists(os.path.join(d, "CMakeCache.txt")):
        d = os.path.dirname(d)
    return d


@pytest.fixture
def installed(tmp_path):
    """The build installed with --prefix /opt/socklab under DESTDIR, then
    moved elsewhere: the moved prefix."""
    env = dict(os.environ, DESTDIR=str(tmp_path / "dest"))
    p = subprocess.run(["cmake", "--install", build_dir(), "--prefix", "/opt/socklab"],
                       capture_output=True, text=True, env=env, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    prefix = tmp_path / "dest" / "opt" / "socklab"
    moved = tmp_path / "moved"
    shutil.move(str(prefix), str(moved))
    return moved


def run(argv, **kw):
    p = subprocess.run(argv, capture_output=True, text=True, timeout=60, **kw)
    assert not any(m in p.stderr for m in SANITIZER_MARKS), p.stderr
    return p


def test_layout_and_a_moved_tree_runs(installed):
    files = sorted(str(p.relative_to(installed)) for p in installed.rglob("*") if p.is_file())
    pages = ["share/man/man1/socklab.1", "share/man/man7/socklab-chat-protocol.7"] + \
        ["share/man/man1/socklab-%s.1" % t for t in tools()]
    assert files == sorted(["bin/socklab", "lib/socklab/libsocklab-trace.so",
                            "share/bash-completion/completions/socklab",
                            "share/zsh/vendor-completions/_socklab"] + pages)
    p = run([str(installed / "bin" / "socklab"), "--version"])
    assert p.returncode == 0 and p.stdout == "socklab 0.1.0\n"


def test_man_finds_the_installed_pages(installed):
    """`man socklab-scan` with the tree's share/man on MANPATH, as a user
    whose prefix is not the system's would read it."""
    env = dict(os.environ, MANPATH=str(installed / "share" / "man"), MANWIDTH="80",
               LC_ALL="C.UTF-8", MANPAGER="cat", PAGER="cat")
    for page, head in (["socklab-scan", "SOCKLAB-SCAN(1)"], ["socklab", "SOCKLAB(1)"],
                       ["socklab-chat-protocol", "SOCKLAB-CHAT-PROTOCOL(7)"]):
        p = run(["man", page], env=env)
        assert p.returncode == 0 and p.stdout.startswith(head), p.stderr
        assert "\nNAME\n       %s - " % page in p.stdout


def test_bash_completion_of_the_installed_tree(installed):
    script = installed / "share" / "bash-completion" / "completions" / "socklab"
    binary = installed / "bin" / "socklab"
    prog = ("source '%s'; COMP_WORDS=('%s' scan --max-r); COMP_CWORD=2; _socklab; "
            "echo \"${COMPREPLY[*]}\"; COMP_WORDS=('%s' sc); COMP_CWORD=1; _socklab; "
            "echo \"${COMPREPLY[*]}\"" % (script, binary, binary))
    p = run(["bash", "--norc", "--noprofile", "-c", prog])
    assert [sorted(l.split()) for l in p.stdout.split("\n")[:2]] == [
        ["--max-rate", "--max-retries", "--max-rtt-timeout"], ["scan"]], p.stdout + p.stderr


@needs_root
def test_moved_trace_finds_its_library_and_says_where_it_looked(installed, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SOCKLAB_TRACE_LIB"}
    prog = ["/usr/bin/python3", "-c", "import socket; s = socket.socket(); s.close()"]
    p = run([str(installed / "bin" / "socklab"), "trace", "--"] + prog, env=env, cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert "socket(AF_INET, SOCK_STREAM" in p.stdout and "close(3) = 0" in p.stdout, p.stdout

    (installed / "lib" / "socklab" / "libsocklab-trace.so").unlink()
    p = run([str(installed / "bin" / "socklab"), "trace", "--"] + prog, env=env, cwd=tmp_path)
    assert p.returncode == 1
    assert p.stderr.startswith("socklab trace: cannot find libsocklab-trace.so next to the "
                               "socklab binary or in ../lib/socklab/ from it"), p.stderr
