/* Slow start read from samples: cwnd once per round trip from the first
 * sample, until the first loss (a retransmission, or ssthresh set); each
 * round marked when the peer's window, not cwnd, held the sender back.
 * Pure. */
#ifndef SOCKLAB_TCPLAB_SSROUND_H
#define SOCKLAB_TCPLAB_SSROUND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcplab/rec.h"

#define TL_SS_ROUNDS_MAX 64
#define TL_SS_INFINITE 1000000000u  /* ssthresh above this: not set yet */

struct tl_ssround {
	uint32_t cwnd;
	bool rwnd_limited;          /* in flight reached the peer's window */
	double ratio;               /* cwnd / the previous round's; 0 for the first */
};

struct tl_ss {
	size_t n;
	struct tl_ssround r[TL_SS_ROUNDS_MAX];
	bool loss;
	size_t loss_sample;         /* index of the first sample after the loss */
	double ratio_median;        /* over rounds whose previous one was cwnd-limited */
	size_t nratios;
};

void tl_ss_read(const struct tl_sample *v, size_t n, int64_t rtt_us, struct tl_ss *out);

#endif
