/* Unit tests for socklab sockets's command line: ss's letters, defaults,
 * range-checked values and the conflict checks. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "sockets/diag.h"
#include "sockets/options.h"

#define ARGV(...) ((char *[]){ "sockets", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ "sockets", __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(o, err, ...) \
	sockets_parse_args(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), (o), (err), sizeof(err))

static void test_defaults(void **state)
{
	struct sockets_opts o;
	char err[SOCKETS_ERR_MAX];
	char *argv[] = { "sockets", NULL };

	assert_int_equal(sockets_parse_args(1, argv, &o, err, sizeof(err)), TOOL_ARGS_OK);
	assert_true(o.tcp && o.udp && o.ipv4 && o.ipv6);
	assert_false(o.listening || o.have_port || o.have_pid || o.json);
	assert_int_equal(o.watch_ms, 0);
	assert_int_equal(sockets_opts_states(&o), SOCKETS_DIAG_STATES_ALL);
}

static void test_ss_letters(void **state)
{
	struct sockets_opts o;
	char err[SOCKETS_ERR_MAX];

	assert_int_equal(PARSE(&o, err, "-tuanp"), TOOL_ARGS_OK);
	assert_true(o.tcp && o.udp && o.all);
	assert_int_equal(PARSE(&o, err, "-tlnp", "-4"), TOOL_ARGS_OK);
	assert_true(o.tcp && !o.udp && o.listening && o.ipv4 && !o.ipv6);
	assert_int_equal(sockets_opts_states(&o), SOCKETS_DIAG_STATES_LISTENING);
	assert_int_equal(PARSE(&o, err, "--udp", "--ipv6"), TOOL_ARGS_OK);
	assert_true(!o.tcp && o.udp && !o.ipv4 && o.ipv6);
	assert_int_equal(PARSE(&o, err, "-4", "-6"), TOOL_ARGS_OK);
	assert_true(o.ipv4 && o.ipv6);
}

static void test_values(void **state)
{
	struct sockets_opts o;
	char err[SOCKETS_ERR_MAX];

	assert_int_equal(PARSE(&o, err, "--port", "8080", "--pid=42", "--json"), TOOL_ARGS_OK);
	assert_true(o.have_port && o.port == 8080 && o.have_pid && o.pid == 42 && o.json);
	assert_int_equal(PARSE(&o, err, "--port", "0"), TOOL_ARGS_OK);
	assert_true(o.have_port && o.port == 0);
	assert_int_equal(PARSE(&o, err, "--watch", "0.5", "--count", "3"), TOOL_ARGS_OK);
	assert_int_equal(o.watch_ms, 500);
	assert_int_equal(o.count, 3);

	assert_int_equal(PARSE(&o, err, "--port", "65536"), TOOL_ARGS_USAGE);
	assert_string_equal(err, "--port 65536: not a port (0-65535)");
	assert_int_equal(PARSE(&o, err, "--pid", "0"), TOOL_ARGS_USAGE);
	assert_string_equal(err, "--pid 0: too small");
	assert_int_equal(PARSE(&o, err, "--pid", "x1"), TOOL_ARGS_USAGE);
	assert_string_equal(err, "--pid x1: not a number");
	assert_int_equal(PARSE(&o, err, "--watch", "0.05"), TOOL_ARGS_USAGE);
	assert_string_equal(err, "--watch 0.05: too small (at least 0.1)");
	assert_int_equal(PARSE(&o, err, "--watch", "-1"), TOOL_ARGS_USAGE);
	assert_int_equal(PARSE(&o, err, "--watch", "1", "--count", "0"), TOOL_ARGS_USAGE);
	assert_string_equal(err, "--count 0: too small");
}

static void test_conflicts_and_unknowns(void **state)
{
	struct sockets_opts o;
	char err[SOCKETS_ERR_MAX];

	assert_int_equal(PARSE(&o, err, "-a", "-l"), TOOL_ARGS_USAGE);
	assert_string_equal(err, "cannot use -a with -l");
	assert_int_equal(PARSE(&o, err, "--count", "2"), TOOL_ARGS_USAGE);
	assert_string_equal(err, "cannot use --count without --watch");
	assert_int_equal(PARSE(&o, err, "-Y"), TOOL_ARGS_USAGE);
	assert_string_equal(err, "unknown option -Y");
	assert_int_equal(PARSE(&o, err, "--port"), TOOL_ARGS_USAGE);
	assert_string_equal(err, "option --port needs a value");
	assert_int_equal(PARSE(&o, err, "--json=1"), TOOL_ARGS_USAGE);
	assert_string_equal(err, "option --json takes no value");
	assert_int_equal(PARSE(&o, err, "state", "establishd"), TOOL_ARGS_USAGE);
	assert_non_null(strstr(err, "establishd: not a state"));
	assert_int_equal(PARSE(&o, err, "-l", "state", "established"), TOOL_ARGS_USAGE);
	assert_non_null(strstr(err, "cannot use -l with a state filter"));
	assert_int_equal(PARSE(&o, err, "-s", "--watch", "1"), TOOL_ARGS_USAGE);
	assert_string_equal(err, "cannot use -s with --watch");
	assert_int_equal(PARSE(&o, err, "-f", "link"), TOOL_ARGS_USAGE);
	assert_string_equal(err, "-f link: not a family (inet, inet6, unix)");
	assert_int_equal(PARSE(&o, err, "-A", "tcp,raw"), TOOL_ARGS_USAGE);
	assert_int_equal(PARSE(&o, err, "--port", "no-such-service-x"), TOOL_ARGS_USAGE);
	assert_string_equal(err, "--port no-such-service-x: not a port number or a known service "
				 "name");
	assert_int_equal(PARSE(&o, err, "-h"), TOOL_ARGS_HELP);
	assert_int_equal(PARSE(&o, err, "--version"), TOOL_ARGS_VERSION);
}

static void test_ss_display_letters(void **state)
{
	struct sockets_opts o;
	char err[SOCKETS_ERR_MAX];

	assert_int_equal(PARSE(&o, err, "-oemiHO"), TOOL_ARGS_OK);
	assert_true(o.timers && o.extended && o.memory && o.info && o.no_header && o.oneline);
	assert_true(o.tcp && o.udp && !o.unix_ && o.list && !o.summary);
	assert_int_equal(PARSE(&o, err, "-x"), TOOL_ARGS_OK);
	assert_true(o.unix_ && !o.tcp && !o.udp);
	assert_int_equal(PARSE(&o, err, "-tx"), TOOL_ARGS_OK);
	assert_true(o.unix_ && o.tcp && !o.udp);
	assert_int_equal(PARSE(&o, err, "-f", "unix", "-f", "inet6"), TOOL_ARGS_OK);
	assert_true(o.unix_ && !o.tcp && !o.ipv4 && o.ipv6);
	assert_int_equal(PARSE(&o, err, "-A", "inet,unix"), TOOL_ARGS_OK);
	assert_true(o.unix_ && o.tcp && o.udp);
	/* ss -s alone: the counts only; with a table or filter, the list too. */
	assert_int_equal(PARSE(&o, err, "-s"), TOOL_ARGS_OK);
	assert_true(o.summary && !o.list);
	assert_int_equal(PARSE(&o, err, "-s", "-t"), TOOL_ARGS_OK);
	assert_true(o.summary && o.list);
	assert_int_equal(PARSE(&o, err, "-s", "state", "listening"), TOOL_ARGS_OK);
	assert_true(o.summary && o.list);
}

static void test_filter_words(void **state)
{
	struct sockets_opts o;
	char err[SOCKETS_ERR_MAX];

	/* getopt moves options first: filter words may follow or precede them. */
	assert_int_equal(PARSE(&o, err, "state", "established", "-t", "dport", ">=", ":1024"),
			 TOOL_ARGS_OK);
	assert_true(o.tcp && !o.udp);
	assert_true(o.filter.have_states);
	assert_int_equal(sockets_opts_states(&o), 1 << 1);
	assert_true(o.filter.expr.root >= 0);
	assert_int_equal(PARSE(&o, err, "-a", "exclude", "time-wait"), TOOL_ARGS_OK);
	assert_int_equal(sockets_opts_states(&o), SOCKETS_DIAG_STATES_ALL & ~(1u << 6));
	assert_int_equal(PARSE(&o, err, "sport = :80"), TOOL_ARGS_OK);
	assert_false(o.filter.have_states);
	assert_int_equal(sockets_opts_states(&o), SOCKETS_DIAG_STATES_ALL);
	assert_int_equal(PARSE(&o, err, "dport", "="), TOOL_ARGS_USAGE);
	assert_non_null(strstr(err, "'dport' needs a port"));
}

static void test_foreign_flags(void **state)
{
	struct sockets_opts o;
	char err[SOCKETS_ERR_MAX];

	assert_int_equal(PARSE(&o, err, "-r"), TOOL_ARGS_USAGE);
	assert_string_equal(err, "-r resolves names; socklab sockets prints numeric addresses (-n)");
	assert_int_equal(PARSE(&o, err, "-tw"), TOOL_ARGS_USAGE);
	assert_non_null(strstr(err, "-w lists raw sockets"));
	assert_non_null(strstr(err, "-t, -u, -x"));
	assert_int_equal(PARSE(&o, err, "--kill"), TOOL_ARGS_USAGE);
	assert_non_null(strstr(err, "-K kills sockets"));
	assert_int_equal(PARSE(&o, err, "-E"), TOOL_ARGS_USAGE);
	assert_non_null(strstr(err, "--watch SECS"));
	assert_int_equal(PARSE(&o, err, "-N", "ns1"), TOOL_ARGS_USAGE);
	assert_non_null(strstr(err, "ip netns exec"));
	assert_int_equal(PARSE(&o, err, "-V"), TOOL_ARGS_USAGE);
	assert_non_null(strstr(err, "--version"));
	assert_null(strchr(err, '\n'));
}

static int fake_services(const char *name, uint16_t *port)
{
	if (strcmp(name, "http") != 0)
		return -1;
	*port = 80;
	return 0;
}

static void test_port_spellings(void **state)
{
	uint16_t port = 0;
	const char *why = NULL;

	assert_int_equal(sockets_expr_parse_port("http", fake_services, &port, &why), 0);
	assert_int_equal(port, 80);
	assert_int_equal(sockets_expr_parse_port(":8080", fake_services, &port, &why), 0);
	assert_int_equal(port, 8080);
	assert_int_equal(sockets_expr_parse_port("*:22", fake_services, &port, &why), 0);
	assert_int_equal(port, 22);
	assert_int_equal(sockets_expr_parse_port(":", fake_services, &port, &why), -1);
	assert_int_equal(sockets_expr_parse_port("gopher-x", fake_services, &port, &why), -1);
	assert_int_equal(sockets_expr_parse_port("99999", fake_services, &port, &why), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_ss_letters),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_conflicts_and_unknowns),
		cmocka_unit_test(test_ss_display_letters),
		cmocka_unit_test(test_filter_words),
		cmocka_unit_test(test_foreign_flags),
		cmocka_unit_test(test_port_spellings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
