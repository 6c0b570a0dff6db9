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
	assert_int_equal(PARSE(&o, err, "-x"), TOOL_ARGS_USAGE);
	assert_string_equal(err, "unknown option -x");
	assert_int_equal(PARSE(&o, err, "--port"), TOOL_ARGS_USAGE);
	assert_string_equal(err, "option --port needs a value");
	assert_int_equal(PARSE(&o, err, "--json=1"), TOOL_ARGS_USAGE);
	assert_string_equal(err, "option --json takes no value");
	assert_int_equal(PARSE(&o, err, "state", "established"), TOOL_ARGS_USAGE);
	assert_string_equal(err, "unexpected argument 'state' (filters are options: --port, --pid)");
	assert_int_equal(PARSE(&o, err, "-h"), TOOL_ARGS_HELP);
	assert_int_equal(PARSE(&o, err, "--version"), TOOL_ARGS_VERSION);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_ss_letters),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_conflicts_and_unknowns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
