"""A TCP server for test_trace_reasons.py: accept one connection, read
until the client's data ends with a newline, answer "ok BYTES", read until
EOF, close. Usage: loss_server.py PORT"""
import socket
import sys

srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("0.0.0.0", int(sys.argv[1])))
srv.listen(1)
conn, _ = srv.accept()
srv.close()
got = b""
while not got.endswith(b"\n"):
    data = conn.recv(65536)
    if not data:
        break
    got += data
conn.sendall(b"ok %d\n" % len(got))
while conn.recv(65536):
    pass
conn.close()
