/* Predicting ISNs: the 1994 host (+128000 each) is predicted exactly,
 * a clock-driven sequence by the straight line, random numbers by neither;
 * the rate of a clock across the 2^32 wrap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/rng.h"
#include "tcplab/isn.h"

#define N 50

static void test_models(void **state)
{
	uint32_t isn[N];
	int64_t t[N];
	struct tl_isnfit f;
	struct rng r;

	(void)state;
	for (int i = 0; i < N; i++) {
		t[i] = 1000000 + i * 3000;
		isn[i] = 4000000000u + (uint32_t)i * TL_ISN_STEP_1994; /* wraps */
	}
	tl_isn_fit(isn, t, N, &f);
	assert_true(f.err_step_median < 1);
	assert_true(f.err_line_median < 1e8); /* a line is close, but the wrap breaks it */

	for (int i = 0; i < N; i++)
		isn[i] = 1000 + (uint32_t)(t[i] * 15.625);
	tl_isn_fit(isn, t, N, &f);
	assert_true(f.err_line_median < 100);
	assert_true(f.err_step_median > 1000);

	rng_seed(&r, 7);
	for (int i = 0; i < N; i++)
		isn[i] = (uint32_t)rng_next(&r);
	tl_isn_fit(isn, t, N, &f);
	assert_true(f.err_step_median > 1e8);
	assert_true(f.err_line_median > 1e8);
}

static void test_rate_across_the_wrap(void **state)
{
	uint32_t isn[3] = { 4294967000u, 4294967000u + 15625u, 4294967000u + 31250u };
	int64_t t[3] = { 0, 1000, 2000 };

	(void)state;
	double r = tl_isn_rate(isn, t, 3);
	assert_true(r > 15.62 && r < 15.63);
	assert_true(tl_isn_rate(isn, t, 1) == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_models),
		cmocka_unit_test(test_rate_across_the_wrap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
