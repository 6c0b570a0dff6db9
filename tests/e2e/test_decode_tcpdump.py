"""socklab decode against tcpdump, the tool its text lines imitate: the TCP
flags column over every TCP-bearing capture in ../shared/pcaps, and transport
headers cut short ([|tcp], [|udp], [|icmp]) printed with the fields that were
there and nothing else."""
import json
import os
import re
import shutil
import struct
import subprocess

import pytest

from conftest import BIN, SANITIZER_MARKS
from test_decode_tshark import CAPTURES, needs_pcaps, parallel

needs_tcpdump = pytest.mark.skipif(not shutil.which("tcpdump"),
                                   reason="tcpdump is not installed (scripts/deps.sh test)")

# A TCP header's flags as tcpdump prints them right after the endpoints
# ("a.1 > b.2: Flags [S.E]"); other protocols' "flags [...]" do not match.
TCP_FLAGS = re.compile(r": Flags \[([FSRPUEWe.]*|none)\]")

# Captures whose flags column differs from tcpdump 4.99.3's for a known
# reason. Each differing packet must fit its file's rule (RULES below); a
# difference in any other file fails the test.
KNOWN = {
    # tcpdump 4.99.3 does not show the AE bit (RFC 9768, letter 'e'); later
    # tcpdump prints it as socklab does.
    "accecn_handshake.pcap": "ae",
    "babel_update_oobr.pcap": "ae",
    "beep-oobr.pcap": "ae",
    "bgp-bgp_capabilities_print-oobr-1.pcap": "ae",
    "bgp-bgp_capabilities_print-oobr-2.pcap": "ae",
    "bgp_mp_reach_nlri-oobr.pcap": "ae",
    "heapoverflow-tcp_print.pcap": "ae",
    "rpki-rtr-oobr.pcap": "ae",
    # Link types socklab does not decode (ARCNET, PPP, Juniper, IPoIB).
    "arcnet-rfc1051-arp-icmp-http.pcap": "link",
    "arcnet-rfc1201-arp-icmp-http.pcap": "link",
    "bgp-aigp.pcap": "link",
    "bgp_vpn_attrset.pcap": "link",
    "ipoib.pcap": "link",
    "lspping-fec-ldp.pcap": "link",
    # TCP inside a UDP tunnel (VXLAN 4789, Geneve 6081), which socklab does
    # not open.
    "geneve.pcap": "tunnel",
    "geneve-gcp.pcap": "tunnel",
    "gso-ipv4-geneve-ipv4.pcap": "tunnel",
    "gso-ipv4-geneve-ipv6.pcap": "tunnel",
    "gso-ipv4-vxlan-ipv4.pcap": "tunnel",
    "gso-ipv4-vxlan-ipv6.pcap": "tunnel",
    "gso-ipv6-geneve-ipv4.pcap": "tunnel",
    "gso-ipv6-geneve-ipv6.pcap": "tunnel",
    "gso-ipv6-vxlan-ipv4.pcap": "tunnel",
    "gso-ipv6-vxlan-ipv6.pcap": "tunnel",
    # IP length 0 (TSO, BIG TCP): tcpdump 4.99.3 gives up ("bad-len 0",
    # "[|tcp]"); socklab takes the frame's length, as later tcpdump does.
    "bigtcp-ipv4.pcap": "tso",
    "bigtcp-ipv6.pcap": "tso",
    "ipv4_tcp_http_xml_tso.pcap": "tso",
}


def _ae(ours, theirs, line):
    return ours is not None and "e" in ours and (ours.replace("e", "") or "none") == theirs


RULES = {
    "ae": _ae,
    "link": lambda ours, theirs, line: ours is None and
    re.search(r"^\S+ (\S+|DLT \d+), length \d+$", line) is not None,
    "tunnel": lambda ours, theirs, line: ours is None and
    re.search(r"\.(4789|6081): UDP", line) is not None,
    "tso": lambda ours, theirs, line: theirs is None and ours is not None and
    re.search(r"length \d+$", line) is not None,
}


def run(args, timeout=120):
    proc = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    err = proc.stderr.decode("utf-8", "replace")
    if args[0] == BIN:
        for mark in SANITIZER_MARKS:
            assert mark not in err, "%s %s:\n%s" % (args, mark, err[-3000:])
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), err


def tcpdump_packets(path):
    """tcpdump -nn's output split per packet (-# numbers them, so a printer
    that writes several lines cannot shift the count)."""
    _, out, _ = run(["tcpdump", "-nn", "-#", "-r", path])
    packets, n = [], 1
    for line in out.splitlines():
        m = re.match(r" *(\d+)  ", line)
        if m and int(m.group(1)) == n:
            packets.append(line)
            n += 1
        elif packets:
            packets[-1] += "\n" + line
    return packets


def first_flags(text):
    m = TCP_FLAGS.search(text)
    return m.group(1) if m else None


@needs_pcaps
@needs_tcpdump
@pytest.mark.skipif(os.environ.get("SOCKLAB_VARIANT") == "asan",
                    reason="compared in the normal build (same output); the ASan run of "
                           "test_decode_tshark decodes every capture")
def test_tcp_flag_letters_match_tcpdump():
    def both(path):
        _, ours, _ = run([BIN, "decode", path])
        return path, ours.splitlines(), tcpdump_packets(path)

    unexplained, explained, compared, files = [], {}, 0, 0
    for path, ours, theirs in parallel(both, CAPTURES):
        name = os.path.basename(path)
        if not any(first_flags(p) for p in theirs) and not any(first_flags(l) for l in ours):
            continue
        files += 1
        for i, (line, pkt) in enumerate(zip(ours, theirs)):
            a, b = first_flags(line), first_flags(pkt)
            if a is not None and b is not None:
                compared += 1
            if a == b:
                continue
            rule = KNOWN.get(name)
            if rule and RULES[rule](a, b, line):
                explained[rule] = explained.get(rule, 0) + 1
            else:
                unexplained.append("%s #%d: socklab %r, tcpdump %r\n    %s\n    %s" % (
                    name, i + 1, a, b, line[:200], pkt.splitlines()[0][:200]))
    print("%d files, %d packets compared, explained differences: %s" % (files, compared, explained))
    assert files > 100 and compared > 1000
    assert not unexplained, "%d unexplained:\n%s" % (len(unexplained), "\n".join(unexplained[:30]))


def write_pcap(path, frames, linktype=101):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, linktype))
        for i, fr in enumerate(frames):
            f.write(struct.pack("<IIII", 1700000000 + i, 0, len(fr), len(fr)))
            f.write(fr)


ETH = bytes.fromhex("0200000000020200000000010800")


def ip4(proto, l4):
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 1, 0x4000, 64, proto, 0,
                       bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])) + l4


# SYN-ACK with options (seed 002's header), a UDP datagram, an echo request.
TCP = bytes.fromhex("e65c3039d65105e700000000a01216d041350000020405b40402080a000e715c00000000"
                    "01030306")
UDP = bytes.fromhex("04d2162e000d0000") + b"hello"
ICMP = bytes.fromhex("0800f7ff00010001") + b"ping"

# JSON members of a header cut after n bytes: only those whose bytes were read.
TCP_FIELDS = [(4, "sport"), (4, "dport"), (8, "seq"), (12, "ack"), (14, "flags"), (16, "win")]
UDP_FIELDS = [(4, "sport"), (4, "dport"), (6, "len")]
ICMP_FIELDS = [(2, "type"), (2, "code"), (2, "name"), (4, "checksum")]


def cuts():
    """(proto, bytes of its header kept, frame) for every cut of the header."""
    for proto, num, l4, full in (("tcp", 6, TCP, 20), ("udp", 17, UDP, 8), ("icmp", 1, ICMP, 8)):
        for n in range(full):
            yield proto, n, ip4(num, l4)[:20 + n]


@needs_tcpdump
def test_every_flag_combination_in_tcpdumps_order(tmp_path):
    # Built frames, so this holds in a clone without ../shared/pcaps: each of
    # the 256 combinations of FIN..CWR, printed as tcpdump prints them.
    tcp = bytearray(TCP[:20])
    tcp[12] = 0x50                                   # 20-byte header, no options
    frames = []
    for flags in range(256):
        tcp[13] = flags
        frames.append(ETH + ip4(6, bytes(tcp)))
    path = str(tmp_path / "flags.pcap")
    write_pcap(path, frames, linktype=1)
    _, ours, _ = run([BIN, "decode", path])
    ours = [first_flags(l) for l in ours.splitlines()]
    theirs = [first_flags(p) for p in tcpdump_packets(path)]
    assert len(ours) == len(theirs) == 256
    assert ours == theirs
    assert ours[0x12] == "S." and ours[0x52] == "S.E" and ours[0xff] == "FSRP.UEW"


@needs_tcpdump
def test_transport_header_cut_short_prints_only_what_was_read(tmp_path):
    path = str(tmp_path / "cut.pcap")
    cases = list(cuts())
    write_pcap(path, [c[2] for c in cases])
    rc, out, _ = run([BIN, "decode", path])
    assert rc == 0
    ours = out.splitlines()
    theirs = tcpdump_packets(path)
    rc, out, _ = run([BIN, "decode", "--json", path])
    objs = [json.loads(l) for l in out.splitlines()]
    assert len(ours) == len(theirs) == len(objs) == len(cases)
    for (proto, n, _), line, pkt, obj in zip(cases, ours, theirs, objs):
        # tcpdump's line, byte for byte: the endpoints (ports when it read
        # them), what it read before it gave up, and its marker
        assert line == re.sub(r"^ *\d+  ", "", pkt), (proto, n, line, pkt)
        assert line.endswith("[|%s]" % proto), line
        want = {"partial"} | {k for need, k in dict(tcp=TCP_FIELDS, udp=UDP_FIELDS,
                                                     icmp=ICMP_FIELDS)[proto] if n >= need}
        got = set(obj[proto]) - {"version"}
        if proto == "icmp":
            want |= {"checksum_ok", "checksum_status"} if n >= 4 else set()
        assert got == want, (proto, n, obj[proto])
        assert obj["error"]["kind"] == "truncated", obj


@needs_pcaps
@needs_tcpdump
def test_cut_short_headers_in_the_captures_match_tcpdump():
    """Every packet of the captures where tcpdump 4.99.3 stops right after the
    endpoints with [|tcp] or [|udp]: socklab names the same endpoints and
    stops there too (BIG TCP over IPv6 excepted: socklab decodes it)."""
    big_tcp = ("bigtcp-ipv6.pcap", "bigtcp-ipv6-geneve-ipv4.pcap", "bigtcp-ipv6-geneve-ipv6.pcap",
               "bigtcp-ipv6-vxlan-ipv4.pcap", "bigtcp-ipv6-vxlan-ipv6.pcap")
    seen = 0
    for path in CAPTURES:
        name = os.path.basename(path)
        if name not in ("tcp_header_heapoverflow.pcap", "udp-length-heapoverflow.pcap") + big_tcp:
            continue
        ours = run([BIN, "decode", path])[1].splitlines()
        for line, pkt in zip(ours, tcpdump_packets(path)):
            m = re.search(r"(\S+ > \S+:) +\[\|(tcp|udp)\]$", pkt)
            if not m:
                continue
            seen += 1
            if name in big_tcp:
                # socklab takes the frame's length and decodes the segment
                assert re.search(r"length \d+$", line) and "[|" not in line, line
            else:
                assert " %s " % m.group(1) in line and line.endswith("[|%s]" % m.group(2)), line
    assert seen >= 7
