/* Unit tests for core/color (--color's words, NO_COLOR, TERM=dumb) and
 * core/term's term_columns ($COLUMNS, else unknown for a pipe). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/color.h"
#include "core/term.h"

static void test_words(void **state)
{
	enum color_mode m = COLOR_NEVER;

	(void)state;
	assert_int_equal(color_parse(NULL, &m), 0);
	assert_int_equal(m, COLOR_ALWAYS);
	assert_int_equal(color_parse("auto", &m), 0);
	assert_int_equal(m, COLOR_AUTO);
	assert_int_equal(color_parse("never", &m), 0);
	assert_int_equal(m, COLOR_NEVER);
	assert_int_equal(color_parse("always", &m), 0);
	assert_int_equal(m, COLOR_ALWAYS);
	assert_int_equal(color_parse("tty", &m), 0);
	assert_int_equal(m, COLOR_AUTO);
	assert_int_equal(color_parse("rainbow", &m), -1);
	assert_int_equal(color_parse("", &m), -1);
}

static void test_decision(void **state)
{
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	unsetenv("NO_COLOR");
	setenv("TERM", "xterm", 1);
	/* a pipe is never coloured unless asked for */
	assert_false(color_use(COLOR_AUTO, p[1]));
	assert_true(color_use(COLOR_ALWAYS, p[1]));
	assert_false(color_use(COLOR_NEVER, p[1]));
	/* the flag wins over NO_COLOR (no-color.org) */
	setenv("NO_COLOR", "1", 1);
	assert_true(color_use(COLOR_ALWAYS, p[1]));
	assert_false(color_use(COLOR_AUTO, p[1]));
	unsetenv("NO_COLOR");
	close(p[0]);
	close(p[1]);
}

static void test_columns(void **state)
{
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	setenv("COLUMNS", "97", 1);
	assert_int_equal(term_columns(p[1]), 97);
	setenv("COLUMNS", "wide", 1);
	assert_int_equal(term_columns(p[1]), 0);
	unsetenv("COLUMNS");
	assert_int_equal(term_columns(p[1]), 0);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_decision),
		cmocka_unit_test(test_columns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
