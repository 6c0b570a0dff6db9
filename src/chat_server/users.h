/* The chat server's address book: every registered user (one session each),
 * found by name and by session token, and listed in name order. A pure,
 * bounded table: the server part owns the sockets and the clock. */
#ifndef SOCKLAB_CHAT_SERVER_USERS_H
#define SOCKLAB_CHAT_SERVER_USERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"
#include "chatwire/chatlink.h"
#include "core/tbucket.h"
#include "chat_server/pending.h"
#include "chat_server/timers.h"

/* --max-users can go this high: tables are sized from it at start. */
#define CHATSRV_USERS_HARD_MAX 100000

/* What an operation on the tables can fail with; commands map them to the
 * protocol's error codes. */
enum chatsrv_err {
	CHATSRV_OK = 0,
	CHATSRV_E_BAD_NAME,
	CHATSRV_E_NAME_TAKEN,
	CHATSRV_E_SERVER_FULL,
	CHATSRV_E_TOKEN_IN_USE,
	CHATSRV_E_BAD_ROOM,
	CHATSRV_E_ROOM_EXISTS,
	CHATSRV_E_TOO_MANY_ROOMS,
	CHATSRV_E_ROOM_FULL,
	CHATSRV_E_NOMEM,
};

struct chatsrv_room;

struct chatsrv_user {
	char name[CHAT_NAME_MAX + 1];
	size_t name_len;
	uint64_t token;
	uint64_t nonce;                 /* the REG's: tells a retransmission from a restart */
	struct chatsrv_room *room;      /* NULL: in no room */
	struct tbucket flood;           /* SAY and PRIV per second */

	/* The session, kept by the server part. */
	struct chat_link link;
	union addr_any addr;            /* the address it registered from */
	unsigned sock;                  /* the server socket it registered on */
	struct chatsrv_timer timer;     /* expiry and retransmission */
	uint64_t progress_us;           /* last time the peer's acknowledgement advanced */
	struct chatsrv_pending_list pend; /* its lines taken in, not yet handled */
	size_t queued;                  /* its messages counted in the server's total */
	bool dirty;                     /* in the server's list of sessions to flush */
	size_t dirty_pos;               /* its index there */
	const char *end_reason;         /* set: the session ends once the datagram is handled */

	/* Table links. */
	struct chatsrv_user *next_by_name, *next_by_token;
	size_t pos;                     /* index in the dense list */
};

struct chatsrv_users;

/* max users at most; key seeds the name hash (callers pass random bytes). */
struct chatsrv_users *chatsrv_users_new(size_t max, const uint8_t key[16]);
/* Frees the table and every user in it (their links too). */
void chatsrv_users_free(struct chatsrv_users *t);
size_t chatsrv_users_count(const struct chatsrv_users *t);
size_t chatsrv_users_max(const struct chatsrv_users *t);
struct chatsrv_user *chatsrv_users_by_name(const struct chatsrv_users *t, const char *name,
					   size_t len);
struct chatsrv_user *chatsrv_users_by_token(const struct chatsrv_users *t, uint64_t token);
/* A new user with an initialised link, or NULL with *err set (BAD_NAME,
 * NAME_TAKEN, SERVER_FULL, TOKEN_IN_USE, NOMEM). */
struct chatsrv_user *chatsrv_users_add(struct chatsrv_users *t, const char *name, size_t len,
				       uint64_t token, enum chatsrv_err *err);
/* Unlinks and frees u; it must be in no room. */
void chatsrv_users_remove(struct chatsrv_users *t, struct chatsrv_user *u);
/* The i-th user in no particular order (i < count): for sweeps. */
struct chatsrv_user *chatsrv_users_at(const struct chatsrv_users *t, size_t i);
/* Every user, sorted by name, in a buffer the table owns (valid until the
 * next add or remove); returns the count. */
size_t chatsrv_users_sorted(struct chatsrv_users *t, struct chatsrv_user ***out);

/* Flood control: rate lines a second, bursts of twice that (0: no limit). */
void chatsrv_user_flood_init(struct chatsrv_user *u, uint64_t rate, uint64_t now_us);
/* True if u may send one more SAY or PRIV now (and counts it). */
bool chatsrv_user_flood_ok(struct chatsrv_user *u, uint64_t now_us);


#endif
