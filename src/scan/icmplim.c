/* The ICMP rate limit model: the error log and the batch pacing. */
#include "scan/icmplim.h"

#include <stdlib.h>
#include <string.h>

#include "scan/limits.h"

int scan_lim_log_init(struct scan_lim_log *g, uint32_t cap)
{
	g->cap = cap ? cap : 1;
	g->head = g->len = 0;
	g->t = calloc(g->cap, sizeof(*g->t));
	return g->t ? 0 : -1;
}

void scan_lim_log_free(struct scan_lim_log *g)
{
	free(g->t);
	g->t = NULL;
	g->len = 0;
}

static uint64_t *log_at(const struct scan_lim_log *g, uint32_t i)
{
	return &g->t[(g->head + i) % g->cap];
}

void scan_lim_log_add(struct scan_lim_log *g, uint64_t sent_us)
{
	if (g->len == g->cap) {
		g->head = (g->head + 1) % g->cap;
		g->len--;
	}
	/* Errors come back nearly in the order the probes went out: insert
	 * from the end, moving the few later ones up. */
	uint32_t i = g->len++;
	while (i > 0 && *log_at(g, i - 1) > sent_us) {
		*log_at(g, i) = *log_at(g, i - 1);
		i--;
	}
	*log_at(g, i) = sent_us;
}

void scan_lim_log_trim(struct scan_lim_log *g, uint64_t before_us)
{
	while (g->len && *log_at(g, 0) < before_us) {
		g->head = (g->head + 1) % g->cap;
		g->len--;
	}
}

/* The first entry later than t (binary search). */
static uint32_t log_upper(const struct scan_lim_log *g, uint64_t t)
{
	uint32_t lo = 0, hi = g->len;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (*log_at(g, mid) <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

uint32_t scan_lim_log_after(const struct scan_lim_log *g, uint64_t sent_us, uint64_t span_us)
{
	return log_upper(g, sent_us + span_us) - log_upper(g, sent_us);
}

void scan_lim_init(struct scan_lim *l, bool exempt)
{
	memset(l, 0, sizeof(*l));
	l->exempt = exempt;
	l->wait_us = SCAN_LIM_WAIT_FIRST_US;
}

void scan_lim_probe(struct scan_lim *l, uint64_t now_us)
{
	if (!l->first_us)
		l->first_us = now_us ? now_us : 1;
}

void scan_lim_error(struct scan_lim *l)
{
	l->seen = true;
}

bool scan_lim_explains(const struct scan_lim *l, uint64_t sent_us, uint32_t errors_after)
{
	if (l->exempt)
		return false;
	if (l->seen)
		return errors_after < 2;
	/* No error yet: a bucket emptied before the scan began (by an earlier
	 * scan) refills within the quiet time. */
	return sent_us < l->first_us + SCAN_LIM_QUIET_US;
}

unsigned scan_lim_needed(const struct scan_lim *l, unsigned tries)
{
	unsigned n = l->seen && !l->exempt ? 2 : 1;

	return n < tries ? n : (tries ? tries : 1);
}

void scan_lim_start(struct scan_lim *l, uint64_t empty_us)
{
	l->empty_us = empty_us;
	l->empty_known = false;
	l->wait_us = SCAN_LIM_WAIT_FIRST_US;
}

uint64_t scan_lim_next(const struct scan_lim *l, unsigned want)
{
	uint64_t next = l->empty_us + l->wait_us;

	if (want < 1)
		want = 1;
	if (l->interval_us && l->empty_known && want < SCAN_LIM_AIM)
		next = l->empty_us + want * l->interval_us;

	/* Without an error yet, only a probe after the quiet time tells. */
	if (!l->seen && !l->exempt && next < l->first_us + SCAN_LIM_QUIET_US)
		next = l->first_us + SCAN_LIM_QUIET_US;
	return next;
}

void scan_lim_batch(struct scan_lim *l, uint64_t sent_us, uint32_t errors, bool dry)
{
	uint64_t w = sent_us > l->empty_us ? sent_us - l->empty_us : 0;

	l->batches++;
	if (!dry) {
		/* Tokens to spare: the bucket's level is unknown now, and the
		 * next batch may go at once. */
		l->empty_us = sent_us;
		l->empty_known = false;
		l->wait_us = 0;
		return;
	}
	if (l->empty_known && errors == 0 && w > l->lo_us)
		l->lo_us = w; /* not one token in w: the interval is longer */
	if (l->empty_known && errors > 0) {
		/* The bucket was empty w ago and gave errors tokens since: about
		 * one per w / errors (a few recent batches weigh most). */
		l->sum_wait_us = l->sum_wait_us / 2 + w;
		l->sum_errors = l->sum_errors / 2 + errors;
		l->interval_us = l->sum_wait_us / l->sum_errors;
	}
	if (l->interval_us && l->interval_us <= l->lo_us)
		l->interval_us = l->lo_us + 1;
	if (errors > 0 || !l->empty_known) {
		/* Dry now; with no error, the bucket keeps filling from the
		 * time it was last seen empty. */
		l->empty_us = sent_us;
		w = 0;
	}
	l->empty_known = true;
	if (l->interval_us)
		l->wait_us = SCAN_LIM_AIM * l->interval_us;
	else
		l->wait_us = 2 * w > SCAN_LIM_WAIT_FIRST_US ? 2 * w : SCAN_LIM_WAIT_FIRST_US;
	/* Past the limit: scan_lim_gave_up says so; wait no longer than that. */
	if (l->wait_us > SCAN_LIM_WAIT_MAX_US + 1)
		l->wait_us = SCAN_LIM_WAIT_MAX_US + 1;
}

bool scan_lim_gave_up(const struct scan_lim *l)
{
	/* Not even one token in the longest wait: no limit we know would do. */
	return l->lo_us >= SCAN_LIM_WAIT_MAX_US;
}
