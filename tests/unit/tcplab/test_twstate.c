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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_finds_time_wait_and_timer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
