/* Unit tests for serve/clockfmt: the daytime line (ctime()'s form or a
 * strftime format, CRLF-terminated) and the RFC 868 time value. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "serve/clockfmt.h"

static int setup_utc(void **state)
{
	setenv("TZ", "UTC", 1);
	tzset();
	return 0;
}

struct known_time {
	time_t t;
	const char *line;
};

static const struct known_time known[] = {
	{ 1783874697, "Sun Jul 12 16:44:57 2026\r\n" },
	{ 0, "Thu Jan  1 00:00:00 1970\r\n" },
	{ 951868799, "Tue Feb 29 23:59:59 2000\r\n" },
	{ 1782961445, "Thu Jul  2 03:04:05 2026\r\n" },
	{ 1621345017, "Tue May 18 13:36:57 2021\r\n" },
	{ 2085978496, "Thu Feb  7 06:28:16 2036\r\n" },
};

static void test_default_form_literals(void **state)
{
	char buf[DAYTIME_MAX];

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		memset(buf, 'X', sizeof(buf));
		size_t n = serve_daytime_format(buf, sizeof(buf), known[i].t, NULL);
		assert_int_equal(n, 26);
		assert_string_equal(buf, known[i].line);
	}
}

static void test_default_form_equals_ctime(void **state)
{
	static const time_t ts[] = { 0, 1, 59, 86399, 951868799, 1000000000, 1234567890,
				     1621345017, 1782961445, 1783874697, 2085978496, 4102444800 };
	char buf[DAYTIME_MAX], c[64], a[64];
	struct tm tm;

	for (size_t i = 0; i < sizeof(ts) / sizeof(ts[0]); i++) {
		size_t n = serve_daytime_format(buf, sizeof(buf), ts[i], NULL);
		assert_int_equal(n, 26);
		assert_non_null(ctime_r(&ts[i], c));
		assert_non_null(gmtime_r(&ts[i], &tm));
		assert_non_null(asctime_r(&tm, a));
		/* ctime: 24 characters and "\n"; daytime: the same 24 and "\r\n" */
		assert_int_equal(strlen(c), 25);
		assert_memory_equal(buf, c, 24);
		assert_memory_equal(buf, a, 24);
		assert_string_equal(buf + 24, "\r\n");
	}
}

static void test_day_below_ten_space_padded(void **state)
{
	char buf[DAYTIME_MAX];

	assert_int_equal(serve_daytime_format(buf, sizeof(buf), 1782961445, NULL), 26);
	assert_non_null(strstr(buf, "Jul  2 "));
	assert_null(strstr(buf, "Jul 02"));
	/* hours, minutes and seconds are zero-padded */
	assert_non_null(strstr(buf, " 03:04:05 "));
}

static void test_follows_tz(void **state)
{
	char buf[DAYTIME_MAX];

	/* POSIX TZ: "XYZ-2" is two hours east of UTC, no DST */
	setenv("TZ", "XYZ-2", 1);
	tzset();
	size_t n = serve_daytime_format(buf, sizeof(buf), 1783874697, NULL);
	setup_utc(NULL);
	assert_int_equal(n, 26);
	assert_string_equal(buf, "Sun Jul 12 18:44:57 2026\r\n");
}

static void test_custom_format(void **state)
{
	char buf[DAYTIME_MAX];

	memset(buf, 'X', sizeof(buf));
	size_t n = serve_daytime_format(buf, sizeof(buf), 1621345017, "%H:%M:%S %d.%m.%Y");
	assert_int_equal(n, 21);
	assert_string_equal(buf, "13:36:57 18.05.2021\r\n");

	n = serve_daytime_format(buf, sizeof(buf), 1783874697, "%Y-%m-%dT%H:%M:%SZ");
	assert_int_equal(n, 22);
	assert_string_equal(buf, "2026-07-12T16:44:57Z\r\n");

	/* literal text and %% pass through strftime */
	n = serve_daytime_format(buf, sizeof(buf), 0, "epoch %% %Y");
	assert_int_equal(n, 14);
	assert_string_equal(buf, "epoch % 1970\r\n");
}

static void test_empty_custom_format(void **state)
{
	char buf[16];

	/* nothing but the line end; serve refuses such a format at start-up */
	assert_int_equal(serve_daytime_format(buf, sizeof(buf), 0, ""), 2);
	assert_string_equal(buf, "\r\n");
}

static void test_default_too_small(void **state)
{
	char buf[64];

	/* 26 characters need 27 bytes with the NUL */
	assert_int_equal(serve_daytime_format(buf, 27, 1783874697, NULL), 26);
	assert_string_equal(buf, "Sun Jul 12 16:44:57 2026\r\n");
	assert_int_equal(serve_daytime_format(buf, 26, 1783874697, NULL), 0);
	assert_int_equal(serve_daytime_format(buf, 10, 1783874697, NULL), 0);
	assert_int_equal(serve_daytime_format(buf, 1, 1783874697, NULL), 0);
	assert_int_equal(serve_daytime_format(buf, 0, 1783874697, NULL), 0);
}

static void test_custom_too_small(void **state)
{
	char buf[64];
	const char *fmt = "%H:%M:%S %d.%m.%Y"; /* 19 characters */

	assert_int_equal(serve_daytime_format(buf, 22, 1621345017, fmt), 21);
	assert_string_equal(buf, "13:36:57 18.05.2021\r\n");
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(serve_daytime_format(buf, 21, 1621345017, fmt), 0);
	/* nothing written past the buffer given */
	assert_int_equal(buf[21], 'X');
	assert_int_equal(serve_daytime_format(buf, 3, 1621345017, fmt), 0);
	assert_int_equal(serve_daytime_format(buf, 2, 1621345017, fmt), 0);
	assert_int_equal(serve_daytime_format(buf, 0, 1621345017, fmt), 0);
	/* an empty format needs exactly "\r\n" and the NUL */
	assert_int_equal(serve_daytime_format(buf, 3, 0, ""), 2);
	assert_int_equal(serve_daytime_format(buf, 2, 0, ""), 0);
}

static uint32_t be32(const uint8_t b[4])
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static void test_rfc868_epoch(void **state)
{
	uint8_t out[4];

	serve_time_rfc868(out, 0);
	assert_memory_equal(out, "\x83\xaa\x7e\x80", 4);
	assert_int_equal(be32(out), 2208988800U);
	assert_int_equal(RFC868_EPOCH_OFFSET, 2208988800ULL);
}

static void test_rfc868_2026(void **state)
{
	uint8_t out[4];

	/* 2026-07-12 16:44:57 UTC = 3992863497 s since 1900 */
	serve_time_rfc868(out, 1783874697);
	assert_memory_equal(out, "\xed\xfe\x43\x09", 4);
	assert_int_equal(be32(out), 3992863497U);
}

static void test_rfc868_2036_wrap(void **state)
{
	uint8_t out[4];

	/* 2036-02-07 06:28:16 UTC is 2^32 s after 1900: the value wraps to 0 */
	serve_time_rfc868(out, 2085978496);
	assert_memory_equal(out, "\x00\x00\x00\x00", 4);
	serve_time_rfc868(out, 2085978495);
	assert_memory_equal(out, "\xff\xff\xff\xff", 4);
	serve_time_rfc868(out, 2085978497);
	assert_memory_equal(out, "\x00\x00\x00\x01", 4);
	/* 1900-01-01 itself */
	serve_time_rfc868(out, -2208988800LL);
	assert_memory_equal(out, "\x00\x00\x00\x00", 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_form_literals),
		cmocka_unit_test(test_default_form_equals_ctime),
		cmocka_unit_test(test_day_below_ten_space_padded),
		cmocka_unit_test(test_follows_tz),
		cmocka_unit_test(test_custom_format),
		cmocka_unit_test(test_empty_custom_format),
		cmocka_unit_test(test_default_too_small),
		cmocka_unit_test(test_custom_too_small),
		cmocka_unit_test(test_rfc868_epoch),
		cmocka_unit_test(test_rfc868_2026),
		cmocka_unit_test(test_rfc868_2036_wrap),
	};

	return cmocka_run_group_tests(tests, setup_utc, NULL);
}
