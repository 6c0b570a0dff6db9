/* The chat server's sockets: one UDP socket per address (port 0 resolved
 * once, the same number on every address), datagrams in by recvmmsg(2)
 * batches, each handed to dispatch; out through outbound.c. */
#include "chat_server/udp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chat_server/dispatch.h"
#include "chat_server/outbound.h"
#include "chat_server/report.h"
#include "chat_server/session.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/sock.h"

static const char *udp_bind_hint(int err)
{
	switch (err) {
	case EADDRINUSE: return " — another program has that port; try another (0: any free one)";
	case EACCES: return " — ports below 1024 need root";
	case EADDRNOTAVAIL: return " — not an address of this host";
	case EAFNOSUPPORT: return " — IPv6 is off on this host; try -4";
	default: return "";
	}
}

/* Bigger buffers absorb a burst of fan-out and of acknowledgements; as
 * root the FORCE variants pass the sysctl caps. Failure costs only speed. */
static void udp_grow_buffers(int fd)
{
	int n = CHATSRV_SOCK_BUF;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &n, sizeof(n)) < 0)
		sock_set_rcvbuf(fd, n);
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &n, sizeof(n)) < 0)
		sock_set_sndbuf(fd, n);
}

static void udp_close_range(struct chatsrv_server *srv, unsigned from, unsigned to)
{
	for (unsigned i = from; i < to; i++) {
		if (srv->socks[i].fd >= 0)
			close(srv->socks[i].fd);
		srv->socks[i].fd = -1;
	}
}

/* Binds every address to port; -1 with errno and *failed on the first that fails. */
static int udp_bind_all(struct chatsrv_server *srv, const union addr_any *addrs, unsigned n,
			uint16_t port, unsigned *failed)
{
	for (unsigned i = 0; i < n; i++) {
		struct chatsrv_socket *s = &srv->socks[i];
		addr_copy(&s->addr, &addrs[i].sa);
		addr_set_port(&s->addr.sa, port);
		s->fd = sock_bind_udp(&s->addr.sa, addr_len(&s->addr.sa));
		if (s->fd < 0) {
			int err = errno;
			*failed = i;
			udp_close_range(srv, 0, i);
			errno = err;
			return -1;
		}
		socklen_t len = sizeof(s->addr);
		sock_local_addr(s->fd, &s->addr.sa, &len);
		if (port == 0)
			port = addr_port(&s->addr.sa);
	}
	return 0;
}

int chatsrv_sockets_open(struct chatsrv_server *srv, const union addr_any *addrs, unsigned n)
{
	uint16_t port = srv->cfg->port;
	unsigned failed = 0;
	int rc = -1;

	for (unsigned i = 0; i < CHATSRV_MAX_BINDS; i++) {
		srv->socks[i].fd = -1;
		srv->socks[i].idx = i;
		srv->socks[i].srv = srv;
	}
	for (int tries = 0; rc < 0 && tries < (port == 0 ? CHATSRV_EPHEMERAL_TRIES : 1); tries++) {
		rc = udp_bind_all(srv, addrs, n, port, &failed);
		/* Port 0: the number the first address got may be taken on another. */
		if (rc < 0 && !(port == 0 && errno == EADDRINUSE && failed > 0))
			break;
	}
	if (rc < 0) {
		int err = errno;
		char where[ADDR_STRLEN];
		union addr_any a;
		addr_copy(&a, &addrs[failed].sa);
		addr_set_port(&a.sa, port);
		log_error("cannot bind udp %s: %s%s", addr_format(&a.sa, where, sizeof(where)),
			  strerror(err), udp_bind_hint(err));
		return -1;
	}
	srv->nsocks = n;
	for (unsigned i = 0; i < n; i++) {
		udp_grow_buffers(srv->socks[i].fd);
		srv->socks[i].out = calloc(1, sizeof(*srv->socks[i].out));
		if (!srv->socks[i].out) {
			log_error("out of memory");
			return -1;
		}
	}
	return 0;
}

/* One recvmmsg batch from s, each datagram taken in; how many. */
static int udp_intake_batch(struct chatsrv_server *srv, struct chatsrv_socket *s)
{
	struct chatsrv_recv_batch *b = srv->in;

	for (int i = 0; i < CHATSRV_RECV_BATCH; i++) {
		b->msg[i].msg_hdr.msg_namelen = sizeof(b->from[i]);
		b->msg[i].msg_hdr.msg_flags = 0;
	}
	int n = recvmmsg(s->fd, b->msg, CHATSRV_RECV_BATCH, MSG_DONTWAIT, NULL);
	if (n <= 0)
		return 0; /* EAGAIN, or an error about one datagram: the next may be fine */
	srv->now_us = clock_mono_us();
	for (int i = 0; i < n; i++) {
		bool cut = (b->msg[i].msg_hdr.msg_flags & MSG_TRUNC) != 0;
		chatsrv_dispatch(srv, s->idx, b->data[i], b->msg[i].msg_len, cut, &b->from[i].sa);
	}
	return n;
}

bool chatsrv_intake(struct chatsrv_server *srv)
{
	bool more = false;

	for (unsigned i = 0; i < srv->nsocks; i++) {
		int k = 0;
		for (int round = 0; round < CHATSRV_INTAKE_BATCHES; round++) {
			k = udp_intake_batch(srv, &srv->socks[i]);
			if (k < CHATSRV_RECV_BATCH)
				break;
		}
		more |= k == CHATSRV_RECV_BATCH;
	}
	/* Acknowledgements (and answers already due) leave at once. */
	chatsrv_session_flush_dirty(srv);
	chatsrv_out_send_all(srv);
	return more;
}

void chatsrv_pump(struct chatsrv_server *srv)
{
	for (int round = 0; round < CHATSRV_PUMP_ROUNDS && !srv->stopping; round++) {
		bool more = chatsrv_intake(srv);
		if (chatsrv_pending_count(&srv->pending) > 0) {
			srv->now_us = clock_mono_us();
			chatsrv_session_work(srv, CHATSRV_WORK_BUDGET);
			chatsrv_session_flush_dirty(srv);
			chatsrv_out_send_all(srv);
		}
		if (!more && chatsrv_pending_count(&srv->pending) == 0)
			break;
	}
	/* Lines still waiting: come back right after the loop's next look at
	 * timers and signals. */
	if (chatsrv_pending_count(&srv->pending) > 0 && !srv->stopping)
		event_active(srv->work, EV_TIMEOUT, 0);
	chatsrv_session_arm_timer(srv);
}

static void udp_on_readable(evutil_socket_t fd, short what, void *arg)
{
	struct chatsrv_socket *s = arg;

	chatsrv_pump(s->srv);
}

static void udp_on_work(evutil_socket_t fd, short what, void *arg)
{
	chatsrv_pump(arg);
}

int chatsrv_sockets_start(struct chatsrv_server *srv)
{
	struct chatsrv_recv_batch *b = calloc(1, sizeof(*b));

	if (!b)
		return -1;
	srv->in = b;
	for (int i = 0; i < CHATSRV_RECV_BATCH; i++) {
		b->iov[i] = (struct iovec){ b->data[i], sizeof(b->data[i]) };
		b->msg[i].msg_hdr.msg_iov = &b->iov[i];
		b->msg[i].msg_hdr.msg_iovlen = 1;
		b->msg[i].msg_hdr.msg_name = &b->from[i];
	}
	srv->work = event_new(srv->base, -1, 0, udp_on_work, srv);
	if (!srv->work)
		return -1;
	for (unsigned i = 0; i < srv->nsocks; i++) {
		struct chatsrv_socket *s = &srv->socks[i];
		s->ev = event_new(srv->base, s->fd, EV_READ | EV_PERSIST, udp_on_readable, s);
		if (!s->ev || event_add(s->ev, NULL) < 0)
			return -1;
	}
	for (unsigned i = 0; i < srv->nsocks; i++)
		chatsrv_report_listening(&srv->socks[i].addr.sa);
	chatsrv_report_ready(srv->nsocks);
	return 0;
}

void chatsrv_sockets_close(struct chatsrv_server *srv)
{
	for (unsigned i = 0; i < srv->nsocks; i++) {
		struct chatsrv_socket *s = &srv->socks[i];
		if (s->ev)
			event_free(s->ev);
		s->ev = NULL;
		free(s->out);
		s->out = NULL;
	}
	if (srv->work)
		event_free(srv->work);
	srv->work = NULL;
	udp_close_range(srv, 0, srv->nsocks);
	srv->nsocks = 0;
	free(srv->in);
	srv->in = NULL;
}
