/* Unit tests for serve/reply: what each service answers to a datagram, and
 * the one-shot answers of daytime, time and qotd. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "serve/chargen.h"
#include "echolib/echo.h"
#include "serve/reply.h"

static int setup_utc(void **state)
{
	setenv("TZ", "UTC", 1);
	tzset();
	return 0;
}

static void ctx_init(struct reply_ctx *ctx, uint64_t seed)
{
	memset(ctx, 0, sizeof(*ctx));
	rng_seed(&ctx->rng, seed);
}

/* len bytes of the chargen stream from the start of line k, written out from
 * the definition rather than from chargen.c. */
static void ref_lines(uint8_t *buf, size_t len, size_t k)
{
	for (size_t o = 0; o < len; o++) {
		size_t line = k + o / 74, i = o % 74;
		buf[o] = i == 72 ? '\r' : i == 73 ? '\n' : (uint8_t)(0x20 + (line + i) % 95);
	}
}

static void test_upper_ascii(void **state)
{
	uint8_t b[256], want[256];

	for (int i = 0; i < 256; i++) {
		b[i] = (uint8_t)i;
		want[i] = (i >= 'a' && i <= 'z') ? (uint8_t)(i - 32) : (uint8_t)i;
	}
	echo_upper_ascii(b, 256);
	assert_memory_equal(b, want, 256);

	uint8_t s[] = "Hello, World! gr\xc3\xbc\xc3\x9f" "e 123 {|}~`@[";
	echo_upper_ascii(s, sizeof(s) - 1);
	assert_string_equal((char *)s, "HELLO, WORLD! GR\xc3\xbc\xc3\x9f" "E 123 {|}~`@[");
	echo_upper_ascii(s, 0);
}

static void test_echo(void **state)
{
	struct reply_ctx ctx;
	uint8_t data[] = "hello\0world\r\n";
	uint8_t out[REPLY_OUT_MAX];
	const uint8_t *reply = NULL;

	ctx_init(&ctx, 1);
	assert_int_equal(serve_reply_datagram(SVC_ECHO, data, 13, out, &ctx, &reply), 13);
	assert_ptr_equal(reply, data);
	assert_memory_equal(data, "hello\0world\r\n", 13);

	reply = NULL;
	assert_int_equal(serve_reply_datagram(SVC_ECHO, data, 0, out, &ctx, &reply), 0);
	assert_ptr_equal(reply, data);
}

static void test_upper(void **state)
{
	struct reply_ctx ctx;
	uint8_t data[] = "abc xyz\n\xe4 ok";
	uint8_t out[REPLY_OUT_MAX];
	const uint8_t *reply = NULL;

	ctx_init(&ctx, 1);
	assert_int_equal(serve_reply_datagram(SVC_UPPER, data, 12, out, &ctx, &reply), 12);
	assert_ptr_equal(reply, data);
	assert_memory_equal(data, "ABC XYZ\n\xe4 OK", 12);
}

static void test_discard(void **state)
{
	struct reply_ctx ctx;
	uint8_t data[] = "dropped";
	uint8_t out[REPLY_OUT_MAX];
	const uint8_t *reply = NULL;

	ctx_init(&ctx, 1);
	assert_int_equal(serve_reply_datagram(SVC_DISCARD, data, 7, out, &ctx, &reply), -1);
	assert_memory_equal(data, "dropped", 7);
}

static void test_chargen_datagrams(void **state)
{
	enum { N = 20000 };
	struct reply_ctx ctx;
	uint8_t data[8] = "ignored";
	uint8_t out[REPLY_OUT_MAX], want[CHARGEN_DGRAM_MAX];
	const uint8_t *reply = NULL;
	size_t seen_min = SIZE_MAX, seen_max = 0;
	static uint8_t lens_seen[CHARGEN_DGRAM_MAX + 1];

	ctx_init(&ctx, 42);
	memset(lens_seen, 0, sizeof(lens_seen));
	for (size_t i = 0; i < N; i++) {
		assert_int_equal(ctx.chargen_line, i % 95);
		ssize_t n = serve_reply_datagram(SVC_CHARGEN, data, 7, out, &ctx, &reply);
		assert_true(n >= 0 && n <= CHARGEN_DGRAM_MAX);
		assert_ptr_equal(reply, out);
		/* a prefix of the stream from the start of line i (mod 95) */
		ref_lines(want, (size_t)n, i % 95);
		assert_memory_equal(out, want, (size_t)n);
		lens_seen[n] = 1;
		if ((size_t)n < seen_min)
			seen_min = (size_t)n;
		if ((size_t)n > seen_max)
			seen_max = (size_t)n;
	}
	assert_int_equal(ctx.chargen_line, N % 95);
	/* RFC 864: 0 to 512 characters, all lengths in use */
	assert_int_equal(seen_min, 0);
	assert_int_equal(seen_max, 512);
	size_t distinct = 0;
	for (size_t i = 0; i <= CHARGEN_DGRAM_MAX; i++)
		distinct += lens_seen[i];
	assert_true(distinct > 400);
	assert_memory_equal(data, "ignored", 7);
}

static void test_chargen_line_wraps(void **state)
{
	struct reply_ctx ctx;
	uint8_t data[1] = { 0 }, out[REPLY_OUT_MAX], want[CHARGEN_DGRAM_MAX];
	const uint8_t *reply;

	ctx_init(&ctx, 7);
	ctx.chargen_line = 94;
	ssize_t n = serve_reply_datagram(SVC_CHARGEN, data, 1, out, &ctx, &reply);
	assert_true(n >= 0 && n <= CHARGEN_DGRAM_MAX);
	ref_lines(want, (size_t)n, 94);
	assert_memory_equal(out, want, (size_t)n);
	assert_int_equal(ctx.chargen_line, 0);
	if (n > 0)
		assert_int_equal(out[0], '~');
}

static void test_daytime(void **state)
{
	struct reply_ctx ctx;
	uint8_t data[1] = { 0 }, out[REPLY_OUT_MAX];
	const uint8_t *reply = NULL;

	ctx_init(&ctx, 1);
	ctx.now = 1783874697;
	assert_int_equal(serve_reply_datagram(SVC_DAYTIME, data, 1, out, &ctx, &reply), 26);
	assert_ptr_equal(reply, out);
	assert_memory_equal(out, "Sun Jul 12 16:44:57 2026\r\n", 26);

	ctx.now = 1621345017;
	ctx.daytime_fmt = "%H:%M:%S %d.%m.%Y";
	assert_int_equal(serve_reply_datagram(SVC_DAYTIME, data, 0, out, &ctx, &reply), 21);
	assert_memory_equal(out, "13:36:57 18.05.2021\r\n", 21);
}

static void test_time(void **state)
{
	struct reply_ctx ctx;
	uint8_t data[1] = { 0 }, out[REPLY_OUT_MAX];
	const uint8_t *reply = NULL;

	ctx_init(&ctx, 1);
	ctx.now = 1783874697;
	assert_int_equal(serve_reply_datagram(SVC_TIME, data, 1, out, &ctx, &reply), 4);
	assert_ptr_equal(reply, out);
	assert_memory_equal(out, "\xed\xfe\x43\x09", 4);

	ctx.now = 0;
	assert_int_equal(serve_reply_datagram(SVC_TIME, data, 0, out, &ctx, &reply), 4);
	assert_memory_equal(out, "\x83\xaa\x7e\x80", 4);
}

static void test_qotd(void **state)
{
	struct reply_ctx ctx;
	struct quotes q;
	char err[QOTD_ERR_MAX];
	uint8_t data[1] = { 0 }, out[REPLY_OUT_MAX];
	const uint8_t *reply = NULL;
	int seen_a = 0, seen_b = 0;

	assert_int_equal(serve_quotes_parse("alpha\n%\nbeta\nline 2\n", 20, "t", &q, err, sizeof(err)), 0);
	assert_int_equal(q.n, 2);
	ctx_init(&ctx, 3);
	ctx.quotes = &q;
	for (int i = 0; i < 200; i++) {
		ssize_t n = serve_reply_datagram(SVC_QOTD, data, 1, out, &ctx, &reply);
		assert_ptr_equal(reply, out);
		if (n == 7) {
			assert_memory_equal(out, "alpha\r\n", 7);
			seen_a++;
		} else {
			assert_int_equal(n, 14);
			assert_memory_equal(out, "beta\r\nline 2\r\n", 14);
			seen_b++;
		}
	}
	/* a random choice, not always the same quote */
	assert_true(seen_a > 0 && seen_b > 0);
	serve_quotes_free(&q);
}

static void test_qotd_without_quotes(void **state)
{
	struct reply_ctx ctx;
	struct quotes none = { 0 };
	uint8_t data[1] = { 0 }, out[REPLY_OUT_MAX];
	const uint8_t *reply = NULL;

	ctx_init(&ctx, 1);
	assert_int_equal(serve_reply_datagram(SVC_QOTD, data, 1, out, &ctx, &reply), 0);
	ctx.quotes = &none;
	assert_int_equal(serve_reply_datagram(SVC_QOTD, data, 1, out, &ctx, &reply), 0);
}

static void test_oneshot_caps(void **state)
{
	struct reply_ctx ctx;
	struct quotes q;
	char err[QOTD_ERR_MAX];
	uint8_t out[64];

	ctx_init(&ctx, 1);
	ctx.now = 1783874697;
	assert_int_equal(serve_reply_oneshot(SVC_TIME, out, 3, &ctx), 0);
	assert_int_equal(serve_reply_oneshot(SVC_TIME, out, 4, &ctx), 4);
	assert_int_equal(serve_reply_oneshot(SVC_DAYTIME, out, 26, &ctx), 0);
	assert_int_equal(serve_reply_oneshot(SVC_DAYTIME, out, 27, &ctx), 26);
	/* services that are not one-shot answer nothing here */
	assert_int_equal(serve_reply_oneshot(SVC_ECHO, out, sizeof(out), &ctx), 0);
	assert_int_equal(serve_reply_oneshot(SVC_CHARGEN, out, sizeof(out), &ctx), 0);

	assert_int_equal(serve_quotes_parse("abcdef\n", 7, "t", &q, err, sizeof(err)), 0);
	ctx.quotes = &q;
	assert_int_equal(serve_reply_oneshot(SVC_QOTD, out, sizeof(out), &ctx), 8);
	assert_memory_equal(out, "abcdef\r\n", 8);
	serve_quotes_free(&q);
}

static void test_builtin_quotes_fit_a_datagram(void **state)
{
	struct reply_ctx ctx;
	struct quotes q;
	uint8_t data[1] = { 0 }, out[REPLY_OUT_MAX];
	const uint8_t *reply = NULL;

	assert_int_equal(serve_quotes_builtin(&q), 0);
	ctx_init(&ctx, 9);
	ctx.quotes = &q;
	for (int i = 0; i < 500; i++) {
		ssize_t n = serve_reply_datagram(SVC_QOTD, data, 1, out, &ctx, &reply);
		assert_true(n > 2 && n < 512);
		assert_memory_equal(out + n - 2, "\r\n", 2);
	}
	serve_quotes_free(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_upper_ascii),
		cmocka_unit_test(test_echo),
		cmocka_unit_test(test_upper),
		cmocka_unit_test(test_discard),
		cmocka_unit_test(test_chargen_datagrams),
		cmocka_unit_test(test_chargen_line_wraps),
		cmocka_unit_test(test_daytime),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_qotd),
		cmocka_unit_test(test_qotd_without_quotes),
		cmocka_unit_test(test_oneshot_caps),
		cmocka_unit_test(test_builtin_quotes_fit_a_datagram),
	};

	return cmocka_run_group_tests(tests, setup_utc, NULL);
}
