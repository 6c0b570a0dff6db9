/* The time-sequence graph's content (see tseq.h). */
#include "tcplab/tseq.h"

#include <stdlib.h>
#include <string.h>

#include "pkt/packet.h"

/* A data segment sent once and not yet acknowledged: a candidate for an
 * RTT measurement, unless a retransmission covers any of its bytes. */
struct pending {
	uint64_t lo, hi;
	int64_t t_us;
	bool spoiled;
};

/* Sequence number x made relative to isn and unwrapped near ref (a
 * relative position already seen). */
static uint64_t rel(uint32_t x, uint32_t isn, uint64_t ref)
{
	uint32_t r = x - isn;
	uint64_t base = ref & ~(uint64_t)0xffffffffu;
	uint64_t c = base | r;

	/* pick the candidate of the 2^32 wraps nearest ref */
	if (c + 0x80000000u < ref)
		c += 0x100000000ull;
	else if (c > ref + 0x80000000u && c >= 0x100000000ull)
		c -= 0x100000000ull;
	return c;
}

static uint32_t isn_of(const struct tl_seg *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i].out && (s[i].flags & TCP_SYN))
			return s[i].seq;
	for (size_t i = 0; i < n; i++)
		if (s[i].out)
			return s[i].seq - 1; /* the SYN was missed: its byte before the first */
	return 0;
}

/* Karn: a retransmission of [lo, hi) spoils every pending measurement
 * overlapping it. */
static void spoil(struct pending *p, size_t np, uint64_t lo, uint64_t hi)
{
	for (size_t i = 0; i < np; i++)
		if (p[i].hi > lo && p[i].lo < hi)
			p[i].spoiled = true;
}

static void add_sacks(const struct tl_seg *x, uint32_t isn, uint64_t ref, struct tl_tseq_pt *q)
{
	q->nsack = x->nsack < TL_SEG_SACKS ? x->nsack : TL_SEG_SACKS;
	for (uint8_t b = 0; b < q->nsack; b++) {
		q->sack[b][0] = rel(x->sack[b][0], isn, ref);
		q->sack[b][1] = rel(x->sack[b][1], isn, ref);
	}
}

int tl_tseq_build(const struct tl_seg *s, size_t n, unsigned rcv_wscale, struct tl_tseq *t)
{
	memset(t, 0, sizeof *t);
	t->pt = calloc(n + 1, sizeof *t->pt);
	t->rtt = calloc(n + 1, sizeof *t->rtt);
	struct pending *p = calloc(n + 1, sizeof *p);

	if (!t->pt || !t->rtt || !p) {
		free(p);
		tl_tseq_free(t);
		return -1;
	}
	uint32_t isn = isn_of(s, n);
	uint64_t high = 1, last_ack = 0;  /* the SYN took byte 0 */
	uint32_t last_win = 0;
	bool have_ack = false;
	size_t np = 0, head = 0;          /* pending p[head..np) */

	if (rcv_wscale > 14)
		rcv_wscale = 14;
	for (size_t i = 0; i < n; i++) {
		const struct tl_seg *x = &s[i];
		struct tl_tseq_pt *q = &t->pt[t->n];

		if (x->flags & (TCP_SYN | TCP_RST))
			continue;
		if (x->out) {
			if (!x->len) {
				uint64_t at = rel(x->seq, isn, high);

				if (!have_ack || (x->flags & TCP_FIN) || at + 1 != last_ack)
					continue; /* a pure ACK (or the FIN) */
				*q = (struct tl_tseq_pt){ .t_us = x->t_us, .kind = TL_TS_PROBE,
							  .lo = at, .hi = at };
				t->nprobe++;
				t->n++;
				continue;
			}
			uint64_t lo = rel(x->seq, isn, high), hi = lo + x->len;

			*q = (struct tl_tseq_pt){ .t_us = x->t_us, .lo = lo, .hi = hi };
			if (lo < high) {
				q->kind = TL_TS_RTX;
				t->nrtx++;
				spoil(p + head, np - head, lo, hi);
			} else {
				q->kind = TL_TS_DATA;
				t->ndata++;
				p[np++] = (struct pending){ .lo = lo, .hi = hi, .t_us = x->t_us };
			}
			if (hi > high)
				high = hi;
			t->n++;
			continue;
		}
		if (!(x->flags & TCP_ACK))
			continue;
		uint64_t ack = rel(x->ack, isn, have_ack ? last_ack : high);
		uint64_t edge = ack + ((uint64_t)x->win << rcv_wscale);

		*q = (struct tl_tseq_pt){ .t_us = x->t_us, .kind = TL_TS_ACK, .lo = ack, .hi = edge };
		add_sacks(x, isn, ack, q);
		if (have_ack && ack == last_ack && x->len == 0 && x->win == last_win && high > ack) {
			q->kind = TL_TS_DUPACK;
			t->ndup++;
		}
		t->nack++;
		t->nsack += q->nsack > 0;
		if (edge > t->edge_max)
			t->edge_max = edge;
		/* the first ACK covering a pending segment measures it */
		while (head < np && p[head].hi <= ack) {
			if (!p[head].spoiled)
				t->rtt[t->nrtt++] = (struct tl_rttpt){ x->t_us, x->t_us - p[head].t_us };
			head++;
		}
		if (!have_ack || ack > last_ack)
			last_ack = ack;
		last_win = x->win;
		have_ack = true;
		t->n++;
	}
	t->seq_max = high;
	free(p);
	return 0;
}

bool tl_tseq_zoom(const struct tl_tseq *t, int64_t *ta, int64_t *tb)
{
	const struct tl_tseq_pt *r = NULL;
	int64_t rtt = 0, t_orig = -1;

	for (size_t i = 0; i < t->n && !r; i++)
		if (t->pt[i].kind == TL_TS_RTX)
			r = &t->pt[i];
	if (!r)
		return false;
	for (size_t i = 0; i < t->nrtt; i++) /* the least: the path's, without queues */
		if (!rtt || t->rtt[i].rtt_us < rtt)
			rtt = t->rtt[i].rtt_us;
	if (rtt <= 0)
		rtt = 50000;
	for (const struct tl_tseq_pt *q = t->pt; q < r && t_orig < 0; q++)
		if (q->kind == TL_TS_DATA && q->lo <= r->lo && r->lo < q->hi)
			t_orig = q->t_us;
	*ta = r->t_us - 3 * rtt / 2;
	if (t_orig >= 0 && t_orig - rtt / 2 < *ta)
		*ta = t_orig - rtt / 2;
	*tb = r->t_us + 5 * rtt / 2;
	return true;
}

void tl_tseq_free(struct tl_tseq *t)
{
	free(t->pt);
	free(t->rtt);
	memset(t, 0, sizeof *t);
}
