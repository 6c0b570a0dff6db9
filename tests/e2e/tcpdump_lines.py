#!/usr/bin/env python3
"""socklab decode's lines against tcpdump's, packet by packet, over the
captures in ../shared/pcaps (tcpdump's own test suite).

Both run with -nn -# (numbered packets, so a packet's lines stay together)
at the same verbosity. Which packets are *comparable* is decided from the
packet's bytes (socklab decode --json, its parser, not its printer): the
link layer is one socklab decodes (Ethernet, Linux cooked, raw IP, BSD
loopback), the network layer is IPv4, IPv6 or ARP, and an IP packet carries
TCP, UDP, ICMP or ICMPv6 (or is a later fragment, which has no transport
header). Everything else (other link types, other ethertypes, GRE, OSPF,
SCTP, ...) is not comparable and only counted.

A comparable packet is
- identical: socklab's text equals tcpdump's, byte for byte;
- identical up to the transport: tcpdump goes on into an application
  protocol socklab does not decode. For TCP, tcpdump's text starts with
  socklab's whole line (which ends with the transport's "length N") and
  goes on with anything but a digit (a space, a colon, a comma, a new line,
  or, as tcpdump 4.99 prints LDP, the protocol's name glued to the number). For UDP, tcpdump names the
  application instead of "UDP, length N": the texts are equal up to and
  including the ports (and -v's checksum note), and tcpdump's does not say
  "UDP, length" there;
- different: anything else.

The share reported is (identical + identical up to the transport) /
comparable. Run as a script to print it:
    python3 tests/e2e/tcpdump_lines.py [--show N] [--bin PATH] [-- -v|-vv|-e|...]
"""
import glob
import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PCAP_DIR = os.path.join(os.path.dirname(ROOT), "shared", "pcaps")
NUMBERED = re.compile(r" *(\d+)  ")
TRANSPORTS = ("tcp", "udp", "icmp4", "icmp6")


def captures(pcap_dir=PCAP_DIR):
    return [p for p in sorted(glob.glob(os.path.join(pcap_dir, "**", "*"), recursive=True))
            if os.path.isfile(p) and p.endswith((".pcap", ".pcapng", ".cap"))]


def split_numbered(text):
    """Output of -# split per packet: {number: text without the number}."""
    packets, n = {}, 0
    for line in text.split("\n"):
        m = NUMBERED.match(line)
        if m and int(m.group(1)) == n + 1:
            n += 1
            packets[n] = line[m.end():]
        elif n:
            packets[n] += "\n" + line
    if n:
        packets[n] = packets[n].rstrip("\n")
    return packets


# What a sanitizer build writes when it finds something.
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer")


def _run(args, problems=None):
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600,
                       env=dict(os.environ, TZ="UTC"))
    err = p.stderr.decode("utf-8", "replace")
    if problems is not None and any(m in err for m in SANITIZER_MARKS):
        problems.append("%s:\n%s" % (" ".join(args), err[-2000:]))
    return p.stdout.decode("utf-8", "replace")


def comparable(obj):
    """From the packet's JSON: does socklab decode all its layers down to
    the transport?"""
    link = obj.get("link")
    if not link or link.get("type") in (None, "unknown"):
        return False
    if "arp" in obj:
        return True
    ip = obj.get("ip") or obj.get("ip6")
    if not ip:
        return False
    if ip.get("frag_offset"):
        return True
    return any(k in obj for k in TRANSPORTS)


def judge(ours, theirs):
    """'same', 'prefix' or 'diff' for one comparable packet's texts."""
    if ours == theirs:
        return "same"
    if theirs.startswith(ours) and not theirs[len(ours)].isdigit():
        return "prefix" if re.search(r"length \d+$", ours) else "diff"
    m = re.search(r"UDP, length \d+$", ours)
    if m:
        cut = ours[:m.start()]
        if cut.endswith(": ") or cut.endswith("] "):
            if theirs.startswith(cut) and not theirs[len(cut):].startswith("UDP, length"):
                return "prefix"
    return "diff"


def compare_file(path, binary, opts=()):
    """One capture: tcpdump -nn -# OPTS -r PATH against socklab decode
    -nn -# OPTS PATH (OPTS: tcpdump options both take, e.g. -v, -e, -tttt)."""
    opts = list(opts)
    problems = []
    dump = any(o in ("-A", "-X") for o in opts) and not any(o.startswith("-v") for o in opts)
    theirs = split_numbered(_run(["tcpdump", "-nn", "-#"] + opts + ["-r", path]))
    ours = split_numbered(_run([binary, "decode", "-nn", "-#"] + opts + [path], problems))
    objs = []
    for line in _run([binary, "decode", "--json", path], problems).splitlines():
        try:
            o = json.loads(line)
        except ValueError:
            continue
        if "ts" in o:
            objs.append(o)
    res = {"file": os.path.basename(path), "packets": len(objs), "comparable": 0,
           "same": 0, "prefix": 0, "diff": 0, "examples": [], "problems": problems}
    for i, obj in enumerate(objs, 1):
        if i not in theirs or i not in ours or not comparable(obj):
            continue
        res["comparable"] += 1
        if dump:
            # the line as usual, then the dump, which must be the same
            # (tcpdump may print an application's lines between them)
            o, _, od = ours[i].partition("\n")
            t = theirs[i][:len(theirs[i]) - len(od) - 1]
            verdict = judge(o, t) if od and theirs[i].endswith("\n" + od) else "diff"
        else:
            verdict = judge(ours[i], theirs[i])
        res[verdict] += 1
        if verdict == "diff" and len(res["examples"]) < 3:
            res["examples"].append((i, ours[i], theirs[i]))
    return res


def compare(binary, opts=(), files=None, workers=None):
    """Every file compared; (totals with the share in %, the files that
    differ, most first, sanitizer reports)."""
    files = captures() if files is None else files
    workers = workers or max(2, min(8, os.cpu_count() or 2))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(lambda p: compare_file(p, binary, opts), files))
    total = {k: sum(r[k] for r in results) for k in ("packets", "comparable", "same",
                                                       "prefix", "diff")}
    total["share"] = 100.0 * (total["same"] + total["prefix"]) / max(1, total["comparable"])
    worst = sorted((r for r in results if r["diff"]), key=lambda r: -r["diff"])
    return total, worst, [p for r in results for p in r["problems"]]


def summary(total, worst, opts=(), top=10):
    lines = ["tcpdump -nn%s: %d packets, %d comparable: %d identical + %d identical up to the "
             "transport = %.2f %%, %d differ" % (
                 "".join(" " + o for o in opts), total["packets"], total["comparable"],
                 total["same"], total["prefix"], total["share"], total["diff"])]
    for r in worst[:top]:
        lines.append("  %5d differ  %s" % (r["diff"], r["file"]))
    return "\n".join(lines)


def main(argv):
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("opts", nargs="*", help="tcpdump options both sides get (-v, -vv, -e, "
                    "-tttt, ...; put -- before them)")
    ap.add_argument("--bin", default=os.environ.get("SOCKLAB_BIN",
                                                    os.path.join(ROOT, "build", "socklab")))
    ap.add_argument("--show", type=int, default=0, help="print N differing packets")
    ap.add_argument("--top", type=int, default=10, help="list the N files that differ most")
    a = ap.parse_args(argv)
    total, worst, problems = compare(a.bin, a.opts)
    print(summary(total, worst, a.opts, a.top))
    for p in problems:
        print("SANITIZER: " + p)
    shown = 0
    for r in worst:
        for i, ours, theirs in r["examples"]:
            if shown >= a.show:
                return 0
            print("--- %s #%d\n  socklab: %s\n  tcpdump: %s" % (r["file"], i, ours, theirs))
            shown += 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
