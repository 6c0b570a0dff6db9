/* Unit tests for socklab nc's option parsing and conflict rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "nc/options.h"

static struct nc_config cfg;
static char err[NC_ERR_MAX];

#define PARSE(...) parse((char *[]){ "nc", __VA_ARGS__, NULL })

static int parse(char **argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	nc_config_defaults(&cfg);
	err[0] = '\0';
	return nc_parse_args(argc, argv, &cfg, err, sizeof(err));
}

static void expect_usage(int rc, const char *msg)
{
	assert_int_equal(rc, TOOL_ARGS_USAGE);
	assert_string_equal(err, msg);
}

static void test_connect_defaults(void **state)
{
	assert_int_equal(PARSE("127.0.0.1", "7"), TOOL_ARGS_OK);
	assert_string_equal(cfg.host, "127.0.0.1");
	assert_string_equal(cfg.port, "7");
	assert_false(cfg.udp);
	assert_false(cfg.listen);
	assert_int_equal(cfg.family, AF_UNSPEC);
	assert_int_equal(cfg.quit_ms, -1);
	assert_int_equal(cfg.wait_ms, 0);
}

static void test_flags(void **state)
{
	assert_int_equal(PARSE("-u", "-6", "-v", "-n", "-w", "1.5", "-q", "0", "-s", "::1", "-p",
			       "4000", "--reuseaddr", "::1", "echo"),
			 TOOL_ARGS_OK);
	assert_true(cfg.udp && cfg.verbose && cfg.numeric && cfg.reuseaddr);
	assert_int_equal(cfg.family, AF_INET6);
	assert_int_equal(cfg.wait_ms, 1500);
	assert_int_equal(cfg.quit_ms, 0);
	assert_string_equal(cfg.source, "::1");
	assert_string_equal(cfg.source_port, "4000");
	assert_string_equal(cfg.port, "echo");
}

static void test_buffers_and_mss(void **state)
{
	assert_int_equal(PARSE("-O", "64k", "--rcvbuf", "1M", "--mss", "1000", "--nodelay", "h", "1"),
			 TOOL_ARGS_OK);
	assert_int_equal(cfg.sndbuf, 65536);
	assert_int_equal(cfg.rcvbuf, 1048576);
	assert_int_equal(cfg.mss, 1000);
	assert_true(cfg.nodelay);
	expect_usage(PARSE("--mss", "70000", "h", "1"), "--mss 70000: too large");
	expect_usage(PARSE("--sndbuf", "1T", "h", "1"),
		     "--sndbuf 1T: not a size (a number with an optional k, M or G)");
}

static void test_listen_forms(void **state)
{
	assert_int_equal(PARSE("-l", "5000"), TOOL_ARGS_OK);
	assert_null(cfg.host);
	assert_string_equal(cfg.port, "5000");
	assert_int_equal(PARSE("-l", "127.0.0.1", "5000"), TOOL_ARGS_OK);
	assert_string_equal(cfg.host, "127.0.0.1");
	assert_int_equal(PARSE("-l", "-p", "5000"), TOOL_ARGS_OK);
	assert_string_equal(cfg.port, "5000");
	assert_null(cfg.source_port);
	assert_int_equal(PARSE("-l", "-s", "::1", "-p", "5000", "-k"), TOOL_ARGS_OK);
	assert_string_equal(cfg.host, "::1");
	assert_null(cfg.source);
	assert_true(cfg.keep);
	expect_usage(PARSE("-l", "-p", "1", "2"), "cannot use -p with -l and a PORT argument");
	expect_usage(PARSE("-l", "-s", "::1", "::1", "2"), "cannot use -s with -l and an ADDR argument");
	expect_usage(PARSE("-l"), "missing PORT");
}

static void test_conflicts(void **state)
{
	expect_usage(PARSE("-k", "h", "1"), "cannot use -k without -l");
	expect_usage(PARSE("-l", "-z", "1"), "cannot use -z with -l");
	expect_usage(PARSE("-u", "--mss", "500", "h", "1"), "cannot use --mss with -u");
	expect_usage(PARSE("--no-shutdown", "-q", "0", "h", "1"),
		     "cannot use --no-shutdown with -q 0");
	expect_usage(PARSE("h", "1-5"), "a port range needs -z");
	expect_usage(PARSE("-z", "h", "5-1"), "bad port range '5-1': the first port is above the last");
	expect_usage(PARSE("-z", "h", "0-3"), "bad port range '0-3': out of range (1-65535)");
	expect_usage(PARSE("h", "1", "2"), "unexpected argument '2'");
	expect_usage(PARSE("--xml=1", "h", "1"), "unknown option --xml");
	expect_usage(PARSE("--json=FILE", "h", "1"), "option --json takes no value");
	expect_usage(PARSE("--nodelay=1", "h", "1"), "option --nodelay takes no value");
	expect_usage(PARSE("-w"), "option -w needs a value");
}

static void test_port_range(void **state)
{
	uint16_t lo, hi;
	const char *why;

	assert_int_equal(nc_port_range("20-30", &lo, &hi, &why), 0);
	assert_int_equal(lo, 20);
	assert_int_equal(hi, 30);
	assert_int_equal(nc_port_range("1-65535", &lo, &hi, &why), 0);
	assert_int_equal(nc_port_range("30-20", &lo, &hi, &why), -1);
	assert_string_equal(why, "the first port is above the last");
	assert_int_equal(nc_port_range("1-65536", &lo, &hi, &why), -1);
	assert_string_equal(why, "out of range (1-65535)");
	assert_int_equal(nc_port_range("0-3", &lo, &hi, &why), -1);
	assert_string_equal(why, "out of range (1-65535)");
	assert_int_equal(nc_port_range("echo", &lo, &hi, &why), -1);
	assert_int_equal(nc_port_range("1-2x", &lo, &hi, &why), -1);
	assert_int_equal(nc_port_range("123456789012345678-2", &lo, &hi, &why), -1);
	assert_true(nc_port_is_range("20-30"));
	assert_false(nc_port_is_range("sql-net"));
	assert_false(nc_port_is_range("-5"));
	assert_false(nc_port_is_range("5-"));
}

/* Every port is 1-65535 (listening also on 0: the kernel picks); glibc would
 * take 70000 as 4464. Names come from /etc/services. */
static void test_port_numbers(void **state)
{
	uint16_t p;
	const char *why;

	assert_int_equal(nc_port_parse("65535", false, false, &p, &why), 0);
	assert_int_equal(p, 65535);
	assert_int_equal(nc_port_parse("1", false, false, &p, &why), 0);
	assert_int_equal(p, 1);
	assert_int_equal(nc_port_parse("0", false, false, &p, &why), -1);
	assert_string_equal(why, "out of range (1-65535)");
	assert_int_equal(nc_port_parse("0", false, true, &p, &why), 0);
	assert_int_equal(p, 0);
	assert_int_equal(nc_port_parse("65536", false, true, &p, &why), -1);
	assert_string_equal(why, "out of range (0-65535)");
	assert_int_equal(nc_port_parse("99999999999999999999999", false, false, &p, &why), -1);
	assert_int_equal(nc_port_parse("abc", false, false, &p, &why), -1);
	assert_string_equal(why, "not a port or service name");
	assert_int_equal(nc_port_parse("80x", false, false, &p, &why), -1);
	assert_int_equal(nc_port_parse("", false, false, &p, &why), -1);
	assert_int_equal(nc_port_parse("echo", true, false, &p, &why), 0);
	assert_int_equal(p, 7);

	assert_int_equal(PARSE("127.0.0.1", "http"), TOOL_ARGS_OK);
	assert_int_equal(cfg.port_lo, 80);
	assert_int_equal(cfg.port_hi, 80);
	assert_int_equal(PARSE("-z", "h", "20-30"), TOOL_ARGS_OK);
	assert_int_equal(cfg.port_lo, 20);
	assert_int_equal(cfg.port_hi, 30);
	assert_int_equal(PARSE("-p", "4000", "h", "7"), TOOL_ARGS_OK);
	assert_int_equal(cfg.src_port, 4000);
	assert_int_equal(PARSE("-l", "0"), TOOL_ARGS_OK);
	assert_int_equal(cfg.port_lo, 0);
	expect_usage(PARSE("127.0.0.1", "70000"), "port 70000: out of range (1-65535)");
	expect_usage(PARSE("-u", "127.0.0.1", "95543"), "port 95543: out of range (1-65535)");
	expect_usage(PARSE("127.0.0.1", "0"), "port 0: out of range (1-65535)");
	expect_usage(PARSE("127.0.0.1", "abc"), "port abc: not a port or service name");
	expect_usage(PARSE("-l", "70000"), "port 70000: out of range (0-65535)");
	expect_usage(PARSE("-l", "-p", "70000"), "port 70000: out of range (0-65535)");
	expect_usage(PARSE("-p", "70000", "h", "7"), "-p 70000: out of range (1-65535)");
	expect_usage(PARSE("-p", "0", "h", "7"), "-p 0: out of range (1-65535)");
	expect_usage(PARSE("-p", "nope", "h", "7"), "-p nope: not a port or service name");
	expect_usage(PARSE("-z", "h", "1-70000"), "bad port range '1-70000': out of range (1-65535)");
}

/* -M is OpenBSD's: the TTL (hop limit); the MSS has only its long name. */
static void test_ttl_and_mss(void **state)
{
	assert_int_equal(PARSE("-M", "64", "h", "1"), TOOL_ARGS_OK);
	assert_int_equal(cfg.ttl, 64);
	assert_int_equal(cfg.mss, 0);
	assert_int_equal(PARSE("--ttl", "1", "-u", "h", "1"), TOOL_ARGS_OK);
	assert_int_equal(cfg.ttl, 1);
	assert_int_equal(PARSE("--mss", "536", "h", "1"), TOOL_ARGS_OK);
	assert_int_equal(cfg.mss, 536);
	assert_int_equal(cfg.ttl, 0);
	expect_usage(PARSE("-M", "0", "h", "1"), "-M 0: too small");
	expect_usage(PARSE("-M", "256", "h", "1"), "-M 256: too large");
	expect_usage(PARSE("-M", "x", "h", "1"), "-M x: not a number");
}

static void test_help_and_version(void **state)
{
	assert_int_equal(PARSE("-h"), TOOL_ARGS_HELP);
	assert_int_equal(PARSE("--version"), TOOL_ARGS_VERSION);
	assert_non_null(strstr(nc_usage_text, "--no-shutdown"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_connect_defaults),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_buffers_and_mss),
		cmocka_unit_test(test_listen_forms),
		cmocka_unit_test(test_conflicts),
		cmocka_unit_test(test_port_range),
		cmocka_unit_test(test_port_numbers),
		cmocka_unit_test(test_ttl_and_mss),
		cmocka_unit_test(test_help_and_version),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
