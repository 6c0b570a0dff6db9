/* The sock_diag conversation with the kernel: one dump request per family and
 * protocol on a NETLINK_SOCK_DIAG socket, replies fed to the pure parser. */
#ifndef SOCKLAB_SOCKETS_NETLINK_H
#define SOCKLAB_SOCKETS_NETLINK_H

#include <stddef.h>
#include <stdint.h>

#include "sockets/entry.h"

/* The biggest datagram a dump reply may be; the kernel sends at most 32 KiB. */
#define SOCKETS_NL_BUF 65536
/* A silent kernel is a bug, but a lister must not hang on one. */
#define SOCKETS_NL_TIMEOUT_S 5

struct sockets_netlink {
	int fd;
	uint32_t seq;
	uint8_t *buf; /* SOCKETS_NL_BUF bytes */
};

/* 0, or -1 with errno. */
int sockets_netlink_open(struct sockets_netlink *nl);
void sockets_netlink_close(struct sockets_netlink *nl);

/* Appends the sockets of one family and protocol in the given states (a
 * bit per TCP state) to l, with the extensions ext (sockets_diag_ext,
 * and SOCKETS_DIAG_X_DETAILS; AF_UNIX: protocol ignored, memory when ext
 * asks for it): 0, or -1 with a
 * reason in why and, when the kernel refused, its errno in *kernel_errno
 * (else 0). */
int sockets_netlink_dump(struct sockets_netlink *nl, uint8_t family, uint8_t proto,
			 uint32_t states, uint32_t ext, struct sockets_list *l, int *kernel_errno,
			 char *why, size_t whylen);

#endif
