/* Line mode: a ">" prompt (on a terminal), a line read from stdin is sent
 * with its newline (TCP: in the stream; UDP: one datagram), its echo is
 * awaited (bounded by --timeout) and printed as ">Echo: line". "quit" or the
 * end of input closes the socket. */
#include "echo_client/modes.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/linebuf.h"
#include "core/log.h"
#include "echo_client/report.h"

enum line_result { LINE_OK, LINE_FAILED };

struct line_state {
	struct echo_session *s;
	struct linebuf in;
	uint8_t *out;                   /* the line and its newline */
	uint8_t *reply;                 /* its echo */
};

static void line_prompt(const struct line_state *ls)
{
	if (ls->s->tty && !ls->s->cfg->json) {
		fputs(">", stdout);
		fflush(stdout);
	}
}

/* The echo of a message sent at sent_us: ">Echo: line", or its object. */
static void line_print_echo(struct echo_session *s, const uint8_t *p, size_t n, uint64_t sent_us)
{
	echocli_report_echo(s, p, n, clock_mono_us() - sent_us);
	if (s->cfg->json)
		return;
	if (n > 0 && p[n - 1] == '\n')
		n--;
	fputs(">Echo: ", stdout);
	fwrite(p, 1, n, stdout);
	fputc('\n', stdout);
	fflush(stdout);
}

/* What one send (or recv) of the TCP exchange returned: adds what moved to
 * *done; -1 after printing an error, or the server's close for a recv. */
static int line_tcp_step(struct echo_session *s, ssize_t r, bool is_recv, size_t *done)
{
	if (r == 0 && is_recv) {
		echocli_session_report_closed(s);
		return -1;
	}
	if (r < 0 && errno != EAGAIN && errno != EINTR) {
		echocli_session_report_error(s, errno);
		return -1;
	}
	if (r > 0)
		*done += (size_t)r;
	return 0;
}

/* TCP: sends out[0..n) while reading back exactly n bytes into in. */
static enum line_result line_exchange_tcp(struct echo_session *s, const uint8_t *out, size_t n,
					  uint8_t *in)
{
	uint64_t t0 = clock_mono_us(), deadline = t0 + s->cfg->timeout_ms * 1000;
	size_t sent = 0, got = 0;

	echocli_report_send(s, out, n);

	while (got < n) {
		int ready = echocli_session_wait(s, POLLIN | (sent < n ? POLLOUT : 0), deadline);
		if (ready < 0)
			return LINE_FAILED;
		if (sent < n && (ready & POLLOUT) &&
		    line_tcp_step(s, send(s->fd, out + sent, n - sent, MSG_NOSIGNAL), false, &sent) < 0)
			return LINE_FAILED;
		if ((ready & (POLLIN | POLLHUP | POLLERR)) &&
		    line_tcp_step(s, recv(s->fd, in + got, n - got, 0), true, &got) < 0)
			return LINE_FAILED;
	}
	line_print_echo(s, in, n, t0);
	return LINE_OK;
}

/* UDP: drops datagrams that came in unasked (a late duplicate would pass
 * for the next echo), and errors that were about them. */
static void line_drain_udp(struct echo_session *s, uint8_t *in)
{
	for (int i = 0; i < 64; i++)
		if (recv(s->fd, in, ECHO_DGRAM_MAX, MSG_DONTWAIT) < 0 && errno == EAGAIN)
			return;
}

/* UDP: one datagram out, the first datagram back. */
static enum line_result line_exchange_udp(struct echo_session *s, const uint8_t *out, size_t n,
					  uint8_t *in)
{
	uint64_t t0 = clock_mono_us(), deadline = t0 + s->cfg->timeout_ms * 1000;
	bool sent = false, reported = false;

	line_drain_udp(s, in);
	for (;;) {
		if (echocli_session_wait(s, sent ? POLLIN : POLLOUT, deadline) < 0)
			return LINE_FAILED;
		if (!sent)
			t0 = clock_mono_us(); /* the round trip starts at the send */
		ssize_t r = sent ? recv(s->fd, in, ECHO_DGRAM_MAX, 0) : send(s->fd, out, n, 0);
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (r < 0 && errno == ECONNREFUSED && !s->msgs_echoed && echocli_session_next(s)) {
			sent = false; /* the name's next address */
			continue;
		}
		if (r < 0) {
			echocli_session_report_error(s, errno);
			return LINE_FAILED;
		}
		if (sent) {
			line_print_echo(s, in, (size_t)r, t0);
			return LINE_OK;
		}
		if (!reported) /* once, also when it goes to the name's next address */
			echocli_report_send(s, out, n);
		reported = true;
		sent = true;
	}
}

/* Waits for stdin. Over TCP the socket is watched too, so that a server
 * that goes away is noticed at the prompt. 1 readable, 0 on an error
 * (reported). */
static int line_wait_input(struct line_state *ls)
{
	struct echo_session *s = ls->s;

	for (;;) {
		struct pollfd pf[2] = { { .fd = STDIN_FILENO, .events = POLLIN },
					{ .fd = s->fd, .events = POLLIN } };
		int k = poll(pf, s->tcp ? 2 : 1, -1);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			log_error_errno(errno, "poll");
			return 0;
		}
		if (pf[0].revents)
			return 1;
		if (!(pf[1].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		ssize_t r = recv(s->fd, ls->reply, ECHO_DGRAM_MAX, 0);
		if (r == 0) {
			echocli_session_report_closed(s);
			return 0;
		}
		if (r < 0 && errno != EAGAIN && errno != EINTR) {
			echocli_session_report_error(s, errno);
			return 0;
		}
		if (r > 0) /* unasked bytes: shown as they are */
			echocli_report_unasked(s, ls->reply, (size_t)r);
	}
}

/* Reads more of stdin into the line buffer; 0 on an error (reported). */
static int line_read_more(struct line_state *ls)
{
	size_t room;
	uint8_t *p = linebuf_space(&ls->in, &room);

	if (!line_wait_input(ls))
		return 0;
	ssize_t r = read(STDIN_FILENO, p, room);
	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return 1;
	if (r < 0) {
		log_error_errno(errno, "cannot read stdin");
		return 0;
	}
	if (r == 0)
		linebuf_set_eof(&ls->in);
	else
		linebuf_added(&ls->in, (size_t)r);
	return 1;
}

static bool line_is_quit(const uint8_t *p, size_t n)
{
	if (n > 0 && p[n - 1] == '\r')
		n--;
	return n == 4 && memcmp(p, "quit", 4) == 0;
}

static int line_loop(struct line_state *ls)
{
	struct echo_session *s = ls->s;
	bool refused = false;
	const uint8_t *line;
	size_t n;

	line_prompt(ls);
	for (;;) {
		switch (linebuf_next(&ls->in, &line, &n)) {
		case LINEBUF_MORE:
			if (!line_read_more(ls))
				return 1;
			continue;
		case LINEBUF_END:
			if (s->tty && !s->cfg->json) /* end the prompt's line */
				fputs("\n", stdout);
			return refused ? 1 : 0;
		case LINEBUF_TOO_LONG:
			log_error("line longer than %d bytes: not sent", ECHO_LINE_MAX);
			refused = true;
			line_prompt(ls);
			continue;
		case LINEBUF_LINE:
			break;
		}
		if (line_is_quit(line, n))
			return refused ? 1 : 0;
		memcpy(ls->out, line, n);
		ls->out[n] = '\n';
		enum line_result r = s->tcp ? line_exchange_tcp(s, ls->out, n + 1, ls->reply)
					    : line_exchange_udp(s, ls->out, n + 1, ls->reply);
		if (r != LINE_OK)
			return 1;
		line_prompt(ls);
	}
}

int echocli_line_run(struct echo_session *s)
{
	struct line_state ls = { .s = s };
	int rc = 1;

	ls.out = malloc(ECHO_LINE_MAX + 1);
	ls.reply = malloc(ECHO_DGRAM_MAX);
	if (!ls.out || !ls.reply || linebuf_init(&ls.in, ECHO_LINE_MAX) < 0) {
		log_error("out of memory");
		goto out;
	}
	if (s->tty)
		fprintf(stderr, "echo-client: %s to %s; type a line and Return, 'quit' or Ctrl-D leaves\n",
			echocli_session_proto(s), s->where);
	rc = line_loop(&ls);
out:
	linebuf_free(&ls.in);
	free(ls.out);
	free(ls.reply);
	return rc;
}
