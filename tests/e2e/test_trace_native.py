"""socklab trace on a C program: each call's source location, from the
native call stack the preload library records (pc=) resolved after the run
with the program's debug information: file and line with -g, the function
(and offset) without. The expected lines are found by the markers in the
C source, never written down here."""
import os
import re
import shutil
import subprocess

import pytest

from conftest import BIN
from test_trace import PY, TIMEOUT, Story, free_port, needs_root, run_trace

needs_gcc = pytest.mark.skipif(not shutil.which("gcc"), reason="gcc is not installed")

CLIENT_C = r"""
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

__attribute__((noinline)) static void send_msg(int fd, const char *m)
{
	send(fd, m, strlen(m), MSG_NOSIGNAL); /* @helper-send */
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM, 0); /* @socket */
	int n = atoi(argv[2]);

	a.sin_port = htons((unsigned short)atoi(argv[1]));
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) /* @connect */
		return 1;
	for (int i = 0; i < n; i++)
		send(fd, "x", 1, MSG_NOSIGNAL); /* @main-send */
	send_msg(fd, "a"); /* @call-1 */
	send_msg(fd, "b"); /* @call-2 */
	close(fd); /* @close */
	return 0;
}
"""


def markers(src):
    """{"connect": line, ...} from the /* @name */ comments of src."""
    out = {}
    for no, line in enumerate(src.splitlines(), 1):
        m = re.search(r"/\* @([\w-]+) \*/", line)
        if m:
            out[m.group(1)] = no
    return out


def build(tmp_path, name, flags, cc="gcc"):
    src = tmp_path / "client.c"
    src.write_text(CLIENT_C)
    exe = tmp_path / name
    p = subprocess.run([cc, "-O0", "-o", str(exe), str(src)] + flags,
                       capture_output=True, timeout=TIMEOUT)
    assert p.returncode == 0, p.stderr.decode()
    return str(src), str(exe)


def unescape(v):
    return re.sub(r"%([0-9A-F]{2})", lambda m: chr(int(m.group(1), 16)), v)


def traced_client_calls(tmp_path, exe, sends):
    """The client's calls in --json, each with "pc", its record's pc= value
    from the call log (--log), unescaped."""
    sp = free_port()
    log = tmp_path / "calls.log"
    rc, out, err = run_trace([
        "--json", "--log", str(log), "--server", "%s echo-server -p %d" % (BIN, sp),
        "--", exe, str(sp), str(sends)])
    assert rc == 0, err
    s = Story(out)
    pid = s.pid_of("connect", lambda c: c["args"].get("addr") == "127.0.0.1:%d" % sp)
    calls = s.calls_of(pid)
    names = [c["name"] for c in calls]
    assert names == ["socket", "connect"] + ["send"] * (sends + 2) + ["close"], names
    # the records in the log's order: one thread, so the calls' order
    records = [l.split(" ") for l in log.read_text().splitlines()
               if l.startswith("X %d " % pid)]
    assert [r[3] for r in records] == names
    for c, r in zip(calls, records):
        pcs = [unescape(t[3:]) for t in r if t.startswith("pc=")]
        assert len(pcs) == 1, r
        c["pc"] = pcs[0]
    return calls


def frames(call):
    """The pc= frames as (module, vaddr), innermost first."""
    out = []
    for item in call["pc"].split(","):
        module, _, addr = item.rpartition(":")
        out.append((module, int(addr, 16)))
    assert 1 <= len(out) <= 8, out
    return out


# what symbolize.c and srcloc.c's line text give; other members (the
# socket call a line names) are another test's
MEMBERS = ("file", "line", "func", "module", "offset", "text")


def line_text(src, line):
    return src.splitlines()[line - 1].strip()


def addr2line(exe, vaddr):
    """The line of the call before return address vaddr, as binutils sees it."""
    p = subprocess.run(["addr2line", "-e", exe, "0x%x" % (vaddr - 1)],
                       capture_output=True, timeout=TIMEOUT)
    assert p.returncode == 0, p.stderr
    return int(re.search(r":(\d+)", p.stdout.decode()).group(1))


@needs_root
@pytest.mark.parametrize("cc,flags", [
    ("gcc", ["-g"]),
    ("gcc", ["-g", "-no-pie", "-fno-pie"]),
    # DWARF 5 without .debug_aranges: the unit is found by its own ranges
    ("clang", ["-g"]),
], ids=["gcc-pie", "gcc-no-pie", "clang"])
def test_debug_build_calls_carry_file_and_line(tmp_path, cc, flags):
    if not shutil.which(cc):
        pytest.skip("%s is not installed" % cc)
    src, exe = build(tmp_path, "client_g", flags, cc)
    mark = markers(CLIENT_C)
    calls = traced_client_calls(tmp_path, exe, 2)
    want = [("socket", "main"), ("connect", "main"), ("main-send", "main"),
            ("main-send", "main"), ("helper-send", "send_msg"),
            ("helper-send", "send_msg"), ("close", "main")]
    for call, (marker, func) in zip(calls, want):
        want_src = {"file": src, "line": mark[marker], "func": func, "module": exe,
                    "text": line_text(CLIENT_C, mark[marker])}
        got = {k: v for k, v in call["src"].items() if k in MEMBERS}
        assert got == want_src, (call, marker)
        # the raw frames: the program's own first, as addr2line reads them
        fr = frames(call)
        assert fr[0][0] == exe, fr
        assert addr2line(exe, fr[0][1]) == mark[marker]
        assert all("libsocklab-trace" not in m for m, _ in fr), fr
    # the helper's two callers, one frame further out
    outer = [addr2line(exe, frames(c)[1][1]) for c in calls[4:6]]
    assert outer == [mark["call-1"], mark["call-2"]], outer


@needs_root
@needs_gcc
def test_build_without_debug_info_names_functions(tmp_path):
    src, exe = build(tmp_path, "client_nog", [])
    calls = traced_client_calls(tmp_path, exe, 1)
    funcs = [c["src"].get("func") for c in calls]
    assert funcs == ["main", "main", "main", "send_msg", "send_msg", "main"], calls
    for c in calls:
        assert "file" not in c["src"] and "line" not in c["src"], c["src"]
        assert c["src"]["module"] == exe
        assert c["src"]["offset"] > 0
    # the same call site, the same offset; two callers of the helper, one
    assert calls[3]["src"] == calls[4]["src"]
    assert len({c["src"]["offset"] for c in calls if c["src"]["func"] == "main"}) == 4


@needs_root
def test_calls_of_a_program_outside_the_trace_tool_resolve_to_its_sources():
    """socklab itself (built with -g) as the traced program: its calls land
    in socklab's own sources, never in libc, libevent or the preload library."""
    sp = free_port()
    rc, out, err = run_trace([
        "--json", "--server", "%s echo-server -p %d" % (BIN, sp),
        "--", BIN, "echo-client", "-t", "tcp", "-p", str(sp)], stdin=b"ping\n")
    assert rc == 0, err
    s = Story(out)
    srcs = [c.get("src") for c in s.calls]
    assert srcs and all(srcs), [c for c in s.calls if not c.get("src")]
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    for src in srcs:
        assert src["module"] == os.path.realpath(BIN), src
        if "file" in src:  # a build with debug information
            assert src["file"].startswith(os.path.join(root, "src") + "/"), src


@needs_root
@needs_gcc
def test_stripped_build_gives_module_and_address(tmp_path):
    src, exe = build(tmp_path, "client_stripped", ["-s"])
    calls = traced_client_calls(tmp_path, exe, 1)
    for c in calls:
        # no symbol left: the return address as the file numbers it
        got = {k: v for k, v in c["src"].items() if k in MEMBERS}
        assert got == {"module": exe, "offset": frames(c)[0][1]}, c


CLIENT_CC = r"""
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cstdlib>
#include <cstring>

namespace demo {
class Client {
public:
	explicit Client(int fd) : fd_(fd) {}
	__attribute__((noinline)) void send_line(const char *s)
	{
		send(fd_, s, std::strlen(s), MSG_NOSIGNAL); /* @method-send */
	}
private:
	int fd_;
};
}

int main(int argc, char **argv)
{
	sockaddr_in a = {};
	a.sin_family = AF_INET;
	a.sin_port = htons((unsigned short)std::atoi(argv[1]));
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(fd, (sockaddr *)&a, sizeof a) < 0)
		return 1;
	demo::Client c(fd);
	for (int i = 0; i < std::atoi(argv[2]) + 2; i++)
		c.send_line("hi\n");
	close(fd);
	return 0;
}
"""


@needs_root
@pytest.mark.skipif(not shutil.which("g++"), reason="g++ is not installed")
@pytest.mark.parametrize("flags", [["-g"], []], ids=["debug", "nodebug"])
def test_cpp_method_names_demangled(tmp_path, flags):
    src = tmp_path / "client.cc"
    src.write_text(CLIENT_CC)
    exe = str(tmp_path / "client_cc")
    p = subprocess.run(["g++", "-O0", "-o", exe, str(src)] + flags,
                       capture_output=True, timeout=TIMEOUT)
    assert p.returncode == 0, p.stderr.decode()
    sends = [c for c in traced_client_calls(tmp_path, exe, 0) if c["name"] == "send"]
    assert len(sends) == 2
    for c in sends:
        assert c["src"]["func"] == "demo::Client::send_line(char const*)", c["src"]
        if flags:
            assert (c["src"]["file"], c["src"]["line"]) == (
                str(src), markers(CLIENT_CC)["method-send"]), c["src"]
        else:
            assert "line" not in c["src"] and c["src"]["offset"] > 0, c["src"]


@needs_root
def test_python_records_carry_the_script_line_not_native_frames(tmp_path):
    """In a Python interpreter the library records the script's line (src=)
    and no pc=: CPython's own C frames would say nothing about the script."""
    log = tmp_path / "calls.log"
    rc, out, err = run_trace([
        "--json", "--log", str(log), "--", PY, "-c",
        "import socket; s = socket.socket(); s.close()"])
    assert rc == 0, err
    records = [l for l in log.read_text().splitlines() if l.startswith("X ")]
    assert any(" socket " in l for l in records), records
    assert not any(" pc=" in l for l in records), records


@needs_root
@needs_gcc
@pytest.mark.skipif(not shutil.which("objcopy"), reason="objcopy is not installed")
def test_separate_debug_file_by_debuglink(tmp_path):
    """Debug information split off with objcopy, found by .gnu_debuglink in
    .debug/ next to the program; a debug file of another build is refused."""
    src, exe = build(tmp_path, "client_split", ["-g"])
    (tmp_path / ".debug").mkdir()
    debug = str(tmp_path / ".debug" / "client_split.debug")
    for args in (["--only-keep-debug", exe, debug], ["--strip-debug", exe],
                 ["--add-gnu-debuglink=" + debug, exe]):
        p = subprocess.run(["objcopy"] + args, capture_output=True, timeout=TIMEOUT)
        assert p.returncode == 0, p.stderr.decode()
    mark = markers(CLIENT_C)
    calls = traced_client_calls(tmp_path, exe, 1)
    assert [c["src"].get("line") for c in calls] == [
        mark["socket"], mark["connect"], mark["main-send"], mark["helper-send"],
        mark["helper-send"], mark["close"]], calls
    # the same name, the debug information of an older build whose lines
    # were one further up (another build-id): wrong lines, refused
    older = tmp_path / "older"
    older.mkdir()
    (older / "client.c").write_text("\n" + CLIENT_C)
    p = subprocess.run(["gcc", "-O0", "-g", "-o", str(older / "client"), str(older / "client.c")],
                       capture_output=True, timeout=TIMEOUT)
    assert p.returncode == 0, p.stderr.decode()
    p = subprocess.run(["objcopy", "--only-keep-debug", str(older / "client"), debug],
                       capture_output=True, timeout=TIMEOUT)
    assert p.returncode == 0, p.stderr.decode()
    calls = traced_client_calls(tmp_path, exe, 1)
    assert [c["src"].get("func") for c in calls] == [
        "main", "main", "main", "send_msg", "send_msg", "main"], calls
    assert all("line" not in c["src"] for c in calls), calls
