/* discard_sink: the benchmark's receiving end for nc_bulk.sh — accepts one
 * connection at a time, reads it to EOF through a large buffer, and prints
 * the byte count of each connection on stdout.
 *   discard_sink PORT [ADDR]     (PORT 0: ephemeral; prints "listening PORT") */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#define SINK_BUF (1 << 20)

int main(int argc, char **argv)
{
	static char buf[SINK_BUF];
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int one = 1;

	if (argc < 2) {
		fprintf(stderr, "usage: discard_sink PORT [ADDR]\n");
		return 2;
	}
	sa.sin_port = htons((unsigned short)atoi(argv[1]));
	inet_pton(AF_INET, argc > 2 ? argv[2] : "127.0.0.1", &sa.sin_addr);
	int lfd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(lfd, 16) < 0) {
		perror("discard_sink");
		return 1;
	}
	getsockname(lfd, (struct sockaddr *)&sa, &len);
	printf("listening %u\n", ntohs(sa.sin_port));
	fflush(stdout);
	for (;;) {
		int fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			continue;
		unsigned long long total = 0;
		ssize_t n;
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			total += (unsigned long long)n;
		close(fd);
		printf("%llu\n", total);
		fflush(stdout);
	}
}
