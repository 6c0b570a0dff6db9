"""Seed 001's UDP client, ported to Python 3: one line from the keyboard
(stdin), sent to the server, the answer printed.
Usage: seed001_udp_client.py [PORT]"""
import sys
from socket import *

serverName = "127.0.0.1"
serverPort = int(sys.argv[1]) if len(sys.argv) > 1 else 12000
clientSocket = socket(AF_INET, SOCK_DGRAM)
message = input("Input lowercase sentence:")
clientSocket.sendto(message.encode(), (serverName, serverPort))
modifiedMessage, serverAddress = clientSocket.recvfrom(2048)
print(modifiedMessage.decode())
clientSocket.close()
