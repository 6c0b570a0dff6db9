/* Unit tests for core/logq: whole lines or nothing, a count of what did not
 * fit, the notice at the place of the gap, and partial writes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "core/logq.h"

/* Everything queued, as one string (the queue is one contiguous run). */
static const char *queued(const struct logq *q)
{
	static char out[256];
	size_t n;
	const char *p = logq_peek(q, &n);

	assert_true(n < sizeof(out));
	memcpy(out, p, n);
	out[n] = '\0';
	return out;
}

static void test_lines_get_their_newline(void **state)
{
	struct logq q;

	assert_int_equal(logq_init(&q, 64), 0);
	assert_int_equal(logq_len(&q), 0);
	assert_true(logq_push(&q, "one", 3));
	assert_true(logq_push(&q, "", 0));
	assert_true(logq_push(&q, "three", 5));
	assert_string_equal(queued(&q), "one\n\nthree\n");
	assert_int_equal(logq_dropped(&q), 0);
	logq_free(&q);
}

static void test_a_line_that_does_not_fit_is_dropped_whole(void **state)
{
	struct logq q;

	assert_int_equal(logq_init(&q, 16), 0);
	assert_true(logq_push(&q, "0123456789", 10));   /* 11 of 16 */
	assert_false(logq_fits(&q, 5));                /* 5 + newline: 17 */
	assert_true(logq_fits(&q, 4));
	assert_false(logq_push(&q, "abcde", 5));
	assert_int_equal(logq_dropped(&q), 1);
	assert_string_equal(queued(&q), "0123456789\n");
	/* a line longer than the whole queue never fits */
	struct logq small;
	assert_int_equal(logq_init(&small, 4), 0);
	assert_false(logq_push(&small, "four", 4));
	assert_int_equal(logq_dropped(&small), 1);
	assert_true(logq_push_notice(&small, "ab", 2));
	assert_int_equal(logq_dropped(&small), 0);
	logq_free(&small);
	logq_free(&q);
}

static void test_after_a_drop_lines_wait_for_the_notice(void **state)
{
	struct logq q;

	assert_int_equal(logq_init(&q, 16), 0);
	assert_true(logq_push(&q, "0123456789", 10));
	assert_false(logq_push(&q, "abcdefgh", 8));
	/* room for a short line, but it would stand before the notice */
	assert_false(logq_push(&q, "x", 1));
	assert_int_equal(logq_dropped(&q), 2);
	/* the notice does not fit yet either */
	assert_false(logq_push_notice(&q, "lost 2", 6));
	assert_int_equal(logq_dropped(&q), 2);
	/* the reader takes the first line: the notice goes in, then new lines */
	logq_consume(&q, 11);
	assert_int_equal(logq_len(&q), 0);
	assert_true(logq_push_notice(&q, "lost 2", 6));
	assert_int_equal(logq_dropped(&q), 0);
	assert_true(logq_push(&q, "next", 4));
	assert_string_equal(queued(&q), "lost 2\nnext\n");
	logq_free(&q);
}

static void test_partial_writes_and_compaction(void **state)
{
	struct logq q;

	assert_int_equal(logq_init(&q, 16), 0);
	assert_true(logq_push(&q, "abcdef", 6));     /* 7 */
	assert_true(logq_push(&q, "ghijk", 5));      /* 13 */
	logq_consume(&q, 4);                         /* a partial write: "ef\n" left */
	assert_string_equal(queued(&q), "ef\nghijk\n");
	/* 9 queued from offset 4: a 6-byte line fits only after moving them */
	assert_true(logq_push(&q, "lmnop", 5));
	assert_string_equal(queued(&q), "ef\nghijk\nlmnop\n");
	logq_consume(&q, 100);                       /* more than queued: all of it */
	assert_int_equal(logq_len(&q), 0);
	assert_true(logq_push(&q, "0123456789abcd", 14));  /* the whole queue again */
	logq_clear(&q);
	assert_int_equal(logq_len(&q), 0);
	assert_int_equal(logq_dropped(&q), 0);
	logq_free(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_get_their_newline),
		cmocka_unit_test(test_a_line_that_does_not_fit_is_dropped_whole),
		cmocka_unit_test(test_after_a_drop_lines_wait_for_the_notice),
		cmocka_unit_test(test_partial_writes_and_compaction),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
