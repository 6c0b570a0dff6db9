/* The picture's arithmetic for --svg, apart from the writer: axes (a
 * linear scale from a domain to pixels, "nice" tick steps of 1, 2 or 5
 * times a power of ten), numbers written without the locale, the sender's
 * congestion states as bands over time, and its segments in flight. Pure. */
#ifndef SOCKLAB_TCPLAB_SVGSCALE_H
#define SOCKLAB_TCPLAB_SVGSCALE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcplab/rec.h"

/* A linear map of [lo, hi] onto pixels [p0, p1] (p1 < p0 for a y axis). */
struct tl_scale {
	double lo, hi;
	double p0, p1;
};

/* The pixel of v (outside the domain: beyond the range, not clamped). */
double tl_scale_px(const struct tl_scale *s, double v);

#define TL_TICKS_MAX 24

/* Ticks over [lo, hi]: first, step and count, every tick inside. */
struct tl_ticks {
	double first, step;
	size_t n;
};

/* At most max ticks (2..TL_TICKS_MAX) on [lo, hi], at multiples of a step
 * of 1, 2 or 5 times a power of ten; hi <= lo gives one tick at lo. */
void tl_ticks(double lo, double hi, size_t max, struct tl_ticks *t);
/* A domain's upper end rounded up to the next multiple of its tick step,
 * so the last tick closes the axis (down to one, when hi passes it by
 * less than 0.5 % of the domain); hi <= lo: lo + 1. */
double tl_nice_hi(double lo, double hi, size_t max);

/* A domain's lower end rounded down to a multiple of the tick step of
 * [lo, hi] (hi <= lo: lo). */
double tl_nice_lo(double lo, double hi, size_t max);

/* Room for a number as the two below write it, and for "x,y". */
#define TL_NUM_MAX 48
#define TL_XY_MAX (2 * TL_NUM_MAX)

/* v with one decimal ("12.5", "-0.3", "7.0"), whatever LC_NUMERIC says:
 * SVG wants a point. buf holds TL_NUM_MAX; returns buf. */
const char *tl_svg_num(double v, char *buf);
/* A tick's label: v with as few decimals as step needs (0 to 3), the
 * point a point. buf holds TL_NUM_MAX; returns buf. */
const char *tl_tick_label(double v, double step, char *buf);


/* A run of samples in one state: from the first one's time to the next
 * run's first (the last run: to the last sample). */
struct tl_band {
	uint32_t ca_state;
	int64_t t0_us, t1_us;
};
/* The bands of samples v[0..n), at most max; returns how many. */
size_t tl_ca_bands(const struct tl_sample *v, size_t n, struct tl_band *out, size_t max);

/* Segments in flight as the kernel counts them (tcp_packets_in_flight):
 * unacked minus SACKed and lost, plus retransmitted; never below 0. */
uint32_t tl_in_flight(const struct tl_sample *x);
/* Is ssthresh set (Linux says "infinite" with a huge value)? */
bool tl_ssthresh_set(uint32_t ssthresh);

#endif
