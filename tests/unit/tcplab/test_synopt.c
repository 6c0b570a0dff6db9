/* The SYN's options: negotiation (on only when both send an option, MSS
 * the smaller), the SYN-ACK's conformance, the byte-by-byte explanation of
 * a Linux SYN's 20 option bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tcplab/synopt.h"

static void test_negotiation(void **state)
{
	struct tl_synopts syn = { .mss = true, .mss_val = 1460, .ws = true, .ws_val = 7,
				  .sackok = true, .ts = true };
	struct tl_synopts sa = { .mss = true, .mss_val = 1000, .ws = false, .sackok = true,
				 .ts = false };
	struct tl_negotiated n;

	(void)state;
	tl_negotiate(&syn, &sa, &n);
	assert_int_equal(n.mss, 1000);
	assert_false(n.ws);
	assert_true(n.sackok);
	assert_false(n.ts);
	assert_true(tl_synack_conforms(&syn, &sa));

	struct tl_synopts bare = { 0 };
	tl_negotiate(&bare, &sa, &n);
	assert_int_equal(n.mss, 536); /* no MSS option: RFC 9293's default */
	assert_false(tl_synack_conforms(&bare, &sa)); /* SACK answered but never offered */
}

static void test_explain_linux_syn(void **state)
{
	const uint8_t b[] = { 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0x00, 0x00,
			      0x00, 0x2a, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07 };
	char out[2048];

	(void)state;
	assert_int_equal(tl_synopt_explain(b, sizeof b, out, sizeof out), 5);
	assert_non_null(strstr(out, "MSS 1460 bytes"));
	assert_non_null(strstr(out, "SACK permitted"));
	assert_non_null(strstr(out, "TSval 42, TSecr 0"));
	assert_non_null(strstr(out, " 16  01 "));
	assert_non_null(strstr(out, "shift 7 (window × 128)"));

	const uint8_t bad[] = { 0x02, 0x09, 0x05 }; /* a length beyond the options */
	assert_int_equal(tl_synopt_explain(bad, sizeof bad, out, sizeof out), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_negotiation),
		cmocka_unit_test(test_explain_linux_syn),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
