/* Unit tests for serve/options: socklab serve's command line, through
 * serve_parse_args() exactly as the tool frame calls it, and the help text. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "serve/options.h"

#define KNOWN "(known: echo, discard, daytime, qotd, chargen, time, upper)"

static struct serve_config cfg;
static char err[SERVE_ERR_MAX];

/* getopt_long permutes argv, so each call gets a fresh array; string
 * literals are only read. */
static enum tool_args parse_argv(char **argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	serve_config_defaults(&cfg);
	memset(err, 0, sizeof(err));
	return serve_parse_args(argc, argv, &cfg, err, sizeof(err));
}

#define PARSE(...) parse_argv((char *[]){ "serve", __VA_ARGS__, NULL })

static uint16_t port_of(enum service_id s)
{
	uint16_t p = 1;

	assert_int_equal(serve_config_port(&cfg, s, &p, err, sizeof(err)), 0);
	return p;
}

static void expect_usage(enum tool_args r, const char *want)
{
	assert_int_equal(r, TOOL_ARGS_USAGE);
	assert_string_equal(err, want);
}

static void test_defaults(void **state)
{
	assert_int_equal(parse_argv((char *[]){ "serve", NULL }), TOOL_ARGS_OK);
	assert_string_equal(err, "");
	assert_int_equal(cfg.family, AF_UNSPEC);
	assert_int_equal(cfg.nbinds, 0);
	assert_int_equal(cfg.port_offset, 0);
	assert_false(cfg.only_given);
	assert_true(cfg.tcp);
	assert_true(cfg.udp);
	assert_int_equal(cfg.idle_ms, 300000);
	assert_int_equal(cfg.udp_rate, 256 * 1024);
	assert_int_equal(cfg.high_water, 64 * 1024);
	assert_int_equal(cfg.sndbuf, 128 * 1024);
	assert_int_equal(cfg.rcvbuf, 128 * 1024);
	assert_int_equal(cfg.max_conns, 0);
	assert_int_equal(cfg.max_per_host, 0);
	assert_false(cfg.quiet || cfg.verbose || cfg.json);
	assert_int_equal(port_of(SVC_ECHO), 7);
	assert_int_equal(port_of(SVC_UPPER), 12000);
}

static void test_udp_answer_budget_options(void **state)
{
	assert_int_equal(parse_argv((char *[]){ "serve", NULL }), TOOL_ARGS_OK);
	assert_int_equal(cfg.amp_factor_milli, 1000);
	assert_int_equal(cfg.amp_credit, 4096);
	assert_int_equal(cfg.udp_peer_rate, 1000);

	assert_int_equal(PARSE("--amp-factor", "2.5"), TOOL_ARGS_OK);
	assert_int_equal(cfg.amp_factor_milli, 2500);
	assert_int_equal(PARSE("--amp-factor", "0"), TOOL_ARGS_OK);
	assert_int_equal(cfg.amp_factor_milli, 0);
	expect_usage(PARSE("--amp-factor", "1001"), "--amp-factor 1001: too large (at most 1000)");
	expect_usage(PARSE("--amp-factor", "-1"), "--amp-factor -1: not a number (e.g. 1 or 0.5)");
	expect_usage(PARSE("--amp-factor", "0.0001"), "--amp-factor 0.0001: more than 3 decimals");

	assert_int_equal(PARSE("--amp-credit", "64k"), TOOL_ARGS_OK);
	assert_int_equal(cfg.amp_credit, 65536);
	assert_int_equal(PARSE("--amp-credit", "0"), TOOL_ARGS_OK);
	assert_int_equal(cfg.amp_credit, 0);
	assert_int_equal(PARSE("--amp-credit", "16M"), TOOL_ARGS_OK);
	expect_usage(PARSE("--amp-credit", "17M"), "--amp-credit 17M: too large");

	assert_int_equal(PARSE("--udp-peer-rate", "0"), TOOL_ARGS_OK);
	assert_int_equal(cfg.udp_peer_rate, 0);
	assert_int_equal(PARSE("--udp-peer-rate", "50000"), TOOL_ARGS_OK);
	assert_int_equal(cfg.udp_peer_rate, 50000);
	expect_usage(PARSE("--udp-peer-rate", "fast"), "--udp-peer-rate fast: not a number");
}

static void test_port_offset(void **state)
{
	assert_int_equal(PARSE("--port-offset", "10000"), TOOL_ARGS_OK);
	assert_int_equal(cfg.port_offset, 10000);
	assert_int_equal(port_of(SVC_ECHO), 10007);
	assert_int_equal(port_of(SVC_DISCARD), 10009);
	assert_int_equal(port_of(SVC_TIME), 10037);
	assert_int_equal(port_of(SVC_UPPER), 22000);

	assert_int_equal(PARSE("-o", "10000"), TOOL_ARGS_OK);
	assert_int_equal(port_of(SVC_ECHO), 10007);
	assert_int_equal(PARSE("--port-offset=10000"), TOOL_ARGS_OK);
	assert_int_equal(port_of(SVC_UPPER), 22000);
}

static void test_port_offset_too_big(void **state)
{
	expect_usage(PARSE("--port-offset", "60000"),
		     "upper: port 12000 + --port-offset 60000 is above 65535");
	expect_usage(PARSE("--port-offset", "65536"), "--port-offset 65536: too large");
	expect_usage(PARSE("--port-offset", "ten"), "--port-offset ten: not a number");
	expect_usage(PARSE("--port-offset", "-1"), "--port-offset -1: not a number");
	/* without upper, or with upper moved, 60000 is fine */
	assert_int_equal(PARSE("--port-offset", "60000", "--only", "echo,time"), TOOL_ARGS_OK);
	assert_int_equal(port_of(SVC_TIME), 60037);
	assert_int_equal(PARSE("--port-offset", "60000", "--service", "upper=5000"), TOOL_ARGS_OK);
	assert_int_equal(port_of(SVC_UPPER), 5000);
	assert_int_equal(port_of(SVC_ECHO), 60007);
}

static void test_service(void **state)
{
	assert_int_equal(PARSE("--service", "echo=0"), TOOL_ARGS_OK);
	assert_int_equal(cfg.port_set[SVC_ECHO], 0);
	assert_int_equal(port_of(SVC_ECHO), 0);
	assert_int_equal(port_of(SVC_DISCARD), 9);

	assert_int_equal(PARSE("-s", "echo=0", "-s", "discard=0", "-s", "upper=40000"), TOOL_ARGS_OK);
	assert_int_equal(port_of(SVC_DISCARD), 0);
	assert_int_equal(port_of(SVC_UPPER), 40000);

	expect_usage(PARSE("--service", "bogus=1"),
		     "--service bogus=1: unknown service 'bogus' " KNOWN);
	expect_usage(PARSE("--service", "echo"), "--service echo: expected NAME=PORT");
	expect_usage(PARSE("--service", "echo=7x"), "--service echo=7x: not a port (0-65535)");
	expect_usage(PARSE("--service", "echo=65536"), "--service echo=65536: not a port (0-65535)");
}

static void test_only(void **state)
{
	assert_int_equal(PARSE("--only", "echo,qotd"), TOOL_ARGS_OK);
	assert_true(cfg.only_given);
	for (int s = 0; s < SVC_COUNT; s++)
		assert_int_equal(serve_config_enabled(&cfg, s), s == SVC_ECHO || s == SVC_QOTD);

	expect_usage(PARSE("--only", "echo,nope"), "--only: unknown service 'nope' " KNOWN);
	expect_usage(PARSE("--only", "echo", "--service", "time=37"),
		     "--service time=37: time is not in --only");
	/* the order of the options does not matter */
	expect_usage(PARSE("--service", "time=37", "--only", "echo"),
		     "--service time=37: time is not in --only");
	assert_int_equal(PARSE("--only", "time", "--service", "time=37"), TOOL_ARGS_OK);
}

static void test_family_and_bind(void **state)
{
	assert_int_equal(PARSE("-4"), TOOL_ARGS_OK);
	assert_int_equal(cfg.family, AF_INET);
	assert_int_equal(PARSE("--ipv6"), TOOL_ARGS_OK);
	assert_int_equal(cfg.family, AF_INET6);

	expect_usage(PARSE("-4", "--bind", "::1"), "cannot use -4 with --bind ::1");
	expect_usage(PARSE("--bind", "::1", "-4"), "cannot use -4 with --bind ::1");
	expect_usage(PARSE("-6", "-b", "127.0.0.1"), "cannot use -6 with --bind 127.0.0.1");
	assert_int_equal(PARSE("-4", "--bind", "127.0.0.1"), TOOL_ARGS_OK);
	assert_int_equal(PARSE("-6", "--bind", "[::1]"), TOOL_ARGS_OK);

	assert_int_equal(PARSE("--bind", "127.0.0.1", "--bind", "::1"), TOOL_ARGS_OK);
	assert_int_equal(cfg.nbinds, 2);
	expect_usage(PARSE("--bind", "127.0.0.1", "--bind", "127.0.0.1"),
		     "--bind 127.0.0.1: given twice");
	expect_usage(PARSE("-b", "::1", "-b", "[::1]"), "--bind [::1]: given twice");
	/* a name binds its addresses (localhost is in /etc/hosts: no DNS) */
	assert_int_equal(PARSE("--bind", "localhost"), TOOL_ARGS_OK);
	assert_true(cfg.nbinds >= 1);
}

static void test_conflicts(void **state)
{
	expect_usage(PARSE("--tcp-only", "--udp-only"), "cannot use --tcp-only with --udp-only");
	expect_usage(PARSE("--quiet", "--verbose"), "cannot use --quiet with --verbose");
	expect_usage(PARSE("-q", "-v"), "cannot use --quiet with --verbose");
	expect_usage(PARSE("-qv"), "cannot use --quiet with --verbose");

	assert_int_equal(PARSE("--tcp-only"), TOOL_ARGS_OK);
	assert_true(cfg.tcp);
	assert_false(cfg.udp);
	assert_int_equal(PARSE("--udp-only"), TOOL_ARGS_OK);
	assert_false(cfg.tcp);
	assert_true(cfg.udp);
	assert_int_equal(PARSE("-q", "--json"), TOOL_ARGS_OK);
	assert_true(cfg.quiet);
	assert_true(cfg.json);
	assert_false(cfg.verbose);
}

static void test_shared_port(void **state)
{
	expect_usage(PARSE("--service", "echo=5000", "--service", "discard=5000"),
		     "echo and discard would share port 5000");
	expect_usage(PARSE("--port-offset", "10000", "--service", "daytime=10007"),
		     "echo and daytime would share port 10007");
	expect_usage(PARSE("--service", "echo=9"), "echo and discard would share port 9");
	/* port 0 may repeat */
	assert_int_equal(PARSE("--service", "echo=0", "--service", "discard=0"), TOOL_ARGS_OK);
}

static void test_idle_timeout(void **state)
{
	assert_int_equal(PARSE("--idle-timeout", "0.5"), TOOL_ARGS_OK);
	assert_int_equal(cfg.idle_ms, 500);
	assert_int_equal(PARSE("--idle-timeout", "0"), TOOL_ARGS_OK);
	assert_int_equal(cfg.idle_ms, 0);
	assert_int_equal(PARSE("--idle-timeout", "604800"), TOOL_ARGS_OK);
	assert_int_equal(cfg.idle_ms, 604800000ULL);
	expect_usage(PARSE("--idle-timeout", "604801"), "--idle-timeout 604801: too large");
	expect_usage(PARSE("--idle-timeout", "1."), "--idle-timeout 1.: not a number of seconds");
	expect_usage(PARSE("--idle-timeout", "soon"), "--idle-timeout soon: not a number");
}

static void test_sizes_and_counts(void **state)
{
	assert_int_equal(PARSE("--udp-rate", "1M"), TOOL_ARGS_OK);
	assert_int_equal(cfg.udp_rate, 1048576);
	assert_int_equal(PARSE("--udp-rate", "0"), TOOL_ARGS_OK);
	assert_int_equal(cfg.udp_rate, 0);
	assert_int_equal(PARSE("--udp-rate", "1024G"), TOOL_ARGS_OK);
	assert_int_equal(cfg.udp_rate, 1ULL << 40);
	expect_usage(PARSE("--udp-rate", "1025G"), "--udp-rate 1025G: too large");
	expect_usage(PARSE("--udp-rate", "2T"),
		     "--udp-rate 2T: not a size (a number with an optional k, M or G)");

	assert_int_equal(PARSE("--high-water", "1k"), TOOL_ARGS_OK);
	assert_int_equal(cfg.high_water, 1024);
	expect_usage(PARSE("--high-water", "0"), "--high-water 0: must be at least 1");
	expect_usage(PARSE("--high-water", "65M"), "--high-water 65M: too large");

	assert_int_equal(PARSE("--sndbuf", "256k", "--rcvbuf", "1M"), TOOL_ARGS_OK);
	assert_int_equal(cfg.sndbuf, 256 * 1024);
	assert_int_equal(cfg.rcvbuf, 1024 * 1024);
	assert_int_equal(PARSE("--sndbuf", "0", "--rcvbuf", "0"), TOOL_ARGS_OK);
	assert_int_equal(cfg.sndbuf, 0);
	assert_int_equal(cfg.rcvbuf, 0);
	expect_usage(PARSE("--sndbuf", "65M"), "--sndbuf 65M: too large");
	expect_usage(PARSE("--rcvbuf", "lots"), "--rcvbuf lots: not a number");

	assert_int_equal(PARSE("--max-conns", "100", "--max-per-host", "5"), TOOL_ARGS_OK);
	assert_int_equal(cfg.max_conns, 100);
	assert_int_equal(cfg.max_per_host, 5);
	expect_usage(PARSE("--max-conns", "0"), "--max-conns 0: too small");
	expect_usage(PARSE("--max-conns", "10000001"), "--max-conns 10000001: too large");
	assert_int_equal(PARSE("--max-per-host", "0"), TOOL_ARGS_OK);
	assert_int_equal(cfg.max_per_host, 0);
}

static void test_strings(void **state)
{
	assert_int_equal(PARSE("--quotes", "/tmp/q.txt", "--daytime-format", "%H:%M"),
			 TOOL_ARGS_OK);
	assert_string_equal(cfg.quotes_file, "/tmp/q.txt");
	assert_string_equal(cfg.daytime_fmt, "%H:%M");
}

static void test_unknown_option(void **state)
{
	expect_usage(PARSE("--bogus"), "unknown option --bogus");
	expect_usage(PARSE("-x"), "unknown option -x");
	expect_usage(PARSE("-4x"), "unknown option -x");
}

static void test_value_given_to_a_flag(void **state)
{
	/* A value given to a flag ("--json=1") is named as typed; getopt_long's
	 * optopt holds the option's val then, not a printable character. */
	static const char *const given[] = { "--json=1", "--quiet=1", "--tcp-only=yes" };

	for (size_t i = 0; i < sizeof(given) / sizeof(given[0]); i++) {
		char *argv[] = { "serve", (char *)given[i], NULL };
		char opt[32];
		assert_int_equal(parse_argv(argv), TOOL_ARGS_USAGE);
		for (const char *p = err; *p; p++)
			assert_false(iscntrl((unsigned char)*p));
		snprintf(opt, sizeof(opt), "%.*s", (int)strcspn(given[i], "="), given[i]);
		assert_non_null(strstr(err, opt));
	}
}

static void test_missing_value(void **state)
{
	expect_usage(PARSE("--port-offset"), "option --port-offset needs a value");
	expect_usage(PARSE("--only"), "option --only needs a value");
	expect_usage(PARSE("-b"), "option -b needs a value");
	expect_usage(PARSE("-q", "--service"), "option --service needs a value");
}

static void test_extra_argument(void **state)
{
#define NO_CONFIG ": serve reads no configuration file and runs no programs; its services are " \
		  "built in (--only, --service, --port-offset)"
	expect_usage(PARSE("/etc/inetd.conf"), "unexpected argument '/etc/inetd.conf'" NO_CONFIG);
	expect_usage(PARSE("--only", "echo", "extra"), "unexpected argument 'extra'" NO_CONFIG);
	expect_usage(PARSE("extra", "-q"), "unexpected argument 'extra'" NO_CONFIG);
	expect_usage(PARSE("--", "-q"), "unexpected argument '-q'" NO_CONFIG);
}

static void test_help_and_version(void **state)
{
	assert_int_equal(PARSE("-h"), TOOL_ARGS_HELP);
	assert_int_equal(PARSE("--help"), TOOL_ARGS_HELP);
	assert_int_equal(PARSE("--version"), TOOL_ARGS_VERSION);
	/* help is answered before the cross-option checks */
	assert_int_equal(PARSE("--quiet", "--verbose", "-h"), TOOL_ARGS_HELP);
	assert_int_equal(PARSE("--tcp-only", "--udp-only", "--version"), TOOL_ARGS_VERSION);
}

static void test_parse_twice(void **state)
{
	/* a parse that stopped inside "-xq" must not leak the 'q' it did not
	 * reach into the next one */
	expect_usage(PARSE("-xq"), "unknown option -x");
	assert_int_equal(PARSE("-v"), TOOL_ARGS_OK);
	assert_true(cfg.verbose);
	assert_false(cfg.quiet);
	expect_usage(PARSE("--port-offset"), "option --port-offset needs a value");
	assert_int_equal(PARSE("--port-offset", "10000"), TOOL_ARGS_OK);
	assert_int_equal(port_of(SVC_ECHO), 10007);
}

static int is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '-';
}

/* True if "--name" occurs as a whole word in text. */
static int text_has_option(const char *text, const char *name)
{
	char want[64];
	size_t n = (size_t)snprintf(want, sizeof(want), "--%s", name);

	for (const char *p = strstr(text, want); p; p = strstr(p + 1, want)) {
		int starts = p == text || !is_name_char(p[-1]);
		if (starts && !is_name_char(p[n]))
			return 1;
	}
	return 0;
}

static void test_help_documents_every_option(void **state)
{
	size_t count = 0;

	for (const struct option *o = serve_long_options; o->name; o++, count++) {
		if (!text_has_option(serve_usage_text, o->name))
			fail_msg("--%s is not in serve_usage_text", o->name);
		/* a short form is documented next to the long one */
		if (o->val > 0 && o->val < 128 && isalnum(o->val)) {
			char pair[64];
			snprintf(pair, sizeof(pair), "-%c, --%s", o->val, o->name);
			if (!strstr(serve_usage_text, pair))
				fail_msg("'%s' is not in serve_usage_text", pair);
		}
	}
	assert_int_equal(count, 26); /* with --sndbuf, --rcvbuf, --debug */
	/* the checker itself: a name that is only a suffix does not count */
	assert_false(text_has_option("  --tcp-only\n", "only"));
	assert_true(text_has_option("  --only NAME\n", "only"));
}

static void test_help_text_printed_verbatim(void **state)
{
	/* The help is printed with fputs(): no printf escapes like "%%". */
	assert_null(strstr(serve_usage_text, "%%"));
	assert_non_null(strstr(serve_usage_text, "fortune form (% lines)"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_udp_answer_budget_options),
		cmocka_unit_test(test_port_offset),
		cmocka_unit_test(test_port_offset_too_big),
		cmocka_unit_test(test_service),
		cmocka_unit_test(test_only),
		cmocka_unit_test(test_family_and_bind),
		cmocka_unit_test(test_conflicts),
		cmocka_unit_test(test_shared_port),
		cmocka_unit_test(test_idle_timeout),
		cmocka_unit_test(test_sizes_and_counts),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_unknown_option),
		cmocka_unit_test(test_value_given_to_a_flag),
		cmocka_unit_test(test_missing_value),
		cmocka_unit_test(test_extra_argument),
		cmocka_unit_test(test_help_and_version),
		cmocka_unit_test(test_parse_twice),
		cmocka_unit_test(test_help_documents_every_option),
		cmocka_unit_test(test_help_text_printed_verbatim),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
