"""socklab trace --pcapng: the trace's packets as pcapng, each with a
comment saying which call (or the kernel) sent it and from which process,
read back by tshark (frame.comment) and by socklab decode."""
import shutil
import subprocess

import pytest

from conftest import BIN
from test_trace import PY, TIMEOUT, Story, free_port, needs_root, prog, run_trace

needs_tshark = pytest.mark.skipif(not shutil.which("tshark"),
                                  reason="tshark is not installed (scripts/deps.sh test)")


@needs_root
@needs_tshark
def test_pcapng_comments_name_the_call_and_process(tmp_path):
    out = tmp_path / "t.pcapng"
    sp, cp = free_port(), free_port()
    rc, stdout, err = run_trace([
        "--json", "--pcapng", str(out),
        "--server", "%s %s %d" % (PY, prog("seed002_server.py"), sp),
        "--", PY, prog("seed002_client.py"), str(sp), str(cp)])
    assert rc == 0, err
    s = Story(stdout)
    p = subprocess.run(["tshark", "-r", str(out), "-T", "fields", "-e", "frame.number",
                        "-e", "tcp.srcport", "-e", "frame.comment"],
                       capture_output=True, timeout=TIMEOUT)
    assert p.returncode == 0, p.stderr
    rows = [l.split("\t") for l in p.stdout.decode().splitlines()]
    assert len(rows) == len(s.packets) and rows, (rows, len(s.packets))
    for (num, sport, comment), pkt in zip(rows, s.packets):
        assert int(sport) == pkt["sport"]
        assert comment.startswith("[%d] " % pkt["no"]), comment
        cause = pkt["caused_by"]
        if isinstance(cause, int):
            call = s.call_by_id[cause]
            assert "by #%d %s" % (cause, call["name"]) in comment, (comment, call)
            assert "(pid %d)" % call["pid"] in comment, comment
        else:
            assert "kernel" in comment or "by" in comment, comment
    # the same packets as --pcap would keep: socklab decode reads pcapng too
    d = subprocess.run([BIN, "decode", "-nn", str(out)], capture_output=True, timeout=TIMEOUT)
    assert d.returncode == 0, d.stderr
    assert len(d.stdout.decode().splitlines()) == len(s.packets)


def test_pcapng_path_checked_before_the_program_runs(tmp_path):
    marker = tmp_path / "ran"
    rc, out, err = run_trace(["--pcapng", "/nonexistent/dir/t.pcapng", "--",
                              "/bin/sh", "-c", "touch %s" % marker])
    assert rc == 1 and "--pcapng" in err and not marker.exists(), err
    rc, out, err = run_trace(["--pcap", str(tmp_path / "a"), "--pcapng", str(tmp_path / "a"),
                              "--", "true"])
    assert rc == 2 and "cannot write --pcap and --pcapng to the same file" in err, err
