/* Unit tests for core/ratelog: a burst of lines gets through, the rest are
 * counted, and the count is handed out once. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/ratelog.h"

static void test_burst_then_suppress(void **state)
{
	struct ratelog rl;

	ratelog_init(&rl, 5, 3, 0);
	assert_int_equal(ratelog_take_suppressed(&rl), 0);
	assert_true(ratelog_allow(&rl, 0));
	assert_true(ratelog_allow(&rl, 0));
	assert_true(ratelog_allow(&rl, 0));
	for (int i = 0; i < 4; i++)
		assert_false(ratelog_allow(&rl, 0));
	assert_int_equal(ratelog_take_suppressed(&rl), 4);
}

static void test_take_suppressed_resets(void **state)
{
	struct ratelog rl;

	ratelog_init(&rl, 5, 1, 0);
	assert_true(ratelog_allow(&rl, 0));
	assert_false(ratelog_allow(&rl, 0));
	assert_false(ratelog_allow(&rl, 0));
	assert_int_equal(ratelog_take_suppressed(&rl), 2);
	assert_int_equal(ratelog_take_suppressed(&rl), 0);
	assert_false(ratelog_allow(&rl, 1));
	assert_int_equal(ratelog_take_suppressed(&rl), 1);
	assert_int_equal(ratelog_take_suppressed(&rl), 0);
}

static void test_refills_at_rate(void **state)
{
	struct ratelog rl;

	/* 5 lines a second: one every 200 ms */
	ratelog_init(&rl, 5, 2, 0);
	assert_true(ratelog_allow(&rl, 0));
	assert_true(ratelog_allow(&rl, 0));
	assert_false(ratelog_allow(&rl, 199999));
	assert_true(ratelog_allow(&rl, 200000));
	assert_false(ratelog_allow(&rl, 200000));
	assert_int_equal(ratelog_take_suppressed(&rl), 2);
	/* a long quiet spell refills only the burst */
	assert_true(ratelog_allow(&rl, 3600000000ULL));
	assert_true(ratelog_allow(&rl, 3600000000ULL));
	assert_false(ratelog_allow(&rl, 3600000000ULL));
	assert_int_equal(ratelog_take_suppressed(&rl), 1);
}

static void test_counts_a_flood(void **state)
{
	struct ratelog rl;
	int allowed = 0;

	/* 10001 lines from 0 to 1 s inclusive at 10/s with a burst of 10:
	 * the burst, then one line per 100 ms */
	ratelog_init(&rl, 10, 10, 0);
	for (uint64_t i = 0; i <= 10000; i++)
		allowed += ratelog_allow(&rl, i * 100);
	assert_int_equal(allowed, 20);
	assert_int_equal(ratelog_take_suppressed(&rl), 10001 - 20);
}

static void test_zero_rate_allows_all(void **state)
{
	struct ratelog rl;

	ratelog_init(&rl, 0, 0, 0);
	for (int i = 0; i < 1000; i++)
		assert_true(ratelog_allow(&rl, 0));
	assert_int_equal(ratelog_take_suppressed(&rl), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_then_suppress),
		cmocka_unit_test(test_take_suppressed_resets),
		cmocka_unit_test(test_refills_at_rate),
		cmocka_unit_test(test_counts_a_flood),
		cmocka_unit_test(test_zero_rate_allows_all),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
