/* TCP side of the lab server. One struct event per connection whose interest
 * set (read, write) follows the state: a connection asks for EV_WRITE only
 * while output is owed, and echo stops reading from a peer that does not read
 * its answers once --high-water bytes are owed. Bytes are read into one
 * shared buffer and written at once; only what the socket did not take is
 * copied into the connection's own evbuffer, created on demand, so an idle
 * connection costs a few hundred bytes. */
#include "serve/tcp.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <event2/buffer.h>
#include <event2/event_struct.h>

#include "core/clock.h"
#include "core/sock.h"
#include "serve/chargen.h"
#include "serve/report.h"

enum conn_state {
	CONN_RUN,    /* serving */
	CONN_DRAIN,  /* answered and sent FIN; reading until the client's FIN */
};

struct conn {
	struct event ev;
	struct server *srv;
	struct conn *prev, *next;
	struct evbuffer *owed;      /* bytes not yet taken by the socket */
	uint64_t bytes_in, bytes_out;
	uint64_t start_us;
	union addr_any peer;
	uint32_t chargen_pos;
	uint8_t svc;
	uint8_t state;
	uint8_t rd_eof;             /* the client sent FIN */
	short interest;             /* EV_READ/EV_WRITE the event is set for */
};

struct host_count {
	uint64_t conns;
};

static size_t conn_owed(const struct conn *c)
{
	return c->owed ? evbuffer_get_length(c->owed) : 0;
}

static void conn_end(struct conn *c, const char *reason)
{
	struct server *srv = c->srv;

	event_del(&c->ev);
	close(c->ev.ev_fd);
	if (!srv->cfg->quiet)
		report_end(c->svc, &c->peer.sa, c->bytes_in, c->bytes_out,
			   (double)(clock_mono_us() - c->start_us) / 1e6, reason);
	if (srv->hosts) {
		struct addr_key key;
		addr_key_from(&key, &c->peer.sa);
		struct host_count *h = iptab_find(srv->hosts, &key);
		if (h && --h->conns == 0)
			iptab_remove(srv->hosts, &key);
	}
	if (c->prev)
		c->prev->next = c->next;
	else
		srv->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	srv->nconns--;
	if (c->owed)
		evbuffer_free(c->owed);
	free(c);
}

static short conn_wanted(const struct conn *c)
{
	size_t owed = conn_owed(c);
	short ev = owed ? EV_WRITE : 0;

	if (c->state == CONN_DRAIN)
		return EV_READ;
	switch (c->svc) {
	case SVC_ECHO:
	case SVC_UPPER:
		if (!c->rd_eof && owed < c->srv->cfg->high_water)
			ev |= EV_READ;
		return ev;
	case SVC_DISCARD:
		return EV_READ;
	case SVC_CHARGEN:
		return (short)(EV_WRITE | (c->rd_eof ? 0 : EV_READ));
	default:
		return ev;
	}
}

static void conn_cb(evutil_socket_t fd, short what, void *arg);

/* Re-arms the event when the interest set changed. */
static void conn_arm(struct conn *c)
{
	short want = conn_wanted(c);
	const struct timeval *tv = c->state == CONN_DRAIN ? c->srv->drain_tv : c->srv->idle_tv;

	if (want == c->interest)
		return;
	event_del(&c->ev);
	event_assign(&c->ev, c->srv->base, c->ev.ev_fd, (short)(want | EV_PERSIST), conn_cb, c);
	event_add(&c->ev, tv);
	c->interest = want;
}

/* Sends what is owed. Returns -1 when the connection broke. */
static int conn_flush(struct conn *c)
{
	while (conn_owed(c) > 0) {
		int n = evbuffer_write(c->owed, c->ev.ev_fd);
		if (n < 0)
			return (errno == EAGAIN || errno == EINTR) ? 0 : -1;
		c->bytes_out += (uint64_t)n;
	}
	return 0;
}

/* Queues data behind what is already owed, or writes it straight away. */
static int conn_send(struct conn *c, const uint8_t *p, size_t n)
{
	if (conn_owed(c) == 0) {
		ssize_t w = write(c->ev.ev_fd, p, n);
		if (w < 0) {
			if (errno != EAGAIN && errno != EINTR)
				return -1;
			w = 0;
		}
		c->bytes_out += (uint64_t)w;
		p += w;
		n -= (size_t)w;
		if (n == 0)
			return 0;
	}
	if (!c->owed && !(c->owed = evbuffer_new()))
		return -1;
	if (evbuffer_add(c->owed, p, n) < 0)
		return -1;
	return conn_flush(c);
}

/* After the answer of a one-shot service: FIN, then wait for the client's. */
static void conn_start_drain(struct conn *c)
{
	shutdown(c->ev.ev_fd, SHUT_WR);
	c->state = CONN_DRAIN;
	c->interest = 0; /* the timeout changes too: re-arm */
}

static const char *conn_read_error(void)
{
	return errno == ECONNRESET ? "reset" : "error";
}

/* Returns false when the connection has ended. */
static bool conn_on_read(struct conn *c)
{
	struct server *srv = c->srv;
	size_t room = SERVE_IOBUF;

	if (c->svc == SVC_ECHO || c->svc == SVC_UPPER) {
		size_t owed = conn_owed(c);
		if (owed >= srv->cfg->high_water)
			return true;
		if (owed > 0 && srv->cfg->high_water - owed < room)
			room = srv->cfg->high_water - owed;
	}
	ssize_t n = read(c->ev.ev_fd, srv->iobuf, room);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return true;
		conn_end(c, c->state == CONN_DRAIN ? "served" : conn_read_error());
		return false;
	}
	if (n == 0) {
		c->rd_eof = 1;
		if (c->state == CONN_DRAIN) {
			conn_end(c, "served");
			return false;
		}
		if (conn_owed(c) == 0 && c->svc != SVC_CHARGEN) {
			conn_end(c, "client-closed");
			return false;
		}
		return true;
	}
	c->bytes_in += (uint64_t)n;
	if (c->state == CONN_RUN && (c->svc == SVC_ECHO || c->svc == SVC_UPPER)) {
		if (c->svc == SVC_UPPER)
			upper_ascii(srv->iobuf, (size_t)n);
		if (conn_send(c, srv->iobuf, (size_t)n) < 0) {
			conn_end(c, conn_read_error());
			return false;
		}
	}
	return true;
}

static bool conn_on_write(struct conn *c)
{
	if (c->svc == SVC_CHARGEN && c->state == CONN_RUN) {
		ssize_t w = write(c->ev.ev_fd, chargen_window(c->chargen_pos), CHARGEN_WINDOW);
		if (w < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return true;
			conn_end(c, errno == EPIPE || errno == ECONNRESET ? "client-closed" : "error");
			return false;
		}
		c->bytes_out += (uint64_t)w;
		c->chargen_pos = chargen_advance(c->chargen_pos, (size_t)w);
		return true;
	}
	if (conn_flush(c) < 0) {
		conn_end(c, conn_read_error());
		return false;
	}
	if (conn_owed(c) > 0)
		return true;
	if (c->rd_eof) {
		conn_end(c, "client-closed");
		return false;
	}
	if (c->svc == SVC_DAYTIME || c->svc == SVC_QOTD || c->svc == SVC_TIME)
		conn_start_drain(c);
	return true;
}

static void conn_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;

	if (what & EV_TIMEOUT) {
		conn_end(c, c->state == CONN_DRAIN ? "served" : "idle-timeout");
		return;
	}
	if ((what & EV_READ) && !conn_on_read(c))
		return;
	if ((what & EV_WRITE) && !conn_on_write(c))
		return;
	conn_arm(c);
}

static bool tcp_admit(struct server *srv, const struct sockaddr *sa, const char **why)
{
	if (srv->nconns >= srv->max_conns) {
		*why = "max-conns";
		return false;
	}
	if (srv->hosts) {
		struct addr_key key;
		addr_key_from(&key, sa);
		struct host_count *h = iptab_get(srv->hosts, &key);
		if (!h || h->conns >= srv->cfg->max_per_host) {
			*why = "max-per-host";
			return false;
		}
		h->conns++;
	}
	return true;
}

static void tcp_refuse(struct server *srv, struct listener *l, int fd, const struct sockaddr *sa,
		       const char *why)
{
	/* RST rather than FIN: the client learns at once, and no state lingers. */
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
	srv->stats.tcp_refused++;
	if (srv->cfg->quiet)
		return;
	uint64_t now = clock_mono_us();
	if (ratelog_allow(&srv->tcp_log, now)) {
		uint64_t n = ratelog_take_suppressed(&srv->tcp_log);
		if (n)
			report_suppressed("refused", n);
		report_refused(l->svc, sa, why);
	}
}

/* The answer of daytime, qotd and time, sent as the connection opens. */
static int conn_answer(struct conn *c)
{
	uint8_t out[REPLY_OUT_MAX];
	struct server *srv = c->srv;

	srv->reply.now = time(NULL);
	size_t n = reply_oneshot(c->svc, out, sizeof(out), &srv->reply);
	if (conn_send(c, out, n) < 0)
		return -1;
	if (conn_owed(c) == 0)
		conn_start_drain(c);
	return 0;
}

void tcp_on_accept(struct evconnlistener *lev, evutil_socket_t fd, struct sockaddr *sa,
		   int salen, void *arg)
{
	struct listener *l = arg;
	struct server *srv = l->srv;
	const char *why;

	if (srv->stopping) {
		close(fd);
		return;
	}
	if (!tcp_admit(srv, sa, &why)) {
		tcp_refuse(srv, l, fd, sa, why);
		return;
	}
	struct conn *c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return;
	}
	c->srv = srv;
	c->svc = (uint8_t)l->svc;
	c->start_us = clock_mono_us();
	addr_copy(&c->peer, sa);
	event_assign(&c->ev, srv->base, fd, 0, conn_cb, c);
	c->next = srv->conns;
	if (srv->conns)
		srv->conns->prev = c;
	srv->conns = c;
	srv->nconns++;
	srv->stats.tcp_conns++;
	if (srv->cfg->verbose)
		report_start(l->svc, sa);
	if (c->svc == SVC_ECHO || c->svc == SVC_UPPER)
		sock_set_nodelay(fd, true); /* keystroke echo must not wait for ACKs */
	if ((c->svc == SVC_DAYTIME || c->svc == SVC_QOTD || c->svc == SVC_TIME) &&
	    conn_answer(c) < 0) {
		conn_end(c, "error");
		return;
	}
	conn_arm(c);
}

void tcp_on_accept_error(struct evconnlistener *lev, void *arg)
{
	struct listener *l = arg;
	struct server *srv = l->srv;
	int err = EVUTIL_SOCKET_ERROR();

	if (err != EMFILE && err != ENFILE)
		return;
	/* Out of descriptors: give up the spare one to accept and drop the waiting
	 * connection, so the listener does not spin on a queue it cannot take. */
	if (srv->reserve_fd >= 0) {
		close(srv->reserve_fd);
		int fd = accept(evconnlistener_get_fd(lev), NULL, NULL);
		if (fd >= 0) {
			close(fd);
			srv->stats.tcp_refused++;
		}
		srv->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	}
}

void tcp_close_all(struct server *srv)
{
	while (srv->conns)
		conn_end(srv->conns, "shutdown");
}
