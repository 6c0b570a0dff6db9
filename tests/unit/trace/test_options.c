/* trace's command line: defaults, the program after "--" keeps its own
 * options, and each mistake gets its one-line reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "trace/trace.h"

static enum tool_args parse(struct trace_opts *o, char *err, char **argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	return trace_parse_args(argc, argv, o, err, 256);
}

static void test_defaults_and_program(void **state)
{
	struct trace_opts o;
	char err[256];
	char *argv[] = { "trace", "--server", "python3 s.py", "--json", "--",
			 "socklab", "nc", "-v", "127.0.0.1", "7", NULL };

	(void)state;
	assert_int_equal(parse(&o, err, argv), TOOL_ARGS_OK);
	assert_string_equal(o.server, "python3 s.py");
	assert_true(o.json);
	assert_string_equal(o.iface, "lo");
	assert_int_equal(o.timeout_ms, 60000);
	assert_int_equal(o.server_wait_ms, 10000);
	assert_int_equal(o.linger_ms, 300);
	/* the program's own -v is not trace's */
	assert_string_equal(o.argv[0], "socklab");
	assert_string_equal(o.argv[2], "-v");
}

static void test_program_without_dashes(void **state)
{
	struct trace_opts o;
	char err[256];
	char *argv[] = { "trace", "-i", "eth0", "--timeout", "2.5", "python3", "-c", "pass", NULL };

	(void)state;
	assert_int_equal(parse(&o, err, argv), TOOL_ARGS_OK);
	assert_string_equal(o.iface, "eth0");
	assert_int_equal(o.timeout_ms, 2500);
	assert_string_equal(o.argv[0], "python3");
	assert_string_equal(o.argv[1], "-c");
}

static void test_mistakes(void **state)
{
	struct trace_opts o;
	char err[256];
	char *none[] = { "trace", "--json", NULL };
	char *badtime[] = { "trace", "--timeout", "soon", "--", "x", NULL };
	char *zero[] = { "trace", "--timeout", "0", "--", "x", NULL };
	char *unknown[] = { "trace", "--frobnicate", "--", "x", NULL };
	char *missing[] = { "trace", "--svg", NULL };
	char *quiet[] = { "trace", "--json", "-q", "--", "x", NULL };
	char *empty[] = { "trace", "--server", "", "--", "x", NULL };
	char *same[] = { "trace", "--pcap", "t.out", "--log", "t.out", "--", "x", NULL };

	(void)state;
	assert_int_equal(parse(&o, err, none), TOOL_ARGS_USAGE);
	assert_non_null(strstr(err, "no program to trace"));
	assert_int_equal(parse(&o, err, badtime), TOOL_ARGS_USAGE);
	assert_non_null(strstr(err, "--timeout soon: "));
	assert_int_equal(parse(&o, err, zero), TOOL_ARGS_USAGE);
	assert_int_equal(parse(&o, err, unknown), TOOL_ARGS_USAGE);
	assert_non_null(strstr(err, "--frobnicate"));
	assert_int_equal(parse(&o, err, missing), TOOL_ARGS_USAGE);
	assert_non_null(strstr(err, "--svg"));
	assert_int_equal(parse(&o, err, quiet), TOOL_ARGS_USAGE);
	assert_int_equal(parse(&o, err, empty), TOOL_ARGS_USAGE);
	assert_non_null(strstr(err, "--server needs a command"));
	assert_int_equal(parse(&o, err, same), TOOL_ARGS_USAGE);
	assert_string_equal(err, "cannot write --pcap and --log to the same file 't.out'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_and_program),
		cmocka_unit_test(test_program_without_dashes),
		cmocka_unit_test(test_mistakes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
