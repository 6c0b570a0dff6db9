/* The session with the server: registration (REG until WELCOME or ERR,
 * bounded by -w, with the cookie round trip that proves our address), the
 * datagrams in and out through chatwire/chatlink, the
 * retransmission and keepalive timers, registering again when the server
 * lost the session, and leaving (BYE until "OK bye" or a timeout). */
#include "chat_client/net.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "chat_client/terminal.h"
#include "core/clock.h"
#include "core/jsontext.h"
#include "core/log.h"
#include "core/resolve.h"
#include "core/rng.h"
#include "core/textesc.h"
#include "core/proc.h"

void chatcli_timer_at(struct event *ev, uint64_t at_us)
{
	uint64_t now = clock_mono_us();
	uint64_t d = at_us > now ? at_us - now : 0;
	struct timeval tv = proc_tv_us(d);

	evtimer_add(ev, &tv);
}

static int chatcli_connect(struct chatcli *c)
{
	for (; c->addr; c->addr = c->addr->ai_next) {
		int fd = socket(c->addr->ai_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0)
			continue;
		/* Connected: the kernel drops datagrams from anyone but the
		 * server, and a missing server shows as ECONNREFUSED. */
		if (connect(fd, c->addr->ai_addr, c->addr->ai_addrlen) < 0) {
			close(fd);
			continue;
		}
		if (c->ev_sock)
			event_free(c->ev_sock);
		if (c->fd >= 0)
			close(c->fd);
		c->fd = fd;
		c->ev_sock = event_new(c->base, fd, EV_READ | EV_PERSIST, chatcli_on_sock, c);
		if (!c->ev_sock || event_add(c->ev_sock, NULL) < 0)
			return -1;
		return 0;
	}
	return -1;
}

int chatcli_net_open(struct chatcli *c)
{
	const struct chatcli_config *cfg = c->cfg;
	const char *why;

	if (strchr(cfg->host, ':'))
		snprintf(c->where, sizeof(c->where), "[%s]:%s", cfg->host, cfg->port);
	else
		snprintf(c->where, sizeof(c->where), "%s:%s", cfg->host, cfg->port);
	if (cfg->wait_ms % 1000 == 0)
		snprintf(c->wait, sizeof(c->wait), "%llu s", (unsigned long long)(cfg->wait_ms / 1000));
	else
		snprintf(c->wait, sizeof(c->wait), "%llu.%03llu s",
			 (unsigned long long)(cfg->wait_ms / 1000),
			 (unsigned long long)(cfg->wait_ms % 1000));
	if (resolve(cfg->host, cfg->port, cfg->family, SOCK_DGRAM, 0, &c->addrs, &why) < 0) {
		chatcli_error(c, "cannot resolve %s: %s", c->where, why);
		return -1;
	}
	c->addr = c->addrs;
	if (chatcli_connect(c) < 0) {
		chatcli_error(c, "cannot open a UDP socket to %s: %s", c->where, strerror(errno));
		return -1;
	}
	return 0;
}

void chatcli_net_close(struct chatcli *c)
{
	if (c->ev_sock)
		event_free(c->ev_sock);
	c->ev_sock = NULL;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	if (c->addrs)
		freeaddrinfo(c->addrs);
	c->addrs = c->addr = NULL;
}

void chatcli_finish(struct chatcli *c, int code)
{
	if (code == 0 && c->refusals) {
		/* Exit 0 says that everything sent was delivered. */
		if (c->state != CHATCLI_DONE)
			chatcli_error(c, "the server refused %llu line%s (the error: lines say why); "
				    "exit status 1",
				 (unsigned long long)c->refusals, c->refusals == 1 ? "" : "s");
		code = 1;
	}
	c->state = CHATCLI_DONE;
	c->exit_code = code;
	c->input.stop(c);
	event_base_loopexit(c->base, NULL);
}

/* REG as message 1 of a fresh link, with the cookie we have ("-" for none). */
static void chatcli_send_reg(struct chatcli *c)
{
	char line[CHAT_NAME_MAX + 2 * CHAT_TOKEN_HEX + 8];

	chatwire_link_free(&c->link);
	chatwire_link_init(&c->link);
	int k = snprintf(line, sizeof(line), "REG %s %s %s", c->cfg->name, c->nonce,
			 c->cookie[0] ? c->cookie : "-");
	chatcli_send(c, line, (size_t)k);
	chatcli_flush(c, false);
}

void chatcli_register(struct chatcli *c)
{
	static const char hex[] = "0123456789abcdef";
	uint8_t r[CHAT_TOKEN_HEX / 2];

	rng_fill_secure(r, sizeof(r));
	for (size_t i = 0; i < sizeof(r); i++) {
		c->nonce[2 * i] = hex[r[i] >> 4];
		c->nonce[2 * i + 1] = hex[r[i] & 15];
	}
	c->nonce[CHAT_TOKEN_HEX] = '\0';
	chatcli_target_clear(&c->target);
	snprintf(c->target.me, sizeof(c->target.me), "%s", c->cfg->name);
	chatcli_display_init(&c->display);
	chatcli_jlist_free(&c->jlist);
	c->await = NULL;
	c->join_create[0] = '\0';
	c->state = CHATCLI_REGISTERING;
	chatcli_send_reg(c);
	chatcli_timer_at(c->ev_timeout, clock_mono_us() + c->cfg->wait_ms * 1000);
}

bool chatcli_send(struct chatcli *c, const char *line, size_t len)
{
	return chatwire_link_send(&c->link, line, len);
}

static void chatcli_refused(struct chatcli *c)
{
	if (c->state == CHATCLI_REGISTERING) {
		if (c->addr && c->addr->ai_next) {
			c->addr = c->addr->ai_next; /* "localhost": ::1 first, then 127.0.0.1 */
			if (chatcli_connect(c) == 0) {
				chatcli_register(c);
				return;
			}
		}
		chatcli_error(c, "nothing answers on %s over UDP (connection refused) — is socklab "
			    "chat-server running there?", c->where);
		chatcli_finish(c, 1);
		return;
	}
	if (!c->refused_told)
		chatcli_error(c, "%s refused a datagram (connection refused) — is the server still "
			    "running? Trying on", c->where);
	c->refused_told = true;
}

void chatcli_flush(struct chatcli *c, bool ack_only)
{
	uint64_t now = clock_mono_us();
	bool sent = false, refused = false;
	unsigned n;

	if (c->state == CHATCLI_DONE || c->fd < 0)
		return;
	do {
		n = chatwire_link_flush(&c->link, now, c->out, CHATCLI_FLUSH_MAX, ack_only && !sent);
		if (ack_only && !sent && n == 1 && c->out[0].n == 0)
			/* The keepalive: long enough for the server's no-session
			 * answer, which is never longer than what it answers. */
			chatwire_builder_add(&c->out[0], 0, CHATCLI_KEEPALIVE_LINE, strlen(CHATCLI_KEEPALIVE_LINE));
		for (unsigned i = 0; i < n; i++) {
			/* A datagram that does not leave is lost like any other:
			 * the retransmission timer sends it again. */
			if (send(c->fd, c->out[i].buf, c->out[i].len, 0) < 0 && errno == ECONNREFUSED)
				refused = true;
			sent = true;
		}
	} while (n == CHATCLI_FLUSH_MAX);
	uint64_t due = chatwire_link_deadline(&c->link);
	if (due)
		chatcli_timer_at(c->ev_rto, due);
	else
		evtimer_del(c->ev_rto);
	if (sent && c->state != CHATCLI_REGISTERING)
		chatcli_timer_at(c->ev_keepalive, c->link.last_sent_us + CHATCLI_KEEPALIVE_US);
	if (refused)
		chatcli_refused(c);
}

static void chatcli_welcomed(struct chatcli *c)
{
	uint64_t now = clock_mono_us();

	c->link.has_token = true;
	c->link.token = c->rx_token;
	c->state = CHATCLI_ONLINE;
	c->welcomed_us = now;
	evtimer_del(c->ev_timeout);
	tbucket_init(&c->pace, CHATCLI_PACE_RATE, CHATCLI_PACE_BURST, now);
	json_t *o = chatcli_json_new("registered");
	json_object_set_new(o, "user", json_string(c->cfg->name));
	json_object_set_new(o, "server", jsontext_str(c->where));
	chatcli_say(c, o, "registered as %s on %s", c->cfg->name, c->where);
	c->input.online(c);
}

static void chatcli_refused_registration(struct chatcli *c, const struct chatcli_event *ev)
{
	char why[TEXTESC_MAX(CHAT_LINE_MAX)];
	const struct chat_word *w = ev->text.len ? &ev->text : &ev->what;

	if (chatcli_event_what_is(ev, "name-taken")) {
		chatcli_error(c, "the name %s is taken on %s", c->cfg->name, c->where);
	} else {
		textesc_term((const uint8_t *)w->p, w->len < CHAT_LINE_MAX ? w->len : CHAT_LINE_MAX,
			     why);
		chatcli_error(c, "%s refused the name %s: %s", c->where, c->cfg->name, why);
	}
	c->fatal = true;
}

/* "COOKIE <16 lowercase hex>" (seq 0): the server's answer to a REG whose
 * cookie it does not take (none yet, or one of a server that restarted). */
static bool chatcli_take_cookie(struct chatcli *c, const char *line, size_t len)
{
	static const char word[] = "COOKIE ";
	size_t k = sizeof(word) - 1;

	if (len != k + CHAT_TOKEN_HEX || memcmp(line, word, k) != 0)
		return false;
	for (size_t i = k; i < len; i++)
		if (!((line[i] >= '0' && line[i] <= '9') || (line[i] >= 'a' && line[i] <= 'f')))
			return false;
	if (c->state == CHATCLI_REGISTERING) {
		memcpy(c->cookie, line + k, CHAT_TOKEN_HEX);
		c->cookie[CHAT_TOKEN_HEX] = '\0';
		c->cookie_new = true;
	}
	return true; /* online, a late one: nothing to do */
}

/* IRC's /join of a room that does not exist: the server says no-such-room,
 * and the client creates the room (the creator is in it), as IRC does.
 * True when it did (the refusal is not shown). */
static bool chatcli_join_creates(struct chatcli *c, const struct chatcli_event *ev)
{
	char line[CHAT_NAME_MAX + 8];

	if (!c->join_create[0] || ev->kind != CHATCLI_EV_ERR ||
	    !chatcli_event_what_is(ev, "no-such-room") || !c->await || strcmp(c->await, "join") != 0)
		return false;
	int k = snprintf(line, sizeof(line), "CREATE %s", c->join_create);
	if (!chatcli_send(c, line, (size_t)k))
		return false;
	json_t *o = chatcli_json_new("note");
	json_object_set_new(o, "text", json_string("no such room: creating it"));
	json_object_set_new(o, "room", json_string(c->join_create));
	chatcli_say(c, o, "no room %s yet: creating it", c->join_create);
	c->join_create[0] = '\0';
	c->await = "create";
	c->await_until_us = clock_mono_us() + CHATCLI_AWAIT_MAX_US;
	return true;
}

/* Every message of the session, in order, exactly once. */
static void chatcli_deliver(void *arg, const char *line, size_t len, uint64_t sent_us)
{
	struct chatcli *c = arg;
	struct chatcli_event ev;
	const char *out;

	chatcli_event_parse(line, len, &ev);
	if (c->state == CHATCLI_DONE || c->fatal || c->session_lost)
		return;
	if (chatcli_take_cookie(c, line, len))
		return;
	if (ev.kind == CHATCLI_EV_ERR && chatcli_event_what_is(&ev, "no-session")) {
		/* During registration, or just after it, the notice is about
		 * a datagram of the session before. */
		if (c->state == CHATCLI_REGISTERING ||
		    (c->state == CHATCLI_ONLINE && clock_mono_us() - c->welcomed_us < CHATCLI_NOSESSION_GRACE_US))
			return;
		c->session_lost = true;
		return;
	}
	if (c->state == CHATCLI_REGISTERING) {
		if (ev.kind == CHATCLI_EV_WELCOME)
			chatcli_welcomed(c);
		else if (ev.kind == CHATCLI_EV_ERR)
			chatcli_refused_registration(c, &ev);
		return;
	}
	if (c->state == CHATCLI_QUITTING && ev.kind == CHATCLI_EV_OK && chatcli_event_what_is(&ev, "bye")) {
		chatcli_say(c, chatcli_json_new("bye"), "bye");
		chatcli_finish(c, 0);
		return;
	}
	if (chatcli_join_creates(c, &ev))
		return;
	if (chatcli_event_refuses_line(&ev))
		c->refusals++;
	chatcli_target_apply(&c->target, &ev); /* first: the prompt drawn again is the new one */
	if (c->cfg->json) {
		/* an unknown message is told on stderr too, as without --json */
		if (ev.kind == CHATCLI_EV_UNKNOWN &&
		    chatcli_display_event(&c->display, &ev, &out) == CHATCLI_OUT_STDERR)
			chatcli_print(c, stderr, "%s: %s", log_prog(), out);
		chatcli_emit(c, chatcli_json_event(&c->jlist, &ev));
		if (chatcli_event_answers(&ev, c->await))
			c->await = NULL;
		return;
	}
	enum chatcli_out where = chatcli_display_event(&c->display, &ev, &out);
	if (where == CHATCLI_OUT_STDOUT)
		chatcli_print(c, stdout, "%s", out);
	else if (where == CHATCLI_OUT_STDERR)
		chatcli_error(c, "%s", out);
	if (chatcli_event_answers(&ev, c->await))
		c->await = NULL;
}

/* Only the server's datagrams for this session are taken in: with its
 * token, or without one for its answers to REG and its notices. */
static bool chatcli_acceptable(const struct chatcli *c, const struct chat_dgram *d)
{
	if (c->state == CHATCLI_REGISTERING) {
		/* A token before WELCOME: only the WELCOME itself (seq 1), never
		 * a late datagram of a session before, whose numbers would
		 * confuse the new one. */
		return !d->has_token ||
		       (d->n > 0 && d->msgs[0].seq == 1 && d->msgs[0].len > 8 &&
			memcmp(d->msgs[0].line, "WELCOME ", 8) == 0);
	}
	if (d->has_token)
		return d->token == c->link.token;
	for (unsigned i = 0; i < d->n; i++)
		if (d->msgs[i].seq != 0)
			return false;
	return true;
}

static void chatcli_take(struct chatcli *c, const struct chat_dgram *d)
{
	if (c->state == CHATCLI_DONE || !chatcli_acceptable(c, d)) {
		c->dropped++;
		return;
	}
	size_t before = chatwire_rel_tx_unacked(&c->link.tx);
	c->rx_token = d->token;
	c->refused_told = false;
	chatwire_link_receive(&c->link, d, clock_mono_us(), chatcli_deliver, c);
	if (c->state == CHATCLI_QUITTING && c->drain && chatwire_rel_tx_unacked(&c->link.tx) < before)
		chatcli_timer_at(c->ev_timeout, clock_mono_us() + CHATCLI_DRAIN_WAIT_US);
}

static void chatcli_session_lost(struct chatcli *c)
{
	size_t lost = chatwire_rel_tx_unacked(&c->link.tx);

	c->session_lost = false;
	if (c->state == CHATCLI_QUITTING) {
		/* Most likely BYE was taken and its "OK bye" lost. */
		chatcli_finish(c, 0);
		return;
	}
	json_t *o = chatcli_json_new("event");
	json_object_set_new(o, "what", json_string("session-lost"));
	json_object_set_new(o, "user", json_string(c->cfg->name));
	json_object_set_new(o, "unacked", json_integer((json_int_t)lost));
	chatcli_say(c, o, "* the server lost this session (it restarted, or it heard nothing "
			  "for too long): registering again as %s, in no room", c->cfg->name);
	if (lost)
		chatcli_error(c, "%zu line%s sent just before may not have arrived", lost,
			 lost == 1 ? "" : "s");
	chatcli_register(c);
}

void chatcli_on_sock(evutil_socket_t fd, short what, void *arg)
{
	struct chatcli *c = arg;
	struct chat_dgram d;

	for (int i = 0; i < CHATCLI_RECV_BATCH && c->state != CHATCLI_DONE && !c->fatal; i++) {
		ssize_t r = recv(fd, c->rbuf, sizeof(c->rbuf), 0);
		if (r < 0) {
			if (errno == ECONNREFUSED) {
				chatcli_refused(c);
				continue;
			}
			break; /* EAGAIN, or an error that the next datagram may not have */
		}
		if (chatwire_dgram_parse(c->rbuf, (size_t)r, &d) != CHAT_OK) {
			c->dropped++;
			continue;
		}
		chatcli_take(c, &d);
		if (c->session_lost || c->cookie_new)
			break;
	}
	if (c->fatal) {
		chatcli_finish(c, 1);
		return;
	}
	if (c->state == CHATCLI_DONE)
		return;
	if (c->session_lost) {
		chatcli_session_lost(c);
		if (c->state == CHATCLI_DONE)
			return;
	}
	if (c->cookie_new) {
		/* The same REG (same nonce) with the cookie: the server keeps
		 * nothing until it comes back. */
		c->cookie_new = false;
		chatcli_send_reg(c);
	}
	chatcli_flush(c, false); /* acknowledge at once: well within 20 ms */
	c->input.pump(c);
	chatcli_term_prompt(c);
}

void chatcli_on_rto(evutil_socket_t fd, short what, void *arg)
{
	chatcli_flush(arg, false);
}

void chatcli_on_keepalive(evutil_socket_t fd, short what, void *arg)
{
	struct chatcli *c = arg;
	uint64_t due = c->link.last_sent_us + CHATCLI_KEEPALIVE_US;

	if (c->state != CHATCLI_ONLINE && c->state != CHATCLI_QUITTING)
		return;
	if (clock_mono_us() + 1000 >= due)
		chatcli_flush(c, true);
	else
		chatcli_timer_at(c->ev_keepalive, due);
}

void chatcli_quit(struct chatcli *c, bool drain)
{
	if (c->state != CHATCLI_ONLINE) {
		chatcli_finish(c, 1); /* not registered yet, or asked a second time */
		return;
	}
	c->state = CHATCLI_QUITTING;
	c->drain = drain;
	c->has_held = false;
	c->input.stop(c);
	chatcli_send(c, "BYE", 3);
	chatcli_flush(c, false);
	chatcli_timer_at(c->ev_timeout, clock_mono_us() + (drain ? CHATCLI_DRAIN_WAIT_US : CHATCLI_QUIT_WAIT_US));
}

void chatcli_on_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct chatcli *c = arg;
	size_t unacked = chatwire_rel_tx_unacked(&c->link.tx);
	size_t lines = unacked ? unacked - 1 : 0; /* BYE is the last one */

	if (c->state == CHATCLI_REGISTERING) {
		chatcli_error(c, "no answer from %s over UDP within %s — is socklab chat-server running there?",
			 c->where, c->wait);
		chatcli_finish(c, 1);
	} else if (c->state == CHATCLI_QUITTING) {
		if (lines && c->drain)
			chatcli_error(c, "%zu line%s not acknowledged by %s within %llu s: they may be lost",
				 lines, lines == 1 ? "" : "s", c->where,
				 (unsigned long long)(CHATCLI_DRAIN_WAIT_US / 1000000));
		else if (lines)
			chatcli_error(c, "%zu line%s may not have arrived at %s", lines, lines == 1 ? "" : "s",
				 c->where);
		chatcli_finish(c, lines && c->drain ? 1 : 0);
	}
}
