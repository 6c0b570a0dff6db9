/* tcplab's command line: the commands, the link's options, bad values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tcplab/tcplab.h"

static enum tool_args parse(struct tcplab_opts *o, char *err, int argc, char **argv)
{
	memset(o, 0, sizeof *o);
	return tcplab_parse_args(argc, argv, o, err, TOOL_ERR_MAX);
}

static void test_run_with_link_options(void **state)
{
	char *argv[] = { "tcplab", "run", "nagle", "--delay", "30", "--drop", "3,7",
			 "--loss", "2.5%", "--queue", "50", "--rate", "10mbit", "--short", "--json",
			 "--cc", "cubic", NULL };
	struct tcplab_opts o;
	char err[TOOL_ERR_MAX];

	(void)state;
	assert_int_equal(parse(&o, err, 17, argv), TOOL_ARGS_OK);
	assert_string_equal(o.cc, "cubic");
	assert_int_equal(o.cmd, TL_CMD_RUN);
	assert_string_equal(o.scenario, "nagle");
	assert_int_equal(o.delay_ms, 30);
	assert_int_equal(o.drop.ndrop, 2);
	assert_int_equal(o.drop.drop[1], 7);
	assert_int_equal(o.drop.loss_ppm, 25000);
	assert_int_equal(o.queue, 50);
	assert_string_equal(o.rate, "10mbit");
	assert_true(o.shortform && o.json);
}

static void test_list_and_all(void **state)
{
	char *a1[] = { "tcplab", "list", NULL };
	char *a2[] = { "tcplab", "run", "--all", NULL };
	struct tcplab_opts o;
	char err[TOOL_ERR_MAX];

	(void)state;
	assert_int_equal(parse(&o, err, 2, a1), TOOL_ARGS_OK);
	assert_int_equal(o.cmd, TL_CMD_LIST);
	assert_int_equal(parse(&o, err, 3, a2), TOOL_ARGS_OK);
	assert_true(o.all);
	assert_int_equal(o.delay_ms, -1);
}

static void test_usage_errors(void **state)
{
	char *bad[][5] = {
		{ "tcplab", NULL },
		{ "tcplab", "run", NULL },
		{ "tcplab", "run", "nagle", "--all", NULL },
		{ "tcplab", "fly", NULL },
		{ "tcplab", "run", "nagle", "--loss", "120" },
		{ "tcplab", "run", "nagle", "--drop", "0" },
		{ "tcplab", "run", "nagle", "--rate", "fast" },
		{ "tcplab", "run", "--all", "--pcap", "x.pcap" },
		{ "tcplab", "run", "nagle", "--cc", "re no" },
		{ "tcplab", "run", "nagle", "--profile", "bogus" },
		{ "tcplab", "run", "nagle", "--profile", NULL },
	};
	int argc[] = { 1, 2, 4, 2, 5, 5, 5, 5, 5, 5, 4 };
	struct tcplab_opts o;
	char err[TOOL_ERR_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof argc / sizeof argc[0]; i++) {
		err[0] = '\0';
		assert_int_equal(parse(&o, err, argc[i], bad[i]), TOOL_ARGS_USAGE);
		assert_true(strlen(err) > 0);
	}
}

static void test_svg_names_one_scenario(void **state)
{
	char *ok[] = { "tcplab", "run", "fast-retransmit", "--short", "--svg", "fr.svg", NULL };
	char *all[] = { "tcplab", "run", "--all", "--svg", "x.svg", NULL };
	char *none[] = { "tcplab", "run", "sack", "--svg", NULL };
	struct tcplab_opts o;
	char err[TOOL_ERR_MAX];

	(void)state;
	assert_int_equal(parse(&o, err, 6, ok), TOOL_ARGS_OK);
	assert_string_equal(o.svg, "fr.svg");
	assert_string_equal(o.scenario, "fast-retransmit");
	err[0] = '\0';
	assert_int_equal(parse(&o, err, 5, all), TOOL_ARGS_USAGE);
	assert_non_null(strstr(err, "--svg"));
	assert_int_equal(parse(&o, err, 4, none), TOOL_ARGS_USAGE);
}

static void test_profile(void **state)
{
	char *a1[] = { "tcplab", "run", "slow-start", NULL };
	char *a2[] = { "tcplab", "run", "slow-start", "--profile", "textbook", NULL };
	char *a3[] = { "tcplab", "run", "--all", "--profile=textbook", "--cc", "cubic",
		       "--profile", "linux", NULL };
	char *a4[] = { "tcplab", "run", "sack", "--cc", "bbr", "--profile", "textbook", NULL };
	char *a5[] = { "tcplab", "run", "sack", "--profile", "Textbook", NULL };
	struct tcplab_opts o;
	char err[TOOL_ERR_MAX];

	(void)state;
	assert_int_equal(parse(&o, err, 3, a1), TOOL_ARGS_OK);
	assert_int_equal(o.profile, TL_PROFILE_LINUX); /* the default */
	assert_int_equal(parse(&o, err, 5, a2), TOOL_ARGS_OK);
	assert_int_equal(o.profile, TL_PROFILE_TEXTBOOK);
	assert_null(o.cc);
	/* the last one said wins; --cc stays beside it */
	assert_int_equal(parse(&o, err, 8, a3), TOOL_ARGS_OK);
	assert_int_equal(o.profile, TL_PROFILE_LINUX);
	assert_string_equal(o.cc, "cubic");
	assert_true(o.all);
	/* --profile and --cc combine: both kept (the scenario lets --cc win) */
	assert_int_equal(parse(&o, err, 7, a4), TOOL_ARGS_OK);
	assert_int_equal(o.profile, TL_PROFILE_TEXTBOOK);
	assert_string_equal(o.cc, "bbr");
	/* names are exact */
	err[0] = '\0';
	assert_int_equal(parse(&o, err, 5, a5), TOOL_ARGS_USAGE);
	assert_non_null(strstr(err, "--profile Textbook"));
	assert_non_null(strstr(err, "linux or textbook"));
	assert_null(strchr(err, '\n'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_run_with_link_options),
		cmocka_unit_test(test_list_and_all),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_svg_names_one_scenario),
		cmocka_unit_test(test_profile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
