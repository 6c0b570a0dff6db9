"""An unrelated bulk transfer on loopback, for test_trace_busy.py: a
receiver and a sender in one process (two threads) moving at most MAX_BYTES
for at most SECONDS at about MB_PER_S, then printing the bytes moved.
Prints "ready" once data flows.
Usage: bulk_pair.py PORT MAX_BYTES SECONDS MB_PER_S"""
import socket
import sys
import threading
import time

port, max_bytes, seconds = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
rate = float(sys.argv[4]) * (1 << 20)
start = time.monotonic()
deadline = start + seconds
received = 0

lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
lsock.bind(("127.0.0.1", port))
lsock.listen(1)


def receive():
    global received
    conn, _ = lsock.accept()
    buf = bytearray(1 << 20)
    while True:
        n = conn.recv_into(buf)
        if n == 0:
            break
        received += n
    conn.close()


t = threading.Thread(target=receive)
t.start()
out = socket.create_connection(("127.0.0.1", port))
chunk = b"x" * (1 << 20)
sent = 0
announced = False
while sent < max_bytes and time.monotonic() < deadline:
    out.sendall(chunk)
    sent += len(chunk)
    ahead = sent / rate - (time.monotonic() - start)
    if ahead > 0:
        time.sleep(ahead)
    if not announced and sent >= 16 * len(chunk):
        print("ready", flush=True)
        announced = True
out.close()
t.join(timeout=10)
print("moved %d" % received, flush=True)
