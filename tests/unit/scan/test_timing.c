/* Unit tests for socklab scan's timing: the RFC 6298 estimator with its
 * bounds, the tries per port, the TCP window and the UDP rate. Time is
 * passed in, so every case is exact. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "scan/pace.h"
#include "scan/rtt.h"

#define MS 1000ULL
#define SEC 1000000ULL

static void test_rtt_initial_and_bounds(void **state)
{
	struct scan_rtt r;

	scan_rtt_init(&r, 1 * SEC, 100 * MS, 3 * SEC);
	assert_int_equal(scan_rtt_timeout(&r), 1 * SEC);
	/* loopback: microseconds; the floor holds */
	scan_rtt_sample(&r, 30);
	assert_int_equal(scan_rtt_timeout(&r), 100 * MS);
	/* a slow path: the ceiling holds */
	scan_rtt_init(&r, 1 * SEC, 100 * MS, 3 * SEC);
	scan_rtt_sample(&r, 5 * SEC);
	assert_int_equal(scan_rtt_timeout(&r), 3 * SEC);
	/* an initial value above the ceiling is clamped too */
	scan_rtt_init(&r, 10 * SEC, 100 * MS, 2 * SEC);
	assert_int_equal(scan_rtt_timeout(&r), 2 * SEC);
	/* max below min: min wins */
	scan_rtt_init(&r, 1 * SEC, 500 * MS, 100 * MS);
	assert_int_equal(scan_rtt_timeout(&r), 500 * MS);
}

static void test_rtt_rfc6298(void **state)
{
	struct scan_rtt r;

	scan_rtt_init(&r, 1 * SEC, 0, 60 * SEC);
	/* first sample: SRTT = R, RTTVAR = R/2, RTO = R + 4 R/2 = 3 R */
	scan_rtt_sample(&r, 200 * MS);
	assert_int_equal(r.srtt, 200 * MS);
	assert_int_equal(r.rttvar, 100 * MS);
	assert_int_equal(scan_rtt_timeout(&r), 600 * MS);
	/* second: RTTVAR = 3/4 100 + 1/4 |200 - 100| = 100; SRTT = 7/8 200 + 1/8 100 = 187.5 */
	scan_rtt_sample(&r, 100 * MS);
	assert_int_equal(r.rttvar, 100 * MS);
	assert_int_equal(r.srtt, 187500);
	assert_int_equal(scan_rtt_timeout(&r), 587500);
	/* steady samples shrink the variance towards G */
	for (int i = 0; i < 200; i++)
		scan_rtt_sample(&r, 50 * MS);
	assert_in_range(r.srtt, 49 * MS, 51 * MS);
	assert_in_range(scan_rtt_timeout(&r), 50 * MS, 52 * MS);
	/* the granularity G is the least a variance adds */
	scan_rtt_init(&r, 1 * SEC, 0, 60 * SEC);
	for (int i = 0; i < 50; i++)
		scan_rtt_sample(&r, 10);
	assert_int_equal(scan_rtt_timeout(&r), 10 + SCAN_RTT_GRANULARITY_US);
}

static void test_rtt_absurd_sample(void **state)
{
	struct scan_rtt r;

	scan_rtt_init(&r, 1 * SEC, 100 * MS, 3 * SEC);
	scan_rtt_sample(&r, UINT64_MAX);
	assert_int_equal(scan_rtt_timeout(&r), 3 * SEC);
	scan_rtt_sample(&r, UINT64_MAX);
	assert_int_equal(scan_rtt_timeout(&r), 3 * SEC);
}

static void test_tries(void **state)
{
	struct scan_tries t;

	scan_tries_init(&t, 2, 10);
	assert_int_equal(t.max, 3);
	scan_tries_answer(&t, 1);
	assert_int_equal(t.max, 3);
	/* an answer to the third probe: silent ports get a fourth */
	scan_tries_answer(&t, 3);
	assert_int_equal(t.max, 4);
	scan_tries_answer(&t, 2);
	assert_int_equal(t.max, 4);
	/* never above the cap */
	scan_tries_answer(&t, 50);
	assert_int_equal(t.max, 11);
	/* a configured number above the cap raises the cap */
	scan_tries_init(&t, 12, 10);
	assert_int_equal(t.max, 13);
	scan_tries_init(&t, 0, 10);
	assert_int_equal(t.max, 1);
}

static void test_window_grows_without_timeouts(void **state)
{
	struct scan_window w;

	scan_window_init(&w, 256, 16, 1000);
	assert_int_equal(w.cwnd, 256);
	for (int i = 0; i < 100; i++)
		scan_window_answer(&w, 1, 0, 1 * SEC, 100 * MS);
	assert_int_equal(w.cwnd, 356);
	for (int i = 0; i < 5000; i++)
		scan_window_answer(&w, 1, 0, 1 * SEC, 100 * MS);
	assert_int_equal(w.cwnd, 1000);
	/* a timeout stops the growth for one timeout's length, shrinks nothing */
	scan_window_init(&w, 256, 16, 1000);
	scan_window_timeout(&w, 2 * SEC);
	scan_window_answer(&w, 1, 0, 2 * SEC + 50 * MS, 100 * MS);
	assert_int_equal(w.cwnd, 256);
	scan_window_answer(&w, 1, 0, 2 * SEC + 100 * MS, 100 * MS);
	assert_int_equal(w.cwnd, 257);
}

static void test_window_halves_on_loss(void **state)
{
	struct scan_window w;

	scan_window_init(&w, 256, 16, 1000);
	/* an answered retry: a probe was lost */
	scan_window_answer(&w, 2, 1 * SEC - 10 * MS, 1 * SEC, 100 * MS);
	assert_int_equal(w.cwnd, 128);
	/* at most once per timeout */
	scan_window_answer(&w, 2, 1 * SEC, 1 * SEC + 10 * MS, 100 * MS);
	assert_int_equal(w.cwnd, 128);
	scan_window_answer(&w, 3, 1 * SEC + 90 * MS, 1 * SEC + 100 * MS, 100 * MS);
	assert_int_equal(w.cwnd, 64);
	for (int i = 1; i < 10; i++)
		scan_window_answer(&w, 2, (1 + (uint64_t)i) * SEC - 10 * MS, (1 + (uint64_t)i) * SEC,
				   100 * MS);
	assert_int_equal(w.cwnd, 16);
}

static void test_window_recovery_point(void **state)
{
	struct scan_window w;

	scan_window_init(&w, 256, 16, 1000);
	scan_window_answer(&w, 2, 900 * MS, 1 * SEC, 100 * MS);
	assert_int_equal(w.cwnd, 128);
	/* retries of probes lost before the cut: already paid for */
	scan_window_answer(&w, 2, 950 * MS, 2 * SEC, 100 * MS);
	scan_window_answer(&w, 3, 999 * MS, 3 * SEC, 100 * MS);
	assert_int_equal(w.cwnd, 128);
	/* a probe sent after the cut and lost: cut again */
	scan_window_answer(&w, 2, 1 * SEC + 1, 3 * SEC, 100 * MS);
	assert_int_equal(w.cwnd, 64);
}

static void test_window_clamp(void **state)
{
	struct scan_window w;

	/* init above max, min above max */
	scan_window_init(&w, 256, 16, 100);
	assert_int_equal(w.cwnd, 100);
	scan_window_init(&w, 256, 500, 100);
	assert_int_equal(w.min, 100);
	/* out of descriptors with 40 in flight */
	scan_window_init(&w, 256, 16, 1000);
	scan_window_clamp(&w, 40);
	assert_int_equal(w.cwnd, 40);
	assert_int_equal(w.max, 40);
	for (int i = 0; i < 100; i++)
		scan_window_answer(&w, 1, 0, 1 * SEC, 100 * MS);
	assert_int_equal(w.cwnd, 40);
	scan_window_clamp(&w, 0);
	assert_int_equal(w.cwnd, 1);
	assert_int_equal(w.min, 1);
}

static void test_rate_unlimited_until_loss(void **state)
{
	struct scan_rate r;

	scan_rate_init(&r, 0, 1, 1000000, 0);
	for (int i = 0; i < 1000; i++)
		assert_false(scan_rate_answer(&r, 1, 0, (uint64_t)i * MS, 100 * MS));
	assert_int_equal(r.rate, 0);
	assert_int_equal(scan_rate_recent(&r), 1000);
}

static void test_rate_recent(void **state)
{
	struct scan_rate r;

	scan_rate_init(&r, 0, 1, 1000000, 0);
	assert_int_equal(scan_rate_recent(&r), 0);
	scan_rate_answer(&r, 1, 0, 5 * SEC, 100 * MS);
	assert_int_equal(scan_rate_recent(&r), 0);
	/* two answers in the same microsecond: not infinitely fast */
	scan_rate_answer(&r, 1, 0, 5 * SEC, 100 * MS);
	assert_int_equal(scan_rate_recent(&r), 1000);
	/* only the latest SCAN_RATE_SAMPLES count */
	for (int i = 0; i < 100; i++)
		scan_rate_answer(&r, 1, 0, 6 * SEC + (uint64_t)i * 100 * MS, 100 * MS);
	assert_int_equal(scan_rate_recent(&r), 10);
}

static void test_rate_follows_the_icmp_limit(void **state)
{
	struct scan_rate r;
	uint64_t t = 0;

	/* A target that answers 20 a second (a Linux icmp_ratelimit of 50 ms)
	 * while probes ask for more: its answers are the measure. */
	scan_rate_init(&r, 0, 1, 1000000, 0);
	for (int i = 0; i < 20; i++, t += 50 * MS)
		scan_rate_answer(&r, 1, 0, t, 100 * MS);
	assert_true(scan_rate_answer(&r, 2, t - 100 * MS, t, 100 * MS));
	assert_int_equal(r.rate, 20);
	/* another loss within one timeout changes nothing */
	assert_false(scan_rate_answer(&r, 2, t, t + 50 * MS, 100 * MS));
	assert_int_equal(r.rate, 20);
	/* a loss while answers come at the rate: lost at that pace, kept */
	for (int i = 0; i < 20; i++)
		scan_rate_answer(&r, 1, 0, t + (uint64_t)i * 50 * MS, 100 * MS);
	assert_false(scan_rate_answer(&r, 2, t + 500 * MS, t + 1 * SEC, 100 * MS));
	assert_int_equal(r.rate, 20);
	/* the target slows to 5 a second: the rate follows */
	t += 1 * SEC;
	for (int i = 0; i < 16; i++)
		scan_rate_answer(&r, 1, 0, t + (uint64_t)i * 200 * MS, 100 * MS);
	t += 16 * 200 * MS;
	assert_true(scan_rate_answer(&r, 2, t - 100 * MS, t, 100 * MS));
	assert_in_range(r.rate, 4, 6);
}

static void test_rate_recovery_point(void **state)
{
	struct scan_rate r;

	/* a burst answered 6 of 40 probes at once, then retries come back at
	 * 20 a second: one cut, then only losses of later probes count */
	scan_rate_init(&r, 0, 1, 1000000, 0);
	for (int i = 0; i < 6; i++)
		scan_rate_answer(&r, 1, 0, 1 * MS, 100 * MS);
	assert_true(scan_rate_answer(&r, 2, 0, 100 * MS, 100 * MS));
	assert_int_equal(r.rate, 60);
	for (int i = 1; i <= 30; i++)
		assert_false(scan_rate_answer(&r, 2, 90 * MS, 100 * MS + (uint64_t)i * 50 * MS,
					      100 * MS));
	assert_int_equal(r.rate, 60);
	/* a probe sent after the cut and lost: measured again */
	assert_true(scan_rate_answer(&r, 2, 200 * MS, 1700 * MS, 100 * MS));
	assert_in_range(r.rate, 17, 20);
}

static void test_rate_floor_and_growth(void **state)
{
	struct scan_rate r;

	/* a loss with next to no answers: the floor */
	scan_rate_init(&r, 0, 1, 1000000, 0);
	scan_rate_answer(&r, 1, 0, 0, 100 * MS);
	assert_true(scan_rate_answer(&r, 2, 0, 60 * SEC, 100 * MS));
	assert_int_equal(r.rate, 1);
	/* a second without a change: +1/4 + 1 */
	assert_false(scan_rate_answer(&r, 1, 0, 60 * SEC + 500 * MS, 100 * MS));
	assert_true(scan_rate_answer(&r, 1, 0, 61 * SEC, 100 * MS));
	assert_int_equal(r.rate, 2);
	assert_false(scan_rate_answer(&r, 1, 0, 61 * SEC + 999 * MS, 100 * MS));
	assert_true(scan_rate_answer(&r, 1, 0, 62 * SEC, 100 * MS));
	assert_int_equal(r.rate, 3);
	for (int i = 3; i < 30; i++)
		scan_rate_answer(&r, 1, 0, (60 + (uint64_t)i) * SEC, 100 * MS);
	assert_true(r.rate > 100);
	/* never past max */
	scan_rate_init(&r, 0, 1, 10, 0);
	scan_rate_answer(&r, 1, 0, 0, 100 * MS);
	assert_true(scan_rate_answer(&r, 2, 0, 1 * MS, 100 * MS));
	assert_int_equal(r.rate, 10);
}

static void test_rate_fixed(void **state)
{
	struct scan_rate r;

	/* --max-rate 100: starts there, never above, may go below */
	scan_rate_init(&r, 100, 1, 1000000, 0);
	assert_int_equal(r.rate, 100);
	assert_int_equal(r.max, 100);
	for (int i = 0; i < 10; i++)
		scan_rate_answer(&r, 1, 0, 2 * SEC + (uint64_t)i * 100 * MS, 100 * MS);
	assert_int_equal(r.rate, 100);
	assert_true(scan_rate_answer(&r, 2, 2 * SEC, 3 * SEC, 100 * MS));
	assert_int_equal(r.rate, 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rtt_initial_and_bounds),
		cmocka_unit_test(test_rtt_rfc6298),
		cmocka_unit_test(test_rtt_absurd_sample),
		cmocka_unit_test(test_tries),
		cmocka_unit_test(test_window_grows_without_timeouts),
		cmocka_unit_test(test_window_halves_on_loss),
		cmocka_unit_test(test_window_recovery_point),
		cmocka_unit_test(test_window_clamp),
		cmocka_unit_test(test_rate_unlimited_until_loss),
		cmocka_unit_test(test_rate_recent),
		cmocka_unit_test(test_rate_follows_the_icmp_limit),
		cmocka_unit_test(test_rate_recovery_point),
		cmocka_unit_test(test_rate_floor_and_growth),
		cmocka_unit_test(test_rate_fixed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
