/* A non-blocking TCP connection on a libevent loop, for servers that hold
 * many at once. One struct event per connection whose interest follows the
 * state: EV_WRITE only while output is owed (or the service produces output),
 * EV_READ only while the service wants input and fewer than high_water bytes
 * are owed — so a peer that does not read its answers stops being read.
 * Input lands in one buffer shared by every connection; only what the socket
 * does not take is copied into the connection's own evbuffer, created on
 * demand, so an idle connection costs a few hundred bytes. What to do with
 * the bytes is the service's: a table of callbacks (struct conn_ops). */
#ifndef SOCKLAB_CORE_CONN_H
#define SOCKLAB_CORE_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <event2/event.h>
#include <event2/event_struct.h>

#include "core/addr.h"

struct conn;

/* Each callback returns false when it ended the connection (conn_end). */
struct conn_ops {
	/* n bytes arrived, in the shared buffer (the callee may rewrite them). */
	bool (*on_data)(struct conn *c, uint8_t *data, size_t n);
	/* The peer sent FIN. NULL: end the connection ("client-closed"). */
	bool (*on_eof)(struct conn *c);
	/* Producers only (CONN_F_PRODUCER): the socket can take more. */
	bool (*on_writable)(struct conn *c);
	/* Everything owed has been sent. */
	bool (*on_drained)(struct conn *c);
	/* The connection is ending for reason; it is freed right after. */
	void (*on_end)(struct conn *c, const char *reason);
	/* Relays only: rewrites the bytes before they go back (upper). */
	void (*transform)(uint8_t *data, size_t n);
};

/* What the connections of one server share. */
struct conn_ctx {
	struct event_base *base;
	uint8_t *iobuf;                 /* shared input buffer */
	size_t iobuf_len;
	size_t high_water;              /* owed bytes at which reading pauses */
	const struct timeval *idle_tv;  /* NULL: no idle timeout */
	const struct timeval *linger_tv;/* wait for the peer's FIN after ours */
	struct conn *head;              /* every open connection */
	size_t count;
};

enum conn_flags {
	CONN_F_READ = 1 << 0,      /* the service wants input */
	CONN_F_PRODUCER = 1 << 1,  /* the service writes whenever it can (chargen) */
	CONN_F_RD_EOF = 1 << 2,    /* the peer sent FIN */
	CONN_F_LINGER = 1 << 3,    /* we sent FIN; reading until the peer's */
};

struct conn {
	struct event ev;
	struct conn_ctx *ctx;
	const struct conn_ops *ops;
	struct conn *prev, *next;
	struct evbuffer *owed;          /* bytes the socket has not taken yet */
	uint64_t bytes_in, bytes_out;
	uint64_t start_us;
	union addr_any peer;
	uint32_t pos;                   /* the service's own counter */
	uint8_t tag;                    /* the service's own label */
	uint8_t flags;
	short interest;                 /* EV_READ/EV_WRITE the event is set for */
};

/* A connection for an accepted, non-blocking fd; NULL on allocation failure
 * (the fd is left open). Call conn_arm() once set up. */
struct conn *conn_new(struct conn_ctx *ctx, int fd, const struct sockaddr *peer,
		      const struct conn_ops *ops, uint8_t flags);
int conn_fd(const struct conn *c);
size_t conn_owed(const struct conn *c);
/* Sends data behind what is owed. -1 when the connection broke (errno). */
int conn_send(struct conn *c, const void *data, size_t n);
/* Writes straight to the socket (producers); bytes taken, or -1. */
ssize_t conn_write(struct conn *c, const void *data, size_t n);
/* Sends FIN, then reads and drops until the peer's FIN or linger_tv
 * (a close() with unread input would reset the connection, losing data the
 * peer has not read yet); ends with reason. */
void conn_linger(struct conn *c);
/* Sets the event to what the state now asks for. */
void conn_arm(struct conn *c);
void conn_end(struct conn *c, const char *reason);
void conn_end_all(struct conn_ctx *ctx, const char *reason);
/* The reason for an errno that broke a connection: "reset" or "error". */
const char *conn_errno_reason(int err);

#endif
