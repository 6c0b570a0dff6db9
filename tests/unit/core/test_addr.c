/* Unit tests for core/addr: numeric parsing only, "ip:port" and "[ip]:port"
 * formatting, and the v4-mapped host key. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>

#include "core/addr.h"

static union addr_any parse_ok(const char *s)
{
	union addr_any a;

	memset(&a, 0xa5, sizeof(a));
	assert_int_equal(addr_parse_ip(s, &a), 0);
	return a;
}

static void test_parse_v4(void **state)
{
	union addr_any a = parse_ok("127.0.0.1");

	assert_int_equal(a.sa.sa_family, AF_INET);
	assert_int_equal(a.v4.sin_addr.s_addr, htonl(0x7f000001));
	assert_int_equal(a.v4.sin_port, 0);
	assert_int_equal(addr_port(&a.sa), 0);
	assert_int_equal(addr_len(&a.sa), sizeof(struct sockaddr_in));

	a = parse_ok("192.0.2.255");
	assert_int_equal(a.v4.sin_addr.s_addr, htonl(0xc00002ff));
}

static void test_parse_v6(void **state)
{
	union addr_any a = parse_ok("::1");

	assert_int_equal(a.sa.sa_family, AF_INET6);
	assert_memory_equal(&a.v6.sin6_addr, &in6addr_loopback, 16);
	assert_int_equal(a.v6.sin6_port, 0);
	assert_int_equal(a.v6.sin6_flowinfo, 0);
	assert_int_equal(a.v6.sin6_scope_id, 0);
	assert_int_equal(addr_len(&a.sa), sizeof(struct sockaddr_in6));

	union addr_any b = parse_ok("[::1]");
	assert_memory_equal(&a, &b, sizeof(a));

	a = parse_ok("[2001:db8::1]");
	assert_int_equal(a.sa.sa_family, AF_INET6);
	static const uint8_t want[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	assert_memory_equal(&a.v6.sin6_addr, want, 16);
}

static void test_parse_rejects(void **state)
{
	static const char *const bad[] = {
		"localhost", "1.2.3", "[::1", "::1]", "", "[]", "1.2.3.4:80", "[127.0.0.1]",
		" 127.0.0.1", "127.0.0.1 ", "256.0.0.1", "::1::2", "[[::1]]", "example.com",
		"[0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0001]",
	};
	union addr_any a;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(addr_parse_ip(bad[i], &a), -1);
}

static void test_format(void **state)
{
	char buf[ADDR_STRLEN];
	union addr_any a = parse_ok("127.0.0.1");

	addr_set_port(&a.sa, 7);
	assert_int_equal(addr_port(&a.sa), 7);
	assert_int_equal(a.v4.sin_port, htons(7));
	assert_string_equal(addr_format(&a.sa, buf, sizeof(buf)), "127.0.0.1:7");
	assert_string_equal(addr_ip_str(&a.sa, buf, sizeof(buf)), "127.0.0.1");

	a = parse_ok("::1");
	addr_set_port(&a.sa, 7);
	assert_int_equal(a.v6.sin6_port, htons(7));
	assert_string_equal(addr_format(&a.sa, buf, sizeof(buf)), "[::1]:7");
	assert_string_equal(addr_ip_str(&a.sa, buf, sizeof(buf)), "::1");

	a = parse_ok("2001:db8::1");
	addr_set_port(&a.sa, 65535);
	assert_string_equal(addr_format(&a.sa, buf, sizeof(buf)), "[2001:db8::1]:65535");
}

static void test_format_longest_fits(void **state)
{
	char buf[ADDR_STRLEN];
	union addr_any a = parse_ok("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255");

	addr_set_port(&a.sa, 65535);
	addr_format(&a.sa, buf, sizeof(buf));
	assert_string_equal(buf, "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535");
	assert_true(strlen(buf) < ADDR_STRLEN);
}

static void test_format_truncates_safely(void **state)
{
	char buf[8];
	union addr_any a = parse_ok("127.0.0.1");

	addr_set_port(&a.sa, 7);
	memset(buf, 'X', sizeof(buf));
	addr_format(&a.sa, buf, 5);
	assert_string_equal(buf, "127.");
	assert_int_equal(buf[5], 'X');
}

static void test_copy(void **state)
{
	union addr_any src = parse_ok("::1"), dst;

	addr_set_port(&src.sa, 19);
	memset(&dst, 0xff, sizeof(dst));
	addr_copy(&dst, &src.sa);
	assert_memory_equal(&dst, &src, sizeof(struct sockaddr_in6));

	src = parse_ok("127.0.0.1");
	addr_set_port(&src.sa, 13);
	memset(&dst, 0xff, sizeof(dst));
	addr_copy(&dst, &src.sa);
	assert_int_equal(dst.sa.sa_family, AF_INET);
	assert_int_equal(addr_port(&dst.sa), 13);
	assert_int_equal(dst.v4.sin_addr.s_addr, htonl(0x7f000001));
	/* the bytes past a sockaddr_in are zeroed, not left over */
	const uint8_t *rest = (const uint8_t *)&dst + sizeof(struct sockaddr_in);
	for (size_t i = 0; i < sizeof(dst) - sizeof(struct sockaddr_in); i++)
		assert_int_equal(rest[i], 0);
}

static void test_key_v4_is_v4_mapped(void **state)
{
	static const uint8_t want[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1 };
	struct addr_key k4, k6;
	union addr_any a = parse_ok("127.0.0.1");

	memset(&k4, 0xee, sizeof(k4));
	addr_key_from(&k4, &a.sa);
	assert_memory_equal(k4.ip, want, 16);

	union addr_any m = parse_ok("::ffff:127.0.0.1");
	addr_key_from(&k6, &m.sa);
	assert_memory_equal(k4.ip, k6.ip, 16);

	/* the port is not part of the key */
	addr_set_port(&a.sa, 9);
	addr_key_from(&k6, &a.sa);
	assert_memory_equal(k4.ip, k6.ip, 16);
}

static void test_key_v6(void **state)
{
	static const uint8_t want[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	struct addr_key k;
	union addr_any a = parse_ok("::1");

	addr_set_port(&a.sa, 7);
	addr_key_from(&k, &a.sa);
	assert_memory_equal(k.ip, want, 16);

	/* 127.0.0.1 and ::1 are different hosts */
	struct addr_key k4;
	union addr_any b = parse_ok("127.0.0.1");
	addr_key_from(&k4, &b.sa);
	assert_memory_not_equal(k.ip, k4.ip, 16);
}

static void test_is_loopback(void **state)
{
	static const char *const yes[] = { "127.0.0.1", "127.0.0.2", "127.255.255.254", "::1" };
	static const char *const no[] = { "128.0.0.1", "126.255.255.255", "10.0.0.1", "0.0.0.0",
					  "192.0.2.1", "::", "::2", "2001:db8::1", "fe80::1" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		union addr_any a = parse_ok(yes[i]);
		assert_true(addr_is_loopback(&a.sa));
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		union addr_any a = parse_ok(no[i]);
		assert_false(addr_is_loopback(&a.sa));
	}
}

static void test_equal(void **state)
{
	union addr_any a = parse_ok("127.0.0.1"), b = parse_ok("127.0.0.1");
	union addr_any c = parse_ok("::1"), d = parse_ok("::1");

	addr_set_port(&a.sa, 7);
	addr_set_port(&b.sa, 7);
	assert_true(addr_equal(&a.sa, &b.sa));
	addr_set_port(&b.sa, 8);
	assert_false(addr_equal(&a.sa, &b.sa)); /* another port */
	b = parse_ok("127.0.0.2");
	addr_set_port(&b.sa, 7);
	assert_false(addr_equal(&a.sa, &b.sa)); /* another address */
	addr_set_port(&c.sa, 7);
	addr_set_port(&d.sa, 7);
	assert_true(addr_equal(&c.sa, &d.sa));
	assert_false(addr_equal(&a.sa, &c.sa)); /* another family */
	d.v6.sin6_scope_id = 2;
	assert_false(addr_equal(&c.sa, &d.sa)); /* another scope */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_v4),
		cmocka_unit_test(test_parse_v6),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_longest_fits),
		cmocka_unit_test(test_format_truncates_safely),
		cmocka_unit_test(test_copy),
		cmocka_unit_test(test_key_v4_is_v4_mapped),
		cmocka_unit_test(test_key_v6),
		cmocka_unit_test(test_is_loopback),
		cmocka_unit_test(test_equal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
