"""A TCP client for test_trace_reasons.py: sends COUNT chunks of one
segment each (the connection's MSS; a single chunk is 100 bytes), chunk i
starting with the tag "K%03d" % i so that a firewall rule can drop exactly
one segment by its first bytes, the last ending with a newline; waits for
the answer (so nothing follows the data until it has all arrived), then
shuts down, reads until EOF, closes. Usage: loss_client.py HOST PORT COUNT"""
import socket
import sys

host, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.create_connection((host, port))
mss = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG)
size = 100 if count == 1 else mss
data = b"".join((b"K%03d" % i).ljust(size, b".") for i in range(count))
s.sendall(data[:-1] + b"\n")
answer = b""
while not answer.endswith(b"\n"):
    part = s.recv(1024)
    if not part:
        break
    answer += part
s.shutdown(socket.SHUT_WR)
while s.recv(1024):
    pass
print(answer.decode().strip())
s.close()
