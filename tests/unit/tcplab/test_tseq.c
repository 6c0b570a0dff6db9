/* The time-sequence graph's content from segments: data and
 * retransmissions, the ACK line and window edge (scaled), duplicate ACKs,
 * SACK blocks, and per-ACK RTTs under Karn's rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "pkt/packet.h"
#include "tcplab/tseq.h"

#define ISN 4294967000u  /* wraps within the transfer */
#define MSS 1000

static size_t syn(struct tl_seg *s, size_t n)
{
	s[n++] = (struct tl_seg){ .t_us = 0, .out = true, .flags = TCP_SYN, .seq = ISN };
	s[n++] = (struct tl_seg){ .t_us = 20000, .flags = TCP_SYN | TCP_ACK, .seq = 77,
				  .ack = ISN + 1, .win = 65535 };
	return n;
}

static size_t data(struct tl_seg *s, size_t n, int64_t t, uint32_t k)
{
	s[n++] = (struct tl_seg){ .t_us = t, .out = true, .flags = TCP_ACK,
				  .seq = ISN + 1 + k * MSS, .len = MSS };
	return n;
}

static size_t ack(struct tl_seg *s, size_t n, int64_t t, uint32_t k, uint16_t win)
{
	s[n++] = (struct tl_seg){ .t_us = t, .flags = TCP_ACK, .ack = ISN + 1 + k * MSS,
				  .win = win };
	return n;
}

static void test_loss_dupacks_sack_and_karn(void **state)
{
	struct tl_seg s[32];
	struct tl_tseq t;
	size_t n = syn(s, 0);

	(void)state;
	for (uint32_t k = 0; k < 5; k++)          /* segments 0..4 at 21..25 ms */
		n = data(s, n, 21000 + k * 1000, k);
	n = ack(s, n, 41000, 1, 100);             /* acks 0: RTT 20 ms */
	for (int d = 0; d < 3; d++) {             /* 1 lost: three duplicates */
		n = ack(s, n, 43000 + d * 1000, 1, 100);
		s[n - 1].nsack = 1;
		s[n - 1].sack[0][0] = ISN + 1 + 2 * MSS;
		s[n - 1].sack[0][1] = ISN + 1 + (uint32_t)(3 + d) * MSS;
	}
	n = data(s, n, 46000, 1);                 /* the retransmission */
	n = ack(s, n, 66000, 5, 100);             /* covers all: 1 measures nothing */
	assert_int_equal(tl_tseq_build(s, n, 7, &t), 0);
	assert_int_equal(t.ndata, 5);
	assert_int_equal(t.nrtx, 1);
	assert_int_equal(t.nack, 5);
	assert_int_equal(t.ndup, 3);
	assert_int_equal(t.nsack, 3);
	assert_int_equal(t.n, 11);                /* the handshake left out */
	assert_int_equal(t.seq_max, 1 + 5 * MSS);
	/* relative to the ISN across the wrap; the SYN is byte 0 */
	assert_int_equal(t.pt[0].kind, TL_TS_DATA);
	assert_int_equal(t.pt[0].lo, 1);
	assert_int_equal(t.pt[0].hi, 1 + MSS);
	assert_int_equal(t.pt[5].kind, TL_TS_ACK);
	assert_int_equal(t.pt[5].lo, 1 + MSS);
	assert_int_equal(t.pt[5].hi, 1 + MSS + (100 << 7)); /* window << 7 */
	assert_int_equal(t.pt[6].kind, TL_TS_DUPACK);
	assert_int_equal(t.pt[6].sack[0][0], 1 + 2 * MSS);
	assert_int_equal(t.pt[6].sack[0][1], 1 + 3 * MSS);
	assert_int_equal(t.pt[9].kind, TL_TS_RTX);
	assert_int_equal(t.pt[9].lo, 1 + MSS);
	assert_int_equal(t.pt[10].kind, TL_TS_ACK);
	/* RTTs: segment 0 by the first ACK (20 ms); 1 retransmitted: none;
	 * 2..4 by the last ACK */
	assert_int_equal(t.nrtt, 4);
	assert_int_equal(t.rtt[0].rtt_us, 20000);
	assert_int_equal(t.rtt[0].t_us, 41000);
	assert_int_equal(t.rtt[1].rtt_us, 66000 - 23000);
	assert_int_equal(t.rtt[3].rtt_us, 66000 - 25000);
	assert_int_equal(t.edge_max, 1 + 5 * MSS + (100 << 7));
	/* the zoom: from half the least RTT (20 ms) before the original (sent
	 * earlier than 1.5 RTTs before the retransmission), to 2.5 RTTs after */
	int64_t ta, tb;

	assert_true(tl_tseq_zoom(&t, &ta, &tb));
	assert_int_equal(ta, 22000 - 10000);
	assert_int_equal(tb, 46000 + 50000);
	tl_tseq_free(&t);
}

static void test_window_change_is_no_duplicate(void **state)
{
	struct tl_seg s[16] = { 0 };
	struct tl_tseq t;
	size_t n = syn(s, 0);

	(void)state;
	n = data(s, n, 21000, 0);
	n = data(s, n, 22000, 1);
	n = ack(s, n, 41000, 1, 100);
	n = ack(s, n, 42000, 1, 200);             /* a window update */
	n = ack(s, n, 43000, 1, 200);             /* a duplicate */
	n = ack(s, n, 44000, 2, 200);
	n = ack(s, n, 45000, 2, 200);             /* nothing outstanding: no duplicate */
	n = ack(s, n, 46000, 2, 0);               /* the window closes */
	s[n++] = (struct tl_seg){ .t_us = 250000, .out = true, .flags = TCP_ACK,
				  .seq = ISN + 2 * MSS }; /* a zero-window probe: una - 1 */
	s[n++] = (struct tl_seg){ .t_us = 260000, .out = true, .flags = TCP_ACK,
				  .seq = ISN + 1 + 2 * MSS }; /* a pure ACK: no probe */
	assert_int_equal(tl_tseq_build(s, n, 0, &t), 0);
	assert_int_equal(t.nprobe, 1);
	assert_int_equal(t.pt[8].kind, TL_TS_PROBE);
	assert_int_equal(t.pt[8].lo, 2 * MSS);
	assert_int_equal(t.pt[7].hi, t.pt[7].lo); /* a zero window: the edge on the ACK */
	assert_int_equal(t.n, 9);
	assert_int_equal(t.ndup, 1);
	assert_int_equal(t.pt[4].kind, TL_TS_DUPACK);
	assert_int_equal(t.pt[3].hi, 1 + MSS + 200); /* unscaled */
	tl_tseq_free(&t);
}

static void test_zoom_reaches_back_to_a_timeouts_original(void **state)
{
	struct tl_seg s[8] = { 0 };
	struct tl_tseq t;
	int64_t ta, tb;
	size_t n = syn(s, 0);

	(void)state;
	n = data(s, n, 21000, 0);                 /* lost */
	n = data(s, n, 250000, 0);                /* the timer's retransmission */
	n = ack(s, n, 270000, 1, 100);            /* measures nothing (Karn) */
	assert_int_equal(tl_tseq_build(s, n, 0, &t), 0);
	assert_int_equal(t.nrtt, 0);
	assert_true(tl_tseq_zoom(&t, &ta, &tb));
	assert_int_equal(ta, 21000 - 25000);      /* 50 ms assumed: half before the original */
	assert_int_equal(tb, 250000 + 125000);
	tl_tseq_free(&t);
	n = data(s, syn(s, 0), 21000, 0);
	assert_int_equal(tl_tseq_build(s, n, 0, &t), 0);
	assert_false(tl_tseq_zoom(&t, &ta, &tb)); /* nothing retransmitted */
	tl_tseq_free(&t);
}

static void test_without_syn_and_empty(void **state)
{
	struct tl_seg s[4] = { 0 };
	struct tl_tseq t;
	size_t n = 0;

	(void)state;
	assert_int_equal(tl_tseq_build(s, 0, 0, &t), 0);
	assert_int_equal(t.n, 0);
	assert_int_equal(t.nrtt, 0);
	tl_tseq_free(&t);
	n = data(s, n, 1000, 3);                  /* the SYN missed: first byte is 1 */
	n = ack(s, n, 2000, 4, 10);
	assert_int_equal(tl_tseq_build(s, n, 0, &t), 0);
	assert_int_equal(t.pt[0].lo, 1);
	assert_int_equal(t.pt[1].lo, 1 + MSS);
	assert_int_equal(t.nrtt, 1);
	tl_tseq_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loss_dupacks_sack_and_karn),
		cmocka_unit_test(test_window_change_is_no_duplicate),
		cmocka_unit_test(test_zoom_reaches_back_to_a_timeouts_original),
		cmocka_unit_test(test_without_syn_and_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
