/* Unit tests for socklab nc's half-close model: each direction ends on its
 * own, the session when both have; and how lost input is counted and told. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "nc/halfclose.h"

/* The newcomer review's D1: the peer's FIN comes first, our input later. */
static void test_peer_fin_first_keeps_sending(void **state)
{
	struct nc_hc_state s = { 0 };

	s.net_eof = true;
	assert_true(nc_hc_want_input(&s));
	assert_int_equal(nc_hc_next(&s, 0, 0), HC_RUN);
	assert_int_equal(nc_hc_next(&s, 100, 0), HC_RUN); /* "late" read, not sent yet */
	s.in_eof = true;
	assert_int_equal(nc_hc_next(&s, 100, 0), HC_RUN); /* still in our buffer */
	assert_int_equal(nc_hc_next(&s, 0, 0), HC_INPUT_DONE);
	assert_true(s.in_done);
	assert_int_equal(nc_hc_next(&s, 0, 0), HC_END);
}

static void test_input_first_waits_for_peer(void **state)
{
	struct nc_hc_state s = { 0 };

	s.in_eof = true;
	assert_false(nc_hc_want_input(&s));
	assert_int_equal(nc_hc_next(&s, 0, 0), HC_INPUT_DONE);
	assert_int_equal(nc_hc_next(&s, 0, 0), HC_RUN);   /* the peer may still send */
	assert_int_equal(nc_hc_next(&s, 0, 5), HC_RUN);
	s.net_eof = true;
	assert_int_equal(nc_hc_next(&s, 0, 5), HC_RUN);   /* its last bytes not written out */
	assert_int_equal(nc_hc_next(&s, 0, 0), HC_END);
}

static void test_input_done_only_once(void **state)
{
	struct nc_hc_state s = { .in_eof = true };

	assert_int_equal(nc_hc_next(&s, 0, 0), HC_INPUT_DONE);
	for (int i = 0; i < 3; i++)
		assert_int_equal(nc_hc_next(&s, 0, 0), HC_RUN);
}

/* -k: stdin is shared by the peers; the rest of it is for the next one. */
static void test_keep_ends_at_peer_fin_once_read_input_is_sent(void **state)
{
	struct nc_hc_state s = { .keep = true };

	assert_true(nc_hc_want_input(&s));
	s.net_eof = true;
	assert_false(nc_hc_want_input(&s));
	assert_int_equal(nc_hc_next(&s, 10, 0), HC_RUN);
	assert_int_equal(nc_hc_next(&s, 0, 3), HC_RUN);
	assert_int_equal(nc_hc_next(&s, 0, 0), HC_END);
}

static void test_unsent_counts_and_text(void **state)
{
	char buf[128];
	struct nc_hc_unsent none = { 0 };
	struct nc_hc_unsent file = { .queued = 10, .unacked = 1000, .unread = 5000000 };
	struct nc_hc_unsent one = { .unread = 1 };
	struct nc_hc_unsent pipe = { .unread = 4096, .more = true };
	struct nc_hc_unsent tty = { .more = true };

	assert_false(nc_hc_unsent_any(&none));
	nc_hc_unsent_format(&none, buf, sizeof(buf));
	assert_string_equal(buf, "");
	assert_int_equal(nc_hc_unsent_bytes(&file), 5001010);
	nc_hc_unsent_format(&file, buf, sizeof(buf));
	assert_string_equal(buf, "5001010 bytes of standard input not sent");
	nc_hc_unsent_format(&one, buf, sizeof(buf));
	assert_string_equal(buf, "1 byte of standard input not sent");
	nc_hc_unsent_format(&pipe, buf, sizeof(buf));
	assert_string_equal(buf, "4096 bytes of standard input not sent, and standard input had not ended");
	assert_true(nc_hc_unsent_any(&tty));
	nc_hc_unsent_format(&tty, buf, sizeof(buf));
	assert_string_equal(buf, "standard input had not ended");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_peer_fin_first_keeps_sending),
		cmocka_unit_test(test_input_first_waits_for_peer),
		cmocka_unit_test(test_input_done_only_once),
		cmocka_unit_test(test_keep_ends_at_peer_fin_once_read_input_is_sent),
		cmocka_unit_test(test_unsent_counts_and_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
