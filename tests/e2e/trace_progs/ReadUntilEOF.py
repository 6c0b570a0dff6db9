"""The seed's helper module: read from a socket until the peer's EOF."""


def readUntilEOF(so):
    data = b""
    while True:
        chunk = so.recv(1024)
        if not chunk:
            return data
        data += chunk
