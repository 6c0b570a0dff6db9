/* UDP scan, second phase: batches for the ports whose silence the target's
 * ICMP rate limit could explain (scan/icmplim.h has the model).
 *
 * A batch is the first SCAN_LIM_BATCH parked ports in table order, then
 * SCAN_LIM_CANARIES ports that answered with an error before, sent back to
 * back once the bucket has had time to fill. The target answers the first
 * closed ports in the batch while its tokens last; a port before the last
 * two errors of the batch was silent with tokens to spare, which verifies
 * its silence. A batch ends when its canaries have answered (the errors of
 * the probes before them are in: the target answers in order) or after a
 * timeout; one whose canary went unanswered ran the bucket dry, and its
 * errors per second of waiting are the target's refill rate. */
#include "scan/udp_run.h"
#include <errno.h>
#include "core/clock.h"

void scan_udp_batch_start(struct udp_run *run)
{
	run->batching = true;
	/* The bucket may have run dry with the fast phase's last probe. */
	scan_lim_start(&run->lim, run->last_send_us);
	scan_udp_schedule(run, 0);
}

void scan_udp_batch_give_up(struct udp_run *run)
{
	for (uint32_t i = 0; i < run->t->n; i++)
		if ((run->flags[i] & UDP_PARKED) && run->t->state[i] == SCAN_PENDING)
			scan_udp_decide(run, i, SCAN_OPEN_FILTERED, REASON_RATE_LIMITED);
}

/* Its answers are in: verify the silent ports, learn from the errors. */
static void batch_end(struct udp_run *run)
{
	bool dry = run->ncanary > 0 && run->canary_errors < run->ncanary;
	unsigned needed = scan_lim_needed(&run->lim, run->tmax.max);

	for (size_t k = 0; k < run->nbatch; k++) {
		uint32_t idx = run->batch[k];
		run->flags[idx] &= (uint8_t)~UDP_IN_BATCH;
		if (run->t->state[idx] != SCAN_PENDING)
			continue;
		if (!scan_udp_explained(run, idx) && run->verified[idx] < UINT8_MAX)
			run->verified[idx]++;
		if (run->tries[idx] >= run->tmax.max && run->verified[idx] >= needed)
			scan_udp_decide(run, idx, SCAN_OPEN_FILTERED, REASON_NO_RESPONSE);
	}
	scan_lim_batch(&run->lim, run->batch_sent_us, run->batch_errors, dry);
	run->batch_active = false;
	run->nbatch = 0;
	run->ncanary = 0;
}

static void batch_send(struct udp_run *run)
{
	struct scan_table *t = run->t;

	/* The errors of earlier batches tell nothing about this one. */
	scan_lim_log_trim(&run->log, clock_mono_us());
	run->nbatch = 0;
	run->ncanary = 0;
	run->batch_errors = run->canary_errors = 0;
	run->batch_sent_us = 0;
	/* Active from the first send: an error can come in (and be read, as
	 * the next sendto() reports it) while the batch is still going out. */
	run->batch_active = true;
	for (uint32_t i = 0; i < t->n && run->nbatch < SCAN_LIM_BATCH; i++) {
		if (!(run->flags[i] & UDP_PARKED) || t->state[i] != SCAN_PENDING)
			continue;
		run->flags[i] |= UDP_IN_BATCH;
		run->batch[run->nbatch++] = i;
		enum scan_udp_send_rc rc = scan_udp_send(run, i);
		if (rc == SCAN_UDP_SEND_FATAL)
			return;
		if (rc == SCAN_UDP_SEND_STALL) {
			run->flags[i] &= (uint8_t)~UDP_IN_BATCH;
			run->nbatch--;
			if (run->nbatch == 0 && ++run->stalls > SCAN_UDP_STALL_MAX) {
				scan_udp_fail(run, ENOBUFS, "cannot send to");
				return;
			}
			break; /* the rest waits for the next batch */
		}
		run->stalls = 0;
		if (!run->batch_sent_us)
			run->batch_sent_us = run->sent_us[i];
	}
	for (int k = 0; k < SCAN_LIM_CANARIES && run->lim.seen; k++) {
		int32_t idx = run->canary[k] >= 0 ? run->canary[k] : run->canary[0];
		if (idx < 0)
			break;
		run->bcanary[run->ncanary++] = idx;
		if (scan_udp_send(run, (uint32_t)idx) != SCAN_UDP_SEND_OK) {
			run->ncanary--;
			break;
		}
	}
	if (!run->batch_sent_us)
		run->batch_sent_us = run->last_send_us;
	run->batch_probes = run->nbatch + run->ncanary;
}

void scan_udp_batch_step(struct udp_run *run)
{
	uint64_t now = clock_mono_us();
	uint64_t rto = scan_rtt_timeout(&run->rtt);

	scan_udp_drain(run);
	if (run->failed)
		return;
	if (run->batch_active) {
		bool all_in = run->ncanary && run->canary_errors >= run->ncanary;
		if (!all_in && now < run->batch_sent_us + rto) {
			scan_udp_schedule(run, run->batch_sent_us + rto - now);
			return;
		}
		batch_end(run);
	}
	if (run->parked == 0) {
		event_base_loopbreak(run->env->base);
		return;
	}
	if (scan_lim_gave_up(&run->lim)) {
		scan_udp_batch_give_up(run);
		event_base_loopbreak(run->env->base);
		return;
	}
	/* A closed port needs one token; a silent one two, after it. */
	uint64_t next = scan_lim_next(&run->lim, (unsigned)(run->parked < SCAN_LIM_AIM ?
							     run->parked + 1 : SCAN_LIM_AIM));
	uint64_t rate = run->env->cfg->rate;
	if (rate && run->batch_probes) {
		/* --max-rate: the last batch's probes, spread over the wait. */
		uint64_t paced = run->batch_sent_us + run->batch_probes * 1000000 / rate;
		if (paced > next)
			next = paced;
	}
	if (now < next) {
		scan_udp_schedule(run, next - now);
		return;
	}
	batch_send(run);
	if (!run->failed)
		scan_udp_schedule(run, rto);
}
