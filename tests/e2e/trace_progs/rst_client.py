"""Sends a line, then waits for an answer that is a reset.
Usage: rst_client.py PORT"""
import sys
from socket import *

c_so = socket(AF_INET, SOCK_STREAM)
c_so.connect(("127.0.0.1", int(sys.argv[1])))
c_so.sendall(b"nobody reads this\n")
try:
    c_so.recv(1024)
except ConnectionResetError as e:
    print("reset:", e)
    sys.exit(4)
