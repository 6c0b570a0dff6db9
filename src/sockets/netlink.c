/* Netlink I/O for sock_diag: send the request, receive until NLMSG_DONE,
 * hand each datagram to sockets_diag_feed. */
#include "sockets/netlink.h"

#include <errno.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "sockets/diag.h"

/* Datagrams per dump: each carries at least one message, and the list stops
 * at SOCKETS_MAX sockets, so this only catches a kernel that sends no end. */
#define SOCKETS_NL_MAX_DATAGRAMS (SOCKETS_MAX + 1024)

int sockets_netlink_open(struct sockets_netlink *nl)
{
	struct timeval tv = { .tv_sec = SOCKETS_NL_TIMEOUT_S };

	nl->seq = 0;
	nl->buf = malloc(SOCKETS_NL_BUF);
	if (!nl->buf) {
		nl->fd = -1;
		errno = ENOMEM;
		return -1;
	}
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (nl->fd < 0 || setsockopt(nl->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0) {
		int err = errno;
		sockets_netlink_close(nl);
		errno = err;
		return -1;
	}
	return 0;
}

void sockets_netlink_close(struct sockets_netlink *nl)
{
	if (nl->fd >= 0)
		close(nl->fd);
	nl->fd = -1;
	free(nl->buf);
	nl->buf = NULL;
}

static int sockets_netlink_send(struct sockets_netlink *nl, uint8_t family, uint8_t proto,
				uint32_t states, uint32_t ext)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	uint8_t req[SOCKETS_DIAG_REQ_LEN];
	_Static_assert(SOCKETS_DIAG_REQ_LEN >= SOCKETS_DIAG_UNIX_REQ_LEN, "request buffer");
	size_t len = family == AF_UNIX
			     ? sockets_diag_unix_request(req, states,
							 (ext & sockets_diag_ext(true, false)) != 0,
							 (ext & SOCKETS_DIAG_X_DETAILS) != 0, nl->seq)
			     : sockets_diag_request(req, family, proto, states, (uint8_t)ext,
						    nl->seq);
	ssize_t n;

	do
		n = sendto(nl->fd, req, len, 0, (struct sockaddr *)&kernel, sizeof(kernel));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if ((size_t)n != len) {
		errno = EMSGSIZE;
		return -1;
	}
	return 0;
}

int sockets_netlink_dump(struct sockets_netlink *nl, uint8_t family, uint8_t proto,
			 uint32_t states, uint32_t ext, struct sockets_list *l, int *kernel_errno,
			 char *why, size_t whylen)
{
	*kernel_errno = 0;
	nl->seq++;
	if (sockets_netlink_send(nl, family, proto, states, ext) < 0) {
		snprintf(why, whylen, "sending the sock_diag request: %s", strerror(errno));
		return -1;
	}
	for (long i = 0; i < SOCKETS_NL_MAX_DATAGRAMS; i++) {
		ssize_t n = recv(nl->fd, nl->buf, SOCKETS_NL_BUF, MSG_TRUNC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(why, whylen, "receiving the sock_diag reply: %s",
				 errno == EAGAIN ? "no answer from the kernel" : strerror(errno));
			return -1;
		}
		if ((size_t)n > SOCKETS_NL_BUF) {
			snprintf(why, whylen, "a sock_diag reply of %zd bytes (more than %d)", n,
				 SOCKETS_NL_BUF);
			return -1;
		}
		int kerr = 0;
		int rc = sockets_diag_feed(nl->buf, (size_t)n, nl->seq, proto, l, &kerr);
		if (rc == 1)
			return 0;
		if (rc == SOCKETS_DIAG_EKERNEL) {
			*kernel_errno = kerr;
			snprintf(why, whylen, "%s", strerror(kerr));
			return -1;
		}
		if (rc == SOCKETS_DIAG_EFULL) {
			snprintf(why, whylen, "more than %d sockets; narrow the list with -t, -u, -4, "
				 "-6, -l or --port", SOCKETS_MAX);
			return -1;
		}
		if (rc < 0) {
			snprintf(why, whylen, "%s", sockets_diag_strerror(rc));
			return -1;
		}
	}
	snprintf(why, whylen, "the sock_diag dump did not end");
	return -1;
}
