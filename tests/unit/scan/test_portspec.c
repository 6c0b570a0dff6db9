/* Unit tests for socklab scan's -p parser and the built-in top-1000 lists;
 * service names come from a fake lookup, not from /etc/services. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "scan/portspec.h"
#include "scan/topports.h"

static struct portset set;
static char err[256];

static int fake_lookup(const char *name, const char *proto, void *ctx)
{
	static const struct { const char *name, *proto; int port; } db[] = {
		{ "echo", NULL, 7 },      { "daytime", NULL, 13 }, { "chargen", NULL, 19 },
		{ "ms-sql-s", NULL, 1433 }, { "domain", NULL, 53 }, { "tcponly", "tcp", 4000 },
	};
	int *calls = ctx;

	if (calls)
		(*calls)++;
	for (size_t i = 0; i < sizeof(db) / sizeof(db[0]); i++)
		if (strcmp(db[i].name, name) == 0 && (!db[i].proto || strcmp(db[i].proto, proto) == 0))
			return db[i].port;
	return -1;
}

static int parse(const char *spec)
{
	scan_portset_clear(&set);
	err[0] = '\0';
	return scan_portspec_parse(spec, "tcp", fake_lookup, NULL, &set, err, sizeof(err));
}

static void expect_ports(const char *spec, const uint16_t *want, size_t n)
{
	uint16_t got[64];

	assert_int_equal(parse(spec), 0);
	assert_int_equal(scan_portset_count(&set), n);
	assert_int_equal(scan_portset_list(&set, got, 64), n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(got[i], want[i]);
}

static void expect_error(const char *spec, const char *msg)
{
	assert_int_equal(parse(spec), -1);
	assert_string_equal(err, msg);
}

static void test_lists_and_ranges(void **state)
{
	expect_ports("7,9,13-19", (const uint16_t[]){ 7, 9, 13, 14, 15, 16, 17, 18, 19 }, 9);
	expect_ports("80", (const uint16_t[]){ 80 }, 1);
	/* duplicates and overlaps count once; output is sorted */
	expect_ports("19,7,7,18-20,19", (const uint16_t[]){ 7, 18, 19, 20 }, 4);
	expect_ports("65535", (const uint16_t[]){ 65535 }, 1);
	expect_ports("1-1", (const uint16_t[]){ 1 }, 1);
}

static void test_open_ranges(void **state)
{
	assert_int_equal(parse("-"), 0);
	assert_int_equal(scan_portset_count(&set), 65535);
	assert_false(scan_portset_has(&set, 0));
	assert_true(scan_portset_has(&set, 1));
	assert_true(scan_portset_has(&set, 65535));

	assert_int_equal(parse("-1024"), 0);
	assert_int_equal(scan_portset_count(&set), 1024);
	assert_true(scan_portset_has(&set, 1));

	assert_int_equal(parse("60000-"), 0);
	assert_int_equal(scan_portset_count(&set), 5536);
	assert_true(scan_portset_has(&set, 65535));
}

static void test_service_names(void **state)
{
	expect_ports("echo,daytime", (const uint16_t[]){ 7, 13 }, 2);
	/* a name with dashes is a name first */
	expect_ports("ms-sql-s", (const uint16_t[]){ 1433 }, 1);
	/* a range between two names */
	assert_int_equal(parse("echo-chargen"), 0);
	assert_int_equal(scan_portset_count(&set), 13);
	assert_true(scan_portset_has(&set, 7));
	assert_true(scan_portset_has(&set, 19));
	/* names and numbers mix */
	expect_ports("domain-55,echo", (const uint16_t[]){ 7, 53, 54, 55 }, 4);
	/* the lookup sees the protocol */
	scan_portset_clear(&set);
	assert_int_equal(scan_portspec_parse("tcponly", "udp", fake_lookup, NULL, &set, err,
					     sizeof(err)), -1);
	assert_string_equal(err, "unknown udp service 'tcponly' (not in /etc/services)");
}

static void test_numbers_never_looked_up(void **state)
{
	int calls = 0;

	scan_portset_clear(&set);
	assert_int_equal(scan_portspec_parse("1-100,443", "tcp", fake_lookup, &calls, &set, err,
					     sizeof(err)), 0);
	assert_int_equal(calls, 0);
}

static void test_errors(void **state)
{
	expect_error("", "empty port list");
	expect_error("0", "port 0 cannot be scanned (ports are 1-65535)");
	expect_error("0-10", "port 0 cannot be scanned (ports are 1-65535)");
	expect_error("65536", "65536 is not a port (1-65535)");
	expect_error("99999999999999999999", "99999999999999999999 is not a port (1-65535)");
	expect_error("19-13", "range 19-13 goes backwards");
	expect_error("1,,2", "empty item in the port list");
	expect_error("1,", "empty item in the port list");
	expect_error(",1", "empty item in the port list");
	expect_error("1-2-3", "'1-2-3' is not a port range (use LOW-HIGH)");
	expect_error("nosuch", "unknown tcp service 'nosuch' (not in /etc/services)");
	expect_error("7, 9", "' 9' is neither a port nor a service name");
	expect_error("U:53", "'U:53' is neither a port nor a service name");
	expect_error("a*b", "'a*b' is neither a port nor a service name");
}

static void test_bounded_input(void **state)
{
	char big[20000];

	memset(big, '7', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	for (size_t i = 1; i < sizeof(big) - 1; i += 2)
		big[i] = ',';
	expect_error(big, "port list longer than 16384 bytes");

	char name[100];
	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	assert_int_equal(parse(name), -1);
	assert_non_null(strstr(err, "too long for a service name"));
}

static void test_no_lookup_function(void **state)
{
	scan_portset_clear(&set);
	assert_int_equal(scan_portspec_parse("echo", "tcp", NULL, NULL, &set, err, sizeof(err)), -1);
	assert_int_equal(scan_portspec_parse("7", "tcp", NULL, NULL, &set, err, sizeof(err)), 0);
}

static void check_top(int proto, const uint16_t *must, size_t n)
{
	uint16_t list[1000];

	scan_portset_clear(&set);
	assert_int_equal(scan_topports_fill(proto, &set), 0);
	assert_int_equal(scan_portset_count(&set), SCAN_TOPPORTS_N);
	assert_int_equal(scan_portset_list(&set, list, 1000), 1000);
	for (size_t i = 1; i < 1000; i++)
		assert_true(list[i - 1] < list[i]);
	for (size_t i = 0; i < n; i++)
		assert_true(scan_portset_has(&set, must[i]));
}

static void test_top_ports(void **state)
{
	check_top(IPPROTO_TCP, (const uint16_t[]){ 7, 9, 13, 17, 19, 21, 22, 23, 25, 53, 80, 443,
						   3306, 8080 }, 14);
	check_top(IPPROTO_UDP, (const uint16_t[]){ 7, 9, 13, 17, 19, 37, 53, 67, 123, 161, 500,
						   5353 }, 12);
	/* the two lists differ: MySQL is TCP, DHCP and NTP are UDP */
	scan_portset_clear(&set);
	scan_topports_fill(IPPROTO_TCP, &set);
	assert_true(scan_portset_has(&set, 3306));
	assert_false(scan_portset_has(&set, 67));
	assert_false(scan_portset_has(&set, 123));
	scan_portset_clear(&set);
	scan_topports_fill(IPPROTO_UDP, &set);
	assert_false(scan_portset_has(&set, 3306));
	assert_true(scan_portset_has(&set, 67));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lists_and_ranges),
		cmocka_unit_test(test_open_ranges),
		cmocka_unit_test(test_service_names),
		cmocka_unit_test(test_numbers_never_looked_up),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_bounded_input),
		cmocka_unit_test(test_no_lookup_function),
		cmocka_unit_test(test_top_ports),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
