/* Unit tests for chat-client's display: each server message as the output
 * line a script can rely on, lists gathered over several messages and
 * bounded, and the target (room or poked user) that follows the server's
 * confirmations only. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat_client/display.h"
#include "chat_client/target.h"

static struct chatcli_display disp;
static struct chatcli_event ev;

static const struct chatcli_event *event(const char *line)
{
	chatcli_event_parse(line, strlen(line), &ev);
	return &ev;
}

/* The line shown for a message, "" if none; where it goes in *out. */
static const char *show(const char *msg, enum chatcli_out *out)
{
	const char *line = "";
	enum chatcli_out where = chatcli_display_event(&disp, event(msg), &line);
	if (out)
		*out = where;
	return where == CHATCLI_OUT_NONE ? "" : line;
}

static void assert_shows(const char *msg, const char *expect)
{
	enum chatcli_out where;
	assert_string_equal(show(msg, &where), expect);
	assert_int_equal(where, CHATCLI_OUT_STDOUT);
}

static int setup(void **state)
{
	chatcli_display_init(&disp);
	return 0;
}

static void test_messages(void **state)
{
	assert_shows("MSG lobby alice hello there", "[lobby] alice: hello there");
	assert_shows("MSG lobby alice  two  spaces ", "[lobby] alice:  two  spaces ");
	assert_shows("PRIV bob psst", "[private] bob: psst");
	assert_shows("JOINED lobby bob", "* bob joined lobby");
	assert_shows("LEFT lobby bob", "* bob left lobby");
	assert_shows("KICKED lobby carol", "* you were kicked from lobby by carol");
}

static void test_confirmations(void **state)
{
	assert_shows("OK create lobby", "created room lobby");
	assert_shows("OK join lobby", "joined lobby");
	assert_shows("OK leave lobby", "left lobby");
	assert_shows("OK poke bob", "poked bob: plain lines go to bob");
	assert_shows("OK kick lobby 2", "kicked 2 from lobby");
	assert_shows("OK bye", "bye");
	assert_shows("OK later things", "ok: later things");
	/* WELCOME is told by the session, with the server's address */
	assert_string_equal(show("WELCOME alice", NULL), "");
	assert_int_equal(event("WELCOME alice")->kind, CHATCLI_EV_WELCOME);
}

static void test_errors(void **state)
{
	assert_shows("ERR no-such-user there is no user bob", "error: there is no user bob");
	assert_shows("ERR flood", "error: flood");
	assert_int_equal(event("ERR no-session unknown")->kind, CHATCLI_EV_ERR);
	assert_true(chatcli_event_what_is(&ev, "no-session"));
}

static void test_lists(void **state)
{
	assert_shows("LIST users end alice bob carol", "users: alice, bob, carol");
	assert_shows("LIST rooms end lobby:3 dev:1", "rooms: lobby (3), dev (1)");
	assert_shows("LIST who end alice bob", "in room: alice, bob");
	assert_shows("LIST users end", "users: (none)");
	assert_shows("LIST rooms end", "rooms: (none)");
	/* split over messages: shown once, at the end */
	assert_string_equal(show("LIST users more a b", NULL), "");
	assert_string_equal(show("LIST users more c", NULL), "");
	assert_shows("LIST users end d", "users: a, b, c, d");
	/* a new list of another kind starts over */
	assert_string_equal(show("LIST users more x", NULL), "");
	assert_shows("LIST rooms end r:1", "rooms: r (1)");
	assert_shows("LIST users end y", "users: y");
}

static void test_long_lists_are_bounded(void **state)
{
	char line[CHAT_LINE_MAX];
	size_t total = 0;

	/* 2000 names of 32 bytes, 10 a message: more than the display keeps */
	for (int m = 0; m < 200; m++) {
		int k = snprintf(line, sizeof(line), "LIST users %s", m == 199 ? "end" : "more");
		for (int i = 0; i < 10; i++)
			k += snprintf(line + k, sizeof(line) - (size_t)k, " u%030d", m * 10 + i);
		const char *out = show(line, NULL);
		if (m < 199)
			assert_string_equal(out, "");
		else
			total = strlen(out);
	}
	assert_true(total > 1000 * 34);
	assert_true(total < CHATCLI_DISPLAY_MAX + 128);
	assert_non_null(strstr(disp.out, "users: u000000000000000000000000000000, "));
	assert_non_null(strstr(disp.out, " more"));
	/* and the next list is whole again */
	assert_shows("LIST users end a", "users: a");
}

static void test_unknown_and_malformed(void **state)
{
	enum chatcli_out where;
	const char *bad[] = {
		"HELLO there", "MSG lobby alice", "MSG lobby", "PRIV bob", "JOINED lobby",
		"JOINED lobby bob extra", "KICKED -lobby carol", "LIST users maybe a", "LIST",
		"OK", "OK join", "OK poke b@d", "ERR", "WELCOME", "MSG lo@bby alice hi",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(event(bad[i])->kind, CHATCLI_EV_UNKNOWN);
		char expect[128];
		snprintf(expect, sizeof(expect), "unexpected message from the server: %s", bad[i]);
		assert_string_equal(show(bad[i], &where), expect);
		assert_int_equal(where, CHATCLI_OUT_STDERR);
	}
}

static void test_target_follows_confirmations(void **state)
{
	struct chatcli_target t;
	char prompt[CHATCLI_PROMPT_MAX];

	chatcli_target_clear(&t);
	chatcli_target_prompt(&t, prompt, sizeof(prompt));
	assert_string_equal(prompt, "> ");
	chatcli_target_apply(&t, event("OK create lobby"));
	assert_string_equal(t.room, "lobby");
	chatcli_target_prompt(&t, prompt, sizeof(prompt));
	assert_string_equal(prompt, "lobby> ");
	chatcli_target_apply(&t, event("OK poke bob"));
	assert_string_equal(t.poke, "bob");
	assert_string_equal(t.room, "lobby"); /* poking keeps the room */
	chatcli_target_prompt(&t, prompt, sizeof(prompt));
	assert_string_equal(prompt, "@bob> ");
	chatcli_target_apply(&t, event("OK join dev"));
	assert_string_equal(t.room, "dev");
	assert_string_equal(t.poke, ""); /* joining ends the poke */
	chatcli_target_apply(&t, event("KICKED other carol"));
	assert_string_equal(t.room, "dev");
	chatcli_target_apply(&t, event("KICKED dev carol"));
	assert_string_equal(t.room, "");
	chatcli_target_apply(&t, event("OK join dev"));
	chatcli_target_apply(&t, event("MSG dev x hi"));
	chatcli_target_apply(&t, event("ERR no-such-room no"));
	assert_string_equal(t.room, "dev");
	chatcli_target_apply(&t, event("OK leave dev"));
	assert_string_equal(t.room, "");
	chatcli_target_prompt(&t, prompt, sizeof(prompt));
	assert_string_equal(prompt, "> ");
	/* the longest name fits the prompt */
	chatcli_target_apply(&t, event("OK poke abcdefghijabcdefghijabcdefghij12"));
	chatcli_target_prompt(&t, prompt, sizeof(prompt));
	assert_string_equal(prompt, "@abcdefghijabcdefghijabcdefghij12> ");
}

static void test_answers(void **state)
{
	assert_true(chatcli_event_answers(event("OK join lobby"), "join"));
	assert_false(chatcli_event_answers(event("OK poke bob"), "join"));
	assert_true(chatcli_event_answers(event("ERR no-such-room no room x"), "join"));
	assert_false(chatcli_event_answers(event("ERR flood slow down"), "join"));
	assert_false(chatcli_event_answers(event("ERR too-long"), "join"));
	assert_false(chatcli_event_answers(event("MSG lobby a hi"), "join"));
	assert_false(chatcli_event_answers(event("OK join lobby"), NULL));
}

/* Only refusals that a plain line alone can get change the exit status. */
static void test_refuses_line(void **state)
{
	assert_true(chatcli_event_refuses_line(event("ERR flood more than 20 lines a second")));
	assert_true(chatcli_event_refuses_line(event("ERR too-long a line is at most 512 bytes")));
	assert_false(chatcli_event_refuses_line(event("ERR no-such-room no room x")));
	assert_false(chatcli_event_refuses_line(event("MSG lobby a flood")));
	assert_false(chatcli_event_refuses_line(event("OK join lobby")));
}

/* What another user or the server sends cannot drive the terminal: C1
 * controls, bidirectional overrides and malformed UTF-8 are escaped as the
 * TCP chat escapes them (core/textesc), wherever they are shown. */
static void test_hostile_bytes_are_escaped(void **state)
{
	enum chatcli_out where;

	assert_shows("MSG lobby mallory csi \xc2\x9b" "2J rlo \xe2\x80\xae" "evil \xff end \t tab",
		     "[lobby] mallory: csi \\u009B2J rlo \\u202Eevil \\xff end \\t tab");
	assert_shows("PRIV mallory \xe2\x81\xa6isolate\xc0\xaf",
		     "[private] mallory: \\u2066isolate\\xc0\\xaf");
	assert_shows("ERR odd \xc2\x9b" "2J", "error: \\u009B2J");
	assert_shows("LIST users end a\xc2\x9b b", "users: a\\u009B, b");
	assert_string_equal(show("FROB \xe2\x80\xae\xff", &where),
			    "unexpected message from the server: FROB \\u202E\\xff");
	assert_int_equal(where, CHATCLI_OUT_STDERR);
	assert_shows("MSG lobby bob gr\xc3\xbc\xc3\x9f" "e \xe2\x9c\x93", "[lobby] bob: gr\xc3\xbc\xc3\x9f" "e \xe2\x9c\x93");
}

static void test_actions(void **state)
{
	assert_shows("MSG lobby alice * alice waves", "[lobby] * alice waves");
	assert_shows("PRIV bob * bob nods off", "[private] * bob nods off");
	/* another name, or no space after it: plain text */
	assert_shows("MSG lobby alice * bob waves", "[lobby] alice: * bob waves");
	assert_shows("MSG lobby alice * alicewaves", "[lobby] alice: * alicewaves");
	assert_shows("MSG lobby alice * alice", "[lobby] alice: * alice");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_messages, setup),
		cmocka_unit_test_setup(test_confirmations, setup),
		cmocka_unit_test_setup(test_errors, setup),
		cmocka_unit_test_setup(test_lists, setup),
		cmocka_unit_test_setup(test_long_lists_are_bounded, setup),
		cmocka_unit_test_setup(test_unknown_and_malformed, setup),
		cmocka_unit_test_setup(test_target_follows_confirmations, setup),
		cmocka_unit_test_setup(test_answers, setup),
		cmocka_unit_test_setup(test_refuses_line, setup),
		cmocka_unit_test_setup(test_hostile_bytes_are_escaped, setup),
		cmocka_unit_test_setup(test_actions, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
