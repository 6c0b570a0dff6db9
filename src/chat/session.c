/* socklab chat's event loop: accept, hello, talk, leave. The loop only moves
 * bytes; framing is core/linebuf's, the protocol chat/proto's, what is owed
 * to the peer chat/outq's, and what the person sees chat/ui's.
 *
 * Leaving is symmetric: whichever side leaves first sends what it owes and
 * its FIN, then keeps reading until the other's FIN. The other side, told
 * by that FIN, still sends what it owes — its queue and the lines already
 * waiting on its standard input — then its own FIN. Each side is done once
 * the peer's kernel has acknowledged everything it sent, FIN included;
 * lines that never got there are counted and make the exit status 1.
 * run.c sets the loop up and listens; this file is the talk. */
#include "chat/session.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "chat/net.h"
#include "chat/report.h"
#include "core/clock.h"
#include "core/jsontext.h"
#include "core/log.h"
#include "core/sock.h"
#include "core/textesc.h"

/* The peer as the messages name it: its name once known, else its address. */
static const char *chat_who(const struct chat_session *s)
{
	return s->peer_name[0] ? s->peer_name : s->peer_addr;
}

void chat_warn(struct chat_session *s, const char *fmt, ...)
{
	char msg[CHAT_TCP_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* --json: a failure without an event of its own is an "error" object */
	chat_note(s, s->cfg->json ? chat_json_new("error") : NULL, "%s", msg);
}

void chat_note(struct chat_session *s, json_t *o, const char *fmt, ...)
{
	char msg[CHAT_TCP_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!s->cfg->json) {
		json_decref(o);
		chat_ui_print(&s->ui, stderr, "%s: %s", log_prog(), msg);
		return;
	}
	if (o && json_object_set_new(o, "message", jsontext_str(msg)) == 0)
		chat_json_emit(o);
	else
		json_decref(o);
}

/* A --json event object of type, with the peer's name and address when
 * known; NULL without --json (setting fields on NULL does nothing). */
static json_t *chat_ev(struct chat_session *s, const char *type)
{
	json_t *o;

	if (!s->cfg->json)
		return NULL;
	o = chat_json_new(type);
	if (o && s->peer_name[0])
		json_object_set_new(o, "peer_name", json_string(s->peer_name));
	if (o && s->have_peer_sa)
		chat_json_addr(o, "peer", &s->peer_sa.sa);
	return o;
}

static void chat_ev_int(json_t *o, const char *key, uint64_t v)
{
	json_object_set_new(o, key, json_integer((json_int_t)v));
}

/* Ends the loop with status; the terminal is put back at once, so what is
 * printed after this starts on a clean line. */
void chat_end(struct chat_session *s, int status)
{
	if (s->phase == CHAT_TCP_DONE)
		return;
	s->phase = CHAT_TCP_DONE;
	s->status = status;
	chat_ui_stop(&s->ui);
	proc_exit(s->proc);
}

/* The person's lines the peer has not acknowledged (all of them once the
 * connection is gone: the kernel's count stays). */
static size_t chat_owed_lines(struct chat_session *s)
{
	chat_outq_settle(&s->out, s->fd, s->shut);
	return chat_outq_lines_owed(&s->out);
}

static const char *chat_plural(size_t n)
{
	return n == 1 ? "" : "s";
}

static void chat_broken(struct chat_session *s, int err)
{
	size_t owed = chat_owed_lines(s);

	if (s->phase == CHAT_TCP_LEAVE && s->shut && owed == 0) {
		/* We had left and everything arrived: nothing is lost. */
		chat_end(s, 0);
		return;
	}
	chat_end(s, 1);
	/* A write after the peer's reset fails with EPIPE: it is the reset. */
	if (err == EPIPE)
		err = ECONNRESET;
	s->undelivered = owed;
	json_t *o = chat_ev(s, "connection_lost");
	json_object_set_new(o, "error", json_string(strerror(err)));
	chat_ev_int(o, "undelivered", owed);
	if (owed)
		chat_note(s, o, "connection to %s lost: %s; %zu line%s not delivered",
			  chat_who(s), strerror(err), owed, chat_plural(owed));
	else
		chat_note(s, o, "connection to %s lost: %s", chat_who(s), strerror(err));
}

/* Leaving ends now, before everything arrived: 0 if nothing of the
 * person's is missing, else 1 and how many lines (why: the reason). */
static void chat_give_up(struct chat_session *s, const char *why)
{
	int err = sock_error(s->fd);
	size_t owed;

	if (err) {
		chat_broken(s, err);
		return;
	}
	owed = chat_owed_lines(s);
	chat_end(s, owed ? 1 : 0);
	if (owed) {
		/* Reported as not delivered, so never delivered: the kernel
		 * would go on sending them after we close. */
		s->abort = true;
		s->undelivered = owed;
		json_t *o = chat_ev(s, "undelivered");
		chat_ev_int(o, "lines", owed);
		chat_note(s, o, "%zu line%s not delivered: %s", owed, chat_plural(owed), why);
	}
}

static void chat_timer_ms(struct event *ev, int ms)
{
	struct timeval tv = proc_tv_ms((uint64_t)ms);

	event_add(ev, &tv);
}

/* Both FINs are through: done once the peer's kernel has acknowledged
 * everything, ours included (looked at every CHAT_TCP_ACK_POLL_MS until
 * the timer that runs gives up). */
static void chat_finish(struct chat_session *s)
{
	int err = sock_error(s->fd);
	int64_t left;

	if (s->phase == CHAT_TCP_DONE)
		return;
	if (err) {
		chat_broken(s, err);
		return;
	}
	left = chat_outq_settle(&s->out, s->fd, true);
	if (left == 0 || (left < 0 && chat_outq_lines_owed(&s->out) == 0)) {
		chat_end(s, 0);
		return;
	}
	chat_timer_ms(s->ev_ack, CHAT_TCP_ACK_POLL_MS);
}

/* After our FIN: the peer's FIN may take up to CHAT_TCP_LINGER_MS of
 * silence, CHAT_TCP_LINGER_MAX_MS in all — a peer that got our FIN still
 * sends what it owed, and each of its lines gives it more time. */
static void chat_linger(struct chat_session *s)
{
	uint64_t now = clock_mono_us();
	uint64_t left = s->linger_end_us > now ? (s->linger_end_us - now) / 1000 : 0;

	chat_timer_ms(s->ev_timer, left < CHAT_TCP_LINGER_MS ? (int)left : CHAT_TCP_LINGER_MS);
}

static void chat_shut(struct chat_session *s)
{
	if (s->shut)
		return;
	s->shut = true;
	if (shutdown(s->fd, SHUT_WR) < 0) {
		int err = sock_error(s->fd);
		chat_broken(s, err ? err : errno);
		return;
	}
	if (s->peer_left) {
		chat_finish(s);
		return;
	}
	s->linger_end_us = clock_mono_us() + (uint64_t)CHAT_TCP_LINGER_MAX_MS * 1000;
	chat_linger(s);
}

static void chat_want_write(struct chat_session *s)
{
	if (event_add(s->ev_write, NULL) < 0) {
		chat_end(s, 1);
		chat_warn(s, "cannot queue a line: out of memory");
	}
}

/* Queues a line and its LF: all of it, or the session ends. */
static void chat_queue(struct chat_session *s, const void *line, size_t n)
{
	size_t owed = chat_outq_queued(&s->out);

	if (owed + n + 1 > CHAT_TCP_OUTQ_MAX) {
		json_t *o = chat_ev(s, "peer_not_reading");
		chat_ev_int(o, "queued_bytes", owed);
		chat_ev_int(o, "limit", CHAT_TCP_OUTQ_MAX);
		chat_end(s, 1);
		chat_note(s, o, "%s is not reading: %zu bytes are waiting to be sent (the limit is %d); closing",
			  chat_who(s), owed, CHAT_TCP_OUTQ_MAX);
		return;
	}
	if (chat_outq_line(&s->out, line, n) < 0) {
		chat_end(s, 1);
		chat_warn(s, "cannot queue a line: out of memory");
		return;
	}
	s->lines_sent++;
	if (s->cfg->json)
		chat_json_line("sent", NULL, line, n);
	chat_want_write(s);
}

/* Leaving (":q", end of input, a signal, or after the peer left the end of
 * what was waiting): no more input; what is owed is sent, then FIN. */
static void chat_leave(struct chat_session *s)
{
	if (s->phase != CHAT_TCP_TALK) {
		chat_end(s, 0);
		return;
	}
	chat_ui_stop(&s->ui);
	s->phase = CHAT_TCP_LEAVE;
	/* After the peer's FIN the deadline runs already. */
	if (!evtimer_pending(s->ev_timer, NULL))
		chat_timer_ms(s->ev_timer, CHAT_TCP_DRAIN_TIMEOUT_MS);
	if (chat_outq_queued(&s->out) == 0)
		chat_shut(s);
}

/* A line the person typed or piped in. */
static void chat_on_typed(void *ctx, const uint8_t *line, size_t n)
{
	struct chat_session *s = ctx;

	n = chat_strip_cr(line, n);
	if (chat_is_quit(line, n))
		chat_leave(s);
	else if (n > 0) /* an empty line says nothing */
		chat_queue(s, line, n);
}

static void chat_on_typed_too_long(void *ctx, size_t n)
{
	struct chat_session *s = ctx;
	json_t *o = chat_ev(s, "line_not_sent");

	chat_ev_int(o, "limit", CHAT_TCP_LINE_MAX);
	if (n) {
		chat_ev_int(o, "bytes", n);
		chat_note(s, o, "line not sent: %zu bytes, the limit is %d", n, CHAT_TCP_LINE_MAX);
	} else {
		chat_note(s, o, "line not sent: longer than the limit of %d bytes", CHAT_TCP_LINE_MAX);
	}
}

static void chat_on_typed_eof(void *ctx)
{
	chat_leave(ctx);
}

const struct chat_ui_ops chat_ui_ops = {
	.on_line = chat_on_typed,
	.on_too_long = chat_on_typed_too_long,
	.on_eof = chat_on_typed_eof,
};

static void chat_on_hello(struct chat_session *s, const uint8_t *line, size_t n)
{
	const char *why;

	if (chat_hello_parse(line, n, s->peer_name, &why) < 0) {
		s->peer_name[0] = '\0';
		chat_end(s, 1);
		chat_note(s, chat_ev(s, "not_a_chat"), "%s is not a socklab chat: %s", s->peer_addr, why);
		return;
	}
	event_del(s->ev_timer);
	s->phase = CHAT_TCP_TALK;
	if (s->cfg->json) {
		json_t *o = chat_ev(s, "connected");
		json_object_set_new(o, "role", json_string(s->accepted ? "listen" : "connect"));
		json_object_set_new(o, "name", json_string(s->cfg->name));
		if (o)
			chat_json_ends(o, s->fd, "local", 0);
		chat_json_emit(o);
	} else if (s->accepted) {
		chat_ui_print(&s->ui, stdout, "%s connected from %s", s->peer_name, s->peer_addr);
	} else {
		chat_ui_print(&s->ui, stdout, "connected to %s at %s", s->peer_name, s->peer_addr);
	}
	if (chat_ui_start(&s->ui) < 0) {
		chat_end(s, 1);
		chat_warn(s, "cannot read standard input");
	}
}

static void chat_peer_lines(struct chat_session *s)
{
	const uint8_t *line;
	size_t n;

	while (s->phase != CHAT_TCP_DONE) {
		switch (linebuf_next(&s->in, &line, &n)) {
		case LINEBUF_LINE:
			n = chat_strip_cr(line, n);
			if (s->phase == CHAT_TCP_HELLO) {
				chat_on_hello(s, line, n);
			} else if (s->cfg->json) {
				s->lines_received++;
				chat_json_line("received", s->peer_name, line, n);
			} else {
				s->lines_received++;
				textesc_term(line, n, s->shown);
				chat_ui_print(&s->ui, stdout, "%s: %s", s->peer_name, s->shown);
			}
			break;
		case LINEBUF_TOO_LONG:
			if (s->phase == CHAT_TCP_HELLO) {
				chat_end(s, 1);
				chat_note(s, chat_ev(s, "not_a_chat"),
					  "%s is not a socklab chat: its first line is over %d bytes",
					  s->peer_addr, CHAT_TCP_LINE_MAX);
				return;
			}
			json_t *o = chat_ev(s, "line_dropped");
			chat_ev_int(o, "limit", CHAT_TCP_LINE_MAX);
			chat_note(s, o, "%s sent a line over %d bytes; dropped", s->peer_name,
				  CHAT_TCP_LINE_MAX);
			break;
		case LINEBUF_MORE:
		case LINEBUF_END:
			return;
		}
	}
}

/* The peer's FIN: the peer sends no more, and waits for ours. */
static void chat_peer_gone(struct chat_session *s)
{
	if (s->phase == CHAT_TCP_HELLO) {
		chat_end(s, 1);
		chat_note(s, chat_ev(s, "not_a_chat"),
			  "%s closed the connection without a hello (not a socklab chat?)", s->peer_addr);
		return;
	}
	s->peer_left = true;
	event_del(s->ev_read); /* at its end for good: it would fire for ever */
	if (s->phase == CHAT_TCP_TALK) {
		if (s->cfg->json)
			chat_json_emit(chat_ev(s, "peer_left"));
		else
			chat_ui_print(&s->ui, stdout, "%s left the chat", s->peer_name);
		/* What waits already still goes, within the time to send it. */
		chat_timer_ms(s->ev_timer, CHAT_TCP_DRAIN_TIMEOUT_MS);
		if (s->ui.reading)
			chat_ui_drain(&s->ui);
		else
			chat_leave(s);
	} else if (s->phase == CHAT_TCP_LEAVE && s->shut) {
		chat_finish(s);
	}
	/* LEAVE with bytes still queued: the FIN follows them (on_write). */
}

static void chat_on_read(evutil_socket_t fd, short what, void *arg)
{
	struct chat_session *s = arg;
	size_t room;
	uint8_t *p = linebuf_space(&s->in, &room);
	ssize_t r = recv(fd, p, room, 0);

	if (r < 0) {
		if (errno != EAGAIN && errno != EINTR)
			chat_broken(s, errno);
		return;
	}
	if (r == 0)
		linebuf_set_eof(&s->in);
	else
		linebuf_added(&s->in, (size_t)r);
	chat_peer_lines(s);
	if (r > 0 && s->phase == CHAT_TCP_LEAVE && s->shut)
		chat_linger(s); /* still sending what it owed us */
	if (r == 0 && s->phase != CHAT_TCP_DONE)
		chat_peer_gone(s);
}

static void chat_on_write(evutil_socket_t fd, short what, void *arg)
{
	struct chat_session *s = arg;

	if (chat_outq_write(&s->out, fd) < 0 && errno != EAGAIN && errno != EINTR) {
		chat_broken(s, errno);
		return;
	}
	/* Forget what arrived: the copy stays as small as the kernel's. */
	chat_outq_settle(&s->out, fd, s->shut);
	if (chat_outq_queued(&s->out) > 0)
		return;
	event_del(s->ev_write);
	if (s->phase == CHAT_TCP_LEAVE)
		chat_shut(s);
}

void chat_on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct chat_session *s = arg;
	char why[CHAT_TCP_MSG_MAX];

	if (s->phase == CHAT_TCP_HELLO) {
		chat_end(s, 1);
		chat_note(s, chat_ev(s, "not_a_chat"), "no hello from %s within %d s (not a socklab chat?)",
			  s->peer_addr, CHAT_TCP_HELLO_TIMEOUT_MS / 1000);
		return;
	}
	if (s->phase != CHAT_TCP_TALK && s->phase != CHAT_TCP_LEAVE)
		return;
	if (s->shut && !s->peer_left) {
		/* No FIN from the peer: if it took everything, it is just slow
		 * to close, and we close. */
		snprintf(why, sizeof(why), "%s stopped taking them", chat_who(s));
	} else {
		snprintf(why, sizeof(why), "%s did not take them within %d s", chat_who(s),
			 CHAT_TCP_DRAIN_TIMEOUT_MS / 1000);
	}
	chat_give_up(s, why);
}

void chat_on_ack_poll(evutil_socket_t fd, short what, void *arg)
{
	chat_finish(arg);
}

void chat_on_signal(int sig, void *arg)
{
	struct chat_session *s = arg;

	if (sig == SIGWINCH) {
		chat_ui_resize(&s->ui);
	} else if (sig == SIGTSTP) {
		chat_ui_suspend(&s->ui);
	} else if (s->phase == CHAT_TCP_LEAVE) {
		/* A second signal while leaving: stop waiting. */
		chat_give_up(s, "stopped by a second signal");
	} else {
		chat_leave(s);
	}
}

int chat_begin(struct chat_session *s, int fd)
{
	struct timeval hello_tv = proc_tv_ms(CHAT_TCP_HELLO_TIMEOUT_MS);
	char hello[CHAT_TCP_HELLO_MAX];

	s->fd = fd;
	s->phase = CHAT_TCP_HELLO;
	s->start_us = clock_mono_us();
	socklen_t len = sizeof(s->peer_sa);
	s->have_peer_sa = getpeername(fd, &s->peer_sa.sa, &len) == 0;
	sock_set_nodelay(fd, true); /* a chat line is small and should go at once */
	chat_peer_str(fd, s->peer_addr, sizeof(s->peer_addr));
	s->ev_read = event_new(s->base, fd, EV_READ | EV_PERSIST, chat_on_read, s);
	s->ev_write = event_new(s->base, fd, EV_WRITE | EV_PERSIST, chat_on_write, s);
	if (!s->ev_read || !s->ev_write || event_add(s->ev_read, NULL) < 0 ||
	    event_add(s->ev_timer, &hello_tv) < 0)
		return -1;
	if (chat_outq_hello(&s->out, hello,
				chat_hello_format(s->cfg->name, hello, sizeof(hello))) < 0)
		return -1;
	chat_want_write(s);
	return 0;
}
