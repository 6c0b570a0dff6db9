"""Seed 002's TCP client, ported to Python 3: bind 7777 with SO_REUSEADDR,
connect, two sendall, shutdown(SHUT_WR), read until EOF, close.
Usage: seed002_client.py [SERVER_PORT [CLIENT_PORT]]"""
import sys
from socket import *
from ReadUntilEOF import *

server_port = int(sys.argv[1]) if len(sys.argv) > 1 else 6666
client_port = int(sys.argv[2]) if len(sys.argv) > 2 else 7777

c_so = socket(AF_INET, SOCK_STREAM)
c_so.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
c_so.bind(("0.0.0.0", client_port))

c_so.connect(("localhost", server_port))

c_so.sendall(b"client request line 1\n")
c_so.sendall(b"client request line 2\n")
c_so.shutdown(SHUT_WR)

print(readUntilEOF(c_so).decode(), end="")

c_so.close()
