/* The UDP scan's ICMP rate-limit accounting (scan/icmplim.h has the
 * model): may the limit explain a silence, and what an ICMP error from the
 * target tells the batches (canaries, errors per batch). */
#include "scan/udp_run.h"

bool scan_udp_explained(struct udp_run *run, uint32_t idx)
{
	uint64_t sent = run->sent_us[idx];
	uint32_t after = run->lim.exempt ? 0 :
			 scan_lim_log_after(&run->log, sent, SCAN_LIM_SPAN_US);

	return scan_lim_explains(&run->lim, sent, after);
}

static bool batch_is_canary(const struct udp_run *run, int32_t idx)
{
	for (unsigned k = 0; k < run->ncanary; k++)
		if (run->bcanary[k] == idx)
			return true;
	return false;
}

void scan_udp_batch_error(struct udp_run *run, int32_t idx, bool closed)
{
	if (idx < 0 || run->lim.exempt)
		return;
	scan_lim_error(&run->lim);
	scan_lim_log_add(&run->log, run->sent_us[idx]);
	if (run->batch_active) {
		bool canary = batch_is_canary(run, idx);
		if (canary && run->canary_errors < run->ncanary)
			run->canary_errors++;
		if (canary || (run->flags[idx] & UDP_IN_BATCH))
			run->batch_errors++;
	}
	/* The latest two ports to answer with an error are the next canaries;
	 * closed ones rather than others: their errors surely take the same
	 * path (the UDP stack's, limited) as the closed ports' in a batch. */
	if (!closed && run->canary_closed)
		return;
	if (closed && !run->canary_closed) {
		for (int k = 0; k < SCAN_LIM_CANARIES; k++)
			run->canary[k] = -1;
		run->canary_closed = true;
	}
	if (run->canary[0] != idx) {
		for (int k = SCAN_LIM_CANARIES - 1; k > 0; k--)
			run->canary[k] = run->canary[k - 1];
		run->canary[0] = idx;
	}
}
