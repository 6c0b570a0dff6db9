/* The sockets of the lab's sender and receiver: a listener and a
 * connection with the scenario's options, reads and writes with bounds. */
#ifndef SOCKLAB_TCPLAB_SOCK_H
#define SOCKLAB_TCPLAB_SOCK_H

#include <stddef.h>
#include <stdint.h>

#define TL_PORT 5001

/* A listener on the receiver's address; maxseg 0: the default. -1. */
int tl_listen(uint16_t port, int maxseg, int backlog);
/* Accepts one connection, waiting up to timeout_ms. -1. */
int tl_accept(int l, int timeout_ms);
/* Connects from the sender to the receiver (bind_port 0: any; maxseg 0:
 * the default). -1. */
int tl_connect(uint16_t bind_port, int maxseg, int nodelay, int timeout_ms);
/* As tl_connect, with the congestion control cc (NULL: the namespace's
 * default) set on the socket first: root may pick any the kernel has. */
int tl_connect_cc(const char *cc, int timeout_ms);
/* Reads exactly n bytes (n 0: until EOF), waiting up to timeout_ms in
 * all; the bytes read, or -1. */
long tl_read_n(int fd, size_t n, int timeout_ms);
/* The local port of a socket. */
uint16_t tl_local_port(int fd);

#endif
