/* Unit tests for core/linebuf: lines come out whole, in order, however the
 * input is cut; a line over the limit is refused once and skipped to its
 * newline, never sent in pieces; the buffer never grows. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/linebuf.h"

/* Feeds s (n bytes) in pieces of at most step bytes, taking every line as
 * it completes; the results go into out as "line|" or "!" for a refusal. */
static void feed(struct linebuf *lb, const char *s, size_t n, size_t step, char *out, size_t outlen,
		 bool eof)
{
	size_t off = 0;
	const uint8_t *line;
	size_t len;

	out[0] = '\0';
	for (;;) {
		enum linebuf_status st = linebuf_next(lb, &line, &len);
		if (st == LINEBUF_LINE) {
			assert_true(len <= lb->max);
			strncat(out, (const char *)line, len < outlen - strlen(out) - 2 ? len : 0);
			strcat(out, "|");
			continue;
		}
		if (st == LINEBUF_TOO_LONG) {
			strcat(out, "!");
			continue;
		}
		if (st == LINEBUF_END)
			return;
		if (off == n) {
			if (!eof)
				return;
			linebuf_set_eof(lb);
			continue;
		}
		size_t room;
		uint8_t *p = linebuf_space(lb, &room);
		assert_true(room > 0);
		size_t k = n - off < step ? n - off : step;
		k = k < room ? k : room;
		memcpy(p, s + off, k);
		linebuf_added(lb, k);
		off += k;
	}
}

static void test_lines_in_any_pieces(void **state)
{
	const char in[] = "one\ntwo\n\nthree\n";
	char out[256];

	for (size_t step = 1; step <= sizeof(in); step++) {
		struct linebuf lb;
		assert_int_equal(linebuf_init(&lb, 16), 0);
		feed(&lb, in, sizeof(in) - 1, step, out, sizeof(out), true);
		assert_string_equal(out, "one|two||three|");
		linebuf_free(&lb);
	}
}

static void test_last_line_without_newline(void **state)
{
	struct linebuf lb;
	char out[64];

	assert_int_equal(linebuf_init(&lb, 16), 0);
	feed(&lb, "a\nlast", 6, 3, out, sizeof(out), false);
	assert_string_equal(out, "a|");          /* "last" waits for more */
	feed(&lb, "", 0, 1, out, sizeof(out), true);
	assert_string_equal(out, "last|");       /* end of input: it counts */
	linebuf_free(&lb);
}

static void test_limit_exactly(void **state)
{
	struct linebuf lb;
	char out[64];

	assert_int_equal(linebuf_init(&lb, 8), 0);
	feed(&lb, "12345678\n87654321", 17, 17, out, sizeof(out), true);
	assert_string_equal(out, "12345678|87654321|");
	linebuf_free(&lb);
}

static void test_too_long_is_skipped_to_its_newline(void **state)
{
	char in[200], out[64];

	memset(in, 'x', sizeof(in));
	memcpy(in, "ok\n", 3);
	memcpy(in + 150, "\nafter\n", 7); /* a 147-byte line, then "after" */
	for (size_t step = 1; step <= 40; step += 13) {
		struct linebuf lb;
		assert_int_equal(linebuf_init(&lb, 8), 0);
		feed(&lb, in, 157, step, out, sizeof(out), true);
		assert_string_equal(out, "ok|!after|");
		linebuf_free(&lb);
	}
}

static void test_too_long_at_end_of_input(void **state)
{
	struct linebuf lb;
	char out[64];

	assert_int_equal(linebuf_init(&lb, 4), 0);
	feed(&lb, "abcdefgh", 8, 2, out, sizeof(out), true);
	assert_string_equal(out, "!");
	linebuf_free(&lb);
}

static void test_one_over_the_limit(void **state)
{
	struct linebuf lb;
	char out[64];

	assert_int_equal(linebuf_init(&lb, 4), 0);
	feed(&lb, "abcde\nabcd\n", 11, 11, out, sizeof(out), true);
	assert_string_equal(out, "!abcd|");
	linebuf_free(&lb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_in_any_pieces),
		cmocka_unit_test(test_last_line_without_newline),
		cmocka_unit_test(test_limit_exactly),
		cmocka_unit_test(test_too_long_is_skipped_to_its_newline),
		cmocka_unit_test(test_too_long_at_end_of_input),
		cmocka_unit_test(test_one_over_the_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
