/* Sender and receiver sockets (see sock.h). */
#include "tcplab/sock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tcplab/lab.h"
#include "tcplab/peer.h"

static void addr(struct sockaddr_in *a, const char *ip, uint16_t port)
{
	memset(a, 0, sizeof *a);
	a->sin_family = AF_INET;
	a->sin_port = htons(port);
	inet_pton(AF_INET, ip, &a->sin_addr);
}

int tl_listen(uint16_t port, int maxseg, int backlog)
{
	struct sockaddr_in a;
	int one = 1, s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return -1;
	addr(&a, TL_RCV_ADDR, port);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if ((maxseg && setsockopt(s, IPPROTO_TCP, TCP_MAXSEG, &maxseg, sizeof maxseg) < 0) ||
	    bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, backlog) < 0) {
		close(s);
		return -1;
	}
	return s;
}

int tl_accept(int l, int timeout_ms)
{
	struct pollfd p = { l, POLLIN, 0 };

	if (poll(&p, 1, timeout_ms) <= 0)
		return -1;
	return accept4(l, NULL, NULL, SOCK_CLOEXEC);
}

static int connect_with(const char *cc, uint16_t bind_port, int maxseg, int nodelay,
			int timeout_ms)
{
	struct sockaddr_in a, b;
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };

	if (s < 0)
		return -1;
	setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	if (bind_port) {
		int one = 1;

		setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		addr(&b, TL_SND_ADDR, bind_port);
		if (bind(s, (struct sockaddr *)&b, sizeof b) < 0)
			goto fail;
	}
	if (maxseg && setsockopt(s, IPPROTO_TCP, TCP_MAXSEG, &maxseg, sizeof maxseg) < 0)
		goto fail;
	if (cc && setsockopt(s, IPPROTO_TCP, TCP_CONGESTION, cc, (socklen_t)strlen(cc)) < 0)
		goto fail;
	if (nodelay && setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &nodelay, sizeof nodelay) < 0)
		goto fail;
	addr(&a, TL_RCV_ADDR, TL_PORT);
	if (connect(s, (struct sockaddr *)&a, sizeof a) < 0)
		goto fail;
	return s;
fail:
	close(s);
	return -1;
}

int tl_connect(uint16_t bind_port, int maxseg, int nodelay, int timeout_ms)
{
	return connect_with(NULL, bind_port, maxseg, nodelay, timeout_ms);
}

int tl_connect_cc(const char *cc, int timeout_ms)
{
	return connect_with(cc, 0, 0, 0, timeout_ms);
}

long tl_read_n(int fd, size_t n, int timeout_ms)
{
	char buf[65536];
	size_t got = 0;
	int64_t end = tl_now_us() + (int64_t)timeout_ms * 1000;

	while (n == 0 || got < n) {
		int64_t left = end - tl_now_us();
		struct pollfd p = { fd, POLLIN, 0 };

		if (left <= 0 || poll(&p, 1, (int)(left / 1000) + 1) <= 0)
			return -1;
		size_t want = n ? n - got : sizeof buf;
		ssize_t r = read(fd, buf, want < sizeof buf ? want : sizeof buf);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			return n ? -1 : (long)got;
		got += (size_t)r;
	}
	return (long)got;
}

uint16_t tl_local_port(int fd)
{
	struct sockaddr_in a;
	socklen_t len = sizeof a;

	if (getsockname(fd, (struct sockaddr *)&a, &len) < 0)
		return 0;
	return ntohs(a.sin_port);
}
