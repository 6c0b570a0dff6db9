/* One socklab chat session on a libevent loop: the listener until the peer
 * comes, the hellos, then lines between the socket and the person until
 * either side leaves or the connection breaks. Every queue is bounded. */
#ifndef SOCKLAB_CHAT_SESSION_H
#define SOCKLAB_CHAT_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <event2/event.h>
#include <jansson.h>

#include "chat/options.h"
#include "chat/outq.h"
#include "chat/proto.h"
#include "chat/ui.h"
#include "core/addr.h"
#include "core/linebuf.h"
#include "core/proc.h"

/* Bytes owed to a peer that does not read; one more line ends the session. */
#define CHAT_TCP_OUTQ_MAX (256 * 1024)
/* From the connection to the peer's hello. */
#define CHAT_TCP_HELLO_TIMEOUT_MS 10000
/* After leaving, or after the peer left: to send what is still owed and
 * have it acknowledged ... */
#define CHAT_TCP_DRAIN_TIMEOUT_MS 5000
/* ... and after our FIN, to see the peer's: closing while the peer still
 * sends would answer with a reset, and its last lines would be lost. At
 * most this long without a byte from the peer, and the max in all. */
#define CHAT_TCP_LINGER_MS 2000
#define CHAT_TCP_LINGER_MAX_MS 10000
/* How often the last acknowledgement is looked for once both FINs are through. */
#define CHAT_TCP_ACK_POLL_MS 10
#define CHAT_TCP_MSG_MAX 512

enum chat_phase {
	CHAT_TCP_LISTEN,  /* waiting for the peer to connect */
	CHAT_TCP_HELLO,   /* connected, waiting for the peer's hello */
	CHAT_TCP_TALK,    /* after the peer's FIN, still what already waits on stdin */
	CHAT_TCP_LEAVE,   /* no more input: what is owed, FIN, the peer's FIN, the acks */
	CHAT_TCP_DONE,
};

struct chat_session {
	const struct chat_config *cfg;
	struct proc *proc;
	struct event_base *base;
	enum chat_phase phase;
	int status;
	bool accepted;            /* we listened: "NAME connected from ADDR" */
	bool shut;                /* our FIN is sent */
	bool peer_left;           /* the peer's FIN is read */
	bool abort;               /* close with a reset: what is owed must not go later */
	uint64_t linger_end_us;   /* the latest wait for the peer's FIN */
	int lfd, fd;
	/* ev_timer: the hello's time, then leaving's (a deadline, or the wait
	 * for the peer's FIN); ev_ack: looks for the last acknowledgement. */
	struct event *ev_accept, *ev_read, *ev_write, *ev_timer, *ev_ack;
	struct chat_outq out; /* at most CHAT_TCP_OUTQ_MAX bytes queued */
	struct linebuf in;        /* the peer's lines */
	struct chat_ui ui;
	uint64_t lines_sent, lines_received; /* chat lines, for --json's end */
	size_t undelivered;       /* lines reported not delivered */
	uint64_t start_us;        /* the connection came (clock_mono_us) */
	bool have_peer_sa;
	union addr_any peer_sa;   /* for --json: a reset socket has no peer to ask */
	char peer_name[CHAT_TCP_NAME_MAX + 1]; /* "" until the hello */
	char peer_addr[ADDR_STRLEN];
	char shown[CHAT_TCP_ESCAPED_MAX];      /* a peer's line, escaped */
};

/* session.c, the talk itself; run.c owns the loop and calls in. */
extern const struct chat_ui_ops chat_ui_ops;
/* The connection is there: send our hello, wait for the peer's. */
int chat_begin(struct chat_session *s, int fd);
/* Ends the loop with status; the terminal is put back at once. */
void chat_end(struct chat_session *s, int status);
/* "socklab chat: ..." on stderr, above the line being typed. */
void chat_warn(struct chat_session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The same message, but with --json the object o (chat/report.h: its type
 * and fields) with the message as "message", on stdout; o is taken. */
void chat_note(struct chat_session *s, json_t *o, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void chat_on_timer(evutil_socket_t fd, short what, void *arg);
void chat_on_ack_poll(evutil_socket_t fd, short what, void *arg);
void chat_on_signal(int sig, void *arg);

/* run.c: Chats over fd (a connected socket, taken over), or with fd < 0 listens
 * on cfg->port for one peer first. Returns the exit status: 0 when either
 * side left and every line arrived, 1 when the session could not start or
 * broke, or lines were not delivered. */
int chat_run(const struct chat_config *cfg, int fd);

#endif
