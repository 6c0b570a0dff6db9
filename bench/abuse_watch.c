/* abuse_watch: how long a UDP loop between two endpoints lives, for
 * bench/abuse.sh. Watches one interface (a packet socket, kernel receive
 * timestamps) for datagrams between A and B in either direction; the loop
 * counts as dead once QUIET ms pass without one, and as alive when it still
 * runs SECS after its first datagram.
 *   abuse_watch [-t SECS] [-q QUIET_MS] IFACE A_ADDR A_PORT B_ADDR B_PORT
 * Prints "watching" when ready, then one line:
 *   loop datagrams=N span_ms=MS alive=0|1 dropped=D
 * span_ms: first to last datagram seen; dropped: what the socket could not keep. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define WATCH_RCVBUF (8 << 20)
#define WATCH_SNAP 64     /* IP and UDP headers are all we read */

struct endpoint {
	uint32_t addr;    /* network order */
	uint16_t port;    /* network order */
};

static uint64_t watch_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static bool watch_is(const uint8_t *ip, const struct endpoint *s, const struct endpoint *d)
{
	size_t ihl = (size_t)(ip[0] & 15) * 4;

	return memcmp(ip + 12, &s->addr, 4) == 0 && memcmp(ip + 16, &d->addr, 4) == 0 &&
	       memcmp(ip + ihl, &s->port, 2) == 0 && memcmp(ip + ihl + 2, &d->port, 2) == 0;
}

/* A datagram between a and b, in either direction? */
static bool watch_match(const uint8_t *p, size_t n, const struct endpoint *a, const struct endpoint *b)
{
	if (n < 20 || (p[0] >> 4) != 4 || p[9] != IPPROTO_UDP)
		return false;
	size_t ihl = (size_t)(p[0] & 15) * 4;
	if (ihl < 20 || n < ihl + 8)
		return false;
	return watch_is(p, a, b) || watch_is(p, b, a);
}

static int watch_usage(const char *why)
{
	fprintf(stderr, "abuse_watch: %s\n"
		"usage: abuse_watch [-t SECS] [-q QUIET_MS] IFACE A_ADDR A_PORT B_ADDR B_PORT\n", why);
	return 2;
}

static int watch_endpoint(const char *addr, const char *port, struct endpoint *e)
{
	char *end;
	long p = strtol(port, &end, 10);

	if (inet_pton(AF_INET, addr, &e->addr) != 1 || *end || end == port || p < 1 || p > 65535)
		return -1;
	e->port = htons((uint16_t)p);
	return 0;
}

int main(int argc, char **argv)
{
	double secs = 3, quiet_ms = 500;
	struct endpoint a, b;
	int c;

	while ((c = getopt(argc, argv, "t:q:")) != -1) {
		if (c == 't')
			secs = atof(optarg);
		else if (c == 'q')
			quiet_ms = atof(optarg);
		else
			return watch_usage("unknown option");
	}
	if (secs <= 0 || secs > 600 || quiet_ms <= 0 || quiet_ms > 60000)
		return watch_usage("-t: 0 to 600 seconds, -q: 0 to 60000 ms");
	if (argc - optind != 5)
		return watch_usage("needs IFACE A_ADDR A_PORT B_ADDR B_PORT");
	if (watch_endpoint(argv[optind + 1], argv[optind + 2], &a) ||
	    watch_endpoint(argv[optind + 3], argv[optind + 4], &b))
		return watch_usage("an endpoint is not an IPv4 address and port");
	unsigned ifindex = if_nametoindex(argv[optind]);
	if (!ifindex)
		return watch_usage("no such interface");

	int fd = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP));
	int on = 1, rcvbuf = WATCH_RCVBUF;
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP),
				   .sll_ifindex = (int)ifindex };
	if (fd < 0 || bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		fprintf(stderr, "abuse_watch: packet socket: %s (needs root)\n", strerror(errno));
		return 1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on));
	printf("watching\n");
	fflush(stdout);

	/* Times are the kernel's receive stamps, so a busy CPU that reads late
	 * does not stretch the loop's life. */
	uint64_t count = 0, first = 0, last = 0, limit = (uint64_t)(secs * 1e9);
	uint64_t quiet = (uint64_t)(quiet_ms * 1e6);
	uint64_t give_up = watch_now_ns() + limit + 10ULL * 1000000000ULL;
	bool alive = false;
	for (;;) {
		uint64_t now = watch_now_ns();
		if (count && now > last + quiet)
			break;
		/* (or a reader that fell behind a live loop for 2 s more) */
		if (count && (last >= first + limit || now > first + limit + 2000000000ULL)) {
			alive = true;
			break;
		}
		if (!count && now > give_up)
			break;
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		if (poll(&pfd, 1, 20) <= 0)
			continue;
		uint8_t pkt[WATCH_SNAP];
		char ctl[CMSG_SPACE(sizeof(struct timespec))];
		struct iovec iov = { .iov_base = pkt, .iov_len = sizeof(pkt) };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = ctl, .msg_controllen = sizeof(ctl) };
		for (int burst = 0; burst < 1024; burst++) {
			mh.msg_controllen = sizeof(ctl);
			ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_TRUNC);
			if (n < 0)
				break;
			if (!watch_match(pkt, (size_t)n < sizeof(pkt) ? (size_t)n : sizeof(pkt), &a, &b))
				continue;
			uint64_t ts = watch_now_ns();
			for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
				if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_TIMESTAMPNS) {
					struct timespec t;
					memcpy(&t, CMSG_DATA(cm), sizeof(t));
					ts = (uint64_t)t.tv_sec * 1000000000ULL + (uint64_t)t.tv_nsec;
				}
			}
			if (!count)
				first = ts;
			if (ts > last)
				last = ts;
			count++;
		}
	}
	struct tpacket_stats st = { 0 };
	socklen_t sl = sizeof(st);
	getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &sl);
	printf("loop datagrams=%llu span_ms=%.1f alive=%d dropped=%u\n", (unsigned long long)count,
	       count ? (double)(last - first) / 1e6 : 0.0, alive ? 1 : 0, st.tp_drops);
	return 0;
}
