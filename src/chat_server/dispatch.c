/* One datagram in: parse it, then find its session by token and check that
 * it came from the session's own address; datagrams without a token can
 * only register. Whatever cannot be placed is ignored and counted. */
#include "chat_server/dispatch.h"

#include "chat_server/register.h"
#include "chat_server/report.h"
#include "chat_server/session.h"

static void dispatch_ignored(struct chatsrv_server *srv, const struct sockaddr *from,
			     const char *what, const char *why)
{
	if (chatsrv_vlog(srv))
		chatsrv_report_ignored(from, what, why);
}

void chatsrv_dispatch(struct chatsrv_server *srv, unsigned s, const uint8_t *p, size_t n,
		      bool cut, const struct sockaddr *from)
{
	struct chat_dgram *d = &srv->dgram;

	srv->stats.dgrams_in++;
	int rc = cut ? CHAT_E_SIZE : chatwire_dgram_parse(p, n, d);
	if (rc != CHAT_OK) {
		srv->stats.malformed++;
		dispatch_ignored(srv, from, "malformed", chatwire_parse_error_name(rc));
		return;
	}
	if (!d->has_token) {
		chatsrv_register(srv, s, from, d, n);
		chatsrv_session_end_pending(srv);
		return;
	}
	struct chatsrv_user *u = chatsrv_users_by_token(srv->users, d->token);
	if (!u) {
		srv->stats.unknown_token++;
		dispatch_ignored(srv, from, "unknown-token", "answered no-session");
		chatsrv_notice_no_session(srv, s, from, n);
		return;
	}
	if (u->sock != s || !addr_equal(&u->addr.sa, from)) {
		/* Another host speaking for a user: not a word of it counts,
		 * not even as a sign of life. */
		srv->stats.spoofed++;
		dispatch_ignored(srv, from, "spoofed", "token of another address");
		return;
	}
	chatsrv_session_receive(srv, u, d);
	chatsrv_session_end_pending(srv);
}
