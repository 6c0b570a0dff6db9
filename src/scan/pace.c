/* Adaptive limits: tries per port, TCP window, UDP rate. */
#include "scan/pace.h"

void scan_tries_init(struct scan_tries *t, unsigned retries, unsigned retries_cap)
{
	if (retries > retries_cap)
		retries_cap = retries;
	t->max = retries + 1;
	t->cap = retries_cap + 1;
}

void scan_tries_answer(struct scan_tries *t, unsigned try)
{
	if (try + 1 > t->max)
		t->max = try + 1 < t->cap ? try + 1 : t->cap;
}

void scan_window_init(struct scan_window *w, uint32_t init, uint32_t min, uint32_t max)
{
	if (max < 1)
		max = 1;
	if (min > max)
		min = max;
	if (init < min)
		init = min;
	w->cwnd = init < max ? init : max;
	w->min = min;
	w->max = max;
	w->last_timeout_us = 0;
	w->last_cut_us = 0;
}

void scan_window_answer(struct scan_window *w, unsigned try, uint64_t lost_us, uint64_t now_us,
			uint64_t rto_us)
{
	if (try > 1) {
		if (w->last_cut_us && (now_us - w->last_cut_us < rto_us || lost_us < w->last_cut_us))
			return;
		w->cwnd = w->cwnd / 2 > w->min ? w->cwnd / 2 : w->min;
		w->last_cut_us = now_us;
		return;
	}
	if (w->last_timeout_us && now_us - w->last_timeout_us < rto_us)
		return;
	if (w->cwnd < w->max)
		w->cwnd++;
}

void scan_window_timeout(struct scan_window *w, uint64_t now_us)
{
	w->last_timeout_us = now_us ? now_us : 1;
}

void scan_window_clamp(struct scan_window *w, uint32_t inflight)
{
	w->max = inflight > 0 ? inflight : 1;
	if (w->min > w->max)
		w->min = w->max;
	if (w->cwnd > w->max)
		w->cwnd = w->max;
}

void scan_rate_init(struct scan_rate *r, uint64_t fixed, uint64_t min, uint64_t max,
		    uint64_t now_us)
{
	if (fixed && max > fixed)
		max = fixed;
	if (min > max)
		min = max;
	r->rate = fixed;
	r->min = min;
	r->max = max;
	r->nrecent = r->head = 0;
	r->last_cut_us = 0;
	r->last_change_us = now_us;
}

uint64_t scan_rate_recent(const struct scan_rate *r)
{
	if (r->nrecent < 2)
		return 0;
	unsigned last = (r->head + SCAN_RATE_SAMPLES - 1) % SCAN_RATE_SAMPLES;
	unsigned first = (r->head + SCAN_RATE_SAMPLES - r->nrecent) % SCAN_RATE_SAMPLES;
	uint64_t span = r->recent[last] - r->recent[first];
	if (span < 1000)
		span = 1000;
	return (uint64_t)(r->nrecent - 1) * 1000000 / span;
}

#define SCAN_RATE_GROW_US 1000000 /* the rate grows at most once a second */

bool scan_rate_answer(struct scan_rate *r, unsigned try, uint64_t lost_us, uint64_t now_us,
		      uint64_t rto_us)
{
	r->recent[r->head] = now_us;
	r->head = (r->head + 1) % SCAN_RATE_SAMPLES;
	if (r->nrecent < SCAN_RATE_SAMPLES)
		r->nrecent++;
	if (try > 1) {
		if (r->last_cut_us && (now_us - r->last_cut_us < rto_us || lost_us < r->last_cut_us))
			return false;
		uint64_t measured = scan_rate_recent(r);
		if (measured < r->min)
			measured = r->min;
		if (measured > r->max)
			measured = r->max;
		r->last_cut_us = now_us;
		if (r->rate && measured >= r->rate)
			return false; /* lost at the pace answers come: keep the rate */
		r->rate = measured;
		r->last_change_us = now_us;
		return true;
	}
	if (r->rate == 0 || r->rate >= r->max || now_us - r->last_change_us < SCAN_RATE_GROW_US)
		return false;
	r->rate += r->rate / 4 + 1;
	if (r->rate > r->max)
		r->rate = r->max;
	r->last_change_us = now_us;
	return true;
}
