/* Unit tests for serve/chargen: the stream must be byte-identical to BSD
 * inetd's chargen_stream, whichever way it is cut into calls. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "serve/chargen.h"

/* The reference, written the way inetd's chargen_stream() reads: a ring of
 * the 95 printable characters, line k is ring[(k+i)%95] for i in 0..71. */
static char ring[95];

static void ring_build(void)
{
	for (int c = 0x20; c <= 0x7e; c++)
		ring[c - 0x20] = (char)c;
}

/* len bytes of the reference stream from absolute offset start. */
static void ref_fill(uint8_t *buf, size_t len, size_t start)
{
	ring_build();
	for (size_t o = start; o < start + len; o++) {
		size_t k = o / 74, i = o % 74;
		uint8_t b;
		if (i == 72)
			b = '\r';
		else if (i == 73)
			b = '\n';
		else
			b = (uint8_t)ring[(k + i) % 95];
		buf[o - start] = b;
	}
}

static uint8_t *xmalloc(size_t n)
{
	uint8_t *p = malloc(n);
	assert_non_null(p);
	return p;
}

static void test_constants(void **state)
{
	assert_int_equal(CHARGEN_LINE, 72);
	assert_int_equal(CHARGEN_RING, 95);
	assert_int_equal(CHARGEN_PERIOD, 7030);
}

static void test_first_lines_literal(void **state)
{
	static const char line0[] =
		" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefg\r\n";
	static const char line1[] =
		"!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefgh\r\n";
	uint8_t buf[148];
	uint32_t pos = 0;

	assert_int_equal(sizeof(line0) - 1, 74);
	serve_chargen_fill(buf, sizeof(buf), &pos);
	assert_int_equal(pos, 148);
	assert_memory_equal(buf, line0, 74);
	assert_memory_equal(buf + 74, "!\"#", 3);
	assert_memory_equal(buf + 74, line1, 74);
}

static void test_line_structure(void **state)
{
	uint8_t *buf = xmalloc(96 * 74);
	uint32_t pos = 0;

	serve_chargen_fill(buf, 96 * 74, &pos);
	for (size_t k = 0; k < 96; k++) {
		const uint8_t *l = buf + k * 74;
		assert_int_equal(l[72], '\r');
		assert_int_equal(l[73], '\n');
		/* each line starts one character further on the ring */
		assert_int_equal(l[0], 0x20 + k % 95);
		for (size_t i = 0; i < 72; i++) {
			assert_true(l[i] >= 0x20 && l[i] <= 0x7e);
			assert_int_equal(l[i], 0x20 + (k + i) % 95);
		}
	}
	/* line 95 is line 0 again: the period is 95 lines */
	assert_memory_equal(buf + 95 * 74, buf, 74);
	/* line 94 starts with '~' and wraps to ' ' after one character */
	assert_int_equal(buf[94 * 74], '~');
	assert_int_equal(buf[94 * 74 + 1], ' ');
	free(buf);
}

static void test_fill_matches_reference_over_periods(void **state)
{
	size_t n = 3 * CHARGEN_PERIOD + 100;
	uint8_t *got = xmalloc(n), *want = xmalloc(n);
	uint32_t pos = 0;

	serve_chargen_fill(got, n, &pos);
	ref_fill(want, n, 0);
	assert_memory_equal(got, want, n);
	assert_int_equal(pos, 100);
	free(got);
	free(want);
}

static void test_fill_across_calls(void **state)
{
	static const size_t chunks[] = { 1, 7, 72, 73, 74, 75, 1000, 7029, 7030, 7031,
					 CHARGEN_WINDOW - 1, CHARGEN_WINDOW, CHARGEN_WINDOW + 1,
					 3 * CHARGEN_WINDOW + 5, 0, 2 };
	size_t total = 0;

	for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++)
		total += chunks[i];
	uint8_t *got = xmalloc(total), *want = xmalloc(total);
	uint32_t pos = 0;
	size_t off = 0;

	for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		serve_chargen_fill(got + off, chunks[i], &pos);
		off += chunks[i];
		assert_int_equal(pos, off % CHARGEN_PERIOD);
	}
	ref_fill(want, total, 0);
	assert_memory_equal(got, want, total);
	free(got);
	free(want);
}

static void test_fill_across_period_boundary(void **state)
{
	uint8_t got[20], want[20];
	uint32_t pos = CHARGEN_PERIOD - 10;

	serve_chargen_fill(got, sizeof(got), &pos);
	assert_int_equal(pos, 10);
	ref_fill(want, sizeof(want), CHARGEN_PERIOD - 10);
	assert_memory_equal(got, want, sizeof(got));
	/* the last bytes of the period are line 94's CRLF, then line 0 */
	assert_memory_equal(got + 8, "\r\n !\"#$%&'", 10);

	/* starting exactly at the last byte */
	pos = CHARGEN_PERIOD - 1;
	serve_chargen_fill(got, 2, &pos);
	assert_memory_equal(got, "\n ", 2);
	assert_int_equal(pos, 1);
}

static void test_fill_zero_len(void **state)
{
	uint8_t buf[4] = { 'x', 'x', 'x', 'x' };
	uint32_t pos = 123;

	serve_chargen_fill(buf, 0, &pos);
	assert_int_equal(pos, 123);
	assert_memory_equal(buf, "xxxx", 4);
}

static void test_fill_from_every_offset_in_a_period(void **state)
{
	uint8_t got[200], want[200];

	for (uint32_t start = 0; start < CHARGEN_PERIOD; start++) {
		uint32_t pos = start;
		serve_chargen_fill(got, sizeof(got), &pos);
		ref_fill(want, sizeof(want), start);
		assert_memory_equal(got, want, sizeof(got));
		assert_int_equal(pos, (start + sizeof(got)) % CHARGEN_PERIOD);
	}
}

static void test_window_consistent_with_fill(void **state)
{
	static const uint32_t starts[] = { 0, 1, 73, 74, 3515, CHARGEN_PERIOD - 74,
					   CHARGEN_PERIOD - 1 };
	uint8_t *want = xmalloc(CHARGEN_WINDOW);

	for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
		uint32_t pos = starts[i];
		const uint8_t *w = serve_chargen_window(pos);
		assert_non_null(w);
		/* the whole window is contiguous and equals what fill gives */
		serve_chargen_fill(want, CHARGEN_WINDOW, &pos);
		assert_memory_equal(w, want, CHARGEN_WINDOW);
		assert_int_equal(pos, serve_chargen_advance(starts[i], CHARGEN_WINDOW));
	}
	free(want);
}

static void test_window_then_advance_reproduces_stream(void **state)
{
	/* A writer that sends k bytes from serve_chargen_window() and advances by k
	 * must send the same stream as serve_chargen_fill(). */
	static const size_t sends[] = { 100, 7030, 1, CHARGEN_WINDOW, 6999, 74, 12345 };
	size_t total = 0;

	for (size_t i = 0; i < sizeof(sends) / sizeof(sends[0]); i++)
		total += sends[i];
	uint8_t *got = xmalloc(total), *want = xmalloc(total);
	uint32_t pos = 0;
	size_t off = 0;

	for (size_t i = 0; i < sizeof(sends) / sizeof(sends[0]); i++) {
		memcpy(got + off, serve_chargen_window(pos), sends[i]);
		pos = serve_chargen_advance(pos, sends[i]);
		assert_true(pos < CHARGEN_PERIOD);
		off += sends[i];
	}
	ref_fill(want, total, 0);
	assert_memory_equal(got, want, total);
	free(got);
	free(want);
}

static void test_advance(void **state)
{
	assert_int_equal(serve_chargen_advance(0, 0), 0);
	assert_int_equal(serve_chargen_advance(0, 74), 74);
	assert_int_equal(serve_chargen_advance(0, CHARGEN_PERIOD), 0);
	assert_int_equal(serve_chargen_advance(CHARGEN_PERIOD - 1, 1), 0);
	assert_int_equal(serve_chargen_advance(100, (size_t)CHARGEN_PERIOD * 1000 + 5), 105);
	assert_int_equal(serve_chargen_advance(7000, 7000), 6970);
	/* a huge n does not overflow */
	assert_int_equal(serve_chargen_advance(0, SIZE_MAX), SIZE_MAX % CHARGEN_PERIOD);
	assert_int_equal(serve_chargen_advance(CHARGEN_PERIOD - 1, SIZE_MAX),
			 (CHARGEN_PERIOD - 1 + SIZE_MAX % CHARGEN_PERIOD) % CHARGEN_PERIOD);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_constants),
		cmocka_unit_test(test_first_lines_literal),
		cmocka_unit_test(test_line_structure),
		cmocka_unit_test(test_fill_matches_reference_over_periods),
		cmocka_unit_test(test_fill_across_calls),
		cmocka_unit_test(test_fill_across_period_boundary),
		cmocka_unit_test(test_fill_zero_len),
		cmocka_unit_test(test_fill_from_every_offset_in_a_period),
		cmocka_unit_test(test_window_consistent_with_fill),
		cmocka_unit_test(test_window_then_advance_reproduces_stream),
		cmocka_unit_test(test_advance),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
