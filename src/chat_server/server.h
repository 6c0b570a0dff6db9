/* Run-time state of socklab chat-server, shared by its socket, session and
 * report parts, and the limits that shape the fan-out path. The functions
 * are declared per file; a datagram goes one way: udp.h (the sockets) →
 * dispatch.h → register.h → session.h → outbound.h (the batches out). */
#ifndef SOCKLAB_CHAT_SERVER_SERVER_H
#define SOCKLAB_CHAT_SERVER_SERVER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <event2/event.h>

#include "core/addr.h"
#include "chatwire/chatproto.h"
#include "core/ratelog.h"
#include "guard/srcfilter.h"
#include "core/tbucket.h"
#include "chat_server/commands.h"
#include "chat_server/options.h"
#include "chat_server/pending.h"
#include "chat_server/reglimit.h"
#include "chat_server/rooms.h"
#include "chat_server/timers.h"
#include "chat_server/users.h"

/* Datagrams taken per recvmmsg(2). Intake takes up to CHATSRV_INTAKE_BATCHES
 * of them from every socket, acknowledges, and queues the lines; then the
 * queued lines are handled for a slice of CHATSRV_WORK_BUDGET (lines plus
 * lines queued for clients), and intake comes round again — so an
 * acknowledgement never waits behind a burst. CHATSRV_PUMP_ROUNDS of these
 * per wake-up, then timers and signals get their turn. */
#define CHATSRV_RECV_BATCH 64
#define CHATSRV_INTAKE_BATCHES 8
#define CHATSRV_WORK_BUDGET 16384
#define CHATSRV_PUMP_ROUNDS 8
/* Datagrams per sendmmsg(2), per socket. */
#define CHATSRV_SEND_BATCH 256
/* Messages a session may have sent and not had acknowledged before the
 * server holds its newer ones back: the peer's socket buffer (208 KiB by
 * default, about 90 full datagrams) must not overflow. */
#define CHATSRV_WINDOW_MSGS 1024
/* Datagrams one retransmission may take (everything unacknowledged, again). */
#define CHATSRV_RETX_DGRAMS 96
/* A session's messages are taken in only while every session they could
 * reach has, with the lines still queued for handling, fewer messages
 * unacknowledged than its share (below); the rest wait for the client's
 * retransmission. The share is at most this, which keeps room below
 * REL_TX_MAX, at which a session is too far behind and is dropped. */
#define CHATSRV_ADMIT_HIGH (REL_TX_MAX - 256)
/* Queued messages are counted in bytes: a message's text and
 * CHATSRV_MSG_OVERHEAD for its header, malloc's overhead and its ring slot
 * (docs/chat-server.md's memory bound uses both). */
#define CHATSRV_MSG_OVERHEAD 64
/* What a client's line grows by on its way to a member ("MSG <room>
 * <from> " for "SAY "), at most. */
#define CHATSRV_MSG_GROWTH (2 * CHAT_NAME_MAX + 8)
/* A session's share of --queue-memory. While less than half of it is in
 * use, a session may hold what it has shown it takes: CHATSRV_CREDIT_INIT
 * bytes to begin with (a small window: a client that acknowledges nothing
 * holds little), grown by CHATSRV_CREDIT_GROWTH bytes for every byte it
 * acknowledges. Beyond half, no more
 * than its fair part, --queue-memory / (2 x sessions), at least
 * CHATSRV_SHARE_MIN. Never more than CHATSRV_ADMIT_HIGH messages. */
#define CHATSRV_CREDIT_INIT (1024 * 1024)
#define CHATSRV_CREDIT_GROWTH 4
#define CHATSRV_SHARE_MIN (32 * 1024)
/* A session with messages unacknowledged and no acknowledgement for this
 * long (about three retransmissions) holds nobody back: its room's lines
 * are taken in regardless, and once it holds more than its share it is
 * dropped as stuck. --ack-timeout drops it anyway, full or not. */
#define CHATSRV_STALL_US 2000000ULL
/* Socket buffers asked for (the kernel may give less). */
#define CHATSRV_SOCK_BUF (4 * 1024 * 1024)
/* Stateless answers (ERR to REG, no-session notices) a second, and burst:
 * they go to addresses nobody has vouched for. */
#define CHATSRV_NOTICE_RATE 100
#define CHATSRV_NOTICE_BURST 200
/* COOKIE answers a second, and burst. Each is smaller than the REG that
 * asked for it, so this bounds only the work a flood costs. */
#define CHATSRV_COOKIE_RATE 10000
#define CHATSRV_COOKIE_BURST 1000
/* -v lines a second, and burst; the rest are counted. */
#define CHATSRV_VLOG_RATE 50
#define CHATSRV_VLOG_BURST 200
/* A timer this close is handled now rather than slept for. */
#define CHATSRV_TIMER_SLACK_US 1000
/* Tries for an ephemeral port free on every address. */
#define CHATSRV_EPHEMERAL_TRIES 32

struct chatsrv_send_batch {
	struct mmsghdr msg[CHATSRV_SEND_BATCH];
	struct iovec iov[CHATSRV_SEND_BATCH];
	union addr_any to[CHATSRV_SEND_BATCH];
	struct chat_builder dg[CHATSRV_SEND_BATCH];
	unsigned n;
};

struct chatsrv_recv_batch {
	struct mmsghdr msg[CHATSRV_RECV_BATCH];
	struct iovec iov[CHATSRV_RECV_BATCH];
	union addr_any from[CHATSRV_RECV_BATCH];
	/* One byte more than the largest datagram: a longer one shows as cut. */
	uint8_t data[CHATSRV_RECV_BATCH][CHAT_DGRAM_MAX + 1];
};

struct chatsrv_socket {
	struct chatsrv_server *srv;
	unsigned idx;
	int fd;
	union addr_any addr;          /* as bound, port resolved */
	struct event *ev;
	struct chatsrv_send_batch *out;
};

struct chatsrv_stats {
	uint64_t dgrams_in, dgrams_out;
	uint64_t malformed;           /* chatwire_dgram_parse refused it, or cut */
	uint64_t spoofed;             /* a known token from another address */
	uint64_t unregistered;        /* token "-" but no REG */
	uint64_t unknown_token;       /* answered no-session (if the rate allowed) */
	uint64_t send_errors;
	uint64_t retransmits;         /* of sessions that ended; live ones are added at the end */
	uint64_t sessions;            /* registrations */
	uint64_t expired, dropped;    /* silent; too far behind */
	uint64_t deferred;            /* messages left for the client to send again */
	uint64_t cookies;             /* REGs answered with a COOKIE: no session yet */
	uint64_t old_protocol;        /* REGs of protocol 1, answered ERR version */
	uint64_t reg_limited;         /* registrations over a rate or prefix limit */
};

struct chatsrv_server {
	struct proc *proc;
	struct event_base *base;      /* proc's */
	const struct chatsrv_config *cfg;
	struct chatsrv_socket socks[CHATSRV_MAX_BINDS];
	unsigned nsocks;
	struct chatsrv_users *users;
	struct chatsrv_rooms *rooms;
	struct chatsrv_cmd_ctx cmd;
	struct chatsrv_heap timers;
	struct chatsrv_user **dirty;  /* sessions with something to flush */
	size_t ndirty;
	struct chatsrv_user **ending; /* sessions to end once the datagram is handled */
	size_t nending;
	struct chatsrv_recv_batch *in;
	struct chat_dgram dgram;      /* the datagram being taken in */
	struct chatsrv_user *current; /* its session */
	struct chatsrv_pending pending; /* lines taken in, not yet handled */
	uint64_t work_done;           /* lines handled plus lines queued for clients */
	uint64_t queued;              /* bytes of messages unacknowledged, all sessions */
	struct event *work;           /* runs the pump again while lines wait */
	uint64_t now_us;
	uint64_t expire_us;
	struct tbucket notices;
	struct tbucket cookies;
	uint8_t cookie_secret[16];    /* from getrandom at start: a restart voids every cookie */
	struct chatsrv_reglimit reglimit;
	uint64_t ack_timeout_us;
	struct ratelog vlog;
	struct src_policy policy;
	struct event *timer;
	uint64_t timer_at;            /* when the timer is armed for; 0: not armed */
	struct chatsrv_stats stats;
	bool stopping;
};

#endif
