#!/usr/bin/env python3
"""One symbol prefix per unit (docs/ARCHITECTURE.md).

Every symbol a unit's object files export (nm: T, D, B, R, C) starts with
the unit's prefix (a tool's, a library's; guard has one per module), and in
core/ each module's name (core/addr.c exports addr_*).
No prefix is shared by two units or is the start of another unit's prefix,
so `nm socklab` tells where anything lives and no two units collide.

  prefixes.py BUILD_DIR UNIT...     exit 0 when every symbol is in place
"""
import glob
import os
import subprocess
import sys

# The prefixes of each tool and library. core/ is a collection of modules:
# each of its files exports under its own name (core/addr.c: addr_*).
UNIT_PREFIXES = {
    "pkt": ["pkt_"],
    "chatwire": ["chatwire_"],
    "echolib": ["echo_"],
    "guard": ["srcbudget_", "srcfilter_"],
    "serve": ["serve_"],
    "nc": ["nc_"],
    "echo_server": ["echosrv_"],
    "echo_client": ["echocli_"],
    "chat": ["chat_"],
    "chat_server": ["chatsrv_"],
    "chat_client": ["chatcli_"],
    "scan": ["scan_"],
    "sockets": ["sockets_"],
    "decode": ["dec_"],
    "trace": ["tr_", "trace_"],
    "tcplab": ["tl_", "tcplab_"],
}
# Symbols the toolchain or the C runtime names, not us.
FOREIGN = {"main", "LLVMFuzzerTestOneInput", "LLVMFuzzerInitialize"}


def exported(obj):
    out = subprocess.run(["nm", obj], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TDBRC" and not parts[2].startswith((".", "_")):
            yield parts[2]


def unit_objects(build, unit, src_root):
    base = os.path.join(build, "CMakeFiles", "socklab_%s.dir" % unit)
    objs = glob.glob(os.path.join(base, "src", unit, "**", "*.o"), recursive=True)
    # Only objects of sources that still exist (a moved file leaves its old .o).
    return sorted(o for o in objs
                  if os.path.exists(os.path.join(src_root, os.path.relpath(o, base)[:-2])))


def prefixes_of(unit, obj):
    if unit in UNIT_PREFIXES:
        return UNIT_PREFIXES[unit]
    return [os.path.basename(obj)[:-len(".c.o")] + "_"]


def main():
    if len(sys.argv) < 3:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    build, units = sys.argv[1], sys.argv[2:]
    src_root = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    bad, owners = [], {}
    for unit in units:
        objs = unit_objects(build, unit, src_root)
        if not objs:
            bad.append("%s: no object files under %s (build first)" % (unit, build))
            continue
        for obj in objs:
            want = prefixes_of(unit, obj)
            for p in want:
                owners.setdefault(p, set()).add(unit)
            rel = os.path.relpath(obj, os.path.join(build, "CMakeFiles", "socklab_%s.dir" % unit))
            for sym in exported(obj):
                # addr_* or, for a module named like its one function, the name itself
                if sym in FOREIGN or any(sym.startswith(p) or sym == p[:-1] for p in want):
                    continue
                bad.append("%s: %s exports %s, not %s*" % (unit, rel[:-2], sym, "*, ".join(want)))
    names = sorted(owners)
    for p in names:
        if len(owners[p]) > 1:
            bad.append("prefix %s is used by %s" % (p, ", ".join(sorted(owners[p]))))
        for q in names:
            if p != q and q.startswith(p) and owners[p] != owners[q]:
                bad.append("prefix %s (%s) starts %s (%s)" % (p, ", ".join(sorted(owners[p])), q,
                                                             ", ".join(sorted(owners[q]))))
    for line in bad:
        print(line)
    if bad:
        print("%d symbols or prefixes out of place" % len(bad))
        return 1
    print("every exported symbol carries its unit's prefix (%d units)" % len(units))
    return 0


if __name__ == "__main__":
    sys.exit(main())
