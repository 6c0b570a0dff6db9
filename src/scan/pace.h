/* How hard to push a target, learnt while scanning it. Pure: the engines
 * report answers and timeouts with the time, and read back the limits.
 *
 * The one sign that probes are being lost (rather than ports being silent)
 * is an answer to a retry: the earlier probe of that port got none. A silent
 * port never gives that sign, so a firewalled host is not slowed down,
 * while a host that rate-limits its ICMP errors (Linux: one per second per
 * source by default, and a global budget) or a congested path is. Only a
 * loss of a probe sent after the last cut counts (TCP's recovery point):
 * the retries of probes lost before it say nothing about the new pace. */
#ifndef SOCKLAB_SCAN_PACE_H
#define SOCKLAB_SCAN_PACE_H

#include <stdbool.h>
#include <stdint.h>

/* How many probes a silent port gets: the configured number, raised to one
 * more than the latest try that was ever answered (nmap's
 * max_successful_tryno), never above cap. */
struct scan_tries {
	unsigned max;  /* probes per port, the first one included */
	unsigned cap;
};

void scan_tries_init(struct scan_tries *t, unsigned retries, unsigned retries_cap);
/* An answer came to probe number try (1 = the first). */
void scan_tries_answer(struct scan_tries *t, unsigned try);

/* TCP: connects in flight. Starts at init; +1 per answered first probe
 * while no probe timed out within the last timeout (slow start); halved, at
 * most once per timeout, when a retry is answered whose lost probe went out
 * after the last cut. */
struct scan_window {
	uint32_t cwnd, min, max;
	uint64_t last_timeout_us;  /* 0: none yet */
	uint64_t last_cut_us;      /* 0: none yet */
};

void scan_window_init(struct scan_window *w, uint32_t init, uint32_t min, uint32_t max);
/* An answer to probe number try; lost_us: when the probe before it (the one
 * that got no answer) was sent. */
void scan_window_answer(struct scan_window *w, unsigned try, uint64_t lost_us, uint64_t now_us,
			uint64_t rto_us);
void scan_window_timeout(struct scan_window *w, uint64_t now_us);
/* The kernel refused a descriptor or a local port: never more than now. */
void scan_window_clamp(struct scan_window *w, uint32_t inflight);

/* UDP: probes per second. Unlimited until a probe sent after the last cut
 * is lost (its retry answered); then the rate at which the latest answers
 * arrived (the target's own limit when it rate-limits ICMP: while probes
 * ask for more answers than it gives, answers come at its pace), when that
 * is lower than the rate; at most once per timeout. After a second without
 * a change it grows by a quarter, and the loss that follows an overshoot
 * measures it back down. */
#define SCAN_RATE_SAMPLES 16

struct scan_rate {
	uint64_t rate;           /* probes per second; 0: unlimited */
	uint64_t min, max;       /* bounds once limited */
	uint64_t recent[SCAN_RATE_SAMPLES]; /* times of the latest answers (a ring) */
	unsigned nrecent, head;
	uint64_t last_cut_us;    /* 0: never cut */
	uint64_t last_change_us;
};

void scan_rate_init(struct scan_rate *r, uint64_t fixed, uint64_t min, uint64_t max,
		    uint64_t now_us);
/* As scan_window_answer; returns true when the rate changed. */
bool scan_rate_answer(struct scan_rate *r, unsigned try, uint64_t lost_us, uint64_t now_us,
		      uint64_t rto_us);
/* Answers per second over the latest answers (0 with fewer than two). */
uint64_t scan_rate_recent(const struct scan_rate *r);

#endif
