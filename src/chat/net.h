/* The sockets of socklab chat: connect to HOST PORT (each address in turn,
 * bounded by a timeout), or listen on PORT on every address. Errors come
 * back as a reason string; nothing here prints or exits. */
#ifndef SOCKLAB_CHAT_NET_H
#define SOCKLAB_CHAT_NET_H

#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"

/* A connected, non-blocking TCP socket, or -1 with the reason in why
 * ("Connection refused", "timed out after 10 s", "Name or service not known"). */
int chat_connect(const char *host, const char *port, int family, uint64_t timeout_ms,
		     char *why, size_t whylen);
/* A non-blocking listener on every address and port (0: the kernel picks).
 * AF_UNSPEC: one IPv6 socket that takes IPv4 too (IPv4 alone where the
 * host has no IPv6). -1 with the reason in err. */
int chat_listen(uint16_t port, int family, char *err, size_t errlen);
/* The peer's or the local address as "127.0.0.1:5000" or "[::1]:5000";
 * IPv4 that arrived on an IPv6 socket is shown as IPv4. */
void chat_peer_str(int fd, char *buf, size_t n);
void chat_local_str(int fd, char *buf, size_t n);
/* ::ffff:127.0.0.1 as 127.0.0.1 (a dual-stack listener's IPv4 peer). */
void chat_unmap(union addr_any *a);
/* close() will send a reset and drop what is unsent (SO_LINGER 0). */
void chat_reset_on_close(int fd);
/* "HOST:PORT", with brackets around an IPv6 address. */
void chat_hostport_str(const char *host, const char *port, char *buf, size_t n);

#endif
