/* stalled_load: holds many stalled TCP clients on socklab serve and measures
 * what a fresh client gets meanwhile (bench/stalled.sh). One process, one
 * socket per connection, no fork.
 *
 *   stalled_load [-t SECS] [-H SECS] [-p PID] [-P PROBES] [-R BYTES] [-S BYTES]
 *                [-s FIRST] [-k COUNT] CHARGEN_PORT ECHO_PORT N
 *
 * Of the N connections (to 127.0.0.1, from the sources 127.0.0.FIRST ...
 * FIRST+COUNT-1, default .2-.11, so that no source runs short of ephemeral
 * ports), a quarter are chargen readers that never read, a quarter echo
 * writers that send until the server stops taking bytes and never read,
 * and half are idle echo connections. The stalled ones set SO_RCVBUF (and
 * the writers SO_SNDBUF) to -R / -S (64k), as the reliability review's
 * clients did, so that most of the host's TCP memory is the server's.
 * Then it prints the host's TCP memory (/proc/net/sockstat) and, with -p,
 * the server's RSS, before and while holding; times -P fresh clients'
 * connect and echo over TCP, and -P UDP echoes, from 127.0.0.1; prints
 * "holding N" and holds until stdin closes (or -H SECS). Exits 1 when a
 * phase does not finish within -t SECS (default 120). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
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

#define CONNECT_WINDOW 256      /* connects in progress at once */
#define EPOLL_BATCH 1024
#define PUSH_CHUNK 65536
#define PUSH_QUIET_ROUNDS 3     /* rounds in a row that move nothing: stalled */
#define PUSH_ROUND_GAP_MS 100
#define SETTLE_MS 500           /* sockstat sampled this often until it holds still */
#define SETTLE_MAX 20
#define PROBE_BYTES 16
#define PROBE_TIMEOUT_MS 2000

enum kind { K_CHARGEN, K_WRITER, K_IDLE };

static double opt_deadline_secs = 120;
static double opt_hold_secs = 600;
static long opt_pid;
static size_t opt_probes = 200;
static int opt_rcvbuf = 64 * 1024;
static int opt_sndbuf = 64 * 1024;
static unsigned opt_first_src = 2;
static unsigned opt_nsrc = 10;
static double deadline;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int remaining_ms(void)
{
	double left = deadline - now();
	return left <= 0 ? 0 : (int)(left * 1000) + 1;
}

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void fail(const char *fmt, ...)
{
	va_list ap;

	fputs("stalled_load: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	printf("stalled FAIL\n");
	exit(1);
}

static void usage(void)
{
	fprintf(stderr, "usage: stalled_load [-t SECS] [-H SECS] [-p PID] [-P PROBES] [-R BYTES] "
			"[-S BYTES] [-s FIRST] [-k COUNT] CHARGEN_PORT ECHO_PORT N\n");
	exit(2);
}

static long parse_num(const char *s, long lo, long hi, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi) {
		fprintf(stderr, "stalled_load: %s '%s': not a number in %ld..%ld\n", what, s, lo, hi);
		exit(2);
	}
	return v;
}

static enum kind kind_of(size_t i)
{
	return i % 4 == 0 ? K_CHARGEN : i % 4 == 1 ? K_WRITER : K_IDLE;
}

/* "TCP: inuse 5 orphan 0 tw 0 alloc 7 mem 3": mem is in pages. */
static long sockstat_tcp_pages(void)
{
	FILE *f = fopen("/proc/net/sockstat", "r");
	char line[256];
	long pages = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *m = strstr(line, " mem ");
		if (strncmp(line, "TCP:", 4) == 0 && m)
			pages = strtol(m + 5, NULL, 10);
	}
	fclose(f);
	return pages;
}

static long rss_kib(long pid)
{
	char path[64], line[256];
	long kib = -1;

	if (pid <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "VmRSS:", 6) == 0)
			kib = strtol(line + 6, NULL, 10);
	fclose(f);
	return kib;
}

static struct sockaddr_in loopback(unsigned last_octet, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };

	a.sin_addr.s_addr = htonl(0x7f000000u | last_octet);
	return a;
}

static int open_stalled(size_t i, int chargen_port, int echo_port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;
	enum kind k = kind_of(i);

	if (fd < 0)
		fail("socket #%zu: %s", i, strerror(errno));
	if (k != K_IDLE)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &opt_rcvbuf, sizeof(opt_rcvbuf));
	if (k == K_WRITER)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &opt_sndbuf, sizeof(opt_sndbuf));
	/* the port is chosen at connect(), per destination: no bind-time shortage */
	(void)setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
	struct sockaddr_in src = loopback(opt_first_src + (unsigned)(i % opt_nsrc), 0);
	if (bind(fd, (struct sockaddr *)&src, sizeof(src)) != 0)
		fail("bind 127.0.0.%u: %s", opt_first_src + (unsigned)(i % opt_nsrc), strerror(errno));
	struct sockaddr_in dst = loopback(1, k == K_CHARGEN ? chargen_port : echo_port);
	if (connect(fd, (struct sockaddr *)&dst, sizeof(dst)) != 0 && errno != EINPROGRESS)
		fail("connect #%zu: %s", i, strerror(errno));
	return fd;
}

static void connect_all(int *fds, size_t n, int chargen_port, int echo_port)
{
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event evs[EPOLL_BATCH];
	size_t next = 0, done = 0, inflight = 0;

	if (ep < 0)
		fail("epoll: %s", strerror(errno));
	while (done < n) {
		while (inflight < CONNECT_WINDOW && next < n) {
			struct epoll_event ev = { .events = EPOLLOUT, .data.u64 = next };
			fds[next] = open_stalled(next, chargen_port, echo_port);
			if (epoll_ctl(ep, EPOLL_CTL_ADD, fds[next], &ev) != 0)
				fail("epoll_ctl: %s", strerror(errno));
			inflight++;
			next++;
		}
		int k = epoll_wait(ep, evs, EPOLL_BATCH, remaining_ms());
		if (k <= 0 && now() >= deadline)
			fail("deadline passed with %zu of %zu connected", done, n);
		for (int j = 0; j < k; j++) {
			size_t i = (size_t)evs[j].data.u64;
			int err = 0;
			socklen_t el = sizeof(err);
			if (getsockopt(fds[i], SOL_SOCKET, SO_ERROR, &err, &el) != 0 || err != 0)
				fail("connect #%zu: %s (%zu connected)", i, strerror(err), done);
			(void)epoll_ctl(ep, EPOLL_CTL_DEL, fds[i], NULL);
			inflight--;
			done++;
		}
	}
	close(ep);
}

/* Writers send until the server takes nothing more; returns the bytes. */
static uint64_t push_until_stalled(const int *fds, size_t n)
{
	static char chunk[PUSH_CHUNK];
	uint64_t total = 0;
	int quiet = 0;

	memset(chunk, 'w', sizeof(chunk));
	for (size_t i = 0; i < n; i++)
		if (kind_of(i) == K_CHARGEN && send(fds[i], "x", 1, MSG_NOSIGNAL) != 1)
			fail("chargen reader #%zu: %s", i, strerror(errno));
	while (quiet < PUSH_QUIET_ROUNDS) {
		uint64_t moved = 0;
		for (size_t i = 0; i < n; i++) {
			if (kind_of(i) != K_WRITER)
				continue;
			for (;;) {
				ssize_t w = send(fds[i], chunk, sizeof(chunk), MSG_NOSIGNAL);
				if (w > 0) {
					moved += (uint64_t)w;
					continue;
				}
				if (w < 0 && errno != EAGAIN && errno != EINTR)
					fail("echo writer #%zu: %s", i, strerror(errno));
				break;
			}
		}
		total += moved;
		quiet = moved ? 0 : quiet + 1;
		if (now() >= deadline)
			fail("echo writers still pushing at the deadline (%.0f MB)", (double)total / 1e6);
		poll(NULL, 0, PUSH_ROUND_GAP_MS);
	}
	return total;
}

/* The host's TCP memory once it stops moving (the kernel is still filling
 * the chargen readers' windows for a while). */
static long settled_pages(void)
{
	long last = sockstat_tcp_pages(), cur = last;

	for (int i = 0; i < SETTLE_MAX; i++) {
		poll(NULL, 0, SETTLE_MS);
		cur = sockstat_tcp_pages();
		if (labs(cur - last) <= last / 100)
			break;
		last = cur;
	}
	return cur;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Waits for fd to be ready for events; false on timeout. */
static bool wait_fd(int fd, short events, double until)
{
	struct pollfd p = { .fd = fd, .events = events };
	int ms = (int)((until - now()) * 1000);

	return ms > 0 && poll(&p, 1, ms) == 1;
}

/* A fresh client: connect, PROBE_BYTES out, the same back; seconds, or -1. */
static double probe_tcp(int port)
{
	char out[PROBE_BYTES], back[PROBE_BYTES];
	size_t got = 0;
	double t0 = now(), until = t0 + PROBE_TIMEOUT_MS / 1000.0;
	struct sockaddr_in dst = loopback(1, port);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	memset(out, 'p', sizeof(out));
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&dst, sizeof(dst)) != 0 &&
	    (errno != EINPROGRESS || !wait_fd(fd, POLLOUT, until)))
		goto bad;
	if (send(fd, out, sizeof(out), MSG_NOSIGNAL) != (ssize_t)sizeof(out))
		goto bad;
	while (got < sizeof(back)) {
		if (!wait_fd(fd, POLLIN, until))
			goto bad;
		ssize_t r = recv(fd, back + got, sizeof(back) - got, 0);
		if (r <= 0)
			goto bad;
		got += (size_t)r;
	}
	close(fd);
	return memcmp(out, back, sizeof(out)) == 0 ? now() - t0 : -1;
bad:
	close(fd);
	return -1;
}

/* Each probe says something new: serve takes a datagram equal to its last
 * answer to that peer for its own answer coming back (a loop), and paces it. */
static double probe_udp(int fd, int port, size_t i)
{
	char out[PROBE_BYTES + 1], back[64];
	double t0 = now(), until = t0 + PROBE_TIMEOUT_MS / 1000.0;
	struct sockaddr_in dst = loopback(1, port);

	snprintf(out, sizeof(out), "udp probe %06u", (unsigned)(i % 1000000));
	if (sendto(fd, out, PROBE_BYTES, 0, (struct sockaddr *)&dst, sizeof(dst)) != PROBE_BYTES)
		return -1;
	while (wait_fd(fd, POLLIN, until)) {
		ssize_t r = recv(fd, back, sizeof(back), 0);
		if (r == PROBE_BYTES && memcmp(out, back, PROBE_BYTES) == 0)
			return now() - t0;
	}
	return -1;
}

static void report_probes(const char *what, double *t, size_t n)
{
	size_t ok = 0;

	for (size_t i = 0; i < n; i++)
		if (t[i] >= 0)
			t[ok++] = t[i];
	qsort(t, ok, sizeof(*t), cmp_double);
	if (ok == 0) {
		printf("probe %s n=%zu failed=%zu\n", what, n, n);
		return;
	}
	printf("probe %s n=%zu failed=%zu p50_ms=%.3f p99_ms=%.3f max_ms=%.3f\n", what, n, n - ok,
	       t[ok / 2] * 1e3, t[(ok * 99) / 100 < ok ? (ok * 99) / 100 : ok - 1] * 1e3,
	       t[ok - 1] * 1e3);
}

static void hold(void)
{
	double until = now() + opt_hold_secs;
	char buf[256];

	while (now() < until) {
		struct pollfd p = { .fd = 0, .events = POLLIN };
		if (poll(&p, 1, (int)((until - now()) * 1000) + 1) == 1) {
			ssize_t r = read(0, buf, sizeof(buf));
			if (r <= 0 && !(r < 0 && errno == EINTR))
				break;
		}
	}
}

int main(int argc, char **argv)
{
	int c;

	while ((c = getopt(argc, argv, "t:H:p:P:R:S:s:k:")) != -1) {
		switch (c) {
		case 't': opt_deadline_secs = (double)parse_num(optarg, 1, 3600, "-t"); break;
		case 'H': opt_hold_secs = (double)parse_num(optarg, 0, 86400, "-H"); break;
		case 'p': opt_pid = parse_num(optarg, 1, 1L << 30, "-p"); break;
		case 'P': opt_probes = (size_t)parse_num(optarg, 1, 100000, "-P"); break;
		case 'R': opt_rcvbuf = (int)parse_num(optarg, 0, 1 << 26, "-R"); break;
		case 'S': opt_sndbuf = (int)parse_num(optarg, 0, 1 << 26, "-S"); break;
		case 's': opt_first_src = (unsigned)parse_num(optarg, 1, 254, "-s"); break;
		case 'k': opt_nsrc = (unsigned)parse_num(optarg, 1, 253, "-k"); break;
		default: usage();
		}
	}
	if (argc - optind != 3 || opt_first_src + opt_nsrc > 255)
		usage();
	int chargen_port = (int)parse_num(argv[optind], 1, 65535, "chargen port");
	int echo_port = (int)parse_num(argv[optind + 1], 1, 65535, "echo port");
	size_t n = (size_t)parse_num(argv[optind + 2], 4, 1000000, "connection count");

	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
		if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < n + 64)
			fail("open-file limit %lu is below %zu connections", (unsigned long)rl.rlim_cur, n);
	}
	int *fds = malloc(n * sizeof(*fds));
	double *times = malloc(opt_probes * sizeof(*times));
	if (!fds || !times)
		fail("out of memory");

	long pages0 = sockstat_tcp_pages(), rss0 = rss_kib(opt_pid);
	double t0 = now();
	deadline = t0 + opt_deadline_secs;
	connect_all(fds, n, chargen_port, echo_port);
	double t_conn = now() - t0;
	uint64_t pushed = push_until_stalled(fds, n);
	long pages = settled_pages(), rss = rss_kib(opt_pid);
	size_t count[3] = { 0, 0, 0 };

	for (size_t i = 0; i < n; i++)
		count[kind_of(i)]++;
	printf("stalled conns=%zu chargen_readers=%zu echo_writers=%zu idle=%zu connect_secs=%.2f "
	       "pushed_mb=%.1f\n", n, count[K_CHARGEN], count[K_WRITER], count[K_IDLE], t_conn,
	       (double)pushed / 1e6);
	printf("host tcp_mem_pages before=%ld held=%ld delta_mib=%.1f\n", pages0, pages,
	       (double)(pages - pages0) * 4096 / 1048576);
	if (opt_pid)
		printf("server rss_kib before=%ld held=%ld\n", rss0, rss);
	fflush(stdout);

	for (size_t i = 0; i < opt_probes; i++)
		times[i] = probe_tcp(echo_port);
	report_probes("tcp_connect_echo", times, opt_probes);
	int ufd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in any = loopback(1, 0);
	if (ufd < 0 || bind(ufd, (struct sockaddr *)&any, sizeof(any)) != 0)
		fail("udp socket: %s", strerror(errno));
	for (size_t i = 0; i < opt_probes; i++)
		times[i] = probe_udp(ufd, echo_port, i);
	report_probes("udp_echo", times, opt_probes);
	close(ufd);
	printf("holding %zu\n", n);
	fflush(stdout);
	hold();
	for (size_t i = 0; i < n; i++)
		close(fds[i]);
	free(fds);
	free(times);
	return 0;
}
