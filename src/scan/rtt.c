/* RFC 6298's estimator in integer microseconds. */
#include "scan/rtt.h"

void scan_rtt_init(struct scan_rtt *r, uint64_t init_us, uint64_t min_us, uint64_t max_us)
{
	r->srtt = r->rttvar = 0;
	r->samples = 0;
	r->min = min_us;
	r->max = max_us < min_us ? min_us : max_us;
	r->init = init_us;
}

void scan_rtt_sample(struct scan_rtt *r, uint64_t rtt_us)
{
	/* An hour is no round trip: a clock jump; keep the estimate sane. */
	if (rtt_us > 3600ULL * 1000000)
		rtt_us = 3600ULL * 1000000;
	if (r->samples++ == 0) {
		r->srtt = rtt_us;
		r->rttvar = rtt_us / 2;
		return;
	}
	uint64_t dev = r->srtt > rtt_us ? r->srtt - rtt_us : rtt_us - r->srtt;
	r->rttvar = (3 * r->rttvar + dev) / 4;  /* beta = 1/4 */
	r->srtt = (7 * r->srtt + rtt_us) / 8;   /* alpha = 1/8 */
}

uint64_t scan_rtt_timeout(const struct scan_rtt *r)
{
	uint64_t t;

	if (r->samples == 0)
		t = r->init;
	else {
		uint64_t k = 4 * r->rttvar;
		t = r->srtt + (k > SCAN_RTT_GRANULARITY_US ? k : SCAN_RTT_GRANULARITY_US);
	}
	if (t < r->min)
		t = r->min;
	if (t > r->max)
		t = r->max;
	return t;
}
