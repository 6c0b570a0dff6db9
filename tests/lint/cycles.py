#!/usr/bin/env python3
"""No call cycle between the files of one folder (docs/ARCHITECTURE.md).

Reads the object files the build made for each unit (nm: the symbols a file
defines and the ones it uses), draws an edge a -> b when a.c uses a symbol
that b.c defines, and reports every strongly connected component of two or
more files. Calls go one way inside a folder; where a lower file must reach
back, it calls a callback it was given, which nm does not see as an edge.

  cycles.py BUILD_DIR UNIT...     exit 0 when no folder has a cycle
  (a UNIT may be TARGET:FOLDER, e.g. trace_preload:trace/preload)
"""
import glob
import os
import subprocess
import sys


def symbols(obj):
    out = subprocess.run(["nm", obj], capture_output=True, text=True, check=True).stdout
    defined, used = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TDBRC" and not parts[2].startswith("."):
            defined.add(parts[2])
        elif len(parts) == 2 and parts[0] == "U":
            used.add(parts[1])
    return defined, used


def components(nodes, edges):
    """Tarjan's strongly connected components."""
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(sorted(comp))

    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def unit_cycles(build, unit):
    # UNIT, or TARGET:FOLDER for a target whose folder is not its name
    # (trace_preload:trace/preload).
    target, folder = unit.split(":", 1) if ":" in unit else (unit, unit)
    base = os.path.join(build, "CMakeFiles", "socklab_%s.dir" % target)
    src = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "..")
    # Objects of sources that still exist (a moved file leaves its old .o).
    objs = sorted(o for o in glob.glob(os.path.join(base, "src", folder, "**", "*.o"), recursive=True)
                  if os.path.exists(os.path.join(src, os.path.relpath(o, base)[:-2])))
    if not objs:
        return None, []
    name = {o: os.path.relpath(o, base)[:-2] for o in objs}
    defs, uses = {}, {}
    for o in objs:
        defs[o], uses[o] = symbols(o)
    owner = {}
    for o, ds in defs.items():
        for d in ds:
            owner[d] = o
    edges = {o: {owner[u] for u in uses[o] if u in owner and owner[u] != o} for o in objs}
    cyc = [c for c in components(objs, edges) if len(c) > 1]
    return len(objs), [[name[o] for o in c] for c in cyc]


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    build, bad = argv[1], 0
    for unit in argv[2:]:
        n, cycles = unit_cycles(build, unit)
        if n is None:
            print("cycles.py: no object files for %s under %s (build first)" % (unit, build))
            bad += 1
            continue
        for c in cycles:
            print("%s: files that call each other in a circle: %s" % (unit, ", ".join(c)))
            bad += 1
    if bad:
        return 1
    print("cycles.py: no call cycle between the files of %d folders" % (len(argv) - 2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
