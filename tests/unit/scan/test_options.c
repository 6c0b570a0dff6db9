/* Unit tests for socklab scan's option parsing and conflict rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "scan/options.h"

static struct scan_config cfg;
static char err[256];

#define PARSE(...) parse((char *[]){ "scan", __VA_ARGS__, NULL })

static int parse(char **argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	scan_config_defaults(&cfg);
	err[0] = '\0';
	return scan_parse_args(argc, argv, &cfg, err, sizeof(err));
}

static void expect_usage(int rc, const char *msg)
{
	assert_int_equal(rc, TOOL_ARGS_USAGE);
	assert_string_equal(err, msg);
}

static void test_defaults(void **state)
{
	assert_int_equal(PARSE("127.0.0.1"), TOOL_ARGS_OK);
	assert_int_equal(cfg.ntargets, 1);
	assert_string_equal(cfg.targets[0], "127.0.0.1");
	assert_true(cfg.tcp);
	assert_false(cfg.udp);
	assert_null(cfg.ports);
	assert_int_equal(cfg.family, AF_UNSPEC);
	assert_false(cfg.banners || cfg.verbose || cfg.json);
	assert_null(cfg.grepable);
	assert_int_equal(scan_config_retries(&cfg, IPPROTO_TCP), SCAN_TCP_RETRIES);
	assert_int_equal(scan_config_retries(&cfg, IPPROTO_UDP), SCAN_UDP_RETRIES);
	assert_int_equal(cfg.max_rtt_ms, SCAN_RTO_MAX_MS);
	assert_int_equal(cfg.banner_ms, SCAN_BANNER_TIMEOUT_MS);
}

static void test_flags(void **state)
{
	assert_int_equal(PARSE("-u", "-b", "-v", "-6", "--json", "-p", "7,9", "a", "b", "c"),
			 TOOL_ARGS_OK);
	assert_true(cfg.udp);
	assert_false(cfg.tcp); /* -u alone: UDP only */
	assert_true(cfg.banners && cfg.verbose && cfg.json);
	assert_int_equal(cfg.family, AF_INET6);
	assert_string_equal(cfg.ports, "7,9");
	assert_int_equal(cfg.ntargets, 3);
	assert_string_equal(cfg.targets[2], "c");

	assert_int_equal(PARSE("-tu", "-4", "h"), TOOL_ARGS_OK);
	assert_true(cfg.tcp && cfg.udp);
	assert_int_equal(cfg.family, AF_INET);

	assert_int_equal(PARSE("--udp", "--tcp", "--banners", "--ports", "-", "h"), TOOL_ARGS_OK);
	assert_true(cfg.tcp && cfg.udp && cfg.banners);
	assert_string_equal(cfg.ports, "-");
}

static void test_grepable(void **state)
{
	/* nmap's spelling, before and after the hosts (getopt reorders argv) */
	assert_int_equal(PARSE("-oG", "out.txt", "h"), TOOL_ARGS_OK);
	assert_string_equal(cfg.grepable, "out.txt");
	assert_int_equal(cfg.ntargets, 1);
	assert_int_equal(PARSE("h1", "-oG", "out.txt", "h2"), TOOL_ARGS_OK);
	assert_string_equal(cfg.grepable, "out.txt");
	assert_int_equal(cfg.ntargets, 2);
	assert_string_equal(cfg.targets[0], "h1");
	assert_string_equal(cfg.targets[1], "h2");
	assert_int_equal(PARSE("h", "-p", "7", "-oG", "-"), TOOL_ARGS_OK);
	assert_string_equal(cfg.grepable, "-");
	assert_int_equal(PARSE("--grepable", "g.txt", "h"), TOOL_ARGS_OK);
	assert_string_equal(cfg.grepable, "g.txt");

	expect_usage(PARSE("h", "-oG"), "option -oG needs a FILE");
	expect_usage(PARSE("h", "-o"), "option -oG needs a FILE");
	expect_usage(PARSE("-oX", "f", "h"), "unknown output format -oX (there is -oG FILE)");
	expect_usage(PARSE("--json", "-oG", "-", "h"),
		     "cannot use --json with -oG - (both on standard output)");
	assert_int_equal(PARSE("--json", "-oG", "file", "h"), TOOL_ARGS_OK);
}

static void test_timing_values(void **state)
{
	assert_int_equal(PARSE("--retries", "0", "--max-rtt-timeout", "0.5", "--banner-timeout",
			       "2", "--max-parallel", "100", "--max-rate", "50", "h"),
			 TOOL_ARGS_OK);
	assert_int_equal(scan_config_retries(&cfg, IPPROTO_UDP), 0);
	assert_int_equal(cfg.max_rtt_ms, 500);
	assert_int_equal(cfg.banner_ms, 2000);
	assert_int_equal(cfg.parallel, 100);
	assert_int_equal(cfg.rate, 50);

	expect_usage(PARSE("--retries", "11", "h"), "--retries 11: too large");
	expect_usage(PARSE("--retries", "x", "h"), "--retries x: not a number");
	expect_usage(PARSE("--max-rtt-timeout", "0.05", "h"),
		     "--max-rtt-timeout 0.05: too small (at least 0.1)");
	expect_usage(PARSE("--max-rtt-timeout", "61", "h"), "--max-rtt-timeout 61: too large");
	expect_usage(PARSE("--banner-timeout", "0", "h"),
		     "--banner-timeout 0: too small (at least 0.01)");
	expect_usage(PARSE("--max-parallel", "0", "h"), "--max-parallel 0: too small");
	expect_usage(PARSE("--max-parallel", "100000", "h"), "--max-parallel 100000: too large");
	expect_usage(PARSE("--max-rate", "0", "h"), "--max-rate 0: too small");
}

static void test_usage_errors(void **state)
{
	expect_usage(PARSE("-u"), "missing HOST");
	expect_usage(PARSE("-p"), "option -p needs a value");
	expect_usage(PARSE("-x", "h"), "unknown option -x");
	expect_usage(PARSE("--nope", "h"), "unknown option --nope");
	expect_usage(PARSE("--json=1", "h"), "option --json takes no value");
	expect_usage(PARSE("-p", "7", "-p", "9", "h"), "-p given twice (one list: -p 7,9,13-19)");
	expect_usage(PARSE(""), "'' is not a host name or address");
	assert_int_equal(PARSE("-h"), TOOL_ARGS_HELP);
	assert_int_equal(PARSE("--version"), TOOL_ARGS_VERSION);
}

static void test_too_many_hosts(void **state)
{
	char *argv[SCAN_TARGETS_MAX + 3];
	int argc = 0;

	argv[argc++] = "scan";
	for (int i = 0; i <= SCAN_TARGETS_MAX; i++)
		argv[argc++] = "127.0.0.1";
	argv[argc] = NULL;
	scan_config_defaults(&cfg);
	assert_int_equal(scan_parse_args(argc, argv, &cfg, err, sizeof(err)), TOOL_ARGS_USAGE);
	assert_string_equal(err, "more than 256 hosts");
	argc--;
	argv[argc] = NULL;
	scan_config_defaults(&cfg);
	assert_int_equal(scan_parse_args(argc, argv, &cfg, err, sizeof(err)), TOOL_ARGS_OK);
	assert_int_equal(cfg.ntargets, SCAN_TARGETS_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_grepable),
		cmocka_unit_test(test_timing_values),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_too_many_hosts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
