/* Congestion avoidance from samples: the reduction at the first loss, the
 * longest stretch in Open after it, cwnd per round trip and its growth. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tcplab/caround.h"

#define RTT 50000
#define INF 2147483647u

static void test_reno_after_two_recoveries(void **state)
{
	static struct tl_sample v[2000];
	size_t n = 0;
	struct tl_ca ca;

	(void)state;
	/* slow start to 200, a loss (ssthresh 100), a short Open, a second
	 * recovery (ssthresh 50), then 1 s in Open growing by 1 per RTT */
	for (int ms = 0; ms < 100; ms++, n++)
		v[n] = (struct tl_sample){ .t_us = ms * 1000, .cwnd = 200, .ssthresh = INF };
	for (int ms = 100; ms < 150; ms++, n++)
		v[n] = (struct tl_sample){ .t_us = ms * 1000, .cwnd = 120, .ssthresh = 100,
					   .ca_state = 3 };
	for (int ms = 150; ms < 160; ms++, n++)
		v[n] = (struct tl_sample){ .t_us = ms * 1000, .cwnd = 100, .ssthresh = 100 };
	for (int ms = 160; ms < 200; ms++, n++)
		v[n] = (struct tl_sample){ .t_us = ms * 1000, .cwnd = 60, .ssthresh = 50,
					   .ca_state = 3 };
	for (int ms = 200; ms < 1200; ms++, n++)
		v[n] = (struct tl_sample){ .t_us = ms * 1000,
					   .cwnd = 50 + (uint32_t)((ms - 200) * 1000 / RTT),
					   .ssthresh = 50 };
	tl_ca_read(v, n, RTT, &ca);
	assert_true(ca.loss && ca.recovered);
	assert_int_equal(ca.cwnd_at_loss, 200);
	assert_int_equal(ca.ssthresh, 100);
	assert_true(ca.beta > 0.49 && ca.beta < 0.51);
	assert_int_equal(ca.ssthresh_open, 50);
	assert_int_equal(ca.t_open_us, 200000);
	assert_int_equal(ca.n, 20);
	assert_int_equal(ca.cwnd[0], 50);
	assert_int_equal(ca.cwnd[19], 69);
	assert_true(ca.inc_median > 0.99 && ca.inc_median < 1.01);
}

static void test_no_loss(void **state)
{
	struct tl_sample v[3] = { { .cwnd = 10, .ssthresh = INF }, { .t_us = 1000, .cwnd = 20,
								     .ssthresh = INF } };
	struct tl_ca ca;

	(void)state;
	tl_ca_read(v, 2, RTT, &ca);
	assert_false(ca.loss);
	assert_int_equal(ca.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reno_after_two_recoveries),
		cmocka_unit_test(test_no_loss),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
