/* Slow start's rounds from TCP_INFO samples: one cwnd per round trip,
 * read between the bursts of ACKs; rounds held back by the peer's window
 * left out of the median; the first loss ends it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tcplab/ssround.h"

#define RTT 50000
#define INF 2147483647u

/* cwnd 10 doubling at each burst of ACKs (at 50, 100, 150 ... ms), one
 * sample per ms; a loss (ssthresh set) at the loss_ms-th ms. */
static size_t make(struct tl_sample *v, size_t max, int64_t loss_ms, uint32_t wnd)
{
	size_t n = 0;

	for (int64_t ms = 0; ms < 400 && n < max; ms++, n++) {
		uint32_t cw = 10;

		for (int64_t b = RTT / 1000; b <= ms; b += RTT / 1000)
			cw *= 2;
		v[n] = (struct tl_sample){ .t_us = 1000000 + ms * 1000, .cwnd = cw, .ssthresh = INF,
					   .snd_mss = 1448, .unacked = cw, .snd_wnd = wnd };
		if (loss_ms >= 0 && ms >= loss_ms) {
			v[n].ssthresh = cw / 2;
			v[n].total_retrans = 1;
		}
	}
	return n;
}

static void test_doubling_until_the_loss(void **state)
{
	static struct tl_sample v[400];
	struct tl_ss ss;
	size_t n = make(v, 400, 260, 100000000);

	(void)state;
	tl_ss_read(v, n, RTT, &ss);
	assert_true(ss.loss);
	assert_int_equal(v[ss.loss_sample].t_us, 1000000 + 260 * 1000);
	assert_true(ss.n >= 5);
	assert_int_equal(ss.r[0].cwnd, 10);
	assert_int_equal(ss.r[1].cwnd, 20);
	assert_int_equal(ss.r[4].cwnd, 160);
	assert_true(ss.r[2].ratio > 1.99 && ss.r[2].ratio < 2.01);
	assert_true(ss.nratios >= 4);
	assert_true(ss.ratio_median > 1.99 && ss.ratio_median < 2.01);
}

static void test_window_limited_rounds_left_out(void **state)
{
	static struct tl_sample v[400];
	struct tl_ss ss;
	/* the peer's window is always full: every round is held back */
	size_t n = make(v, 400, -1, 1448);

	(void)state;
	tl_ss_read(v, n, RTT, &ss);
	assert_false(ss.loss);
	assert_true(ss.n >= 5);
	assert_true(ss.r[0].rwnd_limited);
	assert_int_equal(ss.nratios, 0);
	assert_true(ss.ratio_median == 0);
	tl_ss_read(v, 0, RTT, &ss);
	assert_int_equal(ss.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_doubling_until_the_loss),
		cmocka_unit_test(test_window_limited_rounds_left_out),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
