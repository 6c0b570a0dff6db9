/* Unit tests for core/tbucket: the token bucket behind --udp-rate and the
 * rate-limited log; time is passed in, so every case is exact. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/tbucket.h"

#define SEC 1000000ULL

static void test_burst_available_at_start(void **state)
{
	struct tbucket tb;

	tbucket_init(&tb, 100, 10, 5000);
	assert_true(tbucket_take(&tb, 10, 5000));
	assert_false(tbucket_take(&tb, 1, 5000));

	tbucket_init(&tb, 100, 10, 5000);
	for (int i = 0; i < 10; i++)
		assert_true(tbucket_take(&tb, 1, 5000));
	assert_false(tbucket_take(&tb, 1, 5000));
}

static void test_refill_at_rate(void **state)
{
	struct tbucket tb;
	uint64_t t0 = 1000;

	tbucket_init(&tb, 100, 10, t0); /* one unit per 10 ms */
	assert_true(tbucket_take(&tb, 10, t0));
	assert_false(tbucket_take(&tb, 1, t0 + 9999));
	assert_true(tbucket_take(&tb, 1, t0 + 10000));
	assert_false(tbucket_take(&tb, 1, t0 + 10000));
	/* 40 ms later: exactly 4 units */
	assert_false(tbucket_take(&tb, 5, t0 + 50000));
	assert_true(tbucket_take(&tb, 4, t0 + 50000));
	assert_false(tbucket_take(&tb, 1, t0 + 50000));
	/* 100 ms later: the full burst again */
	assert_true(tbucket_take(&tb, 10, t0 + 150000));
	assert_false(tbucket_take(&tb, 1, t0 + 150000));
}

static void test_never_above_burst(void **state)
{
	struct tbucket tb;

	tbucket_init(&tb, 100, 10, 0);
	/* an hour of refill still holds only the burst */
	assert_false(tbucket_take(&tb, 11, 3600 * SEC));
	assert_true(tbucket_take(&tb, 10, 3600 * SEC));
	assert_false(tbucket_take(&tb, 1, 3600 * SEC));
	assert_int_equal(tb.level, 0);

	tbucket_init(&tb, 100, 10, 0);
	assert_true(tbucket_is_full(&tb, 3600 * SEC));
	assert_int_equal(tb.level, 10 * SEC);

	/* a refill that overshoots by one micro-unit is cut to the burst */
	tbucket_init(&tb, 1, 1, 0);
	assert_true(tbucket_take(&tb, 1, 0));
	assert_true(tbucket_is_full(&tb, SEC + 1));
	assert_int_equal(tb.level, 1 * SEC);
}

static void test_take_more_than_burst_fails(void **state)
{
	struct tbucket tb;

	tbucket_init(&tb, 1000, 10, 0);
	assert_false(tbucket_take(&tb, 11, 0));
	assert_false(tbucket_take(&tb, 11, 1000 * SEC));
	assert_false(tbucket_take(&tb, UINT64_MAX, 1000 * SEC));
	/* n * 1e6 wraps to 448384 micro-units: must still be refused */
	assert_false(tbucket_take(&tb, 18446744073710ULL, 1000 * SEC));
	/* the failures took nothing */
	assert_true(tbucket_take(&tb, 10, 1000 * SEC));
}

static void test_rate_zero_is_unlimited(void **state)
{
	struct tbucket tb;

	tbucket_init(&tb, 0, 0, 0);
	for (int i = 0; i < 1000; i++)
		assert_true(tbucket_take(&tb, 1000000, 0));
	assert_true(tbucket_take(&tb, UINT64_MAX, 0));
	assert_true(tbucket_is_full(&tb, 0));

	tbucket_init(&tb, 0, 5, 0);
	assert_true(tbucket_take(&tb, 6, 0));
	assert_true(tbucket_take(&tb, 6, 0));
	assert_true(tbucket_is_full(&tb, 0));
}

static void test_failing_take_leaves_bucket_unchanged(void **state)
{
	struct tbucket tb, before;

	tbucket_init(&tb, 100, 10, 0);
	assert_true(tbucket_take(&tb, 5, 0));
	before = tb;
	assert_false(tbucket_take(&tb, 6, 0));
	assert_memory_equal(&tb, &before, sizeof(tb));
	assert_false(tbucket_take(&tb, 11, 0));
	assert_memory_equal(&tb, &before, sizeof(tb));
	assert_int_equal(tb.level, 5 * SEC);
	assert_true(tbucket_take(&tb, 5, 0));
	assert_false(tbucket_take(&tb, 1, 0));
}

static void test_slow_rate_refills(void **state)
{
	struct tbucket tb;

	/* one unit a second: refill in micro-units must not round to zero */
	tbucket_init(&tb, 1, 1, 0);
	assert_true(tbucket_take(&tb, 1, 0));
	assert_false(tbucket_take(&tb, 1, 1));
	assert_false(tbucket_take(&tb, 1, 500000));
	assert_false(tbucket_take(&tb, 1, 999999));
	assert_true(tbucket_take(&tb, 1, SEC));
	assert_false(tbucket_take(&tb, 1, SEC));

	/* partial refills seen by failing takes add up */
	tbucket_init(&tb, 1, 5, 0);
	assert_true(tbucket_take(&tb, 5, 0));
	for (uint64_t t = 1; t < SEC; t += 1000)
		assert_false(tbucket_take(&tb, 1, t));
	assert_true(tbucket_take(&tb, 1, SEC));

	/* 3 units/s: 333333 us give 999999 micro-units, one more us is enough */
	tbucket_init(&tb, 3, 1, 0);
	assert_true(tbucket_take(&tb, 1, 0));
	assert_false(tbucket_take(&tb, 1, 333333));
	assert_true(tbucket_take(&tb, 1, 333334));
}

static void test_huge_elapsed_does_not_overflow(void **state)
{
	struct tbucket tb;

	/* the largest --udp-rate (1 TiB/s) with a one-second burst */
	tbucket_init(&tb, 1ULL << 40, 1ULL << 40, 0);
	assert_true(tbucket_take(&tb, 1ULL << 40, 0));
	assert_false(tbucket_take(&tb, 1, 0));
	assert_true(tbucket_take(&tb, 1ULL << 40, UINT64_MAX));
	assert_false(tbucket_take(&tb, 1, UINT64_MAX));

	/* rate * elapsed = 1e9 * 1e12 would overflow 64 bits */
	tbucket_init(&tb, 1000000000ULL, 1, 0);
	assert_true(tbucket_take(&tb, 1, 0));
	assert_true(tbucket_take(&tb, 1, 1000000000000ULL));
	assert_false(tbucket_take(&tb, 1, 1000000000000ULL));
	assert_true(tbucket_is_full(&tb, UINT64_MAX));
	assert_int_equal(tb.level, 1 * SEC);

	/* rate * elapsed = 2^32 * 2^32 wraps to exactly 0 without the guard */
	tbucket_init(&tb, 1ULL << 32, 1ULL << 32, 0);
	assert_true(tbucket_take(&tb, 1ULL << 32, 0));
	assert_true(tbucket_take(&tb, 1ULL << 32, 1ULL << 32));

	/* a slow bucket after ~584000 years */
	tbucket_init(&tb, 1, 3, 0);
	assert_true(tbucket_take(&tb, 3, 0));
	assert_true(tbucket_is_full(&tb, UINT64_MAX));
	assert_int_equal(tb.level, 3 * SEC);
}

static void test_clock_going_back_is_harmless(void **state)
{
	struct tbucket tb;

	tbucket_init(&tb, 100, 10, 10 * SEC);
	assert_true(tbucket_take(&tb, 10, 10 * SEC));
	assert_false(tbucket_take(&tb, 1, 5 * SEC));
	assert_int_equal(tb.level, 0);
	assert_true(tbucket_take(&tb, 1, 10 * SEC + 10000));
}

static void test_is_full(void **state)
{
	struct tbucket tb;

	tbucket_init(&tb, 100, 10, 0);
	assert_true(tbucket_is_full(&tb, 0));
	assert_true(tbucket_take(&tb, 1, 0));
	assert_false(tbucket_is_full(&tb, 0));
	assert_false(tbucket_is_full(&tb, 9999));
	assert_true(tbucket_is_full(&tb, 10000));
	assert_true(tbucket_take(&tb, 10, 10000));
	assert_false(tbucket_is_full(&tb, 99999));
	assert_true(tbucket_is_full(&tb, 110000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_available_at_start),
		cmocka_unit_test(test_refill_at_rate),
		cmocka_unit_test(test_never_above_burst),
		cmocka_unit_test(test_take_more_than_burst_fails),
		cmocka_unit_test(test_rate_zero_is_unlimited),
		cmocka_unit_test(test_failing_take_leaves_bucket_unchanged),
		cmocka_unit_test(test_slow_rate_refills),
		cmocka_unit_test(test_huge_elapsed_does_not_overflow),
		cmocka_unit_test(test_clock_going_back_is_harmless),
		cmocka_unit_test(test_is_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
