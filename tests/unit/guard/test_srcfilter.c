/* Unit tests for serve/srcfilter: which UDP sources get no answer (bad
 * source ports, multicast/broadcast/unspecified/v4-mapped addresses). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>

#include "guard/srcfilter.h"

static struct src_policy policy;

static int setup_policy(void **state)
{
	srcfilter_init(&policy);
	return 0;
}

static enum src_verdict check4(const char *ip, uint16_t port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	assert_int_equal(inet_pton(AF_INET, ip, &sin.sin_addr), 1);
	return srcfilter_check(&policy, (const struct sockaddr *)&sin);
}

static enum src_verdict check6(const char *ip, uint16_t port)
{
	struct sockaddr_in6 sin6;

	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(port);
	assert_int_equal(inet_pton(AF_INET6, ip, &sin6.sin6_addr), 1);
	return srcfilter_check(&policy, (const struct sockaddr *)&sin6);
}

static struct in_addr in4(const char *ip)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, ip, &a), 1);
	return a;
}

static void test_bad_ports(void **state)
{
	static const uint16_t bad[] = { 0, 1, 7, 19, 53, 1023, 2049 };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(check4("127.0.0.1", bad[i]), SRC_BAD_PORT);
		assert_int_equal(check6("::1", bad[i]), SRC_BAD_PORT);
		assert_int_equal(check6("2001:db8::1", bad[i]), SRC_BAD_PORT);
	}
}

static void test_good_ports(void **state)
{
	static const uint16_t good[] = { 1024, 2048, 2050, 12000, 40000, 65535 };

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(check4("127.0.0.1", good[i]), SRC_OK);
		assert_int_equal(check4("192.0.2.1", good[i]), SRC_OK);
		assert_int_equal(check6("::1", good[i]), SRC_OK);
		assert_int_equal(check6("2001:db8::1", good[i]), SRC_OK);
	}
}

static void test_own_ports(void **state)
{
	srcfilter_add_port(&policy, 10007);
	srcfilter_add_port(&policy, 12000);
	srcfilter_add_port(&policy, 65535);
	srcfilter_add_port(&policy, 1024);

	assert_int_equal(check4("127.0.0.1", 10007), SRC_BAD_PORT);
	assert_int_equal(check4("127.0.0.1", 12000), SRC_BAD_PORT);
	assert_int_equal(check4("127.0.0.1", 65535), SRC_BAD_PORT);
	assert_int_equal(check4("127.0.0.1", 1024), SRC_BAD_PORT);
	assert_int_equal(check6("::1", 10007), SRC_BAD_PORT);
	/* neighbours of our ports are fine */
	assert_int_equal(check4("127.0.0.1", 10006), SRC_OK);
	assert_int_equal(check4("127.0.0.1", 10008), SRC_OK);
	assert_int_equal(check4("127.0.0.1", 65534), SRC_OK);
	assert_int_equal(check4("127.0.0.1", 1025), SRC_OK);
	assert_int_equal(check6("::1", 11999), SRC_OK);
}

static void test_v4_bad_addrs(void **state)
{
	static const char *const bad[] = { "224.0.0.1", "239.255.255.255", "230.1.2.3",
					   "255.255.255.255", "0.0.0.0", "0.1.2.3" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(check4(bad[i], 40000), SRC_BAD_ADDR);
		/* the address verdict wins over a bad port */
		assert_int_equal(check4(bad[i], 19), SRC_BAD_ADDR);
	}
	assert_int_equal(check4("223.255.255.255", 40000), SRC_OK);
	assert_int_equal(check4("1.0.0.0", 40000), SRC_OK);
}

static void test_v4_added_broadcast(void **state)
{
	assert_int_equal(check4("192.168.1.255", 40000), SRC_OK);
	srcfilter_add_bcast(&policy, in4("192.168.1.255"));
	assert_int_equal(check4("192.168.1.255", 40000), SRC_BAD_ADDR);
	assert_int_equal(check4("192.168.1.254", 40000), SRC_OK);
	assert_int_equal(check4("192.168.2.255", 40000), SRC_OK);
	/* a duplicate is kept once */
	srcfilter_add_bcast(&policy, in4("192.168.1.255"));
	assert_int_equal(policy.nbcast, 1);
}

static void test_iface_without_broadcast_is_not_one(void **state)
{
	/* getifaddrs gives the address itself when none was set (ip addr add
	 * 198.18.20.1/24 without brd): the host's own address stays served */
	srcfilter_add_iface(&policy, in4("198.18.20.1"), in4("198.18.20.1"));
	srcfilter_add_iface(&policy, in4("198.18.21.1"), in4("0.0.0.0"));
	assert_int_equal(policy.nbcast, 0);
	assert_int_equal(check4("198.18.20.1", 40000), SRC_OK);
	srcfilter_add_iface(&policy, in4("198.18.20.1"), in4("198.18.20.255"));
	assert_int_equal(check4("198.18.20.255", 40000), SRC_BAD_ADDR);
	assert_int_equal(check4("198.18.20.1", 40000), SRC_OK);
}

static void test_broadcast_list_bounded(void **state)
{
	char ip[32];

	for (unsigned i = 0; i < SRCFILTER_MAX_BCAST + 10; i++) {
		snprintf(ip, sizeof(ip), "10.%u.255.255", i);
		srcfilter_add_bcast(&policy, in4(ip));
	}
	assert_int_equal(policy.nbcast, SRCFILTER_MAX_BCAST);
	assert_int_equal(check4("10.0.255.255", 40000), SRC_BAD_ADDR);
	snprintf(ip, sizeof(ip), "10.%u.255.255", SRCFILTER_MAX_BCAST - 1);
	assert_int_equal(check4(ip, 40000), SRC_BAD_ADDR);
}

static void test_v4_ok_addrs(void **state)
{
	assert_int_equal(check4("127.0.0.1", 40000), SRC_OK);
	assert_int_equal(check4("192.0.2.1", 40000), SRC_OK);
	assert_int_equal(check4("10.0.0.1", 40000), SRC_OK);
}

static void test_v6_addrs(void **state)
{
	static const char *const bad[] = { "ff02::1", "ff05::2", "ff0e::101", "::",
					   "::ffff:1.2.3.4", "::ffff:127.0.0.1", "::1.2.3.4" };
	static const char *const good[] = { "::1", "2001:db8::1", "fe80::1", "fd00::1" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(check6(bad[i], 40000), SRC_BAD_ADDR);
		assert_int_equal(check6(bad[i], 19), SRC_BAD_ADDR);
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(check6(good[i], 40000), SRC_OK);
}

static void test_other_family_is_bad(void **state)
{
	struct sockaddr_un un;

	memset(&un, 0, sizeof(un));
	un.sun_family = AF_UNIX;
	assert_int_equal(srcfilter_check(&policy, (const struct sockaddr *)&un), SRC_BAD_ADDR);
}

static void test_load_ifaces(void **state)
{
	/* whatever the host has: bounded, and loopback still served */
	srcfilter_load_ifaces(&policy);
	assert_true(policy.nbcast <= SRCFILTER_MAX_BCAST);
	assert_int_equal(check4("127.0.0.1", 40000), SRC_OK);
	assert_int_equal(check4("255.255.255.255", 40000), SRC_BAD_ADDR);
}

static void test_verdict_names(void **state)
{
	assert_string_equal(srcfilter_verdict_name(SRC_OK), "ok");
	assert_string_equal(srcfilter_verdict_name(SRC_BAD_PORT), "bad-source-port");
	assert_string_equal(srcfilter_verdict_name(SRC_BAD_ADDR), "bad-source-addr");
}

#define T(f) cmocka_unit_test_setup(f, setup_policy)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_bad_ports),
		T(test_good_ports),
		T(test_own_ports),
		T(test_v4_bad_addrs),
		T(test_v4_added_broadcast),
		T(test_iface_without_broadcast_is_not_one),
		T(test_broadcast_list_bounded),
		T(test_v4_ok_addrs),
		T(test_v6_addrs),
		T(test_other_family_is_bad),
		T(test_load_ifaces),
		T(test_verdict_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
