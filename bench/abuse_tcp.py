#!/usr/bin/python3
"""abuse_tcp: stalled TCP readers for bench/abuse.sh (standard library only).

  abuse_tcp.py HOST PORT N FIRST:COUNT [--rcvbuf BYTES] [--hold SECS]

Opens N connections to HOST:PORT from the COUNT addresses from FIRST (in
turn), each with SO_RCVBUF set before connect(), and never reads a byte.
Prints "holding connected=K of=N secs=S" once every connect has ended, then
holds them until stdin closes (or --hold seconds pass) and closes them.
"""
import argparse
import ipaddress
import selectors
import socket
import sys
import time

CONNECT_SECS = 10


def main():
    p = argparse.ArgumentParser(prog="abuse_tcp.py")
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("n", type=int)
    p.add_argument("addrs")
    p.add_argument("--rcvbuf", type=int, default=65536)
    p.add_argument("--hold", type=float, default=600)
    a = p.parse_args()
    first, _, count = a.addrs.partition(":")
    addrs = [str(ipaddress.IPv4Address(first) + i) for i in range(int(count or 1))]

    t0 = time.monotonic()
    sel = selectors.DefaultSelector()
    socks = []
    for i in range(a.n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, a.rcvbuf)
        s.bind((addrs[i % len(addrs)], 0))
        s.setblocking(False)
        s.connect_ex((a.host, a.port))
        sel.register(s, selectors.EVENT_WRITE)
        socks.append(s)
    connected, pending = 0, len(socks)
    while pending and time.monotonic() < t0 + CONNECT_SECS:
        for key, _ in sel.select(0.1):
            sel.unregister(key.fileobj)
            pending -= 1
            if key.fileobj.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                connected += 1
    print("holding connected=%d of=%d secs=%.2f" % (connected, a.n, time.monotonic() - t0),
          flush=True)

    sel = selectors.DefaultSelector()
    sel.register(sys.stdin, selectors.EVENT_READ)
    end = time.monotonic() + a.hold
    while time.monotonic() < end:
        if sel.select(max(0.0, end - time.monotonic())) and not sys.stdin.buffer.read1(4096):
            break
    for s in socks:
        s.close()


if __name__ == "__main__":
    main()
