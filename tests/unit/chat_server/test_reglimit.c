/* chat-server's address check and registration limits: cookies bound to
 * address, port and time slot; rates per address and per prefix; sessions
 * per prefix; loopback exempt. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "chat_server/cookie.h"
#include "chat_server/reglimit.h"
#include "core/addr.h"

static union addr_any at(const char *ip, uint16_t port)
{
	union addr_any a;

	assert_int_equal(addr_parse_ip(ip, &a), 0);
	addr_set_port(&a.sa, port);
	return a;
}

static void test_cookie_binds_address_port_and_slot(void **state)
{
	uint8_t key[16] = { 1, 2, 3 }, other[16] = { 9 };
	union addr_any a = at("198.18.0.2", 40000), b = at("198.18.0.2", 40001);
	union addr_any c = at("198.18.0.3", 40000), v6 = at("2001:db8::1", 40000);
	uint64_t t = 10 * CHATSRV_COOKIE_SLOT_US + 5;
	uint64_t ck = chatsrv_cookie_make(key, &a.sa, t);

	assert_true(chatsrv_cookie_check(key, &a.sa, t, ck));
	assert_true(chatsrv_cookie_check(key, &a.sa, t + CHATSRV_COOKIE_SLOT_US, ck)); /* next slot */
	assert_false(chatsrv_cookie_check(key, &a.sa, t + 2 * CHATSRV_COOKIE_SLOT_US, ck));
	assert_false(chatsrv_cookie_check(key, &a.sa, t - CHATSRV_COOKIE_SLOT_US, ck));
	assert_false(chatsrv_cookie_check(key, &b.sa, t, ck));
	assert_false(chatsrv_cookie_check(key, &c.sa, t, ck));
	assert_false(chatsrv_cookie_check(other, &a.sa, t, ck)); /* a restarted server */
	uint64_t ck6 = chatsrv_cookie_make(key, &v6.sa, t);
	assert_true(chatsrv_cookie_check(key, &v6.sa, t, ck6));
	assert_false(chatsrv_cookie_check(key, &v6.sa, t, ck));
}

static void test_rate_per_address_and_prefix(void **state)
{
	struct chatsrv_reglimit l;
	union addr_any a = at("198.18.0.2", 1000), a2 = at("198.18.0.2", 1001);
	uint64_t t = 1000000;
	int ok = 0;

	assert_int_equal(chatsrv_reglimit_init(&l, 5, 0, 300), 0);
	for (int i = 0; i < 30; i++)
		ok += chatsrv_reglimit_check(&l, i % 2 ? &a.sa : &a2.sa, false, t) == CHATSRV_REG_OK;
	assert_int_equal(ok, 10); /* a burst of twice the rate; the port does not matter */
	/* Other addresses of the /24 share the prefix's 4x rate: 40 at once. */
	ok = 0;
	for (int i = 0; i < 200; i++) {
		char ip[32];
		snprintf(ip, sizeof(ip), "198.18.0.%d", 10 + i % 200);
		union addr_any x = at(ip, 2000);
		ok += chatsrv_reglimit_check(&l, &x.sa, false, t) == CHATSRV_REG_OK;
	}
	assert_int_equal(ok, 40 - 10);
	union addr_any far = at("198.19.0.2", 1000);
	assert_int_equal(chatsrv_reglimit_check(&l, &far.sa, false, t), CHATSRV_REG_OK);
	/* A second later the address has 5 more. */
	ok = 0;
	for (int i = 0; i < 30; i++)
		ok += chatsrv_reglimit_check(&l, &a.sa, false, t + 1000000) == CHATSRV_REG_OK;
	assert_int_equal(ok, 5);
	chatsrv_reglimit_free(&l);
}

static void test_sessions_per_prefix(void **state)
{
	struct chatsrv_reglimit l;
	union addr_any v6a = at("2001:db8:0:1::1", 1), v6b = at("2001:db8:0:1:ffff::9", 2);
	union addr_any v6c = at("2001:db8:0:2::1", 1);
	uint64_t t = 1;

	assert_int_equal(chatsrv_reglimit_init(&l, 0, 3, 100), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(chatsrv_reglimit_check(&l, i ? &v6a.sa : &v6b.sa, false, t),
				 CHATSRV_REG_OK);
		chatsrv_reglimit_session_add(&l, i ? &v6a.sa : &v6b.sa);
	}
	assert_int_equal(chatsrv_reglimit_prefix_sessions(&l, &v6b.sa), 3); /* one /64 */
	assert_int_equal(chatsrv_reglimit_check(&l, &v6a.sa, false, t), CHATSRV_REG_PREFIX_FULL);
	assert_int_equal(chatsrv_reglimit_check(&l, &v6a.sa, true, t), CHATSRV_REG_OK);
	assert_int_equal(chatsrv_reglimit_check(&l, &v6c.sa, false, t), CHATSRV_REG_OK);
	chatsrv_reglimit_session_remove(&l, &v6a.sa);
	assert_int_equal(chatsrv_reglimit_check(&l, &v6a.sa, false, t), CHATSRV_REG_OK);
	chatsrv_reglimit_free(&l);
}

static void test_loopback_is_exempt(void **state)
{
	struct chatsrv_reglimit l;
	union addr_any lo = at("127.0.0.1", 5), lo6 = at("::1", 5);

	assert_int_equal(chatsrv_reglimit_init(&l, 1, 1, 100), 0);
	for (int i = 0; i < 100; i++) {
		assert_int_equal(chatsrv_reglimit_check(&l, i % 2 ? &lo.sa : &lo6.sa, false, 7),
				 CHATSRV_REG_OK);
		chatsrv_reglimit_session_add(&l, i % 2 ? &lo.sa : &lo6.sa);
	}
	assert_int_equal(chatsrv_reglimit_prefix_sessions(&l, &lo.sa), 0);
	chatsrv_reglimit_free(&l);
}

/* The tables are bounded: idle entries are swept to make room; entries
 * that still hold sessions are not, and a new prefix then waits. */
static void test_tables_are_bounded(void **state)
{
	struct chatsrv_reglimit l;
	uint64_t t = 1;

	assert_int_equal(chatsrv_reglimit_init(&l, 0, 10, 4), 0);
	for (int i = 0; i < 4; i++) {
		char ip[32];
		snprintf(ip, sizeof(ip), "10.%d.0.1", i);
		union addr_any x = at(ip, 1);
		assert_int_equal(chatsrv_reglimit_check(&l, &x.sa, false, t), CHATSRV_REG_OK);
		chatsrv_reglimit_session_add(&l, &x.sa);
	}
	union addr_any y = at("10.200.0.1", 1);
	assert_int_equal(chatsrv_reglimit_check(&l, &y.sa, false, t), CHATSRV_REG_SLOW);
	union addr_any x0 = at("10.0.0.1", 1);
	chatsrv_reglimit_session_remove(&l, &x0.sa);
	assert_int_equal(chatsrv_reglimit_check(&l, &y.sa, false, t), CHATSRV_REG_OK);
	chatsrv_reglimit_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cookie_binds_address_port_and_slot),
		cmocka_unit_test(test_rate_per_address_and_prefix),
		cmocka_unit_test(test_sessions_per_prefix),
		cmocka_unit_test(test_loopback_is_exempt),
		cmocka_unit_test(test_tables_are_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
