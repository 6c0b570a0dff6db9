/* Measurements over captured segments: Nagle's rounds, the duplicate ACKs
 * before the first retransmission, the handshake's round trip; and the
 * quantiles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "pkt/packet.h"
#include "tcplab/segs.h"
#include "tcplab/stats.h"

#define OUT(t, seq, len) { (t), true, TCP_ACK | TCP_PSH, (seq), 1, (len), 100, 0, 0, { { 0, 0 } } }
#define IN(t, ack, len) { (t), false, TCP_ACK, 1, (ack), (len), 100, 0, 0, { { 0, 0 } } }
#define SACK(t, ack) { (t), false, TCP_ACK, 1, (ack), 0, 100, 1, 100, { { 0, 0 } } }
/* one ACK whose blocks cover n segments of 100 bytes */
#define SACKN(t, ack, n) { (t), false, TCP_ACK, 1, (ack), 0, 100, 1, 100 * (n), { { 0, 0 } } }

static void test_nagle_rounds(void **state)
{
	/* round 1: 10 bytes, its ACK at 60 ms, then 20 bytes; reply.
	 * round 2: three segments 0.1 ms apart (NODELAY); reply. */
	const struct tl_seg s[] = {
		{ 0, true, TCP_SYN, 0, 0, 0, 100, 0, 0, { { 0, 0 } } },
		{ 20000, false, TCP_SYN | TCP_ACK, 0, 1, 0, 100, 0, 0, { { 0, 0 } } },
		OUT(100000, 1, 10), IN(160000, 11, 0), OUT(160100, 11, 20), IN(180000, 31, 1),
		OUT(200000, 31, 10), OUT(200100, 41, 10), OUT(200200, 51, 10), IN(220000, 61, 1),
	};
	struct tl_round r[4];
	size_t n = tl_rounds(s, sizeof s / sizeof s[0], r, 4);

	(void)state;
	assert_int_equal(n, 2);
	assert_int_equal(r[0].nseg, 2);
	assert_int_equal(r[0].gap_us, 60100);
	assert_true(r[0].acked_first);
	assert_int_equal(r[0].ack_after_us, 60000);
	assert_int_equal(r[1].nseg, 3);
	assert_int_equal(r[1].gap_us, 100);
	assert_false(r[1].acked_first);
	assert_int_equal(tl_syn_rtt(s, sizeof s / sizeof s[0]), 20000);
}

static void test_first_retransmission(void **state)
{
	/* segments 1..5 of 100 bytes; the 2nd (seq 101) lost; ACK 101 once,
	 * then three duplicates with SACK; the retransmission of 101. */
	const struct tl_seg s[] = {
		OUT(0, 1, 100), OUT(10, 101, 100), OUT(20, 201, 100), OUT(30, 301, 100),
		OUT(40, 401, 100), IN(1000, 101, 0), SACK(1010, 101), SACK(1020, 101),
		SACK(1030, 101), OUT(1031, 101, 100), IN(2000, 501, 0),
	};
	struct tl_rtx x;

	(void)state;
	tl_first_rtx(s, sizeof s / sizeof s[0], &x);
	assert_true(x.found);
	assert_int_equal(x.orig, 1);
	assert_int_equal(x.rtx, 9);
	assert_int_equal(x.dupacks, 3);
	assert_int_equal(x.sacked, 3);
	assert_int_equal(x.t_dup3_us, 1030);

	/* the first ACK of the lost segment's number already carries SACK
	 * (the ACK of the one before it was delayed): a duplicate too */
	const struct tl_seg d[] = {
		OUT(0, 1, 100), OUT(10, 101, 100), OUT(20, 201, 100), OUT(30, 301, 100),
		OUT(40, 401, 100), SACK(1010, 101), SACK(1020, 101), SACK(1030, 101),
		OUT(1031, 101, 100),
	};
	tl_first_rtx(d, sizeof d / sizeof d[0], &x);
	assert_true(x.found);
	assert_int_equal(x.dupacks, 3);
	assert_int_equal(x.t_dup3_us, 1030);

	/* one duplicate whose blocks cover three segments is enough */
	const struct tl_seg one[] = {
		OUT(0, 1, 100), OUT(10, 101, 100), OUT(20, 201, 100), OUT(30, 301, 100),
		OUT(40, 401, 100), IN(1000, 101, 0), SACKN(1010, 101, 3), OUT(1011, 101, 100),
	};
	tl_first_rtx(one, sizeof one / sizeof one[0], &x);
	assert_int_equal(x.dupacks, 1);
	assert_int_equal(x.sacked_segs, 3);
	assert_int_equal(x.t_dup3_us, 1010);

	const struct tl_seg none[] = { OUT(0, 1, 100), OUT(10, 101, 100), IN(50, 201, 0) };
	tl_first_rtx(none, 3, &x);
	assert_false(x.found);
}

static void test_retransmission_list(void **state)
{
	/* three holes (101, 301, 501) repaired one per round trip */
	const struct tl_seg s[] = {
		OUT(0, 1, 100), OUT(1, 101, 100), OUT(2, 201, 100), OUT(3, 301, 100),
		OUT(4, 401, 100), OUT(5, 501, 100), OUT(6, 601, 100),
		IN(100, 101, 0), IN(101, 101, 0), IN(102, 101, 0), IN(103, 101, 0),
		OUT(104, 101, 100), IN(200, 301, 0), OUT(201, 301, 100), IN(300, 501, 0),
		OUT(301, 501, 100), OUT(302, 101, 100), IN(400, 701, 0),
	};
	struct tl_rtxseg r[4];
	size_t n = tl_rtx_list(s, sizeof s / sizeof s[0], r, 4);

	(void)state;
	assert_int_equal(n, 3); /* 101 sent a third time is no new one */
	assert_int_equal(r[0].seq, 101);
	assert_int_equal(r[0].t_orig_us, 1);
	assert_int_equal(r[0].t_rtx_us, 104);
	assert_int_equal(r[1].seq, 301);
	assert_int_equal(r[2].t_rtx_us, 301);
	assert_int_equal(tl_acked_at(s, sizeof s / sizeof s[0], r[2].rtx, 601), 400);
	assert_int_equal(tl_acked_at(s, sizeof s / sizeof s[0], r[2].rtx, 9999), -1);
}

/* An ACK from the receiver with a window. */
#define WIN(t, ack, w) { (t), false, TCP_ACK, 1, (ack), 0, (w), 0, 0, { { 0, 0 } } }
#define PROBE(t, seq) { (t), true, TCP_ACK, (seq), 1, 0, 100, 0, 0, { { 0, 0 } } }

static void test_zero_window(void **state)
{
	const struct tl_seg s[] = {
		OUT(0, 1, 100), WIN(20, 101, 50), OUT(21, 101, 50), WIN(40, 151, 0),
		PROBE(240, 150), WIN(260, 151, 0), PROBE(640, 150), WIN(660, 151, 0),
		PROBE(1440, 150), WIN(1460, 151, 0), WIN(1500, 151, 4000), OUT(1501, 151, 100),
	};
	struct tl_zwin z;

	(void)state;
	tl_zero_window(s, sizeof s / sizeof s[0], &z);
	assert_true(z.closed);
	assert_int_equal(z.t_zero_us, 40);
	assert_int_equal(z.nprobes, 3);
	assert_int_equal(z.t_probe_us[2], 1440);
	assert_int_equal(z.t_open_us, 1500);
	assert_int_equal(z.t_resume_us, 1501);

	const struct tl_seg open[] = { OUT(0, 1, 100), WIN(20, 101, 50) };
	tl_zero_window(open, 2, &z);
	assert_false(z.closed);
	assert_int_equal(z.t_resume_us, -1);
}

static void test_quantiles(void **state)
{
	int64_t v[] = { 5, 1, 4, 2, 3, 100, 7, 6, 9, 8 };

	(void)state;
	assert_int_equal(tl_quantile(v, 10, 0.5), 5);
	assert_int_equal(tl_quantile(v, 10, 0.99), 100);
	assert_int_equal(tl_quantile(v, 10, 0.0), 1);
	assert_int_equal(tl_quantile(v, 0, 0.5), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nagle_rounds),
		cmocka_unit_test(test_first_retransmission),
		cmocka_unit_test(test_retransmission_list),
		cmocka_unit_test(test_zero_window),
		cmocka_unit_test(test_quantiles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
