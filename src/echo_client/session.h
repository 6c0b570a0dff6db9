/* One echo-client session: the socket to the server (a TCP connection or a
 * connected UDP socket, both non-blocking) and the one-line errors both
 * modes share. */
#ifndef SOCKLAB_ECHO_CLIENT_SESSION_H
#define SOCKLAB_ECHO_CLIENT_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/addr.h"
#include "echo_client/options.h"

/* A line's longest text: with its newline, 65,507 bytes, the largest UDP
 * payload over IPv4, so that every line is one datagram. */
#define ECHO_LINE_MAX 65506
/* Room for any datagram. */
#define ECHO_DGRAM_MAX 65536

struct echo_session {
	const struct echo_opts *cfg;
	int fd;
	bool tcp;
	bool tty;                       /* stdin is a terminal */
	char where[ADDR_STRLEN];        /* the server, "127.0.0.1:4002" */
	unsigned addr_i;                /* which of cfg->addrs */
	char wait[24];                  /* the timeout, "5 s" */
	uint64_t start_us;              /* connected */
	/* counted for --json (echo_client/report) */
	uint64_t msgs_sent, msgs_echoed, bytes_sent, bytes_echoed;
	uint64_t rtt_min_us, rtt_max_us, rtt_sum_us, rtt_n;
};

/* Connects (TCP, bounded by --timeout) or opens a connected UDP socket.
 * 0, or -1 after printing why. */
int echocli_session_open(struct echo_session *s, const struct echo_opts *cfg);
void echocli_session_close(struct echo_session *s);
/* A UDP server refused before any echo came: the socket to the name's next
 * address; false when there is none. */
bool echocli_session_next(struct echo_session *s);
const char *echocli_session_proto(const struct echo_session *s);

/* Milliseconds left until deadline_us (0 when past), for poll(). */
int echocli_session_ms_left(uint64_t deadline_us);

/* Waits for events on the socket until deadline_us: the revents (0 after a
 * failed poll: the caller tries again), or -1 at the deadline, after
 * printing that no echo came. */
int echocli_session_wait(const struct echo_session *s, short events, uint64_t deadline_us);

/* Writes all of p to fd (stdout), waiting if it must; -1 on an error. */
int echocli_session_write_all(int fd, const void *p, size_t n);

/* The errors, each one line on stderr. */
void echocli_session_report_no_echo(const struct echo_session *s);
void echocli_session_report_closed(const struct echo_session *s);
/* A socket call failed with err: refused datagrams, resets, the rest. */
void echocli_session_report_error(const struct echo_session *s, int err);

#endif
