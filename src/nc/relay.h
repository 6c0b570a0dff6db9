/* The data phase of socklab nc: standard input to the socket and the socket
 * to standard output, both at once, binary-safe, on one libevent loop. */
#ifndef SOCKLAB_NC_RELAY_H
#define SOCKLAB_NC_RELAY_H

#include <stdbool.h>
#include <stdint.h>

#include "core/addr.h"
#include "nc/halfclose.h"
#include "nc/options.h"

struct nc_relay_result {
	uint64_t sent;        /* bytes to the peer (TCP: that it acknowledged, when stopped early) */
	uint64_t received;    /* bytes from the peer */
	uint64_t dgrams_sent, dgrams_received, dgrams_unanswered; /* UDP */
	struct nc_hc_unsent unsent; /* TCP: input lost when the session had to stop */
	const char *why;      /* how it ended, for -v and errors */
	const char *how;      /* the same as one word, for --json's "close" (docs/nc.md):
			       * eof, quit, reset, timeout, idle, input_ended, unreachable,
			       * output_closed, signal, stopped, error */
	bool local_eof;       /* standard input ended and all of it went into the socket */
	bool peer_eof;        /* TCP: the peer's FIN was read */
	bool have_peer;       /* UDP: peer is who the session talked with */
	union addr_any peer;
	int status;           /* exit status: 0, or 1 on reset, timeout, refusal, lost input;
			       * 128+N after signal N (--json) */
};

/* --json: SIGINT, SIGTERM and SIGHUP end a session with its object. They
 * are blocked from the connection until the relay's loop catches them, and
 * again from the loop's end until the object is written (a signal that came
 * meanwhile stays pending: caught by the loop, or fatal once unblocked). */
extern const int nc_relay_signals[3];
void nc_relay_block_signals(bool block);

/* TCP: runs until both directions are done (the peer's EOF written out, and
 * standard input's EOF sent), or an error, -q or -w stops it. */
void nc_relay_stream(const struct nc_config *cfg, int fd, struct nc_relay_result *res);
/* UDP on a connected socket (or, for nc -u -l -k, an unconnected one that
 * answers the last sender). */
void nc_relay_dgram(const struct nc_config *cfg, int fd, struct nc_relay_result *res);

#endif
