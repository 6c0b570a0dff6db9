/* Attribution's call completions: a blocking call is tied to the arrival
 * it waited for (connect to the SYN-ACK or RST, accept to the handshake's
 * last ACK, a read to the segment holding its first byte, the FIN or the
 * RST, recvfrom to its datagram, a select or poll to the first arrival at
 * one of the process's sockets). */
#include "trace/attrib_ctx.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "pkt/packet.h"

static bool waking_tcp(const struct tr_packet *p)
{
	return p->len > 0 || (p->flags & (TCP_FIN | TCP_RST)) ||
	       ((p->flags & TCP_SYN) && (p->flags & TCP_ACK));
}

static void complete(struct tr_call *k, const struct tr_packet *p, const char *why)
{
	k->completed_by = p->no;
	k->completed_why = why;
	k->blocked = p->ts >= k->t_enter;
}

static bool ends_in(const struct tr_call *k, const struct tr_packet *p)
{
	return k->t_exit < 0 || p->ts <= k->t_exit;
}

static void complete_connect(struct ctx *c, struct tr_call *k, struct tr_sock *so)
{
	struct dir *in = so->peer.family ? tr_attrib_dir_get(&c->dirs, &so->peer, &so->local, false) : NULL;

	if (!in || (k->err != 0 && k->err != ECONNREFUSED && k->err != ECONNRESET))
		return;
	for (size_t i = 0; i < in->n; i++) {
		const struct tr_packet *p = &c->t->packets[in->pk[i]];
		if (p->ts < k->t_enter || !ends_in(k, p))
			continue;
		if ((p->flags & TCP_RST) && k->err) {
			complete(k, p, "RST");
			return;
		}
		if ((p->flags & TCP_SYN) && (p->flags & TCP_ACK) && !k->err) {
			complete(k, p, "SYN-ACK");
			return;
		}
	}
}

static void complete_accept(struct ctx *c, struct tr_call *k, struct tr_sock *nk)
{
	struct dir *in = tr_attrib_dir_get(&c->dirs, &nk->peer, &nk->local, false);

	if (!in)
		return;
	for (size_t i = 0; i < in->n; i++) {
		const struct tr_packet *p = &c->t->packets[in->pk[i]];
		if ((p->flags & TCP_ACK) && !(p->flags & (TCP_SYN | TCP_RST)) && ends_in(k, p)) {
			complete(k, p, "handshake ACK");
			return;
		}
	}
}

/* The first index of v[0..n) whose key (at(v, i)) is at least key; the
 * keys are in ascending order. */
static size_t lower_bound(const void *v, size_t n, int64_t (*at)(const void *v, size_t i),
			  int64_t key)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (at(v, mid) < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int64_t span_call_at(const void *v, size_t i)
{
	return ((const struct tr_sock_span *)v)[i].call;
}

static int64_t packet_ts_at(const void *v, size_t i)
{
	return ((const struct tr_packet *)v)[i].ts;
}

/* The stream offset a read started at; recvs are in call order. */
static bool read_offset(const struct tr_sock *so, uint32_t id, uint64_t *off)
{
	size_t lo = lower_bound(so->recvs, so->nrecvs, span_call_at, id);

	if (lo == so->nrecvs || so->recvs[lo].call != id)
		return false;
	*off = so->recvs[lo].off;
	return true;
}

static void complete_stream_read(struct ctx *c, struct tr_call *k, struct tr_sock *so)
{
	struct dir *in = tr_attrib_dir_get(&c->dirs, &so->peer, &so->local, false);
	uint64_t off = 0;

	if (!in || (k->ret > 0 && !read_offset(so, k->id, &off)))
		return;
	/* Reads take the stream in order: what lies wholly before this read's
	 * first byte (and carries no FIN or RST) is of no use to later reads. */
	if (k->ret > 0) {
		while (in->rd_cursor < in->n) {
			const struct tr_packet *p = &c->t->packets[in->pk[in->rd_cursor]];
			if ((p->flags & (TCP_FIN | TCP_RST)) ||
			    (p->len > 0 && !(p->rel && (uint64_t)p->rseq - 1 + p->len <= off)))
				break;
			in->rd_cursor++;
		}
	}
	for (size_t i = in->rd_cursor; i < in->n; i++) {
		const struct tr_packet *p = &c->t->packets[in->pk[i]];
		if (!ends_in(k, p))
			break;
		if (k->ret > 0 && p->rel && p->len > 0 && p->rseq - 1 <= off &&
		    off < (uint64_t)p->rseq - 1 + p->len) {
			complete(k, p, "data");
			return;
		}
		if (k->ret == 0 && !k->err && (p->flags & TCP_FIN)) {
			complete(k, p, "FIN");
			return;
		}
		if (k->err == ECONNRESET && (p->flags & TCP_RST)) {
			complete(k, p, "RST");
			return;
		}
	}
}

static void complete_dgram_error(struct ctx *c, struct tr_call *k, struct tr_sock *so)
{
	/* ECONNREFUSED on a datagram socket: the ICMP error that a send drew */
	for (size_t i = 0; i < c->t->npackets; i++) {
		const struct tr_packet *p = &c->t->packets[i];
		if (!ends_in(k, p))
			break;
		if (p->proto != IPPROTO_UDP && p->proto != IPPROTO_TCP &&
		    tr_endpoint_match(&so->local, &p->dst)) {
			complete(k, p, "ICMP port unreachable");
			return;
		}
	}
}

static void complete_dgram_read(struct ctx *c, struct tr_call *k, struct tr_sock *so)
{
	const struct tr_endpoint *from = &k->args.addr;
	bool want_from = from->family != 0;
	bool mmsg = strcmp(k->name, "recvmmsg") == 0;
	int64_t left = mmsg ? k->ret : 1; /* recvmmsg took ret datagrams; the first woke it */
	struct queue *q = &c->arrivals[so - c->s->v];

	if (k->err == ECONNREFUSED) {
		complete_dgram_error(c, k, so);
		return;
	}
	if (k->ret < 0)
		return;
	for (size_t j = q->cursor; j < q->n && left > 0; j++) {
		uint32_t i = q->v[j];
		const struct tr_packet *p = &c->t->packets[i];

		if (!ends_in(k, p))
			break;
		if (c->consumed[i])
			continue;
		if (want_from && !mmsg && !tr_endpoint_eq(from, &p->src))
			continue;
		/* a datagram longer than the buffer is cut to it */
		if (!mmsg && (uint64_t)k->ret > p->len)
			continue;
		c->consumed[i] = true;
		if (!k->completed_by)
			complete(k, p, "datagram");
		left--;
	}
	while (q->cursor < q->n && c->consumed[q->v[q->cursor]])
		q->cursor++;
}

static const char *waking_why(const struct tr_packet *p)
{
	return p->proto == IPPROTO_UDP ? "datagram"
	       : (p->flags & TCP_RST)  ? "RST"
	       : (p->flags & TCP_FIN)  ? "FIN"
	       : (p->flags & TCP_SYN)  ? "SYN-ACK"
	       : p->len > 0	       ? "data"
				       : "handshake ACK";
}

static struct tr_sock *tr_sock_at(struct ctx *c, int32_t pid, int32_t fd, int64_t ts)
{
	for (size_t i = c->s->n; i-- > 0;) {
		struct tr_sock *k = &c->s->v[i];
		if (k->pid == pid && k->fd == fd && k->t_open <= ts && ts <= k->t_close)
			return k;
	}
	return NULL;
}

/* A wait that found its socket ready at once: what made it ready arrived
 * before the wait began. Writable after a connect in progress: the SYN-ACK
 * (or RST); readable: the latest arrival that carries something to read. */
static void complete_wait_ready(struct ctx *c, struct tr_call *k)
{
	for (size_t r = 0; r < k->args.nready; r++) {
		const struct tr_ready *rd = &k->args.ready[r];
		bool out = rd->out, in = rd->in;
		struct tr_sock *so = tr_sock_at(c, k->pid, rd->fd, k->t_enter);

		if (!so || so->type != SOCK_STREAM || so->peer.family == 0)
			continue;
		struct dir *d = tr_attrib_dir_get(&c->dirs, &so->peer, &so->local, false);
		if (!d)
			continue;
		const struct tr_packet *best = NULL;
		for (size_t i = 0; i < d->n; i++) {
			const struct tr_packet *p = &c->t->packets[d->pk[i]];
			if (p->ts > k->t_exit)
				break;
			if (out && (p->flags & (TCP_SYN | TCP_RST)) && (p->flags & TCP_ACK)) {
				best = p;
				break;
			}
			if (in && waking_tcp(p))
				best = p;
		}
		if (best) {
			complete(k, best, waking_why(best));
			return;
		}
	}
}

/* First packet stamped at or after ts (capture order is time order). */
static size_t packet_at(const struct trace *t, int64_t ts)
{
	return lower_bound(t->packets, t->npackets, packet_ts_at, ts);
}

/* select/poll/epoll_wait: the first arrival at one of the process's
 * sockets while it waited. */
static void complete_wait(struct ctx *c, struct tr_call *k)
{
	if (k->ret <= 0)
		return;
	for (size_t i = packet_at(c->t, k->t_enter); i < c->t->npackets; i++) {
		const struct tr_packet *p = &c->t->packets[i];

		if (p->ts < k->t_enter)
			continue;
		if (!ends_in(k, p))
			break;
		struct tr_sock *so = NULL;
		if (p->proto == IPPROTO_TCP) {
			so = tr_socks_stream(c->s, &p->dst, &p->src, p->ts);
			if (so && !waking_tcp(p))
				so = NULL;
			if (!so && (p->flags & TCP_ACK) && !(p->flags & TCP_SYN) && p->rel &&
			    p->rseq == 1 && p->rack == 1 && p->len == 0)
				so = tr_socks_listener(c->s, &p->dst, p->ts);
		} else {
			so = tr_socks_dgram(c->s, &p->dst, p->ts);
		}
		if (so && so->pid == k->pid) {
			complete(k, p, waking_why(p));
			return;
		}
	}
	complete_wait_ready(c, k);
}

void tr_attrib_completions(struct ctx *c)
{
	for (size_t i = 0; i < c->t->ncalls; i++) {
		struct tr_call *k = &c->t->calls[i];
		uint32_t si = c->s->call_sock[i];
		struct tr_sock *so = si ? &c->s->v[si - 1] : NULL;

		if (tr_sock_call_waits(k)) {
			complete_wait(c, k);
		} else if (!so) {
			continue;
		} else if (strcmp(k->name, "connect") == 0 && so->type == SOCK_STREAM) {
			complete_connect(c, k, so);
		} else if (strncmp(k->name, "accept", 6) == 0 && c->s->accepted[i]) {
			complete_accept(c, k, &c->s->v[c->s->accepted[i] - 1]);
		} else if (tr_sock_call_reads(k) && so->type == SOCK_STREAM && so->peer.family) {
			complete_stream_read(c, k, so);
		} else if (tr_sock_call_reads(k) && so->type == SOCK_DGRAM) {
			complete_dgram_read(c, k, so);
		}
	}
}

