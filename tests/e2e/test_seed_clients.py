"""The course's own Python clients and servers (seeds 000, 001 and 002), ported to
Python 3, against socklab serve and socklab echo-server — and the seed
servers against socklab echo-client. The ports keep the seeds' calls and
their order; only what Python 3 needs changed (bytes, input given as an
argument, print as a return value, timeouts so that nothing hangs)."""
import socket
import threading

import pytest

from conftest import WAIT, all_ephemeral, chargen_expected
from echo_util import EchoServer, run_client


@pytest.fixture
def echo_server():
    servers = []

    def start(*args):
        srv = EchoServer(args)
        servers.append(srv)
        return srv.wait_ready()

    yield start
    for srv in servers:
        assert srv.stop() == 0
        srv.finish()


@pytest.fixture
def lab_upper_echo(start_server):
    """socklab serve with echo and upper on ephemeral ports, IPv4."""
    return start_server("--only", "echo,upper", "--service", "echo=0", "--service", "upper=0",
                        "-4")


# --- seed 000: "Hello World!" to the small services --------------------------------

def seed000_udp_client(ip, port, message=b"Hello World!"):
    """Seed 000 §5.3: the client script's UDP request to one port, with the
    timeout the seed asks for; the answer as it printed it (bytes)."""
    clientSocket = socket.socket(socket.AF_INET6 if ":" in ip else socket.AF_INET,
                                 socket.SOCK_DGRAM)
    clientSocket.settimeout(WAIT)
    clientSocket.sendto(message, (ip, port))
    answer, serverAddress = clientSocket.recvfrom(4096)
    clientSocket.close()
    return answer


SEED000_UDP = ["echo", "chargen", "qotd", "daytime"]  # the seed's order: 7, 19, 17, 13


def check_seed000_answer(service, answer):
    """What seed 000 printed for each: the echo, a piece of the chargen
    stream (RFC 864: 0 to 512 characters), a quote, the time of day."""
    if service == "echo":
        assert answer == b"Hello World!"
    elif service == "chargen":
        pattern = chargen_expected(95 * 74 * 2)
        assert len(answer) <= 512 and answer in pattern
    elif service == "qotd":
        assert 0 < len(answer) < 512 and answer.endswith(b"\r\n")
    else:
        assert answer.endswith(b"\r\n") and 10 < len(answer) < 64


def test_seed000_udp_client_against_serve(start_server):
    """The student's script, three runs, on loopback: every answer whole."""
    srv = start_server(*all_ephemeral(), "-4", "--udp-only")
    for _ in range(3):
        for service in SEED000_UDP:
            check_seed000_answer(service, seed000_udp_client("127.0.0.1",
                                                             srv.port(service, "udp")))
    srv.stop()
    ev = srv.wait_event(lambda e: e["event"] == "stopped")
    assert ev["udp_in"] == ev["udp_out"] == 12 and ev["udp_dropped"] == 0
    assert ev.get("udp_shortened", 0) == 0


# --- seed 001: the uppercase application ------------------------------------------

def seed001_udp_client(serverName, serverPort, message):
    """Seed 001, 'Beispiel: UDP Client in Python'."""
    clientSocket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    clientSocket.settimeout(WAIT)
    clientSocket.sendto(message.encode(), (serverName, serverPort))
    modifiedMessage, serverAddress = clientSocket.recvfrom(2048)
    clientSocket.close()
    return modifiedMessage.decode()            # print modifiedMessage


def seed001_tcp_client(serverName, serverPort, sentence):
    """Seed 001, 'Beispiel: TCP Client in Python'."""
    clientSocket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    clientSocket.settimeout(WAIT)
    clientSocket.connect((serverName, serverPort))
    clientSocket.send(sentence.encode())
    modifiedSentence = clientSocket.recv(1024)
    clientSocket.close()
    return "From Server: " + modifiedSentence.decode()


class Seed001UdpServer:
    """Seed 001, 'Beispiel: UDP Server in Python', for a bounded number of
    datagrams, on a free port."""

    def __init__(self, datagrams):
        self.serverSocket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.serverSocket.bind(("127.0.0.1", 0))
        self.serverSocket.settimeout(WAIT)
        self.serverPort = self.serverSocket.getsockname()[1]
        self.thread = threading.Thread(target=self.run, args=(datagrams,), daemon=True)
        self.thread.start()

    def run(self, datagrams):
        try:
            for _ in range(datagrams):                   # while 1:
                message, clientAddress = self.serverSocket.recvfrom(2048)
                modifiedMessage = message.upper()
                self.serverSocket.sendto(modifiedMessage, clientAddress)
        except socket.timeout:
            pass
        finally:
            self.serverSocket.close()


class Seed001TcpServer:
    """Seed 001, 'Server-Anwendung in Python für TCP Socket': one recv(1024),
    the answer, close; for a bounded number of connections."""

    def __init__(self, connections):
        self.serverSocket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.serverSocket.bind(("127.0.0.1", 0))
        self.serverSocket.listen(1)
        self.serverSocket.settimeout(WAIT)
        self.serverPort = self.serverSocket.getsockname()[1]
        self.thread = threading.Thread(target=self.run, args=(connections,), daemon=True)
        self.thread.start()

    def run(self, connections):
        try:
            for _ in range(connections):                 # while 1:
                connectionSocket, addr = self.serverSocket.accept()
                connectionSocket.settimeout(WAIT)
                sentence = connectionSocket.recv(1024)
                capitalizedSentence = sentence.upper()
                connectionSocket.send(capitalizedSentence)
                connectionSocket.close()
        except socket.timeout:
            pass
        finally:
            self.serverSocket.close()


def test_seed001_udp_client_against_serve_upper(lab_upper_echo):
    port = lab_upper_echo.port("upper", "udp")
    assert seed001_udp_client("127.0.0.1", port, "input lowercase sentence") == \
        "INPUT LOWERCASE SENTENCE"


def test_seed001_tcp_client_against_serve_upper(lab_upper_echo):
    port = lab_upper_echo.port("upper", "tcp")
    assert seed001_tcp_client("127.0.0.1", port, "input lowercase sentence") == \
        "From Server: INPUT LOWERCASE SENTENCE"


def test_seed001_udp_client_against_echo_server(echo_server):
    srv = echo_server("-t", "UDP")
    assert seed001_udp_client("127.0.0.1", srv.port, "hello master-udp") == "hello master-udp"


def test_seed001_tcp_client_against_echo_server(echo_server):
    srv = echo_server("-t", "TCP")
    assert seed001_tcp_client("127.0.0.1", srv.port, "hello master") == \
        "From Server: hello master"
    assert srv.wait_line(lambda l: "ended" in l).endswith("reason=client-closed")


def test_seed001_udp_server_against_echo_client():
    srv = Seed001UdpServer(datagrams=2)
    rc, out, err = run_client(["-t", "UDP", "-p", str(srv.serverPort)],
                              b"hello master-udp\nwelcome back master-udp\n")
    srv.thread.join(timeout=WAIT)
    assert (rc, err) == (0, [])
    assert out == b">Echo: HELLO MASTER-UDP\n>Echo: WELCOME BACK MASTER-UDP\n"


def test_seed001_tcp_server_against_echo_client():
    # The seed's server answers one recv() and closes: the first line comes
    # back upper-cased, the second finds the connection closed.
    srv = Seed001TcpServer(connections=1)
    rc, out, err = run_client(["-t", "TCP", "-p", str(srv.serverPort)],
                              b"hello master\nwelcome back\n")
    srv.thread.join(timeout=WAIT)
    assert out == b">Echo: HELLO MASTER\n"
    assert rc == 1
    assert len(err) == 1 and err[0] in (
        "socklab echo-client: 127.0.0.1:%d closed the connection" % srv.serverPort,
        "socklab echo-client: 127.0.0.1:%d reset the connection" % srv.serverPort)


# --- seed 002: a client and a server that half-close -------------------------------

def readUntilEOF(so):
    """Seed 002's ReadUntilEOF module (bounded)."""
    chunks = []
    for _ in range(10000):
        data = so.recv(4096)
        if not data:
            break
        chunks.append(data)
    return b"".join(chunks)


def free_client_port():
    """7777 as in the seed when it is free here, else a free port."""
    for port in (7777, 0):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("0.0.0.0", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise AssertionError("no free port")


def seed002_client(server_port, client_port):
    """Seed 002's client: bind, connect, two lines, SHUT_WR, read to EOF."""
    c_so = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    c_so.settimeout(WAIT)
    c_so.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    c_so.bind(("0.0.0.0", client_port))

    c_so.connect(("127.0.0.1", server_port))

    c_so.sendall(b"client request line 1\n")
    c_so.sendall(b"client request line 2\n")
    c_so.shutdown(socket.SHUT_WR)

    reply = readUntilEOF(c_so)              # print readUntilEOF(c_so)

    c_so.close()
    return reply


class Seed002Server:
    """Seed 002's server: listen(10), accept one, read to EOF, two lines, close."""

    def __init__(self):
        self.a_so = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.a_so.bind(("127.0.0.1", 0))
        self.a_so.listen(10)
        self.a_so.settimeout(WAIT)
        self.port = self.a_so.getsockname()[1]
        self.addr = self.request = None
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        try:
            s_so, self.addr = self.a_so.accept()
        except socket.timeout:
            return
        finally:
            self.a_so.close()
        s_so.settimeout(WAIT)
        self.request = readUntilEOF(s_so)    # print readUntilEOF(s_so)
        s_so.sendall(b"server response line 1\n")
        s_so.sendall(b"server response line 2\n")
        s_so.close()


REQUEST = b"client request line 1\nclient request line 2\n"


def test_seed002_pair_as_in_the_seed():
    srv = Seed002Server()
    client_port = free_client_port()
    reply = seed002_client(srv.port, client_port)
    srv.thread.join(timeout=WAIT)
    assert reply == b"server response line 1\nserver response line 2\n"
    assert srv.request == REQUEST
    assert srv.addr[1] == client_port   # "Connection from" shows the bound port


def test_seed002_client_against_serve_echo(lab_upper_echo):
    client_port = free_client_port()
    reply = seed002_client(lab_upper_echo.port("echo", "tcp"), client_port)
    # both request lines come back, then EOF (the echo ends after our FIN)
    assert reply == REQUEST
    ev = lab_upper_echo.wait_event(lambda e: e["event"] == "end")
    assert ev["peer_port"] == client_port and ev["reason"] == "client-closed"
    assert ev["bytes_in"] == ev["bytes_out"] == len(REQUEST)


def test_seed002_client_against_echo_server(echo_server):
    srv = echo_server()
    client_port = free_client_port()
    assert seed002_client(srv.port, client_port) == REQUEST
    end = srv.wait_line(lambda l: "ended" in l)
    assert end.startswith("echo-server: TCP connection from 127.0.0.1:%d ended: in=44 out=44 "
                          % client_port)
    assert end.endswith("reason=client-closed")


def tw_reuse():
    try:
        with open("/proc/sys/net/ipv4/tcp_tw_reuse") as f:
            return int(f.read()) != 0
    except OSError:
        return False


@pytest.mark.skipif(not tw_reuse(), reason="net.ipv4.tcp_tw_reuse is 0: the same 4-tuple "
                    "cannot connect again during TIME_WAIT")
def test_seed002_client_twice_with_reuseaddr(echo_server):
    # SO_REUSEADDR lets the client bind its port again while the last
    # connection from it is in TIME_WAIT (the seed's point).
    srv = echo_server()
    client_port = free_client_port()
    for _ in range(2):
        assert seed002_client(srv.port, client_port) == REQUEST
