/* Unit tests for core/opt's end of a getopt_long switch: help, version,
 * getopt's errors, and operands a tool does not take. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <getopt.h>
#include <string.h>

#include "core/opt.h"

static const struct option longopts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "port", required_argument, NULL, 'p' },
	TOOL_LONG_OPTIONS_END,
};

static char err[TOOL_ERR_MAX];

/* Runs getopt_long over argv (NULL-terminated) the way a tool does and
 * returns what the tool's parse would. */
static enum tool_args parse(char **argv)
{
	int argc = 0, c;

	while (argv[argc])
		argc++;
	memset(err, 0, sizeof(err));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jp:h", longopts, NULL)) != -1) {
		if (c != 'j' && c != 'p')
			return opt_getopt_default(c, argv, longopts, err, sizeof(err));
	}
	return opt_no_operands(argc, argv, err, sizeof(err));
}

#define PARSE(...) parse((char *[]){ "tool", __VA_ARGS__, NULL })

static void test_help_and_version(void **state)
{
	(void)state;
	assert_int_equal(PARSE("-h"), TOOL_ARGS_HELP);
	assert_int_equal(PARSE("--help"), TOOL_ARGS_HELP);
	assert_int_equal(PARSE("-j", "--version"), TOOL_ARGS_VERSION);
}

static void test_getopt_errors(void **state)
{
	(void)state;
	assert_int_equal(PARSE("-x"), TOOL_ARGS_USAGE);
	assert_string_equal(err, "unknown option -x");
	assert_int_equal(PARSE("-p"), TOOL_ARGS_USAGE);
	assert_string_equal(err, "option -p needs a value");
	assert_int_equal(PARSE("--jsn"), TOOL_ARGS_USAGE);
	assert_non_null(strstr(err, "unknown option --jsn"));
}

static void test_operands(void **state)
{
	(void)state;
	assert_int_equal(PARSE("-j", "-p", "7"), TOOL_ARGS_OK);
	assert_int_equal(PARSE("-j", "extra"), TOOL_ARGS_USAGE);
	assert_string_equal(err, "unexpected argument 'extra'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_help_and_version),
		cmocka_unit_test(test_getopt_errors),
		cmocka_unit_test(test_operands),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
