"""Usage errors name the word the user typed. getopt_long leaves optind on a
short-option cluster when a bad letter is not its last one ("-xq"), so the
word before the cluster must not be blamed ("unknown option --json" for
`serve --json -xq` was the bug)."""
import subprocess

import pytest

from conftest import BIN, WAIT

# A long flag that takes no value, per tool, to stand before the bad cluster.
FLAG = {
    "serve": "--json", "nc": "--nodelay", "echo-server": "--continuous",
    "echo-client": "--continuous", "chat": "--no-fallback", "chat-server": "--json",
    "scan": "--json", "sockets": "--json", "decode": "--json", "capture": "--json",
    "trace": "--json",
}
# A letter the tool does not have, inside a cluster with a letter it knows
# (nc answers OpenBSD nc's -Z and sockets ss's -Z with a hint, so they get -Y; decode and capture
# answer tcpdump's -Z with their own words, so they get -o).
CLUSTER = {
    "serve": "-Zq", "nc": "-Yv", "echo-server": "-Zc", "echo-client": "-Zc", "chat": "-Zh",
    "chat-server": "-Zq", "scan": "-Zv", "sockets": "-Yt", "decode": "-oX", "capture": "-oX",
    "trace": "-Zq",
}


@pytest.mark.parametrize("tool", sorted(FLAG))
def test_bad_letter_inside_a_cluster_is_named(tool):
    r = subprocess.run([BIN, tool, FLAG[tool], CLUSTER[tool], "x"], stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=WAIT)
    assert r.returncode == 2, r.stderr
    first = r.stderr.splitlines()[0]
    assert first.startswith("socklab %s: " % tool) or first.startswith("socklab: "), first
    assert "unknown option -%s" % CLUSTER[tool][1] in first, first
    assert FLAG[tool] not in first, first
