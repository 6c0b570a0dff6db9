/* ref_echo_epoll: the ceiling for the `socklab serve` TCP echo benchmark.
 * A deliberately minimal single-threaded epoll echo server: level-triggered,
 * one shared 256 KiB read buffer, data written straight back, and a private
 * copy kept only when a write comes up short (reading stops until it drains).
 *
 *   ref_echo_epoll [PORT [BIND-ADDR]]     PORT 0 = ephemeral (default),
 *                                          BIND-ADDR default 127.0.0.1
 * Prints "listening PORT" on stdout once it accepts connections. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define READ_BUF_SIZE (256 * 1024)
#define MAX_EVENTS 256

/* Per-descriptor state, indexed by fd; only touched when a write is short. */
struct conn {
	char *pend;   /* bytes read but not yet written back */
	size_t off;   /* first unsent byte in pend */
	size_t len;   /* bytes in pend */
};

static struct conn *conns;
static size_t conns_max;
static int epfd;
static char readbuf[READ_BUF_SIZE];

static void die(const char *what)
{
	fprintf(stderr, "ref_echo_epoll: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int parse_port(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *s == '\0' || *end != '\0' || v < 0 || v > 65535) {
		fprintf(stderr, "ref_echo_epoll: bad port '%s'\n", s);
		exit(2);
	}
	return (int)v;
}

static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		die("getrlimit");
	conns_max = rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > (1u << 20)
	                ? (1u << 20) : (size_t)rl.rlim_cur;
	/* calloc of a large block is lazily zero-mapped: untouched entries cost nothing */
	conns = calloc(conns_max, sizeof(*conns));
	if (conns == NULL)
		die("calloc");
}

static void conn_close(int fd)
{
	if ((size_t)fd < conns_max) {
		free(conns[fd].pend);
		conns[fd].pend = NULL;
		conns[fd].off = conns[fd].len = 0;
	}
	close(fd); /* also removes it from the epoll set */
}

static void watch(int fd, uint32_t events, int op)
{
	struct epoll_event ev = { .events = events, .data.fd = fd };

	if (epoll_ctl(epfd, op, fd, &ev) != 0)
		die("epoll_ctl");
}

/* Returns 0 when everything was written, 1 when some is left over, -1 on error. */
static int write_or_keep(int fd, const char *p, size_t n)
{
	ssize_t w = write(fd, p, n);
	struct conn *c = &conns[fd];

	if (w < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			return -1;
		w = 0;
	}
	if ((size_t)w == n)
		return 0;
	c->len = n - (size_t)w;
	c->off = 0;
	c->pend = malloc(c->len);
	if (c->pend == NULL)
		return -1;
	memcpy(c->pend, p + w, c->len);
	watch(fd, EPOLLOUT, EPOLL_CTL_MOD);
	return 1;
}

static void on_readable(int fd)
{
	for (int rounds = 0; rounds < 16; rounds++) {
		ssize_t n = read(fd, readbuf, sizeof(readbuf));

		if (n > 0) {
			int r = write_or_keep(fd, readbuf, (size_t)n);
			if (r < 0)
				conn_close(fd);
			if (r != 0 || (size_t)n < sizeof(readbuf))
				return;
			continue;
		}
		if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
			conn_close(fd); /* client's FIN with nothing owed, or an error */
		return;
	}
}

static void on_writable(int fd)
{
	struct conn *c = &conns[fd];
	ssize_t w = write(fd, c->pend + c->off, c->len - c->off);

	if (w < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			conn_close(fd);
		return;
	}
	c->off += (size_t)w;
	if (c->off == c->len) {
		free(c->pend);
		c->pend = NULL;
		c->off = c->len = 0;
		watch(fd, EPOLLIN, EPOLL_CTL_MOD);
	}
}

static void on_accept(int lfd)
{
	for (;;) {
		int one = 1;
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0)
			return; /* EAGAIN, or EMFILE & co: try again on the next event */
		if ((size_t)fd >= conns_max) {
			close(fd);
			continue;
		}
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		watch(fd, EPOLLIN, EPOLL_CTL_ADD);
	}
}

int main(int argc, char **argv)
{
	const char *port = argc > 1 ? argv[1] : "0";
	const char *addr = argc > 2 ? argv[2] : "127.0.0.1";
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
	                          .ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV };
	struct addrinfo *ai;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct epoll_event evs[MAX_EVENTS];
	int lfd, one = 1, rc;

	if (argc > 3 || (argc > 1 && strcmp(argv[1], "-h") == 0)) {
		fprintf(stderr, "usage: ref_echo_epoll [PORT [BIND-ADDR]]\n");
		return 2;
	}
	(void)parse_port(port);
	signal(SIGPIPE, SIG_IGN);
	raise_nofile();

	rc = getaddrinfo(addr, port, &hints, &ai);
	if (rc != 0) {
		fprintf(stderr, "ref_echo_epoll: %s: %s\n", addr, gai_strerror(rc));
		return 2;
	}
	lfd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (lfd < 0)
		die("socket");
	(void)setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, ai->ai_addr, ai->ai_addrlen) != 0)
		die("bind");
	freeaddrinfo(ai);
	if (listen(lfd, SOMAXCONN) != 0)
		die("listen");
	if (getsockname(lfd, (struct sockaddr *)&ss, &sl) != 0)
		die("getsockname");

	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0)
		die("epoll_create1");
	watch(lfd, EPOLLIN, EPOLL_CTL_ADD);

	printf("listening %u\n", ntohs(ss.ss_family == AF_INET6
	                                   ? ((struct sockaddr_in6 *)&ss)->sin6_port
	                                   : ((struct sockaddr_in *)&ss)->sin_port));
	fflush(stdout);

	for (;;) {
		int n = epoll_wait(epfd, evs, MAX_EVENTS, -1);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("epoll_wait");
		}
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;

			if (fd == lfd)
				on_accept(lfd);
			else if (conns[fd].pend != NULL)
				on_writable(fd);
			else
				on_readable(fd);
		}
	}
}
