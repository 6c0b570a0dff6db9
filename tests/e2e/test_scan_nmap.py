"""socklab scan with nmap's habits: -sT/-sU/-sV/-sL, -T0..-T5, --top-ports, -F,
--open, -n, -Pn, -iL, --exclude, CIDR blocks and ranges, -oX (nmap.dtd,
read by ndiff), -oN, -oA, the answers to nmap flags socklab cannot follow,
and the hint for a lab server at a --port-offset. Loopback only: ranges of
other addresses are only listed (-sL), never scanned."""

import os
import re
import select
import shutil
import socket
import subprocess
import threading
import time

import pytest

from conftest import WAIT
from test_scan import (NMAP, SCAN_TIMEOUT, owned, scan, scan_json,  # noqa: F401 (fixture)
                       spec, states_of, by_port)

DTD = "/usr/share/nmap/nmap.dtd"
XMLLINT = shutil.which("xmllint")
NDIFF = shutil.which("ndiff")

needs_nmap = pytest.mark.skipif(NMAP is None or not os.path.exists(DTD),
                                reason="nmap is not installed (scripts/deps.sh test)")
needs_xmllint = pytest.mark.skipif(XMLLINT is None or not os.path.exists(DTD),
                                   reason="xmllint or nmap.dtd missing (scripts/deps.sh test)")
needs_ndiff = pytest.mark.skipif(NDIFF is None, reason="ndiff missing (scripts/deps.sh test)")


def expand(services):
    """nmap's "7,9,13-19" -> [7, 9, 13, ..., 19]."""
    out = []
    for part in services.split(","):
        a, _, b = part.partition("-")
        out += list(range(int(a), int(b or a) + 1))
    return out


def check_dtd(path):
    p = subprocess.run([XMLLINT, "--noout", "--dtdvalid", DTD, path],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr


def ndiff_ports(a, b):
    """ndiff -v A B -> ({port: state} in A, {port: state} in B), from its
    text: every port of both scans, unchanged (' ') or changed ('-'/'+')."""
    p = subprocess.run([NDIFF, "-v", a, b], capture_output=True, text=True, timeout=60)
    assert p.returncode in (0, 1), (p.returncode, p.stderr)
    assert "Traceback" not in p.stderr, p.stderr
    sides = ({}, {})
    for line in p.stdout.splitlines():
        m = re.match(r"^([ +-])(\d+)/(tcp|udp)\s+(\S+)", line)
        if not m:
            continue
        key = (m.group(3), int(m.group(2)))
        if m.group(1) in " -":
            sides[0][key] = m.group(4)
        if m.group(1) in " +":
            sides[1][key] = m.group(4)
    return sides, p.stdout


# ---------------------------------------------------------------- habit flags

@pytest.mark.parametrize("flags", [
    ["-sT"], ["-sT", "-Pn", "-n"], ["-r", "--reason"], ["-T3"], ["-T4"], ["-T5"],
    ["-T0"], ["-Taggressive"], ["--max-retries", "2"],
])
def test_habit_flags_scan_as_usual(owned, flags):
    """Accepted flags change the pacing or nothing, never the states (-T0
    and -T1 pause between connects: one port needs no pause)."""
    l = owned()
    op = l.tcp_open()
    objs, summary = scan_json(*flags, "-p", op, "127.0.0.1")
    assert states_of(objs, "tcp") == {op: "open"}


def test_sU_is_a_udp_scan(owned):
    l = owned()
    echo = l.udp_echo()
    objs, _ = scan_json("-sU", "-p", echo, "127.0.0.1")
    assert [(o["proto"], o["port"], o["state"]) for o in objs] == [("udp", echo, "open")]


def test_sU_sT_scans_both(owned):
    l = owned()
    op, echo = l.tcp_open(), l.udp_echo()
    objs, _ = scan_json("-sU", "-sT", "-p", spec([op, echo]), "127.0.0.1")
    assert states_of(objs, "tcp")[op] == "open"
    assert states_of(objs, "udp")[echo] == "open"


def test_sV_grabs_banners(start_server):
    srv = start_server("--only", "daytime", "--tcp-only", "--service", "daytime=0", "-q")
    port = srv.port("daytime", "tcp")
    objs, _ = scan_json("-sV", "-p", port, "127.0.0.1")
    assert objs[0]["state"] == "open"
    assert objs[0]["banner"] and objs[0]["banner"].endswith("\r\n")
    p = scan("-sV", "-p", port, "127.0.0.1")
    assert "BANNER" in p.stdout


def test_open_lists_only_open_ports(owned):
    l = owned()
    op, cl = l.tcp_open(), l.tcp_closed()
    p = scan("--open", "-v", "-p", spec([op, cl]), "127.0.0.1")
    assert p.returncode == 0
    assert re.search(r"^%d/tcp +open " % op, p.stdout, re.M), p.stdout
    assert not re.search(r"^%d/tcp" % cl, p.stdout, re.M), p.stdout
    assert "Not shown: 1 closed tcp port (conn-refused)" in p.stdout
    p = scan("-v", "-p", spec([op, cl]), "127.0.0.1")
    assert re.search(r"^%d/tcp +closed " % cl, p.stdout, re.M), p.stdout
    # the grepable lines leave them out too
    p = scan("--open", "-v", "-oG", "-", "-p", spec([op, cl]), "127.0.0.1")
    assert "%d/open/tcp" % op in p.stdout and "%d/closed" % cl not in p.stdout


def accept_times(socks, stop, times):
    while not stop.is_set():
        r, _, _ = select.select(socks, [], [], 0.05)
        for s in r:
            c, _ = s.accept()
            times.append(time.monotonic())
            c.close()


def test_scan_delay_spaces_the_connects():
    """--scan-delay (and -T0..-T2's) is a lower bound between connects."""
    socks = []
    for _ in range(3):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        s.listen(8)
        socks.append(s)
    stop, times = threading.Event(), []
    t = threading.Thread(target=accept_times, args=(socks, stop, times))
    t.start()
    try:
        ports = [s.getsockname()[1] for s in socks]
        objs, _ = scan_json("--scan-delay", "0.2", "-p", spec(ports), "127.0.0.1")
        deadline = time.monotonic() + WAIT
        while len(times) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        stop.set()
        t.join(timeout=WAIT)
        for s in socks:
            s.close()
    assert sorted(states_of(objs, "tcp").values()) == ["open"] * 3
    assert len(times) == 3
    times.sort()
    # accepted after the handshake: the gaps are the delay, less a little jitter
    assert all(b - a >= 0.15 for a, b in zip(times, times[1:])), times


@needs_nmap
@pytest.mark.parametrize("flags, n", [(["--top-ports", "20"], 20), (["-F"], 100),
                                      (["--top-ports", "1000"], 1000)])
def test_top_ports_are_nmaps(flags, n):
    """The same list as nmap's, for nmap's ranking: its scaninfo and ours."""
    p = subprocess.run([NMAP, "-n", "-Pn", "-sT", "--max-retries", "0", "-oX", "-"] + flags +
                       ["127.0.0.1"], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    theirs = expand(re.search(r' services="([^"]*)"', p.stdout).group(1))
    q = scan(*flags, "-oX", "-", "127.0.0.1")
    assert q.returncode == 0, q.stderr
    ours = expand(re.search(r' services="([^"]*)"', q.stdout).group(1))
    assert len(ours) == n
    assert ours == theirs


# ---------------------------------------------------------------- targets

def listed(p):
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert lines[-1].startswith("scan done: ")
    return [l[len("socklab scan report for "):] for l in lines[:-1]]


def test_cidr_and_ranges_are_expanded():
    p = scan("-sL", "127.0.0.0/30", "10.0.0.1-3", "10.9.8-9.254-255", "::1", "fd00::/126")
    assert listed(p) == [
        "127.0.0.0", "127.0.0.1", "127.0.0.2", "127.0.0.3",
        "10.0.0.1", "10.0.0.2", "10.0.0.3",
        "10.9.8.254", "10.9.8.255", "10.9.9.254", "10.9.9.255",
        "::1", "fd00::", "fd00::1", "fd00::2", "fd00::3"]
    assert p.stdout.splitlines()[-1] == "scan done: 16 hosts listed, none scanned (-sL)"


def test_exclude_and_input_list(tmp_path):
    lst = tmp_path / "targets.txt"
    lst.write_text("# lab hosts\n10.1.0.0/29  10.2.0.1 # the router\n\nlocalhost\n")
    excl = tmp_path / "excl.txt"
    excl.write_text("10.1.0.6-7\n")
    p = scan("-sL", "-iL", lst, "--exclude", "10.1.0.0,10.2.0.1", "--excludefile", excl)
    assert listed(p) == ["10.1.0.1", "10.1.0.2", "10.1.0.3", "10.1.0.4", "10.1.0.5",
                         "localhost (127.0.0.1)"]
    # names too, and -iL - reads standard input
    q = subprocess.run([os.environ.get("SOCKLAB_BIN"), "scan", "-sL", "-iL", "-",
                        "--exclude", "localhost"], input="10.3.0.1-2 localhost\n",
                       capture_output=True, text=True, timeout=SCAN_TIMEOUT)
    assert listed(q) == ["10.3.0.1", "10.3.0.2"]


def test_a_loopback_range_is_scanned_host_by_host(owned):
    l = owned()
    op = l.tcp_open()
    objs, summary = scan_json("-p", op, "127.0.0.1-3", "--exclude", "127.0.0.2")
    assert sorted((o["addr"], o["state"]) for o in objs) == [
        ("127.0.0.1", "open"), ("127.0.0.3", "closed")]
    assert summary["hosts"] == 2


@pytest.mark.parametrize("args, why", [
    (["10.0.0.300"], "10.0.0.300: octet 4 '300' is not 0-255, N-M or *"),
    (["10.0.0.0/8"], "10.0.0.0/8: more than 65536 hosts in all (a /16); scan a smaller range"),
    (["name/24"], "name/24: a /prefix needs an IPv4 or IPv6 address, not a name"),
    (["fd00::/64"], "fd00::/64: too many addresses; socklab expands IPv6 blocks of /112 and "
                    "longer"),
    (["-iL", "/nonexistent/list"], "cannot read -iL /nonexistent/list: No such file or "
                                   "directory"),
    (["--exclude", "10.0.0.1/40", "h"], "10.0.0.1/40: an IPv4 prefix is /0 to /32"),
])
def test_bad_targets_are_usage_errors(args, why):
    p = scan("-sL", *args)
    assert p.returncode == 2
    assert p.stdout == ""
    assert p.stderr.splitlines()[0] == "socklab scan: " + why


# ---------------------------------------------------------------- output files

def lab_ports(srv):
    return {srv.port(s, "tcp"): s for s in ("echo", "discard", "daytime", "qotd", "chargen")}


@needs_xmllint
def test_xml_is_valid_against_nmaps_dtd(start_server, owned, tmp_path):
    srv = start_server("--only", "echo,discard,daytime,qotd,chargen", "--tcp-only",
                       *[a for s in ("echo", "discard", "daytime", "qotd", "chargen")
                         for a in ("--service", s + "=0")], "-q")
    l = owned()
    closed = [l.tcp_closed() for _ in range(30)]  # > 25: nmap's <extraports>
    ports = sorted(list(lab_ports(srv)) + closed)
    out = tmp_path / "scan.xml"
    p = scan("-sV", "-oX", out, "-p", spec(ports), "localhost")
    assert p.returncode == 0, p.stderr
    check_dtd(str(out))
    text = out.read_text()
    assert '<nmaprun scanner="nmap" args="socklab scan -sV -oX ' in text
    assert '<scaninfo type="connect" protocol="tcp" numservices="%d"' % len(ports) in text
    assert '<hostname name="localhost" type="user"/>' in text
    assert re.search(r'<extraports state="closed" count="30">\n<extrareasons '
                     r'reason="conn-refused" count="30" proto="tcp" ports="[\d,-]+"/>', text)
    for port in lab_ports(srv):
        assert '<port protocol="tcp" portid="%d"><state state="open" reason="syn-ack"' % port \
            in text
    echo = srv.port("echo", "tcp")
    assert re.search(r'portid="%d">.*<script id="banner" output="Hello World!\\r\\n"/>'
                     % echo, text)
    assert '<hosts up="1" down="0" total="1"/>' in text
    # the table was printed as usual
    assert "socklab scan report for localhost (127.0.0.1)" in p.stdout


@needs_xmllint
def test_xml_udp_and_open_only_are_valid(owned, tmp_path):
    l = owned()
    echo, silent, op, cl = l.udp_echo(), l.udp_silent(), l.tcp_open(), l.tcp_closed()
    out = tmp_path / "u.xml"
    p = scan("-sU", "-sT", "--open", "-oX", out, "-p", spec([echo, silent, op, cl]),
             "127.0.0.1")
    assert p.returncode == 0, p.stderr
    check_dtd(str(out))
    text = out.read_text()
    assert '<scaninfo type="udp" protocol="udp"' in text
    assert 'protocol="udp" portid="%d"><state state="open" reason="udp-response"' % echo in text
    assert 'portid="%d"><state state="open|filtered"' % silent in text
    assert 'portid="%d"><state state="closed"' % cl not in text  # --open: in extraports


@needs_ndiff
@needs_xmllint
def test_ndiff_reads_two_socklab_scans(owned, tmp_path):
    l = owned()
    op, cl = l.tcp_open(), l.tcp_closed()
    a, b = tmp_path / "a.xml", tmp_path / "b.xml"
    assert scan("-oX", a, "-p", spec([op, cl]), "127.0.0.1").returncode == 0
    newly = l.tcp_open()
    assert scan("-oX", b, "-p", spec([op, cl, newly]), "127.0.0.1").returncode == 0
    (sa, sb), text = ndiff_ports(str(a), str(b))
    assert sa == {("tcp", op): "open", ("tcp", cl): "closed"}, text
    assert sb == {("tcp", op): "open", ("tcp", cl): "closed", ("tcp", newly): "open"}, text
    assert "+%d/tcp open" % newly in text


@needs_nmap
@needs_ndiff
def test_ndiff_between_nmap_and_socklab_shows_the_same_ports(owned, start_server, tmp_path):
    srv = start_server("--only", "echo,discard,daytime,qotd,chargen", "--tcp-only",
                       *[a for s in ("echo", "discard", "daytime", "qotd", "chargen")
                         for a in ("--service", s + "=0")], "-q")
    l = owned()
    ports = sorted(list(lab_ports(srv)) + [l.tcp_open()] + [l.tcp_closed() for _ in range(5)])
    ours, theirs = tmp_path / "socklab.xml", tmp_path / "nmap.xml"
    assert scan("-oX", ours, "-p", spec(ports), "127.0.0.1").returncode == 0
    p = subprocess.run([NMAP, "-n", "-Pn", "-sT", "-p", spec(ports), "-oX", str(theirs),
                        "127.0.0.1"], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    check_dtd(str(ours))
    (sn, ss), text = ndiff_ports(str(theirs), str(ours))
    want = {("tcp", x): "open" for x in list(lab_ports(srv))}
    assert {k: v for k, v in ss.items() if v == "open"} == \
        {k: v for k, v in sn.items() if v == "open"}, text
    assert set(want) <= set(ss), text
    assert sn == ss, text


def test_normal_output_file(owned, tmp_path):
    l = owned()
    op, cl = l.tcp_open(), l.tcp_closed()
    out = tmp_path / "scan.nmap"
    p = scan("-oN", out, "-p", spec([op, cl]), "127.0.0.1")
    assert p.returncode == 0, p.stderr
    lines = out.read_text().splitlines()
    assert re.match(r"# socklab \S+ scan initiated .* as: socklab scan -oN %s -p %s 127.0.0.1$"
                    % (re.escape(str(out)), spec([op, cl])), lines[0]), lines
    assert lines[1] == "socklab scan report for 127.0.0.1"
    assert "Not shown: 1 closed tcp port (conn-refused)" in lines
    assert any(re.match(r"%d/tcp +open +\S+ +syn-ack$" % op, x) for x in lines), lines
    assert re.match(r"# socklab done at .* -- 1 IP address \(1 host up\) scanned in [\d.]+ "
                    r"seconds$", lines[-1]), lines
    # the table on standard output is the same
    assert "socklab scan report for 127.0.0.1" in p.stdout


def test_dash_means_standard_output_alone(owned):
    l = owned()
    op = l.tcp_open()
    p = scan("-oN", "-", "-p", op, "127.0.0.1")
    assert p.returncode == 0
    assert p.stdout.startswith("# socklab ") and p.stdout.rstrip().splitlines()[-1].startswith(
        "# socklab done at ")
    assert "scan done:" not in p.stdout
    p = scan("-oX", "-", "-p", op, "127.0.0.1")
    assert p.stdout.startswith('<?xml version="1.0"') and p.stdout.endswith("</nmaprun>\n")


@needs_xmllint
def test_all_formats(owned, tmp_path):
    l = owned()
    op = l.tcp_open()
    base = tmp_path / "lab"
    p = scan("-oA", base, "-p", op, "127.0.0.1")
    assert p.returncode == 0, p.stderr
    check_dtd(str(base) + ".xml")
    assert "%d/tcp" % op in (tmp_path / "lab.nmap").read_text()
    gnmap = (tmp_path / "lab.gnmap").read_text()
    assert "Ports: %d/open/tcp//" % op in gnmap
    p = scan("-oA", "/nonexistent-dir/x", "-p", op, "127.0.0.1")
    assert p.returncode == 1
    assert p.stderr.startswith("socklab scan: cannot open -oG /nonexistent-dir/x.gnmap: ")


# ---------------------------------------------------------------- foreign flags

@pytest.mark.parametrize("args, why", [
    (["-sS"], "-sS needs raw sockets; socklab scans with connect(): use -sT"),
    (["-sF"], "-sF needs raw sockets; socklab scans with connect(): use -sT"),
    (["-sn"], "-sn (ping scan): socklab does no host discovery; list the targets with -sL, "
              "or scan a few ports: -p 22,80,443"),
    (["-O"], "-O (OS detection) needs raw packets; socklab has none: -sV grabs banners, which "
             "often name the system"),
    (["-A"], "-A (OS detection, versions, scripts, traceroute): socklab has no OS detection, "
             "scripts or traceroute; -sV grabs banners"),
    (["-sC"], "-sC (default scripts): socklab has no scripts; -sV grabs what each open port "
              "sends (banners)"),
    (["--script", "vuln"], "--script: socklab has no scripts; -sV grabs banners"),
    (["--traceroute"], "--traceroute: socklab has no traceroute in scan; socklab trace "
                       "follows a program's sockets"),
    (["-PE"], "-PE: socklab does no host discovery: every target is scanned, as with nmap's "
              "-Pn"),
    (["--min-rate", "100"], "--min-rate: socklab sends as fast as answers come; it has "
                            "--max-rate N (UDP)"),
    (["-T6"], "-T6: the timing templates are -T0 to -T5 (paranoid, sneaky, polite, normal, "
              "aggressive, insane)"),
    (["-oS", "f"], "-oS (script kiddie) is not an output socklab writes: -oN, -oX, -oG or -oA"),
    (["-oA", "-"], "-oA - would put three formats on standard output: -oX -, -oN - or -oG -"),
    (["--top-ports", "5000"], "--top-ports 5000: socklab knows nmap's 1000 most common ports; "
                              "-p - scans all"),
])
def test_foreign_flags_answer_with_socklabs_spelling(args, why):
    p = scan(*args, "127.0.0.1")
    assert p.returncode == 2
    assert p.stdout == ""
    assert p.stderr.splitlines()[0] == "socklab scan: " + why


def test_all_ports_as_nmap_spells_it(owned):
    """-p- is every port; checked through -sL-free -oX's scaninfo, nothing scanned
    beyond one open port (--top-ports would conflict)."""
    p = scan("-p-", "-oX", "-", "--host-timeout", "0.01", "127.0.0.1", timeout=SCAN_TIMEOUT)
    assert p.returncode == 0, p.stderr
    assert 'numservices="65535" services="1-65535"' in p.stdout


# ---------------------------------------------------------------- the offset hint

def ports_free(ports):
    for port in ports:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                return False
    return True


def test_nothing_open_suggests_the_lab_offset(start_server):
    top = expand(re.search(r' services="([^"]*)"',
                           scan("--top-ports", "10", "-oX", "-", "127.0.0.1").stdout).group(1))
    off = next((o for o in range(41000, 60000, 1000) if ports_free([o + 7, o + 13])), None)
    assert off is not None, "no free offset"
    objs, _ = scan_json("--top-ports", "10", "127.0.0.1")
    busy = [o["port"] for o in objs if o["state"] == "open"]
    if busy:
        pytest.skip("common ports are open on this machine: %s" % busy)
    start_server("--port-offset", str(off), "--only", "echo,daytime", "--tcp-only", "-q")
    p = scan("--top-ports", "10", "127.0.0.1")
    assert p.returncode == 0
    m = re.match(r"socklab scan: nothing open among the 10 most common TCP ports of "
                 r"127\.0\.0\.1, but a socklab lab server answers at --port-offset (\d+) "
                 r"\((echo|daytime) on (\d+)\): socklab scan -p (\d+)-(\d+) 127\.0\.0\.1\n$",
                 p.stderr)
    assert m, p.stderr
    found, port = int(m.group(1)), int(m.group(3))
    assert (int(m.group(4)), int(m.group(5))) == (found, found + 100)
    # the lowest offset that answers: ours, or another lab server on this machine
    assert found <= off and port in (found + 7, found + 13)
    if found == off:
        assert (m.group(2), port) == ("echo", off + 7)
    else:
        socket.create_connection(("127.0.0.1", port), timeout=WAIT).close()
    assert len(top) == 10
    # named ports: the user chose them, no hint
    p = scan("-p", top[0], "127.0.0.1")
    assert p.stderr == ""
