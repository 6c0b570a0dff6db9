"""The man pages made from docs/*.md at build time (cmake/man.cmake): each
renders with man(1) without a warning, its NAME line is one whatis reads, and
every option a tool's --help prints is in that tool's page, so the pages
cannot drift from the binary."""
import os
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest

from helptext import build_dir, options, run_help, tools

MAN_DIR = os.path.join(build_dir(), "man")
# What lintian runs, with an 80-column terminal: groff's warnings (a table
# wider than the page, a line that cannot be broken or adjusted) on stderr.
MAN_ENV = dict(os.environ, LC_ALL="C.UTF-8", MANWIDTH="80")
MAN_ENV.pop("MANROFFSEQ", None)
MAN_ENV.pop("MANOPT", None)


def pages():
    if not os.path.isdir(MAN_DIR):
        pytest.fail("no man pages in %s: configure with lowdown installed "
                    "(scripts/deps.sh build) and SOCKLAB_MAN=ON" % MAN_DIR)
    return sorted(os.listdir(MAN_DIR))


def page_path(tool):
    return os.path.join(MAN_DIR, "socklab-%s.1" % tool)


def render(path):
    return subprocess.run(["man", "--warnings", "-l", path], capture_output=True,
                          text=True, env=MAN_ENV, timeout=60)


def page_text(path):
    """The page's roff source as words: font changes and escapes removed, so
    an option is found whatever line or table cell it was set in."""
    with open(path, encoding="utf-8") as f:
        roff = f.read()
    roff = re.sub(r"\\f(\(..|\[[^]]*\]|.)", "", roff)
    roff = roff.replace("\\-", "-").replace("\\:", "").replace("\\&", "")
    return roff.replace("\\e", "\\")


def test_a_page_for_the_toolkit_and_each_tool():
    want = {"socklab.1", "socklab-chat-protocol.7"} | {"socklab-%s.1" % t for t in tools()}
    have = set(pages())
    assert not want - have, "man pages missing (add docs/man/NAME.SECTION.md): %s" % \
        ", ".join(sorted(want - have))
    assert not have - want, "man pages for no tool: %s" % ", ".join(sorted(have - want))


def test_every_page_renders_without_warnings():
    names = pages()
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda n: render(os.path.join(MAN_DIR, n)), names))
    bad = []
    for name, p in zip(names, results):
        title = name.rsplit(".", 1)[0].upper()
        if p.returncode != 0 or p.stderr or not p.stdout.startswith(title + "("):
            bad.append("%s (exit %d):\n%s" % (name, p.returncode, p.stderr or p.stdout[:200]))
    assert not bad, "man --warnings -l, 80 columns:\n" + "\n".join(bad)


def test_name_lines_are_what_whatis_reads():
    names = pages()
    p = subprocess.run(["lexgrog"] + [os.path.join(MAN_DIR, n) for n in names],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr
    for name in names:
        base = name.rsplit(".", 1)[0]
        assert re.search(r'^%s: "%s - \S' % (re.escape(os.path.join(MAN_DIR, name)),
                                             re.escape(base)), p.stdout, re.M), p.stdout


def test_every_help_option_is_in_the_tools_page():
    """One failure listing, tool by tool, each option --help prints that the
    page never mentions: the docs/TOOL.md to complete."""
    missing = {}
    for tool in tools():
        path = page_path(tool)
        assert os.path.exists(path), "no man page for %s" % tool
        text = page_text(path)
        opts = options(run_help(tool))
        assert opts, "no options read from socklab %s --help" % tool
        gone = [o for o in opts if not re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(o), text)]
        if gone:
            missing[tool] = gone
    assert not missing, "options in --help but not in the man page (docs/TOOL.md):\n" + \
        "\n".join("  socklab %s: %s" % (t, " ".join(o)) for t, o in missing.items())


def test_the_toolkit_page_names_every_tool():
    text = page_text(os.path.join(MAN_DIR, "socklab.1"))
    gone = [t for t in tools() if not re.search(r"socklab-%s\(1\)" % re.escape(t), text)]
    assert not gone, "socklab(1) (docs/socklab.md) does not name: %s" % " ".join(gone)
    for opt in options(run_help()) + ["--help", "--version"]:
        assert opt in text
