/* TCP relay. Standard input and output are never made non-blocking (they may
 * be the user's terminal, shared with the shell): they are read only when
 * readable, and written when writable. Input that epoll cannot watch (a
 * regular file, /dev/null) is always ready. A regular file is sent from its
 * mapping (infile.c) whenever the socket has room. When a direction is done
 * and when the session ends is halfclose.c's business; this file only moves
 * the bytes. */
#include "nc/relay.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <linux/sockios.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <event2/buffer.h>
#include <event2/event.h>

#include "core/log.h"
#include "core/sock.h"
#include "core/proc.h"
#include "nc/crlf.h"
#include "nc/infile.h"
#include "nc/report.h"

/* One read from the socket toward standard output. */
#define RELAY_CHUNK (256 * 1024)
/* One read of standard input on the copy path (a pipe, a terminal): as much
 * as the enlarged pipe holds, so that one send(2) moves it all. */
#define RELAY_IN_BUF (1024 * 1024)
/* Reads of a pipe in one wake-up, at most. */
#define RELAY_IN_BURST 64
/* The input pipe is enlarged to this. */
#define RELAY_PIPE_SIZE (1024 * 1024)

const int nc_relay_signals[3] = { SIGINT, SIGTERM, SIGHUP };
#define NC_RELAY_NSIGNALS (sizeof(nc_relay_signals) / sizeof(nc_relay_signals[0]))

void nc_relay_block_signals(bool block)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < NC_RELAY_NSIGNALS; i++)
		sigaddset(&set, nc_relay_signals[i]);
	sigprocmask(block ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL);
}

struct relay {
	const struct nc_config *cfg;
	struct proc *proc;
	struct event_base *base;
	int net;
	bool in_file;         /* a regular file: sent from its mapping when the socket has room */
	struct nc_infile file;
	bool in_pollable;     /* else read(2) when epoll says so, or at once */
	bool in_nowait;       /* a pipe: read with RWF_NOWAIT */
	bool last_cr;         /* -C: the input read so far ended in "\r" */
	bool fin_sent;        /* shutdown(SHUT_WR) done: a FIN is in the socket */
	bool stopped;         /* ended before both directions were done */
	struct nc_hc_state hc;
	struct event *ev_in, *ev_net_rd, *ev_net_wr, *ev_idle, *ev_quit;
	uint8_t *in_buf;      /* copy path: read from input, not yet in the socket */
	size_t in_off, in_len;
	struct evbuffer *to_out;
	struct nc_relay_result *res;
};

static void nc_relay_end(struct relay *r, const char *how, const char *why, int status,
			 bool stopped)
{
	if (!r->res->why) {
		r->res->how = how;
		r->res->why = why;
		r->res->status = status;
		r->stopped = stopped;
	}
	event_base_loopbreak(r->base);
}

/* Both directions done, or -q said so. */
static void nc_relay_finish(struct relay *r, const char *how, const char *why)
{
	nc_relay_end(r, how, why, 0, false);
}

/* A reset, a timeout, a closed output: input may be left unsent. */
static void nc_relay_stop(struct relay *r, const char *how, const char *why, int status)
{
	nc_relay_end(r, how, why, status, true);
}

/* A socket error as --json's "close" word. */
static const char *nc_relay_net_how(int err)
{
	if (err == ECONNRESET || err == EPIPE)
		return "reset";
	return err == ETIMEDOUT ? "timeout" : "error";
}

static void nc_relay_touch(struct relay *r)
{
	if (r->cfg->wait_ms) {
		struct timeval tv = { (time_t)(r->cfg->wait_ms / 1000),
				      (suseconds_t)(r->cfg->wait_ms % 1000) * 1000 };
		event_add(r->ev_idle, &tv);
	}
}

static const char *nc_relay_net_error(int err)
{
	return err == ECONNRESET || err == EPIPE ? "connection reset by peer" : strerror(err);
}

/* All of standard input is in the socket. */
static void nc_relay_input_done(struct relay *r)
{
	if (!r->cfg->no_shutdown)
		r->fin_sent = shutdown(r->net, SHUT_WR) == 0;
	if (r->cfg->quit_ms == 0) {
		nc_relay_finish(r, "quit", "standard input ended (-q 0)");
	} else if (r->cfg->quit_ms > 0) {
		struct timeval tv = { (time_t)(r->cfg->quit_ms / 1000),
				      (suseconds_t)(r->cfg->quit_ms % 1000) * 1000 };
		event_add(r->ev_quit, &tv);
	}
}

/* Watches what the input side needs next: a readable pipe or terminal, or a
 * writable socket (a file is always readable; a full socket must drain). */
static void nc_relay_arm_input(struct relay *r)
{
	bool want = nc_hc_want_input(&r->hc);
	bool wait_net = r->in_len > 0 || (want && r->in_file);
	bool wait_in = want && !wait_net;

	if (wait_net)
		event_add(r->ev_net_wr, NULL);
	else
		event_del(r->ev_net_wr);
	if (!wait_in)
		event_del(r->ev_in);
	else if (r->in_pollable)
		event_add(r->ev_in, NULL);
	else
		event_active(r->ev_in, EV_READ, 0);
}

/* After every callback: a direction may be done, or the whole session. */
static void nc_relay_advance(struct relay *r)
{
	for (;;) {
		if (r->res->why)
			return;
		switch (nc_hc_next(&r->hc, r->in_len, evbuffer_get_length(r->to_out))) {
		case HC_RUN:
			nc_relay_arm_input(r);
			return;
		case HC_INPUT_DONE:
			nc_relay_input_done(r);
			continue;
		case HC_END:
			nc_relay_finish(r, "eof", "the peer closed the connection");
			return;
		}
	}
}

static void nc_relay_write_out(struct relay *r)
{
	while (evbuffer_get_length(r->to_out) > 0) {
		int n = evbuffer_write(r->to_out, STDOUT_FILENO);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			nc_relay_stop(r, errno == EPIPE ? "output_closed" : "error",
				      errno == EPIPE ? "standard output closed" : strerror(errno), 0);
			return;
		}
	}
}

static void nc_relay_on_net_read(evutil_socket_t fd, short what, void *arg)
{
	struct relay *r = arg;
	int n = evbuffer_read(r->to_out, fd, RELAY_CHUNK);

	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		nc_relay_stop(r, nc_relay_net_how(errno), nc_relay_net_error(errno), 1);
		return;
	}
	nc_relay_touch(r);
	if (n == 0) {
		/* The peer sends no more; it may still read what we send. */
		r->hc.net_eof = true;
		event_del(r->ev_net_rd);
		if (r->cfg->json && nc_hc_want_input(&r->hc))
			nc_json_peer_eof();
		else if (r->cfg->verbose && nc_hc_want_input(&r->hc))
			log_error("the peer finished sending; sending standard input until it ends");
	} else {
		r->res->received += (uint64_t)n;
	}
	/* Standard output blocks us if it is slow: that is the back-pressure. */
	nc_relay_write_out(r);
	nc_relay_advance(r);
}

/* Copy path: sends what was read; stops at a full socket (EAGAIN). */
static void nc_relay_send_buffered(struct relay *r)
{
	while (r->in_len > 0) {
		ssize_t n = send(r->net, r->in_buf + r->in_off, r->in_len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				nc_relay_stop(r, nc_relay_net_how(errno), nc_relay_net_error(errno), 1);
			return;
		}
		r->in_off += (size_t)n;
		r->in_len -= (size_t)n;
		r->res->sent += (uint64_t)n;
		nc_relay_touch(r);
	}
}

/* One read of standard input. A pipe is read with RWF_NOWAIT, so that it
 * can be drained without a wake-up per read and without making it
 * non-blocking (its O_NONBLOCK would be the shell's too); -1 with EAGAIN
 * when it is empty for now. */
static ssize_t nc_relay_read_input(struct relay *r)
{
	/* -C: half the buffer, so that every "\n" can become "\r\n" */
	size_t cap = r->cfg->crlf ? RELAY_IN_BUF / 2 : RELAY_IN_BUF;

	if (r->in_nowait) {
		struct iovec v = { r->in_buf, cap };
		ssize_t n = preadv2(STDIN_FILENO, &v, 1, -1, RWF_NOWAIT);
		if (n >= 0 || errno != EOPNOTSUPP)
			return n;
		r->in_nowait = false; /* an older kernel: one read per wake-up */
	}
	return read(STDIN_FILENO, r->in_buf, cap);
}

static void nc_relay_copy_in(struct relay *r)
{
	/* A burst at most, so that the socket's other direction gets its turn. */
	for (int i = 0; i < RELAY_IN_BURST && r->in_len == 0 && !r->res->why; i++) {
		ssize_t n = nc_relay_read_input(r);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			r->hc.in_eof = true; /* an unreadable input counts as ended */
			return;
		}
		r->in_off = 0;
		r->in_len = r->cfg->crlf ? nc_crlf_expand(r->in_buf, (size_t)n, &r->last_cr)
					 : (size_t)n;
		nc_relay_touch(r);
		nc_relay_send_buffered(r); /* at once: the socket has room more often than not */
		if (!r->in_nowait)
			return; /* a plain read may block: wait for the next wake-up */
	}
}

static void nc_relay_send_file(struct relay *r)
{
	for (int i = 0; i < RELAY_IN_BURST; i++) {
		ssize_t n = nc_infile_send(&r->file, r->net);
		if (n > 0) {
			r->res->sent += (uint64_t)n;
			nc_relay_touch(r);
			continue; /* the socket may take more at once */
		}
		if (n == 0) {
			r->hc.in_eof = true;
		} else if (r->file.map_failed) {
			/* a file that cannot be mapped: read it from where we are */
			r->in_file = false;
			nc_infile_close(&r->file);
		} else if (errno == EFAULT) {
			nc_relay_stop(r, "error", "standard input shrank while it was being sent", 1);
		} else if (errno != EAGAIN && errno != EINTR) {
			nc_relay_stop(r, nc_relay_net_how(errno), nc_relay_net_error(errno), 1);
		}
		return;
	}
}

static void nc_relay_on_input(evutil_socket_t fd, short what, void *arg)
{
	struct relay *r = arg;

	nc_relay_copy_in(r);
	nc_relay_advance(r);
}

static void nc_relay_on_net_write(evutil_socket_t fd, short what, void *arg)
{
	struct relay *r = arg;

	if (r->in_len > 0)
		nc_relay_send_buffered(r);
	else if (r->in_file)
		nc_relay_send_file(r);
	nc_relay_advance(r);
}

static void nc_relay_on_idle(evutil_socket_t fd, short what, void *arg)
{
	static char why[64];
	struct relay *r = arg;

	snprintf(why, sizeof(why), "timed out: nothing moved for %.3g s (-w)",
		 (double)r->cfg->wait_ms / 1000);
	nc_relay_stop(r, "idle", why, 1);
}

static void nc_relay_on_quit(evutil_socket_t fd, short what, void *arg)
{
	nc_relay_finish(arg, "quit", "quit after standard input ended (-q)");
}

/* --json: SIGINT, SIGTERM, SIGHUP end the session, which still gets its
 * object; the exit status is then 128+N, as if the signal had killed nc. */
static void nc_relay_on_signal(int sig, void *arg)
{
	static char why[48];

	snprintf(why, sizeof(why), "stopped by signal %d (%s)", sig, strsignal(sig));
	nc_relay_stop(arg, "signal", why, 128 + sig);
}

/* What of standard input is left: the rest of a file, the bytes a pipe or
 * terminal holds (and then more may come). */
static void nc_relay_count_unread(struct nc_hc_unsent *u)
{
	struct stat st;
	int avail = 0;

	if (fstat(STDIN_FILENO, &st) == 0 && S_ISREG(st.st_mode)) {
		off_t pos = lseek(STDIN_FILENO, 0, SEEK_CUR);
		if (pos >= 0 && st.st_size > pos)
			u->unread = (uint64_t)(st.st_size - pos);
		return;
	}
	if (ioctl(STDIN_FILENO, FIONREAD, &avail) == 0 && avail > 0)
		u->unread = (uint64_t)avail;
	u->more = true;
}

/* A stopped session: what did not reach the peer. Bytes in the socket that
 * the peer has not acknowledged count too (SIOCOUTQ: written, not acked;
 * after a reset the kernel drops them). */
static void nc_relay_count_unsent(struct relay *r)
{
	struct nc_hc_unsent *u = &r->res->unsent;
	int outq = 0;

	u->queued = r->in_len;
	if (ioctl(r->net, SIOCOUTQ, &outq) == 0 && outq > 0) {
		u->unacked = (uint64_t)outq - (r->fin_sent ? 1 : 0); /* a FIN takes a sequence number */
		if (u->unacked > r->res->sent)
			u->unacked = r->res->sent;
		r->res->sent -= u->unacked;
	}
	if (!r->hc.in_eof)
		nc_relay_count_unread(u);
	if (nc_hc_unsent_any(u) && r->res->status == 0)
		r->res->status = 1;
}

/* How standard input is read: a regular file from its mapping, the rest
 * copied. A pipe is copied, not spliced: splice(2) into a TCP socket lends
 * the pipe's pages to the socket, so the writer must take fresh pages for
 * every write, and on loopback that measured slower than a copy
 * (bench/nc_bulk.sh). */
static void nc_relay_input_kind(struct relay *r)
{
	struct stat st;

	if (fstat(STDIN_FILENO, &st) < 0) {
		r->hc.in_eof = true; /* no standard input at all */
		return;
	}
	/* -C changes the bytes: a file is read, not sent from its mapping */
	r->in_file = !r->cfg->crlf && nc_infile_open(&r->file, STDIN_FILENO) == 0;
	if (S_ISFIFO(st.st_mode)) {
		/* a larger pipe: fewer wake-ups for the writer and for us */
		fcntl(STDIN_FILENO, F_SETPIPE_SZ, RELAY_PIPE_SIZE); /* best effort */
		r->in_nowait = true;
	}
	r->in_pollable = !r->hc.in_eof && !S_ISREG(st.st_mode) && sock_fd_pollable(STDIN_FILENO);
}

void nc_relay_stream(const struct nc_config *cfg, int fd, struct nc_relay_result *res)
{
	struct relay r = { .cfg = cfg, .net = fd, .res = res };

	memset(res, 0, sizeof(*res));
	r.hc.keep = cfg->keep;
	r.proc = proc_new();
	r.base = r.proc ? proc_base(r.proc) : NULL;
	nc_relay_input_kind(&r);
	r.in_buf = malloc(RELAY_IN_BUF);
	r.to_out = evbuffer_new();
	if (r.in_pollable)
		r.ev_in = event_new(r.base, STDIN_FILENO, EV_READ | EV_PERSIST, nc_relay_on_input, &r);
	else
		r.ev_in = event_new(r.base, -1, 0, nc_relay_on_input, &r); /* activated by hand */
	r.ev_net_rd = event_new(r.base, fd, EV_READ | EV_PERSIST, nc_relay_on_net_read, &r);
	r.ev_net_wr = event_new(r.base, fd, EV_WRITE | EV_PERSIST, nc_relay_on_net_write, &r);
	r.ev_idle = evtimer_new(r.base, nc_relay_on_idle, &r);
	r.ev_quit = evtimer_new(r.base, nc_relay_on_quit, &r);
	if (!r.base || !r.in_buf || !r.to_out || !r.ev_in || !r.ev_net_rd || !r.ev_net_wr ||
	    !r.ev_idle || !r.ev_quit) {
		res->why = "out of memory";
		res->how = "error";
		res->status = 1;
		goto out;
	}
	if (cfg->json && proc_on_signals(r.proc, nc_relay_signals, NC_RELAY_NSIGNALS,
					 nc_relay_on_signal, &r) < 0) {
		res->why = "cannot catch signals";
		res->how = "error";
		res->status = 1;
		goto out;
	}
	event_add(r.ev_net_rd, NULL);
	nc_relay_touch(&r);
	nc_relay_advance(&r);
	if (cfg->json)
		nc_relay_block_signals(false); /* caught by the loop from now on */
	if (!res->why)
		proc_loop(r.proc);
	if (cfg->json)
		nc_relay_block_signals(true); /* pending until the object is out */
	if (!res->why)
		nc_relay_stop(&r, "stopped", "stopped", 1);
	res->local_eof = r.hc.in_done;
	res->peer_eof = r.hc.net_eof;
	nc_infile_close(&r.file); /* the file's offset: where sending stopped */
	if (r.stopped)
		nc_relay_count_unsent(&r);
out:
	if (r.to_out && evbuffer_get_length(r.to_out) > 0)
		evbuffer_write(r.to_out, STDOUT_FILENO);
	if (r.ev_in) event_free(r.ev_in);
	if (r.ev_net_rd) event_free(r.ev_net_rd);
	if (r.ev_net_wr) event_free(r.ev_net_wr);
	if (r.ev_idle) event_free(r.ev_idle);
	if (r.ev_quit) event_free(r.ev_quit);
	if (r.to_out) evbuffer_free(r.to_out);
	if (r.proc) proc_free(r.proc);
	free(r.in_buf);
}
