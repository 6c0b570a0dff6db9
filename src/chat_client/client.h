/* One running chat-client: the UDP socket connected to the server, the
 * session end (chatwire/chatlink), the libevent loop and its timers, the input
 * (readline on a terminal, plain lines otherwise) and what the user is
 * talking to. input.c turns input lines into messages and hands them to
 * net.c, which owns the socket and the session; terminal.c, below both,
 * keeps output from garbling a typed line and hands typed lines back
 * through a callback. Each file has its header; this one is the state. */
#ifndef SOCKLAB_CHAT_CLIENT_CLIENT_H
#define SOCKLAB_CHAT_CLIENT_CLIENT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <event2/event.h>

#include "chat_client/commands.h"
#include "chat_client/display.h"
#include "chat_client/json.h"
#include "chat_client/options.h"
#include "chat_client/target.h"
#include "core/addr.h"
#include "chatwire/chatlink.h"
#include "core/linebuf.h"
#include "core/proc.h"
#include "core/tbucket.h"

/* A line read from stdin: longer ones are refused (the text limit is 512). */
#define CHATCLI_INPUT_MAX 1024
#define CHATCLI_KEEPALIVE_US 10000000ULL   /* an idle client acknowledges every 10 s */
#define CHATCLI_KEEPALIVE_LINE "KEEPALIVE"  /* as message 0 of the keepalive (ignored) */
#define CHATCLI_QUIT_WAIT_US 3000000ULL    /* $quit: how long to wait for "OK bye" */
#define CHATCLI_DRAIN_WAIT_US 10000000ULL  /* end of input: how long acks may stall */
#define CHATCLI_AWAIT_MAX_US 10000000ULL   /* input waits this long at most for an answer */
#define CHATCLI_NOSESSION_GRACE_US 1000000ULL /* a late "no-session" about the old session */
/* Lines to a room or a user leave at the server's default flood rate
 * (20 a second), with a smaller burst than its 40 so that jitter on the way
 * never trips it. The server charges a line when it was sent, not when a
 * gap before it filled, so loss does not bunch them up either. */
#define CHATCLI_PACE_RATE CHAT_FLOOD_RATE
#define CHATCLI_PACE_BURST (CHAT_FLOOD_BURST * 3 / 4)
#define CHATCLI_PACE_RETRY_US 50000ULL
/* Stop reading input while this many messages wait for acknowledgement. */
#define CHATCLI_UNACKED_HIGH 1024
#define CHATCLI_FLUSH_MAX 16               /* datagrams built per flush */
#define CHATCLI_RECV_BATCH 64              /* datagrams read per wake-up */
#define CHATCLI_HISTORY_MAX 500            /* readline history lines */
#define CHATCLI_WHERE_MAX (ADDR_STRLEN + 300)

enum chatcli_state {
	CHATCLI_REGISTERING,   /* REG sent, waiting for WELCOME */
	CHATCLI_ONLINE,
	CHATCLI_QUITTING,      /* BYE sent, waiting for "OK bye" */
	CHATCLI_DONE,
};

struct chatcli;

/* What net.c tells the input: input.c fills it in (chatcli_input_init), so that
 * net.c, below input.c, never calls up. */
struct chatcli_input_hooks {
	void (*online)(struct chatcli *c); /* registered: input may start */
	void (*pump)(struct chatcli *c);   /* something may be sendable now */
	void (*stop)(struct chatcli *c);   /* no more input */
};

struct chatcli {
	const struct chatcli_config *cfg;
	struct proc *proc;
	struct event_base *base;           /* proc's */
	struct event *ev_sock, *ev_stdin, *ev_rto, *ev_keepalive, *ev_timeout, *ev_later;
	int fd;
	struct addrinfo *addrs, *addr;     /* the server's addresses; the one in use */
	char where[CHATCLI_WHERE_MAX];          /* "HOST:PORT" as given */
	char wait[24];                     /* -w as "5 s" */
	enum chatcli_state state;
	int exit_code;
	bool drain;                        /* quitting at the end of input */
	bool started;                      /* registered once: input is running */

	struct chat_link link;
	char nonce[CHAT_TOKEN_HEX + 1];
	/* The server's cookie for our address ("" before the first): echoed in
	 * REG, kept for registering again; a stale one just costs a COOKIE. */
	char cookie[CHAT_TOKEN_HEX + 1];
	bool cookie_new;                   /* a COOKIE arrived: send REG again with it */
	uint64_t welcomed_us;
	uint64_t rx_token;                 /* the token of the datagram being taken in */
	bool session_lost;                 /* "ERR no-session" arrived: register again */
	bool fatal;                        /* the registration was refused */
	uint64_t dropped;                  /* datagrams ignored */
	bool refused_told;
	uint64_t refusals;                 /* lines refused: the exit status is 1 */

	struct chatcli_target target;
	struct tbucket pace;
	const char *await;                 /* input waits for this OK ("join") */
	char join_create[CHAT_NAME_MAX + 1]; /* /join of this room: CREATE it if there is none */
	uint64_t await_until_us;

	/* input */
	struct chatcli_input_hooks input;
	bool tty;                          /* readline on a terminal */
	bool rl_active;                    /* readline's handler is installed */
	bool stdin_pollable;
	bool stdin_watched;
	bool stdin_eof;
	struct linebuf in;
	char held[CHATCLI_INPUT_MAX + 1];       /* the next line, not taken yet */
	size_t held_len;
	bool has_held;
	char prompt[CHATCLI_PROMPT_MAX];

	struct chatcli_display display;
	struct chatcli_jlist jlist;        /* --json: the list being gathered */
	uint8_t rbuf[CHAT_DGRAM_MAX + 1];
	struct chat_builder out[CHATCLI_FLUSH_MAX];
};

#endif
