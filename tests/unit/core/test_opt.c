/* Unit tests for core/opt: option values are whole decimal strings within
 * explicit ranges, and every refusal says why. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/opt.h"

#define SENTINEL 0x5a5a5a5a5a5a5a5aULL

/* Parses s and returns the value; fails the test on an error. */
static uint64_t u64_ok(const char *s, uint64_t min, uint64_t max)
{
	uint64_t v = SENTINEL;
	const char *why = NULL;

	assert_int_equal(opt_parse_u64(s, min, max, &v, &why), 0);
	return v;
}

/* Expects s to be refused with reason want; the output is left alone. */
static void u64_bad(const char *s, uint64_t min, uint64_t max, const char *want)
{
	uint64_t v = SENTINEL;
	const char *why = NULL;

	assert_int_equal(opt_parse_u64(s, min, max, &v, &why), -1);
	assert_non_null(why);
	assert_string_equal(why, want);
	assert_int_equal(v, SENTINEL);
}

static void test_u64_ranges(void **state)
{
	assert_int_equal(u64_ok("0", 0, 10), 0);
	assert_int_equal(u64_ok("10", 0, 10), 10);
	assert_int_equal(u64_ok("5", 5, 5), 5);
	assert_int_equal(u64_ok("007", 0, 10), 7); /* decimal, not octal */
	assert_int_equal(u64_ok("18446744073709551615", 0, UINT64_MAX), UINT64_MAX);
	u64_bad("11", 0, 10, "too large");
	u64_bad("4", 5, 10, "too small");
	u64_bad("0", 1, 10, "too small");
}

static void test_u64_garbage(void **state)
{
	u64_bad("abc", 0, 100, "not a number");
	u64_bad("7x", 0, 100, "not a number");
	u64_bad("12 ", 0, 100, "not a number");
	u64_bad(" 12", 0, 100, "not a number");
	u64_bad("+12", 0, 100, "not a number");
	u64_bad("0x10", 0, 100, "not a number");
	u64_bad("1.5", 0, 100, "not a number");
	u64_bad("1e3", 0, 10000, "not a number");
	u64_bad("", 0, 100, "not a number");
	u64_bad(NULL, 0, 100, "not a number");
}

static void test_u64_negative(void **state)
{
	/* strtoull would wrap "-1" to UINT64_MAX; it must be refused */
	u64_bad("-1", 0, UINT64_MAX, "not a number");
	u64_bad("-0", 0, UINT64_MAX, "not a number");
}

static void test_u64_overflow(void **state)
{
	u64_bad("18446744073709551616", 0, UINT64_MAX, "too large");
	u64_bad("99999999999999999999", 0, UINT64_MAX, "too large");
	u64_bad("99999999999999999999", 0, 100, "too large");
}

static void test_port(void **state)
{
	uint16_t p = 4242;
	const char *why = NULL;

	assert_int_equal(opt_parse_port("0", &p, &why), 0);
	assert_int_equal(p, 0);
	assert_int_equal(opt_parse_port("7", &p, &why), 0);
	assert_int_equal(p, 7);
	assert_int_equal(opt_parse_port("65535", &p, &why), 0);
	assert_int_equal(p, 65535);

	static const char *const bad[] = { "65536", "7x", "", "-1", "99999999999999999999",
					   "http", " 80" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		p = 4242;
		why = NULL;
		assert_int_equal(opt_parse_port(bad[i], &p, &why), -1);
		assert_string_equal(why, "not a port (0-65535)");
		assert_int_equal(p, 4242);
	}
}

static uint64_t size_ok(const char *s, uint64_t max)
{
	uint64_t v = SENTINEL;
	const char *why = NULL;

	assert_int_equal(opt_parse_size(s, max, &v, &why), 0);
	return v;
}

static void size_bad(const char *s, uint64_t max, const char *want)
{
	uint64_t v = SENTINEL;
	const char *why = NULL;

	assert_int_equal(opt_parse_size(s, max, &v, &why), -1);
	assert_non_null(why);
	assert_string_equal(why, want);
	assert_int_equal(v, SENTINEL);
}

#define NOT_A_SIZE "not a size (a number with an optional k, M or G)"

static void test_size_suffixes(void **state)
{
	assert_int_equal(size_ok("0", UINT64_MAX), 0);
	assert_int_equal(size_ok("512", UINT64_MAX), 512);
	assert_int_equal(size_ok("1k", UINT64_MAX), 1024);
	assert_int_equal(size_ok("1K", UINT64_MAX), 1024);
	assert_int_equal(size_ok("256k", UINT64_MAX), 262144);
	assert_int_equal(size_ok("1M", UINT64_MAX), 1048576);
	assert_int_equal(size_ok("2m", UINT64_MAX), 2097152);
	assert_int_equal(size_ok("3G", UINT64_MAX), 3221225472ULL);
	assert_int_equal(size_ok("1g", UINT64_MAX), 1073741824ULL);
	assert_int_equal(size_ok("0k", UINT64_MAX), 0);
}

static void test_size_garbage(void **state)
{
	size_bad("1kb", UINT64_MAX, NOT_A_SIZE);
	size_bad("1T", UINT64_MAX, NOT_A_SIZE);
	size_bad("1 k", UINT64_MAX, NOT_A_SIZE);
	size_bad("1.5k", UINT64_MAX, NOT_A_SIZE);
	size_bad("k", UINT64_MAX, "not a number");
	size_bad("", UINT64_MAX, "not a number");
	size_bad("-1k", UINT64_MAX, "not a number");
}

static void test_size_max_and_overflow(void **state)
{
	assert_int_equal(size_ok("1G", 1ULL << 30), 1ULL << 30);
	assert_int_equal(size_ok("1024M", 1ULL << 30), 1ULL << 30);
	size_bad("1025M", 1ULL << 30, "too large");
	size_bad("1073741825", 1ULL << 30, "too large");
	assert_int_equal(size_ok("1024G", 1ULL << 40), 1ULL << 40);
	size_bad("1025G", 1ULL << 40, "too large");
	/* v * mult would wrap: 2^34 G = 2^64 */
	size_bad("17179869184G", UINT64_MAX, "too large");
	assert_int_equal(size_ok("17179869183G", UINT64_MAX), 17179869183ULL << 30);
	size_bad("99999999999999999999", UINT64_MAX, "too large");
	size_bad("99999999999999999999k", UINT64_MAX, "too large");
}

static uint64_t secs_ok(const char *s, uint64_t max)
{
	uint64_t ms = SENTINEL;
	const char *why = NULL;

	assert_int_equal(opt_parse_seconds(s, max, &ms, &why), 0);
	return ms;
}

static void secs_bad(const char *s, uint64_t max, const char *want)
{
	uint64_t ms = SENTINEL;
	const char *why = NULL;

	assert_int_equal(opt_parse_seconds(s, max, &ms, &why), -1);
	assert_non_null(why);
	assert_string_equal(why, want);
	assert_int_equal(ms, SENTINEL);
}

static void test_seconds(void **state)
{
	assert_int_equal(secs_ok("0", 100), 0);
	assert_int_equal(secs_ok("0.5", 100), 500);
	assert_int_equal(secs_ok("300", 1000), 300000);
	assert_int_equal(secs_ok("1.25", 100), 1250);
	assert_int_equal(secs_ok("0.001", 100), 1);
	assert_int_equal(secs_ok("2.050", 100), 2050);
	/* digits past milliseconds are cut off */
	assert_int_equal(secs_ok("1.2345", 100), 1234);
	assert_int_equal(secs_ok("1.99999999999999999999999", 100), 1999);
}

static void test_seconds_garbage(void **state)
{
	secs_bad("1.", 100, "not a number of seconds");
	secs_bad("1.x", 100, "not a number of seconds");
	secs_bad("1.5s", 100, "not a number of seconds");
	secs_bad("1.2.3", 100, "not a number of seconds");
	secs_bad("5m", 100, "not a number of seconds");
	secs_bad("1e3", 10000, "not a number of seconds");
	secs_bad(".5", 100, "not a number");
	secs_bad("", 100, "not a number");
	secs_bad("-1", 100, "not a number");
	secs_bad("-0.5", 100, "not a number");
}

static void test_seconds_max(void **state)
{
	/* --idle-timeout's maximum, a week */
	assert_int_equal(secs_ok("604800", 604800), 604800000ULL);
	assert_int_equal(secs_ok("604800.0", 604800), 604800000ULL);
	assert_int_equal(secs_ok("604799.999", 604800), 604799999ULL);
	secs_bad("604800.001", 604800, "too large");
	secs_bad("604801", 604800, "too large");
	secs_bad("0.5", 0, "too large");
	assert_int_equal(secs_ok("0", 0), 0);
	secs_bad("99999999999999999999", UINT64_MAX, "too large");
}

static void test_seconds_ms_overflow(void **state)
{
	/* whole * 1000 must not wrap: a max_secs above UINT64_MAX / 1000 still
	 * refuses 18446744073709552 s as "too large". */
	secs_bad("18446744073709552", UINT64_MAX, "too large");
	secs_bad("99999999999999999", UINT64_MAX, "too large");
	assert_int_equal(secs_ok("18446744073709", UINT64_MAX), 18446744073709000ULL);
}

/* Runs getopt_long over argv (NULL-terminated) the way every tool does and
 * returns the message opt_getopt_error gives for the first error. */
static const char *getopt_message(char **argv, char *msg, size_t len)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "port", required_argument, NULL, 'p' },
		{ "only", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "quotes", required_argument, NULL, 256 },
		{ "zero", no_argument, NULL, 0 },
		{ NULL, 0, NULL, 0 },
	};
	int argc = 0;
	int c;

	while (argv[argc])
		argc++;
	msg[0] = '\0';
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jp:o:q", longopts, NULL)) != -1) {
		if (c == '?' || c == ':') {
			opt_getopt_error(c, argv, optind, optopt, longopts, msg, len);
			break;
		}
	}
	return msg;
}

#define GETOPT_SAYS(want, ...)                                                   \
	do {                                                                     \
		char *argv_[] = { "socklab", __VA_ARGS__, NULL };               \
		char msg_[128];                                                  \
		assert_string_equal(getopt_message(argv_, msg_, sizeof msg_), want); \
	} while (0)

static void test_getopt_error_names_the_word_typed(void **state)
{
	/* A bad short option inside a cluster: optind still points at the
	 * cluster, so the word before it must not be blamed. */
	GETOPT_SAYS("unknown option -x", "--json", "-xq");
	GETOPT_SAYS("unknown option -x", "--only=echo", "-xq");
	GETOPT_SAYS("unknown option -x", "--json", "-qx");
	GETOPT_SAYS("unknown option -x", "-jqx");
	GETOPT_SAYS("unknown option -x", "-x");
	GETOPT_SAYS("unknown option --bogus", "-q", "--bogus");
	GETOPT_SAYS("unknown option --bogus", "--bogus=1");
	GETOPT_SAYS("ambiguous option --qu (2 options start so)", "--qu");
	GETOPT_SAYS("option --json takes no value", "-q", "--json=1");
	GETOPT_SAYS("option --zero takes no value", "--zero=1");
	GETOPT_SAYS("option --json takes no value", "--js=1");
	GETOPT_SAYS("option -p needs a value", "--json", "-p");
	GETOPT_SAYS("option -p needs a value", "-qp");
	GETOPT_SAYS("option --port needs a value", "-q", "--port");
	GETOPT_SAYS("option --quotes needs a value", "--quotes");
	GETOPT_SAYS("", "-q", "--json", "-p", "7");
}

struct num_cfg {
	uint64_t users, wait_ms;
};

static const struct opt_num num_table[] = {
	{ 300, "--users", OPT_NUM_COUNT, 1, 100, offsetof(struct num_cfg, users) },
	{ 301, "--wait", OPT_NUM_SECONDS, 10, 60, offsetof(struct num_cfg, wait_ms) },
};

static void test_num_table(void **state)
{
	struct num_cfg cfg = { 0, 0 };
	char err[128] = "";

	(void)state;
	assert_int_equal(opt_num_parse(num_table, OPT_NELEM(num_table), 300, "42", &cfg, err,
				       sizeof(err)), 1);
	assert_int_equal(cfg.users, 42);
	assert_int_equal(opt_num_parse(num_table, OPT_NELEM(num_table), 301, "1.5", &cfg, err,
				       sizeof(err)), 1);
	assert_int_equal(cfg.wait_ms, 1500);
	/* not in the table: nothing written */
	assert_int_equal(opt_num_parse(num_table, OPT_NELEM(num_table), 'x', "7", &cfg, err,
				       sizeof(err)), 0);
	assert_int_equal(opt_num_parse(num_table, OPT_NELEM(num_table), 300, "101", &cfg, err,
				       sizeof(err)), -1);
	assert_string_equal(err, "--users 101: too large");
	assert_int_equal(opt_num_parse(num_table, OPT_NELEM(num_table), 301, "0.001", &cfg, err,
				       sizeof(err)), -1);
	assert_string_equal(err, "--wait 0.001: too small (at least 0.01)");
	assert_int_equal(opt_num_parse(num_table, OPT_NELEM(num_table), 301, "61", &cfg, err,
				       sizeof(err)), -1);
	assert_string_equal(err, "--wait 61: too large");
	assert_int_equal(cfg.users, 42);
	assert_int_equal(cfg.wait_ms, 1500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u64_ranges),
		cmocka_unit_test(test_u64_garbage),
		cmocka_unit_test(test_u64_negative),
		cmocka_unit_test(test_u64_overflow),
		cmocka_unit_test(test_port),
		cmocka_unit_test(test_size_suffixes),
		cmocka_unit_test(test_size_garbage),
		cmocka_unit_test(test_size_max_and_overflow),
		cmocka_unit_test(test_seconds),
		cmocka_unit_test(test_seconds_garbage),
		cmocka_unit_test(test_seconds_max),
		cmocka_unit_test(test_seconds_ms_overflow),
		cmocka_unit_test(test_getopt_error_names_the_word_typed),
		cmocka_unit_test(test_num_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
