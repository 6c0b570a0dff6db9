/* Small socket helpers in the manner of redis's anet.c: each does one thing,
 * returns -1 with errno on failure, and never prints or exits. */
#ifndef SOCKLAB_CORE_SOCK_H
#define SOCKLAB_CORE_SOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "core/addr.h"

#define SOCK_BACKLOG 4096

enum sock_flags {
	SOCK_F_REUSEADDR = 1 << 0,
	SOCK_F_V6ONLY = 1 << 1,
	SOCK_F_NONBLOCK = 1 << 2,
};

/* socket() + options + bind(); type is SOCK_STREAM or SOCK_DGRAM. */
int sock_bind_generic(int type, const struct sockaddr *sa, socklen_t len, int flags);
/* A non-blocking TCP listener (SO_REUSEADDR, IPV6_V6ONLY) on sa. */
int sock_listen_tcp(const struct sockaddr *sa, socklen_t len, int backlog);
/* A non-blocking UDP socket (IPV6_V6ONLY) bound to sa. */
int sock_bind_udp(const struct sockaddr *sa, socklen_t len);

int sock_set_nonblock(int fd, bool on);
int sock_set_nodelay(int fd, bool on);
int sock_set_reuseaddr(int fd, bool on);
int sock_set_v6only(int fd, bool on);
int sock_local_addr(int fd, struct sockaddr *sa, socklen_t *len);
/* connect() that waits at most timeout_ms (0: the kernel's own timeout) on a
 * non-blocking fd; 0, or -1 with errno (ETIMEDOUT when the time ran out). */
int sock_connect_wait(int fd, const struct sockaddr *sa, socklen_t len, int timeout_ms);
/* SO_SNDBUF / SO_RCVBUF when n > 0. */
int sock_set_sndbuf(int fd, int n);
int sock_set_rcvbuf(int fd, int n);
/* TCP_NOTSENT_LOWAT when n > 0: the socket takes (and polls writable for)
 * more only while fewer than n bytes wait unsent, so a peer that stops
 * reading pins little kernel memory, while in-flight data is not limited. */
int sock_set_notsent_lowat(int fd, int n);
int sock_set_mss(int fd, int mss);
/* The pending error of a socket (SO_ERROR), 0 if none. */
int sock_error(int fd);
/* True if fd can be watched by epoll: a socket, pipe or terminal, not a
 * regular file or /dev/null (those are always "ready"). */
bool sock_fd_pollable(int fd);
/* True if this host can bind ::1 (IPv6 is on). */
bool sock_have_ipv6(void);
/* What a server binds into out (room for max(nbinds, 2)): the --bind list,
 * else 127.0.0.1 and ::1 as -4/-6 allow (addr_list_or_loopback). Returns
 * how many. On a host without IPv6, ::1 is left out with a note in note
 * (else note is ""); asked for with -6, that is an error: -1, the reason in
 * note. */
int sock_server_addrs(const union addr_any *binds, unsigned nbinds, int family,
		      union addr_any *out, char *note, size_t notelen);
/* Raises the soft RLIMIT_NOFILE to the hard limit; returns the new soft limit. */
long sock_raise_nofile(void);

#endif
