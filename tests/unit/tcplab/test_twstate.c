/* /proc/net/tcp's lines: the TIME_WAIT socket of a port and its timer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tcplab/twstate.h"

static const char proc[] =
	"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
	"timeout inode\n"
	"   0: 0200E90A:1389 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        "
	"0 12345 1 0000000000000000 100 0 0 10 0\n"
	"   1: 0100E90A:1E61 0200E90A:1389 06 00000000:00000000 03:00001767 00000000     0        "
	"0 0 3 0000000000000000\n";

static void test_finds_time_wait_and_timer(void **state)
{
	struct tl_twline tw;

	(void)state;
	tl_tw_find(proc, 7777, &tw);
	assert_true(tw.found);
	assert_int_equal(tw.state, 6);
	assert_int_equal(tw.timer, 3);
	assert_int_equal(tw.left_ticks, 0x1767);
	tl_tw_find(proc, 5001, &tw);
	assert_true(tw.found);
	assert_int_equal(tw.state, 0x0a); /* LISTEN */
	tl_tw_find(proc, 7778, &tw);
	assert_false(tw.found);
	tl_tw_find("", 7777, &tw);
	assert_false(tw.found);
}

static void test_counts_half_open(void **state)
{
	static const char text[] =
		"  sl  local_address rem_address   st\n"
		"   0: 0200E90A:1389 00000000:0000 0A 00000000:00000000 00:00000000 00000000\n"
		"   1: 0200E90A:1389 6400E90A:D431 03 00000000:00000000 01:00000064 00000000\n"
		"   2: 0200E90A:1389 6500E90A:0457 03 00000000:00000000 01:00000064 00000000\n"
		"   3: 0200E90A:1F90 6500E90A:0457 03 00000000:00000000 01:00000064 00000000\n";

	(void)state;
	assert_int_equal(tl_tcp_count_state(text, 5001, 3), 2);
	assert_int_equal(tl_tcp_count_state(text, 5001, 0x0a), 1);
	assert_int_equal(tl_tcp_count_state(text, 8080, 3), 1);
	assert_int_equal(tl_tcp_count_state("", 5001, 3), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_finds_time_wait_and_timer),
		cmocka_unit_test(test_counts_half_open),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
