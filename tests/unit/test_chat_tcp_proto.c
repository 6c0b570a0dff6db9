/* Unit tests for socklab chat's (TCP) line protocol: names, the hello,
 * ":q", CR stripping, and the escaping that keeps a peer's control bytes,
 * broken UTF-8 and bidi overrides away from the terminal; and its options. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "chat/options.h"
#include "chat/proto.h"

#define S(lit) (const uint8_t *)(lit), sizeof(lit) - 1

static void test_names(void **state)
{
	char longest[CHAT_TCP_NAME_MAX + 2];

	assert_true(chat_tcp_name_valid("alice", 5));
	assert_true(chat_tcp_name_valid("A9._-x", 6));
	assert_true(chat_tcp_name_valid("7", 1));
	assert_false(chat_tcp_name_valid("", 0));
	assert_false(chat_tcp_name_valid("-x", 2));
	assert_false(chat_tcp_name_valid(".x", 2));
	assert_false(chat_tcp_name_valid("a b", 3));
	assert_false(chat_tcp_name_valid("a:b", 3));
	assert_false(chat_tcp_name_valid("j\xc3\xbcrgen", 7));
	assert_false(chat_tcp_name_valid("a\x1b", 2));
	memset(longest, 'n', sizeof(longest));
	assert_true(chat_tcp_name_valid(longest, CHAT_TCP_NAME_MAX));
	assert_false(chat_tcp_name_valid(longest, CHAT_TCP_NAME_MAX + 1));
}

static void test_hello_round_trip(void **state)
{
	char buf[CHAT_TCP_HELLO_MAX], name[CHAT_TCP_NAME_MAX + 1];
	char longest[CHAT_TCP_NAME_MAX + 1];
	const char *why = NULL;

	assert_int_equal(chat_tcp_hello_format("alice", buf, sizeof(buf)), 12);
	assert_string_equal(buf, "HELLO alice\n");
	assert_int_equal(chat_tcp_hello_parse((const uint8_t *)buf, 11, name, &why), 0);
	assert_string_equal(name, "alice");

	memset(longest, 'z', CHAT_TCP_NAME_MAX);
	longest[CHAT_TCP_NAME_MAX] = '\0';
	size_t n = chat_tcp_hello_format(longest, buf, sizeof(buf));
	assert_int_equal(n, 6 + CHAT_TCP_NAME_MAX + 1);
	assert_int_equal(chat_tcp_hello_parse((const uint8_t *)buf, n - 1, name, &why), 0);
	assert_string_equal(name, longest);
}

static void test_hello_extra_fields_are_ignored(void **state)
{
	char name[CHAT_TCP_NAME_MAX + 1];
	const char *why;

	assert_int_equal(chat_tcp_hello_parse(S("HELLO bob v2 whatever\x01"), name, &why), 0);
	assert_string_equal(name, "bob");
}

static void test_bad_hellos(void **state)
{
	char name[CHAT_TCP_NAME_MAX + 1];
	const char *why = NULL;

	assert_int_equal(chat_tcp_hello_parse(S(""), name, &why), -1);
	assert_non_null(strstr(why, "not 'HELLO <name>'"));
	assert_int_equal(chat_tcp_hello_parse(S("HELLO"), name, &why), -1);
	assert_int_equal(chat_tcp_hello_parse(S("hello bob"), name, &why), -1);
	assert_int_equal(chat_tcp_hello_parse(S("HELO bob"), name, &why), -1);
	why = NULL;
	assert_int_equal(chat_tcp_hello_parse(S("HELLO "), name, &why), -1);
	assert_non_null(strstr(why, "name"));
	assert_int_equal(chat_tcp_hello_parse(S("HELLO  bob"), name, &why), -1);
	assert_int_equal(chat_tcp_hello_parse(S("HELLO b\x1b[2Jb"), name, &why), -1);
	assert_int_equal(chat_tcp_hello_parse(S("HELLO 123456789012345678901234567890123"), name,
					      &why), -1);
}

static void test_quit_and_cr(void **state)
{
	assert_true(chat_tcp_is_quit(S(":q")));
	assert_false(chat_tcp_is_quit(S(":q ")));
	assert_false(chat_tcp_is_quit(S(":quit")));
	assert_false(chat_tcp_is_quit(S(" :q")));
	assert_false(chat_tcp_is_quit(S("")));
	assert_int_equal(chat_tcp_strip_cr(S("ab\r")), 2);
	assert_int_equal(chat_tcp_strip_cr(S("ab\r\r")), 3);
	assert_int_equal(chat_tcp_strip_cr(S("ab")), 2);
	assert_int_equal(chat_tcp_strip_cr(S("")), 0);
}

static void expect_escaped(const uint8_t *in, size_t n, const char *want)
{
	char *out = malloc(4 * n + 1);

	assert_non_null(out);
	assert_int_equal(chat_tcp_escape(in, n, out), strlen(want));
	assert_string_equal(out, want);
	free(out);
}

static void test_escape_controls(void **state)
{
	expect_escaped(S("plain text, 100% ~ok~"), "plain text, 100% ~ok~");
	expect_escaped(S("back\\slash"), "back\\slash");
	expect_escaped(S("\x1b[2J\x07"), "\\x1b[2J\\x07");
	expect_escaped(S("a\tb"), "a\\tb");
	expect_escaped(S("nul\0x"), "nul\\x00x");
	expect_escaped(S("\r\n\x7f\x08"), "\\x0d\\x0a\\x7f\\x08");
	expect_escaped(S(""), "");
}

static void test_escape_utf8(void **state)
{
	/* Well-formed: as is, 2, 3 and 4 bytes. */
	expect_escaped(S("gr\xc3\xbc\xc3\x9f" "e \xe2\x9c\x93 \xf0\x9f\x98\x80"),
		       "gr\xc3\xbc\xc3\x9f" "e \xe2\x9c\x93 \xf0\x9f\x98\x80");
	/* Stray continuation, lone lead, bytes never in UTF-8. */
	expect_escaped(S("\x80\xbf"), "\\x80\\xbf");
	expect_escaped(S("\xc3"), "\\xc3");
	expect_escaped(S("\xc3x"), "\\xc3x");
	expect_escaped(S("\xff\xfe\xc0\xc1\xf5"), "\\xff\\xfe\\xc0\\xc1\\xf5");
	/* Overlong, surrogate, above U+10FFFF, truncated. */
	expect_escaped(S("\xc0\xaf"), "\\xc0\\xaf");
	expect_escaped(S("\xe0\x80\xaf"), "\\xe0\\x80\\xaf");
	expect_escaped(S("\xed\xa0\x80"), "\\xed\\xa0\\x80");
	expect_escaped(S("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");
	expect_escaped(S("\xf0\x9f\x98"), "\\xf0\\x9f\\x98");
	/* C1 controls (CSI is U+009B) and bidirectional overrides. */
	expect_escaped(S("\xc2\x9b" "31m"), "\\u009B31m");
	expect_escaped(S("\xc2\x85"), "\\u0085");
	expect_escaped(S("\xe2\x80\xae" "evil"), "\\u202Eevil");
	expect_escaped(S("\xe2\x81\xa6\xe2\x81\xa9\xe2\x80\x8f\xd8\x9c"),
		       "\\u2066\\u2069\\u200F\\u061C");
	/* Neighbours that are fine. */
	expect_escaped(S("\xc2\xa0\xe2\x80\xaf"), "\xc2\xa0\xe2\x80\xaf");
}

static void test_escape_worst_case_fits(void **state)
{
	static uint8_t in[CHAT_TCP_LINE_MAX];
	static char out[CHAT_TCP_ESCAPED_MAX + 16];

	memset(in, 0x1b, sizeof(in));
	memset(out, 'Z', sizeof(out));
	assert_int_equal(chat_tcp_escape(in, sizeof(in), out), 4 * CHAT_TCP_LINE_MAX);
	assert_int_equal(out[CHAT_TCP_ESCAPED_MAX - 1], '\0');
	assert_int_equal(out[CHAT_TCP_ESCAPED_MAX], 'Z');
	/* Two-byte C1 controls: 6 characters for 2 bytes. */
	for (size_t i = 0; i + 1 < sizeof(in); i += 2) {
		in[i] = 0xc2;
		in[i + 1] = 0x9b;
	}
	assert_int_equal(chat_tcp_escape(in, sizeof(in), out), 3 * CHAT_TCP_LINE_MAX);
}

static struct chat_tcp_config cfg;
static char err[CHAT_TCP_ERR_MAX];

#define PARSE(...) parse((char *[]){ "chat", __VA_ARGS__, NULL })

static int parse(char **argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	err[0] = '\0';
	return chat_tcp_parse_args(argc, argv, &cfg, err, sizeof(err));
}

static void test_options(void **state)
{
	assert_int_equal(PARSE("5000"), CHAT_TCP_ARGS_OK);
	assert_null(cfg.host);
	assert_int_equal(cfg.port_num, 5000);
	assert_int_equal(cfg.family, AF_UNSPEC);
	assert_int_equal(cfg.connect_timeout_ms, CHAT_TCP_CONNECT_TIMEOUT_MS);
	assert_true(chat_tcp_name_valid(cfg.name, strlen(cfg.name)));

	assert_int_equal(PARSE("--name", "bob", "-6", "-w", "0.5", "--no-fallback", "::1", "7"),
			 CHAT_TCP_ARGS_OK);
	assert_string_equal(cfg.host, "::1");
	assert_string_equal(cfg.port, "7");
	assert_string_equal(cfg.name, "bob");
	assert_int_equal(cfg.family, AF_INET6);
	assert_int_equal(cfg.connect_timeout_ms, 500);
	assert_true(cfg.no_fallback);

	assert_int_equal(PARSE("0"), CHAT_TCP_ARGS_OK);
	assert_int_equal(PARSE("--help"), CHAT_TCP_ARGS_HELP);
	assert_int_equal(PARSE("--version"), CHAT_TCP_ARGS_VERSION);

	assert_int_equal(PARSE("h", "0"), CHAT_TCP_ARGS_USAGE);
	assert_string_equal(err, "PORT 0: not a port to connect to (1-65535)");
	assert_int_equal(PARSE("-w", "2", "5"), CHAT_TCP_ARGS_USAGE);
	assert_string_equal(err, "cannot use -w without HOST");
	assert_int_equal(PARSE("--name", "x y", "5"), CHAT_TCP_ARGS_USAGE);
	assert_int_equal(PARSE("a", "b", "c"), CHAT_TCP_ARGS_USAGE);
	assert_string_equal(err, "unexpected argument 'c'");
}

static void test_default_name(void **state)
{
	char name[CHAT_TCP_NAME_MAX + 1];

	chat_tcp_default_name(name, sizeof(name));
	assert_true(chat_tcp_name_valid(name, strlen(name)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_hello_round_trip),
		cmocka_unit_test(test_hello_extra_fields_are_ignored),
		cmocka_unit_test(test_bad_hellos),
		cmocka_unit_test(test_quit_and_cr),
		cmocka_unit_test(test_escape_controls),
		cmocka_unit_test(test_escape_utf8),
		cmocka_unit_test(test_escape_worst_case_fits),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_default_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
