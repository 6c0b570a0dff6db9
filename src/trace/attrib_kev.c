/* Attribution's use of the kernel's own word: the event the kernel
 * observer recorded for a packet it sent on its own (a retransmission, a
 * RST), matched by endpoints, sequence number and time. Each event names
 * one packet. */
#include "trace/attrib_ctx.h"

/* How far a packet's capture stamp may lie from its event: the capture
 * stamps a frame after the tracepoint fired, and a little skew between
 * the two clocks is allowed the other way. */
#define KEV_AFTER_NS (1000LL * 1000 * 1000)
#define KEV_BEFORE_NS (5LL * 1000 * 1000)

const struct tr_kevent *tr_attrib_kevent(struct ctx *c, const struct tr_packet *p,
					  enum tr_kev_kind kind)
{
	const struct trace *t = c->t;

	if (!c->kev_used)
		return NULL;
	for (size_t i = 0; i < t->nkevents; i++) {
		const struct tr_kevent *k = &t->kevents[i];

		if (k->ts > p->ts + KEV_BEFORE_NS)
			break;
		if (c->kev_used[i] || k->kind != kind || p->ts - k->ts > KEV_AFTER_NS)
			continue;
		if (!tr_endpoint_eq(&k->src, &p->src) || !tr_endpoint_eq(&k->dst, &p->dst))
			continue;
		/* a RST's seq is known when it answers an ACK */
		if (k->seq != p->seq && (kind == TR_KEV_RETRANS || k->seq != 0))
			continue;
		c->kev_used[i] = true;
		return k;
	}
	return NULL;
}
