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
	scan_config_free(&cfg);
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
	expect_usage(PARSE("h", "-o"), "option -o needs a format and a FILE: -oX FILE, -oN FILE, "
		     "-oG FILE, -oA BASE");
	expect_usage(PARSE("-oZ", "f", "h"),
		     "unknown output format -oZ (there are -oX, -oN, -oG and -oA)");
	expect_usage(PARSE("--json", "-oG", "-", "h"),
		     "cannot use --json with -oG - (both on standard output)");
	assert_int_equal(PARSE("--json", "-oG", "file", "h"), TOOL_ARGS_OK);
}

static void test_nmap_outputs(void **state)
{
	assert_int_equal(PARSE("-oX", "a.xml", "-oN", "a.nmap", "h"), TOOL_ARGS_OK);
	assert_string_equal(cfg.xml, "a.xml");
	assert_string_equal(cfg.normal, "a.nmap");
	assert_null(cfg.grepable);
	assert_int_equal(PARSE("h", "-oA", "out/base"), TOOL_ARGS_OK);
	assert_string_equal(cfg.xml, "out/base.xml");
	assert_string_equal(cfg.normal, "out/base.nmap");
	assert_string_equal(cfg.grepable, "out/base.gnmap");
	assert_int_equal(PARSE("h", "-oX", "-"), TOOL_ARGS_OK);
	expect_usage(PARSE("h", "-oA", "-"), "-oA - would put three formats on standard output: "
		     "-oX -, -oN - or -oG -");
	expect_usage(PARSE("h", "-oX", "-", "-oN", "-"),
		     "only one of -oX -, -oN -, -oG - can use standard output");
	expect_usage(PARSE("h", "--json", "-oX", "-"),
		     "cannot use --json with -oX - (both on standard output)");
	expect_usage(PARSE("h", "-sL", "-oX", "f"), "-sL lists the targets on standard output; it "
		     "writes no --json, -oX, -oN or -oG");
}

static void test_nmap_flags(void **state)
{
	assert_int_equal(PARSE("-sU", "-sT", "-sV", "-Pn", "-n", "-r", "--reason", "--open", "h"),
			 TOOL_ARGS_OK);
	assert_true(cfg.tcp && cfg.udp && cfg.banners && cfg.open_only);
	assert_int_equal(PARSE("-sU", "h"), TOOL_ARGS_OK);
	assert_true(cfg.udp);
	assert_false(cfg.tcp);
	assert_int_equal(PARSE("-sTU", "h"), TOOL_ARGS_OK);
	assert_true(cfg.tcp && cfg.udp);
	assert_int_equal(PARSE("-F", "h"), TOOL_ARGS_OK);
	assert_int_equal(cfg.top_ports, 100);
	assert_int_equal(PARSE("--top-ports", "20", "h"), TOOL_ARGS_OK);
	assert_int_equal(cfg.top_ports, 20);
	expect_usage(PARSE("--top-ports", "1001", "h"), "--top-ports 1001: socklab knows nmap's "
		     "1000 most common ports; -p - scans all");
	expect_usage(PARSE("--top-ports", "5", "-p", "7", "h"),
		     "-p and --top-ports (or -F) both name the ports: one of them");
	assert_int_equal(PARSE("-p-", "h"), TOOL_ARGS_OK);
	assert_string_equal(cfg.ports, "-");
	assert_int_equal(PARSE("-iL", "list.txt"), TOOL_ARGS_OK);
	assert_string_equal(cfg.input_list, "list.txt");
	assert_int_equal(cfg.ntargets, 0);
	expect_usage(PARSE("-p", "7"), "missing HOST (or -iL FILE)");
	assert_int_equal(PARSE("--exclude", "10.0.0.1,10.0.0.5-9", "--excludefile", "x", "h"),
			 TOOL_ARGS_OK);
	assert_string_equal(cfg.exclude, "10.0.0.1,10.0.0.5-9");
	assert_string_equal(cfg.exclude_file, "x");
	assert_int_equal(PARSE("-sL", "h"), TOOL_ARGS_OK);
	assert_true(cfg.list_only);
	assert_int_equal(PARSE("-V"), TOOL_ARGS_VERSION);
}

static void test_foreign_flags(void **state)
{
	expect_usage(PARSE("-sS", "h"), "-sS needs raw sockets; socklab scans with connect(): "
		     "use -sT");
	expect_usage(PARSE("-sTS", "h"), "-sS needs raw sockets; socklab scans with connect(): "
		     "use -sT");
	expect_usage(PARSE("-sn", "h"), "-sn (ping scan): socklab does no host discovery; list "
		     "the targets with -sL, or scan a few ports: -p 22,80,443");
	expect_usage(PARSE("-O", "h"), "-O (OS detection) needs raw packets; socklab has none: "
		     "-sV grabs banners, which often name the system");
	expect_usage(PARSE("-A", "h"), "-A (OS detection, versions, scripts, traceroute): socklab "
		     "has no OS detection, scripts or traceroute; -sV grabs banners");
	expect_usage(PARSE("--script", "vuln", "h"),
		     "--script: socklab has no scripts; -sV grabs banners");
	expect_usage(PARSE("--script=vuln", "h"),
		     "--script: socklab has no scripts; -sV grabs banners");
	expect_usage(PARSE("-PS", "h"), "-PS: socklab does no host discovery: every target is "
		     "scanned, as with nmap's -Pn");
	expect_usage(PARSE("-iR", "10"), "-iR: socklab never picks random targets; name them, "
		     "or a range: 10.0.0.1-20, 10.0.0.0/24");
	expect_usage(PARSE("-T6", "h"), "-T6: the timing templates are -T0 to -T5 (paranoid, "
		     "sneaky, polite, normal, aggressive, insane)");
}

static void test_timing_templates(void **state)
{
	assert_int_equal(PARSE("-T4", "h"), TOOL_ARGS_OK);
	assert_int_equal(cfg.max_rtt_ms, 1250);
	assert_int_equal(cfg.parallel, 0);
	assert_int_equal(PARSE("-Tinsane", "h"), TOOL_ARGS_OK);
	assert_int_equal(cfg.max_rtt_ms, 300);
	assert_int_equal(cfg.host_timeout_ms, 900000);
	assert_int_equal(PARSE("-T2", "h"), TOOL_ARGS_OK);
	assert_int_equal(cfg.scan_delay_ms, 400);
	assert_int_equal(cfg.parallel, 1);
	assert_int_equal(cfg.rate, 2);
	assert_int_equal(PARSE("-T0", "h"), TOOL_ARGS_OK);
	assert_int_equal(cfg.scan_delay_ms, 300000);
	/* options given by hand win over the template, whatever the order */
	assert_int_equal(PARSE("--max-rtt-timeout", "2", "-T5", "--scan-delay", "0.01",
			       "-T", "1", "h"), TOOL_ARGS_OK);
	assert_int_equal(cfg.max_rtt_ms, 2000);
	assert_int_equal(cfg.scan_delay_ms, 10);
	assert_int_equal(cfg.parallel, 1);
	assert_int_equal(PARSE("-T3", "h"), TOOL_ARGS_OK);
	assert_int_equal(cfg.max_rtt_ms, SCAN_RTO_MAX_MS);
	assert_int_equal(cfg.scan_delay_ms, 0);
	assert_int_equal(PARSE("--max-retries", "4", "h"), TOOL_ARGS_OK);
	assert_int_equal(scan_config_retries(&cfg, IPPROTO_TCP), 4);
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
	expect_usage(PARSE("-u"), "missing HOST (or -iL FILE)");
	expect_usage(PARSE("-p"), "option -p needs a value");
	expect_usage(PARSE("-x", "h"), "unknown option -x");
	expect_usage(PARSE("--nope", "h"), "unknown option --nope (did you mean --open?)");
	expect_usage(PARSE("--zzzzzz", "h"), "unknown option --zzzzzz");
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
	assert_string_equal(err, "more than 256 HOST arguments (-iL FILE takes more)");
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
		cmocka_unit_test(test_nmap_outputs),
		cmocka_unit_test(test_nmap_flags),
		cmocka_unit_test(test_foreign_flags),
		cmocka_unit_test(test_timing_templates),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	scan_config_free(&cfg);
	return rc;
}
