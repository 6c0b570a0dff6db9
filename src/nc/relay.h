/* The data phase of socklab nc: standard input to the socket and the socket
 * to standard output, both at once, binary-safe, on one libevent loop. */
#ifndef SOCKLAB_NC_RELAY_H
#define SOCKLAB_NC_RELAY_H

#include <stdint.h>

#include "nc/options.h"

struct relay_result {
	uint64_t sent;        /* bytes to the peer */
	uint64_t received;    /* bytes from the peer */
	uint64_t dgrams_sent, dgrams_received, dgrams_unanswered; /* UDP */
	const char *why;      /* how it ended, for -v and errors */
	int status;           /* exit status: 0, or 1 on reset, timeout, refusal */
};

/* TCP: runs until the peer's EOF has been written out (or an error, -q or -w). */
void relay_stream(const struct nc_config *cfg, int fd, struct relay_result *res);
/* UDP on a connected socket (or, for nc -u -l -k, an unconnected one that
 * answers the last sender). */
void relay_dgram(const struct nc_config *cfg, int fd, struct relay_result *res);

#endif
