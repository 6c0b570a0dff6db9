/* Name and service resolution through getaddrinfo(3), with one-line errors. */
#ifndef SOCKLAB_CORE_RESOLVE_H
#define SOCKLAB_CORE_RESOLVE_H

#include <stdbool.h>
#include <netdb.h>

enum resolve_flags {
	RESOLVE_NUMERIC = 1 << 0,  /* no DNS: numeric hosts and ports only */
	RESOLVE_PASSIVE = 1 << 1,  /* for bind(): NULL host means every address */
};

/* Addresses for host and port (either may be NULL), family AF_UNSPEC/INET/INET6,
 * socktype SOCK_STREAM/SOCK_DGRAM. 0, or -1 with *errstr set. */
int resolve(const char *host, const char *port, int family, int socktype, int flags,
	    struct addrinfo **out, const char **errstr);

#endif
