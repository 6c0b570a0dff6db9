/* Frames to the model's packets: a frame whose time stamp lies outside the
 * model's times [0, TR_TIME_MAX] is not taken (issue 11 item 20). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <netinet/in.h>

#include "trace/packets.h"

/* IPv4 127.0.0.1:7777 -> 127.0.0.1:6666, a bare SYN. */
static const uint8_t syn_frame[] = {
	0x45, 0x00, 0x00, 0x28, 0x00, 0x01, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00,
	0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x01,
	0x1e, 0x61, 0x1a, 0x0a, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x00, 0x00,
	0x50, 0x02, 0xff, 0xd7, 0x00, 0x00, 0x00, 0x00,
};

static void test_time_stamp_range(void **state)
{
	struct tr_packet p = { 0 };
	uint32_t n = sizeof syn_frame;

	(void)state;
	assert_true(tr_packet_from_frame(LINK_RAW, syn_frame, n, n, 0, &p));
	assert_true(tr_packet_from_frame(LINK_RAW, syn_frame, n, n, TR_TIME_MAX, &p));
	assert_true(p.ts == TR_TIME_MAX);
	assert_int_equal(p.proto, IPPROTO_TCP);
	assert_int_equal(p.src.port, 7777);
	assert_int_equal(p.seq, 1000);
	assert_false(tr_packet_from_frame(LINK_RAW, syn_frame, n, n, TR_TIME_MAX + 1, &p));
	assert_false(tr_packet_from_frame(LINK_RAW, syn_frame, n, n, INT64_MAX, &p));
	assert_false(tr_packet_from_frame(LINK_RAW, syn_frame, n, n, -1, &p));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_stamp_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
