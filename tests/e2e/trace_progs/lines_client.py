"""A client whose sends come from a helper called from two lines, from a
loop, and from one big sendall on a socket with a timeout (so CPython's
sendall makes several send() calls, polling in between). Every send line
ends in a "# line: NAME" marker that the test finds.
Usage: lines_client.py SERVER_PORT"""
import sys
from socket import *


def send_line(s, text):
    s.sendall(text)  # line: helper


port = int(sys.argv[1])
s = socket(AF_INET, SOCK_STREAM)
s.setsockopt(SOL_SOCKET, SO_SNDBUF, 4096)
s.connect(("127.0.0.1", port))
send_line(s, b"first call of the helper\n")  # line: caller-1
for i in range(3):
    s.sendall(b"loop %d\n" % i)  # line: loop
send_line(s, b"second call of the helper\n")  # line: caller-2
s.settimeout(10)
s.sendall(b"B" * 400000 + b"\n")  # line: big
s.shutdown(SHUT_WR)
reply = s.recv(64)  # line: reply
s.close()
print(reply.decode().strip())
