/* Unit tests for serve/qotd: quote files in one-per-line and fortune form,
 * CRLF output, the RFC 865 size limit, and errors that name file and line. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "serve/qotd.h"

static int parse(const char *text, struct quotes *q, char *err)
{
	memset(err, 0, QOTD_ERR_MAX);
	return serve_quotes_parse(text, strlen(text), "q.txt", q, err, QOTD_ERR_MAX);
}

static void assert_quote(const struct quotes *q, size_t i, const char *want)
{
	assert_true(i < q->n);
	assert_int_equal(q->len[i], strlen(want));
	assert_memory_equal(q->blob + q->off[i], want, strlen(want));
}

/* Every line end is CRLF: no bare LF, no bare CR. */
static void assert_crlf_only(const struct quotes *q)
{
	for (size_t i = 0; i < q->n; i++) {
		const char *p = q->blob + q->off[i];
		size_t n = q->len[i];
		assert_true(n >= 2);
		assert_memory_equal(p + n - 2, "\r\n", 2);
		for (size_t j = 0; j < n; j++) {
			if (p[j] == '\n')
				assert_true(j > 0 && p[j - 1] == '\r');
			if (p[j] == '\r')
				assert_true(j + 1 < n && p[j + 1] == '\n');
		}
	}
}

static void assert_empty(const struct quotes *q)
{
	assert_int_equal(q->n, 0);
	assert_null(q->blob);
	assert_null(q->off);
	assert_null(q->len);
}

static void test_one_per_line(void **state)
{
	struct quotes q;
	char err[QOTD_ERR_MAX];

	assert_int_equal(parse("first quote\nsecond one\n\n   \n\tthird, no LF at the end", &q, err), 0);
	assert_int_equal(q.n, 3);
	assert_quote(&q, 0, "first quote\r\n");
	assert_quote(&q, 1, "second one\r\n");
	assert_quote(&q, 2, "\tthird, no LF at the end\r\n");
	assert_crlf_only(&q);
	serve_quotes_free(&q);
	assert_empty(&q);
}

static void test_percent_lines_alone_do_not_make_fortune(void **state)
{
	struct quotes q;
	char err[QOTD_ERR_MAX];

	/* lines starting with '%' but holding more are one-per-line quotes */
	assert_int_equal(parse("%s is a format\n%% is a percent\n% \n", &q, err), 0);
	assert_int_equal(q.n, 3);
	assert_quote(&q, 0, "%s is a format\r\n");
	assert_quote(&q, 1, "%% is a percent\r\n");
	assert_quote(&q, 2, "% \r\n");
	serve_quotes_free(&q);
}

static void test_fortune_form(void **state)
{
	struct quotes q;
	char err[QOTD_ERR_MAX];
	const char *text =
		"%\n"
		"\n"
		"A first line\n"
		"\n"
		"\n"
		"A last line\n"
		"\n"
		"%\n"
		"B single\n"
		"%\n"
		"%\n"
		"\n"
		"  \n"
		"%\n"
		"C one\n"
		"  C two, indented\n";

	assert_int_equal(parse(text, &q, err), 0);
	assert_int_equal(q.n, 3);
	/* edge blank lines trimmed, inner blank lines kept */
	assert_quote(&q, 0, "A first line\r\n\r\n\r\nA last line\r\n");
	assert_quote(&q, 1, "B single\r\n");
	assert_quote(&q, 2, "C one\r\n  C two, indented\r\n");
	assert_crlf_only(&q);
	serve_quotes_free(&q);
}

static void test_fortune_text_before_first_separator(void **state)
{
	struct quotes q;
	char err[QOTD_ERR_MAX];

	assert_int_equal(parse("X one\nX two\n%\nY\n%\n", &q, err), 0);
	assert_int_equal(q.n, 2);
	assert_quote(&q, 0, "X one\r\nX two\r\n");
	assert_quote(&q, 1, "Y\r\n");
	serve_quotes_free(&q);
}

static void test_fortune_percent_with_text_is_text(void **state)
{
	struct quotes q;
	char err[QOTD_ERR_MAX];

	/* only a line holding just "%" separates */
	assert_int_equal(parse("50% off\n%\n100 %\n% \n", &q, err), 0);
	assert_int_equal(q.n, 2);
	assert_quote(&q, 0, "50% off\r\n");
	assert_quote(&q, 1, "100 %\r\n% \r\n");
	serve_quotes_free(&q);
}

static void test_crlf_input(void **state)
{
	struct quotes q;
	char err[QOTD_ERR_MAX];

	assert_int_equal(parse("a\r\nb\r\n\r\n", &q, err), 0);
	assert_int_equal(q.n, 2);
	assert_quote(&q, 0, "a\r\n");
	assert_quote(&q, 1, "b\r\n");
	serve_quotes_free(&q);

	assert_int_equal(parse("A\r\n\r\nB\r\n%\r\nC\r\n", &q, err), 0);
	assert_int_equal(q.n, 2);
	assert_quote(&q, 0, "A\r\n\r\nB\r\n");
	assert_quote(&q, 1, "C\r\n");
	assert_crlf_only(&q);
	serve_quotes_free(&q);
}

static void test_size_limit_one_per_line(void **state)
{
	struct quotes q;
	char err[QOTD_ERR_MAX];
	char text[1100];

	/* 509 characters and CRLF: 511 bytes, the largest allowed */
	memset(text, 'a', 509);
	strcpy(text + 509, "\n");
	assert_int_equal(parse(text, &q, err), 0);
	assert_int_equal(q.n, 1);
	assert_int_equal(q.len[0], 511);
	serve_quotes_free(&q);

	/* 510 characters and CRLF: 512 bytes, refused, on line 2 */
	strcpy(text, "ok\n");
	memset(text + 3, 'b', 510);
	strcpy(text + 513, "\nok too\n");
	assert_int_equal(parse(text, &q, err), -1);
	assert_string_equal(err, "q.txt:2: quote is 512 bytes; RFC 865 quotes must be under 512");
	assert_empty(&q);
}

static void test_size_limit_fortune(void **state)
{
	struct quotes q;
	char err[QOTD_ERR_MAX];
	char text[2000];
	size_t n = 0;

	/* a quote starting on line 4, of 9 lines of 60 characters: 558 bytes */
	n += (size_t)sprintf(text + n, "short\n%%\n\n");
	for (int i = 0; i < 9; i++) {
		memset(text + n, 'x', 60);
		n += 60;
		text[n++] = '\n';
	}
	n += (size_t)sprintf(text + n, "%%\nlast\n");
	assert_int_equal(parse(text, &q, err), -1);
	assert_string_equal(err, "q.txt:4: quote is 558 bytes; RFC 865 quotes must be under 512");
	assert_empty(&q);
}

static void test_control_characters(void **state)
{
	struct quotes q;
	char err[QOTD_ERR_MAX];

	assert_int_equal(parse("good\nbad\x01line\n", &q, err), -1);
	assert_string_equal(err, "q.txt:2: control character 0x01 in quote");
	assert_empty(&q);

	assert_int_equal(parse("%\nfine\n%\nstill fine\nbut \x1b[31m red\n", &q, err), -1);
	assert_string_equal(err, "q.txt:5: control character 0x1b in quote");

	assert_int_equal(parse("a\nb\nc\x7f\n", &q, err), -1);
	assert_string_equal(err, "q.txt:3: control character 0x7f in quote");

	/* a CR that does not end a line */
	assert_int_equal(parse("a\rb\n", &q, err), -1);
	assert_string_equal(err, "q.txt:1: control character 0x0d in quote");

	/* a NUL inside the data */
	static const char nul[] = "a\nb\0c\n";
	assert_int_equal(serve_quotes_parse(nul, sizeof(nul) - 1, "q.txt", &q, err, sizeof(err)), -1);
	assert_string_equal(err, "q.txt:2: control character 0x00 in quote");

	/* tabs are text */
	assert_int_equal(parse("a\tb\n", &q, err), 0);
	assert_quote(&q, 0, "a\tb\r\n");
	serve_quotes_free(&q);

	/* bytes >= 0x80 (UTF-8) are text */
	assert_int_equal(parse("Gr\xc3\xbc\xc3\x9f" "e\n", &q, err), 0);
	assert_quote(&q, 0, "Gr\xc3\xbc\xc3\x9f" "e\r\n");
	serve_quotes_free(&q);
}

static void test_no_quotes(void **state)
{
	struct quotes q;
	char err[QOTD_ERR_MAX];

	assert_int_equal(parse("", &q, err), -1);
	assert_string_equal(err, "q.txt: no quotes");
	assert_empty(&q);

	assert_int_equal(parse("\n\n  \n\t\n", &q, err), -1);
	assert_string_equal(err, "q.txt: no quotes");

	assert_int_equal(parse("%\n%\n\n%\n", &q, err), -1);
	assert_string_equal(err, "q.txt: no quotes");
	assert_empty(&q);
}

static void test_too_large(void **state)
{
	struct quotes q;
	char err[QOTD_ERR_MAX];
	size_t len = QOTD_FILE_MAX + 1;
	char *big = malloc(len);

	assert_non_null(big);
	for (size_t i = 0; i < len; i++)
		big[i] = (i % 64 == 63) ? '\n' : 'q';
	assert_int_equal(serve_quotes_parse(big, len, "big.txt", &q, err, sizeof(err)), -1);
	assert_string_equal(err, "big.txt: larger than 4194304 bytes");
	assert_empty(&q);
	free(big);
}

static void test_error_truncated_to_errlen(void **state)
{
	struct quotes q;
	char err[8];

	memset(err, 'X', sizeof(err));
	assert_int_equal(serve_quotes_parse("", 0, "q.txt", &q, err, sizeof(err)), -1);
	assert_string_equal(err, "q.txt: ");
}

static void test_builtin(void **state)
{
	struct quotes q;

	assert_int_equal(serve_quotes_builtin(&q), 0);
	assert_int_equal(q.n, 12);
	assert_quote(&q, 0,
		     "\"The only thing we have to fear is fear itself.\" Franklin D. Roosevelt "
		     "(1882-1945)\r\n");
	assert_quote(&q, 1,
		     "\"Be who you are and say what you feel, because those who mind don't matter\r\n"
		     " and those who matter don't mind.\" Bernard M. Baruch (1870-1965)\r\n");
	for (size_t i = 0; i < q.n; i++) {
		assert_true(q.len[i] > 2);
		assert_true(q.len[i] < 512);
		assert_true(q.len[i] <= QOTD_MAX);
	}
	assert_crlf_only(&q);
	serve_quotes_free(&q);
}

/* A file in a fresh temporary directory. */
struct tmpfile {
	char dir[64];
	char path[128];
};

static void tmp_write(struct tmpfile *t, const char *text)
{
	const char *base = getenv("TMPDIR");

	snprintf(t->dir, sizeof(t->dir), "%s/socklab-qotd-XXXXXX", base && *base ? base : "/tmp");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->path, sizeof(t->path), "%s/quotes.txt", t->dir);
	FILE *f = fopen(t->path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void tmp_remove(struct tmpfile *t)
{
	unlink(t->path);
	rmdir(t->dir);
}

static void test_load_file(void **state)
{
	struct tmpfile t;
	struct quotes q;
	char err[QOTD_ERR_MAX];

	tmp_write(&t, "one\n%\ntwo\nlines\n");
	assert_int_equal(serve_quotes_load_file(t.path, &q, err, sizeof(err)), 0);
	assert_int_equal(q.n, 2);
	assert_quote(&q, 0, "one\r\n");
	assert_quote(&q, 1, "two\r\nlines\r\n");
	serve_quotes_free(&q);
	tmp_remove(&t);
}

static void test_load_file_error_names_path_and_line(void **state)
{
	struct tmpfile t;
	struct quotes q;
	char err[QOTD_ERR_MAX], want[QOTD_ERR_MAX + 64];

	tmp_write(&t, "one\ntwo\nthr\x02" "ee\n");
	assert_int_equal(serve_quotes_load_file(t.path, &q, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:3: control character 0x02 in quote", t.path);
	assert_string_equal(err, want);
	assert_empty(&q);
	tmp_remove(&t);
}

static void test_load_missing_file(void **state)
{
	struct quotes q;
	char err[QOTD_ERR_MAX];

	assert_int_equal(serve_quotes_load_file("/nonexistent-socklab/quotes.txt", &q, err, sizeof(err)), -1);
	assert_string_equal(err, "/nonexistent-socklab/quotes.txt: No such file or directory");
	assert_empty(&q);
}

static void test_load_directory(void **state)
{
	struct tmpfile t;
	struct quotes q;
	char err[QOTD_ERR_MAX], want[QOTD_ERR_MAX + 64];

	tmp_write(&t, "x\n");
	assert_int_equal(serve_quotes_load_file(t.dir, &q, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: Is a directory", t.dir);
	assert_string_equal(err, want);
	assert_empty(&q);
	tmp_remove(&t);
}

static void test_free_twice_is_safe(void **state)
{
	struct quotes q;
	char err[QOTD_ERR_MAX];

	assert_int_equal(parse("a\n", &q, err), 0);
	serve_quotes_free(&q);
	serve_quotes_free(&q);
	assert_empty(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_per_line),
		cmocka_unit_test(test_percent_lines_alone_do_not_make_fortune),
		cmocka_unit_test(test_fortune_form),
		cmocka_unit_test(test_fortune_text_before_first_separator),
		cmocka_unit_test(test_fortune_percent_with_text_is_text),
		cmocka_unit_test(test_crlf_input),
		cmocka_unit_test(test_size_limit_one_per_line),
		cmocka_unit_test(test_size_limit_fortune),
		cmocka_unit_test(test_control_characters),
		cmocka_unit_test(test_no_quotes),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_error_truncated_to_errlen),
		cmocka_unit_test(test_builtin),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_load_file_error_names_path_and_line),
		cmocka_unit_test(test_load_missing_file),
		cmocka_unit_test(test_load_directory),
		cmocka_unit_test(test_free_twice_is_safe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
