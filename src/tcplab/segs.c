/* Measurements over captured segments (see segs.h). */
#include "tcplab/segs.h"

#include <string.h>

#include "pkt/packet.h"

/* seq a before b, modulo 2^32. */
static bool before(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

size_t tl_rounds(const struct tl_seg *s, size_t n, struct tl_round *r, size_t max)
{
	size_t k = 0;
	bool open = false;
	size_t first = 0;

	for (size_t i = 0; i < n; i++) {
		const struct tl_seg *g = &s[i];

		if (!g->out && g->len > 0) { /* the reply ends the round */
			if (open)
				k++;
			open = false;
			continue;
		}
		if (!g->out) {
			if (open && r[k].ack_after_us < 0 && (g->flags & TCP_ACK) &&
			    !before(g->ack, s[first].seq + s[first].len))
				r[k].ack_after_us = g->t_us - s[first].t_us;
			continue;
		}
		if (g->len == 0)
			continue;
		if (!open) {
			if (k >= max)
				break;
			memset(&r[k], 0, sizeof r[k]);
			r[k].gap_us = -1;
			r[k].ack_after_us = -1;
			first = i;
			open = true;
		}
		r[k].nseg++;
		if (r[k].nseg == 2) {
			r[k].gap_us = g->t_us - s[first].t_us;
			r[k].acked_first = r[k].ack_after_us >= 0;
		}
	}
	if (open && k < max)
		k++;
	return k;
}

void tl_first_rtx(const struct tl_seg *s, size_t n, struct tl_rtx *x)
{
	uint32_t high = 0;
	bool any = false;

	memset(x, 0, sizeof *x);
	for (size_t i = 0; i < n; i++) {
		const struct tl_seg *g = &s[i];

		if (!g->out || g->len == 0 || (g->flags & TCP_SYN))
			continue;
		if (any && before(g->seq, high)) {
			/* the original: the first earlier segment with this seq */
			for (size_t j = 0; j < i; j++)
				if (s[j].out && s[j].len && s[j].seq == g->seq) {
					x->orig = j;
					break;
				}
			x->rtx = i;
			x->found = true;
			/* ACKs of this number before the retransmission: a duplicate
			 * carries SACK blocks or repeats an earlier ACK's number (the
			 * first without SACK acknowledged new data) */
			unsigned seen = 0;

			for (size_t j = 0; j < i; j++) {
				const struct tl_seg *a = &s[j];

				if (a->out || a->len || !(a->flags & TCP_ACK) || a->ack != g->seq ||
				    (a->flags & (TCP_SYN | TCP_FIN | TCP_RST)))
					continue;
				if (++seen == 1 && !a->nsack)
					continue;
				x->dupacks++;
				if (a->nsack)
					x->sacked++;
				unsigned segs = g->len ? (a->sack_bytes + g->len - 1) / g->len : 0;

				if (segs > x->sacked_segs)
					x->sacked_segs = segs;
				/* Linux counts SACKed segments: one ACK may report two */
				if (!x->t_dup3_us && (x->dupacks >= 3 || x->sacked_segs >= 3))
					x->t_dup3_us = a->t_us;
			}
			return;
		}
		if (!any || before(high, g->seq + g->len))
			high = g->seq + g->len;
		any = true;
	}
}

int64_t tl_syn_rtt(const struct tl_seg *s, size_t n)
{
	int64_t syn = -1;

	for (size_t i = 0; i < n; i++) {
		if (s[i].out && (s[i].flags & TCP_SYN) && !(s[i].flags & TCP_ACK) && syn < 0)
			syn = s[i].t_us;
		if (!s[i].out && (s[i].flags & TCP_SYN) && (s[i].flags & TCP_ACK) && syn >= 0)
			return s[i].t_us - syn;
	}
	return -1;
}

size_t tl_rtx_list(const struct tl_seg *s, size_t n, struct tl_rtxseg *out, size_t max)
{
	uint32_t high = 0;
	bool any = false;
	size_t k = 0;

	for (size_t i = 0; i < n && k < max; i++) {
		const struct tl_seg *g = &s[i];

		if (!g->out || g->len == 0 || (g->flags & TCP_SYN))
			continue;
		if (any && before(g->seq, high)) {
			bool known = false;

			for (size_t j = 0; j < k; j++)
				if (out[j].seq == g->seq)
					known = true;
			if (known)
				continue;
			out[k] = (struct tl_rtxseg){ .seq = g->seq, .len = g->len, .t_rtx_us = g->t_us,
						     .rtx = i };
			for (size_t j = 0; j < i; j++)
				if (s[j].out && s[j].len && s[j].seq == g->seq) {
					out[k].t_orig_us = s[j].t_us;
					break;
				}
			k++;
			continue;
		}
		if (!any || before(high, g->seq + g->len))
			high = g->seq + g->len;
		any = true;
	}
	return k;
}

int64_t tl_acked_at(const struct tl_seg *s, size_t n, size_t from, uint32_t ack)
{
	for (size_t i = from; i < n; i++)
		if (!s[i].out && (s[i].flags & TCP_ACK) && !before(s[i].ack, ack))
			return s[i].t_us;
	return -1;
}

void tl_zero_window(const struct tl_seg *s, size_t n, struct tl_zwin *z)
{
	uint32_t una = 0;

	memset(z, 0, sizeof *z);
	z->t_zero_us = z->t_open_us = z->t_resume_us = -1;
	for (size_t i = 0; i < n; i++) {
		const struct tl_seg *g = &s[i];

		if (g->flags & (TCP_SYN | TCP_RST))
			continue;
		if (!g->out && (g->flags & TCP_ACK)) {
			una = g->ack;
			if (!z->closed && g->win == 0) {
				z->closed = true;
				z->t_zero_us = g->t_us;
			} else if (z->closed && z->t_open_us < 0 && g->win > 0) {
				z->t_open_us = g->t_us;
			}
			continue;
		}
		if (!g->out || !z->closed)
			continue;
		if (z->t_open_us < 0 && g->len == 0 && !(g->flags & TCP_FIN) && g->seq == una - 1 &&
		    z->nprobes < TL_PROBES_MAX)
			z->t_probe_us[z->nprobes++] = g->t_us;
		if (z->t_open_us >= 0 && g->len > 0 && z->t_resume_us < 0)
			z->t_resume_us = g->t_us;
	}
}
