/* Unit tests for core/addr's --bind list: the -4/-6 check and the loopback
 * default a server binds when no --bind was given. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>
#include <sys/socket.h>

#include "core/addr.h"

static char err[128];

static void test_family_check(void **state)
{
	union addr_any list[2];
	unsigned n = 0;

	(void)state;
	assert_int_equal(addr_list_add(list, &n, 2, "127.0.0.1", err, sizeof(err)), 0);
	assert_int_equal(addr_list_add(list, &n, 2, "::1", err, sizeof(err)), 0);
	assert_int_equal(addr_list_check_family(list, n, AF_UNSPEC, err, sizeof(err)), 0);
	assert_int_equal(addr_list_check_family(list, 1, AF_INET, err, sizeof(err)), 0);
	assert_int_equal(addr_list_check_family(list, n, AF_INET, err, sizeof(err)), -1);
	assert_string_equal(err, "cannot use -4 with --bind ::1");
	assert_int_equal(addr_list_check_family(list, n, AF_INET6, err, sizeof(err)), -1);
	assert_string_equal(err, "cannot use -6 with --bind 127.0.0.1");
}

static void test_loopback_default(void **state)
{
	union addr_any list[1] = { 0 }, out[2];
	char ip[64];
	unsigned n = 0;

	(void)state;
	assert_int_equal(addr_list_or_loopback(list, 0, AF_UNSPEC, true, out), 2);
	assert_string_equal(addr_ip_str(&out[0].sa, ip, sizeof(ip)), "127.0.0.1");
	assert_string_equal(addr_ip_str(&out[1].sa, ip, sizeof(ip)), "::1");
	assert_int_equal(addr_list_or_loopback(list, 0, AF_UNSPEC, false, out), 1);
	assert_int_equal(addr_list_or_loopback(list, 0, AF_INET, true, out), 1);
	assert_int_equal(addr_list_or_loopback(list, 0, AF_INET6, true, out), 1);
	assert_string_equal(addr_ip_str(&out[0].sa, ip, sizeof(ip)), "::1");
	assert_int_equal(addr_list_or_loopback(list, 0, AF_INET6, false, out), 0);
	/* --bind wins */
	assert_int_equal(addr_list_add(list, &n, 1, "10.1.2.3", err, sizeof(err)), 0);
	assert_int_equal(addr_list_or_loopback(list, n, AF_INET6, false, out), 1);
	assert_string_equal(addr_ip_str(&out[0].sa, ip, sizeof(ip)), "10.1.2.3");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_family_check),
		cmocka_unit_test(test_loopback_default),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
