"""Round trips for bench/trace_overhead.sh: one Python program that forks
an echo server, then N round trips of 64 bytes over loopback TCP; prints the
seconds the round trips took (setup excluded). Two processes, so that no
interpreter lock couples the two ends."""
import os
import socket
import sys
import time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
MSG = b"x" * 64

lsock = socket.socket()
lsock.bind(("127.0.0.1", 0))
lsock.listen(1)
addr = lsock.getsockname()
pid = os.fork()
if pid == 0:
    conn, _ = lsock.accept()
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    while True:
        data = conn.recv(4096)
        if not data:
            break
        conn.sendall(data)
    conn.close()
    os._exit(0)

lsock.close()
c = socket.create_connection(addr)
c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
start = time.perf_counter()
for _ in range(N):
    c.sendall(MSG)
    got = 0
    while got < len(MSG):
        got += len(c.recv(4096))
elapsed = time.perf_counter() - start
c.close()
os.waitpid(pid, 0)
print("%.6f" % elapsed)
