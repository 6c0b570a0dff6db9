/* What a UDP scan knows about the target's ICMP error rate limit, and when
 * the limit can explain a silent port. Pure: the engine reports probes,
 * errors and batches with their times, and reads back its verdicts.
 *
 * Linux sends at most one ICMP error per icmp_ratelimit (1 s for IPv4,
 * 0.1 s for IPv6) to a source, with a burst of 6, from a token bucket that
 * fills one token at a time; an error it may not send is simply not sent.
 * A closed port behind an empty bucket is as silent as a filtered one. The
 * bucket only drains on errors: probes to open or filtered ports leave it
 * alone, and it keeps filling while closed ports are refused an error.
 *
 * So a silence proves nothing while the bucket may have been empty. It was
 * not when probes sent right after the silent one (within SCAN_LIM_SPAN_US,
 * far less than a refill) still drew two errors: the bucket then held a
 * token to spare when the silent probe arrived (one refill at most can fall
 * between them). Such a silence is "verified". A target that has sent no
 * error at all in this scan is verified by time instead: a probe sent
 * SCAN_LIM_QUIET_US after the first one would have found a token.
 *
 * Ports whose silence cannot be verified while probes race through go to
 * batches: wait until the bucket holds a few tokens, send the ports, then
 * one or two ports known to be closed (canaries). Ports before the last two
 * errors of the batch are verified; closed ones are answered as the tokens
 * allow. How long to wait is learnt from the batches: errors per second
 * while the bucket runs dry (a canary went unanswered) is the refill rate. */
#ifndef SOCKLAB_SCAN_ICMPLIM_H
#define SOCKLAB_SCAN_ICMPLIM_H

#include <stdbool.h>
#include <stdint.h>

/* Send times of the probes that drew an ICMP error, ascending (a ring). */
struct scan_lim_log {
	uint64_t *t;
	uint32_t cap, head, len;
};

/* 0, or -1 (out of memory). */
int scan_lim_log_init(struct scan_lim_log *g, uint32_t cap);
void scan_lim_log_free(struct scan_lim_log *g);
/* A probe sent at sent_us drew an error (full: the oldest is forgotten,
 * which can only make a silence look less verified). */
void scan_lim_log_add(struct scan_lim_log *g, uint64_t sent_us);
/* Forgets the errors of probes sent before before_us. */
void scan_lim_log_trim(struct scan_lim_log *g, uint64_t before_us);
/* Errors drawn by probes sent in (sent_us, sent_us + span_us]. */
uint32_t scan_lim_log_after(const struct scan_lim_log *g, uint64_t sent_us, uint64_t span_us);

struct scan_lim {
	bool exempt;            /* the target is this host: loopback has no limit */
	bool seen;              /* the target sent an ICMP error in this scan */
	uint64_t first_us;      /* the first probe; 0: none yet */

	/* Batches. */
	uint64_t empty_us;      /* the bucket was last seen (or may have been) empty */
	bool empty_known;       /* ... seen: a canary went unanswered then */
	uint64_t wait_us;       /* the next batch: this long after empty_us */
	uint64_t sum_wait_us;   /* refill time and errors of dry batches, */
	uint64_t sum_errors;    /* halved at each batch: the recent ones count */
	uint64_t interval_us;   /* learnt: one token per interval; 0: not yet */
	uint64_t lo_us;         /* proved: a token takes longer than this */
	uint64_t batches;
};

void scan_lim_init(struct scan_lim *l, bool exempt);
/* A probe goes out at now_us. */
void scan_lim_probe(struct scan_lim *l, uint64_t now_us);
/* An ICMP error came from the target. */
void scan_lim_error(struct scan_lim *l);
/* May the limit explain the silence of a probe sent at sent_us? errors_after:
 * errors drawn by probes sent after it, within SCAN_LIM_SPAN_US. */
bool scan_lim_explains(const struct scan_lim *l, uint64_t sent_us, uint32_t errors_after);
/* Verified silences a port needs before it is open|filtered: two, in two
 * rounds, from a target that sends errors (one verification could be
 * fooled by a limit that refills many tokens at once, as Linux's global
 * one does every 20 ms); one otherwise; never more than its tries. */
unsigned scan_lim_needed(const struct scan_lim *l, unsigned tries);

/* Batches begin; the bucket may have been empty since empty_us. */
void scan_lim_start(struct scan_lim *l, uint64_t empty_us);
/* When the next batch may go, to find want tokens (1 to SCAN_LIM_AIM) once
 * the refill rate is known: a batch of few ports needs few. */
uint64_t scan_lim_next(const struct scan_lim *l, unsigned want);
/* A batch went out at sent_us and drew errors ICMP errors; dry: a canary in
 * it went unanswered, so the bucket ran out of tokens during it. */
void scan_lim_batch(struct scan_lim *l, uint64_t sent_us, uint32_t errors, bool dry);
/* Even known-closed ports stay silent longer than any limit we wait for:
 * the target stopped sending errors. */
bool scan_lim_gave_up(const struct scan_lim *l);

#endif
