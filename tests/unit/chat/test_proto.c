/* Unit tests for socklab chat's (TCP) line protocol: names, the hello,
 * ":q", CR stripping; and its options. (The escaping of a peer's line is
 * core/textesc's: test_textesc.c.) */
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

	assert_true(chat_name_valid("alice", 5));
	assert_true(chat_name_valid("A9._-x", 6));
	assert_true(chat_name_valid("7", 1));
	assert_false(chat_name_valid("", 0));
	assert_false(chat_name_valid("-x", 2));
	assert_false(chat_name_valid(".x", 2));
	assert_false(chat_name_valid("a b", 3));
	assert_false(chat_name_valid("a:b", 3));
	assert_false(chat_name_valid("j\xc3\xbcrgen", 7));
	assert_false(chat_name_valid("a\x1b", 2));
	memset(longest, 'n', sizeof(longest));
	assert_true(chat_name_valid(longest, CHAT_TCP_NAME_MAX));
	assert_false(chat_name_valid(longest, CHAT_TCP_NAME_MAX + 1));
}

static void test_hello_round_trip(void **state)
{
	char buf[CHAT_TCP_HELLO_MAX], name[CHAT_TCP_NAME_MAX + 1];
	char longest[CHAT_TCP_NAME_MAX + 1];
	const char *why = NULL;

	assert_int_equal(chat_hello_format("alice", buf, sizeof(buf)), 12);
	assert_string_equal(buf, "HELLO alice\n");
	assert_int_equal(chat_hello_parse((const uint8_t *)buf, 11, name, &why), 0);
	assert_string_equal(name, "alice");

	memset(longest, 'z', CHAT_TCP_NAME_MAX);
	longest[CHAT_TCP_NAME_MAX] = '\0';
	size_t n = chat_hello_format(longest, buf, sizeof(buf));
	assert_int_equal(n, 6 + CHAT_TCP_NAME_MAX + 1);
	assert_int_equal(chat_hello_parse((const uint8_t *)buf, n - 1, name, &why), 0);
	assert_string_equal(name, longest);
}

static void test_hello_extra_fields_are_ignored(void **state)
{
	char name[CHAT_TCP_NAME_MAX + 1];
	const char *why;

	assert_int_equal(chat_hello_parse(S("HELLO bob v2 whatever\x01"), name, &why), 0);
	assert_string_equal(name, "bob");
}

static void test_bad_hellos(void **state)
{
	char name[CHAT_TCP_NAME_MAX + 1];
	const char *why = NULL;

	assert_int_equal(chat_hello_parse(S(""), name, &why), -1);
	assert_non_null(strstr(why, "not 'HELLO <name>'"));
	assert_int_equal(chat_hello_parse(S("HELLO"), name, &why), -1);
	assert_int_equal(chat_hello_parse(S("hello bob"), name, &why), -1);
	assert_int_equal(chat_hello_parse(S("HELO bob"), name, &why), -1);
	why = NULL;
	assert_int_equal(chat_hello_parse(S("HELLO "), name, &why), -1);
	assert_non_null(strstr(why, "name"));
	assert_int_equal(chat_hello_parse(S("HELLO  bob"), name, &why), -1);
	assert_int_equal(chat_hello_parse(S("HELLO b\x1b[2Jb"), name, &why), -1);
	assert_int_equal(chat_hello_parse(S("HELLO 123456789012345678901234567890123"), name,
					      &why), -1);
}

static void test_quit_and_cr(void **state)
{
	assert_true(chat_is_quit(S(":q")));
	assert_false(chat_is_quit(S(":q ")));
	assert_false(chat_is_quit(S(":quit")));
	assert_false(chat_is_quit(S(" :q")));
	assert_false(chat_is_quit(S("")));
	assert_int_equal(chat_strip_cr(S("ab\r")), 2);
	assert_int_equal(chat_strip_cr(S("ab\r\r")), 3);
	assert_int_equal(chat_strip_cr(S("ab")), 2);
	assert_int_equal(chat_strip_cr(S("")), 0);
}

static struct chat_config cfg;
static char err[CHAT_TCP_ERR_MAX];

#define PARSE(...) parse((char *[]){ "chat", __VA_ARGS__, NULL })

static int parse(char **argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	err[0] = '\0';
	return chat_parse_args(argc, argv, &cfg, err, sizeof(err));
}

static void test_options(void **state)
{
	assert_int_equal(PARSE("5000"), TOOL_ARGS_OK);
	assert_null(cfg.host);
	assert_int_equal(cfg.port_num, 5000);
	assert_int_equal(cfg.family, AF_UNSPEC);
	assert_int_equal(cfg.connect_timeout_ms, CHAT_TCP_CONNECT_TIMEOUT_MS);
	assert_true(chat_name_valid(cfg.name, strlen(cfg.name)));

	assert_int_equal(PARSE("--name", "bob", "-6", "-w", "0.5", "--no-fallback", "::1", "7"),
			 TOOL_ARGS_OK);
	assert_string_equal(cfg.host, "::1");
	assert_string_equal(cfg.port, "7");
	assert_string_equal(cfg.name, "bob");
	assert_int_equal(cfg.family, AF_INET6);
	assert_int_equal(cfg.connect_timeout_ms, 500);
	assert_true(cfg.no_fallback);

	assert_int_equal(PARSE("0"), TOOL_ARGS_OK);
	assert_int_equal(PARSE("--help"), TOOL_ARGS_HELP);
	assert_int_equal(PARSE("--version"), TOOL_ARGS_VERSION);

	assert_int_equal(PARSE("h", "0"), TOOL_ARGS_USAGE);
	assert_string_equal(err, "PORT 0: not a port to connect to (1-65535)");
	assert_int_equal(PARSE("-w", "2", "5"), TOOL_ARGS_USAGE);
	assert_string_equal(err, "cannot use -w without HOST");
	assert_int_equal(PARSE("--name", "x y", "5"), TOOL_ARGS_USAGE);
	assert_int_equal(PARSE("a", "b", "c"), TOOL_ARGS_USAGE);
	assert_string_equal(err, "unexpected argument 'c'");
}

static void test_default_name(void **state)
{
	char name[CHAT_TCP_NAME_MAX + 1];

	chat_default_name(name, sizeof(name));
	assert_true(chat_name_valid(name, strlen(name)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_hello_round_trip),
		cmocka_unit_test(test_hello_extra_fields_are_ignored),
		cmocka_unit_test(test_bad_hellos),
		cmocka_unit_test(test_quit_and_cr),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_default_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
