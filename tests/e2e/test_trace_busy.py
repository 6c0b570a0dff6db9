"""socklab trace on a busy loopback: while an unrelated bulk transfer moves
hundreds of megabytes a second on lo, the kernel observer's socket filter
keeps the capture to the traced programs' ports, so the story of seed 002's
pair is whole (the same packets as on a quiet lo) and trace warns of
nothing. Without the filter (SOCKLAB_TRACE_KOBS=0) the same load fills the
capture's memory bound: the check that the load is heavy enough to
matter."""
import contextlib
import subprocess

from test_trace import PY, TIMEOUT, Story, free_port, needs_root, prog, run_trace

BULK_BYTES = 24 << 30   # bounds on the unrelated transfer
BULK_SECONDS = 30
BULK_MB_PER_S = 600     # the capture's bound (256 MB) fills in under a second


@contextlib.contextmanager
def bulk_transfer():
    port = free_port()
    p = subprocess.Popen([PY, prog("bulk_pair.py"), str(port), str(BULK_BYTES),
                          str(BULK_SECONDS), str(BULK_MB_PER_S)],
                         stdout=subprocess.PIPE)
    try:
        # "ready" once data flows, or EOF when it could not start
        assert p.stdout.readline() == b"ready\n"
        yield port
        assert p.poll() is None, "the bulk transfer ended before the trace did"
    finally:
        p.kill()
        p.wait(timeout=TIMEOUT)


def trace_seed002(prefix=()):
    sp, cp = free_port(), free_port()
    rc, out, err = run_trace([
        "--json", "--server", "%s %s %d" % (PY, prog("seed002_server.py"), sp),
        "--", PY, prog("seed002_client.py"), str(sp), str(cp)], prefix=prefix)
    return rc, Story(out) if rc == 0 else None, err, sp, cp


def trace_lines(err):
    """trace's own lines on stderr (the programs' stdout goes there too
    with --json)."""
    return [l for l in err.splitlines() if l.startswith("socklab")]


def summary(story, sp, cp):
    """Per direction (client's first): SYNs, payload bytes, FINs, with the
    ports checked. Segmentation depends on timing (Nagle may merge the last
    send with the FIN), so the packets themselves are not compared."""
    out = {True: [0, 0, 0], False: [0, 0, 0]}
    for p in story.packets:
        assert p["proto"] == "tcp" and {p["sport"], p["dport"]} == {sp, cp}, p
        d = out[p["sport"] == cp]
        d[0] += "SYN" in p["flags"]
        d[1] += p["len"]
        d[2] += "FIN" in p["flags"]
    return out[True], out[False]


@needs_root
def test_busy_loopback_keeps_the_whole_story_and_warns_of_nothing():
    rc, quiet, err, sp, cp = trace_seed002()
    assert rc == 0 and trace_lines(err) == [], err
    expected = summary(quiet, sp, cp)
    assert expected == ([1, 44, 1], [1, 46, 1]), expected
    assert len(quiet.packets) >= 10
    with bulk_transfer() as bulk_port:
        rc, busy, err, sp, cp = trace_seed002()
    assert rc == 0, err
    assert trace_lines(err) == [], err
    assert summary(busy, sp, cp) == expected
    assert all(bulk_port not in (p["sport"], p["dport"]) for p in busy.packets)
    # every packet has its cause, and every read that got bytes its packet
    assert all(p["caused_by"] is not None for p in busy.packets), busy.packets
    reads = [c for c in busy.calls if c["name"] == "recv" and c["ret"]]
    # (a read may take both of the peer's sends at once: one per side at least)
    assert len(reads) >= 2 and all(c["completed_by"] for c in reads), reads


@needs_root
def test_without_the_kernel_filter_the_same_load_fills_the_capture():
    with bulk_transfer():
        rc, _, err, _, _ = trace_seed002(prefix=("env", "SOCKLAB_TRACE_KOBS=0"))
    lines = trace_lines(err)
    assert any("the capture outgrew its memory bound" in l and "SOCKLAB_TRACE_KOBS=0" in l
               for l in lines), err


@needs_root
def test_a_port_learned_from_the_first_packet_keeps_that_packet():
    """Neither end binds: the client's port is known only when its SYN
    leaves, and the port it connects to is closed, so the SYN and the RST
    are kept only if the port entered the filter before the capture saw
    the SYN."""
    closed = free_port()
    with bulk_transfer():
        rc, out, err = run_trace(["--json", "--", PY, prog("connect_closed.py"), str(closed)])
    assert rc == 3, err
    assert trace_lines(err) == [], err
    s = Story(out)
    assert [sorted(p["flags"]) for p in s.packets] == [["SYN"], ["ACK", "RST"]], s.packets
    assert s.packets[0]["dport"] == closed
