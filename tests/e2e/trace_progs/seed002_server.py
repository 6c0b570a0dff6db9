"""Seed 002's TCP server, ported to Python 3: accept one connection, read
until EOF, answer two lines, close. Usage: seed002_server.py [PORT]"""
import sys
from socket import *
from ReadUntilEOF import *

port = int(sys.argv[1]) if len(sys.argv) > 1 else 6666

a_so = socket(AF_INET, SOCK_STREAM)
a_so.bind(("localhost", port))
a_so.listen(10)

s_so, addr = a_so.accept()
a_so.close()

print("Connection from ", addr)
print(readUntilEOF(s_so).decode(), end="")
s_so.sendall(b"server response line 1\n")
s_so.sendall(b"server response line 2\n")
s_so.close()
