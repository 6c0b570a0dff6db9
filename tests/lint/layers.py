#!/usr/bin/env python3
"""The include layers of socklab (docs/ARCHITECTURE.md), checked on the
sources: a file under src/UNIT/ may include "core/...", "UNIT/..." and
"LIB/..." for each library UNIT names in the table that cmake/variant.cmake
writes (build/layers.txt: one "unit: uses..." line each). src/main.c, the
dispatcher, may include every tool.

  layers.py LAYERS SRC                     exit 0 when every include is allowed
  layers.py LAYERS SRC --plant UNIT:HDR    pretend a file of UNIT includes HDR;
                                           exit 0 only if that is reported
The build enforces the same table (each unit's include path holds only what
it may use); this names the file and line, and proves the rule can fail."""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([A-Za-z0-9_]+)/[^"]+"')


def read_layers(path):
    rules = {}
    with open(path) as f:
        for line in f:
            if ":" not in line:
                continue
            unit, uses = line.split(":", 1)
            rules[unit.strip()] = set(uses.split())
    return rules


def allowed(rules, unit):
    return {"core", unit} | rules.get(unit, set())


def violations(rules, src, planted=None):
    found = []
    for unit in sorted(rules):
        base = os.path.join(src, unit)
        files = []
        for root, _dirs, names in os.walk(base):
            files += [os.path.join(root, n) for n in sorted(names) if n.endswith((".c", ".h"))]
        lines_of = {}
        for path in files:
            with open(path, errors="replace") as f:
                lines_of[path] = f.read().splitlines()
        if planted and planted[0] == unit:
            lines_of[os.path.join(base, "planted.c")] = ['#include "%s"' % planted[1]]
        for path, lines in lines_of.items():
            for no, text in enumerate(lines, 1):
                m = INCLUDE.match(text)
                if m and m.group(1) not in allowed(rules, unit):
                    found.append("%s:%d: %s may not include \"%s\" (allowed: %s)" % (
                        os.path.relpath(path, os.path.dirname(src)), no, unit,
                        text.split('"')[1], ", ".join(sorted(allowed(rules, unit)))))
    for unit in os.listdir(src):
        if os.path.isdir(os.path.join(src, unit)) and unit not in rules:
            found.append("src/%s/: a folder the layer table does not know "
                         "(add it to cmake/variant.cmake)" % unit)
    return found


def main(argv):
    if len(argv) not in (3, 5) or (len(argv) == 5 and argv[3] != "--plant"):
        print(__doc__, file=sys.stderr)
        return 2
    rules = read_layers(argv[1])
    if len(argv) == 5:
        unit, hdr = argv[4].split(":", 1)
        found = violations(rules, argv[2], (unit, hdr))
        hits = [v for v in found if "planted.c" in v]
        for v in found:
            print(v)
        if len(hits) == 1 and len(found) == 1:
            print("layers.py: the planted include was caught")
            return 0
        print("layers.py: the planted include of %s into %s was not caught alone" % (hdr, unit))
        return 1
    found = violations(rules, argv[2])
    for v in found:
        print(v)
    if found:
        print("layers.py: %d include%s across a forbidden line" % (len(found), "s" * (len(found) != 1)))
        return 1
    print("layers.py: every include of src/ follows the layers")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
