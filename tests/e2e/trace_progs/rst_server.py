"""A server that closes a connection with data it never read: the kernel
answers with RST instead of FIN. Usage: rst_server.py PORT"""
import select
import sys
from socket import *

a_so = socket(AF_INET, SOCK_STREAM)
a_so.bind(("127.0.0.1", int(sys.argv[1])))
a_so.listen(1)
s_so, addr = a_so.accept()
select.select([s_so], [], [])   # the data is there ...
s_so.close()                    # ... and is thrown away
