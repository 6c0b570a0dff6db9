/* TCP relay. Standard input and output are never made non-blocking (they may
 * be the user's terminal, shared with the shell): they are read only when
 * readable, and written when writable. Input that epoll cannot watch (a
 * regular file, /dev/null) is always ready. The fast paths need no copy:
 * sendfile(2) from a regular file, splice(2) from a pipe. */
#include "nc/relay.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <event2/buffer.h>
#include <event2/event.h>

#include "core/sock.h"

/* Bytes read from one side before the other must take them. */
#define RELAY_HIGH_WATER (1024 * 1024)
#define RELAY_CHUNK (256 * 1024)
/* One sendfile/splice asks for this much; the socket takes what fits. */
#define RELAY_ZERO_COPY_CHUNK (16 * 1024 * 1024)
/* A larger input pipe means fewer wake-ups for the writer and for us. */
#define RELAY_PIPE_SIZE (1024 * 1024)

enum relay_input {
	IN_COPY,      /* read(2) into a buffer */
	IN_SENDFILE,  /* a regular file */
	IN_SPLICE,    /* a pipe */
};

struct relay {
	const struct nc_config *cfg;
	struct event_base *base;
	int net;
	enum relay_input in_kind;
	bool in_pollable;
	bool in_eof, net_eof, shut;
	struct event *ev_in, *ev_net_rd, *ev_net_wr, *ev_idle, *ev_quit;
	struct evbuffer *to_net, *to_out;
	struct relay_result *res;
};

static void relay_end(struct relay *r, const char *why, int status)
{
	if (!r->res->why) {
		r->res->why = why;
		r->res->status = status;
	}
	event_base_loopbreak(r->base);
}

static void relay_touch(struct relay *r)
{
	if (r->cfg->wait_ms) {
		struct timeval tv = { (time_t)(r->cfg->wait_ms / 1000),
				      (suseconds_t)(r->cfg->wait_ms % 1000) * 1000 };
		event_add(r->ev_idle, &tv);
	}
}

static const char *relay_net_error(int err)
{
	return err == ECONNRESET || err == EPIPE ? "connection reset by peer" : strerror(err);
}

/* After stdin's EOF and once everything read from it has gone out. */
static void relay_input_done(struct relay *r)
{
	if (r->shut || evbuffer_get_length(r->to_net) > 0)
		return;
	r->shut = true;
	if (!r->cfg->no_shutdown)
		shutdown(r->net, SHUT_WR);
	if (r->cfg->quit_ms == 0) {
		relay_end(r, "standard input ended (-q 0)", 0);
	} else if (r->cfg->quit_ms > 0) {
		struct timeval tv = { (time_t)(r->cfg->quit_ms / 1000),
				      (suseconds_t)(r->cfg->quit_ms % 1000) * 1000 };
		event_add(r->ev_quit, &tv);
	}
}

/* Waits for what the input side needs next: a readable pipe or terminal,
 * or — for a file, which is always readable — a writable socket. */
static void relay_want_input(struct relay *r)
{
	if (r->in_eof)
		return;
	if (r->in_kind == IN_SENDFILE)
		event_add(r->ev_net_wr, NULL);
	else if (r->in_pollable)
		event_add(r->ev_in, NULL);
	else
		event_active(r->ev_in, EV_READ, 0);
}

static void relay_write_out(struct relay *r)
{
	while (evbuffer_get_length(r->to_out) > 0) {
		int n = evbuffer_write(r->to_out, STDOUT_FILENO);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			relay_end(r, errno == EPIPE ? "standard output closed" : strerror(errno), 0);
			return;
		}
	}
	if (r->net_eof)
		relay_end(r, "the peer closed the connection", 0);
}

static void relay_on_net_read(evutil_socket_t fd, short what, void *arg)
{
	struct relay *r = arg;
	int n = evbuffer_read(r->to_out, fd, RELAY_CHUNK);

	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		relay_end(r, relay_net_error(errno), 1);
		return;
	}
	relay_touch(r);
	if (n == 0) {
		r->net_eof = true;
		event_del(r->ev_net_rd);
	} else {
		r->res->received += (uint64_t)n;
	}
	/* Standard output blocks us if it is slow: that is the back-pressure. */
	relay_write_out(r);
}

/* Zero-copy input: returns bytes moved, 0 at EOF, -1 with errno. */
static ssize_t relay_move_input(struct relay *r)
{
	if (r->in_kind == IN_SENDFILE)
		return sendfile(r->net, STDIN_FILENO, NULL, RELAY_ZERO_COPY_CHUNK);
	return splice(STDIN_FILENO, NULL, r->net, NULL, RELAY_ZERO_COPY_CHUNK,
		      SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
}

static void relay_on_input_eof(struct relay *r)
{
	r->in_eof = true;
	event_del(r->ev_in);
	relay_input_done(r);
}

static void relay_zero_copy(struct relay *r)
{
	ssize_t n = relay_move_input(r);

	if (n > 0) {
		r->res->sent += (uint64_t)n;
		relay_touch(r);
		return;
	}
	if (n == 0) {
		event_del(r->ev_net_wr);
		relay_on_input_eof(r);
		return;
	}
	if (errno == EAGAIN || errno == EINTR) {
		/* The input was ready, so the socket is full: wait for it. */
		if (r->in_kind == IN_SPLICE)
			event_del(r->ev_in);
		event_add(r->ev_net_wr, NULL);
		return;
	}
	if (errno == EINVAL && r->in_kind == IN_SENDFILE) {
		r->in_kind = IN_COPY; /* a file sendfile cannot read: copy instead */
		relay_want_input(r);
		return;
	}
	relay_end(r, relay_net_error(errno), 1);
}

static void relay_copy_in(struct relay *r)
{
	if (evbuffer_get_length(r->to_net) >= RELAY_HIGH_WATER) {
		event_del(r->ev_in); /* the socket's write event brings it back */
		event_add(r->ev_net_wr, NULL);
		return;
	}
	int n = evbuffer_read(r->to_net, STDIN_FILENO, RELAY_CHUNK);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		relay_on_input_eof(r); /* an unreadable input counts as ended */
		return;
	}
	if (n == 0) {
		relay_on_input_eof(r);
		return;
	}
	relay_touch(r);
	event_add(r->ev_net_wr, NULL);
	if (!r->in_pollable && evbuffer_get_length(r->to_net) < RELAY_HIGH_WATER)
		event_active(r->ev_in, EV_READ, 0);
}

static void relay_on_input(evutil_socket_t fd, short what, void *arg)
{
	struct relay *r = arg;

	if (r->in_kind == IN_COPY)
		relay_copy_in(r);
	else
		relay_zero_copy(r);
}

static void relay_on_net_write(evutil_socket_t fd, short what, void *arg)
{
	struct relay *r = arg;

	if (r->in_kind == IN_SENDFILE) {
		relay_zero_copy(r);
		return;
	}
	if (r->in_kind == IN_SPLICE) {
		event_del(r->ev_net_wr); /* room again: back to waiting for the pipe */
		event_add(r->ev_in, NULL);
		return;
	}
	while (evbuffer_get_length(r->to_net) > 0) {
		int n = evbuffer_write(r->to_net, fd);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			relay_end(r, relay_net_error(errno), 1);
			return;
		}
		r->res->sent += (uint64_t)n;
		relay_touch(r);
	}
	event_del(r->ev_net_wr);
	if (r->in_eof)
		relay_input_done(r);
	else
		relay_want_input(r);
}

static void relay_on_idle(evutil_socket_t fd, short what, void *arg)
{
	static char why[64];
	struct relay *r = arg;

	snprintf(why, sizeof(why), "timed out: nothing moved for %.3g s (-w)",
		 (double)r->cfg->wait_ms / 1000);
	relay_end(r, why, 1);
}

static void relay_on_quit(evutil_socket_t fd, short what, void *arg)
{
	relay_end(arg, "quit after standard input ended (-q)", 0);
}

static enum relay_input relay_input_kind(const struct nc_config *cfg)
{
	struct stat st;

	if (fstat(STDIN_FILENO, &st) < 0)
		return IN_COPY;
	if (S_ISREG(st.st_mode))
		return IN_SENDFILE;
	if (S_ISFIFO(st.st_mode)) {
		fcntl(STDIN_FILENO, F_SETPIPE_SZ, RELAY_PIPE_SIZE); /* best effort */
		return IN_SPLICE;
	}
	return IN_COPY;
}

void relay_stream(const struct nc_config *cfg, int fd, struct relay_result *res)
{
	struct relay r = { .cfg = cfg, .net = fd, .res = res };
	struct event_config *ec = event_config_new();

	memset(res, 0, sizeof(*res));
	event_config_set_flag(ec, EVENT_BASE_FLAG_NOLOCK);
	r.base = event_base_new_with_config(ec);
	event_config_free(ec);
	r.in_kind = relay_input_kind(cfg);
	r.in_pollable = fd_pollable(STDIN_FILENO);
	r.to_net = evbuffer_new();
	r.to_out = evbuffer_new();
	if (r.in_kind == IN_SENDFILE || !r.in_pollable)
		r.ev_in = event_new(r.base, -1, 0, relay_on_input, &r); /* activated by hand */
	else
		r.ev_in = event_new(r.base, STDIN_FILENO, EV_READ | EV_PERSIST, relay_on_input, &r);
	r.ev_net_rd = event_new(r.base, fd, EV_READ | EV_PERSIST, relay_on_net_read, &r);
	r.ev_net_wr = event_new(r.base, fd, EV_WRITE | EV_PERSIST, relay_on_net_write, &r);
	r.ev_idle = evtimer_new(r.base, relay_on_idle, &r);
	r.ev_quit = evtimer_new(r.base, relay_on_quit, &r);
	if (!r.base || !r.to_net || !r.to_out || !r.ev_in || !r.ev_net_rd || !r.ev_net_wr ||
	    !r.ev_idle || !r.ev_quit) {
		res->why = "out of memory";
		res->status = 1;
		goto out;
	}
	event_add(r.ev_net_rd, NULL);
	relay_want_input(&r);
	relay_touch(&r);
	event_base_dispatch(r.base);
	if (!res->why) {
		res->why = "stopped";
		res->status = 1;
	}
out:
	if (r.to_out && evbuffer_get_length(r.to_out) > 0)
		evbuffer_write(r.to_out, STDOUT_FILENO);
	if (r.ev_in) event_free(r.ev_in);
	if (r.ev_net_rd) event_free(r.ev_net_rd);
	if (r.ev_net_wr) event_free(r.ev_net_wr);
	if (r.ev_idle) event_free(r.ev_idle);
	if (r.ev_quit) event_free(r.ev_quit);
	if (r.to_net) evbuffer_free(r.to_net);
	if (r.to_out) evbuffer_free(r.to_out);
	if (r.base) event_base_free(r.base);
}
