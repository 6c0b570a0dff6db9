"""A blocking connect to a port nothing listens on: ECONNREFUSED.
Usage: connect_closed.py PORT [HOST]"""
import sys
from socket import *

s = socket(AF_INET, SOCK_STREAM)
try:
    s.connect((sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1", int(sys.argv[1])))
except ConnectionRefusedError as e:
    print("refused:", e)
    sys.exit(3)
finally:
    s.close()
