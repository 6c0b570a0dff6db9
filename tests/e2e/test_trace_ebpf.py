"""socklab trace --backend ebpf end to end: seed 002's pair gives the
preload's story; a statically linked C client and a Go client (which the
preload cannot see into) are traced; -p attaches to a running server; bad
input is one clear line. Needs root and a kernel with BTF; skipped
otherwise, with the reason. Run the whole trace suite under the eBPF
backend with SOCKLAB_TRACE_BACKEND=ebpf."""
import os
import select
import shutil
import socket
import subprocess

import pytest

from conftest import BIN
from test_trace import PY, Story, free_port, prog, run_trace, unprivileged_prefix

needs_ebpf = pytest.mark.skipif(
    os.geteuid() != 0 or not os.path.exists("/sys/kernel/btf/vmlinux"),
    reason="the eBPF backend needs root and a kernel with BTF (/sys/kernel/btf/vmlinux)")

CALL_ARGS = ("addr", "how", "backlog", "len")


def seed002_story(backend):
    sp, cp = free_port(), free_port()
    rc, out, err = run_trace([
        "--backend", backend, "--json",
        "--server", "%s %s %d" % (PY, prog("seed002_server.py"), sp),
        "--", PY, prog("seed002_client.py"), str(sp), str(cp)])
    assert rc == 0, err
    return Story(out), sp, cp


def role_calls(s):
    """Per role (client: the pid that connects, server: the one that
    listens), the calls on inet sockets in order: name, ret, errno and the
    call's own arguments. A new fd's number is not compared (the preload
    holds fds of its own), nor how a burst of data was split between
    consecutive recvs (a race in either backend): their bytes are summed."""
    client, server = s.pid_of("connect"), s.pid_of("listen")
    out = {}
    for role, pid in (("client", client), ("server", server)):
        calls = []
        for c in s.calls_of(pid):
            if c["args"].get("fam") not in ("inet", None) or \
                    c["name"] in ("epoll_wait", "poll", "select"):
                continue
            ret = c["ret"]
            if c["name"] in ("socket", "accept", "accept4") and ret is not None and ret >= 0:
                ret = "fd"
            row = [c["name"], ret, c["errno"],
                   tuple((k, c["args"].get(k)) for k in CALL_ARGS)]
            if calls and c["name"] == "recv" and calls[-1][0] == "recv" and \
                    (ret or 0) > 0 and (calls[-1][1] or 0) > 0:
                calls[-1][1] += ret
                continue
            calls.append(row)
        out[role] = [tuple(r) for r in calls]
    return out, {client: "client", server: "server"}


def attribution(s, roles, cp):
    """Each packet as direction (from the client's port or not), flags and
    length, with the call it is tied to as (role, name, which of that role's
    calls of that name)."""
    out = []
    for p in s.packets:
        cause = s.cause(p)
        if isinstance(cause, dict):
            same = [c["id"] for c in s.calls_of(cause["pid"], cause["name"])]
            cause = (roles[cause["pid"]], cause["name"], same.index(cause["id"]), p["why"])
        out.append((p["sport"] == cp, tuple(sorted(p["flags"])), p["len"], cause))
    return out


def relative(calls, sp, cp):
    """The ports of two runs differ: name them."""
    def fix(v):
        if isinstance(v, str):
            return v.replace(":%d" % sp, ":SP").replace(":%d" % cp, ":CP")
        return v
    return {r: [(n, ret, e, tuple((k, fix(v)) for k, v in a)) for n, ret, e, a in cs]
            for r, cs in calls.items()}


@needs_ebpf
def test_seed002_same_calls_and_attribution_as_the_preload():
    pre, psp, pcp = seed002_story("preload")
    ebpf, esp, ecp = seed002_story("ebpf")
    pre_calls, pre_roles = role_calls(pre)
    ebpf_calls, ebpf_roles = role_calls(ebpf)
    assert relative(ebpf_calls, esp, ecp) == relative(pre_calls, psp, pcp)
    # the client's connect and sends, the server's sends and close, named
    # the same way by both backends (the kernel's own packets too)
    # the packets calls sent (the kernel's own ACKs come and go with timing)
    a_pre = [a for a in attribution(pre, pre_roles, pcp) if isinstance(a[3], tuple)]
    a_ebpf = [a for a in attribution(ebpf, ebpf_roles, ecp) if isinstance(a[3], tuple)]
    assert a_ebpf == a_pre
    causes = {a[3][:3] for a in a_ebpf if isinstance(a[3], tuple)}
    assert ("client", "connect", 0) in causes
    assert ("client", "send", 0) in causes and ("client", "send", 1) in causes
    assert ("server", "send", 0) in causes
    # the ladder says so in words
    sp, cp = free_port(), free_port()
    rc, out, err = run_trace([
        "--backend", "ebpf", "--server", "%s %s %d" % (PY, prog("seed002_server.py"), sp),
        "--", PY, prog("seed002_client.py"), str(sp), str(cp)])
    assert rc == 0, err
    assert "connect" in out and "by #" in out and " send (data)" in out


def local_server(reply=b"pong\n"):
    """A loopback TCP server in this process: accepts one connection, reads
    until it has a line, answers, closes. Returns the port and the thread's
    join."""
    import threading
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    ls.settimeout(60)

    def serve():
        try:
            c, _ = ls.accept()
            with c:
                c.settimeout(30)
                data = b""
                while b"\n" not in data:
                    more = c.recv(100)
                    if not more:
                        break
                    data += more
                c.sendall(reply)
        except OSError:
            pass
        finally:
            ls.close()
    t = threading.Thread(target=serve, daemon=True)
    t.start()
    return ls.getsockname()[1], t


STATIC_C = r"""
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	char buf[64];
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	ssize_t n;

	sin.sin_port = htons((unsigned short)atoi(argv[1]));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof sin) < 0)
		return 1;
	if (send(fd, "ping\n", 5, 0) != 5)
		return 1;
	n = recv(fd, buf, sizeof buf, 0);
	close(fd);
	return n > 0 ? 0 : 1;
}
"""


@needs_ebpf
def test_static_c_client_traced(tmp_path):
    gcc = shutil.which("gcc")
    if not gcc:
        pytest.skip("gcc is not installed")
    src = tmp_path / "client.c"
    src.write_text(STATIC_C)
    exe = tmp_path / "client"
    p = subprocess.run([gcc, "-static", "-O1", "-o", str(exe), str(src)], capture_output=True)
    if p.returncode != 0:
        pytest.skip("gcc -static failed (no static libc?): %s" % p.stderr.decode()[-300:])
    # the preload cannot see into it
    port, t = local_server()
    rc, out, err = run_trace(["--backend", "preload", "--json", "--", str(exe), str(port)])
    assert rc == 1 and "statically linked" in err and out == ""
    # the eBPF backend can
    rc, out, err = run_trace(["--backend", "ebpf", "--json", "--", str(exe), str(port)])
    t.join(10)
    assert rc == 0, err
    s = Story(out)
    names = [c["name"] for c in s.calls]
    assert names == ["socket", "connect", "send", "recv", "close"], names
    connect = s.calls[1]
    assert connect["args"]["addr"] == "127.0.0.1:%d" % port and connect["ret"] == 0
    assert s.calls[2]["ret"] == 5 and s.calls[3]["ret"] == 5
    syn, = [p for p in s.packets if p["flags"] == ["SYN"]]
    assert syn["caused_by"] == connect["id"]
    data, = [p for p in s.packets if p["dport"] == port and p["len"] > 0]
    assert data["caused_by"] == s.calls[2]["id"]
    # the default (auto) sees that the preload cannot, takes eBPF and says why
    port, t = local_server()
    rc, out, err = run_trace(["--json", "--", str(exe), str(port)])
    t.join(10)
    assert rc == 0, err
    notes = [l for l in err.splitlines() if "note:" in l]
    assert notes == ["socklab trace: note: recording calls with the eBPF backend: %s is "
                     "statically linked" % exe], err
    assert [c["name"] for c in Story(out).calls] == names


GO_CLIENT = """package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
)

func main() {
	c, err := net.Dial("tcp", "127.0.0.1:"+os.Args[1])
	if err != nil {
		os.Exit(1)
	}
	fmt.Fprintf(c, "hello from go\\n")
	line, err := bufio.NewReader(c).ReadString('\\n')
	c.Close()
	if err != nil || line != "pong\\n" {
		os.Exit(1)
	}
}
"""


@needs_ebpf
def test_go_client_traced(tmp_path):
    go = shutil.which("go")
    if not go:
        pytest.skip("go (golang-go) is not installed")
    (tmp_path / "main.go").write_text(GO_CLIENT)
    (tmp_path / "go.mod").write_text("module gocl\n\ngo 1.19\n")
    env = dict(os.environ, GOCACHE=str(tmp_path / "cache"), GOPATH=str(tmp_path / "gopath"),
               GOFLAGS="", CGO_ENABLED="0", GO111MODULE="on", GOTOOLCHAIN="local")
    p = subprocess.run([go, "build", "-o", "client", "."], cwd=str(tmp_path), env=env,
                       capture_output=True, timeout=300)
    assert p.returncode == 0, p.stderr.decode()
    port, t = local_server()
    rc, out, err = run_trace(["--backend", "ebpf", "--json", "--", str(tmp_path / "client"),
                              str(port)])
    t.join(10)
    assert rc == 0, err
    s = Story(out)
    inet = [c for c in s.calls if c["args"].get("fam") == "inet"]
    connect = [c for c in inet if c["name"] == "connect"]
    assert connect and connect[0]["args"]["addr"] == "127.0.0.1:%d" % port
    # Go's connect is non-blocking: EINPROGRESS, then the poller says when
    assert connect[0]["ret"] in (0, -1)
    writes = [c for c in inet if c["name"] == "write" and c["ret"] == 14]
    reads = [c for c in inet if c["name"] == "read" and c["ret"] == 5]
    closes = [c for c in inet if c["name"] == "close"]
    assert writes and reads and closes, [c["name"] for c in inet]
    syn, = [p for p in s.packets if p["flags"] == ["SYN"]]
    assert syn["caused_by"] == connect[0]["id"]
    data, = [p for p in s.packets if p["dport"] == port and p["len"] > 0]
    assert data["caused_by"] == writes[0]["id"]
    # the untraced server's answer completes the read that waited for it
    reply, = [p for p in s.packets if p["sport"] == port and p["len"] > 0]
    assert reads[0]["completed_by"] == reply["no"] or reads[0]["t_enter"] > reply["ts"], \
        (reads[0], reply)
    # the default (auto) knows a Go program when it sees one
    port, t = local_server()
    rc, out, err = run_trace(["--json", "--", str(tmp_path / "client"), str(port)])
    t.join(10)
    assert rc == 0, err
    assert "note: recording calls with the eBPF backend: %s is a Go program" \
        % (tmp_path / "client") in err
    assert [c for c in Story(out).calls if c["name"] == "connect"]


SERVER = """import socket, sys
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", int(sys.argv[1])))
ls.listen(1)
print("ready", flush=True)
c, _ = ls.accept()
data = c.recv(100)
c.sendall(data.upper())
c.close()
ls.close()
"""


@needs_ebpf
def test_attach_to_a_running_server(tmp_path):
    port = free_port()
    script = tmp_path / "server.py"
    script.write_text(SERVER)
    srv = subprocess.Popen([PY, str(script), str(port)], stdout=subprocess.PIPE)
    try:
        assert srv.stdout.readline() == b"ready\n"
        tr = subprocess.Popen([BIN, "trace", "--json", "-p", str(srv.pid)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        # trace says when it follows the process, as strace -p does
        ready, _, _ = select.select([tr.stderr], [], [], 60)
        assert ready, "trace -p said nothing within 60 s"
        note = tr.stderr.readline().decode()
        assert "note: following pid %d (%s %s %d)" % (srv.pid, PY, script, port) in note, note
        with socket.create_connection(("127.0.0.1", port), timeout=10) as c:
            c.sendall(b"attach\n")
            assert c.recv(100) == b"ATTACH\n"
        # it ends when the server does, though the server is not reaped yet
        out, err = tr.communicate(timeout=60)
        assert tr.returncode == 0, err
        s = Story(out.decode())
        mine = [c for c in s.calls if c["pid"] == srv.pid]
        names = [c["name"] for c in mine]
        assert "recv" in names and "send" in names and "close" in names, names
        # accept was entered before the trace began: its return is recorded
        acc = [c for c in mine if c["name"] in ("accept", "accept4")]
        assert acc and acc[0]["ret"] >= 0
        recv = [c for c in mine if c["name"] == "recv"][0]
        assert recv["ret"] == 7
        send = [c for c in mine if c["name"] == "send"][0]
        data, = [p for p in s.packets if p["sport"] == port and p["len"] > 0]
        assert data["caused_by"] == send["id"]
    finally:
        if srv.poll() is None:
            srv.kill()
        srv.wait()


MIDSTREAM_SERVER = """import socket, sys
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", int(sys.argv[1])))
ls.listen(1)
print("ready", flush=True)
c, _ = ls.accept()
c.sendall(b"G" * 3000 + b"\\n")
print("greeted", flush=True)
f = c.makefile("rb")
for line in f:
    if line == b"bye\\n":
        break
    c.sendall(b"A" * 1000 + line.upper())
c.close()
"""


@needs_ebpf
def test_attach_midstream_ties_data_by_the_kernels_sequence_numbers(tmp_path):
    """-p on a server whose connection began before the trace: no handshake
    is seen, so the stream's byte count cannot place its bytes; the
    sequence numbers the kernel tells for each send do."""
    port = free_port()
    script = tmp_path / "server.py"
    script.write_text(MIDSTREAM_SERVER)
    srv = subprocess.Popen([PY, str(script), str(port)], stdout=subprocess.PIPE)
    c = None
    try:
        assert srv.stdout.readline() == b"ready\n"
        c = socket.create_connection(("127.0.0.1", port), timeout=10)
        assert srv.stdout.readline() == b"greeted\n"
        got = b""
        while not got.endswith(b"\n"):
            got += c.recv(65536)
        tr = subprocess.Popen([BIN, "trace", "--json", "-p", str(srv.pid)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        ready, _, _ = select.select([tr.stderr], [], [], 60)
        assert ready, "trace -p said nothing within 60 s"
        assert "note: following pid" in tr.stderr.readline().decode()
        for word in (b"one", b"two"):
            c.sendall(word + b"\n")
            want, got = 1000 + len(word) + 1, b""
            while len(got) < want:
                got += c.recv(65536)
        c.sendall(b"bye\n")
        out, err = tr.communicate(timeout=60)
        assert tr.returncode == 0, err
        assert b"warning" not in err, err
        s = Story(out.decode())
        sends = [x for x in s.calls if x["pid"] == srv.pid and x["name"] == "send"]
        assert len(sends) == 2 and all(x["ret"] == 1004 for x in sends), sends
        assert all("wseq" in x["args"] for x in sends)
        data = [p for p in s.packets if p["sport"] == port and p["len"] > 0]
        assert sum(p["len"] for p in data) == 2008, data
        for p in data:
            assert p["by_seq"] and p["why"] == "data", p
            send = s.call_by_id[p["caused_by"]]
            # the packet lies within the send's bytes, as the kernel numbered them
            start = (send["args"]["wseq"] - send["ret"]) % 2**32
            assert (p["seq_raw"] - start) % 2**32 < send["ret"], (p, send)
        assert {p["caused_by"] for p in data} == {x["id"] for x in sends}
    finally:
        if c:
            c.close()
        if srv.poll() is None:
            srv.kill()
        srv.wait()


def test_bad_input_one_clear_line():
    cases = [
        (["--backend", "bpf", "--", "true"], 2, "--backend bpf"),
        (["-p", "1", "--", "true"], 2, "cannot use -p with a program to run"),
        (["-p", "1", "--server", "true"], 2, "cannot use -p with --server"),
        (["-p", "1", "--backend", "preload"], 2, "-p needs the eBPF backend"),
        (["-p", "x"], 2, "-p x"),
    ]
    for args, rc_want, want in cases:
        rc, out, err = run_trace(args)
        assert rc == rc_want, (args, err)
        assert want in err.strip().splitlines()[0], (args, err)
        assert out == ""
    # the environment's default is checked like the option
    p = subprocess.run([BIN, "trace", "--", "true"], capture_output=True, timeout=30,
                       env=dict(os.environ, SOCKLAB_TRACE_BACKEND="kernel"))
    assert p.returncode == 2 and p.stdout == b""
    assert b"SOCKLAB_TRACE_BACKEND=kernel: not ebpf, preload or auto" in p.stderr


@needs_ebpf
def test_attach_to_no_such_process():
    # a pid that was just used and is gone
    p = subprocess.run(["true"])
    dead = subprocess.Popen(["true"])
    dead.wait()
    rc, out, err = run_trace(["-p", str(dead.pid)])
    assert rc == 1 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "no such process" in lines[0], err
    assert p.returncode == 0


def test_ebpf_without_privilege_one_clear_line():
    prefix = unprivileged_prefix()
    rc, out, err = run_trace(["--backend", "ebpf", "--", PY, "-c", "pass"], prefix=prefix)
    assert rc == 1 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "--backend ebpf" in lines[0] and "root" in lines[0]
    # auto would fall back to the preload, but the capture needs root as
    # well: the run ends in the capture's one line, not a note before it
    rc, out, err = run_trace(["--backend", "auto", "--", PY, "-c", "pass"], prefix=prefix)
    assert rc == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "permission denied" in lines[0] and "note" not in lines[0], err


@needs_ebpf
def test_auto_keeps_the_preload_where_it_sees_the_program(tmp_path):
    """auto (the default) takes the preload for a dynamically linked program
    or a script, which also names its source lines, and says nothing."""
    script = tmp_path / "one.py"
    script.write_text("#!%s\nimport socket\nsocket.socket().close()\n" % PY)
    script.chmod(0o755)
    for args in (["--backend", "auto", "--", PY, str(script)], ["--", str(script)]):
        rc, out, err = run_trace(["--json"] + args)
        assert rc == 0, err
        assert "note:" not in err, err
        sock = [c for c in Story(out).calls if c["name"] == "socket"]
        assert sock and sock[0]["src"]["file"] == str(script), sock
        assert sock[0]["src"]["line"] == 3
