/* Order statistics of a sample of numbers (the delay line's error, gaps):
 * the median and the 99th percentile, nearest rank. Pure. */
#ifndef SOCKLAB_TCPLAB_STATS_H
#define SOCKLAB_TCPLAB_STATS_H

#include <stddef.h>
#include <stdint.h>

/* The q-quantile (0..1) of v[0..n), nearest rank; sorts v. 0 when n is 0. */
int64_t tl_quantile(int64_t *v, size_t n, double q);

#endif
