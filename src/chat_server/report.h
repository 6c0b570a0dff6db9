/* What socklab chat-server tells its operator: one line per event on
 * stdout, as text or JSON Lines (docs/chat-server.md lists them). Printers
 * read values and decide nothing; --quiet and -v are the callers' business. */
#ifndef SOCKLAB_CHAT_SERVER_REPORT_H
#define SOCKLAB_CHAT_SERVER_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "chat_server/commands.h"
#include "chat_server/server.h"

void chatsrv_report_listening(const struct sockaddr *addr);
void chatsrv_report_ready(unsigned nsockets);
void chatsrv_report_register(const struct chatsrv_user *u);
void chatsrv_report_unregister(const struct chatsrv_user *u, const char *reason);
void chatsrv_report_room(const struct chatsrv_event *ev);
/* -v: a message handled, a datagram ignored. */
void chatsrv_report_message(const struct chatsrv_user *u, uint64_t seq, const char *line,
			    size_t len);
void chatsrv_report_ignored(const struct sockaddr *from, const char *what, const char *why);
void chatsrv_report_suppressed(uint64_t n);
void chatsrv_report_stopped(const struct chatsrv_stats *st, size_t active);
/* -v: true if one more line may be logged now (after any "suppressed" line). */
bool chatsrv_vlog(struct chatsrv_server *srv);

#endif
