/* Congestion avoidance's rounds from samples (see caround.h). */
#include "tcplab/caround.h"

#include <stdlib.h>
#include <string.h>

#include "tcplab/ssround.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double mean_inc(const uint32_t *c, size_t from, size_t to)
{
	if (to <= from)
		return 0;
	return ((double)c[to] - (double)c[from]) / (double)(to - from);
}

void tl_ca_read(const struct tl_sample *v, size_t n, int64_t rtt_us, struct tl_ca *out)
{
	size_t i = 0, open = 0;

	memset(out, 0, sizeof *out);
	for (; i < n; i++)
		if (v[i].ssthresh < TL_SS_INFINITE)
			break;
	if (i == n || rtt_us <= 0)
		return;
	out->loss = true;
	out->t_loss_us = v[i].t_us;
	out->ssthresh = v[i].ssthresh;
	out->cwnd_at_loss = i ? v[i - 1].cwnd : v[i].cwnd;
	out->beta = out->cwnd_at_loss ? (double)out->ssthresh / out->cwnd_at_loss : 0;
	/* the longest stretch in Open after the loss: slow start's overshoot
	 * may cost several recoveries before the sender settles */
	size_t best = 0, best_len = 0;

	for (size_t j = i; j < n;) {
		if (v[j].ca_state != 0) {
			j++;
			continue;
		}
		size_t k = j;

		while (k < n && v[k].ca_state == 0)
			k++;
		if (k - j > best_len) {
			best = j;
			best_len = k - j;
		}
		j = k;
	}
	if (!best_len)
		return;
	out->recovered = true;
	open = best;
	out->t_open_us = v[open].t_us;
	out->ssthresh_open = v[open].ssthresh;
	for (i = open; i < open + best_len && out->n < TL_CA_ROUNDS_MAX; i++)
		if (v[i].t_us >= out->t_open_us + (int64_t)out->n * rtt_us)
			out->cwnd[out->n++] = v[i].cwnd;
	if (out->n < 2)
		return;
	double *inc = malloc((out->n - 1) * sizeof *inc);

	if (!inc)
		return;
	for (size_t k = 1; k < out->n; k++)
		inc[k - 1] = (double)out->cwnd[k] - (double)out->cwnd[k - 1];
	qsort(inc, out->n - 1, sizeof *inc, cmp_double);
	size_t m = out->n - 1;

	out->inc_median = m % 2 ? inc[m / 2] : (inc[m / 2 - 1] + inc[m / 2]) / 2;
	free(inc);
	size_t third = (out->n - 1) / 3;

	out->inc_first = mean_inc(out->cwnd, 0, third);
	out->inc_last = mean_inc(out->cwnd, out->n - 1 - third, out->n - 1);
}
