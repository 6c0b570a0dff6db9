/* Stream connections: event arming, owed-bytes buffer, reads, writes, ends. */
#include "core/conn.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>
#include <event2/buffer.h>

#include "core/clock.h"

static void conn_cb(evutil_socket_t fd, short what, void *arg);

struct conn *conn_new(struct conn_ctx *ctx, int fd, const struct sockaddr *peer,
		      const struct conn_ops *ops, uint8_t flags)
{
	struct conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->ctx = ctx;
	c->ops = ops;
	c->flags = flags;
	c->start_us = clock_mono_us();
	if (peer)
		addr_copy(&c->peer, peer);
	event_assign(&c->ev, ctx->base, fd, 0, conn_cb, c);
	c->next = ctx->head;
	if (ctx->head)
		ctx->head->prev = c;
	ctx->head = c;
	ctx->count++;
	return c;
}

int conn_fd(const struct conn *c)
{
	return (int)event_get_fd(&c->ev);
}

size_t conn_owed(const struct conn *c)
{
	return c->owed ? evbuffer_get_length(c->owed) : 0;
}

const char *conn_errno_reason(int err)
{
	return err == ECONNRESET || err == EPIPE ? "reset" : "error";
}

void conn_end(struct conn *c, const char *reason)
{
	struct conn_ctx *ctx = c->ctx;

	event_del(&c->ev);
	if (c->ops->on_end)
		c->ops->on_end(c, reason);
	close(conn_fd(c));
	if (c->prev)
		c->prev->next = c->next;
	else
		ctx->head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	ctx->count--;
	if (c->owed)
		evbuffer_free(c->owed);
	free(c);
}

void conn_end_all(struct conn_ctx *ctx, const char *reason)
{
	while (ctx->head)
		conn_end(ctx->head, reason);
}

static short conn_wanted(const struct conn *c)
{
	size_t owed = conn_owed(c);
	short ev = 0;

	if (owed || ((c->flags & CONN_F_PRODUCER) && !(c->flags & CONN_F_LINGER)))
		ev |= EV_WRITE;
	if ((c->flags & CONN_F_READ) && !(c->flags & CONN_F_RD_EOF) && owed < c->ctx->high_water)
		ev |= EV_READ;
	return ev;
}

void conn_arm(struct conn *c)
{
	short want = conn_wanted(c);
	const struct timeval *tv = (c->flags & CONN_F_LINGER) ? c->ctx->linger_tv : c->ctx->idle_tv;

	if (want == c->interest)
		return;
	/* A changed interest set means a new event; with the epoll changelist
	 * the del+add pair costs one epoll_ctl. */
	event_del(&c->ev);
	event_assign(&c->ev, c->ctx->base, conn_fd(c), (short)(want | EV_PERSIST), conn_cb, c);
	event_add(&c->ev, tv);
	c->interest = want;
}

static int conn_flush(struct conn *c)
{
	while (conn_owed(c) > 0) {
		int n = evbuffer_write(c->owed, conn_fd(c));
		if (n < 0)
			return (errno == EAGAIN || errno == EINTR) ? 0 : -1;
		c->bytes_out += (uint64_t)n;
	}
	return 0;
}

ssize_t conn_write(struct conn *c, const void *data, size_t n)
{
	ssize_t w = write(conn_fd(c), data, n);

	if (w < 0)
		return (errno == EAGAIN || errno == EINTR) ? 0 : -1;
	c->bytes_out += (uint64_t)w;
	return w;
}

int conn_send(struct conn *c, const void *data, size_t n)
{
	const uint8_t *p = data;

	if (conn_owed(c) == 0) {
		ssize_t w = conn_write(c, p, n);
		if (w < 0)
			return -1;
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

void conn_linger(struct conn *c)
{
	shutdown(conn_fd(c), SHUT_WR);
	c->flags = (uint8_t)((c->flags | CONN_F_LINGER | CONN_F_READ) & ~CONN_F_PRODUCER);
	c->interest = -1; /* the timeout changes too: force a re-arm */
}

/* Returns false when the connection has ended. */
static bool conn_on_read(struct conn *c)
{
	struct conn_ctx *ctx = c->ctx;
	size_t room = ctx->iobuf_len, owed = conn_owed(c);

	if (owed >= ctx->high_water)
		return true;
	if (ctx->high_water - owed < room)
		room = ctx->high_water - owed;
	ssize_t n = read(conn_fd(c), ctx->iobuf, room);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return true;
		conn_end(c, (c->flags & CONN_F_LINGER) ? "served" : conn_errno_reason(errno));
		return false;
	}
	if (n == 0) {
		c->flags |= CONN_F_RD_EOF;
		if (c->flags & CONN_F_LINGER) {
			conn_end(c, "served");
			return false;
		}
		if (!c->ops->on_eof) {
			conn_end(c, "client-closed");
			return false;
		}
		return c->ops->on_eof(c);
	}
	c->bytes_in += (uint64_t)n;
	if (!(c->flags & CONN_F_LINGER) && c->ops->on_data)
		return c->ops->on_data(c, ctx->iobuf, (size_t)n);
	return true;
}

static bool conn_on_write(struct conn *c)
{
	if (conn_flush(c) < 0) {
		conn_end(c, conn_errno_reason(errno));
		return false;
	}
	if (conn_owed(c) > 0)
		return true;
	if ((c->flags & CONN_F_PRODUCER) && c->ops->on_writable)
		return c->ops->on_writable(c);
	if (c->ops->on_drained)
		return c->ops->on_drained(c);
	return true;
}

static void conn_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;

	if (what & EV_TIMEOUT) {
		conn_end(c, (c->flags & CONN_F_LINGER) ? "served" : "idle-timeout");
		return;
	}
	if ((what & EV_READ) && !conn_on_read(c))
		return;
	if ((what & EV_WRITE) && !conn_on_write(c))
		return;
	conn_arm(c);
}
