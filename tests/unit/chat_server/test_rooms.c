/* Unit tests for socklab chat-server's pure parts: the user table (names,
 * tokens, limits), the room table (members in join order, the creator role,
 * removal), flood control, and the commands over a fake "send to user"
 * interface that records every line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "chat_server/commands.h"
#include "chat_server/rooms.h"
#include "chat_server/users.h"

#define SEC 1000000ULL

static const uint8_t key[16] = "0123456789abcdef";

static struct chatsrv_user *add(struct chatsrv_users *t, const char *name, uint64_t token)
{
	enum chatsrv_err err;
	struct chatsrv_user *u = chatsrv_users_add(t, name, strlen(name), token, &err);

	assert_non_null(u);
	assert_int_equal(err, CHATSRV_OK);
	return u;
}

/* -- users ------------------------------------------------------------------ */

static void test_users_find_by_name_and_token(void **state)
{
	struct chatsrv_users *t = chatsrv_users_new(10, key);
	struct chatsrv_user *a = add(t, "alice", 0xa1), *b = add(t, "bob", 0xb0b);

	assert_ptr_equal(chatsrv_users_by_name(t, "alice", 5), a);
	assert_ptr_equal(chatsrv_users_by_name(t, "bob", 3), b);
	assert_null(chatsrv_users_by_name(t, "ali", 3));
	assert_null(chatsrv_users_by_name(t, "Alice", 5)); /* names are case-sensitive */
	assert_ptr_equal(chatsrv_users_by_token(t, 0xa1), a);
	assert_ptr_equal(chatsrv_users_by_token(t, 0xb0b), b);
	assert_null(chatsrv_users_by_token(t, 0xb0c));
	assert_int_equal(chatsrv_users_count(t), 2);
	assert_string_equal(a->name, "alice");
	assert_true(a->link.tx.next_seq == 1 && a->link.rx.next == 1); /* a fresh link */
	chatsrv_users_free(t);
}

static void test_users_refusals(void **state)
{
	struct chatsrv_users *t = chatsrv_users_new(2, key);
	enum chatsrv_err err;

	add(t, "alice", 1);
	assert_null(chatsrv_users_add(t, "alice", 5, 2, &err));
	assert_int_equal(err, CHATSRV_E_NAME_TAKEN);
	assert_null(chatsrv_users_add(t, "bob", 3, 1, &err));
	assert_int_equal(err, CHATSRV_E_TOKEN_IN_USE);
	assert_null(chatsrv_users_add(t, "-bob", 4, 3, &err));
	assert_int_equal(err, CHATSRV_E_BAD_NAME);
	assert_null(chatsrv_users_add(t, "", 0, 3, &err));
	assert_int_equal(err, CHATSRV_E_BAD_NAME);
	char long_name[40];
	memset(long_name, 'x', sizeof(long_name));
	assert_null(chatsrv_users_add(t, long_name, 33, 3, &err));
	assert_int_equal(err, CHATSRV_E_BAD_NAME);
	assert_non_null(chatsrv_users_add(t, long_name, 32, 3, &err));
	assert_null(chatsrv_users_add(t, "carol", 5, 4, &err));
	assert_int_equal(err, CHATSRV_E_SERVER_FULL);
	assert_string_equal(chatsrv_err_code(CHATSRV_E_SERVER_FULL), "server-full");
	assert_string_equal(chatsrv_err_code(CHATSRV_E_NAME_TAKEN), "name-taken");
	chatsrv_users_free(t);
}

static void test_users_remove_keeps_the_rest(void **state)
{
	struct chatsrv_users *t = chatsrv_users_new(100, key);
	char name[16];

	for (int i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "u%d", i);
		add(t, name, 1000 + (uint64_t)i);
	}
	/* Remove every other one; the rest stay findable both ways. */
	for (int i = 0; i < 100; i += 2)
		chatsrv_users_remove(t, chatsrv_users_by_token(t, 1000 + (uint64_t)i));
	assert_int_equal(chatsrv_users_count(t), 50);
	for (int i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "u%d", i);
		struct chatsrv_user *u = chatsrv_users_by_name(t, name, strlen(name));
		if (i % 2 == 0) {
			assert_null(u);
			assert_null(chatsrv_users_by_token(t, 1000 + (uint64_t)i));
		} else {
			assert_non_null(u);
			assert_ptr_equal(chatsrv_users_by_token(t, 1000 + (uint64_t)i), u);
		}
	}
	for (size_t i = 0; i < chatsrv_users_count(t); i++)
		assert_int_equal(chatsrv_users_at(t, i)->pos, i);
	/* A freed place and a freed name can be taken again. */
	add(t, "u0", 1000);
	chatsrv_users_free(t);
}

static void test_users_sorted(void **state)
{
	struct chatsrv_users *t = chatsrv_users_new(10, key);
	struct chatsrv_user **all;

	add(t, "carol", 3);
	add(t, "al", 1);
	add(t, "alice", 2);
	add(t, "Bob", 4);
	size_t n = chatsrv_users_sorted(t, &all);
	assert_int_equal(n, 4);
	assert_string_equal(all[0]->name, "Bob");
	assert_string_equal(all[1]->name, "al");
	assert_string_equal(all[2]->name, "alice");
	assert_string_equal(all[3]->name, "carol");
	chatsrv_users_free(t);
}

/* -- flood control ---------------------------------------------------------- */

static void test_flood_rate_and_burst(void **state)
{
	struct chatsrv_users *t = chatsrv_users_new(1, key);
	struct chatsrv_user *u = add(t, "alice", 1);
	uint64_t t0 = 5 * SEC;

	chatsrv_user_flood_init(u, 20, t0);
	for (int i = 0; i < 40; i++) /* a burst of twice the rate */
		assert_true(chatsrv_user_flood_ok(u, t0));
	assert_false(chatsrv_user_flood_ok(u, t0));
	assert_false(chatsrv_user_flood_ok(u, t0 + SEC / 20 - 1));
	assert_true(chatsrv_user_flood_ok(u, t0 + SEC / 20)); /* one line per 50 ms */
	assert_false(chatsrv_user_flood_ok(u, t0 + SEC / 20));
	/* A second later: 20 more, not 40. */
	for (int i = 0; i < 20; i++)
		assert_true(chatsrv_user_flood_ok(u, t0 + SEC + SEC / 20));
	assert_false(chatsrv_user_flood_ok(u, t0 + SEC + SEC / 20));
	chatsrv_users_free(t);
}

static void test_flood_rate_zero_is_off(void **state)
{
	struct chatsrv_users *t = chatsrv_users_new(1, key);
	struct chatsrv_user *u = add(t, "alice", 1);

	chatsrv_user_flood_init(u, 0, 0);
	for (int i = 0; i < 100000; i++)
		assert_true(chatsrv_user_flood_ok(u, 0));
	chatsrv_users_free(t);
}

/* -- rooms ------------------------------------------------------------------ */

struct world {
	struct chatsrv_users *users;
	struct chatsrv_rooms *rooms;
	struct chatsrv_user *u[8];
};

static void world_init(struct world *w, size_t max_rooms, size_t max_members)
{
	static const char *const names[8] = { "alice", "bob", "carol", "dave",
					      "erin", "frank", "grace", "heidi" };
	w->users = chatsrv_users_new(8, key);
	w->rooms = chatsrv_rooms_new(max_rooms, max_members, key);
	for (int i = 0; i < 8; i++)
		w->u[i] = add(w->users, names[i], (uint64_t)i + 1);
}

static void world_free(struct world *w)
{
	chatsrv_rooms_free(w->rooms);
	chatsrv_users_free(w->users);
}

static struct chatsrv_room *create(struct world *w, const char *name, struct chatsrv_user *u)
{
	enum chatsrv_err err;
	struct chatsrv_room *r = chatsrv_room_create(w->rooms, name, strlen(name), u, &err);

	assert_non_null(r);
	return r;
}

static void test_rooms_create_join_leave(void **state)
{
	struct world w;

	world_init(&w, 10, 10);
	struct chatsrv_room *r = create(&w, "lobby", w.u[0]);
	assert_ptr_equal(w.u[0]->room, r);
	assert_ptr_equal(chatsrv_room_creator(r), w.u[0]);
	assert_ptr_equal(chatsrv_rooms_find(w.rooms, "lobby", 5), r);
	assert_null(chatsrv_rooms_find(w.rooms, "Lobby", 5));
	assert_int_equal(chatsrv_room_join(w.rooms, r, w.u[1]), CHATSRV_OK);
	assert_int_equal(chatsrv_room_join(w.rooms, r, w.u[2]), CHATSRV_OK);
	assert_int_equal(r->n, 3);
	assert_ptr_equal(r->members[1], w.u[1]);
	assert_ptr_equal(r->members[2], w.u[2]);
	assert_false(chatsrv_room_leave(w.rooms, w.u[1]));
	assert_null(w.u[1]->room);
	assert_int_equal(r->n, 2);
	assert_ptr_equal(r->members[1], w.u[2]);
	assert_false(chatsrv_room_leave(w.rooms, w.u[1])); /* in no room: nothing */
	world_free(&w);
}

static void test_rooms_creator_passes_to_longest_member(void **state)
{
	struct world w;

	world_init(&w, 10, 10);
	struct chatsrv_room *r = create(&w, "lobby", w.u[0]);
	for (int i = 1; i < 4; i++)
		assert_int_equal(chatsrv_room_join(w.rooms, r, w.u[i]), CHATSRV_OK);
	assert_false(chatsrv_room_leave(w.rooms, w.u[0]));
	assert_ptr_equal(chatsrv_room_creator(r), w.u[1]);
	assert_false(chatsrv_room_leave(w.rooms, w.u[2]));
	assert_ptr_equal(chatsrv_room_creator(r), w.u[1]);
	assert_false(chatsrv_room_leave(w.rooms, w.u[1]));
	assert_ptr_equal(chatsrv_room_creator(r), w.u[3]);
	/* The last one out removes the room; its name is free again. */
	assert_true(chatsrv_room_leave(w.rooms, w.u[3]));
	assert_null(chatsrv_rooms_find(w.rooms, "lobby", 5));
	assert_int_equal(chatsrv_rooms_count(w.rooms), 0);
	create(&w, "lobby", w.u[4]);
	world_free(&w);
}

static void test_rooms_kick(void **state)
{
	struct world w;

	world_init(&w, 10, 10);
	struct chatsrv_room *r = create(&w, "lobby", w.u[0]);
	for (int i = 1; i < 5; i++)
		chatsrv_room_join(w.rooms, r, w.u[i]);
	assert_int_equal(chatsrv_room_kick(r), 4);
	assert_int_equal(r->n, 1);
	assert_ptr_equal(w.u[0]->room, r);
	for (int i = 1; i < 5; i++)
		assert_null(w.u[i]->room);
	assert_int_equal(chatsrv_room_kick(r), 0); /* alone: nobody to kick */
	world_free(&w);
}

static void test_rooms_limits(void **state)
{
	struct world w;
	enum chatsrv_err err;

	world_init(&w, 2, 3);
	struct chatsrv_room *r = create(&w, "one", w.u[0]);
	create(&w, "two", w.u[1]);
	assert_null(chatsrv_room_create(w.rooms, "three", 5, w.u[2], &err));
	assert_int_equal(err, CHATSRV_E_TOO_MANY_ROOMS);
	assert_null(chatsrv_room_create(w.rooms, "one", 3, w.u[2], &err));
	assert_int_equal(err, CHATSRV_E_ROOM_EXISTS);
	assert_null(chatsrv_room_create(w.rooms, "bad room", 8, w.u[2], &err));
	assert_int_equal(err, CHATSRV_E_BAD_ROOM);
	assert_null(chatsrv_room_create(w.rooms, "", 0, w.u[2], &err));
	assert_int_equal(err, CHATSRV_E_BAD_ROOM);
	/* Full: a member alone in its room may still create (its room goes). */
	assert_int_equal(chatsrv_room_can_create(w.rooms, "three", 5, w.u[2]),
			 CHATSRV_E_TOO_MANY_ROOMS);
	assert_int_equal(chatsrv_room_can_create(w.rooms, "three", 5, w.u[1]), CHATSRV_OK);
	/* Members: at most 3. */
	assert_int_equal(chatsrv_room_join(w.rooms, r, w.u[2]), CHATSRV_OK);
	assert_int_equal(chatsrv_room_join(w.rooms, r, w.u[3]), CHATSRV_OK);
	assert_int_equal(chatsrv_room_join(w.rooms, r, w.u[4]), CHATSRV_E_ROOM_FULL);
	assert_null(w.u[4]->room);
	assert_int_equal(r->n, 3);
	world_free(&w);
}

static void test_rooms_many_members_grow(void **state)
{
	struct chatsrv_users *users = chatsrv_users_new(300, key);
	struct chatsrv_rooms *rooms = chatsrv_rooms_new(1, 250, key);
	char name[16];
	enum chatsrv_err err;
	struct chatsrv_room *r = NULL;

	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "m%d", i);
		struct chatsrv_user *u = add(users, name, (uint64_t)i + 1);
		if (i == 0)
			r = chatsrv_room_create(rooms, "big", 3, u, &err);
		else
			assert_int_equal(chatsrv_room_join(rooms, r, u),
					 i < 250 ? CHATSRV_OK : CHATSRV_E_ROOM_FULL);
	}
	assert_int_equal(r->n, 250);
	for (int i = 0; i < 250; i++) {
		snprintf(name, sizeof(name), "m%d", i);
		assert_string_equal(r->members[i]->name, name);
	}
	chatsrv_rooms_free(rooms);
	chatsrv_users_free(users);
}

static void test_rooms_sorted(void **state)
{
	struct world w;
	struct chatsrv_room **all;

	world_init(&w, 10, 10);
	create(&w, "zoo", w.u[0]);
	create(&w, "Attic", w.u[1]);
	create(&w, "den", w.u[2]);
	assert_int_equal(chatsrv_rooms_sorted(w.rooms, &all), 3);
	assert_string_equal(all[0]->name, "Attic");
	assert_string_equal(all[1]->name, "den");
	assert_string_equal(all[2]->name, "zoo");
	world_free(&w);
}

/* -- commands over a recording interface ------------------------------------ */

#define REC_MAX 512

struct rec {
	struct { const struct chatsrv_user *to; char line[CHAT_LINE_MAX]; } sent[REC_MAX];
	size_t nsent;
	const char *ended;
	const struct chatsrv_user *ended_user;
	size_t events;
};

static void rec_send(void *io, struct chatsrv_user *u, const char *line, size_t len)
{
	struct rec *r = io;

	assert_true(len <= CHATSRV_LINE_MAX);
	assert_true(r->nsent < REC_MAX);
	r->sent[r->nsent].to = u;
	memcpy(r->sent[r->nsent].line, line, len);
	r->sent[r->nsent].line[len] = '\0';
	r->nsent++;
}

static void rec_end(void *io, struct chatsrv_user *u, const char *reason)
{
	struct rec *r = io;

	r->ended = reason;
	r->ended_user = u;
}

static void rec_event(void *io, const struct chatsrv_event *ev)
{
	((struct rec *)io)->events++;
}

static const struct chatsrv_cmd_ops rec_ops = { rec_send, rec_end, rec_event };

struct cmdworld {
	struct world w;
	struct rec rec;
	struct chatsrv_cmd_ctx c;
};

static void cmd_init(struct cmdworld *cw, size_t max_members)
{
	memset(cw, 0, sizeof(*cw));
	world_init(&cw->w, 10, max_members);
	cw->c = (struct chatsrv_cmd_ctx){ .users = cw->w.users, .rooms = cw->w.rooms,
					  .ops = &rec_ops, .io = &cw->rec, .flood_rate = 20 };
	for (int i = 0; i < 8; i++)
		chatsrv_user_flood_init(cw->w.u[i], 20, 0);
}

static void cmd(struct cmdworld *cw, int who, const char *line)
{
	cw->rec.nsent = 0;
	chatsrv_command(&cw->c, cw->w.u[who], line, strlen(line));
}

/* The line sent to user `to` (the only one to it), or NULL. */
static const char *sent_to(struct cmdworld *cw, int to)
{
	const char *found = NULL;

	for (size_t i = 0; i < cw->rec.nsent; i++) {
		if (cw->rec.sent[i].to == cw->w.u[to]) {
			assert_null(found);
			found = cw->rec.sent[i].line;
		}
	}
	return found;
}

static void test_commands_room_life(void **state)
{
	struct cmdworld cw;

	cmd_init(&cw, 10);
	cmd(&cw, 0, "CREATE lobby");
	assert_string_equal(sent_to(&cw, 0), "OK create lobby");
	cmd(&cw, 1, "JOIN lobby");
	assert_string_equal(sent_to(&cw, 1), "OK join lobby");
	assert_string_equal(sent_to(&cw, 0), "JOINED lobby bob");
	cmd(&cw, 2, "JOIN lobby");
	cmd(&cw, 1, "SAY hi all");
	assert_int_equal(cw.rec.nsent, 2);
	assert_string_equal(sent_to(&cw, 0), "MSG lobby bob hi all");
	assert_string_equal(sent_to(&cw, 2), "MSG lobby bob hi all");
	assert_null(sent_to(&cw, 1));
	cmd(&cw, 1, "KICK");
	assert_true(strncmp(sent_to(&cw, 1), "ERR not-creator only alice ", 27) == 0);
	cmd(&cw, 0, "KICK");
	assert_string_equal(sent_to(&cw, 0), "OK kick lobby 2");
	assert_string_equal(sent_to(&cw, 1), "KICKED lobby alice");
	assert_string_equal(sent_to(&cw, 2), "KICKED lobby alice");
	cmd(&cw, 0, "LEAVE");
	assert_string_equal(sent_to(&cw, 0), "OK leave lobby");
	assert_int_equal(chatsrv_rooms_count(cw.w.rooms), 0);
	cmd(&cw, 0, "BYE");
	assert_string_equal(sent_to(&cw, 0), "OK bye");
	assert_string_equal(cw.rec.ended, "bye");
	assert_ptr_equal(cw.rec.ended_user, cw.w.u[0]);
	world_free(&cw.w);
}

static void test_commands_refused_change_nothing(void **state)
{
	struct cmdworld cw;

	cmd_init(&cw, 2);
	cmd(&cw, 0, "CREATE lobby");
	cmd(&cw, 1, "JOIN lobby");
	cmd(&cw, 2, "CREATE den");
	cmd(&cw, 2, "JOIN lobby");
	assert_true(strncmp(sent_to(&cw, 2), "ERR room-full ", 14) == 0);
	assert_ptr_equal(cw.w.u[2]->room, chatsrv_rooms_find(cw.w.rooms, "den", 3));
	cmd(&cw, 2, "JOIN nowhere");
	assert_true(strncmp(sent_to(&cw, 2), "ERR no-such-room ", 17) == 0);
	assert_non_null(cw.w.u[2]->room);
	cmd(&cw, 2, "CREATE lobby");
	assert_true(strncmp(sent_to(&cw, 2), "ERR room-exists ", 16) == 0);
	cmd(&cw, 3, "SAY x");
	assert_true(strncmp(sent_to(&cw, 3), "ERR not-in-room ", 16) == 0);
	cmd(&cw, 3, "NOPE");
	assert_string_equal(sent_to(&cw, 3), "ERR unknown-command unknown command NOPE");
	world_free(&cw.w);
}

static void test_commands_flood_and_too_long(void **state)
{
	struct cmdworld cw;
	char line[CHAT_LINE_MAX];

	cmd_init(&cw, 10);
	cmd(&cw, 0, "CREATE lobby");
	cmd(&cw, 1, "JOIN lobby");
	memcpy(line, "SAY ", 4);
	memset(line + 4, 'x', 513);
	line[4 + 513] = '\0';
	cmd(&cw, 0, line);
	assert_true(strncmp(sent_to(&cw, 0), "ERR too-long ", 13) == 0);
	assert_null(sent_to(&cw, 1));
	line[4 + 512] = '\0';
	cmd(&cw, 0, line);
	assert_int_equal(strlen(sent_to(&cw, 1)), strlen("MSG lobby alice ") + 512);
	for (int i = 1; i < 40; i++) { /* the burst, less the line above */
		cmd(&cw, 0, "SAY ok");
		assert_non_null(sent_to(&cw, 1));
	}
	cmd(&cw, 0, "SAY one too many");
	assert_true(strncmp(sent_to(&cw, 0), "ERR flood ", 10) == 0);
	assert_null(sent_to(&cw, 1));
	cw.c.line_us = SEC; /* sent a second later: 20 more */
	cmd(&cw, 0, "PRIV bob again");
	assert_string_equal(sent_to(&cw, 1), "PRIV alice again");
	world_free(&cw.w);
}

static void test_commands_list_split(void **state)
{
	struct chatsrv_users *users = chatsrv_users_new(100, key);
	struct chatsrv_rooms *rooms = chatsrv_rooms_new(1, 1, key);
	struct rec *rec = calloc(1, sizeof(*rec));
	struct chatsrv_cmd_ctx c = { .users = users, .rooms = rooms, .ops = &rec_ops, .io = rec };
	char name[CHAT_NAME_MAX + 1];
	size_t total = 0;

	for (int i = 0; i < 60; i++) {
		snprintf(name, sizeof(name), "%02d%030d", i, 0);
		add(users, name, (uint64_t)i + 1);
	}
	chatsrv_command(&c, chatsrv_users_at(users, 0), "USERS", 5);
	assert_true(rec->nsent >= 4);
	for (size_t i = 0; i < rec->nsent; i++) {
		const char *l = rec->sent[i].line;
		bool last = i + 1 == rec->nsent;
		assert_true(strncmp(l, last ? "LIST users end " : "LIST users more ", last ? 15 : 16)
			    == 0);
		assert_true(strlen(l) <= CHATSRV_LINE_MAX);
		for (const char *p = strchr(l + 11, ' '); p; p = strchr(p + 1, ' '))
			total++;
	}
	assert_int_equal(total, 60);
	assert_true(strncmp(rec->sent[0].line, "LIST users more 00", 18) == 0); /* sorted */
	free(rec);
	chatsrv_rooms_free(rooms);
	chatsrv_users_free(users);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_users_find_by_name_and_token),
		cmocka_unit_test(test_users_refusals),
		cmocka_unit_test(test_users_remove_keeps_the_rest),
		cmocka_unit_test(test_users_sorted),
		cmocka_unit_test(test_flood_rate_and_burst),
		cmocka_unit_test(test_flood_rate_zero_is_off),
		cmocka_unit_test(test_rooms_create_join_leave),
		cmocka_unit_test(test_rooms_creator_passes_to_longest_member),
		cmocka_unit_test(test_rooms_kick),
		cmocka_unit_test(test_rooms_limits),
		cmocka_unit_test(test_rooms_many_members_grow),
		cmocka_unit_test(test_rooms_sorted),
		cmocka_unit_test(test_commands_room_life),
		cmocka_unit_test(test_commands_refused_change_nothing),
		cmocka_unit_test(test_commands_flood_and_too_long),
		cmocka_unit_test(test_commands_list_split),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
