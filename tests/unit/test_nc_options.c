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
	assert_int_equal(rc, NC_ARGS_USAGE);
	assert_string_equal(err, msg);
}

static void test_connect_defaults(void **state)
{
	assert_int_equal(PARSE("127.0.0.1", "7"), NC_ARGS_OK);
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
			 NC_ARGS_OK);
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
			 NC_ARGS_OK);
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
	assert_int_equal(PARSE("-l", "5000"), NC_ARGS_OK);
	assert_null(cfg.host);
	assert_string_equal(cfg.port, "5000");
	assert_int_equal(PARSE("-l", "127.0.0.1", "5000"), NC_ARGS_OK);
	assert_string_equal(cfg.host, "127.0.0.1");
	assert_int_equal(PARSE("-l", "-p", "5000"), NC_ARGS_OK);
	assert_string_equal(cfg.port, "5000");
	assert_null(cfg.source_port);
	assert_int_equal(PARSE("-l", "-s", "::1", "-p", "5000", "-k"), NC_ARGS_OK);
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
	expect_usage(PARSE("-z", "h", "5-1"), "bad port range '5-1'");
	expect_usage(PARSE("-z", "h", "0-3"), "bad port range '0-3'");
	expect_usage(PARSE("h", "1", "2"), "unexpected argument '2'");
	expect_usage(PARSE("--json=1", "h", "1"), "unknown option --json");
	expect_usage(PARSE("--nodelay=1", "h", "1"), "option --nodelay takes no value");
	expect_usage(PARSE("-w"), "option -w needs a value");
}

static void test_port_range(void **state)
{
	uint16_t lo, hi;

	assert_int_equal(nc_port_range("7", &lo, &hi), 0);
	assert_int_equal(lo, 7);
	assert_int_equal(hi, 7);
	assert_int_equal(nc_port_range("20-30", &lo, &hi), 0);
	assert_int_equal(lo, 20);
	assert_int_equal(hi, 30);
	assert_int_equal(nc_port_range("1-65535", &lo, &hi), 0);
	assert_int_equal(nc_port_range("30-20", &lo, &hi), -1);
	assert_int_equal(nc_port_range("1-65536", &lo, &hi), -1);
	assert_int_equal(nc_port_range("echo", &lo, &hi), -1);
	assert_int_equal(nc_port_range("123456789012345678-2", &lo, &hi), -1);
}

static void test_help_and_version(void **state)
{
	assert_int_equal(PARSE("-h"), NC_ARGS_HELP);
	assert_int_equal(PARSE("--version"), NC_ARGS_VERSION);
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
		cmocka_unit_test(test_help_and_version),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
