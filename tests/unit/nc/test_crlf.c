/* Unit tests for nc/crlf: -C's LF to CRLF, across reads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nc/crlf.h"

static void expect(const char *in, bool cr_before, const char *want, bool cr_after)
{
	uint8_t buf[128];
	size_t n = strlen(in);
	bool cr = cr_before;

	memcpy(buf, in, n);
	size_t m = nc_crlf_expand(buf, n, &cr);
	assert_int_equal(m, strlen(want));
	assert_memory_equal(buf, want, m);
	assert_int_equal(cr, cr_after);
}

static void test_line_ends(void **state)
{
	(void)state;
	expect("", false, "", false);
	expect("abc", false, "abc", false);
	expect("a\n", false, "a\r\n", false);
	expect("a\nb\n\n", false, "a\r\nb\r\n\r\n", false);
	expect("a\r\nb\n", false, "a\r\nb\r\n", false);   /* already CRLF: kept */
	expect("\n", false, "\r\n", false);
	expect("\n", true, "\n", false);                   /* "\r" ended the last read */
	expect("x\r", false, "x\r", true);
	expect("\r\r\n\n", false, "\r\r\n\r\n", false);
}

/* A whole stream cut into reads anywhere gives the same bytes. */
static void test_any_cut(void **state)
{
	const char *in = "GET / HTTP/1.0\nHost: x\r\n\nbody\r\r\n";
	const char *want = "GET / HTTP/1.0\r\nHost: x\r\n\r\nbody\r\r\n";
	size_t n = strlen(in);

	(void)state;
	for (size_t cut = 0; cut <= n; cut++) {
		uint8_t a[128], b[128], out[256];
		bool cr = false;
		size_t o = 0;

		memcpy(a, in, cut);
		memcpy(b, in + cut, n - cut);
		size_t m = nc_crlf_expand(a, cut, &cr);
		memcpy(out + o, a, m);
		o += m;
		m = nc_crlf_expand(b, n - cut, &cr);
		memcpy(out + o, b, m);
		o += m;
		assert_int_equal(o, strlen(want));
		assert_memory_equal(out, want, o);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_ends),
		cmocka_unit_test(test_any_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
