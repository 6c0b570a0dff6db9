/* Unit tests for socklab scan's model of a target's ICMP rate limit
 * (scan/icmplim.h): the log of errors and what it verifies, and the pacing
 * of the batches, also against a simulated Linux limit (a token bucket of
 * 6 that gains one token a second, in jiffies, as inet_peer_xrlim_allow
 * does). Time is passed in, so every case is exact. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "scan/icmplim.h"
#include "scan/limits.h"

#define MS 1000ULL
#define SEC 1000000ULL

static void test_log_counts_errors_after_a_probe(void **state)
{
	struct scan_lim_log g;

	assert_int_equal(scan_lim_log_init(&g, 8), 0);
	/* errors come back nearly in the order sent */
	scan_lim_log_add(&g, 100);
	scan_lim_log_add(&g, 300);
	scan_lim_log_add(&g, 200);
	scan_lim_log_add(&g, 50 * MS);
	assert_int_equal(scan_lim_log_after(&g, 99, 10 * MS), 3);
	assert_int_equal(scan_lim_log_after(&g, 100, 10 * MS), 2); /* strictly after */
	assert_int_equal(scan_lim_log_after(&g, 300, 10 * MS), 0);
	assert_int_equal(scan_lim_log_after(&g, 41 * MS, 10 * MS), 1);
	assert_int_equal(scan_lim_log_after(&g, 0, 250), 2);
	scan_lim_log_trim(&g, 250);
	assert_int_equal(g.len, 2);
	assert_int_equal(scan_lim_log_after(&g, 0, SEC), 2);
	/* full: the oldest goes, so a silence only looks less verified */
	for (uint64_t t = 1; t <= 10; t++)
		scan_lim_log_add(&g, SEC + t);
	assert_int_equal(g.len, 8);
	assert_int_equal(scan_lim_log_after(&g, 0, 2 * SEC), 8);
	assert_int_equal(scan_lim_log_after(&g, SEC + 2, 10), 8);
	scan_lim_log_free(&g);
}

static void test_what_the_limit_explains(void **state)
{
	struct scan_lim l;

	/* no error yet: only a probe after the quiet time tells */
	scan_lim_init(&l, false);
	scan_lim_probe(&l, 5 * SEC);
	scan_lim_probe(&l, 6 * SEC); /* the first probe counts */
	assert_true(scan_lim_explains(&l, 5 * SEC, 0));
	assert_true(scan_lim_explains(&l, 5 * SEC + SCAN_LIM_QUIET_US - 1, 0));
	assert_false(scan_lim_explains(&l, 5 * SEC + SCAN_LIM_QUIET_US, 0));
	assert_int_equal(scan_lim_needed(&l, 3), 1);
	/* errors seen: a burst, then silence, is the limit's doing unless two
	 * errors came right after */
	scan_lim_error(&l);
	assert_true(scan_lim_explains(&l, 60 * SEC, 0));
	assert_true(scan_lim_explains(&l, 60 * SEC, 1));
	assert_false(scan_lim_explains(&l, 60 * SEC, 2));
	assert_int_equal(scan_lim_needed(&l, 3), 2);
	assert_int_equal(scan_lim_needed(&l, 1), 1); /* --retries 0 */
	/* this host (loopback): never limited */
	scan_lim_init(&l, true);
	scan_lim_probe(&l, SEC);
	scan_lim_error(&l);
	assert_false(scan_lim_explains(&l, SEC, 0));
	assert_int_equal(scan_lim_needed(&l, 3), 1);
}

static void test_batches_double_the_wait_until_a_token_comes(void **state)
{
	struct scan_lim l;
	uint64_t t = 10 * SEC;

	scan_lim_init(&l, false);
	scan_lim_probe(&l, t);
	scan_lim_error(&l);
	scan_lim_start(&l, t);
	assert_int_equal(scan_lim_next(&l, SCAN_LIM_AIM), t + SCAN_LIM_WAIT_FIRST_US);
	/* the first dry batch only says the bucket is empty now */
	scan_lim_batch(&l, t + 100 * MS, 0, true);
	assert_int_equal(l.empty_us, t + 100 * MS);
	assert_int_equal(scan_lim_next(&l, SCAN_LIM_AIM), t + 200 * MS);
	t += 100 * MS;
	/* nothing in 100, 200, 400 ms: the bucket fills since t, the wait
	 * doubles, and the interval is proved longer */
	scan_lim_batch(&l, t + 100 * MS, 0, true);
	assert_int_equal(scan_lim_next(&l, SCAN_LIM_AIM), t + 200 * MS);
	scan_lim_batch(&l, t + 200 * MS, 0, true);
	assert_int_equal(scan_lim_next(&l, SCAN_LIM_AIM), t + 400 * MS);
	scan_lim_batch(&l, t + 400 * MS, 0, true);
	assert_int_equal(l.lo_us, 400 * MS);
	assert_int_equal(l.interval_us, 0);
	/* one token in 800 ms: about one per 800 ms, and the next batch waits
	 * for SCAN_LIM_AIM of them (or fewer, for fewer ports) */
	scan_lim_batch(&l, t + 800 * MS, 1, true);
	assert_int_equal(l.interval_us, 800 * MS);
	assert_int_equal(l.empty_us, t + 800 * MS);
	assert_int_equal(scan_lim_next(&l, SCAN_LIM_AIM), t + 800 * MS + 3 * 800 * MS);
	assert_int_equal(scan_lim_next(&l, 1), t + 800 * MS + 800 * MS);
	assert_false(scan_lim_gave_up(&l));
}

static void test_batches_with_tokens_to_spare_go_at_once(void **state)
{
	struct scan_lim l;

	scan_lim_init(&l, false);
	scan_lim_probe(&l, SEC);
	scan_lim_error(&l);
	scan_lim_start(&l, SEC);
	/* every canary answered: no limit in sight, the next batch now */
	scan_lim_batch(&l, 2 * SEC, 40, false);
	assert_int_equal(scan_lim_next(&l, SCAN_LIM_AIM), 2 * SEC);
	/* and what follows it is not a sample (the bucket's level unknown) */
	scan_lim_batch(&l, 2 * SEC + 100 * MS, 30, true);
	assert_int_equal(l.interval_us, 0);
	assert_int_equal(l.empty_us, 2 * SEC + 100 * MS);
}

static void test_no_error_yet_waits_for_the_quiet_time(void **state)
{
	struct scan_lim l;

	scan_lim_init(&l, false);
	scan_lim_probe(&l, SEC);
	scan_lim_start(&l, SEC + 300 * MS);
	assert_int_equal(scan_lim_next(&l, 1), SEC + SCAN_LIM_QUIET_US);
	scan_lim_init(&l, true); /* loopback: nothing to wait for */
	scan_lim_probe(&l, SEC);
	scan_lim_start(&l, SEC + 300 * MS);
	assert_int_equal(scan_lim_next(&l, 1), SEC + 300 * MS + SCAN_LIM_WAIT_FIRST_US);
}

static void test_a_target_that_stops_answering(void **state)
{
	struct scan_lim l;
	uint64_t t = SEC;
	int batches = 0;

	scan_lim_init(&l, false);
	scan_lim_probe(&l, t);
	scan_lim_error(&l);
	scan_lim_start(&l, t);
	while (!scan_lim_gave_up(&l) && batches++ < 100) {
		t = scan_lim_next(&l, SCAN_LIM_AIM);
		scan_lim_batch(&l, t, 0, true);
	}
	assert_true(scan_lim_gave_up(&l));
	assert_true(batches < 20);
	assert_true(t - SEC >= SCAN_LIM_WAIT_MAX_US);
}

/* Linux's per-destination limit: tokens in jiffies (HZ 1000), a token per
 * interval, at most 6; an error is sent when a whole token is there. */
struct bucket {
	uint64_t tokens, last_ms, interval_ms;
};

static bool bucket_allow(struct bucket *b, uint64_t now_us)
{
	uint64_t now = now_us / 1000;

	b->tokens += now - b->last_ms;
	b->last_ms = now;
	if (b->tokens > 6 * b->interval_ms)
		b->tokens = 6 * b->interval_ms;
	if (b->tokens < b->interval_ms)
		return false;
	b->tokens -= b->interval_ms;
	return true;
}

/* Batches of `closed` closed ports (and two canaries) against the bucket,
 * a fresh one drained by a first burst: how long until every port had its
 * error, and what was learnt. */
static uint64_t simulate(uint64_t interval_ms, unsigned closed, struct scan_lim *l)
{
	struct bucket b = { .tokens = 6 * interval_ms, .last_ms = 0, .interval_ms = interval_ms };
	uint64_t t = 0;
	unsigned left = closed;

	scan_lim_init(l, false);
	scan_lim_probe(l, 1);
	for (unsigned k = 0; k < closed + 6 && left; k++) /* the fast phase's burst */
		if (bucket_allow(&b, 1 + k))
			left--;
	scan_lim_error(l);
	t = 100 * MS; /* its timeout */
	scan_lim_start(l, 1 + closed);
	for (int n = 0; left && n < 10000; n++) {
		uint64_t next = scan_lim_next(l, SCAN_LIM_AIM);
		if (next > t)
			t = next;
		unsigned errors = 0, canaries = 0;
		for (unsigned k = 0; k < left; k++)
			errors += bucket_allow(&b, t + k);
		for (unsigned k = 0; k < 2; k++)
			canaries += bucket_allow(&b, t + left + k);
		left -= errors;
		scan_lim_batch(l, t, errors + canaries, canaries < 2);
		t += 100 * MS; /* the batch's timeout */
	}
	assert_int_equal(left, 0);
	return t;
}

static void test_learns_linux_default_limit(void **state)
{
	struct scan_lim l;
	/* 6 answered at once, 94 more at one a second: 94 s is the physics */
	uint64_t t = simulate(1000, 100, &l);

	assert_in_range(l.interval_us, 900 * MS, 1200 * MS);
	assert_in_range(t, 94 * SEC, 94 * SEC * 115 / 100);
	/* IPv6's default, 100 ms: it learns that too, and does not dawdle */
	t = simulate(100, 100, &l);
	assert_in_range(l.interval_us, 90 * MS, 150 * MS);
	assert_in_range(t, 9400 * MS, 9400 * MS * 130 / 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_log_counts_errors_after_a_probe),
		cmocka_unit_test(test_what_the_limit_explains),
		cmocka_unit_test(test_batches_double_the_wait_until_a_token_comes),
		cmocka_unit_test(test_batches_with_tokens_to_spare_go_at_once),
		cmocka_unit_test(test_no_error_yet_waits_for_the_quiet_time),
		cmocka_unit_test(test_a_target_that_stops_answering),
		cmocka_unit_test(test_learns_linux_default_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
