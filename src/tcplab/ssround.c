/* Slow start's rounds from samples (see ssround.h). */
#include "tcplab/ssround.h"

#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void tl_ss_read(const struct tl_sample *v, size_t n, int64_t rtt_us, struct tl_ss *out)
{
	memset(out, 0, sizeof *out);
	if (!n || rtt_us <= 0)
		return;
	/* rounds are read half a round trip after each burst of ACKs began
	 * (the first one raised cwnd above its initial value), between bursts */
	size_t first = 0;

	while (first < n && v[first].cwnd <= v[0].cwnd && !v[first].total_retrans)
		first++;
	int64_t t0 = first < n ? v[first].t_us + rtt_us / 2 - rtt_us : v[0].t_us;
	bool limited = false;
	double q[TL_SS_ROUNDS_MAX];
	size_t nq = 0;

	for (size_t i = 0; i < n; i++) {
		const struct tl_sample *x = &v[i];

		if (x->total_retrans || x->ssthresh < TL_SS_INFINITE) {
			out->loss = true;
			out->loss_sample = i;
			break;
		}
		/* the peer's window held the sender back somewhere in this round */
		if (x->snd_wnd && x->snd_mss &&
		    (uint64_t)(x->unacked + 1) * x->snd_mss >= x->snd_wnd)
			limited = true;
		if (out->n < TL_SS_ROUNDS_MAX && x->t_us >= t0 + (int64_t)out->n * rtt_us) {
			struct tl_ssround *r = &out->r[out->n];

			r->cwnd = x->cwnd;
			if (out->n) {
				struct tl_ssround *p = &out->r[out->n - 1];

				p->rwnd_limited = limited;
				r->ratio = p->cwnd ? (double)r->cwnd / p->cwnd : 0;
				if (!limited && nq < TL_SS_ROUNDS_MAX)
					q[nq++] = r->ratio;
			}
			limited = false;
			out->n++;
		}
	}
	out->nratios = nq;
	if (nq) {
		qsort(q, nq, sizeof q[0], cmp_double);
		out->ratio_median = nq % 2 ? q[nq / 2] : (q[nq / 2 - 1] + q[nq / 2]) / 2;
	}
}
