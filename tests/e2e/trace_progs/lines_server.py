"""Reads what lines_client.py sends, slowly at first (so the client's big
sendall meets a full window), answers with the byte count.
Usage: lines_server.py PORT"""
import sys
import time
from socket import *

a = socket(AF_INET, SOCK_STREAM)
a.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
a.setsockopt(SOL_SOCKET, SO_RCVBUF, 4096)
a.bind(("127.0.0.1", int(sys.argv[1])))
a.listen(1)
s, _ = a.accept()
total = 0
while True:
    data = s.recv(2048)
    if not data:
        break
    total += len(data)
    if total < 100000:
        time.sleep(0.002)
s.sendall(b"%d\n" % total)
s.close()
a.close()
