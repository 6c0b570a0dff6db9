/* --svg's arithmetic: scales, nice ticks, numbers without the locale, the
 * congestion states as bands, segments in flight. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tcplab/svgscale.h"

static void test_scale_maps_domain_onto_range(void **state)
{
	struct tl_scale x = { 0, 2, 100, 500 }, y = { 0, 50, 300, 100 };

	(void)state;
	assert_true(tl_scale_px(&x, 0) == 100);
	assert_true(tl_scale_px(&x, 1) == 300);
	assert_true(tl_scale_px(&x, 2) == 500);
	assert_true(tl_scale_px(&y, 0) == 300);   /* a y axis grows upward */
	assert_true(tl_scale_px(&y, 25) == 200);
	struct tl_scale flat = { 3, 3, 10, 20 };

	assert_true(tl_scale_px(&flat, 3) == 10); /* no division by zero */
}

static void test_ticks_are_1_2_5_steps_inside_the_domain(void **state)
{
	struct tl_ticks t;

	(void)state;
	tl_ticks(0, 0.535, 11, &t);                /* 0.05 would need 11 intervals */
	assert_true(t.step > 0.0999 && t.step < 0.1001);
	assert_true(t.first == 0);
	assert_int_equal(t.n, 6);                  /* 0, 0.1, ... 0.5 */
	tl_ticks(0, 0.5, 11, &t);
	assert_true(t.step > 0.0499 && t.step < 0.0501);
	assert_int_equal(t.n, 11);                 /* 0, 0.05, ... 0.5 */
	tl_ticks(0, 1937, 7, &t);
	assert_true(t.step == 500);
	assert_int_equal(t.n, 4);                  /* 0 500 1000 1500 */
	tl_ticks(3, 47, 7, &t);
	assert_true(t.step == 10 && t.first == 10);
	assert_int_equal(t.n, 4);
	for (double hi = 0.7; hi < 1e7; hi *= 1.37) {
		tl_ticks(0, hi, 7, &t);
		assert_true(t.n >= 2 && t.n <= 7);
		assert_true(t.first + (double)(t.n - 1) * t.step <= hi * (1 + 1e-9));
	}
	tl_ticks(5, 5, 7, &t);
	assert_int_equal(t.n, 1);
}

static void test_nice_hi_closes_the_axis_on_a_tick(void **state)
{
	(void)state;
	assert_true(tl_nice_hi(0, 0.535, 11) > 0.5999 && tl_nice_hi(0, 0.535, 11) < 0.6001);
	assert_true(tl_nice_hi(0, 42, 7) == 50);
	assert_true(tl_nice_hi(0, 40, 7) == 40);
	assert_true(tl_nice_hi(0, 2.0003, 11) == 2);      /* a hair past: clipped */
	assert_true(tl_nice_hi(0, 2.05, 11) > 2.1999);    /* more: the next tick */
	assert_true(tl_nice_hi(2, 2, 7) == 3);
}

static void test_numbers_have_a_point_whatever_the_locale(void **state)
{
	char b[TL_NUM_MAX];

	(void)state;
	setlocale(LC_NUMERIC, "de_DE.UTF-8"); /* may not exist: then "C" stays */
	assert_string_equal(tl_svg_num(12.34, b), "12.3");
	assert_string_equal(tl_svg_num(-0.26, b), "-0.3");
	assert_string_equal(tl_svg_num(-0.04, b), "0.0");
	assert_string_equal(tl_svg_num(7, b), "7.0");
	assert_string_equal(tl_tick_label(0.15, 0.05, b), "0.15");
	assert_string_equal(tl_tick_label(0.5, 0.1, b), "0.5");
	assert_string_equal(tl_tick_label(1500, 500, b), "1500");
	assert_string_equal(tl_tick_label(0, 0.002, b), "0.000");
	assert_string_equal(tl_tick_label(-2, 1, b), "-2");
	setlocale(LC_NUMERIC, "C");
}

static void test_bands_follow_the_state(void **state)
{
	struct tl_sample v[10] = { 0 };
	struct tl_band b[8];

	(void)state;
	for (int i = 0; i < 10; i++)
		v[i].t_us = i * 1000;
	v[3].ca_state = v[4].ca_state = TL_CA_RECOVERY;
	v[7].ca_state = TL_CA_LOSS;
	size_t n = tl_ca_bands(v, 10, b, 8);

	assert_int_equal(n, 5);
	assert_int_equal(b[0].ca_state, TL_CA_OPEN);
	assert_int_equal(b[0].t0_us, 0);
	assert_int_equal(b[0].t1_us, 3000);        /* up to the next state's first */
	assert_int_equal(b[1].ca_state, TL_CA_RECOVERY);
	assert_int_equal(b[1].t0_us, 3000);
	assert_int_equal(b[1].t1_us, 5000);
	assert_int_equal(b[3].ca_state, TL_CA_LOSS);
	assert_int_equal(b[4].t0_us, 8000);
	assert_int_equal(b[4].t1_us, 9000);        /* the last: to the last sample */
	assert_int_equal(tl_ca_bands(v, 10, b, 2), 2);
	assert_int_equal(tl_ca_bands(v, 0, b, 8), 0);
	assert_string_equal(tl_ca_name(TL_CA_CWR), "CWR");
	assert_string_equal(tl_ca_name(TL_CA_DISORDER), "Disorder");
	assert_string_equal(tl_ca_name(9), "?");
}

static void test_in_flight_as_the_kernel_counts(void **state)
{
	struct tl_sample x = { .unacked = 40, .sacked = 3, .lost = 1, .retrans = 1 };

	(void)state;
	assert_int_equal(tl_in_flight(&x), 37);
	x = (struct tl_sample){ .unacked = 2, .sacked = 5 };
	assert_int_equal(tl_in_flight(&x), 0);
	assert_false(tl_ssthresh_set(2147483647u));
	assert_true(tl_ssthresh_set(22));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scale_maps_domain_onto_range),
		cmocka_unit_test(test_ticks_are_1_2_5_steps_inside_the_domain),
		cmocka_unit_test(test_nice_hi_closes_the_axis_on_a_tick),
		cmocka_unit_test(test_numbers_have_a_point_whatever_the_locale),
		cmocka_unit_test(test_bands_follow_the_state),
		cmocka_unit_test(test_in_flight_as_the_kernel_counts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
