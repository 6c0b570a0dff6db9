"""What `socklab --help` and `socklab TOOL --help` say, read the way a user
reads them: the tools, and each tool's options in every spelling shown.
test_man checks that each option is in the tool's man page; test_completion
checks that the shell completion (which reads --help with its own awk
program) offers the same options."""
import os
import re
import subprocess

from conftest import BIN, SANITIZER_MARKS

# An option line starts with a dash, indented a little (the wrapped lines
# of a description are indented more): "  -p, --ports SPEC  ports: ...",
# "-t TCP/UDP Specify ...", "-oG FILE, --grepable FILE".
OPTION_LINE = re.compile(r"^ {0,8}-")
OPTION = re.compile(r"^(--?[A-Za-z0-9][A-Za-z0-9-]*)(?:\[?=.*)?$")
# "NAME=PORT", "TCP/UDP", "NAME,...", "'CMD", "[ARG...]": no small letters.
PLACEHOLDER = re.compile(r"^[^a-z]*[A-Z][^a-z]*$")
# echo-server and echo-client: "Also spelled: -ip, --protocol, ... --version."
ALSO = re.compile(r"Also spelled:(.*?)\.(?=\s|$)", re.S)


def build_dir():
    """The build tree BIN came from (build/socklab or build/asan/socklab)."""
    d = os.path.dirname(os.path.abspath(BIN))
    while d != "/" and not os.path.exists(os.path.join(d, "CMakeCache.txt")):
        d = os.path.dirname(d)
    return d


def run_help(*args):
    p = subprocess.run([BIN, *args, "--help"], capture_output=True, text=True,
                       timeout=30, env=dict(os.environ, NO_COLOR="1"))
    assert p.returncode == 0, (args, p.stderr)
    assert not any(m in p.stderr for m in SANITIZER_MARKS), p.stderr
    return p.stdout


def tools():
    """The tool names `socklab --help` lists."""
    text = run_help()
    block = text.split("Tools:\n", 1)[1].split("\n\n", 1)[0]
    return [line.split()[0] for line in block.splitlines() if line.startswith("  ")]


def options(text):
    """Every option spelling a --help text shows, in order, without repeats."""
    found = []

    def add(opt):
        if opt not in found:
            found.append(opt)

    for m in ALSO.finditer(text):
        for opt in re.findall(r"(?<![\w-])(--?[A-Za-z][\w-]*)", m.group(1)):
            add(opt)
    # Blank the sentence out, keeping its line breaks: its second line
    # starts with a dash too.
    text = ALSO.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    for line in text.splitlines():
        if line.startswith("Usage:") or not OPTION_LINE.match(line):
            continue
        after_option = False
        for tok in line.split():
            tok = tok.rstrip(",")
            m = OPTION.match(tok)
            if m:
                add(m.group(1))
                after_option = True
            elif after_option and PLACEHOLDER.match(tok):
                after_option = False
            else:
                break
    return found
