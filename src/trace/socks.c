/* Rebuilds the sockets from the recorded calls: a socket is born with
 * socket() or accept(), learns its addresses from each call's local= and
 * peer=, and dies with close(). */
#include "trace/socks.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static bool addr_any(const struct tr_endpoint *e)
{
	static const uint8_t zero[16];

	return memcmp(e->addr, zero, e->family == AF_INET ? 4 : 16) == 0;
}

bool tr_endpoint_match(const struct tr_endpoint *sock_local, const struct tr_endpoint *e)
{
	if (sock_local->family == 0 || sock_local->port != e->port)
		return false;
	if (addr_any(sock_local))
		/* [::] takes IPv4 too unless IPV6_V6ONLY; we cannot tell, so say yes */
		return sock_local->family == e->family || sock_local->family == AF_INET6;
	return tr_endpoint_eq(sock_local, e);
}

static bool is_name(const struct tr_call *c, const char *const *names)
{
	for (; *names; names++)
		if (strcmp(c->name, *names) == 0)
			return true;
	return false;
}

bool tr_sock_call_sends(const struct tr_call *c)
{
	static const char *const names[] = { "send", "sendto", "sendmsg", "sendmmsg", "write",
					     "writev", "sendfile", NULL };
	return is_name(c, names);
}

bool tr_sock_call_reads(const struct tr_call *c)
{
	static const char *const names[] = { "recv", "recvfrom", "recvmsg", "recvmmsg", "read",
					     "readv", NULL };
	return is_name(c, names);
}

bool tr_sock_call_waits(const struct tr_call *c)
{
	static const char *const names[] = { "select", "poll", "ppoll", "epoll_wait", NULL };
	return is_name(c, names);
}

/* Bytes a data call moved, or -1 when it moved none or is not one. dir is
 * +1 for sending, -1 for receiving. */
static int64_t call_bytes(const struct tr_call *c, int *dir)
{
	*dir = 0;
	if (c->ret <= 0 || c->err != 0)
		return -1;
	if (tr_sock_call_sends(c))
		*dir = 1;
	else if (tr_sock_call_reads(c))
		*dir = -1;
	else if (strcmp(c->name, "splice") == 0 && c->args.splice_dir)
		*dir = c->args.splice_dir;
	else
		return -1;
	if (strstr(c->name, "mmsg"))
		return c->args.bytes > 0 ? c->args.bytes : -1;
	return c->ret;
}

static int span_push(struct tr_sock_span **v, size_t *n, size_t *cap, uint64_t off, uint64_t len,
		     const struct tr_call *c)
{
	if (tr_grow(v, cap, *n, sizeof **v, 8) < 0)
		return -1;
	(*v)[(*n)++] = (struct tr_sock_span){ .off = off, .len = len, .call = c->id,
					      .has_seq = c->args.has_wseq,
					      .seq = c->args.wseq - (uint32_t)len };
	return 0;
}

static struct tr_sock *tr_sock_new(struct tr_socks *s, int32_t pid, int32_t fd, int64_t t)
{
	if (tr_grow(&s->v, &s->cap, s->n, sizeof *s->v, 16) < 0)
		return NULL;
	struct tr_sock *k = &s->v[s->n++];
	memset(k, 0, sizeof *k);
	k->pid = pid;
	k->fd = fd;
	k->t_open = t;
	k->t_close = INT64_MAX;
	return k;
}

static struct tr_sock *tr_sock_open_find(struct tr_socks *s, int32_t pid, int32_t fd)
{
	for (size_t i = s->n; i-- > 0;)
		if (s->v[i].pid == pid && s->v[i].fd == fd && s->v[i].t_close == INT64_MAX)
			return &s->v[i];
	return NULL;
}

static int known_add(struct tr_socks *s, const struct tr_endpoint *e)
{
	for (size_t i = 0; i < s->nknown; i++)
		if (tr_endpoint_eq(&s->known[i], e))
			return 0;
	if (tr_grow(&s->known, &s->known_cap, s->nknown, sizeof *s->known, 16) < 0)
		return -1;
	s->known[s->nknown++] = *e;
	return 0;
}

/* Remembers the addresses a call names. */
static int known_from_call(struct tr_socks *s, const struct tr_call *c)
{
	const struct tr_endpoint *named[] = { &c->args.addr, &c->args.local, &c->args.peer };

	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
		if (named[i]->family != 0 && named[i]->port != 0 && known_add(s, named[i]) < 0)
			return -1;
	return 0;
}

/* An address a call named, when it has a port. */
static void endpoint_learn(const struct tr_endpoint *e, struct tr_endpoint *out)
{
	if (e->family != 0 && e->port != 0)
		*out = *e;
}

static void tr_sock_learn(struct tr_sock *k, const struct tr_call *c)
{
	if (c->args.sock == TR_SOCK_STREAM)
		k->type = SOCK_STREAM;
	else if (c->args.sock == TR_SOCK_DGRAM)
		k->type = SOCK_DGRAM;
	endpoint_learn(&c->args.local, &k->local);
	endpoint_learn(&c->args.peer, &k->peer);
}

static int tr_sock_account(struct tr_sock *k, const struct tr_call *c)
{
	int dir;
	int64_t n = call_bytes(c, &dir);

	if (n <= 0 || k->type != SOCK_STREAM)
		return 0;
	if (dir > 0) {
		if (span_push(&k->sends, &k->nsends, &k->sends_cap, k->sent, (uint64_t)n, c) < 0)
			return -1;
		k->sent += (uint64_t)n;
	} else {
		if (span_push(&k->recvs, &k->nrecvs, &k->recvs_cap, k->rcvd, (uint64_t)n, c) < 0)
			return -1;
		k->rcvd += (uint64_t)n;
	}
	return 0;
}

static void tr_sock_note_call(struct tr_sock *k, const struct tr_call *c)
{
	int64_t t_done = c->t_exit >= 0 ? c->t_exit : c->t_enter;

	if (strcmp(c->name, "listen") == 0 && c->ret == 0) {
		k->listener = true;
		k->type = SOCK_STREAM;
	} else if (strcmp(c->name, "connect") == 0 && !k->connect_call) {
		k->connect_call = c->id;
	} else if (strcmp(c->name, "shutdown") == 0 && c->ret == 0 && !k->shutdown_call &&
		   c->args.shut_wr) {
		k->shutdown_call = c->id;
	} else if (strcmp(c->name, "close") == 0) {
		k->close_call = c->id;
		k->t_close = t_done;
		k->close_unread = c->args.unread > 0;
		k->close_linger0 = c->args.linger0;
	}
}

int tr_socks_build(struct tr_socks *s, const struct trace *t)
{
	memset(s, 0, sizeof *s);
	s->call_sock = calloc(t->ncalls + 1, sizeof *s->call_sock);
	s->accepted = calloc(t->ncalls + 1, sizeof *s->accepted);
	if (!s->call_sock || !s->accepted)
		return -1;
	for (size_t i = 0; i < t->ncalls; i++) {
		const struct tr_call *c = &t->calls[i];
		bool creates = strcmp(c->name, "socket") == 0;
		int32_t fd = creates ? (int32_t)c->ret : c->fd;
		struct tr_sock *k;

		if (known_from_call(s, c) < 0)
			return -1;
		if (fd < 0 || (creates && c->ret < 0))
			continue;
		if (!creates && c->args.sock == TR_SOCK_NONE)
			continue;
		k = creates ? NULL : tr_sock_open_find(s, c->pid, fd);
		if (!k) {
			k = tr_sock_new(s, c->pid, fd, c->t_enter);
			if (!k)
				return -1;
		}
		tr_sock_learn(k, c);
		if (creates && c->args.type)
			k->type = c->args.type;
		s->call_sock[i] = (uint32_t)(k - s->v) + 1;
		tr_sock_note_call(k, c);
		if (tr_sock_account(k, c) < 0)
			return -1;
		if ((strcmp(c->name, "accept") == 0 || strcmp(c->name, "accept4") == 0) &&
		    c->ret >= 0) {
			size_t lis = (size_t)(k - s->v);
			struct tr_sock *nk = tr_sock_new(s, c->pid, (int32_t)c->ret,
						   c->t_exit >= 0 ? c->t_exit : c->t_enter);
			if (!nk)
				return -1;
			nk->type = SOCK_STREAM;
			endpoint_learn(&c->args.local, &nk->local);
			endpoint_learn(&c->args.addr, &nk->peer);
			if (nk->local.family == 0) /* older kernels: the listener's */
				nk->local = s->v[lis].local;
			s->accepted[i] = (uint32_t)(nk - s->v) + 1;
		}
	}
	return 0;
}

void tr_socks_free(struct tr_socks *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].sends);
		free(s->v[i].recvs);
	}
	free(s->v);
	free(s->call_sock);
	free(s->accepted);
	free(s->known);
	memset(s, 0, sizeof *s);
}

/* Among the sockets that fit, the one opened last before ts; if all opened
 * after it (clock skew between stamping and recording), the first. */
static struct tr_sock *pick(const struct tr_socks *s, int64_t ts,
			 bool (*fits)(const struct tr_sock *, const void *), const void *arg)
{
	struct tr_sock *best = NULL, *first = NULL;

	for (size_t i = 0; i < s->n; i++) {
		struct tr_sock *k = &s->v[i];

		if (!fits(k, arg))
			continue;
		if (!first)
			first = k;
		if (k->t_open <= ts && (!best || k->t_open >= best->t_open))
			best = k;
	}
	return best ? best : first;
}

struct ends {
	const struct tr_endpoint *local, *peer;
};

static bool fits_stream(const struct tr_sock *k, const void *arg)
{
	const struct ends *e = arg;

	return k->type == SOCK_STREAM && !k->listener && tr_endpoint_eq(&k->peer, e->peer) &&
	       tr_endpoint_match(&k->local, e->local);
}

static bool fits_listener(const struct tr_sock *k, const void *arg)
{
	return k->listener && tr_endpoint_match(&k->local, arg);
}

static bool fits_dgram(const struct tr_sock *k, const void *arg)
{
	return k->type == SOCK_DGRAM && tr_endpoint_match(&k->local, arg);
}

struct tr_sock *tr_socks_stream(const struct tr_socks *s, const struct tr_endpoint *local,
			  const struct tr_endpoint *peer, int64_t ts)
{
	struct ends e = { local, peer };

	return pick(s, ts, fits_stream, &e);
}

struct tr_sock *tr_socks_listener(const struct tr_socks *s, const struct tr_endpoint *local, int64_t ts)
{
	return pick(s, ts, fits_listener, local);
}

struct tr_sock *tr_socks_dgram(const struct tr_socks *s, const struct tr_endpoint *local, int64_t ts)
{
	return pick(s, ts, fits_dgram, local);
}

bool tr_socks_owns(const struct tr_socks *s, const struct tr_endpoint *e, int64_t ts)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].t_open <= ts && tr_endpoint_match(&s->v[i].local, e))
			return true;
	return false;
}

static bool known(const struct tr_socks *s, const struct tr_endpoint *e, int64_t ts)
{
	for (size_t i = 0; i < s->nknown; i++)
		if (tr_endpoint_match(&s->known[i], e))
			return true;
	return tr_socks_owns(s, e, ts);
}

bool tr_socks_conversation(const struct tr_socks *s, const struct tr_endpoint *a,
			const struct tr_endpoint *b, int64_t ts)
{
	return (tr_socks_owns(s, a, ts) && known(s, b, ts)) || (tr_socks_owns(s, b, ts) && known(s, a, ts));
}

uint32_t tr_sock_span_call(const struct tr_sock_span *v, size_t n, uint64_t off)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (off < v[mid].off)
			hi = mid;
		else if (off >= v[mid].off + v[mid].len)
			lo = mid + 1;
		else
			return v[mid].call;
	}
	return 0;
}

uint32_t tr_sock_seq_call(const struct tr_sock_span *v, size_t n, uint32_t seq, bool *told)
{
	size_t lo = 0, hi = n;
	uint32_t base, at;

	*told = n > 0 && v[0].has_seq;
	if (!*told)
		return 0;
	/* positions from the first send's first byte: they ascend (mod 2^32,
	 * within 4 GiB of the first send) */
	base = v[0].seq;
	at = seq - base;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint32_t start = v[mid].seq - base;

		if (!v[mid].has_seq)
			return 0;
		if (at < start)
			hi = mid;
		else if ((uint64_t)(at - start) >= v[mid].len)
			lo = mid + 1;
		else
			return v[mid].call;
	}
	return 0;
}

struct tr_sock *tr_socks_claim_syn(struct tr_socks *s, const struct trace *t, const struct tr_packet *p)
{
	for (size_t i = 0; i < t->ncalls; i++) {
		const struct tr_call *k = &t->calls[i];

		if (strcmp(k->name, "connect") != 0 || !s->call_sock[i] || k->t_enter > p->ts ||
		    (k->t_exit >= 0 && k->t_exit < p->ts))
			continue;
		if (k->args.addr.family == 0 || !tr_endpoint_eq(&k->args.addr, &p->dst))
			continue;
		struct tr_sock *so = &s->v[s->call_sock[i] - 1];
		if (so->type != SOCK_STREAM)
			continue;
		if (so->local.family == 0 || so->local.port == 0 || addr_any(&so->local))
			so->local = p->src;
		if (known_add(s, &p->src) < 0)
			return NULL;
		if (so->peer.family == 0)
			so->peer = p->dst;
		return so;
	}
	return NULL;
}
