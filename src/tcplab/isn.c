/* Predicting ISNs (see isn.h). */
#include "tcplab/isn.h"

#include <math.h>
#include <stdlib.h>

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The distance of a from b on the 2^32 circle. */
static double circ(uint32_t a, uint32_t b)
{
	return fabs((double)(int32_t)(a - b));
}

void tl_isn_fit(const uint32_t *isn, const int64_t *t_us, size_t n, struct tl_isnfit *f)
{
	double *e = malloc((n ? n : 1) * sizeof *e);
	double st = 0, si = 0, stt = 0, sti = 0;

	f->n = n;
	f->err_step_median = f->err_line_median = 0;
	if (!e || n < 3) {
		free(e);
		return;
	}
	for (size_t i = 1; i < n; i++)
		e[i - 1] = circ(isn[i], isn[i - 1] + TL_ISN_STEP_1994);
	f->err_step_median = median(e, n - 1);
	for (size_t i = 0; i < n; i++) {
		double t = (double)(t_us[i] - t_us[0]), y = isn[i];

		st += t;
		si += y;
		stt += t * t;
		sti += t * y;
	}
	double d = (double)n * stt - st * st;
	double b = d != 0 ? ((double)n * sti - st * si) / d : 0, a = (si - b * st) / (double)n;

	for (size_t i = 0; i < n; i++) {
		double p = a + b * (double)(t_us[i] - t_us[0]);

		e[i] = circ(isn[i], (uint32_t)(int64_t)fmod(p, 4294967296.0));
	}
	f->err_line_median = median(e, n);
	free(e);
}

double tl_isn_rate(const uint32_t *isn, const int64_t *t_us, size_t n)
{
	double sum = 0;

	if (n < 2 || t_us[n - 1] == t_us[0])
		return 0;
	for (size_t i = 1; i < n; i++)
		sum += (double)(int32_t)(isn[i] - isn[i - 1]);
	return sum / (double)(t_us[n - 1] - t_us[0]);
}
