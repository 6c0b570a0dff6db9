/* Congestion avoidance read from samples: the first loss (ssthresh set),
 * cwnd just before it and the reduction (ssthresh / that cwnd), the end of
 * recovery (back to Open), then cwnd once per round trip and how much it
 * grew each round, over the longest stretch in Open after it. Pure. */
#ifndef SOCKLAB_TCPLAB_CAROUND_H
#define SOCKLAB_TCPLAB_CAROUND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcplab/rec.h"

#define TL_CA_ROUNDS_MAX 128

struct tl_ca {
	bool loss, recovered;
	uint32_t cwnd_at_loss, ssthresh;
	double beta;                /* ssthresh / cwnd_at_loss */
	int64_t t_loss_us, t_open_us;
	uint32_t ssthresh_open;     /* ssthresh when the rounds begin */
	size_t n;                   /* rounds after recovery */
	uint32_t cwnd[TL_CA_ROUNDS_MAX];
	double inc_median;          /* segments per round trip */
	double inc_first, inc_last; /* mean growth over the first and the last third */
};

/* rtt_us: the round trip to step by (the smoothed RTT after recovery). */
void tl_ca_read(const struct tl_sample *v, size_t n, int64_t rtt_us, struct tl_ca *out);

#endif
