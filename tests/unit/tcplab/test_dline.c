/* The delay line's pure logic: the FIFO's due times and drop-tail, the
 * drop rule's segment counting, and which frames are data segments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tcplab/dline.h"

static void test_holds_for_the_delay_in_order(void **state)
{
	struct tl_dline q;
	uint8_t a[] = { 1 }, b[] = { 2 };

	(void)state;
	assert_int_equal(tl_dline_init(&q, 4, 10000), 0);
	assert_int_equal(tl_dline_next_due(&q), UINT64_MAX);
	assert_true(tl_dline_push(&q, a, 1, 1000));
	assert_true(tl_dline_push(&q, b, 1, 1500));
	assert_null(tl_dline_due(&q, 10999));
	assert_int_equal(tl_dline_next_due(&q), 11000);
	const struct tl_held *h = tl_dline_due(&q, 11000);
	assert_non_null(h);
	assert_int_equal(h->data[0], 1);
	assert_int_equal(h->in_us, 1000);
	tl_dline_pop(&q);
	assert_null(tl_dline_due(&q, 11499));
	h = tl_dline_due(&q, 20000);
	assert_non_null(h);
	assert_int_equal(h->data[0], 2);
	tl_dline_pop(&q);
	assert_null(tl_dline_due(&q, 99999));
	tl_dline_free(&q);
}

static void test_drop_tail_when_full(void **state)
{
	struct tl_dline q;
	uint8_t f[64] = { 0 };

	(void)state;
	assert_int_equal(tl_dline_init(&q, 2, 0), 0);
	assert_true(tl_dline_push(&q, f, sizeof f, 0));
	assert_true(tl_dline_push(&q, f, sizeof f, 0));
	assert_false(tl_dline_push(&q, f, sizeof f, 0));
	assert_int_equal(q.dropped_full, 1);
	tl_dline_pop(&q);
	assert_true(tl_dline_push(&q, f, sizeof f, 0)); /* the ring wraps */
	assert_int_equal(q.n, 2);
	uint8_t big[TL_FRAME_MAX + 1] = { 0 };
	tl_dline_pop(&q);
	assert_false(tl_dline_push(&q, big, sizeof big, 0));
	tl_dline_free(&q);
}

static void test_drop_numbers_and_every(void **state)
{
	struct tl_droprule r = { .drop = { 3, 5 }, .ndrop = 2 };
	struct tl_dropper d = { .rule = &r };
	bool got[12];

	(void)state;
	for (int i = 1; i <= 6; i++)
		got[i] = tl_dropper_next(&d, NULL, (uint32_t)i);
	assert_false(got[1]);
	assert_false(got[2]);
	assert_true(got[3]);
	assert_false(got[4]);
	assert_true(got[5]);
	assert_false(got[6]);
	assert_int_equal(d.ndropped, 2);

	struct tl_droprule e = { .every = 4 };
	struct tl_dropper de = { .rule = &e };
	int dropped = 0;
	for (int i = 1; i <= 12; i++)
		if (tl_dropper_next(&de, NULL, (uint32_t)i)) {
			assert_int_equal(i % 4, 0);
			dropped++;
		}
	assert_int_equal(dropped, 3);
}

static void test_retransmissions_of_a_dropped_segment(void **state)
{
	struct tl_droprule r = { .drop = { 2 }, .ndrop = 1, .rtx_drops = 2 };
	struct tl_dropper d = { .rule = &r };

	(void)state;
	assert_false(tl_dropper_next(&d, NULL, 1000));
	assert_true(tl_dropper_next(&d, NULL, 2000));  /* the 2nd segment */
	assert_false(tl_dropper_next(&d, NULL, 3000));
	assert_true(tl_dropper_next(&d, NULL, 2000));  /* its 1st retransmission */
	assert_true(tl_dropper_next(&d, NULL, 2000));  /* its 2nd */
	assert_false(tl_dropper_next(&d, NULL, 2000)); /* the 3rd goes through */
	assert_int_equal(d.ndropped, 3);
	struct tl_droprule du = { .dup = 2 };
	struct tl_dropper dd = { .rule = &du };
	assert_false(tl_dropper_next(&dd, NULL, 1));
	assert_false(tl_dropper_dup(&dd));
	assert_false(tl_dropper_next(&dd, NULL, 2)); /* delivered, and twice */
	assert_true(tl_dropper_dup(&dd));
	assert_false(tl_dropper_next(&dd, NULL, 3));
	assert_false(tl_dropper_dup(&dd));
	tl_dropper_reset(&d); /* a new connection counts from 1 again */
	assert_false(tl_dropper_next(&d, NULL, 1000));
	assert_true(tl_dropper_next(&d, NULL, 5000));
}

static void test_random_loss_rate(void **state)
{
	struct tl_droprule r = { .loss_ppm = 100000 }; /* 10 % */
	struct tl_dropper d = { .rule = &r };
	struct rng g;
	int n = 0;

	(void)state;
	rng_seed(&g, 42);
	for (int i = 0; i < 10000; i++)
		n += tl_dropper_next(&d, &g, 0);
	assert_in_range(n, 850, 1150);
	struct tl_droprule none = { 0 };
	struct tl_dropper dn = { .rule = &none };
	for (int i = 0; i < 100; i++)
		assert_false(tl_dropper_next(&dn, &g, 0));
}

/* Ethernet + IPv4 + TCP with payload bytes. */
static size_t frame(uint8_t *f, size_t payload, uint16_t ethertype)
{
	memset(f, 0, 14 + 20 + 20 + payload);
	f[12] = (uint8_t)(ethertype >> 8);
	f[13] = (uint8_t)ethertype;
	uint8_t *ip = f + 14;
	ip[0] = 0x45;
	size_t tot = 20 + 20 + payload;
	ip[2] = (uint8_t)(tot >> 8);
	ip[3] = (uint8_t)tot;
	ip[9] = 6;
	ip[20 + 12] = 5 << 4;
	return 14 + tot;
}

static void test_data_segments(void **state)
{
	uint8_t f[1600];
	uint32_t seq = 0;

	(void)state;
	size_t len = frame(f, 100, 0x0800);
	f[14 + 20 + 4] = 0x12;
	f[14 + 20 + 7] = 0x78;
	assert_true(tl_frame_is_data(f, len, &seq));
	assert_int_equal(seq, 0x12000078);
	assert_true(tl_frame_is_data(f, frame(f, 100, 0x0800), NULL));
	assert_false(tl_frame_is_syn(f, frame(f, 100, 0x0800)));
	len = frame(f, 0, 0x0800);
	f[14 + 20 + 13] = 0x02;
	assert_true(tl_frame_is_syn(f, len));
	f[14 + 20 + 13] = 0x12; /* SYN-ACK */
	assert_false(tl_frame_is_syn(f, len));
	assert_false(tl_frame_is_data(f, frame(f, 0, 0x0800), NULL));    /* a pure ACK */
	assert_false(tl_frame_is_data(f, frame(f, 100, 0x0806), NULL));  /* ARP */
	size_t n = frame(f, 100, 0x0800);
	f[14 + 9] = 17;                                             /* UDP */
	assert_false(tl_frame_is_data(f, n, NULL));
	assert_false(tl_frame_is_data(f, 20, NULL));                      /* truncated */
	n = frame(f, 100, 0x0800);
	assert_false(tl_frame_is_data(f, n - 50, NULL));                  /* total beyond the frame */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_holds_for_the_delay_in_order),
		cmocka_unit_test(test_drop_tail_when_full),
		cmocka_unit_test(test_drop_numbers_and_every),
		cmocka_unit_test(test_retransmissions_of_a_dropped_segment),
		cmocka_unit_test(test_random_loss_rate),
		cmocka_unit_test(test_data_segments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
