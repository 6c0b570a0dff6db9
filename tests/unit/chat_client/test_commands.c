/* Unit tests for chat-client's command parser: every command of seed 003's
 * table and the client's own, where plain lines go, and the lines that are
 * refused before anything is sent (too long, control characters, unknown
 * commands, bad arguments). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "chat_client/commands.h"

static struct chatcli_cmd cmd;

static const struct chatcli_cmd *parse_in(const char *line, const char *room, const char *poke)
{
	struct chatcli_target t;

	chatcli_target_clear(&t);
	strcpy(t.room, room);
	strcpy(t.poke, poke);
	chatcli_cmd_parse(line, strlen(line), &t, &cmd);
	return &cmd;
}

static const struct chatcli_cmd *parse(const char *line)
{
	return parse_in(line, "", "");
}

static void assert_sends(const struct chatcli_cmd *c, const char *msg)
{
	assert_int_equal(c->kind, CHATCLI_CMD_SEND);
	assert_int_equal(c->len, strlen(msg));
	assert_memory_equal(c->line, msg, c->len);
}

static void test_seed_table(void **state)
{
	assert_sends(parse("$userlist"), "USERS");
	assert_sends(parse("$roomlist"), "ROOMS");
	assert_sends(parse("$who"), "WHO");
	assert_sends(parse("$poke bob"), "POKE bob");
	assert_sends(parse("$roomcreate lobby"), "CREATE lobby");
	assert_sends(parse("$roomjoin dev-2.x"), "JOIN dev-2.x");
	assert_sends(parse("$roomleave"), "LEAVE");
	assert_sends(parse("$kick"), "KICK");
	assert_int_equal(parse("$help")->kind, CHATCLI_CMD_HELP);
	assert_int_equal(parse("$quit")->kind, CHATCLI_CMD_QUIT);
	/* spaces around words and a CR from a CRLF file do not matter */
	assert_sends(parse("$poke   bob  \r"), "POKE bob");
	assert_sends(parse("$UserList"), "USERS");
}

static void test_commands_that_move_the_target_wait(void **state)
{
	assert_string_equal(parse("$poke bob")->await, "poke");
	assert_string_equal(parse("$roomcreate a")->await, "create");
	assert_string_equal(parse("$roomjoin a")->await, "join");
	assert_string_equal(parse("$roomleave")->await, "leave");
	assert_null(parse("$userlist")->await);
	assert_null(parse("$kick")->await);
	assert_false(parse("$userlist")->paced);
}

static void test_plain_lines_follow_the_target(void **state)
{
	const struct chatcli_cmd *c = parse_in("hello, world", "lobby", "");
	assert_sends(c, "SAY hello, world");
	assert_true(c->paced);
	assert_null(c->await);
	assert_sends(parse_in("psst", "lobby", "bob"), "PRIV bob psst");
	assert_sends(parse_in("psst", "", "bob"), "PRIV bob psst");
	/* text keeps its spaces and tabs as typed */
	assert_sends(parse_in("  two  spaces\tand a tab ", "lobby", ""),
		     "SAY   two  spaces\tand a tab ");
	c = parse("hello");
	assert_int_equal(c->kind, CHATCLI_CMD_ERROR);
	assert_string_equal(c->text,
			    "not in a room and no one poked: $roomjoin ROOM or $poke USER first");
}

static void test_dollar_dollar_is_text(void **state)
{
	assert_sends(parse_in("$$5 is cheap", "lobby", ""), "SAY $5 is cheap");
	assert_sends(parse_in("$$", "lobby", ""), "SAY $");
}

static void test_empty_lines_do_nothing(void **state)
{
	assert_int_equal(parse_in("", "lobby", "")->kind, CHATCLI_CMD_NONE);
	assert_int_equal(parse_in("   \t ", "lobby", "")->kind, CHATCLI_CMD_NONE);
	assert_int_equal(parse_in("\r", "lobby", "")->kind, CHATCLI_CMD_NONE);
}

static void test_length_limit_is_exact(void **state)
{
	char line[CHAT_TEXT_MAX + 2];

	memset(line, 'x', sizeof(line));
	line[CHAT_TEXT_MAX] = '\0';
	const struct chatcli_cmd *c = parse_in(line, "lobby", "");
	assert_int_equal(c->kind, CHATCLI_CMD_SEND);
	assert_int_equal(c->len, 4 + CHAT_TEXT_MAX);
	/* the longest PRIV fits a message line */
	c = parse_in(line, "lobby", "abcdefghijabcdefghijabcdefghij12");
	assert_int_equal(c->kind, CHATCLI_CMD_SEND);
	assert_true(c->len + 14 <= CHAT_LINE_MAX);

	line[CHAT_TEXT_MAX] = 'x';
	line[CHAT_TEXT_MAX + 1] = '\0';
	c = parse_in(line, "lobby", "");
	assert_int_equal(c->kind, CHATCLI_CMD_ERROR);
	assert_string_equal(c->text, "line of 513 bytes is longer than 512: not sent (split it)");
	/* "$$" and 511 bytes is a text of 512: "$" and the 511 */
	char dd[CHAT_TEXT_MAX + 3] = "$$";
	memset(dd + 2, 'y', CHAT_TEXT_MAX - 1);
	dd[CHAT_TEXT_MAX + 1] = '\0';
	c = parse_in(dd, "lobby", "");
	assert_int_equal(c->kind, CHATCLI_CMD_SEND);
	assert_int_equal(c->len, 4 + CHAT_TEXT_MAX);
	assert_memory_equal(c->line, "SAY $yy", 7);
	dd[CHAT_TEXT_MAX + 1] = 'y';
	dd[CHAT_TEXT_MAX + 2] = '\0';
	assert_int_equal(parse_in(dd, "lobby", "")->kind, CHATCLI_CMD_ERROR);
}

static void test_control_characters_are_refused(void **state)
{
	const struct chatcli_cmd *c = parse_in("bell\a here", "lobby", "");
	assert_int_equal(c->kind, CHATCLI_CMD_ERROR);
	assert_string_equal(c->text, "line has a control character (0x07) at byte 5: not sent");
	assert_int_equal(parse_in("esc \x1b[2J", "lobby", "")->kind, CHATCLI_CMD_ERROR);
	assert_int_equal(parse_in("del \x7f", "lobby", "")->kind, CHATCLI_CMD_ERROR);
	assert_int_equal(parse_in("cr\r in the middle", "lobby", "")->kind, CHATCLI_CMD_ERROR);
	assert_int_equal(parse_in("$poke b\x01ob", "lobby", "")->kind, CHATCLI_CMD_ERROR);
	/* UTF-8 is text */
	assert_sends(parse_in("grüße ☺", "lobby", ""), "SAY grüße ☺");
}

static void test_unknown_commands_list_the_commands(void **state)
{
	const struct chatcli_cmd *c = parse("$bogus arg");
	assert_int_equal(c->kind, CHATCLI_CMD_ERROR);
	assert_string_equal(c->text, "unknown command $bogus — commands: $userlist $roomlist $who "
				     "$poke USER $roomcreate ROOM $roomjoin ROOM $roomleave $kick "
				     "$help $quit");
	assert_int_equal(parse("$")->kind, CHATCLI_CMD_ERROR);
	assert_non_null(strstr(parse("$")->text, "unknown command $ —"));
	assert_string_equal(parse("$roomjion lobby")->text,
			    "unknown command $roomjion (did you mean $roomjoin?)");
	/* a long command name is cut in the message, never overflows it */
	char longcmd[700] = "$";
	memset(longcmd + 1, 'z', 600);
	longcmd[601] = '\0';
	c = parse(longcmd);
	assert_int_equal(c->kind, CHATCLI_CMD_ERROR);
	assert_true(strlen(c->text) < CHATCLI_CMD_TEXT_MAX);
}

static void test_bad_arguments(void **state)
{
	const struct chatcli_cmd *c = parse("$poke");
	assert_int_equal(c->kind, CHATCLI_CMD_ERROR);
	assert_string_equal(c->text, "$poke takes one USER: $poke USER");
	assert_string_equal(parse("$roomjoin a b")->text, "$roomjoin takes one ROOM: $roomjoin ROOM");
	assert_string_equal(parse("$userlist now")->text, "$userlist takes no arguments");
	assert_string_equal(parse("$quit now")->text, "$quit takes no arguments");
	c = parse("$roomcreate -x");
	assert_int_equal(c->kind, CHATCLI_CMD_ERROR);
	assert_string_equal(c->text, "'-x' is not a room name: 1 to 32 of A-Z a-z 0-9 _ - . "
				     "starting with a letter or digit");
	assert_int_equal(parse("$poke abcdefghijabcdefghijabcdefghij123")->kind, CHATCLI_CMD_ERROR);
	assert_sends(parse("$poke abcdefghijabcdefghijabcdefghij12"),
		     "POKE abcdefghijabcdefghijabcdefghij12");
	assert_int_equal(parse("$poke b@d")->kind, CHATCLI_CMD_ERROR);
}

static void test_joining_my_own_room(void **state)
{
	const struct chatcli_cmd *c = parse_in("$roomjoin lobby", "lobby", "bob");
	assert_int_equal(c->kind, CHATCLI_CMD_UNPOKE);
	assert_string_equal(c->text, "plain lines go to lobby again");
	c = parse_in("$roomjoin lobby", "lobby", "");
	assert_int_equal(c->kind, CHATCLI_CMD_NOTE);
	assert_string_equal(c->text, "already in lobby");
	assert_sends(parse_in("$roomjoin dev", "lobby", "bob"), "JOIN dev");
}

static const struct chatcli_cmd *parse_me(const char *line, const char *room, const char *poke)
{
	struct chatcli_target t;

	chatcli_target_clear(&t);
	strcpy(t.room, room);
	strcpy(t.poke, poke);
	strcpy(t.me, "alice");
	chatcli_cmd_parse(line, strlen(line), &t, &cmd);
	return &cmd;
}

static void test_irc_aliases(void **state)
{
	assert_sends(parse("/join #lobby"), "JOIN lobby");
	assert_string_equal(cmd.await, "join");
	assert_true(cmd.create_if_missing); /* as IRC's /join */
	assert_sends(parse("$roomjoin lobby"), "JOIN lobby");
	assert_false(cmd.create_if_missing);
	assert_sends(parse("/JOIN lobby"), "JOIN lobby");
	assert_sends(parse("/create #dev"), "CREATE dev");
	assert_sends(parse("/list"), "ROOMS");
	assert_sends(parse("/users"), "USERS");
	assert_sends(parse_in("/names", "lobby", ""), "WHO");
	assert_sends(parse_in("/names #lobby", "lobby", ""), "WHO");
	assert_sends(parse_in("/part", "lobby", ""), "LEAVE");
	assert_sends(parse_in("/part #lobby bye all", "lobby", ""), "LEAVE");
	assert_sends(parse("/query bob"), "POKE bob");
	assert_sends(parse("/roomjoin lobby"), "JOIN lobby");
	assert_int_equal(parse("/quit see you")->kind, CHATCLI_CMD_QUIT);
	assert_int_equal(parse("/help me")->kind, CHATCLI_CMD_HELP);
	/* #room in the $ commands too */
	assert_sends(parse("$roomjoin #lobby"), "JOIN lobby");
	assert_int_equal(parse("$roomjoin #")->kind, CHATCLI_CMD_ERROR);
}

static void test_msg_and_me(void **state)
{
	const struct chatcli_cmd *c = parse_in("/msg bob  hi  there ", "lobby", "");
	assert_sends(c, "PRIV bob hi  there ");
	assert_true(c->paced);
	assert_sends(parse_in("/msg #lobby all", "lobby", "carol"), "SAY all");
	c = parse_in("/msg #dev all", "lobby", "");
	assert_int_equal(c->kind, CHATCLI_CMD_ERROR);
	assert_string_equal(c->text, "/msg #dev: you are not in dev (/join #dev first)");
	assert_int_equal(parse_in("/msg bob", "lobby", "")->kind, CHATCLI_CMD_ERROR);
	assert_int_equal(parse_in("/msg b@d hi", "lobby", "")->kind, CHATCLI_CMD_ERROR);
	assert_sends(parse_me("/me waves", "lobby", ""), "SAY * alice waves");
	assert_sends(parse_me("/me waves", "lobby", "bob"), "PRIV bob * alice waves");
	assert_int_equal(parse_me("/me waves", "", "")->kind, CHATCLI_CMD_ERROR);
	assert_int_equal(parse_me("/me   ", "lobby", "")->kind, CHATCLI_CMD_ERROR);
}

static void test_slash_is_never_text_by_mistake(void **state)
{
	const struct chatcli_cmd *c = parse_in("/jion #lobby", "lobby", "");
	assert_int_equal(c->kind, CHATCLI_CMD_ERROR);
	assert_string_equal(c->text, "unknown command /jion (did you mean /join?); not sent");
	assert_int_equal(parse_in("/xyzzy", "lobby", "")->kind, CHATCLI_CMD_ERROR);
	assert_int_equal(parse_in("/", "lobby", "")->kind, CHATCLI_CMD_ERROR);
	assert_int_equal(parse_in("/ text", "lobby", "")->kind, CHATCLI_CMD_ERROR);
	assert_int_equal(parse_in("/nick bob", "lobby", "")->kind, CHATCLI_CMD_ERROR);
	c = parse_in("/part #dev", "lobby", "");
	assert_int_equal(c->kind, CHATCLI_CMD_ERROR);
	assert_string_equal(c->text, "/part dev: you are in lobby (/list shows every room)");
	assert_sends(parse_in("//text", "lobby", ""), "SAY /text");
	assert_sends(parse_in("// spaced", "lobby", ""), "SAY / spaced");
	assert_sends(parse_in(" /join x", "lobby", ""), "SAY  /join x");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_table),
		cmocka_unit_test(test_commands_that_move_the_target_wait),
		cmocka_unit_test(test_plain_lines_follow_the_target),
		cmocka_unit_test(test_dollar_dollar_is_text),
		cmocka_unit_test(test_empty_lines_do_nothing),
		cmocka_unit_test(test_length_limit_is_exact),
		cmocka_unit_test(test_control_characters_are_refused),
		cmocka_unit_test(test_unknown_commands_list_the_commands),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_joining_my_own_room),
		cmocka_unit_test(test_irc_aliases),
		cmocka_unit_test(test_msg_and_me),
		cmocka_unit_test(test_slash_is_never_text_by_mistake),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
