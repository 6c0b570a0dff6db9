/* socklab nc's half-close model (docs/nc.md) as pure logic: a TCP session
 * has two directions, each done on its own; the session ends when both are.
 * relay.c moves the bytes and asks here what comes next; and when a session
 * has to stop early, here is how its unsent input is counted and told. */
#ifndef SOCKLAB_NC_HALFCLOSE_H
#define SOCKLAB_NC_HALFCLOSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nc_hc_state {
	bool keep;     /* -k: a peer's EOF ends its session once what was read from
			* standard input has been sent; the rest is for the next peer */
	bool in_eof;   /* standard input ended */
	bool in_done;  /* ... and all of it is in the socket (our FIN follows) */
	bool net_eof;  /* the peer's FIN has been read */
};

enum nc_hc_step {
	HC_RUN,        /* go on relaying */
	HC_INPUT_DONE, /* all input is in the socket: shut the write side down now */
	HC_END,        /* both directions are done */
};

/* Whether standard input is still to be read. A peer's FIN alone does not
 * stop it: the peer may still be reading (it only said it sends no more). */
bool nc_hc_want_input(const struct nc_hc_state *s);
/* The next step, given the bytes still queued toward the socket and toward
 * standard output. HC_INPUT_DONE is returned once; call again after it. */
enum nc_hc_step nc_hc_next(struct nc_hc_state *s, size_t to_net, size_t to_out);

/* Input that a session which had to stop (reset, timeout, closed output)
 * did not get to the peer. */
struct nc_hc_unsent {
	uint64_t queued;  /* read from standard input, not yet in the socket */
	uint64_t unacked; /* in the socket, not acknowledged by the peer */
	uint64_t unread;  /* known to be still in standard input (rest of a file,
			   * bytes waiting in a pipe) */
	bool more;        /* standard input had not ended, its length unknown */
};

uint64_t nc_hc_unsent_bytes(const struct nc_hc_unsent *u);
/* True if the stop lost input: something unsent, or input that had not ended. */
bool nc_hc_unsent_any(const struct nc_hc_unsent *u);
/* "1234 bytes of standard input not sent[, and standard input had not
 * ended]", or "" when nothing was lost. */
void nc_hc_unsent_format(const struct nc_hc_unsent *u, char *buf, size_t n);

#endif
