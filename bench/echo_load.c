/* echo_load: load generator for the echo benchmark (bench/serve_echo.sh).
 * Four bounded measurements against TCP/UDP echo servers; each prints one
 * "MODE port=P key=value ..." line per server on stdout and exits 1 when a
 * measurement failed or ran past its deadline (-t, default 60 s).
 *
 *   echo_load [options] MODE HOST PORT[,PORT...] ...
 *     bulk     HOST PORTS [BYTES]              one connection per server,
 *                                              BYTES out and back
 *     pingpong HOST PORTS [COUNT]              1-byte round trips: p50, p99
 *     idle     HOST PORT N                     N open connections, then one
 *                                              byte echoed on each; prints
 *                                              "holding N" and waits for EOF
 *                                              on stdin (or -H SECS); to 127/8
 *                                              it connects from 127.0.0.1-16
 *     udp      HOST PORTS [COUNT [INFLIGHT [SIZE]]]
 *                                              datagrams, INFLIGHT outstanding
 *
 * Several ports (servers on the same host) are measured in turns of -T units
 * (bytes, round trips, datagrams), each turn starting one server later, so
 * that whatever else the machine is doing at the time weighs on every server
 * alike: ratios between servers stay meaningful on a busy machine where
 * back-to-back runs do not. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_SERVERS 8
#define BULK_CHUNK (256 * 1024)
#define PATTERN_PERIOD 251 /* prime: a lost or repeated chunk shifts the pattern */
#define BULK_DEFAULT_BYTES (1ULL << 30)
#define BULK_DEFAULT_TURN (64ULL << 20)
#define PINGPONG_DEFAULT 20000
#define PINGPONG_DEFAULT_TURN 250
#define PINGPONG_WARMUP_MAX 1000
#define IDLE_CONNECT_WINDOW 256 /* connects in progress at once */
#define IDLE_EPOLL_BATCH 1024
/* Connecting to 127/8, the idle mode spreads its connections over this many
 * source addresses (127.0.0.1, .2, ...): with one source, Linux scans ever
 * more busy ephemeral ports per connect() once half the range is taken. */
#define IDLE_LOOPBACK_SOURCES 16
#define UDP_DEFAULT_COUNT 200000
#define UDP_DEFAULT_INFLIGHT 32
#define UDP_DEFAULT_SIZE 64
#define UDP_DEFAULT_TURN 5000
#define UDP_BATCH_MAX 256
#define UDP_SIZE_MAX 65507
#define UDP_LOSS_TIMEOUT_MS 200 /* an outstanding datagram is lost after this much silence */
#define UDP_MAX_SILENCES 10     /* this many loss timeouts in a row: the server is not answering */

static double opt_deadline_secs = 60;
static double opt_hold_secs = 300;
static uint64_t opt_turn;      /* 0: the mode's default */
static double opt_rate;        /* idle: new connections per second, 0 = no limit */
static bool opt_verify_all;
static double deadline;        /* CLOCK_MONOTONIC seconds */

static const char *host;
static const char *ports[MAX_SERVERS];
static size_t nports;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int ms_until(double t)
{
	double left = t - now();

	if (left <= 0)
		return 0;
	return left > 3600 ? 3600 * 1000 : (int)(left * 1000) + 1;
}

static int remaining_ms(void)
{
	return ms_until(deadline);
}

static bool past_deadline(void)
{
	return now() >= deadline;
}

static void usage(void)
{
	fprintf(stderr,
	        "usage: echo_load [options] MODE HOST PORT[,PORT...] ...\n"
	        "  bulk     HOST PORTS [BYTES]                   (default 1G; suffix k, M, G)\n"
	        "  pingpong HOST PORTS [COUNT]                   (default %d)\n"
	        "  idle     HOST PORT N\n"
	        "  udp      HOST PORTS [COUNT [INFLIGHT [SIZE]]]  (default %d %d %d)\n"
	        "options:\n"
	        "  -t SECS  deadline of the whole measurement (default 60)\n"
	        "  -T N     with several ports, turn length: bytes (bulk, default 64M),\n"
	        "           round trips (pingpong, %d), datagrams (udp, %d)\n"
	        "  -H SECS  idle: hold the connections at most this long (default 300)\n"
	        "  -r RATE  idle: open at most RATE connections per second (default: no limit)\n"
	        "  -V       bulk: compare every byte echoed (default: samples of each read)\n",
	        PINGPONG_DEFAULT, UDP_DEFAULT_COUNT, UDP_DEFAULT_INFLIGHT, UDP_DEFAULT_SIZE,
	        PINGPONG_DEFAULT_TURN, UDP_DEFAULT_TURN);
	exit(2);
}

static void fail(const char *mode, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
static void fail(const char *mode, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "echo_load %s: ", mode);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	printf("%s FAIL\n", mode);
	fflush(stdout);
	exit(1);
}

/* An unsigned number in [min, max]; with suffixes, k/M/G multiply by 1024^n. */
static uint64_t parse_num(const char *s, uint64_t min, uint64_t max, bool suffixes, const char *what)
{
	char *end;
	unsigned long long v;
	uint64_t mul = 1;

	errno = 0;
	if (*s == '-' || *s == '\0')
		goto bad;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s)
		goto bad;
	if (suffixes && *end != '\0' && end[1] == '\0') {
		switch (*end) {
		case 'k': case 'K': mul = 1ULL << 10; end++; break;
		case 'm': case 'M': mul = 1ULL << 20; end++; break;
		case 'g': case 'G': mul = 1ULL << 30; end++; break;
		default: break;
		}
	}
	if (*end != '\0' || v > max / mul || v * mul < min || v * mul > max)
		goto bad;
	return v * mul;
bad:
	fprintf(stderr, "echo_load: bad %s '%s' (range %llu..%llu)\n", what, s,
	        (unsigned long long)min, (unsigned long long)max);
	exit(2);
}

/* "7,8,9" -> ports[]; every one checked. The strings live in argv. */
static void parse_ports(char *list, size_t max)
{
	for (char *save = NULL, *p = strtok_r(list, ",", &save); p != NULL; p = strtok_r(NULL, ",", &save)) {
		if (nports == max) {
			fprintf(stderr, "echo_load: at most %zu port(s) here\n", max);
			exit(2);
		}
		(void)parse_num(p, 1, 65535, false, "port");
		ports[nports++] = p;
	}
	if (nports == 0)
		usage();
}

static struct addrinfo *resolve(const char *mode, const char *port, int socktype)
{
	struct addrinfo hints = { .ai_socktype = socktype, .ai_flags = AI_NUMERICSERV };
	struct addrinfo *ai;
	int rc = getaddrinfo(host, port, &hints, &ai);

	if (rc != 0)
		fail(mode, "%s port %s: %s", host, port, gai_strerror(rc));
	return ai;
}

static void set_nonblock(int fd, bool on)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl >= 0)
		(void)fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
}

/* A connected TCP socket, left non-blocking; fails the mode at the deadline. */
static int tcp_connect(const char *mode, const char *port)
{
	struct addrinfo *ai = resolve(mode, port, SOCK_STREAM);
	int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int err = 0;
	socklen_t el = sizeof(err);

	if (fd < 0)
		fail(mode, "socket: %s", strerror(errno));
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
		struct pollfd p = { .fd = fd, .events = POLLOUT };

		if (errno != EINPROGRESS)
			fail(mode, "connect %s port %s: %s", host, port, strerror(errno));
		if (poll(&p, 1, remaining_ms()) != 1)
			fail(mode, "connect %s port %s: timed out", host, port);
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) != 0 || err != 0)
			fail(mode, "connect %s port %s: %s", host, port, strerror(err));
	}
	freeaddrinfo(ai);
	return fd;
}

static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* ---- bulk: BYTES out and BYTES back on one connection, single thread ---- */

struct bulk {
	const char *port;
	int fd;
	uint64_t sent, recvd; /* both count from the start of the connection */
	double secs;          /* time spent in this server's turns */
};

static char pattern[BULK_CHUNK + PATTERN_PERIOD];
static char rbuf[BULK_CHUNK];

static bool bulk_check(const char *got, size_t n, uint64_t offset)
{
	const char *want = pattern + offset % PATTERN_PERIOD;

	if (opt_verify_all)
		return memcmp(got, want, n) == 0;
	return got[0] == want[0] && got[n - 1] == want[n - 1] && got[n / 2] == want[n / 2];
}

/* Sends `bytes` more and waits until they are all back. */
static void bulk_turn(struct bulk *b, uint64_t bytes)
{
	uint64_t target = b->sent + bytes;
	double t0 = now();

	while (b->recvd < target) {
		bool progress = false;

		if (b->sent < target) {
			size_t want = target - b->sent < BULK_CHUNK ? (size_t)(target - b->sent) : BULK_CHUNK;
			ssize_t n = send(b->fd, pattern + b->sent % PATTERN_PERIOD, want, MSG_NOSIGNAL);

			if (n > 0) {
				b->sent += (uint64_t)n;
				progress = true;
			} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
				fail("bulk", "port %s: send after %llu bytes: %s", b->port,
				     (unsigned long long)b->sent, strerror(errno));
			}
		}
		for (int r = 0; r < 4 && b->recvd < target; r++) {
			ssize_t n = recv(b->fd, rbuf, sizeof(rbuf), 0);

			if (n > 0) {
				if ((uint64_t)n > b->sent - b->recvd)
					fail("bulk", "port %s: received more than was sent", b->port);
				if (!bulk_check(rbuf, (size_t)n, b->recvd))
					fail("bulk", "port %s: wrong bytes echoed near offset %llu", b->port,
					     (unsigned long long)b->recvd);
				b->recvd += (uint64_t)n;
				progress = true;
				if ((size_t)n < sizeof(rbuf))
					break;
				continue;
			}
			if (n == 0)
				fail("bulk", "port %s: server closed after echoing %llu bytes", b->port,
				     (unsigned long long)b->recvd);
			if (errno != EAGAIN && errno != EINTR)
				fail("bulk", "port %s: recv after %llu bytes: %s", b->port,
				     (unsigned long long)b->recvd, strerror(errno));
			break;
		}
		if (!progress) {
			struct pollfd p = { .fd = b->fd, .events = POLLIN | (b->sent < target ? POLLOUT : 0) };

			if (poll(&p, 1, remaining_ms()) == 0 || past_deadline())
				fail("bulk", "port %s: deadline passed with %llu bytes echoed", b->port,
				     (unsigned long long)b->recvd);
		}
	}
	b->secs += now() - t0;
}

static int mode_bulk(int argc, char **argv)
{
	uint64_t total = argc > 2 ? parse_num(argv[2], 1, 1ULL << 40, true, "byte count")
	                          : BULK_DEFAULT_BYTES;
	uint64_t turn = opt_turn ? opt_turn : BULK_DEFAULT_TURN;
	struct bulk b[MAX_SERVERS];

	if (nports == 1)
		turn = total;
	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (char)('A' + i % PATTERN_PERIOD % 58);
	for (size_t i = 0; i < nports; i++)
		b[i] = (struct bulk){ .port = ports[i], .fd = tcp_connect("bulk", ports[i]) };
	for (uint64_t done = 0, t = 0; done < total; done += turn, t++) {
		uint64_t bytes = total - done < turn ? total - done : turn;

		for (size_t j = 0; j < nports; j++)
			bulk_turn(&b[(j + t) % nports], bytes);
	}
	for (size_t i = 0; i < nports; i++) {
		close(b[i].fd);
		printf("bulk port=%s bytes=%llu secs=%.3f MBps=%.1f\n", b[i].port,
		       (unsigned long long)total, b[i].secs, (double)total / b[i].secs / 1e6);
	}
	return 0;
}

/* ---- pingpong: 1-byte request, 1-byte reply, COUNT times ---- */

struct pingpong {
	const char *port;
	int fd;
	uint64_t *lat; /* nanoseconds per round trip */
	size_t n;
	unsigned seq;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t ns_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Nearest-rank percentile of a sorted array, in microseconds. */
static double pct_us(const uint64_t *v, size_t n, double p)
{
	size_t rank = (size_t)(p / 100.0 * (double)n + 0.999999);

	if (rank < 1)
		rank = 1;
	return (double)v[rank - 1] / 1000.0;
}

/* `count` round trips; latencies are kept unless this is the warm-up. */
static void pingpong_turn(struct pingpong *pp, size_t count, bool keep)
{
	for (size_t i = 0; i < count; i++) {
		char out = (char)('a' + pp->seq++ % 26), in = 0;
		uint64_t t0 = ns_now();
		ssize_t n;

		if (send(pp->fd, &out, 1, MSG_NOSIGNAL) != 1)
			fail("pingpong", "port %s: send: %s", pp->port, strerror(errno));
		do
			n = recv(pp->fd, &in, 1, 0);
		while (n < 0 && errno == EINTR && !past_deadline());
		if (n == 0)
			fail("pingpong", "port %s: server closed after %zu round trips", pp->port, pp->n);
		if (n < 0)
			fail("pingpong", "port %s: no reply after %zu round trips: %s", pp->port, pp->n,
			     strerror(errno));
		if (in != out)
			fail("pingpong", "port %s: wrong byte echoed", pp->port);
		if (keep)
			pp->lat[pp->n++] = ns_now() - t0;
		if ((i & 255) == 0 && past_deadline())
			fail("pingpong", "port %s: deadline passed after %zu round trips", pp->port, pp->n);
	}
}

static int mode_pingpong(int argc, char **argv)
{
	size_t count = argc > 2 ? parse_num(argv[2], 1, 100000000, false, "count") : PINGPONG_DEFAULT;
	size_t warmup = count / 10 < PINGPONG_WARMUP_MAX ? count / 10 : PINGPONG_WARMUP_MAX;
	size_t turn = opt_turn ? (size_t)opt_turn : PINGPONG_DEFAULT_TURN;
	struct timeval tv = { .tv_sec = 2 };
	struct pingpong pp[MAX_SERVERS];
	int one = 1;

	if (nports == 1)
		turn = count;
	for (size_t i = 0; i < nports; i++) {
		pp[i] = (struct pingpong){ .port = ports[i], .fd = tcp_connect("pingpong", ports[i]),
		                           .lat = malloc(count * sizeof(uint64_t)) };
		if (pp[i].lat == NULL)
			fail("pingpong", "out of memory");
		set_nonblock(pp[i].fd, false);
		(void)setsockopt(pp[i].fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		(void)setsockopt(pp[i].fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		(void)setsockopt(pp[i].fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	}
	for (size_t i = 0; i < nports; i++)
		pingpong_turn(&pp[i], warmup, false);
	for (size_t done = 0, t = 0; done < count; done += turn, t++) {
		size_t k = count - done < turn ? count - done : turn;

		for (size_t j = 0; j < nports; j++)
			pingpong_turn(&pp[(j + t) % nports], k, true);
	}
	for (size_t i = 0; i < nports; i++) {
		double sum = 0;

		close(pp[i].fd);
		for (size_t j = 0; j < count; j++)
			sum += (double)pp[i].lat[j];
		qsort(pp[i].lat, count, sizeof(uint64_t), cmp_u64);
		printf("pingpong port=%s count=%zu p50_us=%.1f p99_us=%.1f mean_us=%.1f max_us=%.1f\n",
		       pp[i].port, count, pct_us(pp[i].lat, count, 50), pct_us(pp[i].lat, count, 99),
		       sum / (double)count / 1000.0, (double)pp[i].lat[count - 1] / 1000.0);
		free(pp[i].lat);
	}
	return 0;
}

/* ---- idle: N connections held open, each echoes one byte ---- */

static void idle_bind_source(int fd, const struct addrinfo *ai, size_t idx)
{
	struct sockaddr_in src = { .sin_family = AF_INET };
	int one = 1;

	if (ai->ai_family != AF_INET ||
	    (ntohl(((const struct sockaddr_in *)ai->ai_addr)->sin_addr.s_addr) >> 24) != 127)
		return;
	src.sin_addr.s_addr = htonl(0x7f000001u + (uint32_t)(idx % IDLE_LOOPBACK_SOURCES));
	/* the port is chosen at connect(), for the whole 4-tuple */
	(void)setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&src, sizeof(src)) != 0)
		fail("idle", "bind source 127.0.0.%zu: %s", 1 + idx % IDLE_LOOPBACK_SOURCES, strerror(errno));
}

static int mode_idle(int argc, char **argv)
{
	size_t n = argc > 2 ? parse_num(argv[2], 1, 1000000, false, "connection count") : 0;
	struct addrinfo *ai;
	struct epoll_event evs[IDLE_EPOLL_BATCH];
	int *fds, ep;
	size_t next = 0, connected = 0, inflight = 0, answered = 0, closed = 0;
	double t0, t_conn, t_ans;

	if (argc != 3 || nports != 1)
		usage();
	raise_nofile();
	ai = resolve("idle", ports[0], SOCK_STREAM);
	fds = malloc(n * sizeof(*fds));
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (fds == NULL || ep < 0)
		fail("idle", "setup: %s", strerror(errno));

	/* 1: open them all, a window of non-blocking connects (and -r) at a time */
	t0 = now();
	while (connected < n) {
		int wait, k;

		while (inflight < IDLE_CONNECT_WINDOW && next < n &&
		       (opt_rate <= 0 || now() >= t0 + (double)next / opt_rate)) {
			int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
			struct epoll_event ev = { .events = EPOLLOUT, .data.u64 = next };

			if (fd < 0)
				fail("idle", "socket #%zu: %s (%zu connected)", next, strerror(errno), connected);
			fds[next] = fd;
			idle_bind_source(fd, ai, next);
			if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
				connected++;
			} else if (errno == EINPROGRESS) {
				if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0)
					fail("idle", "epoll_ctl: %s", strerror(errno));
				inflight++;
			} else {
				fail("idle", "connect #%zu: %s (%zu connected)", next, strerror(errno), connected);
			}
			next++;
		}
		if (connected == n)
			break;
		wait = remaining_ms();
		if (opt_rate > 0 && next < n && inflight < IDLE_CONNECT_WINDOW) {
			int slot = ms_until(t0 + (double)next / opt_rate);
			if (slot < wait)
				wait = slot;
		}
		k = epoll_wait(ep, evs, IDLE_EPOLL_BATCH, wait);
		if (k <= 0 && past_deadline())
			fail("idle", "deadline passed with %zu of %zu connected", connected, n);
		for (int i = 0; i < k; i++) {
			size_t idx = (size_t)evs[i].data.u64;
			int err = 0;
			socklen_t el = sizeof(err);

			if (getsockopt(fds[idx], SOL_SOCKET, SO_ERROR, &err, &el) != 0 || err != 0)
				fail("idle", "connect #%zu: %s (%zu connected)", idx, strerror(err), connected);
			(void)epoll_ctl(ep, EPOLL_CTL_DEL, fds[idx], NULL);
			inflight--;
			connected++;
		}
	}
	freeaddrinfo(ai);
	t_conn = now() - t0;

	/* 2: all open; now one byte on each, and wait for every echo */
	t0 = now();
	for (size_t i = 0; i < n; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.u64 = i };

		if (send(fds[i], "x", 1, MSG_NOSIGNAL) != 1) {
			closed++;
			continue;
		}
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev) != 0)
			fail("idle", "epoll_ctl: %s", strerror(errno));
	}
	while (answered + closed < n && !past_deadline()) {
		int k = epoll_wait(ep, evs, IDLE_EPOLL_BATCH, remaining_ms());

		for (int i = 0; i < k; i++) {
			size_t idx = (size_t)evs[i].data.u64;
			char c = 0;
			ssize_t r = recv(fds[idx], &c, 1, 0);

			if (r < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (r == 1 && c == 'x')
				answered++;
			else
				closed++;
			(void)epoll_ctl(ep, EPOLL_CTL_DEL, fds[idx], NULL);
		}
	}
	t_ans = now() - t0;
	printf("idle port=%s conns=%zu answered=%zu failed=%zu closed=%zu connect_secs=%.3f "
	       "answer_secs=%.3f\n",
	       ports[0], n, answered, n - answered, closed, t_conn, t_ans);
	printf("holding %zu\n", n);
	fflush(stdout);

	/* 3: hold them until the caller closes our stdin (or -H runs out) */
	{
		double until = now() + opt_hold_secs;
		char buf[256];

		while (now() < until) {
			struct pollfd p = { .fd = 0, .events = POLLIN };

			if (poll(&p, 1, ms_until(until)) == 1) {
				ssize_t r = read(0, buf, sizeof(buf));
				if (r <= 0 && !(r < 0 && errno == EINTR))
					break;
			}
		}
	}
	for (size_t i = 0; i < n; i++)
		close(fds[i]);
	free(fds);
	return answered == n ? 0 : 1;
}

/* ---- udp: COUNT datagrams, INFLIGHT outstanding at a time ---- */

struct udp {
	const char *port;
	int fd;
	unsigned char *got; /* per seq: 0 outstanding or unsent, 1 answered, 2 declared lost */
	size_t next, outstanding, received, lost, late, dup, bad, low, refused;
	double secs;
};

static size_t udp_size, udp_inflight;
static struct mmsghdr sm[UDP_BATCH_MAX], rm[UDP_BATCH_MAX];
static struct iovec siov[UDP_BATCH_MAX], riov[UDP_BATCH_MAX];
static char *sbufs, *rbufs;

static void udp_setup_buffers(void)
{
	sbufs = malloc(UDP_BATCH_MAX * udp_size);
	rbufs = malloc(UDP_BATCH_MAX * (udp_size + 1));
	if (sbufs == NULL || rbufs == NULL)
		fail("udp", "out of memory");
	for (size_t i = 0; i < UDP_BATCH_MAX; i++) {
		memset(sbufs + i * udp_size, 'u', udp_size);
		siov[i] = (struct iovec){ .iov_base = sbufs + i * udp_size, .iov_len = udp_size };
		sm[i].msg_hdr = (struct msghdr){ .msg_iov = &siov[i], .msg_iovlen = 1 };
		/* one spare byte so an over-long reply shows up as the wrong length */
		riov[i] = (struct iovec){ .iov_base = rbufs + i * (udp_size + 1), .iov_len = udp_size + 1 };
		rm[i].msg_hdr = (struct msghdr){ .msg_iov = &riov[i], .msg_iovlen = 1 };
	}
}

static void udp_open(struct udp *u, const char *port, size_t count)
{
	struct addrinfo *ai = resolve("udp", port, SOCK_DGRAM);
	int rcvbuf = 1 << 20;

	*u = (struct udp){ .port = port, .got = calloc(count, 1) };
	if (u->got == NULL)
		fail("udp", "out of memory");
	u->fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (u->fd < 0)
		fail("udp", "socket: %s", strerror(errno));
	(void)setsockopt(u->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (connect(u->fd, ai->ai_addr, ai->ai_addrlen) != 0)
		fail("udp", "connect %s port %s: %s", host, port, strerror(errno));
	freeaddrinfo(ai);
}

/* Sends `count` more datagrams, INFLIGHT at a time, and waits for the last answer or loss. */
static void udp_turn(struct udp *u, size_t count)
{
	size_t end = u->next + count, silences = 0;
	double t0 = now(), t_last = t0;

	while ((u->next < end || u->outstanding > 0) && !past_deadline()) {
		int k;

		if (u->outstanding < udp_inflight && u->next < end) {
			size_t want = udp_inflight - u->outstanding;

			if (want > end - u->next)
				want = end - u->next;
			for (size_t i = 0; i < want; i++) {
				uint64_t seq = u->next + i;
				memcpy(sbufs + i * udp_size, &seq, sizeof(seq));
			}
			k = sendmmsg(u->fd, sm, (unsigned)want, 0);
			if (k > 0) {
				u->next += (size_t)k;
				u->outstanding += (size_t)k;
			} else if (k < 0 && errno == ECONNREFUSED) {
				u->refused++;
			} else if (k < 0 && errno != EAGAIN && errno != EINTR) {
				fail("udp", "port %s: sendmmsg: %s", u->port, strerror(errno));
			}
		}

		k = recvmmsg(u->fd, rm, (unsigned)udp_inflight, MSG_DONTWAIT, NULL);
		if (k > 0) {
			for (int i = 0; i < k; i++) {
				uint64_t seq;

				if (rm[i].msg_len != udp_size) {
					u->bad++;
					continue;
				}
				memcpy(&seq, riov[i].iov_base, sizeof(seq));
				if (seq >= u->next)
					u->bad++;
				else if (u->got[seq] == 1)
					u->dup++;
				else if (u->got[seq] == 2)
					u->late++;
				else {
					u->got[seq] = 1;
					u->received++;
					u->outstanding--;
				}
			}
			t_last = now();
			silences = 0;
			continue;
		}
		if (k < 0 && errno == ECONNREFUSED) {
			if (++u->refused >= 3 && u->received == 0)
				fail("udp", "nothing listens at %s port %s", host, u->port);
			continue;
		}
		if (k < 0 && errno != EAGAIN && errno != EINTR)
			fail("udp", "port %s: recvmmsg: %s", u->port, strerror(errno));
		if (u->outstanding < udp_inflight && u->next < end)
			continue; /* room to send more */

		struct pollfd p = { .fd = u->fd, .events = POLLIN };
		int wait = remaining_ms() < UDP_LOSS_TIMEOUT_MS ? remaining_ms() : UDP_LOSS_TIMEOUT_MS;

		if (poll(&p, 1, wait) == 0 && u->outstanding > 0) {
			/* silence: everything outstanding is lost; refill the window */
			for (size_t s = u->low; s < u->next; s++) {
				if (u->got[s] == 0) {
					u->got[s] = 2;
					u->lost++;
				}
			}
			u->outstanding = 0;
			t_last = now();
			if (++silences >= UDP_MAX_SILENCES)
				fail("udp", "port %s: no answer for %d ms (%zu sent, %zu answered)", u->port,
				     UDP_MAX_SILENCES * UDP_LOSS_TIMEOUT_MS, u->next, u->received);
		}
		while (u->low < u->next && u->got[u->low] != 0)
			u->low++;
	}
	u->secs += t_last - t0;
	if (u->next < end || u->outstanding > 0)
		fail("udp", "port %s: deadline passed: %zu sent, %zu answered, %zu lost", u->port,
		     u->next, u->received, u->lost);
}

static int mode_udp(int argc, char **argv)
{
	size_t count = argc > 2 ? parse_num(argv[2], 1, 100000000, false, "count") : UDP_DEFAULT_COUNT;
	size_t turn = opt_turn ? (size_t)opt_turn : UDP_DEFAULT_TURN;
	struct udp u[MAX_SERVERS];

	udp_inflight = argc > 3 ? parse_num(argv[3], 1, UDP_BATCH_MAX, false, "in-flight count")
	                        : UDP_DEFAULT_INFLIGHT;
	udp_size = argc > 4 ? parse_num(argv[4], 8, UDP_SIZE_MAX, false, "datagram size")
	                    : UDP_DEFAULT_SIZE;
	if (nports == 1)
		turn = count;
	udp_setup_buffers();
	for (size_t i = 0; i < nports; i++)
		udp_open(&u[i], ports[i], count);
	for (size_t done = 0, t = 0; done < count; done += turn, t++) {
		size_t k = count - done < turn ? count - done : turn;

		for (size_t j = 0; j < nports; j++)
			udp_turn(&u[(j + t) % nports], k);
	}
	for (size_t i = 0; i < nports; i++) {
		printf("udp port=%s sent=%zu received=%zu lost=%zu late=%zu dup=%zu bad=%zu size=%zu "
		       "inflight=%zu secs=%.3f dps=%.0f\n",
		       u[i].port, u[i].next, u[i].received, u[i].lost, u[i].late, u[i].dup, u[i].bad,
		       udp_size, udp_inflight, u[i].secs,
		       u[i].secs > 0 ? (double)u[i].received / u[i].secs : 0.0);
		close(u[i].fd);
		free(u[i].got);
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode;
	int c;

	while ((c = getopt(argc, argv, "+t:T:H:r:Vh")) != -1) {
		switch (c) {
		case 't': opt_deadline_secs = (double)parse_num(optarg, 1, 86400, false, "deadline"); break;
		case 'T': opt_turn = parse_num(optarg, 1, 1ULL << 40, true, "turn length"); break;
		case 'H': opt_hold_secs = (double)parse_num(optarg, 0, 86400, false, "hold time"); break;
		case 'r': opt_rate = (double)parse_num(optarg, 0, 1000000, false, "connection rate"); break;
		case 'V': opt_verify_all = true; break;
		default: usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 3)
		usage();
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	deadline = now() + opt_deadline_secs;
	mode = argv[0];
	argc--;
	argv++;
	host = argv[0];
	if (strcmp(mode, "bulk") == 0 && argc <= 3) {
		parse_ports(argv[1], MAX_SERVERS);
		return mode_bulk(argc, argv);
	}
	if (strcmp(mode, "pingpong") == 0 && argc <= 3) {
		parse_ports(argv[1], MAX_SERVERS);
		return mode_pingpong(argc, argv);
	}
	if (strcmp(mode, "idle") == 0 && argc == 3) {
		parse_ports(argv[1], 1);
		return mode_idle(argc, argv);
	}
	if (strcmp(mode, "udp") == 0 && argc <= 5) {
		parse_ports(argv[1], MAX_SERVERS);
		return mode_udp(argc, argv);
	}
	usage();
}
