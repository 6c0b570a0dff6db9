/* Unit tests for core/jsontext: untrusted bytes as JSON strings, one
 * reversible form in every tool. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/jsontext.h"

/* What jansson prints for the string made of in[0..n). */
static void expect_json(const char *in, size_t n, const char *want)
{
	json_t *j = jsontext_bytes(in, n);
	char *s;

	assert_non_null(j);
	s = json_dumps(j, JSON_ENCODE_ANY | JSON_ENSURE_ASCII);
	assert_non_null(s);
	assert_string_equal(s, want);
	free(s);
	json_decref(j);
}

#define S(lit) (lit), (sizeof(lit) - 1)

static void test_valid_text_and_escapes(void **state)
{
	(void)state;
	expect_json(S("hi"), "\"hi\"");
	expect_json(S("a\tb\n"), "\"a\\tb\\n\"");
	expect_json(S("\xc3\xbc"), "\"\\u00FC\"");
	expect_json(S("\xff\xfe"), "\"\\\\xff\\\\xfe\"");
	expect_json(S("back\\slash"), "\"back\\\\\\\\slash\"");
	expect_json(S("nul\0end"), "\"nul\\u0000end\"");
}

/* Longer than the stack buffer: the same form from the heap. */
static void test_long_input(void **state)
{
	size_t n = 5000;
	char *in = malloc(n);
	json_t *j;

	(void)state;
	assert_non_null(in);
	memset(in, 0xff, n);
	j = jsontext_bytes(in, n);
	assert_non_null(j);
	assert_int_equal(json_string_length(j), 4 * n);
	assert_memory_equal(json_string_value(j), "\\xff\\xff", 8);
	json_decref(j);
	free(in);
}

static void test_str_and_set(void **state)
{
	json_t *o = json_object();

	(void)state;
	assert_true(json_is_null(jsontext_str(NULL)));
	assert_int_equal(jsontext_set(o, "k", "\x80", 1), 0);
	assert_string_equal(json_string_value(json_object_get(o, "k")), "\\x80");
	json_decref(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_text_and_escapes),
		cmocka_unit_test(test_long_input),
		cmocka_unit_test(test_str_and_set),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
