/* One state machine per connection end (local, peer) and per listener,
 * driven by the packets in capture order. On loopback the capture sees a
 * packet when it is sent and received at once, so both ends move with it. */
#include "trace/tcpstate.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "pkt/packet.h"

struct end {
	struct tr_endpoint local, peer;  /* peer.family == 0: a listener */
	enum tr_tcp_state st;
	bool fin_sent;
	uint32_t fin_rseq;
	uint32_t lane;
};

struct machine {
	struct trace *t;
	const struct tr_socks *s;
	struct end *v;
	size_t n, cap;
	size_t states_cap;
};

static struct end *end_find(struct machine *m, const struct tr_endpoint *local,
			    const struct tr_endpoint *peer)
{
	for (size_t i = m->n; i-- > 0;)
		if (tr_endpoint_eq(&m->v[i].local, local) &&
		    (peer ? tr_endpoint_eq(&m->v[i].peer, peer) : m->v[i].peer.family == 0))
			return &m->v[i];
	return NULL;
}

static struct end *end_new(struct machine *m, const struct tr_endpoint *local,
			   const struct tr_endpoint *peer, enum tr_tcp_state st, uint32_t lane)
{
	if (tr_grow(&m->v, &m->cap, m->n, sizeof *m->v, 16) < 0)
		return NULL;
	struct end *e = &m->v[m->n++];
	memset(e, 0, sizeof *e);
	e->local = *local;
	if (peer)
		e->peer = *peer;
	e->st = st;
	e->lane = lane;
	return e;
}

static int change(struct machine *m, struct end *e, enum tr_tcp_state to, int64_t ts,
		  uint32_t packet, uint32_t call)
{
	struct trace *t = m->t;

	if (e->st == to)
		return 0;
	if (tr_grow(&t->states, &m->states_cap, t->nstates, sizeof *t->states, 32) < 0)
		return -1;
	t->states[t->nstates++] = (struct tr_state){
		.ts = ts, .packet = packet, .call = call, .local = e->local, .peer = e->peer,
		.lane = e->lane, .from = e->st, .to = to,
	};
	e->st = to;
	return 0;
}

/* The end a packet leaves from or arrives at, when a traced socket owns it.
 * A SYN arriving at a listener starts a new end in LISTEN. */
static struct end *packet_end(struct machine *m, const struct tr_packet *p, bool sender)
{
	const struct tr_endpoint *me = sender ? &p->src : &p->dst;
	const struct tr_endpoint *other = sender ? &p->dst : &p->src;
	uint32_t lane = sender ? p->lane_from : p->lane_to;
	struct end *e = end_find(m, me, other);
	bool syn = (p->flags & TCP_SYN) && !(p->flags & TCP_ACK);

	if (syn && e && (e->st == TCPS_CLOSED || e->st == TCPS_TIME_WAIT)) {
		/* the same ports used again: a new connection */
		e->st = TCPS_CLOSED;
		e->fin_sent = false;
	}
	if (e)
		return e;
	if (m->t->lanes[lane].pid == 0)
		return NULL;
	if (syn && sender)
		return end_new(m, me, other, TCPS_CLOSED, lane);
	if (syn && !sender && tr_socks_listener(m->s, me, p->ts))
		return end_new(m, me, other, TCPS_LISTEN, lane);
	if (tr_socks_stream(m->s, me, other, p->ts))
		return end_new(m, me, other, TCPS_ESTABLISHED, lane); /* seen mid-way */
	return NULL;
}

static int on_packet(struct machine *m, const struct tr_packet *p)
{
	struct end *snd = packet_end(m, p, true);
	struct end *rcv = packet_end(m, p, false);
	int64_t ts = p->ts;
	uint32_t no = p->no;
	int rc = 0;

	if (!snd && !rcv)
		return 0;
	if (p->flags & TCP_RST) {
		if (snd && snd->st != TCPS_LISTEN)
			rc |= change(m, snd, TCPS_CLOSED, ts, no, 0);
		if (rcv && rcv->st != TCPS_LISTEN && rcv->st != TCPS_TIME_WAIT)
			rc |= change(m, rcv, TCPS_CLOSED, ts, no, 0);
		return rc;
	}
	if (p->flags & TCP_SYN) {
		if (!(p->flags & TCP_ACK)) {
			if (snd && snd->st == TCPS_CLOSED)
				rc |= change(m, snd, TCPS_SYN_SENT, ts, no, 0);
		} else {
			if (snd && snd->st == TCPS_LISTEN)
				rc |= change(m, snd, TCPS_SYN_RCVD, ts, no, 0);
			if (rcv && rcv->st == TCPS_SYN_SENT)
				rc |= change(m, rcv, TCPS_ESTABLISHED, ts, no, 0);
		}
		return rc;
	}
	/* The ACK first: it may finish the receiver's own close. */
	if (rcv && (p->flags & TCP_ACK)) {
		bool acks_fin = rcv->fin_sent && p->rel && p->rack == rcv->fin_rseq + 1;

		if (rcv->st == TCPS_SYN_RCVD)
			rc |= change(m, rcv, TCPS_ESTABLISHED, ts, no, 0);
		else if (acks_fin && rcv->st == TCPS_FIN_WAIT_1)
			rc |= change(m, rcv, TCPS_FIN_WAIT_2, ts, no, 0);
		else if (acks_fin && rcv->st == TCPS_CLOSING)
			rc |= change(m, rcv, TCPS_TIME_WAIT, ts, no, 0);
		else if (acks_fin && rcv->st == TCPS_LAST_ACK)
			rc |= change(m, rcv, TCPS_CLOSED, ts, no, 0);
	}
	if (p->flags & TCP_FIN) {
		if (snd && !snd->fin_sent) {
			snd->fin_sent = true;
			snd->fin_rseq = p->rseq + p->len;
			if (snd->st == TCPS_ESTABLISHED || snd->st == TCPS_SYN_RCVD)
				rc |= change(m, snd, TCPS_FIN_WAIT_1, ts, no, 0);
			else if (snd->st == TCPS_CLOSE_WAIT)
				rc |= change(m, snd, TCPS_LAST_ACK, ts, no, 0);
		}
		if (rcv) {
			if (rcv->st == TCPS_ESTABLISHED || rcv->st == TCPS_SYN_RCVD)
				rc |= change(m, rcv, TCPS_CLOSE_WAIT, ts, no, 0);
			else if (rcv->st == TCPS_FIN_WAIT_1)
				rc |= change(m, rcv, TCPS_CLOSING, ts, no, 0);
			else if (rcv->st == TCPS_FIN_WAIT_2)
				rc |= change(m, rcv, TCPS_TIME_WAIT, ts, no, 0);
		}
	}
	return rc;
}

/* listen() and closing a listener are the only calls that change a state
 * without a packet. */
static int on_call(struct machine *m, const struct tr_call *c, uint32_t sock)
{
	const struct tr_sock *k = sock ? &m->s->v[sock - 1] : NULL;
	int64_t ts = c->t_exit >= 0 ? c->t_exit : c->t_enter;
	struct end *e;

	if (!k || !k->listener || k->local.family == 0)
		return 0;
	e = end_find(m, &k->local, NULL);
	if (strcmp(c->name, "listen") == 0 && c->ret == 0) {
		if (!e && !(e = end_new(m, &k->local, NULL, TCPS_CLOSED, c->lane)))
			return -1;
		return change(m, e, TCPS_LISTEN, ts, 0, c->id);
	}
	if (strcmp(c->name, "close") == 0 && e)
		return change(m, e, TCPS_CLOSED, ts, 0, c->id);
	return 0;
}

static const struct trace *sort_trace;

static int64_t call_done(const struct tr_call *c)
{
	return c->t_exit >= 0 ? c->t_exit : c->t_enter;
}

static int by_done(const void *a, const void *b)
{
	int64_t x = call_done(&sort_trace->calls[*(const uint32_t *)a]);
	int64_t y = call_done(&sort_trace->calls[*(const uint32_t *)b]);

	return x < y ? -1 : x > y;
}

int tr_tcpstate_run(struct trace *t, const struct tr_socks *s)
{
	struct machine m = { .t = t, .s = s };
	uint32_t *ev = malloc((t->ncalls + 1) * sizeof *ev);
	size_t nev = 0, ci = 0, pi = 0;
	int rc = 0;

	if (!ev)
		return -1;
	for (size_t i = 0; i < t->ncalls; i++)
		if (strcmp(t->calls[i].name, "listen") == 0 || strcmp(t->calls[i].name, "close") == 0)
			ev[nev++] = (uint32_t)i;
	sort_trace = t;
	qsort(ev, nev, sizeof *ev, by_done);
	/* Merge those calls (at their return) and the packets by time; a call
	 * goes first on a tie. Which list is exhausted is decided by the
	 * indices alone: a time can be any int64_t, so no time value can stand
	 * for "none left". */
	while (rc == 0 && (ci < nev || pi < t->npackets)) {
		bool call_next = pi >= t->npackets ||
				 (ci < nev && call_done(&t->calls[ev[ci]]) <= t->packets[pi].ts);

		if (call_next) {
			rc = on_call(&m, &t->calls[ev[ci]], s->call_sock[ev[ci]]);
			ci++;
		} else {
			if (t->packets[pi].proto == IPPROTO_TCP)
				rc = on_packet(&m, &t->packets[pi]);
			pi++;
		}
	}
	free(ev);
	free(m.v);
	return rc;
}
