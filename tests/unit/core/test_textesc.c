/* Unit tests for core/textesc: a peer's bytes made safe for a terminal
 * (control bytes, broken UTF-8, C1 controls and bidi overrides escaped) and
 * for a JSON string (valid UTF-8 kept, each malformed byte as \xhh). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/textesc.h"

#define S(lit) (const uint8_t *)(lit), sizeof(lit) - 1
#define LINE 4096 /* the TCP chat's longest line */

static void expect_term(const uint8_t *in, size_t n, const char *want)
{
	char *out = malloc(4 * n + 1);

	assert_non_null(out);
	assert_int_equal(textesc_term(in, n, out), strlen(want));
	assert_string_equal(out, want);
	free(out);
}

static void test_term_controls(void **state)
{
	expect_term(S("plain text, 100% ~ok~"), "plain text, 100% ~ok~");
	expect_term(S("back\\slash"), "back\\slash");
	expect_term(S("\x1b[2J\x07"), "\\x1b[2J\\x07");
	expect_term(S("a\tb"), "a\\tb");
	expect_term(S("nul\0x"), "nul\\x00x");
	expect_term(S("\r\n\x7f\x08"), "\\x0d\\x0a\\x7f\\x08");
	expect_term(S(""), "");
}

static void test_term_utf8(void **state)
{
	/* Well-formed: as is, 2, 3 and 4 bytes. */
	expect_term(S("gr\xc3\xbc\xc3\x9f" "e \xe2\x9c\x93 \xf0\x9f\x98\x80"),
		       "gr\xc3\xbc\xc3\x9f" "e \xe2\x9c\x93 \xf0\x9f\x98\x80");
	/* Stray continuation, lone lead, bytes never in UTF-8. */
	expect_term(S("\x80\xbf"), "\\x80\\xbf");
	expect_term(S("\xc3"), "\\xc3");
	expect_term(S("\xc3x"), "\\xc3x");
	expect_term(S("\xff\xfe\xc0\xc1\xf5"), "\\xff\\xfe\\xc0\\xc1\\xf5");
	/* Overlong, surrogate, above U+10FFFF, truncated. */
	expect_term(S("\xc0\xaf"), "\\xc0\\xaf");
	expect_term(S("\xe0\x80\xaf"), "\\xe0\\x80\\xaf");
	expect_term(S("\xed\xa0\x80"), "\\xed\\xa0\\x80");
	expect_term(S("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");
	expect_term(S("\xf0\x9f\x98"), "\\xf0\\x9f\\x98");
	/* C1 controls (CSI is U+009B) and bidirectional overrides. */
	expect_term(S("\xc2\x9b" "31m"), "\\u009B31m");
	expect_term(S("\xc2\x85"), "\\u0085");
	expect_term(S("\xe2\x80\xae" "evil"), "\\u202Eevil");
	expect_term(S("\xe2\x81\xa6\xe2\x81\xa9\xe2\x80\x8f\xd8\x9c"),
		       "\\u2066\\u2069\\u200F\\u061C");
	/* Neighbours that are fine. */
	expect_term(S("\xc2\xa0\xe2\x80\xaf"), "\xc2\xa0\xe2\x80\xaf");
}

static void test_term_worst_case_fits(void **state)
{
	static uint8_t in[LINE];
	static char out[TEXTESC_MAX(LINE) + 16];

	memset(in, 0x1b, sizeof(in));
	memset(out, 'Z', sizeof(out));
	assert_int_equal(textesc_term(in, sizeof(in), out), 4 * LINE);
	assert_int_equal(out[TEXTESC_MAX(LINE) - 1], '\0');
	assert_int_equal(out[TEXTESC_MAX(LINE)], 'Z');
	/* Two-byte C1 controls: 6 characters for 2 bytes. */
	for (size_t i = 0; i + 1 < sizeof(in); i += 2) {
		in[i] = 0xc2;
		in[i + 1] = 0x9b;
	}
	assert_int_equal(textesc_term(in, sizeof(in), out), 3 * LINE);
}

static void expect_utf8(const uint8_t *in, size_t n, const char *want)
{
	char *out = malloc(TEXTESC_MAX(n));

	assert_non_null(out);
	assert_int_equal(textesc_utf8(in, n, out), strlen(want));
	assert_string_equal(out, want);
	free(out);
}

/* For JSON: what is valid UTF-8 stays, control bytes included (the JSON
 * encoder escapes them); a backslash is doubled and malformed bytes become
 * \xhh, so the form can be undone. */
static void test_utf8_keeps_valid_text(void **state)
{
	char out[TEXTESC_MAX(5)];

	expect_utf8(S("tab\there \"q\" \\ back"), "tab\there \"q\" \\\\ back");
	expect_utf8(S("\\xff"), "\\\\xff"); /* typed, not a malformed byte */
	expect_utf8(S("gr\xc3\xbc\xc3\x9f" "e \xe2\x9c\x93 \xf0\x9f\x98\x80"),
		    "gr\xc3\xbc\xc3\x9f" "e \xe2\x9c\x93 \xf0\x9f\x98\x80");
	expect_utf8(S("\x1b[2J\x7f"), "\x1b[2J\x7f");
	expect_utf8(S("\xc2\x9b\xe2\x80\xae"), "\xc2\x9b\xe2\x80\xae");
	assert_int_equal(textesc_utf8(S("nul\0x"), out), 5);
	assert_memory_equal(out, "nul\0x", 6);
	expect_utf8(S(""), "");
}

static void test_utf8_malformed_bytes(void **state)
{
	expect_utf8(S("\xff ok \xc3"), "\\xff ok \\xc3");
	expect_utf8(S("\xc3x\x80"), "\\xc3x\\x80");
	expect_utf8(S("\xed\xa0\x80"), "\\xed\\xa0\\x80");       /* a surrogate */
	expect_utf8(S("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80"); /* above U+10FFFF */
	expect_utf8(S("\xe0\x80\xaf"), "\\xe0\\x80\\xaf");        /* overlong */
}

static void test_hex_byte(void **state)
{
	char out[5] = "";

	(void)state;
	assert_int_equal(textesc_hex_byte(0x1b, out), 4);
	assert_memory_equal(out, "\\x1b", 4);
	assert_int_equal(textesc_hex_byte(0xff, out), 4);
	assert_memory_equal(out, "\\xff", 4);
}

static void test_digits(void **state)
{
	(void)state;
	assert_int_equal(textesc_digits(0), 1);
	assert_int_equal(textesc_digits(9), 1);
	assert_int_equal(textesc_digits(10), 2);
	assert_int_equal(textesc_digits(99999), 5);
	assert_int_equal(textesc_digits(UINT64_MAX), 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_term_controls),
		cmocka_unit_test(test_term_utf8),
		cmocka_unit_test(test_term_worst_case_fits),
		cmocka_unit_test(test_utf8_keeps_valid_text),
		cmocka_unit_test(test_utf8_malformed_bytes),
		cmocka_unit_test(test_hex_byte),
		cmocka_unit_test(test_digits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
