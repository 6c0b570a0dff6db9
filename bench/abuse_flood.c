/* abuse_flood: spoofed UDP datagrams from a raw socket, for bench/abuse.sh —
 * the attacker of the amplification measurements and the injector of loops.
 * Source addresses SRC, SRC+1, ... SRC+NSRC-1 take turns, so one process plays
 * one host or a whole prefix; the source port is fixed (-p) or walks a range (-P).
 *   abuse_flood [-r RATE] [-d SECS] [-n COUNT] [-k NSRC] [-p PORT | -P LO-HI]
 *               [-l LEN | -f TEMPLATE] SRC DST DPORT
 * RATE datagrams a second (default 1000) for SECS (default 3) or until COUNT
 * are sent. The payload is LEN bytes of 'a' (default 0) or the bytes of the
 * file TEMPLATE, where each run of '#' becomes the datagram's number in hex,
 * zero-padded to the run's width (unique names and nonces for chat REGs).
 * Prints "flood sent=N errors=E secs=S" on stdout. IPv4 only, needs root. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FLOOD_PAYLOAD_MAX 1400
#define FLOOD_HDR 28            /* IPv4 header without options + UDP header */
#define FLOOD_TICK_NS 1000000L  /* pace in 1 ms slices */
#define FLOOD_SLICE_MAX 256     /* datagrams sent in one slice at most */

struct flood {
	double rate, secs;
	unsigned long long count;
	uint32_t src;            /* host order */
	unsigned nsrc;
	unsigned port_lo, port_hi;
	struct sockaddr_in dst;
	uint8_t payload[FLOOD_PAYLOAD_MAX];
	size_t len;
	int fd;
};

static uint64_t flood_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint32_t flood_sum(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static uint16_t flood_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Writes '#' runs of the template as the number i in hex. */
static void flood_number(uint8_t *out, const uint8_t *tpl, size_t len, unsigned long long i)
{
	static const char hex[] = "0123456789abcdef";

	memcpy(out, tpl, len);
	for (size_t k = 0; k < len;) {
		if (tpl[k] != '#') {
			k++;
			continue;
		}
		size_t end = k;
		while (end < len && tpl[end] == '#')
			end++;
		unsigned long long v = i;
		for (size_t j = end; j > k; j--) {
			out[j - 1] = (uint8_t)hex[v & 15];
			v >>= 4;
		}
		k = end;
	}
}

/* Builds datagram number i (IP and UDP headers, payload) into pkt. */
static size_t flood_build(const struct flood *f, unsigned long long i, uint8_t *pkt)
{
	uint32_t saddr = htonl(f->src + (uint32_t)(i % f->nsrc));
	unsigned span = f->port_hi - f->port_lo + 1;
	uint16_t sport = (uint16_t)(f->port_lo + (unsigned)((i / f->nsrc) % span));
	size_t ulen = 8 + f->len;
	size_t tot = 20 + ulen;
	uint8_t *ip = pkt, *udp = pkt + 20;

	memset(pkt, 0, FLOOD_HDR);
	ip[0] = 0x45;
	ip[2] = (uint8_t)(tot >> 8);
	ip[3] = (uint8_t)tot;
	ip[8] = 64;
	ip[9] = IPPROTO_UDP;
	memcpy(ip + 12, &saddr, 4);
	memcpy(ip + 16, &f->dst.sin_addr, 4);
	udp[0] = (uint8_t)(sport >> 8);
	udp[1] = (uint8_t)sport;
	memcpy(udp + 2, &f->dst.sin_port, 2);
	udp[4] = (uint8_t)(ulen >> 8);
	udp[5] = (uint8_t)ulen;
	flood_number(udp + 8, f->payload, f->len, i);
	/* The kernel fills the IP checksum of a raw packet; the UDP one is ours. */
	uint32_t sum = flood_sum(0, ip + 12, 8) + IPPROTO_UDP + (uint32_t)ulen;
	uint16_t c = flood_fold(flood_sum(sum, udp, ulen));
	if (c == 0)
		c = 0xffff;
	udp[6] = (uint8_t)(c >> 8);
	udp[7] = (uint8_t)c;
	return tot;
}

static int flood_run(struct flood *f)
{
	static uint8_t pkts[FLOOD_SLICE_MAX][FLOOD_HDR + FLOOD_PAYLOAD_MAX];
	struct mmsghdr msgs[FLOOD_SLICE_MAX];
	struct iovec iov[FLOOD_SLICE_MAX];
	unsigned long long sent = 0, errors = 0;
	uint64_t start = flood_now_ns();
	uint64_t stop = start + (uint64_t)(f->secs * 1e9);
	double per_ns = f->rate / 1e9;

	for (uint64_t tick = start;; tick += FLOOD_TICK_NS) {
		uint64_t now = flood_now_ns();
		if (now >= stop || sent >= f->count)
			break;
		if (tick > now) {
			struct timespec ts = { .tv_sec = (time_t)(tick / 1000000000ULL),
					       .tv_nsec = (long)(tick % 1000000000ULL) };
			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
			now = flood_now_ns();
		}
		/* Everything due by now, so a late wake-up catches up. */
		unsigned long long due = (unsigned long long)((double)(now - start) * per_ns) + 1;
		if (due > f->count)
			due = f->count;
		while (sent < due) {
			unsigned n = 0;
			while (n < FLOOD_SLICE_MAX && sent + n < due) {
				iov[n].iov_base = pkts[n];
				iov[n].iov_len = flood_build(f, sent + n, pkts[n]);
				msgs[n].msg_hdr = (struct msghdr){ .msg_name = &f->dst,
								   .msg_namelen = sizeof(f->dst),
								   .msg_iov = &iov[n], .msg_iovlen = 1 };
				n++;
			}
			int k = sendmmsg(f->fd, msgs, n, 0);
			if (k <= 0) {
				/* A full queue or a refused route: count it, move on. */
				errors++;
				k = 1;
			}
			sent += (unsigned)k;
		}
	}
	printf("flood sent=%llu errors=%llu secs=%.3f\n", sent, errors,
	       (double)(flood_now_ns() - start) / 1e9);
	return 0;
}

static int flood_usage(const char *why)
{
	fprintf(stderr, "abuse_flood: %s\n"
		"usage: abuse_flood [-r RATE] [-d SECS] [-n COUNT] [-k NSRC] [-p PORT | -P LO-HI]\n"
		"                   [-l LEN | -f TEMPLATE] SRC DST DPORT\n", why);
	return 2;
}

static int flood_read_template(struct flood *f, const char *path)
{
	FILE *fp = fopen(path, "rb");

	if (!fp) {
		fprintf(stderr, "abuse_flood: cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	f->len = fread(f->payload, 1, sizeof(f->payload), fp);
	int big = fgetc(fp) != EOF;
	fclose(fp);
	if (big) {
		fprintf(stderr, "abuse_flood: %s: longer than %d bytes\n", path, FLOOD_PAYLOAD_MAX);
		return -1;
	}
	return 0;
}

static int flood_number_arg(const char *s, double lo, double hi, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return errno || end == s || *end || *out < lo || *out > hi ? -1 : 0;
}

int main(int argc, char **argv)
{
	static struct flood f = { .rate = 1000, .secs = 3, .count = ~0ULL, .nsrc = 1,
				  .port_lo = 20000, .port_hi = 39999 };
	const char *tpl = NULL;
	double v;
	int c;

	while ((c = getopt(argc, argv, "r:d:n:k:p:P:l:f:")) != -1) {
		switch (c) {
		case 'r':
			if (flood_number_arg(optarg, 1, 1e7, &f.rate))
				return flood_usage("-r: a rate of 1 to 10000000 datagrams a second");
			break;
		case 'd':
			if (flood_number_arg(optarg, 0.001, 3600, &f.secs))
				return flood_usage("-d: 0.001 to 3600 seconds");
			break;
		case 'n':
			if (flood_number_arg(optarg, 1, 1e12, &v))
				return flood_usage("-n: a count of at least 1");
			f.count = (unsigned long long)v;
			break;
		case 'k':
			if (flood_number_arg(optarg, 1, 65536, &v))
				return flood_usage("-k: 1 to 65536 source addresses");
			f.nsrc = (unsigned)v;
			break;
		case 'p':
			if (flood_number_arg(optarg, 1, 65535, &v))
				return flood_usage("-p: a port 1-65535");
			f.port_lo = f.port_hi = (unsigned)v;
			break;
		case 'P':
			if (sscanf(optarg, "%u-%u", &f.port_lo, &f.port_hi) != 2 || f.port_lo < 1 ||
			    f.port_hi > 65535 || f.port_lo > f.port_hi)
				return flood_usage("-P: a port range LO-HI within 1-65535");
			break;
		case 'l':
			if (flood_number_arg(optarg, 0, FLOOD_PAYLOAD_MAX, &v))
				return flood_usage("-l: 0 to 1400 bytes");
			f.len = (size_t)v;
			memset(f.payload, 'a', f.len);
			break;
		case 'f':
			tpl = optarg;
			break;
		default:
			return flood_usage("unknown option");
		}
	}
	if (argc - optind != 3)
		return flood_usage("needs SRC DST DPORT");
	struct in_addr src;
	if (inet_pton(AF_INET, argv[optind], &src) != 1)
		return flood_usage("SRC: not an IPv4 address");
	f.src = ntohl(src.s_addr);
	f.dst.sin_family = AF_INET;
	if (inet_pton(AF_INET, argv[optind + 1], &f.dst.sin_addr) != 1)
		return flood_usage("DST: not an IPv4 address");
	if (flood_number_arg(argv[optind + 2], 1, 65535, &v))
		return flood_usage("DPORT: a port 1-65535");
	f.dst.sin_port = htons((uint16_t)v);
	if (tpl && flood_read_template(&f, tpl) < 0)
		return 1;

	f.fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (f.fd < 0) {
		fprintf(stderr, "abuse_flood: raw socket: %s (needs root)\n", strerror(errno));
		return 1;
	}
	return flood_run(&f);
}
