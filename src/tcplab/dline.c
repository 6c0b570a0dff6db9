/* The delay line's queue and drop decision (see dline.h); no I/O. */
#include "tcplab/dline.h"

#include <stdlib.h>
#include <string.h>

bool tl_dropper_next(struct tl_dropper *d, struct rng *r, uint32_t seq)
{
	const struct tl_droprule *rule = d->rule;
	uint64_t n = ++d->nseg;
	bool drop = false;

	for (size_t i = 0; i < rule->ndrop; i++) {
		if (rule->drop[i] == n) {
			drop = true;
			d->rtx_seq[i] = seq;
			d->rtx_left[i] = rule->rtx_drops;
		} else if (d->rtx_left[i] && d->rtx_seq[i] == seq) {
			drop = true; /* a retransmission of a segment dropped by number */
			d->rtx_left[i]--;
		}
	}
	if (rule->every && n % rule->every == 0)
		drop = true;
	if (rule->loss_ppm && r && rng_below(r, 1000000) < rule->loss_ppm)
		drop = true;
	if (drop)
		d->ndropped++;
	return drop;
}

bool tl_dropper_dup(const struct tl_dropper *d)
{
	return d->rule->dup && d->rule->dup == d->nseg;
}

void tl_dropper_reset(struct tl_dropper *d)
{
	d->nseg = 0;
	memset(d->rtx_left, 0, sizeof d->rtx_left);
}

int tl_dline_init(struct tl_dline *q, size_t cap, uint64_t delay_us)
{
	memset(q, 0, sizeof *q);
	q->v = calloc(cap ? cap : 1, sizeof *q->v);
	if (!q->v)
		return -1;
	q->cap = cap ? cap : 1;
	q->delay_us = delay_us;
	return 0;
}

void tl_dline_free(struct tl_dline *q)
{
	free(q->v);
	memset(q, 0, sizeof *q);
}

bool tl_dline_push(struct tl_dline *q, const uint8_t *data, size_t len, uint64_t now_us)
{
	if (q->n == q->cap || len > TL_FRAME_MAX) {
		q->dropped_full++;
		return false;
	}
	struct tl_held *h = &q->v[(q->head + q->n) % q->cap];

	h->in_us = now_us;
	h->due_us = now_us + q->delay_us;
	h->len = (uint16_t)len;
	memcpy(h->data, data, len);
	q->n++;
	return true;
}

const struct tl_held *tl_dline_due(const struct tl_dline *q, uint64_t now_us)
{
	if (!q->n || q->v[q->head].due_us > now_us)
		return NULL;
	return &q->v[q->head];
}

void tl_dline_pop(struct tl_dline *q)
{
	if (!q->n)
		return;
	q->head = (q->head + 1) % q->cap;
	q->n--;
}

uint64_t tl_dline_next_due(const struct tl_dline *q)
{
	return q->n ? q->v[q->head].due_us : UINT64_MAX;
}

/* The TCP header of an IPv4 frame, or NULL; *tot the IP total length. */
static const uint8_t *tcp_of(const uint8_t *f, size_t len, size_t *ihl_out, size_t *tot_out)
{
	if (len < 14 + 20 || f[12] != 0x08 || f[13] != 0x00)
		return NULL;
	const uint8_t *ip = f + 14;
	size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
	size_t tot = (size_t)ip[2] << 8 | ip[3];

	if ((ip[0] >> 4) != 4 || ip[9] != 6 || ihl < 20 || len < 14 + ihl + 20 || tot > len - 14)
		return NULL;
	if ((ip[6] & 0x1f) || ip[7]) /* a later fragment */
		return NULL;
	*ihl_out = ihl;
	*tot_out = tot;
	return ip + ihl;
}

bool tl_frame_is_syn(const uint8_t *f, size_t len)
{
	size_t ihl, tot;
	const uint8_t *t = tcp_of(f, len, &ihl, &tot);

	return t && (t[13] & 0x12) == 0x02;
}

bool tl_frame_is_data(const uint8_t *f, size_t len, uint32_t *seq)
{
	size_t ihl, tot;
	const uint8_t *t = tcp_of(f, len, &ihl, &tot);

	if (!t)
		return false;
	size_t thl = (size_t)(t[12] >> 4) * 4;

	if (seq)
		*seq = (uint32_t)t[4] << 24 | (uint32_t)t[5] << 16 | (uint32_t)t[6] << 8 | t[7];
	return tot > ihl + thl;
}
