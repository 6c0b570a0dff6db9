/* Error messages and stdout event lines (text or JSON Lines), written
 * directly or, for servers, through a bounded queue that never blocks. */
#include "core/log.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <event2/event.h>

#include "core/clock.h"
#include "core/logq.h"

static char log_progname[LOG_PROG_MAX] = "socklab";
static enum log_out_mode log_mode_now = OUT_TEXT;

/* Queued output (log_out_queue_start). */
static struct {
	bool on;
	bool dead;              /* the reader went away: lines are discarded */
	bool is_socket;
	bool waiting;           /* ev is armed: the reader is behind */
	bool closing;
	int fd;                 /* our own description of stdout, or 1 (socket) */
	struct event *ev;
	struct logq q;
	uint64_t close_end_us;  /* closing: give up at this time ... */
	uint64_t progress_us;   /* ... or OUT_EXIT_IDLE_MS after this */
} out_q = { .fd = -1 };

void log_set_prog(const char *prog)
{
	snprintf(log_progname, sizeof(log_progname), "%s", prog);
}

const char *log_prog(void)
{
	return log_progname;
}

static void log_verror(int err, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
static void log_verror(int err, const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (err)
		fprintf(stderr, "%s: %s: %s\n", log_progname, msg, strerror(err));
	else
		fprintf(stderr, "%s: %s\n", log_progname, msg);
}

void log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_verror(0, fmt, ap);
	va_end(ap);
}

void log_error_errno(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_verror(err, fmt, ap);
	va_end(ap);
}

void log_out_set_mode(enum log_out_mode mode)
{
	log_mode_now = mode;
}

enum log_out_mode log_out_mode(void)
{
	return log_mode_now;
}

static void out_queue_note_drops(void)
{
	uint64_t n = logq_dropped(&out_q.q);
	char line[128];
	int len;

	if (n == 0)
		return;
	if (log_mode_now == OUT_JSON)
		len = snprintf(line, sizeof(line), "{\"event\":\"log_dropped\",\"lines\":%" PRIu64 "}", n);
	else
		len = snprintf(line, sizeof(line), "log: %" PRIu64 " line%s dropped (output not read)", n,
			       n == 1 ? "" : "s");
	logq_push_notice(&out_q.q, line, (size_t)len);
}

static void out_queue_flush(void)
{
	for (;;) {
		size_t n;
		out_queue_note_drops();
		const char *p = logq_peek(&out_q.q, &n);
		if (n == 0)
			break;
		ssize_t w = out_q.is_socket ? send(out_q.fd, p, n, MSG_DONTWAIT | MSG_NOSIGNAL)
					    : write(out_q.fd, p, n);
		if (w > 0) {
			logq_consume(&out_q.q, (size_t)w);
			out_q.progress_us = clock_mono_us();
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w == 0 || errno == EAGAIN || errno == EWOULDBLOCK) {
			if (!out_q.waiting && event_add(out_q.ev, NULL) == 0)
				out_q.waiting = true;
			return;
		}
		/* EPIPE and the like: no one will ever read these lines. */
		out_q.dead = true;
		logq_clear(&out_q.q);
		break;
	}
	if (out_q.waiting) {
		event_del(out_q.ev);
		out_q.waiting = false;
	}
}

static void out_queue_on_writable(evutil_socket_t fd, short what, void *arg)
{
	out_queue_flush();
}

/* Closing: waits until the reader takes something; false when the OUT_EXIT_*
 * bounds are reached. */
static bool out_queue_wait(void)
{
	uint64_t now = clock_mono_us();
	uint64_t end = out_q.progress_us + OUT_EXIT_IDLE_MS * 1000ULL;

	if (end > out_q.close_end_us)
		end = out_q.close_end_us;
	if (out_q.dead || now >= end)
		return false;
	struct pollfd pfd = { .fd = out_q.fd, .events = POLLOUT };
	int ms = (int)((end - now + 999) / 1000);
	if (poll(&pfd, 1, ms) < 0 && errno != EINTR)
		return false;
	out_queue_flush();
	return true;
}

static void out_queue_put(const char *text, size_t n)
{
	if (out_q.dead)
		return;
	out_queue_note_drops();
	/* Closing: the last lines and the summary wait for room rather than drop
	 * (a line longer than the whole queue never fits). */
	while (out_q.closing && n < out_q.q.cap &&
	       (logq_dropped(&out_q.q) > 0 || !logq_fits(&out_q.q, n)) && out_queue_wait())
		;
	logq_push(&out_q.q, text, n);
	if (!out_q.waiting)
		out_queue_flush();
}

static void out_emit(const char *text, size_t n)
{
	if (out_q.on) {
		out_queue_put(text, n);
		return;
	}
	fwrite(text, 1, n, stdout);
	fputc('\n', stdout);
	fflush(stdout);
}

void log_out_line(const char *fmt, ...)
{
	char buf[2048], *p = buf;
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf)) {
		p = malloc((size_t)n + 1);
		if (!p)
			return;
		va_start(ap, fmt);
		vsnprintf(p, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	out_emit(p, (size_t)n);
	if (p != buf)
		free(p);
}

void log_out_json(json_t *obj)
{
	if (!obj)
		return;
	/* 16 digits: an epoch time to the microsecond, and 0.198 stays 0.198
	 * (jansson's default of 17 prints 0.19800000000000001) */
	char *s = json_dumps(obj, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(16));
	json_decref(obj);
	if (!s)
		return;
	out_emit(s, strlen(s));
	free(s);
}

/* The fd queued output writes to, or -1 when stdout stays direct. */
static int out_queue_open(bool *is_socket)
{
	struct stat st;
	int type;
	socklen_t len = sizeof(type);

	*is_socket = false;
	if (fstat(STDOUT_FILENO, &st) < 0)
		return -1;
	if (S_ISSOCK(st.st_mode)) {
		if (getsockopt(STDOUT_FILENO, SOL_SOCKET, SO_TYPE, &type, &len) < 0 ||
		    type != SOCK_STREAM)
			return -1;
		*is_socket = true;
		return STDOUT_FILENO;
	}
	if (!S_ISFIFO(st.st_mode))
		return -1;
	/* O_NONBLOCK on fd 1 itself would change the description the shell and
	 * any other writer share; reopening the pipe gives one of our own. */
	return open("/proc/self/fd/1", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
}

int log_out_queue_start(struct event_base *base)
{
	bool is_socket;

	if (out_q.on)
		return 0;
	fflush(stdout);
	int fd = out_queue_open(&is_socket);
	if (fd < 0)
		return 0;
	if (logq_init(&out_q.q, OUT_QUEUE_MAX) < 0 ||
	    !(out_q.ev = event_new(base, fd, EV_WRITE | EV_PERSIST, out_queue_on_writable, NULL))) {
		logq_free(&out_q.q);
		if (!is_socket)
			close(fd);
		return -1;
	}
	out_q.fd = fd;
	out_q.is_socket = is_socket;
	out_q.on = true;
	return 0;
}

void log_out_queue_closing(void)
{
	if (!out_q.on || out_q.closing)
		return;
	out_q.closing = true;
	out_q.progress_us = clock_mono_us();
	out_q.close_end_us = out_q.progress_us + OUT_EXIT_MAX_MS * 1000ULL;
}

void log_out_queue_stop(void)
{
	if (!out_q.on)
		return;
	log_out_queue_closing();
	do
		out_queue_flush();
	while ((logq_len(&out_q.q) > 0 || logq_dropped(&out_q.q) > 0) && out_queue_wait());
	event_free(out_q.ev);
	if (!out_q.is_socket)
		close(out_q.fd);
	logq_free(&out_q.q);
	memset(&out_q, 0, sizeof(out_q));
	out_q.fd = -1;
}
