/* The chat server's sessions over chatwire/chatlink: lines in, handled
 * by commands.c, messages out through outbound.h; timers and ends. */
#ifndef SOCKLAB_CHAT_SERVER_SESSION_H
#define SOCKLAB_CHAT_SERVER_SESSION_H

#include "chat_server/server.h"

extern const struct chatsrv_cmd_ops chatsrv_session_ops;
void chatsrv_session_receive(struct chatsrv_server *srv, struct chatsrv_user *u,
			     struct chat_dgram *d);
void chatsrv_session_end(struct chatsrv_server *srv, struct chatsrv_user *u, const char *reason);
void chatsrv_session_end_pending(struct chatsrv_server *srv);
void chatsrv_session_mark_dirty(struct chatsrv_server *srv, struct chatsrv_user *u);
void chatsrv_session_flush_dirty(struct chatsrv_server *srv);
/* Handles queued lines until budget units of work are done or none is left. */
void chatsrv_session_work(struct chatsrv_server *srv, uint64_t budget);
/* The timer fired (the caller took in what waited on the sockets first:
 * no retransmission of what has arrived). */
void chatsrv_session_on_timer(struct chatsrv_server *srv);
void chatsrv_session_arm_timer(struct chatsrv_server *srv);
/* Retransmissions of the sessions still open (ended ones are in stats). */
uint64_t chatsrv_session_live_retransmits(const struct chatsrv_server *srv);

#endif
