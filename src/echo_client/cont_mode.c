/* Continuous mode (-c): on a terminal, keys are read one at a time (core/term;
 * the settings come back on every way out), shown as typed when printable,
 * and sent at once — over TCP with TCP_NODELAY, over UDP one datagram per
 * key — while every echoed byte is written out as it arrives (seed 004's
 * "LLIIFFE": the key, then its echo). Ctrl-C leaves at once; Ctrl-D, like
 * the end of a non-terminal stdin, waits for the echoes still owed (bounded
 * by --timeout) and leaves. */
#include "echo_client/modes.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/log.h"
#include "echo_client/report.h"
#include "core/term.h"

/* stdin is read this much at a time. */
#define CONT_CHUNK 4096
/* Sent but not yet echoed: TCP bytes beyond which stdin waits, UDP
 * datagrams beyond which sending waits (a burst of them would overrun the
 * server's receive queue and be lost). */
#define CONT_TCP_WINDOW (256 * 1024)
#define CONT_UDP_WINDOW 64
/* Datagrams taken per wake-up. */
#define CONT_UDP_BATCH 64

#define KEY_CTRL_C 0x03
#define KEY_CTRL_D 0x04

enum cont_end {
	CONT_DONE,
	CONT_NO_ECHO,
	CONT_CLOSED,
	CONT_SOCK_ERROR,   /* errno in err */
	CONT_IO_ERROR,     /* stdin or stdout; reported */
};

struct cont_state {
	struct echo_session *s;
	uint8_t pend[CONT_CHUNK];       /* read from stdin, not sent yet */
	size_t pend_off, pend_len;
	uint8_t *in;                    /* echoes: ECHO_DGRAM_MAX bytes */
	uint64_t owed;                  /* TCP bytes / UDP datagrams not echoed yet */
	uint64_t progress_us;           /* the last echo, or the send that began a wait */
	bool in_eof;                    /* stdin ended, or Ctrl-D */
	bool shut;                      /* TCP: our FIN is sent */
	bool quit;                      /* Ctrl-C */
	int err;
	uint8_t last_out;               /* the last byte written to stdout */
};

static int cont_out(struct cont_state *cs, const uint8_t *p, size_t n)
{
	if (n == 0 || cs->s->cfg->json) /* --json: the echo objects instead */
		return 0;
	cs->last_out = p[n - 1];
	return echocli_session_write_all(STDOUT_FILENO, p, n);
}

static void cont_owe(struct cont_state *cs, uint64_t n)
{
	if (cs->owed == 0)
		cs->progress_us = clock_mono_us();
	cs->owed += n;
}

static void cont_paid(struct cont_state *cs, uint64_t n)
{
	cs->owed -= n < cs->owed ? n : cs->owed;
	cs->progress_us = clock_mono_us();
}

/* After the end of input and the last bytes sent: over TCP, FIN (the echo
 * server sends the rest, then closes). */
static void cont_half_close(struct cont_state *cs)
{
	if (cs->in_eof && cs->pend_len == 0 && !cs->shut && cs->s->tcp) {
		shutdown(cs->s->fd, SHUT_WR);
		cs->shut = true;
	}
}

/* Sends what stdin gave; false on a socket error (cs->err). */
static bool cont_flush(struct cont_state *cs)
{
	struct echo_session *s = cs->s;

	while (cs->pend_off < cs->pend_len) {
		if (!s->tcp && cs->owed >= CONT_UDP_WINDOW)
			return true; /* echoes coming back make room */
		const uint8_t *p = cs->pend + cs->pend_off;
		size_t n = s->tcp ? cs->pend_len - cs->pend_off : 1; /* UDP: one datagram per key */
		ssize_t w = send(s->fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && (errno == EAGAIN || errno == EINTR))
			return true; /* POLLOUT brings us back */
		if (w < 0) {
			cs->err = errno;
			return false;
		}
		echocli_report_send(s, p, (size_t)w);
		cs->pend_off += (size_t)w;
		cont_owe(cs, s->tcp ? (uint64_t)w : 1);
	}
	cs->pend_off = cs->pend_len = 0;
	return true;
}

/* Something from stdin waits and the window lets it go. */
static bool cont_can_send(const struct cont_state *cs)
{
	return cs->pend_len > 0 && (cs->s->tcp || cs->owed < CONT_UDP_WINDOW);
}

/* Takes keys from a terminal: Ctrl-C and Ctrl-D end, printable keys are
 * shown as typed. */
static void cont_take_keys(struct cont_state *cs, const uint8_t *p, size_t n)
{
	size_t k = 0;

	for (; k < n; k++) {
		if (p[k] == KEY_CTRL_C) {
			cs->quit = true;
			return;
		}
		if (p[k] == KEY_CTRL_D) {
			cs->in_eof = true;
			break;
		}
		cs->pend[cs->pend_len++] = p[k];
		if (p[k] >= 0x20 && p[k] != 0x7f)
			cont_out(cs, &p[k], 1);
	}
}

static bool cont_on_stdin(struct cont_state *cs)
{
	uint8_t buf[CONT_CHUNK];
	ssize_t r = read(STDIN_FILENO, buf, sizeof(buf));

	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (r < 0) {
		log_error_errno(errno, "cannot read stdin");
		return false;
	}
	if (r == 0) {
		cs->in_eof = true;
		return true;
	}
	if (cs->s->tty) {
		cont_take_keys(cs, buf, (size_t)r);
	} else {
		memcpy(cs->pend, buf, (size_t)r);
		cs->pend_len = (size_t)r;
	}
	return true;
}

static enum cont_end cont_on_socket(struct cont_state *cs)
{
	struct echo_session *s = cs->s;

	for (int i = 0; i < (s->tcp ? 1 : CONT_UDP_BATCH); i++) {
		ssize_t r = recv(s->fd, cs->in, ECHO_DGRAM_MAX, 0);
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			return CONT_DONE;
		if (r < 0) {
			cs->err = errno;
			return CONT_SOCK_ERROR;
		}
		if (r == 0 && s->tcp)
			return cs->in_eof && cs->owed == 0 ? CONT_DONE : CONT_CLOSED;
		echocli_report_echo(s, cs->in, (size_t)r, 0);
		if (cont_out(cs, cs->in, (size_t)r) < 0) {
			log_error_errno(errno, "cannot write stdout");
			return CONT_IO_ERROR;
		}
		cont_paid(cs, s->tcp ? (uint64_t)r : 1);
	}
	return CONT_DONE;
}

static enum cont_end cont_loop(struct cont_state *cs)
{
	struct echo_session *s = cs->s;
	uint64_t window = s->tcp ? CONT_TCP_WINDOW : CONT_UDP_WINDOW;

	for (;;) {
		if (cs->quit || (cs->in_eof && cs->pend_len == 0 && cs->owed == 0))
			return CONT_DONE;
		cont_half_close(cs);
		bool want_keys = !cs->in_eof && cs->pend_len == 0 && cs->owed < window;
		struct pollfd pf[2] = {
			{ .fd = s->fd, .events = (short)(POLLIN | (cont_can_send(cs) ? POLLOUT : 0)) },
			{ .fd = want_keys ? STDIN_FILENO : -1, .events = POLLIN },
		};
		int wait = cs->owed ? echocli_session_ms_left(cs->progress_us + s->cfg->timeout_ms * 1000) : -1;
		int k = poll(pf, 2, wait);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			cs->err = errno;
			return CONT_SOCK_ERROR;
		}
		if (k == 0)
			return CONT_NO_ECHO;
		if (pf[0].revents & (POLLIN | POLLERR | POLLHUP)) {
			enum cont_end e = cont_on_socket(cs);
			if (e != CONT_DONE)
				return e;
		}
		if (pf[1].revents && !cont_on_stdin(cs))
			return CONT_IO_ERROR;
		if (cont_can_send(cs) && !cs->quit && !cont_flush(cs))
			return CONT_SOCK_ERROR;
	}
}

static void cont_report(const struct cont_state *cs, enum cont_end e)
{
	switch (e) {
	case CONT_DONE:
	case CONT_IO_ERROR:
		break;
	case CONT_NO_ECHO:
		echocli_session_report_no_echo(cs->s);
		break;
	case CONT_CLOSED:
		echocli_session_report_closed(cs->s);
		break;
	case CONT_SOCK_ERROR:
		echocli_session_report_error(cs->s, cs->err);
		break;
	}
}

int echocli_cont_run(struct echo_session *s)
{
	struct cont_state *cs = calloc(1, sizeof(*cs));
	enum cont_end e;

	if (!cs || !(cs->in = malloc(ECHO_DGRAM_MAX))) {
		log_error("out of memory");
		free(cs);
		return 1;
	}
	cs->s = s;
	cs->last_out = '\n';
	if (s->tty && term_keys_enter(STDIN_FILENO) < 0) {
		log_error_errno(errno, "cannot read the terminal key by key");
		e = CONT_IO_ERROR;
		goto out;
	}
	if (s->tty)
		fprintf(stderr, "echo-client: continuous mode, %s to %s; every key is sent at once, "
			"Ctrl-D or Ctrl-C leaves\n", echocli_session_proto(s), s->where);
	e = cont_loop(cs);
	if (s->tty) {
		term_restore();
		if (cs->last_out != '\n')
			cont_out(cs, (const uint8_t *)"\n", 1);
	}
	cont_report(cs, e);
out:
	free(cs->in);
	free(cs);
	return e == CONT_DONE ? 0 : 1;
}
