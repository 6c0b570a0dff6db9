/* What the kernel says about a socket at the moment of a call: type,
 * family, local and peer address, TCP state — the sock= fam= local= peer=
 * tcp= keys every record on a socket carries (record.h). */
#ifndef SOCKLAB_PRELOAD_SOCKINFO_H
#define SOCKLAB_PRELOAD_SOCKINFO_H

#include <stdbool.h>
#include <sys/socket.h>

#include "trace/preload/emit.h"

struct sockinfo {
	bool known;                     /* false: not a socket (nothing else is set) */
	int family, type, proto;        /* -1 when the kernel did not say */
	struct sockaddr_storage local, peer;
	socklen_t local_len, peer_len;  /* 0: none (unbound, not connected) */
	int tcp_state;                  /* tcpi_state, -1 when not TCP */
};

/* Asks the real getsockname/getpeername, never the hooked ones. Leaves
 * errno alone. */
void tr_sockinfo_get(int fd, struct sockinfo *si);
bool tr_sockinfo_is_tcp(const struct sockinfo *si);
void tr_sockinfo_emit(struct emit *e, const struct sockinfo *si);

#endif
