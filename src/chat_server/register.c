/* REG: the cookie round trip that proves a client's address before any
 * state exists, then a new session, the same answer to a retransmitted
 * REG, a restarted client replacing its own session, and the refusals
 * (name-taken, bad-name, server-full, version). Answers to an address that
 * has not proved itself are stateless, never longer than the datagram that
 * asked for them, and rate-limited: their source address is vouched for by
 * nobody, so they must not become a reflector or an amplifier. */
#include "chat_server/register.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "chat_server/cookie.h"
#include "chat_server/outbound.h"
#include "chat_server/report.h"
#include "chat_server/session.h"
#include "core/rng.h"
#include "core/textesc.h"

/* One unreliable answer "SLC1 - <ack>\n<seq> <line>\n" to from, cut at a
 * space so that the datagram is at most `limit` bytes; nothing when even
 * its first `keep` bytes do not fit, or the bucket is empty. */
static void reg_answer(struct chatsrv_server *srv, unsigned s, const struct sockaddr *from,
		       struct tbucket *bucket, size_t limit, size_t keep, uint64_t ack,
		       uint64_t seq, const char *fmt, ...) __attribute__((format(printf, 9, 10)));

static void reg_answer(struct chatsrv_server *srv, unsigned s, const struct sockaddr *from,
		       struct tbucket *bucket, size_t limit, size_t keep, uint64_t ack,
		       uint64_t seq, const char *fmt, ...)
{
	char line[CHATSRV_LINE_MAX + 1];
	union addr_any to;
	va_list ap;

	if (srcfilter_check(&srv->policy, from) != SRC_OK)
		return;
	va_start(ap, fmt);
	int k = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (k < 0 || (size_t)k >= sizeof(line))
		return;
	/* "SLC1 - <ack>\n" and "<seq> " ... "\n" around the line */
	size_t around = strlen(CHAT_MAGIC " - \n") + textesc_digits(ack) + textesc_digits(seq) + 2;
	size_t len = (size_t)k;
	if (around + len > limit) {
		if (around + keep > limit)
			return;
		len = limit - around;
		while (len > keep && line[len] != ' ')
			len--; /* whole words only */
	}
	if (len == 0)
		return;
	if (!tbucket_take(bucket, 1, srv->now_us))
		return;
	struct chat_builder *b = chatsrv_out_slot(srv, s);
	chatwire_builder_start(b, false, 0, ack);
	chatwire_builder_add(b, seq, line, len);
	addr_copy(&to, from);
	chatsrv_out_commit(srv, s, 1, &to);
}

void chatsrv_notice_no_session(struct chatsrv_server *srv, unsigned s, const struct sockaddr *from,
			       size_t size)
{
	reg_answer(srv, s, from, &srv->notices, size, strlen("ERR no-session"), 0, 0,
		   "ERR no-session unknown session; REG again");
}

/* 16 hex digits. */
static bool reg_parse_hex64(const struct chat_word *w, bool upper_ok, uint64_t *out)
{
	uint64_t v = 0;

	if (w->len != CHAT_TOKEN_HEX)
		return false;
	for (size_t i = 0; i < w->len; i++) {
		char c = w->p[i];
		int x = c >= '0' && c <= '9' ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
			: upper_ok && c >= 'A' && c <= 'F' ? c - 'A' + 10
							   : -1;
		if (x < 0)
			return false;
		v = v << 4 | (uint64_t)x;
	}
	*out = v;
	return true;
}

static uint64_t reg_new_token(struct chatsrv_server *srv)
{
	uint64_t t;

	do
		rng_fill_secure(&t, sizeof(t));
	while (chatsrv_users_by_token(srv->users, t));
	return t;
}

/* The answer to a REG that was already answered: the same WELCOME, again. */
static void reg_welcome_again(struct chatsrv_server *srv, struct chatsrv_user *u)
{
	char line[CHATSRV_LINE_MAX + 1];
	int k = snprintf(line, sizeof(line), "WELCOME %s", u->name);
	struct chat_builder *b = chatsrv_out_slot(srv, u->sock);

	chatwire_builder_start(b, true, u->token, chatwire_rel_rx_ack(&u->link.rx));
	chatwire_builder_add(b, 1, line, (size_t)k);
	chatsrv_out_commit(srv, u->sock, 1, &u->addr);
	srv->stats.retransmits++;
}

/* The REG itself is handled here; taking it in through the link only
 * records it as received. */
static void reg_taken_in(void *ctx, const char *line, size_t len, uint64_t sent_us)
{
}

static void reg_ignored(struct chatsrv_server *srv, const struct sockaddr *from, const char *why)
{
	if (chatsrv_vlog(srv))
		chatsrv_report_ignored(from, "unregistered", why);
}

/* A REG of protocol 1 ("REG <name> <nonce>", no cookie): that client
 * cannot register here, and is told so in words it shows — a refusal of
 * its name — rather than left to time out. */
static void reg_old_protocol(struct chatsrv_server *srv, unsigned s, const struct sockaddr *from,
			     size_t size)
{
	srv->stats.old_protocol++;
	reg_answer(srv, s, from, &srv->notices, size, strlen("ERR version protocol 2"), 1, 1,
		   "ERR version protocol 2 only (REG with a cookie): update socklab chat-client");
}

/* Proved: a new session for name from `from`, unless a limit says no. */
static void reg_new_session(struct chatsrv_server *srv, unsigned s, const struct sockaddr *from,
			    struct chat_dgram *d, const struct chat_word *name, uint64_t nonce,
			    bool replacing)
{
	switch (chatsrv_reglimit_check(&srv->reglimit, from, replacing, srv->now_us)) {
	case CHATSRV_REG_OK:
		break;
	case CHATSRV_REG_SLOW:
		/* Not refused: the client sends its REG again, and a later one passes. */
		srv->stats.reg_limited++;
		reg_ignored(srv, from, "registrations from this address or prefix too fast");
		return;
	case CHATSRV_REG_PREFIX_FULL:
		srv->stats.reg_limited++;
		reg_answer(srv, s, from, &srv->notices, CHAT_DGRAM_MAX, 0, 1, 1,
			   "ERR server-full %llu users are registered from your network, the most "
			   "it may have", (unsigned long long)srv->cfg->max_per_prefix);
		return;
	}
	if (replacing) {
		/* The same client restarted: its old session goes. */
		chatsrv_session_end(srv, chatsrv_users_by_name(srv->users, name->p, name->len),
				    "replaced");
		chatsrv_session_end_pending(srv);
	}
	enum chatsrv_err err;
	struct chatsrv_user *u = chatsrv_users_add(srv->users, name->p, name->len,
						   reg_new_token(srv), &err);
	if (!u) {
		reg_answer(srv, s, from, &srv->notices, CHAT_DGRAM_MAX, 0, 1, 1,
			   "ERR server-full the server has %zu users, the most it may have",
			   chatsrv_users_max(srv->users));
		return;
	}
	u->nonce = nonce;
	addr_copy(&u->addr, from);
	u->sock = s;
	u->link.has_token = true;
	u->link.token = u->token;
	u->progress_us = srv->now_us;
	chatsrv_reglimit_session_add(&srv->reglimit, from);
	chatsrv_user_flood_init(u, srv->cfg->flood_rate, srv->now_us);
	/* The REG is the client's message 1: taken in, it is acknowledged. */
	d->n = 1;
	chatwire_link_receive(&u->link, d, srv->now_us, reg_taken_in, NULL);
	srv->stats.sessions++;
	if (!srv->cfg->quiet)
		chatsrv_report_register(u);
	char line[CHATSRV_LINE_MAX + 1];
	int k = snprintf(line, sizeof(line), "WELCOME %s", u->name);
	chatsrv_session_ops.send(srv, u, line, (size_t)k);
}

void chatsrv_register(struct chatsrv_server *srv, unsigned s, const struct sockaddr *from,
		      struct chat_dgram *d, size_t size)
{
	const struct chat_msg *m = d->n ? &d->msgs[0] : NULL;
	const char *p = m ? m->line : NULL, *end = m ? m->line + m->len : NULL;
	struct chat_word verb = { NULL, 0 }, name = { NULL, 0 }, nonce_w = { NULL, 0 };
	struct chat_word cookie_w = { NULL, 0 };
	uint64_t nonce, cookie = 0;

	if (!m || m->seq != 1 || !chatwire_next_word(&p, end, &verb) || !chatwire_word_is(&verb, "REG")) {
		srv->stats.unregistered++;
		reg_ignored(srv, from, "no session, and not REG");
		return;
	}
	chatwire_next_word(&p, end, &name);
	if (!chatwire_next_word(&p, end, &nonce_w) || !reg_parse_hex64(&nonce_w, true, &nonce)) {
		srv->stats.malformed++;
		reg_ignored(srv, from, "REG without its name and 16-hex-digit nonce");
		return;
	}
	if (p == end) {
		reg_old_protocol(srv, s, from, size);
		return;
	}
	if (!chatwire_next_word(&p, end, &cookie_w) || p != end ||
	    !(chatwire_word_is(&cookie_w, "-") || reg_parse_hex64(&cookie_w, false, &cookie))) {
		srv->stats.malformed++;
		reg_ignored(srv, from, "REG with a cookie that is neither - nor 16 hex digits");
		return;
	}
	if (chatwire_word_is(&cookie_w, "-") ||
	    !chatsrv_cookie_check(srv->cookie_secret, from, srv->now_us, cookie)) {
		/* Not proved yet: the cookie, and nothing kept. A well-formed
		 * REG is longer than this answer, so it always fits. */
		srv->stats.cookies++;
		reg_answer(srv, s, from, &srv->cookies, size, strlen("COOKIE") + 1 + CHAT_TOKEN_HEX, 0, 0,
			   "COOKIE %016llx",
			   (unsigned long long)chatsrv_cookie_make(srv->cookie_secret, from,
								   srv->now_us));
		return;
	}
	/* The client received the cookie at this address: answers may be
	 * longer than the REG from here on. */
	if (!chatwire_valid_name(name.p, name.len)) {
		reg_answer(srv, s, from, &srv->notices, CHAT_DGRAM_MAX, 0, 1, 1,
			   "ERR bad-name names are 1 to 32 of A-Z a-z 0-9 _ - . starting with a "
			   "letter or digit");
		return;
	}
	struct chatsrv_user *u = chatsrv_users_by_name(srv->users, name.p, name.len);
	if (u && (u->sock != s || !addr_equal(&u->addr.sa, from))) {
		reg_answer(srv, s, from, &srv->notices, CHAT_DGRAM_MAX, 0, 1, 1,
			   "ERR name-taken %.*s is registered from another address", (int)name.len,
			   name.p);
		return;
	}
	if (u && u->nonce == nonce) {
		u->link.last_heard_us = srv->now_us;
		reg_welcome_again(srv, u);
		return;
	}
	reg_new_session(srv, s, from, d, &name, nonce, u != NULL);
}
