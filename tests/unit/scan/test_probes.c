/* Unit tests for what socklab scan sends and how it reads what comes back:
 * the UDP payload table, ICMP and connect() error classification, and
 * banner escaping and shortening. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "scan/banner.h"
#include "scan/icmp.h"
#include "scan/payload.h"

static void test_payload_table(void **state)
{
	size_t n;
	const struct scan_payload *t = scan_payload_table(&n);

	assert_true(n >= 8);
	for (size_t i = 0; i < n; i++) {
		assert_ptr_equal(scan_payload_for(t[i].port), &t[i]);
		for (size_t j = 0; j < i; j++)
			assert_int_not_equal(t[i].port, t[j].port);
	}
	/* echo gets seed 000's greeting back */
	const struct scan_payload *p = scan_payload_for(7);
	assert_string_equal(p->what, "echo");
	assert_memory_equal(p->data, "Hello World!\r\n", p->len);
	/* the small services answer anything: empty datagrams */
	assert_int_equal(scan_payload_for(13)->len, 0);
	assert_int_equal(scan_payload_for(17)->len, 0);
	assert_int_equal(scan_payload_for(19)->len, 0);
	assert_int_equal(scan_payload_for(37)->len, 0);
	/* DNS: one question, the root, NS, IN, no recursion */
	p = scan_payload_for(53);
	assert_string_equal(p->what, "dns");
	assert_int_equal(p->len, 17);
	assert_int_equal(p->data[2] & 0x01, 0);    /* RD off */
	assert_int_equal(p->data[5], 1);           /* QDCOUNT 1 */
	assert_int_equal(p->data[12], 0);          /* the root name */
	assert_int_equal(p->data[14], 2);          /* NS */
	assert_int_equal(p->data[16], 1);          /* IN */
	/* NTP: 48 bytes, version 4, client mode */
	p = scan_payload_for(123);
	assert_int_equal(p->len, 48);
	assert_int_equal((p->data[0] >> 3) & 7, 4);
	assert_int_equal(p->data[0] & 7, 3);
	/* anything else: the empty datagram */
	p = scan_payload_for(40000);
	assert_int_equal(p->len, 0);
	assert_string_equal(p->what, "empty");
	assert_int_equal(scan_nudge_len, strlen("Hello World!\r\n"));
}

static void expect_icmp(int fam, int type, int code, enum scan_state s, enum scan_reason r)
{
	enum scan_state gs;
	enum scan_reason gr;

	assert_true(scan_icmp_classify(fam, (uint8_t)type, (uint8_t)code, &gs, &gr));
	assert_int_equal(gs, s);
	assert_int_equal(gr, r);
}

static void test_icmp(void **state)
{
	enum scan_state s;
	enum scan_reason r;

	expect_icmp(AF_INET, 3, 3, SCAN_CLOSED, REASON_PORT_UNREACH);
	expect_icmp(AF_INET, 3, 0, SCAN_FILTERED, REASON_NET_UNREACH);
	expect_icmp(AF_INET, 3, 1, SCAN_FILTERED, REASON_HOST_UNREACH);
	expect_icmp(AF_INET, 3, 2, SCAN_FILTERED, REASON_PROTO_UNREACH);
	expect_icmp(AF_INET, 3, 9, SCAN_FILTERED, REASON_ADMIN_PROHIBITED);
	expect_icmp(AF_INET, 3, 10, SCAN_FILTERED, REASON_ADMIN_PROHIBITED);
	expect_icmp(AF_INET, 3, 13, SCAN_FILTERED, REASON_ADMIN_PROHIBITED);
	expect_icmp(AF_INET6, 1, 4, SCAN_CLOSED, REASON_PORT_UNREACH);
	expect_icmp(AF_INET6, 1, 0, SCAN_FILTERED, REASON_NET_UNREACH);
	expect_icmp(AF_INET6, 1, 1, SCAN_FILTERED, REASON_ADMIN_PROHIBITED);
	expect_icmp(AF_INET6, 1, 3, SCAN_FILTERED, REASON_HOST_UNREACH);
	/* nothing about the port: fragmentation needed, time exceeded, too big */
	assert_false(scan_icmp_classify(AF_INET, 3, 4, &s, &r));
	assert_false(scan_icmp_classify(AF_INET, 11, 0, &s, &r));
	assert_false(scan_icmp_classify(AF_INET6, 2, 0, &s, &r));
	assert_false(scan_icmp_classify(AF_INET6, 3, 0, &s, &r));
	/* out of the tables' range */
	assert_false(scan_icmp_classify(AF_INET, 3, 200, &s, &r));
	assert_false(scan_icmp_classify(AF_INET6, 1, 200, &s, &r));
	/* ICMPv4 codes are not ICMPv6 codes */
	assert_false(scan_icmp_classify(AF_INET6, 3, 3, &s, &r));
}

static void test_connect_errors(void **state)
{
	enum scan_state s;
	enum scan_reason r;

	assert_true(scan_connect_classify(ECONNREFUSED, &s, &r));
	assert_int_equal(s, SCAN_CLOSED);
	assert_int_equal(r, REASON_CONN_REFUSED);
	assert_true(scan_connect_classify(EHOSTUNREACH, &s, &r));
	assert_int_equal(s, SCAN_FILTERED);
	assert_int_equal(r, REASON_HOST_UNREACH);
	assert_true(scan_connect_classify(ENETUNREACH, &s, &r));
	assert_int_equal(r, REASON_NET_UNREACH);
	assert_true(scan_connect_classify(EPERM, &s, &r));
	assert_int_equal(r, REASON_LOCAL_DENIED);
	/* not an answer: try again, or an error of ours */
	assert_false(scan_connect_classify(EADDRNOTAVAIL, &s, &r));
	assert_false(scan_connect_classify(EMFILE, &s, &r));
	assert_false(scan_connect_classify(ETIMEDOUT, &s, &r));
	assert_true(scan_reason_is_unreach(REASON_HOST_UNREACH));
	assert_true(scan_reason_is_unreach(REASON_NET_UNREACH));
	assert_false(scan_reason_is_unreach(REASON_NO_RESPONSE));
	assert_false(scan_reason_is_unreach(REASON_ADMIN_PROHIBITED));
}

static void test_names(void **state)
{
	assert_string_equal(scan_state_name(SCAN_OPEN_FILTERED), "open|filtered");
	assert_string_equal(scan_state_name(SCAN_FILTERED), "filtered");
	assert_string_equal(scan_reason_name(REASON_SYN_ACK), "syn-ack");
	assert_string_equal(scan_reason_name(REASON_CONN_REFUSED), "conn-refused");
	assert_string_equal(scan_reason_name(REASON_NO_RESPONSE), "no-response");
	assert_string_equal(scan_reason_name(REASON_PORT_UNREACH), "port-unreach");
	assert_string_equal(scan_reason_name(REASON_UDP_RESPONSE), "udp-response");
	assert_string_equal(scan_reason_name(REASON_OWN_SOCKET), "own-socket");
	for (int r = 0; r < REASON_N; r++)
		assert_string_not_equal(scan_reason_name((enum scan_reason)r), "?");
	assert_string_equal(scan_state_name((enum scan_state)99), "?");
	assert_string_equal(scan_reason_name((enum scan_reason)99), "?");
}

static void expect_escape(const void *in, size_t n, size_t max, const char *want)
{
	char out[512];

	assert_int_equal(scan_banner_escape(in, n, out, sizeof(out), max), strlen(want));
	assert_string_equal(out, want);
}

static void test_banner_escape(void **state)
{
	/* daytime, as seed 000 printed it */
	expect_escape("13:36:57 18.05.2021\n", 20, 200, "13:36:57 18.05.2021\\n");
	expect_escape("a\r\n\tb\\c", 7, 200, "a\\r\\n\\tb\\\\c");
	/* qotd's quote ends in \r\0 in seed 000's list */
	expect_escape("\"x\"\r\0", 5, 200, "\"x\"\\r\\x00");
	expect_escape("\xff\x7f\x80 ~", 5, 200, "\\xff\\x7f\\x80 ~");
	expect_escape("", 0, 200, "");
	assert_int_equal(scan_banner_escaped_len((const uint8_t *)"\r\xff" "a", 3), 7);
}

static void test_banner_shorten(void **state)
{
	/* exactly fits: no dots */
	expect_escape("abcdefghij", 10, 10, "abcdefghij");
	/* one more: seven characters and "..." */
	expect_escape("abcdefghijk", 11, 10, "abcdefg...");
	/* an escape is never cut in half */
	expect_escape("abcdef\xff", 7, 10, "abcdef\\xff");
	expect_escape("abcdef\xffzz", 9, 10, "abcdef...");
	expect_escape("abcde\r\nxyz", 10, 10, "abcde\\r...");
	/* tiny limits */
	expect_escape("abcdef", 6, 3, "...");
	expect_escape("abcdef", 6, 2, "..");
	expect_escape("abcdef", 6, 0, "");

	/* chargen's first line, shortened for the table */
	char line[75];
	for (int i = 0; i < 72; i++)
		line[i] = (char)(' ' + i);
	line[72] = '\r';
	line[73] = '\n';
	char out[61];
	size_t k = scan_banner_escape((const uint8_t *)line, 74, out, sizeof(out), 60);
	assert_int_equal(k, 60);
	assert_memory_equal(out, " !\"#$%&'()*+,-./0123456789", 26);
	assert_string_equal(out + 57, "...");

	/* cap smaller than max_chars: cap wins */
	char small[8];
	k = scan_banner_escape((const uint8_t *)"abcdefghijkl", 12, small, sizeof(small), 100);
	assert_int_equal(k, 7);
	assert_string_equal(small, "abcd...");
	assert_int_equal(scan_banner_escape((const uint8_t *)"a", 1, small, 0, 5), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_payload_table),
		cmocka_unit_test(test_icmp),
		cmocka_unit_test(test_connect_errors),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_banner_escape),
		cmocka_unit_test(test_banner_shorten),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
