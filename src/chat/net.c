/* Connecting and listening for socklab chat. */
#include "chat/net.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/addr.h"
#include "core/resolve.h"
#include "core/sock.h"

int chat_connect(const char *host, const char *port, int family, uint64_t timeout_ms,
		     char *why, size_t whylen)
{
	struct addrinfo *res, *ai;
	const char *gai_why;
	int fd = -1;

	if (resolve(host, port, family, SOCK_STREAM, 0, &res, &gai_why) < 0) {
		snprintf(why, whylen, "%s", gai_why);
		return -1;
	}
	snprintf(why, whylen, "no address");
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
			    ai->ai_protocol);
		if (fd < 0) {
			snprintf(why, whylen, "%s", strerror(errno));
			continue;
		}
		if (sock_connect_wait(fd, ai->ai_addr, ai->ai_addrlen, (int)timeout_ms) == 0)
			break;
		if (errno == ETIMEDOUT)
			snprintf(why, whylen, "timed out after %.3g s", (double)timeout_ms / 1000);
		else
			snprintf(why, whylen, "%s", strerror(errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

static int chat_listen_on(const union addr_any *a, bool v6only)
{
	int fd = socket(a->sa.sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	/* A chat restarted on the same port must not wait out TIME_WAIT. */
	if (sock_set_reuseaddr(fd, true) < 0 ||
	    (a->sa.sa_family == AF_INET6 && sock_set_v6only(fd, v6only) < 0) ||
	    bind(fd, &a->sa, addr_len(&a->sa)) < 0 || listen(fd, 1) < 0) {
		int err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

int chat_listen(uint16_t port, int family, char *err, size_t errlen)
{
	union addr_any a;
	char where[ADDR_STRLEN];
	int fd = -1;

	memset(&a, 0, sizeof(a));
	if (family != AF_INET) {
		a.v6.sin6_family = AF_INET6;
		a.v6.sin6_addr = in6addr_any;
		a.v6.sin6_port = htons(port);
		fd = chat_listen_on(&a, family == AF_INET6);
		if (fd >= 0 || family == AF_INET6 || errno != EAFNOSUPPORT)
			goto done;
	}
	memset(&a, 0, sizeof(a));
	a.v4.sin_family = AF_INET;
	a.v4.sin_addr.s_addr = htonl(INADDR_ANY);
	a.v4.sin_port = htons(port);
	fd = chat_listen_on(&a, false);
done:
	if (fd < 0)
		snprintf(err, errlen, "cannot listen on %s: %s",
			 addr_format(&a.sa, where, sizeof(where)), strerror(errno));
	return fd;
}

void chat_unmap(union addr_any *a)
{
	if (a->sa.sa_family != AF_INET6 || !IN6_IS_ADDR_V4MAPPED(&a->v6.sin6_addr))
		return;
	struct sockaddr_in v4;
	memset(&v4, 0, sizeof(v4));
	v4.sin_family = AF_INET;
	v4.sin_port = a->v6.sin6_port;
	memcpy(&v4.sin_addr, &a->v6.sin6_addr.s6_addr[12], 4);
	a->v4 = v4;
}

static void chat_addr_str(int fd, bool peer, char *buf, size_t n)
{
	union addr_any a;
	socklen_t len = sizeof(a);
	int rc = peer ? getpeername(fd, &a.sa, &len) : getsockname(fd, &a.sa, &len);

	if (rc < 0) {
		snprintf(buf, n, "?");
		return;
	}
	chat_unmap(&a);
	addr_format(&a.sa, buf, n);
}

void chat_peer_str(int fd, char *buf, size_t n)
{
	chat_addr_str(fd, true, buf, n);
}

void chat_local_str(int fd, char *buf, size_t n)
{
	chat_addr_str(fd, false, buf, n);
}

void chat_hostport_str(const char *host, const char *port, char *buf, size_t n)
{
	if (strchr(host, ':') && host[0] != '[')
		snprintf(buf, n, "[%s]:%s", host, port);
	else
		snprintf(buf, n, "%s:%s", host, port);
}

void chat_reset_on_close(int fd)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
}
