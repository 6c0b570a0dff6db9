/* The picture's arithmetic for --svg (see svgscale.h). */
#include "tcplab/svgscale.h"

#include <math.h>
#include <stdio.h>

#include "tcplab/ssround.h"

double tl_scale_px(const struct tl_scale *s, double v)
{
	if (s->hi == s->lo)
		return s->p0;
	return s->p0 + (v - s->lo) * (s->p1 - s->p0) / (s->hi - s->lo);
}

/* The smallest 1, 2 or 5 times a power of ten at least raw. */
static double nice_step(double raw)
{
	double p = pow(10.0, floor(log10(raw)));
	const double m[] = { 1, 2, 5, 10 };

	for (size_t i = 0; i < 4; i++)
		if (m[i] * p >= raw * (1 - 1e-9))
			return m[i] * p;
	return 10 * p;
}

void tl_ticks(double lo, double hi, size_t max, struct tl_ticks *t)
{
	if (max < 2)
		max = 2;
	if (max > TL_TICKS_MAX)
		max = TL_TICKS_MAX;
	if (!(hi > lo)) {
		*t = (struct tl_ticks){ .first = lo, .step = 1, .n = 1 };
		return;
	}
	double step = nice_step((hi - lo) / (double)(max - 1)), first;
	size_t n;

	for (;;) { /* a step that rounding left too small: the next one */
		first = ceil(lo / step - 1e-9) * step;
		n = (size_t)floor((hi - first) / step + 1e-9) + 1;
		if (n <= max)
			break;
		step = nice_step(step * 1.001);
	}
	t->first = first == 0 ? 0 : first; /* no "-0" */
	t->step = step;
	t->n = n;
}

double tl_nice_hi(double lo, double hi, size_t max)
{
	struct tl_ticks t;

	if (!(hi > lo))
		return lo + 1;
	tl_ticks(lo, hi, max, &t);
	double last = t.first + (double)(t.n - 1) * t.step;

	/* a hair past a tick (the last sample 0.3 ms after 2 s) is not worth
	 * a fifth more axis: that tick, the hair clipped */
	return last >= hi - (hi - lo) * 0.005 ? last : last + t.step;
}

double tl_nice_lo(double lo, double hi, size_t max)
{
	struct tl_ticks t;

	if (!(hi > lo))
		return lo;
	tl_ticks(lo, hi, max, &t);
	double f = floor(lo / t.step + 1e-9) * t.step;

	return f == 0 ? 0 : f;
}

const char *tl_svg_num(double v, char *buf)
{
	long long tenths = llround(v * 10.0);
	bool neg = tenths < 0;
	unsigned long long a = neg ? (unsigned long long)(-tenths) : (unsigned long long)tenths;

	snprintf(buf, TL_NUM_MAX, "%s%llu.%llu", neg ? "-" : "", a / 10, a % 10);
	return buf;
}

const char *tl_tick_label(double v, double step, char *buf)
{
	int dec = 0;
	double s = step;

	while (dec < 3 && s < 1 - 1e-9) {
		s *= 10;
		dec++;
	}
	long long scale = 1;

	for (int i = 0; i < dec; i++)
		scale *= 10;
	long long k = llround(v * (double)scale);
	bool neg = k < 0;
	unsigned long long a = neg ? (unsigned long long)(-k) : (unsigned long long)k;

	if (dec)
		snprintf(buf, TL_NUM_MAX, "%s%llu.%0*llu", neg ? "-" : "", a / (unsigned long long)scale,
			 dec, a % (unsigned long long)scale);
	else
		snprintf(buf, TL_NUM_MAX, "%s%llu", neg ? "-" : "", a);
	return buf;
}

size_t tl_ca_bands(const struct tl_sample *v, size_t n, struct tl_band *out, size_t max)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (k && out[k - 1].ca_state == v[i].ca_state) {
			out[k - 1].t1_us = v[i].t_us;
			continue;
		}
		if (k)
			out[k - 1].t1_us = v[i].t_us;
		if (k == max)
			break;
		out[k++] = (struct tl_band){ v[i].ca_state, v[i].t_us, v[i].t_us };
	}
	return k;
}

uint32_t tl_in_flight(const struct tl_sample *x)
{
	uint64_t out = (uint64_t)x->unacked + x->retrans, left = (uint64_t)x->sacked + x->lost;

	return out > left ? (uint32_t)(out - left) : 0;
}

bool tl_ssthresh_set(uint32_t ssthresh)
{
	return ssthresh < TL_SS_INFINITE;
}
