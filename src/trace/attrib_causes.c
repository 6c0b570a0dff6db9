/* Attribution's packet causes: a packet is tied to the call on the sending
 * socket that explains it (connect for the SYN, the send whose bytes it
 * carries by stream offset, shutdown or close for the FIN, close with
 * unread data for an RST); everything else a traced end sends is the
 * kernel's own (SYN-ACK, ACKs, window updates, retransmissions). */
#include "trace/attrib_ctx.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "pkt/packet.h"
#include "trace/kobs.h"

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

/* The kernel's own reason when its observer recorded one for p, else
 * the rules' guess. */
static void cause_kernel_told(struct ctx *c, struct tr_packet *p, enum tr_kev_kind kind,
			      const char *guess)
{
	const struct tr_kevent *k = tr_attrib_kevent(c, p, kind);
	const char *why = k ? tr_kevent_why(k) : NULL;

	cause_kernel(p, why ? why : guess);
	p->why_kernel = why != NULL;
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
	struct dir *mine = tr_attrib_dir_get(&c->dirs, &p->src, &p->dst, true);
	struct dir *theirs = tr_attrib_dir_get(&c->dirs, &p->dst, &p->src, false);
	struct tr_sock *k = tcp_sender(c, p);
	uint32_t idx = p->no - 1;

	if (!mine || tr_attrib_dir_push(mine, idx) < 0)
		return -1;
	if (!k && (p->flags & TCP_SYN) && !(p->flags & TCP_ACK))
		k = tr_socks_claim_syn(c->s, c->t, p);

	if (p->flags & TCP_RST) {
		if (k && k->close_call && c->t->calls[k->close_call - 1].t_enter <= p->ts &&
		    (k->close_unread || k->close_linger0))
			cause_call(p, k->close_call,
				   k->close_unread ? "close with unread data" : "close with SO_LINGER 0");
		else if (!tr_socks_owns(c->s, &p->src, p->ts))
			cause_kernel_told(c, p, TR_KEV_RST_SENT, "RST: nothing listens on this port");
		else
			cause_kernel_told(c, p, TR_KEV_RST_SENT, "RST: no such connection");
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
			cause_kernel_told(c, p, TR_KEV_RETRANS, "retransmission");
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


int tr_attrib_cause(struct ctx *c, struct tr_packet *p)
{
	if (p->proto == IPPROTO_TCP)
		return packet_tcp(c, p);
	if (p->proto == IPPROTO_UDP)
		packet_udp(c, p);
	else
		cause_kernel(p, icmp_why(p));
	return 0;
}
