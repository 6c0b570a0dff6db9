/* The chat server's verbs (docs/chat-protocol.md, "Client messages"): one
 * handler per verb over the user and room tables. Handlers answer through a
 * small interface — queue a line for a user, end a session, report an event
 * — so they know nothing of sockets, datagrams or clocks. */
#ifndef SOCKLAB_CHAT_SERVER_COMMANDS_H
#define SOCKLAB_CHAT_SERVER_COMMANDS_H

#include <stddef.h>
#include <stdint.h>

#include "chat_server/rooms.h"
#include "chat_server/users.h"

/* A message line the server sends is at most this long ("<seq> " and LF
 * still fit around it in CHAT_LINE_MAX). */
#define CHATSRV_LINE_MAX (CHAT_LINE_MAX - 14)

enum chatsrv_event_kind {
	CHATSRV_EV_CREATE,  /* room created by user */
	CHATSRV_EV_JOIN,    /* user joined room */
	CHATSRV_EV_LEAVE,   /* user left room (reason) */
	CHATSRV_EV_KICK,    /* user kicked count members out of room */
	CHATSRV_EV_REMOVE,  /* room removed: its last member left */
};

struct chatsrv_event {
	enum chatsrv_event_kind kind;
	const struct chatsrv_user *user;
	const char *room;
	size_t room_len;
	const char *reason;
	uint64_t count;
};

struct chatsrv_cmd_ops {
	/* Queues line for u. May end u's session (its queue is full); lines for
	 * a session that is ending are dropped. */
	void (*send)(void *io, struct chatsrv_user *u, const char *line, size_t len);
	/* u's session ends once the current datagram is handled (BYE). */
	void (*end)(void *io, struct chatsrv_user *u, const char *reason);
	void (*event)(void *io, const struct chatsrv_event *ev);
};

struct chatsrv_cmd_ctx {
	struct chatsrv_users *users;
	struct chatsrv_rooms *rooms;
	const struct chatsrv_cmd_ops *ops;
	void *io;
	uint64_t flood_rate;  /* for the text of ERR flood */
	/* When the line being handled was sent (as far as the link knows),
	 * set by the caller before each line: flood control charges it then,
	 * so lines held behind a lost one, or handled in a later slice, are
	 * not refused for arriving in a bunch. */
	uint64_t line_us;
};

/* Handles one message line ("VERB args") from u. */
void chatsrv_command(struct chatsrv_cmd_ctx *c, struct chatsrv_user *u, const char *line,
		     size_t len);
/* u leaves its room, if any: the others get LEFT, the event is reported
 * (reason: "leave", "join", "bye", "expired", ...). */
void chatsrv_command_leave_room(struct chatsrv_cmd_ctx *c, struct chatsrv_user *u,
				const char *reason);
/* The protocol's error code for a table error. */
const char *chatsrv_err_code(enum chatsrv_err err);

#endif
