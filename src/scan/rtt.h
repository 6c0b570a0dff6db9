/* Round-trip times and the timeout they give (RFC 6298: SRTT, RTTVAR,
 * RTO = SRTT + max(G, 4 RTTVAR)), clamped to [min, max]. Pure: times are
 * passed in, in microseconds. */
#ifndef SOCKLAB_SCAN_RTT_H
#define SOCKLAB_SCAN_RTT_H

#include <stdbool.h>
#include <stdint.h>

/* The clock granularity G of RFC 6298: the event loop's timers are ms. */
#define SCAN_RTT_GRANULARITY_US 1000

struct scan_rtt {
	uint64_t srtt;    /* smoothed round-trip time */
	uint64_t rttvar;  /* its mean deviation */
	uint64_t init;    /* the timeout before the first sample */
	uint64_t min, max;
	uint64_t samples;
};

void scan_rtt_init(struct scan_rtt *r, uint64_t init_us, uint64_t min_us, uint64_t max_us);
/* One measured round trip (only of a first probe: Karn's rule). */
void scan_rtt_sample(struct scan_rtt *r, uint64_t rtt_us);
/* How long to wait for an answer to the next probe. */
uint64_t scan_rtt_timeout(const struct scan_rtt *r);

#endif
