/* How predictable initial sequence numbers are (seed 002's Mitnick
 * attack): the error of the lecture's 1994 model (each connection's ISN
 * 128000 above the previous one) and of the best straight line through
 * (time, ISN); and the rate at which the ISNs of one four-tuple advance
 * (the clock part of RFC 6528's ISN). Pure. */
#ifndef SOCKLAB_TCPLAB_ISN_H
#define SOCKLAB_TCPLAB_ISN_H

#include <stddef.h>
#include <stdint.h>

#define TL_ISN_STEP_1994 128000

struct tl_isnfit {
	double err_step_median;     /* |error| of the +128000 model, median */
	double err_line_median;     /* |error| of the least-squares line, median */
	size_t n;
};

/* isn[i] sent at t_us[i], in order; n >= 3. */
void tl_isn_fit(const uint32_t *isn, const int64_t *t_us, size_t n, struct tl_isnfit *f);
/* The mean advance per microsecond of successive ISNs (differences taken
 * modulo 2^32 as signed numbers); 0 when n < 2. */
double tl_isn_rate(const uint32_t *isn, const int64_t *t_us, size_t n);

#endif
