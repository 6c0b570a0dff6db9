/* Unit tests for nmap's target specifications: CIDR blocks, octet ranges,
 * IPv6 blocks, names, and --exclude's membership test. No packet is sent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "scan/tspec.h"

static struct scan_tspec t;
static char err[256];

static uint64_t parse_ok(const char *spec)
{
	err[0] = '\0';
	assert_int_equal(scan_tspec_parse(spec, &t, err, sizeof(err)), 0);
	return scan_tspec_count(&t);
}

static void expect_nth(uint64_t i, const char *want)
{
	char buf[SCAN_HOST_MAX + 1];

	scan_tspec_nth(&t, i, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static void expect_bad(const char *spec, const char *msg)
{
	assert_int_equal(scan_tspec_parse(spec, &t, err, sizeof(err)), -1);
	assert_string_equal(err, msg);
}

static bool has4(const char *ip)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };

	assert_int_equal(inet_pton(AF_INET, ip, &sin.sin_addr), 1);
	return scan_tspec_has(&t, (struct sockaddr *)&sin);
}

static bool has6(const char *ip)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };

	assert_int_equal(inet_pton(AF_INET6, ip, &sin6.sin6_addr), 1);
	return scan_tspec_has(&t, (struct sockaddr *)&sin6);
}

static void test_cidr(void **state)
{
	assert_int_equal(parse_ok("10.0.0.0/24"), 256);
	expect_nth(0, "10.0.0.0");
	expect_nth(1, "10.0.0.1");
	expect_nth(255, "10.0.0.255");
	/* host bits are cleared, as nmap does: 10.1.2.3/30 is .0 to .3 */
	assert_int_equal(parse_ok("10.1.2.3/30"), 4);
	expect_nth(0, "10.1.2.0");
	expect_nth(3, "10.1.2.3");
	assert_int_equal(parse_ok("127.0.0.0/29"), 8);
	assert_true(has4("127.0.0.7"));
	assert_false(has4("127.0.0.8"));
	assert_int_equal(parse_ok("172.16.0.0/12"), 1u << 20);
	expect_nth(256, "172.16.1.0");
	expect_nth((1u << 20) - 1, "172.31.255.255");
	assert_int_equal(parse_ok("192.168.1.1/32"), 1);
	expect_nth(0, "192.168.1.1");
	assert_int_equal(parse_ok("0.0.0.0/0"), 1ull << 32);
}

static void test_octet_ranges(void **state)
{
	assert_int_equal(parse_ok("10.0.0.1-20"), 20);
	expect_nth(0, "10.0.0.1");
	expect_nth(19, "10.0.0.20");
	assert_true(has4("10.0.0.20"));
	assert_false(has4("10.0.0.21"));
	assert_false(has4("10.0.1.5"));
	/* the last octet varies fastest */
	assert_int_equal(parse_ok("10.0-1.*.1-2"), 2 * 256 * 2);
	expect_nth(0, "10.0.0.1");
	expect_nth(1, "10.0.0.2");
	expect_nth(2, "10.0.1.1");
	expect_nth(512, "10.1.0.1");
	assert_int_equal(parse_ok("192.168.1.250-"), 6);
	expect_nth(5, "192.168.1.255");
	assert_int_equal(parse_ok("192.168.1.-2"), 3);
	expect_nth(0, "192.168.1.0");
	assert_int_equal(parse_ok("127.0.0.1"), 1);
	assert_int_equal(t.kind, TSPEC_V4);
}

static void test_ipv6(void **state)
{
	assert_int_equal(parse_ok("::1"), 1);
	assert_int_equal(t.kind, TSPEC_V6);
	expect_nth(0, "::1");
	assert_int_equal(parse_ok("[::1]"), 1);
	expect_nth(0, "::1");
	assert_int_equal(parse_ok("fd00::17/126"), 4);
	expect_nth(0, "fd00::14");
	expect_nth(3, "fd00::17");
	assert_true(has6("fd00::15"));
	assert_false(has6("fd00::18"));
	assert_false(has4("127.0.0.1"));
	assert_int_equal(parse_ok("fd00::/112"), 65536);
	expect_nth(65535, "fd00::ffff");
	expect_nth(256, "fd00::100");
}

static void test_names(void **state)
{
	assert_int_equal(parse_ok("localhost"), 1);
	assert_int_equal(t.kind, TSPEC_NAME);
	expect_nth(0, "localhost");
	assert_false(has4("127.0.0.1")); /* names are compared by name */
	assert_int_equal(parse_ok("lab-1.example.org"), 1);
	assert_int_equal(t.kind, TSPEC_NAME);
	/* three dots but not octets: a name (getaddrinfo decides) */
	assert_int_equal(parse_ok("a.b.c.d"), 1);
	assert_int_equal(t.kind, TSPEC_NAME);
}

static void test_bad(void **state)
{
	expect_bad("10.0.0.300", "10.0.0.300: octet 4 '300' is not 0-255, N-M or *");
	expect_bad("10.0.0.20-1", "10.0.0.20-1: octet 4 '20-1' is not 0-255, N-M or *");
	expect_bad("10.0.0.1/33", "10.0.0.1/33: an IPv4 prefix is /0 to /32");
	expect_bad("10.0.0.1/", "10.0.0.1/: the prefix length after / is not a number");
	expect_bad("10.0.0.1/x", "10.0.0.1/x: the prefix length after / is not a number");
	expect_bad("host/24", "host/24: a /prefix needs an IPv4 or IPv6 address, not a name");
	expect_bad("fd00::/64", "fd00::/64: too many addresses; socklab expands IPv6 blocks of "
		   "/112 and longer");
	expect_bad("fd00::/129", "fd00::/129: an IPv6 prefix is /0 to /128");
	expect_bad("", "'' is not a host name, address or range");
	expect_bad("a b", "'a b' is not a host name, address or range");
	expect_bad("h;rm", "'h;rm' is not a host name, address or range");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cidr),
		cmocka_unit_test(test_octet_ranges),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
