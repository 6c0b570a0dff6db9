/* Unit tests for the UDP chat's datagram codec (chatwire/chatproto). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "chatwire/chatproto.h"

static struct chat_dgram d;

static int parse_str(const char *s)
{
	return chatwire_dgram_parse((const uint8_t *)s, strlen(s), &d);
}

static void test_header_only(void **state)
{
	assert_int_equal(parse_str("SLC1 - 0\n"), CHAT_OK);
	assert_false(d.has_token);
	assert_int_equal(d.ack, 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(parse_str("SLC1 00000000deadbeef 42\n"), CHAT_OK);
	assert_true(d.has_token);
	assert_int_equal(d.token, 0xdeadbeefULL);
	assert_int_equal(d.ack, 42);
}

static void test_messages(void **state)
{
	assert_int_equal(parse_str("SLC1 ffffffffffffffff 7\n1 REG alice 0123456789abcdef\n"
				   "2 SAY hello world\n0 ERR no-session gone\n"),
			 CHAT_OK);
	assert_int_equal(d.token, UINT64_MAX);
	assert_int_equal(d.n, 3);
	assert_int_equal(d.msgs[0].seq, 1);
	assert_int_equal(d.msgs[0].len, strlen("REG alice 0123456789abcdef"));
	assert_memory_equal(d.msgs[1].line, "SAY hello world", 15);
	assert_int_equal(d.msgs[2].seq, 0);
	assert_int_equal(parse_str("SLC1 - 0\n5 SAY tab\there\n"), CHAT_OK);
}

static void test_malformed(void **state)
{
	assert_int_equal(chatwire_dgram_parse((const uint8_t *)"", 0, &d), CHAT_E_SIZE);
	assert_int_equal(parse_str("SLC2 - 0\n"), CHAT_E_MAGIC);
	assert_int_equal(parse_str("SLC1\n"), CHAT_E_MAGIC);
	assert_int_equal(parse_str("slc1 - 0\n"), CHAT_E_MAGIC);
	assert_int_equal(parse_str("SLC1 - 0"), CHAT_E_LF);
	assert_int_equal(parse_str("SLC1 DEADBEEF00000000 0\n"), CHAT_E_TOKEN);
	assert_int_equal(parse_str("SLC1 deadbeef 0\n"), CHAT_E_TOKEN);
	assert_int_equal(parse_str("SLC1 -x 0\n"), CHAT_E_TOKEN);
	assert_int_equal(parse_str("SLC1 - \n"), CHAT_E_NUMBER);
	assert_int_equal(parse_str("SLC1 - 01\n"), CHAT_E_NUMBER);
	assert_int_equal(parse_str("SLC1 - 1x\n"), CHAT_E_NUMBER);
	assert_int_equal(parse_str("SLC1 - 1234567890123\n"), CHAT_E_NUMBER);
	assert_int_equal(parse_str("SLC1 - -1\n"), CHAT_E_NUMBER);
	assert_int_equal(parse_str("SLC1 - 0\nSAY no seq\n"), CHAT_E_NUMBER);
	assert_int_equal(parse_str("SLC1 - 0\n1\n"), CHAT_E_NUMBER);
	assert_int_equal(parse_str("SLC1 - 0\n1 \n"), CHAT_E_LINE);
	assert_int_equal(parse_str("SLC1 - 0\n1  SAY\n"), CHAT_E_LINE);
	assert_int_equal(parse_str("SLC1 - 0\n\n"), CHAT_E_NUMBER);
	assert_int_equal(parse_str("SLC1 - 0\n1 SAY a\rb\n"), CHAT_E_CTRL);
	assert_int_equal(parse_str("SLC1 - 0\n1 SAY \x1b[31m\n"), CHAT_E_CTRL);
	uint8_t nul[] = "SLC1 - 0\n1 SAY a\0b\n";
	assert_int_equal(chatwire_dgram_parse(nul, sizeof(nul) - 1, &d), CHAT_E_CTRL);
}

static void test_limits(void **state)
{
	char buf[CHAT_DGRAM_MAX + 64];
	size_t n = (size_t)snprintf(buf, sizeof(buf), "SLC1 - 0\n");

	/* one line of exactly CHAT_LINE_MAX bytes parses; one more byte does not */
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "1 SAY ");
	memset(buf + n, 'x', CHAT_LINE_MAX - 7);
	n += CHAT_LINE_MAX - 7;
	buf[n++] = '\n';
	assert_int_equal(chatwire_dgram_parse((uint8_t *)buf, n, &d), CHAT_OK);
	buf[n - 1] = 'x';
	buf[n++] = '\n';
	assert_int_equal(chatwire_dgram_parse((uint8_t *)buf, n, &d), CHAT_E_LINE);

	/* 64 messages parse, 65 do not */
	n = (size_t)snprintf(buf, sizeof(buf), "SLC1 - 0\n");
	for (int i = 1; i <= 65; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%d A\n", i);
	assert_int_equal(chatwire_dgram_parse((uint8_t *)buf, n, &d), CHAT_E_COUNT);
	n -= strlen("65 A\n");
	assert_int_equal(chatwire_dgram_parse((uint8_t *)buf, n, &d), CHAT_OK);
	assert_int_equal(d.n, 64);

	/* larger than a datagram */
	memset(buf, 'a', sizeof(buf));
	assert_int_equal(chatwire_dgram_parse((uint8_t *)buf, CHAT_DGRAM_MAX + 1, &d), CHAT_E_SIZE);
}

static void test_builder_round_trip(void **state)
{
	struct chat_builder b;

	chatwire_builder_start(&b, true, 0x0123456789abcdefULL, 99);
	assert_true(chatwire_builder_add(&b, 100, "SAY hi", 6));
	assert_true(chatwire_builder_add(&b, 101, "PRIV bob psst", 13));
	assert_int_equal(chatwire_dgram_parse(b.buf, b.len, &d), CHAT_OK);
	assert_memory_equal(b.buf, "SLC1 0123456789abcdef 99\n100 SAY hi\n101 PRIV bob psst\n", b.len);
	assert_int_equal(d.token, 0x0123456789abcdefULL);
	assert_int_equal(d.n, 2);
	assert_int_equal(d.msgs[1].seq, 101);

	chatwire_builder_start(&b, false, 0, 0);
	char line[CHAT_LINE_MAX];
	memset(line, 'y', sizeof(line));
	memcpy(line, "SAY ", 4);
	/* a line that cannot fit a message is refused whole */
	assert_false(chatwire_builder_add(&b, 1, line, CHAT_LINE_MAX));
	assert_int_equal(b.n, 0);
	/* fill up: every add either fits entirely or leaves the datagram as it was */
	unsigned added = 0;
	while (chatwire_builder_add(&b, added + 1, line, 500))
		added++;
	assert_true(b.len <= CHAT_DGRAM_MAX);
	assert_int_equal(chatwire_dgram_parse(b.buf, b.len, &d), CHAT_OK);
	assert_int_equal(d.n, added);
}

static void test_words(void **state)
{
	const char *s = "JOIN lobby now";
	const char *p = s, *end = s + strlen(s);
	struct chat_word w;

	assert_true(chatwire_next_word(&p, end, &w));
	assert_true(chatwire_word_is(&w, "JOIN"));
	assert_true(chatwire_next_word(&p, end, &w));
	assert_true(chatwire_word_is(&w, "lobby"));
	assert_false(chatwire_word_is(&w, "lobb"));
	assert_true(chatwire_next_word(&p, end, &w));
	assert_true(chatwire_word_is(&w, "now"));
	assert_false(chatwire_next_word(&p, end, &w));
}

static void test_names_and_text(void **state)
{
	assert_true(chatwire_valid_name("alice", 5));
	assert_true(chatwire_valid_name("a.b-c_9", 7));
	assert_true(chatwire_valid_name("0day", 4));
	assert_false(chatwire_valid_name("", 0));
	assert_false(chatwire_valid_name("-lead", 5));
	assert_false(chatwire_valid_name("sp ace", 6));
	assert_false(chatwire_valid_name("ümlaut", strlen("ümlaut")));
	assert_true(chatwire_valid_name("abcdefghijklmnopqrstuvwxyz012345", 32));
	assert_false(chatwire_valid_name("abcdefghijklmnopqrstuvwxyz0123456", 33));
	assert_true(chatwire_valid_text("hello\tworld ü", strlen("hello\tworld ü")));
	assert_false(chatwire_valid_text("", 0));
	assert_false(chatwire_valid_text("bell\a", 5));
	char big[CHAT_TEXT_MAX + 1];
	memset(big, 'z', sizeof(big));
	assert_true(chatwire_valid_text(big, CHAT_TEXT_MAX));
	assert_false(chatwire_valid_text(big, CHAT_TEXT_MAX + 1));
}

static void test_error_names(void **state)
{
	assert_string_equal(chatwire_parse_error_name(CHAT_OK), "ok");
	assert_string_equal(chatwire_parse_error_name(CHAT_E_CTRL), "control character");
	assert_string_equal(chatwire_parse_error_name(99), "?");
	assert_string_equal(chatwire_parse_error_name(-1), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_only),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_builder_round_trip),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_names_and_text),
		cmocka_unit_test(test_error_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
