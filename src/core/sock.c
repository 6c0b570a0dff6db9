/* Socket helpers: thin, orthogonal, error-returning. */
#include "core/sock.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

#include <stdio.h>

#include "core/addr.h"

static int sock_set_int(int fd, int level, int opt, int val)
{
	return setsockopt(fd, level, opt, &val, sizeof(val));
}

int sock_set_nonblock(int fd, bool on)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return -1;
	fl = on ? (fl | O_NONBLOCK) : (fl & ~O_NONBLOCK);
	return fcntl(fd, F_SETFL, fl);
}

int sock_set_nodelay(int fd, bool on)
{
	return sock_set_int(fd, IPPROTO_TCP, TCP_NODELAY, on);
}

int sock_set_reuseaddr(int fd, bool on)
{
	return sock_set_int(fd, SOL_SOCKET, SO_REUSEADDR, on);
}

int sock_set_v6only(int fd, bool on)
{
	return sock_set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, on);
}

int sock_local_addr(int fd, struct sockaddr *sa, socklen_t *len)
{
	return getsockname(fd, sa, len);
}

int sock_bind_generic(int type, const struct sockaddr *sa, socklen_t len, int flags)
{
	int t = type | SOCK_CLOEXEC | ((flags & SOCK_F_NONBLOCK) ? SOCK_NONBLOCK : 0);
	int fd = socket(sa->sa_family, t, 0);

	if (fd < 0)
		return -1;
	if ((flags & SOCK_F_REUSEADDR) && sock_set_reuseaddr(fd, true) < 0)
		goto fail;
	if (sa->sa_family == AF_INET6 && (flags & SOCK_F_V6ONLY) && sock_set_v6only(fd, true) < 0)
		goto fail;
	if (bind(fd, sa, len) < 0)
		goto fail;
	return fd;
fail:;
	int err = errno;
	close(fd);
	errno = err;
	return -1;
}

int sock_listen_tcp(const struct sockaddr *sa, socklen_t len, int backlog)
{
	int fd = sock_bind_generic(SOCK_STREAM, sa, len,
				   SOCK_F_REUSEADDR | SOCK_F_V6ONLY | SOCK_F_NONBLOCK);

	if (fd < 0)
		return -1;
	if (listen(fd, backlog) < 0) {
		int err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

int sock_bind_udp(const struct sockaddr *sa, socklen_t len)
{
	return sock_bind_generic(SOCK_DGRAM, sa, len, SOCK_F_V6ONLY | SOCK_F_NONBLOCK);
}

long sock_raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return -1;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			return -1;
	}
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > LONG_MAX)
		return LONG_MAX;
	return (long)rl.rlim_cur;
}

int sock_error(int fd)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		return errno;
	return err;
}

int sock_connect_wait(int fd, const struct sockaddr *sa, socklen_t len, int timeout_ms)
{
	if (connect(fd, sa, len) == 0)
		return 0;
	if (errno != EINPROGRESS)
		return -1;
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	for (;;) {
		int n = poll(&p, 1, timeout_ms > 0 ? timeout_ms : -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		break;
	}
	int err = sock_error(fd);
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

int sock_set_sndbuf(int fd, int n)
{
	return n > 0 ? sock_set_int(fd, SOL_SOCKET, SO_SNDBUF, n) : 0;
}

int sock_set_rcvbuf(int fd, int n)
{
	return n > 0 ? sock_set_int(fd, SOL_SOCKET, SO_RCVBUF, n) : 0;
}

int sock_set_notsent_lowat(int fd, int n)
{
	return n > 0 ? sock_set_int(fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT, n) : 0;
}

int sock_set_mss(int fd, int mss)
{
	return mss > 0 ? sock_set_int(fd, IPPROTO_TCP, TCP_MAXSEG, mss) : 0;
}

bool sock_fd_pollable(int fd)
{
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = { .events = EPOLLIN };

	if (ep < 0)
		return true;
	int rc = epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	int err = errno;
	close(ep);
	return rc == 0 || err != EPERM;
}

bool sock_have_ipv6(void)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	int fd = sock_bind_generic(SOCK_DGRAM, (struct sockaddr *)&a, sizeof(a), SOCK_F_V6ONLY);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

int sock_server_addrs(const union addr_any *binds, unsigned nbinds, int family,
		      union addr_any *out, char *note, size_t notelen)
{
	bool have_v6 = nbinds > 0 || family == AF_INET || sock_have_ipv6();

	note[0] = '\0';
	if (!have_v6 && family == AF_INET6) {
		snprintf(note, notelen, "cannot bind ::1: IPv6 is off on this host");
		return -1;
	}
	if (!have_v6)
		snprintf(note, notelen, "IPv6 is off on this host; serving 127.0.0.1 only");
	return (int)addr_list_or_loopback(binds, nbinds, family, have_v6, out);
}
