/* ref_udp_mmsg: the reference for the `socklab serve` UDP echo benchmark.
 * A minimal UDP echo that moves datagrams in batches of 32: one blocking
 * recvmmsg(MSG_WAITFORONE) takes whatever has arrived, one sendmmsg returns it.
 *
 *   ref_udp_mmsg [PORT [BIND-ADDR]]       PORT 0 = ephemeral (default),
 *                                          BIND-ADDR default 127.0.0.1
 * Prints "listening PORT" on stdout once it is bound. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BATCH 32
#define DGRAM_MAX 65536

static char bufs[BATCH][DGRAM_MAX];
static struct sockaddr_storage peers[BATCH];
static struct iovec iovs[BATCH];
static struct mmsghdr msgs[BATCH];

static void die(const char *what)
{
	fprintf(stderr, "ref_udp_mmsg: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void reset_batch(void)
{
	for (int i = 0; i < BATCH; i++) {
		iovs[i].iov_base = bufs[i];
		iovs[i].iov_len = DGRAM_MAX;
		msgs[i].msg_hdr = (struct msghdr){ .msg_name = &peers[i],
		                                   .msg_namelen = sizeof(peers[i]),
		                                   .msg_iov = &iovs[i],
		                                   .msg_iovlen = 1 };
	}
}

int main(int argc, char **argv)
{
	const char *port = argc > 1 ? argv[1] : "0";
	const char *addr = argc > 2 ? argv[2] : "127.0.0.1";
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM,
	                          .ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV };
	struct addrinfo *ai;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int fd, rc;

	if (argc > 3 || (argc > 1 && strcmp(argv[1], "-h") == 0)) {
		fprintf(stderr, "usage: ref_udp_mmsg [PORT [BIND-ADDR]]\n");
		return 2;
	}
	rc = getaddrinfo(addr, port, &hints, &ai);
	if (rc != 0) {
		fprintf(stderr, "ref_udp_mmsg: %s port %s: %s\n", addr, port, gai_strerror(rc));
		return 2;
	}
	fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket");
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0)
		die("bind");
	freeaddrinfo(ai);
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0)
		die("getsockname");
	printf("listening %u\n", ntohs(ss.ss_family == AF_INET6
	                                   ? ((struct sockaddr_in6 *)&ss)->sin6_port
	                                   : ((struct sockaddr_in *)&ss)->sin_port));
	fflush(stdout);

	for (;;) {
		int n, done = 0;

		reset_batch();
		n = recvmmsg(fd, msgs, BATCH, MSG_WAITFORONE, NULL);
		if (n < 0) {
			if (errno == EINTR || errno == ECONNREFUSED)
				continue;
			die("recvmmsg");
		}
		for (int i = 0; i < n; i++)
			iovs[i].iov_len = msgs[i].msg_len;
		while (done < n) {
			int s = sendmmsg(fd, msgs + done, (unsigned)(n - done), 0);
			if (s < 0) {
				if (errno == EINTR)
					continue;
				done++; /* skip the datagram the kernel refused (e.g. ICMP error pending) */
				continue;
			}
			done += s;
		}
	}
}
