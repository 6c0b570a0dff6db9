/* The kernel recorder's records (bpf/probe.h) as tcp_probe samples and
 * events: the fields land where TCP_INFO's would, the clock in µs, the
 * kinds sorted out, the state names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tcplab/bpf/probe.h"
#include "tcplab/rec_bpf.h"

static struct probe_rec rec(__u32 kind)
{
	return (struct probe_rec){
		.ts = 5123456789ull, .cookie = 4242, .kind = kind,
		.snd_cwnd = 50, .snd_ssthresh = 25, .srtt_us = 20150, .mdev_us = 900,
		.snd_una = 4294966000u, .snd_nxt = 2000, .snd_wnd = 65160, .rcv_wnd = 64512,
		.mss = 1448, .packets_out = 3, .retrans_out = 1, .lost_out = 1, .sacked_out = 2,
		.total_retrans = 7, .seq = 4294967000u, .end_seq = 448, .sport = 42420,
		.dport = 5001, .data_len = 0, .ca_state = 1, .new_state = 3,
	};
}

static void test_sample_fields(void **state)
{
	struct probe_rec r = rec(PROBE_SAMPLE);
	struct tl_probe p;
	struct tl_kev e;

	(void)state;
	assert_true(tl_bpfrec_to_probe(&r, &p));
	assert_false(tl_bpfrec_to_kev(&r, &e));
	assert_int_equal(p.s.t_us, 5123456); /* ns → µs, CLOCK_MONOTONIC both */
	assert_int_equal(p.s.cwnd, 50);
	assert_int_equal(p.s.ssthresh, 25);
	assert_int_equal(p.s.srtt_us, 20150);
	assert_int_equal(p.s.rttvar_us, 900);
	assert_int_equal(p.s.unacked, 3); /* packets_out, as tcpi_unacked */
	assert_int_equal(p.s.retrans, 1);
	assert_int_equal(p.s.lost, 1);
	assert_int_equal(p.s.sacked, 2);
	assert_int_equal(p.s.total_retrans, 7);
	assert_int_equal(p.s.snd_mss, 1448);
	assert_int_equal(p.s.snd_wnd, 65160);
	assert_int_equal(p.s.ca_state, 1);
	assert_int_equal(p.s.rto_us, 0); /* not in the tracepoint */
	assert_int_equal(p.snd_una, 4294966000u);
	assert_int_equal(p.snd_nxt, 2000);
	assert_int_equal(p.rcv_wnd, 64512);
	assert_int_equal(p.sport, 42420);
	assert_int_equal(p.dport, 5001);
	assert_int_equal(p.cookie, 4242);
}

static void test_events(void **state)
{
	struct probe_rec r = rec(PROBE_CONG_STATE);
	struct tl_probe p;
	struct tl_kev e;

	(void)state;
	assert_false(tl_bpfrec_to_probe(&r, &p));
	assert_true(tl_bpfrec_to_kev(&r, &e));
	assert_int_equal(e.kind, TL_KEV_CONG_STATE);
	assert_int_equal(e.from, 1);
	assert_int_equal(e.to, 3);
	assert_int_equal(e.t_us, 5123456);
	assert_int_equal(e.cwnd, 50);
	assert_int_equal(e.ssthresh, 25);
	r = rec(PROBE_RETRANSMIT);
	assert_true(tl_bpfrec_to_kev(&r, &e));
	assert_int_equal(e.kind, TL_KEV_RETRANSMIT);
	assert_int_equal(e.seq, 4294967000u);
	assert_int_equal(e.len, 744); /* end_seq - seq across the wrap */
	assert_int_equal(e.ca_state, 1);
	r = rec(0);
	assert_false(tl_bpfrec_to_kev(&r, &e));
	assert_false(tl_bpfrec_to_probe(&r, &p));
}

static void test_state_names_and_lookups(void **state)
{
	struct tl_kev v[4] = {
		{ .t_us = 10, .kind = TL_KEV_CONG_STATE, .from = 0, .to = 1 },
		{ .t_us = 11, .kind = TL_KEV_CONG_STATE, .from = 1, .to = 3 },
		{ .t_us = 11, .kind = TL_KEV_RETRANSMIT, .seq = 1 },
		{ .t_us = 30, .kind = TL_KEV_CONG_STATE, .from = 3, .to = 0 },
	};

	(void)state;
	assert_string_equal(tl_ca_name(0), "Open");
	assert_string_equal(tl_ca_name(1), "Disorder");
	assert_string_equal(tl_ca_name(2), "CWR");
	assert_string_equal(tl_ca_name(3), "Recovery");
	assert_string_equal(tl_ca_name(4), "Loss");
	assert_string_equal(tl_ca_name(5), "?");
	assert_ptr_equal(tl_bpfrec_state(v, 4, 3, 0), &v[1]);
	assert_ptr_equal(tl_bpfrec_state(v, 4, 0, 11), &v[3]);
	assert_null(tl_bpfrec_state(v, 4, 4, 0));
	assert_null(tl_bpfrec_state(v, 4, 3, 12));
	assert_int_equal(tl_bpfrec_count_rtx(v, 4), 1);
	assert_int_equal(tl_bpfrec_count_rtx(v, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample_fields),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_state_names_and_lookups),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
