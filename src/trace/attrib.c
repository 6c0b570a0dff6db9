/* Attribution. A packet is tied to the call on the sending socket that
 * explains it: connect for the SYN, the send whose bytes it carries (by
 * stream offset, so segmentation and coalescing do not matter), shutdown or
 * close for the FIN, close with unread data for an RST; everything else a
 * traced end sends is the kernel's own (SYN-ACK, ACKs, window updates,
 * retransmissions). A blocking call is tied to the arrival it waited for:
 * connect to the SYN-ACK or RST, accept to the handshake's last ACK, a read
 * to the segment holding its first byte, the FIN or the RST, recvfrom to its
 * datagram. */
#include "trace/attrib.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "pkt/packet.h"

/* One direction of a TCP connection, as the packets show it. */
struct dir {
	struct tr_endpoint from, to;
	uint32_t *pk;             /* packet indices, capture order */
	size_t n, cap;
	bool syn, fin;
	uint32_t syn_seq, fin_rseq;
	uint64_t max_end;         /* highest relative sequence end sent */
	size_t rd_cursor;         /* pk[] before it: read by the receiver already */
	bool have_ack;
	uint32_t last_ack;
	uint16_t last_win;
};

struct dirs {
	struct dir *v;
	size_t n, cap;
};

static struct dir *dir_get(struct dirs *d, const struct tr_endpoint *from,
			   const struct tr_endpoint *to, bool create)
{
	for (size_t i = d->n; i-- > 0;)
		if (tr_endpoint_eq(&d->v[i].from, from) && tr_endpoint_eq(&d->v[i].to, to))
			return &d->v[i];
	if (!create)
		return NULL;
	if (d->n == d->cap) {
		size_t nc = d->cap ? d->cap * 2 : 16;
		struct dir *nv = realloc(d->v, nc * sizeof *nv);
		if (!nv)
			return NULL;
		d->v = nv;
		d->cap = nc;
	}
	struct dir *x = &d->v[d->n++];
	memset(x, 0, sizeof *x);
	x->from = *from;
	x->to = *to;
	return x;
}

static int dir_push(struct dir *x, uint32_t idx)
{
	if (x->n == x->cap) {
		size_t nc = x->cap ? x->cap * 2 : 16;
		uint32_t *nv = realloc(x->pk, nc * sizeof *nv);
		if (!nv)
			return -1;
		x->pk = nv;
		x->cap = nc;
	}
	x->pk[x->n++] = idx;
	return 0;
}

static void dirs_free(struct dirs *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].pk);
	free(d->v);
}

/* ---- lanes ---- */

static uint32_t lane_add(struct trace *t, size_t *cap)
{
	if (t->nlanes == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		struct tr_lane *nv = realloc(t->lanes, nc * sizeof *nv);
		if (!nv)
			return UINT32_MAX;
		t->lanes = nv;
		*cap = nc;
	}
	memset(&t->lanes[t->nlanes], 0, sizeof t->lanes[0]);
	return (uint32_t)t->nlanes++;
}

static struct tr_proc *proc_of(struct trace *t, int32_t pid)
{
	for (size_t i = 0; i < t->nprocs; i++)
		if (t->procs[i].pid == pid)
			return &t->procs[i];
	return NULL;
}

/* "python3 seed002_server.py 6666" for "/usr/bin/python3 /x/seed002_server.py
 * 6666": the words that are paths shortened to their last part. */
static void short_cmdline(const char *cmd, char *out, size_t n)
{
	size_t o = 0;

	out[0] = '\0';
	while (*cmd && o + 1 < n) {
		size_t len = strcspn(cmd, " ");
		const char *w = cmd;
		const char *slash = memrchr(w, '/', len);

		if (slash && slash + 1 < w + len) {
			len -= (size_t)(slash + 1 - w);
			w = slash + 1;
		}
		o += (size_t)snprintf(out + o, n - o, "%s%.*s", o ? " " : "", (int)len, w);
		if (o >= n)
			break;
		cmd += strcspn(cmd, " ");
		cmd += strspn(cmd, " ");
	}
}

/* Procs that made calls get lanes: the client's first, then the server's. */
static int lanes_for_procs(struct trace *t, size_t *cap)
{
	bool *used = calloc(t->nprocs + 1, sizeof *used);

	if (!used)
		return -1;
	for (size_t i = 0; i < t->ncalls; i++) {
		struct tr_proc *p = proc_of(t, t->calls[i].pid);
		if (p)
			used[p - t->procs] = true;
	}
	for (int server = 0; server <= 1; server++) {
		size_t nrole = 0;

		for (size_t i = 0; i < t->nprocs; i++) {
			struct tr_proc *p = &t->procs[i];
			if (!used[i] || p->server != server)
				continue;
			uint32_t l = lane_add(t, cap);
			if (l == UINT32_MAX) {
				free(used);
				return -1;
			}
			p->lane = l;
			nrole++;
			const char *role = server ? "server" : "client";
			char cmd[80];
			short_cmdline(p->cmdline, cmd, sizeof cmd);
			if (nrole == 1)
				snprintf(t->lanes[l].label, sizeof t->lanes[l].label, "%s: %s (pid %d)",
					 role, cmd, p->pid);
			else
				snprintf(t->lanes[l].label, sizeof t->lanes[l].label, "%s %zu: %s (pid %d)",
					 role, nrole, cmd, p->pid);
			t->lanes[l].pid = p->pid;
		}
	}
	free(used);
	return 0;
}

static uint32_t lane_for_addr(struct trace *t, size_t *cap, const struct tr_endpoint *e)
{
	char a[TR_ADDRSTR_MAX];

	for (size_t i = 0; i < t->nlanes; i++)
		if (t->lanes[i].pid == 0 && tr_endpoint_eq(&t->lanes[i].addr, e))
			return (uint32_t)i;
	uint32_t l = lane_add(t, cap);
	if (l == UINT32_MAX)
		return l;
	t->lanes[l].addr = *e;
	snprintf(t->lanes[l].label, sizeof t->lanes[l].label, "%s (no traced process)",
		 tr_endpoint_format(e, a, sizeof a));
	snprintf(t->lanes[l].addrs, sizeof t->lanes[l].addrs, "%s", a);
	return l;
}

static void lane_note_addr(struct tr_lane *l, const struct tr_endpoint *e)
{
	char a[TR_ADDRSTR_MAX];
	size_t len = strlen(l->addrs);

	tr_endpoint_format(e, a, sizeof a);
	/* whole words only: "127.0.0.1:6666" must not match inside another */
	for (const char *p = l->addrs; (p = strstr(p, a)) != NULL; p++)
		if ((p == l->addrs || p[-1] == ' ') && (p[strlen(a)] == ' ' || p[strlen(a)] == '\0'))
			return;
	if (len + strlen(a) + 2 < sizeof l->addrs)
		snprintf(l->addrs + len, sizeof l->addrs - len, "%s%s", len ? " " : "", a);
}

/* ---- packet causes ---- */

/* Indices in time order with a cursor before which everything is used:
 * a socket's datagram sends, or the datagrams that arrived at it. Matching
 * walks from the cursor, so a long trace is matched in linear time. */
struct queue {
	uint32_t *v;
	size_t n, cap, cursor;
};

struct ctx {
	struct trace *t;
	struct tr_socks *s;
	struct dirs dirs;
	size_t lanes_cap;
	bool *consumed;           /* per packet: a datagram some read took */
	uint32_t *used;           /* per call: datagrams a send explains */
	struct queue *sends;      /* per socket: its datagram send calls */
	struct queue *arrivals;   /* per socket: the datagrams to it */
};

static int queue_push(struct queue *q, uint32_t x)
{
	if (q->n == q->cap) {
		size_t nc = q->cap ? q->cap * 2 : 16;
		uint32_t *nv = realloc(q->v, nc * sizeof *nv);
		if (!nv)
			return -1;
		q->v = nv;
		q->cap = nc;
	}
	q->v[q->n++] = x;
	return 0;
}

static void queues_free(struct queue *q, size_t n)
{
	for (size_t i = 0; q && i < n; i++)
		free(q[i].v);
	free(q);
}

static void cause_call(struct tr_packet *p, uint32_t id, const char *why)
{
	p->cause = id ? TR_CAUSE_CALL : TR_CAUSE_UNKNOWN;
	p->caused_by = id;
	p->why = why;
}

static void cause_kernel(struct tr_packet *p, const char *why)
{
	p->cause = TR_CAUSE_KERNEL;
	p->why = why;
}

/* The sending socket of a TCP packet: the connection's end, or for a
 * SYN-ACK the listener. */
static struct tr_sock *tcp_sender(struct ctx *c, const struct tr_packet *p)
{
	struct tr_sock *k = tr_socks_stream(c->s, &p->src, &p->dst, p->ts);

	if (!k && (p->flags & TCP_SYN) && (p->flags & TCP_ACK))
		k = tr_socks_listener(c->s, &p->src, p->ts);
	return k;
}

static void tcp_ack_cause(struct ctx *c, struct tr_packet *p, struct dir *mine, struct dir *theirs)
{
	uint32_t idx = p->no - 1;

	if (!p->rel) {
		cause_kernel(p, "ACK");
		return;
	}
	if (theirs && theirs->fin && p->rack == theirs->fin_rseq + 1 &&
	    (!mine->have_ack || mine->last_ack != p->rack)) {
		cause_kernel(p, "ACK of FIN");
		return;
	}
	if (mine->have_ack && p->rack == mine->last_ack) {
		if (p->win != mine->last_win)
			cause_kernel(p, "window update");
		else if (theirs && p->rseq + 1 == (uint32_t)mine->max_end)
			cause_kernel(p, "keepalive");
		else
			cause_kernel(p, "duplicate ACK");
		return;
	}
	/* New data acknowledged: how long after the newest segment it covers? */
	int64_t sent_ts = -1;
	if (theirs) {
		for (size_t i = theirs->n; i-- > 0;) {
			const struct tr_packet *d = &c->t->packets[theirs->pk[i]];
			if (theirs->pk[i] >= idx || d->len == 0)
				continue;
			if (d->rseq + d->len <= p->rack) {
				sent_ts = d->ts;
				break;
			}
		}
	}
	if (sent_ts >= 0 && p->ts - sent_ts >= ATTRIB_DELAYED_ACK_NS)
		cause_kernel(p, "delayed ACK");
	else
		cause_kernel(p, "ACK");
}

/* The call that sent a socket's FIN: whichever of shutdown and close came
 * first. */
static uint32_t fin_call(const struct ctx *c, const struct tr_sock *k, const char **why)
{
	uint32_t sh = k->shutdown_call, cl = k->close_call;

	if (sh && (!cl || c->t->calls[sh - 1].t_enter <= c->t->calls[cl - 1].t_enter)) {
		*why = "shutdown";
		return sh;
	}
	*why = cl ? "close" : NULL;
	return cl;
}

static int packet_tcp(struct ctx *c, struct tr_packet *p)
{
	struct dir *mine = dir_get(&c->dirs, &p->src, &p->dst, true);
	struct dir *theirs = dir_get(&c->dirs, &p->dst, &p->src, false);
	struct tr_sock *k = tcp_sender(c, p);
	uint32_t idx = p->no - 1;

	if (!mine || dir_push(mine, idx) < 0)
		return -1;
	if (!k && (p->flags & TCP_SYN) && !(p->flags & TCP_ACK))
		k = tr_socks_claim_syn(c->s, c->t, p);

	if (p->flags & TCP_RST) {
		if (k && k->close_call && c->t->calls[k->close_call - 1].t_enter <= p->ts &&
		    (k->close_unread || k->close_linger0))
			cause_call(p, k->close_call,
				   k->close_unread ? "close with unread data" : "close with SO_LINGER 0");
		else if (!tr_socks_owns(c->s, &p->src, p->ts))
			cause_kernel(p, "RST: nothing listens on this port");
		else
			cause_kernel(p, "RST: no such connection");
	} else if ((p->flags & TCP_SYN) && !(p->flags & TCP_ACK)) {
		if (mine->syn && mine->syn_seq == p->seq)
			cause_kernel(p, "SYN retransmission");
		else if (k && k->connect_call)
			cause_call(p, k->connect_call, "connect");
		else
			cause_call(p, 0, NULL);
		mine->syn = true;
		mine->syn_seq = p->seq;
		mine->max_end = 1;
	} else if (p->flags & TCP_SYN) {
		cause_kernel(p, mine->syn && mine->syn_seq == p->seq ? "SYN-ACK retransmission"
								      : "SYN-ACK from the listening socket");
		mine->syn = true;
		mine->syn_seq = p->seq;
		mine->max_end = 1;
	} else if (p->len > 0 && p->rel) {
		uint64_t start = p->rseq - 1, end = (uint64_t)p->rseq + p->len;
		uint32_t id = k ? tr_sock_span_call(k->sends, k->nsends, start) : 0;

		if (end <= mine->max_end)
			cause_kernel(p, "retransmission");
		else if (id)
			cause_call(p, id, (p->flags & TCP_FIN) ? "data, then FIN" : "data");
		else
			cause_call(p, 0, k ? "data no traced call wrote" : NULL);
		if ((p->flags & TCP_FIN) && k && end > mine->max_end) {
			const char *why;
			p->fin_by = fin_call(c, k, &why);
		}
	} else if (p->flags & TCP_FIN) {
		if (mine->fin && p->rel && p->rseq == mine->fin_rseq) {
			cause_kernel(p, "FIN retransmission");
		} else {
			const char *why = NULL;
			uint32_t id = k ? fin_call(c, k, &why) : 0;
			cause_call(p, id, why);
		}
	} else if (p->flags & TCP_ACK) {
		/* The handshake's last ACK is part of connect's work. */
		if (p->rel && p->rseq == 1 && p->rack == 1 && !mine->have_ack && k &&
		    k->connect_call && theirs && theirs->syn)
			cause_call(p, k->connect_call, "handshake ACK");
		else if (!k && !tr_socks_owns(c->s, &p->src, p->ts))
			cause_call(p, 0, NULL);
		else
			tcp_ack_cause(c, p, mine, theirs);
	}
	if (p->flags & TCP_FIN && p->rel && !mine->fin) {
		mine->fin = true;
		mine->fin_rseq = p->rseq + p->len;
	}
	if (p->rel) {
		uint64_t end = (uint64_t)p->rseq + p->len + ((p->flags & TCP_FIN) ? 1 : 0);
		if (end > mine->max_end)
			mine->max_end = end;
	}
	if (p->flags & TCP_ACK && p->rel) {
		mine->have_ack = true;
		mine->last_ack = p->rack;
		mine->last_win = p->win;
	}
	return 0;
}

/* A datagram: the send on a socket bound to its source that was running
 * when it left and offered that many bytes. Each send explains one datagram
 * (sendmmsg: as many as it returned). */
static void packet_udp(struct ctx *c, struct tr_packet *p)
{
	struct tr_sock *k = tr_socks_dgram(c->s, &p->src, p->ts);

	if (!k) {
		cause_call(p, 0, NULL);
		return;
	}
	struct queue *q = &c->sends[k - c->s->v];
	for (size_t j = q->cursor; j < q->n; j++) {
		uint32_t i = q->v[j];
		const struct tr_call *call = &c->t->calls[i];
		uint32_t can = strcmp(call->name, "sendmmsg") == 0 ? (uint32_t)call->ret : 1;

		if (call->t_enter > p->ts)
			break;
		if (c->used[i] >= can || (call->t_exit >= 0 && call->t_exit < p->ts) ||
		    (can == 1 && (uint64_t)call->ret != p->len))
			continue;
		c->used[i]++;
		/* sends that are used up or over are behind the cursor for good */
		while (q->cursor < q->n) {
			const struct tr_call *h = &c->t->calls[q->v[q->cursor]];
			uint32_t hc = strcmp(h->name, "sendmmsg") == 0 ? (uint32_t)h->ret : 1;
			if (c->used[q->v[q->cursor]] < hc && (h->t_exit < 0 || h->t_exit >= p->ts))
				break;
			q->cursor++;
		}
		cause_call(p, call->id, call->name);
		return;
	}
	cause_call(p, 0, "datagram no traced call sent");
}

static const char *icmp_why(const struct tr_packet *p)
{
	if (p->proto == IPPROTO_ICMP && p->icmp_type == 3 && p->icmp_code == 3)
		return "port unreachable";
	if (p->proto == IPPROTO_ICMPV6 && p->icmp_type == 1 && p->icmp_code == 4)
		return "port unreachable";
	return "ICMP error";
}

/* ---- lanes of packets ---- */

static uint32_t proc_lane(struct ctx *c, int32_t pid)
{
	struct tr_proc *p = proc_of(c->t, pid);

	return p ? p->lane : UINT32_MAX;
}

static uint32_t end_lane(struct ctx *c, const struct tr_packet *p, bool from)
{
	const struct tr_endpoint *me = from ? &p->src : &p->dst;
	const struct tr_endpoint *other = from ? &p->dst : &p->src;
	struct tr_sock *k = NULL;

	if (p->proto == IPPROTO_TCP) {
		k = tr_socks_stream(c->s, me, other, p->ts);
		if (!k)
			k = tr_socks_listener(c->s, me, p->ts);
	} else {
		k = tr_socks_dgram(c->s, me, p->ts);
		if (!k)
			k = tr_socks_stream(c->s, me, other, p->ts);
	}
	uint32_t l = k ? proc_lane(c, k->pid) : UINT32_MAX;
	if (l == UINT32_MAX)
		l = lane_for_addr(c->t, &c->lanes_cap, me);
	if (l != UINT32_MAX)
		lane_note_addr(&c->t->lanes[l], me);
	return l;
}

/* ---- call completions ---- */

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
	struct dir *in = so->peer.family ? dir_get(&c->dirs, &so->peer, &so->local, false) : NULL;

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
	struct dir *in = dir_get(&c->dirs, &nk->peer, &nk->local, false);

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

/* The stream offset a read started at; recvs are in call order. */
static bool read_offset(const struct tr_sock *so, uint32_t id, uint64_t *off)
{
	size_t lo = 0, hi = so->nrecvs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (so->recvs[mid].call < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == so->nrecvs || so->recvs[lo].call != id)
		return false;
	*off = so->recvs[lo].off;
	return true;
}

static void complete_stream_read(struct ctx *c, struct tr_call *k, struct tr_sock *so)
{
	struct dir *in = dir_get(&c->dirs, &so->peer, &so->local, false);
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
		struct dir *d = dir_get(&c->dirs, &so->peer, &so->local, false);
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

/* select/poll/epoll_wait: the first arrival at one of the process's
 * sockets while it waited. */
/* First packet stamped at or after ts (capture order is time order). */
static size_t packet_at(const struct trace *t, int64_t ts)
{
	size_t lo = 0, hi = t->npackets;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->packets[mid].ts < ts)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

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

static void completions(struct ctx *c)
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

/* Calls of a process that used several threads name their thread. */
static void mark_threaded(struct trace *t)
{
	for (size_t i = 0; i < t->nprocs; i++) {
		int32_t pid = t->procs[i].pid, first = 0;
		bool several = false;

		for (size_t j = 0; j < t->ncalls && !several; j++) {
			if (t->calls[j].pid != pid)
				continue;
			if (!first)
				first = t->calls[j].tid;
			several = t->calls[j].tid != first;
		}
		for (size_t j = 0; several && j < t->ncalls; j++)
			if (t->calls[j].pid == pid)
				t->calls[j].threaded = true;
	}
}

int tr_attrib_run(struct trace *t, struct tr_socks *s)
{
	struct ctx c = { .t = t, .s = s, .lanes_cap = t->nlanes };
	int rc = -1;

	c.used = calloc(t->ncalls + 1, sizeof *c.used);
	c.consumed = calloc(t->npackets + 1, sizeof *c.consumed);
	c.sends = calloc(s->n + 1, sizeof *c.sends);
	c.arrivals = calloc(s->n + 1, sizeof *c.arrivals);
	if (!c.used || !c.consumed || !c.sends || !c.arrivals ||
	    lanes_for_procs(t, &c.lanes_cap) < 0)
		goto out;
	for (size_t i = 0; i < t->ncalls; i++) {
		uint32_t si = s->call_sock[i];
		if (si && s->v[si - 1].type == SOCK_DGRAM && tr_sock_call_sends(&t->calls[i]) &&
		    t->calls[i].ret >= 0 && queue_push(&c.sends[si - 1], (uint32_t)i) < 0)
			goto out;
	}
	for (size_t i = 0; i < t->npackets; i++) {
		struct tr_sock *k = t->packets[i].proto == IPPROTO_UDP
					 ? tr_socks_dgram(s, &t->packets[i].dst, t->packets[i].ts)
					 : NULL;
		if (k && queue_push(&c.arrivals[k - s->v], (uint32_t)i) < 0)
			goto out;
	}
	mark_threaded(t);
	for (size_t i = 0; i < t->ncalls; i++) {
		struct tr_proc *p = proc_of(t, t->calls[i].pid);
		t->calls[i].lane = p ? p->lane : 0;
	}
	for (size_t i = 0; i < t->npackets; i++) {
		struct tr_packet *p = &t->packets[i];

		if (p->proto == IPPROTO_TCP) {
			if (packet_tcp(&c, p) < 0)
				goto out;
		} else if (p->proto == IPPROTO_UDP) {
			packet_udp(&c, p);
		} else {
			cause_kernel(p, icmp_why(p));
		}
		p->lane_from = end_lane(&c, p, true);
		p->lane_to = end_lane(&c, p, false);
		if (p->lane_from == UINT32_MAX || p->lane_to == UINT32_MAX)
			goto out;
	}
	completions(&c);
	rc = 0;
out:
	dirs_free(&c.dirs);
	free(c.consumed);
	free(c.used);
	queues_free(c.sends, s->n);
	queues_free(c.arrivals, s->n);
	return rc;
}
