/* One handler per verb of the chat protocol. Each checks its arguments and
 * the limits, answers with OK/LIST/ERR and notifies the other users; the
 * tables change only after every check has passed, so a refused command
 * changes nothing. */
#include "chat_server/commands.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct cmd_args {
	const char *p;  /* what follows "VERB " */
	size_t len;
};

typedef void (*cmd_fn)(struct chatsrv_cmd_ctx *c, struct chatsrv_user *u, struct cmd_args *a);

static void cmd_sendf(struct chatsrv_cmd_ctx *c, struct chatsrv_user *u, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void cmd_sendf(struct chatsrv_cmd_ctx *c, struct chatsrv_user *u, const char *fmt, ...)
{
	char line[CHATSRV_LINE_MAX + 1];
	va_list ap;

	va_start(ap, fmt);
	int k = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (k < 0)
		return;
	/* Every format here is bounded by names of CHAT_NAME_MAX and texts of
	 * CHAT_TEXT_MAX, so nothing is ever cut; the clamp is for safety. */
	c->ops->send(c->io, u, line, (size_t)k < sizeof(line) ? (size_t)k : sizeof(line) - 1);
}

const char *chatsrv_err_code(enum chatsrv_err err)
{
	static const char *const codes[] = {
		[CHATSRV_OK] = "ok",
		[CHATSRV_E_BAD_NAME] = "bad-name",
		[CHATSRV_E_NAME_TAKEN] = "name-taken",
		[CHATSRV_E_SERVER_FULL] = "server-full",
		[CHATSRV_E_TOKEN_IN_USE] = "server-full",
		[CHATSRV_E_BAD_ROOM] = "bad-room",
		[CHATSRV_E_ROOM_EXISTS] = "room-exists",
		[CHATSRV_E_TOO_MANY_ROOMS] = "too-many-rooms",
		[CHATSRV_E_ROOM_FULL] = "room-full",
		[CHATSRV_E_NOMEM] = "server-full",
	};
	return (size_t)err < sizeof(codes) / sizeof(codes[0]) ? codes[err] : "server-full";
}

static void cmd_event(struct chatsrv_cmd_ctx *c, enum chatsrv_event_kind kind,
		      const struct chatsrv_user *u, const struct chatsrv_room *room,
		      const char *reason, uint64_t count)
{
	struct chatsrv_event ev = { .kind = kind, .user = u, .room = room->name,
				    .room_len = room->name_len, .reason = reason, .count = count };
	c->ops->event(c->io, &ev);
}

#define NAME_RULE "1 to 32 of A-Z a-z 0-9 _ - . starting with a letter or digit"

static void cmd_err_room(struct chatsrv_cmd_ctx *c, struct chatsrv_user *u, enum chatsrv_err err,
			 const char *name, size_t len)
{
	switch (err) {
	case CHATSRV_E_BAD_ROOM:
		cmd_sendf(c, u, "ERR bad-room room names are " NAME_RULE);
		break;
	case CHATSRV_E_ROOM_EXISTS:
		cmd_sendf(c, u, "ERR room-exists room %.*s exists; JOIN it", (int)len, name);
		break;
	case CHATSRV_E_TOO_MANY_ROOMS:
		cmd_sendf(c, u, "ERR too-many-rooms the server has %zu rooms, the most it may have",
			  chatsrv_rooms_max(c->rooms));
		break;
	case CHATSRV_E_ROOM_FULL:
		cmd_sendf(c, u, "ERR room-full room %.*s has %zu members, the most it may have",
			  (int)len, name, chatsrv_rooms_max_members(c->rooms));
		break;
	default:
		cmd_sendf(c, u, "ERR %s the server is out of memory", chatsrv_err_code(err));
		break;
	}
}

/* The user's room; none: the answer says so, NULL. */
static struct chatsrv_room *cmd_room(struct chatsrv_cmd_ctx *c, struct chatsrv_user *u)
{
	if (!u->room)
		cmd_sendf(c, u, "ERR not-in-room you are in no room; JOIN or CREATE one");
	return u->room;
}

/* "SAY <text>", "PRIV <user> <text>": the text's checks, then flood control. */
static bool cmd_text_ok(struct chatsrv_cmd_ctx *c, struct chatsrv_user *u, const char *verb,
			const char *text, size_t len)
{
	if (len == 0) {
		cmd_sendf(c, u, "ERR unknown-command usage: %s", verb);
		return false;
	}
	if (!chatwire_valid_text(text, len)) {
		cmd_sendf(c, u, "ERR too-long a line is at most %d bytes; this one has %zu and was "
			  "not delivered", CHAT_TEXT_MAX, len);
		return false;
	}
	if (!chatsrv_user_flood_ok(u, c->line_us)) {
		cmd_sendf(c, u, "ERR flood more than %llu lines a second; this one was not delivered",
			  (unsigned long long)c->flood_rate);
		return false;
	}
	return true;
}

/* Sends line to every member of room but one (skip). */
static void cmd_to_room(struct chatsrv_cmd_ctx *c, struct chatsrv_room *room,
			const struct chatsrv_user *skip, const char *line, size_t len)
{
	void (*send)(void *, struct chatsrv_user *, const char *, size_t) = c->ops->send;

	for (size_t i = 0; i < room->n; i++)
		if (room->members[i] != skip)
			send(c->io, room->members[i], line, len);
}

void chatsrv_command_leave_room(struct chatsrv_cmd_ctx *c, struct chatsrv_user *u,
				const char *reason)
{
	struct chatsrv_room *room = u->room;
	char line[CHATSRV_LINE_MAX + 1];

	if (!room)
		return;
	int k = snprintf(line, sizeof(line), "LEFT %.*s %.*s", (int)room->name_len, room->name,
			 (int)u->name_len, u->name);
	cmd_to_room(c, room, u, line, (size_t)k);
	cmd_event(c, CHATSRV_EV_LEAVE, u, room, reason, 0);
	if (room->n == 1)
		cmd_event(c, CHATSRV_EV_REMOVE, u, room, reason, 0);
	chatsrv_room_leave(c->rooms, u);
}

/* LIST replies: items are gathered until the next would not fit a line. */
struct cmd_list {
	struct chatsrv_cmd_ctx *c;
	struct chatsrv_user *to;
	const char *kind;
	char items[CHATSRV_LINE_MAX];
	size_t len, room;
};

static void list_start(struct cmd_list *l, struct chatsrv_cmd_ctx *c, struct chatsrv_user *to,
		       const char *kind)
{
	l->c = c;
	l->to = to;
	l->kind = kind;
	l->len = 0;
	/* "LIST <kind> more" before the items */
	l->room = CHATSRV_LINE_MAX - (strlen("LIST  more") + strlen(kind));
}

static void list_emit(struct cmd_list *l, bool last)
{
	cmd_sendf(l->c, l->to, "LIST %s %s%.*s", l->kind, last ? "end" : "more", (int)l->len,
		  l->items);
	l->len = 0;
}

static void list_add(struct cmd_list *l, const char *item, size_t n)
{
	if (l->len + 1 + n > l->room)
		list_emit(l, false);
	l->items[l->len++] = ' ';
	memcpy(l->items + l->len, item, n);
	l->len += n;
}

static void cmd_users(struct chatsrv_cmd_ctx *c, struct chatsrv_user *u, struct cmd_args *a)
{
	struct chatsrv_user **all;
	size_t n = chatsrv_users_sorted(c->users, &all);
	struct cmd_list l;

	list_start(&l, c, u, "users");
	for (size_t i = 0; i < n; i++)
		list_add(&l, all[i]->name, all[i]->name_len);
	list_emit(&l, true);
}

static void cmd_rooms(struct chatsrv_cmd_ctx *c, struct chatsrv_user *u, struct cmd_args *a)
{
	struct chatsrv_room **all;
	size_t n = chatsrv_rooms_sorted(c->rooms, &all);
	struct cmd_list l;
	char item[CHAT_NAME_MAX + 24];

	list_start(&l, c, u, "rooms");
	for (size_t i = 0; i < n; i++) {
		int k = snprintf(item, sizeof(item), "%.*s:%zu", (int)all[i]->name_len, all[i]->name,
				 all[i]->n);
		list_add(&l, item, (size_t)k);
	}
	list_emit(&l, true);
}

static void cmd_who(struct chatsrv_cmd_ctx *c, struct chatsrv_user *u, struct cmd_args *a)
{
	struct chatsrv_room *room = cmd_room(c, u);
	struct cmd_list l;

	if (!room)
		return;
	list_start(&l, c, u, "who");
	for (size_t i = 0; i < room->n; i++)
		list_add(&l, room->members[i]->name, room->members[i]->name_len);
	list_emit(&l, true);
}

/* The user named by a word; answers the error itself when there is none. */
static struct chatsrv_user *cmd_find_user(struct chatsrv_cmd_ctx *c, struct chatsrv_user *u,
					  const char *name, size_t len)
{
	if (!chatwire_valid_name(name, len)) {
		cmd_sendf(c, u, "ERR bad-name user names are " NAME_RULE);
		return NULL;
	}
	struct chatsrv_user *to = chatsrv_users_by_name(c->users, name, len);
	if (!to)
		cmd_sendf(c, u, "ERR no-such-user no user %.*s", (int)len, name);
	return to;
}

static void cmd_poke(struct chatsrv_cmd_ctx *c, struct chatsrv_user *u, struct cmd_args *a)
{
	struct chatsrv_user *to = cmd_find_user(c, u, a->p, a->len);

	if (to)
		cmd_sendf(c, u, "OK poke %.*s", (int)to->name_len, to->name);
}

static void cmd_priv(struct chatsrv_cmd_ctx *c, struct chatsrv_user *u, struct cmd_args *a)
{
	const char *p = a->p, *end = a->p + a->len;
	struct chat_word w = { p, 0 };

	chatwire_next_word(&p, end, &w);
	struct chatsrv_user *to = cmd_find_user(c, u, w.p, w.len);
	if (!to || !cmd_text_ok(c, u, "PRIV <user> <text>", p, (size_t)(end - p)))
		return;
	cmd_sendf(c, to, "PRIV %.*s %.*s", (int)u->name_len, u->name, (int)(end - p), p);
}

static void cmd_create(struct chatsrv_cmd_ctx *c, struct chatsrv_user *u, struct cmd_args *a)
{
	enum chatsrv_err err = chatsrv_room_can_create(c->rooms, a->p, a->len, u);

	if (err != CHATSRV_OK) {
		cmd_err_room(c, u, err, a->p, a->len);
		return;
	}
	chatsrv_command_leave_room(c, u, "create");
	struct chatsrv_room *room = chatsrv_room_create(c->rooms, a->p, a->len, u, &err);
	if (!room) {
		cmd_err_room(c, u, err, a->p, a->len);
		return;
	}
	cmd_event(c, CHATSRV_EV_CREATE, u, room, NULL, 0);
	cmd_sendf(c, u, "OK create %.*s", (int)room->name_len, room->name);
}

static void cmd_join(struct chatsrv_cmd_ctx *c, struct chatsrv_user *u, struct cmd_args *a)
{
	char line[CHATSRV_LINE_MAX + 1];

	if (!chatwire_valid_name(a->p, a->len)) {
		cmd_err_room(c, u, CHATSRV_E_BAD_ROOM, a->p, a->len);
		return;
	}
	struct chatsrv_room *room = chatsrv_rooms_find(c->rooms, a->p, a->len);
	if (!room) {
		cmd_sendf(c, u, "ERR no-such-room no room %.*s; CREATE it", (int)a->len, a->p);
		return;
	}
	if (room != u->room) {
		if (room->n >= chatsrv_rooms_max_members(c->rooms)) {
			cmd_err_room(c, u, CHATSRV_E_ROOM_FULL, room->name, room->name_len);
			return;
		}
		chatsrv_command_leave_room(c, u, "join");
		enum chatsrv_err err = chatsrv_room_join(c->rooms, room, u);
		if (err != CHATSRV_OK) {
			cmd_err_room(c, u, err, room->name, room->name_len);
			return;
		}
		int k = snprintf(line, sizeof(line), "JOINED %.*s %.*s", (int)room->name_len,
				 room->name, (int)u->name_len, u->name);
		cmd_to_room(c, room, u, line, (size_t)k);
		cmd_event(c, CHATSRV_EV_JOIN, u, room, NULL, 0);
	}
	cmd_sendf(c, u, "OK join %.*s", (int)room->name_len, room->name);
}

static void cmd_leave(struct chatsrv_cmd_ctx *c, struct chatsrv_user *u, struct cmd_args *a)
{
	char name[CHAT_NAME_MAX + 1];
	size_t len;

	if (!cmd_room(c, u))
		return;
	len = u->room->name_len;
	memcpy(name, u->room->name, len); /* the room may go with the last member */
	chatsrv_command_leave_room(c, u, "leave");
	cmd_sendf(c, u, "OK leave %.*s", (int)len, name);
}

static void cmd_kick(struct chatsrv_cmd_ctx *c, struct chatsrv_user *u, struct cmd_args *a)
{
	struct chatsrv_room *room = cmd_room(c, u);
	char line[CHATSRV_LINE_MAX + 1];

	if (!room)
		return;
	struct chatsrv_user *creator = chatsrv_room_creator(room);
	if (creator != u) {
		cmd_sendf(c, u, "ERR not-creator only %.*s may KICK in %.*s", (int)creator->name_len,
			  creator->name, (int)room->name_len, room->name);
		return;
	}
	int k = snprintf(line, sizeof(line), "KICKED %.*s %.*s", (int)room->name_len, room->name,
			 (int)u->name_len, u->name);
	cmd_to_room(c, room, u, line, (size_t)k);
	size_t n = chatsrv_room_kick(room);
	cmd_event(c, CHATSRV_EV_KICK, u, room, NULL, n);
	cmd_sendf(c, u, "OK kick %.*s %zu", (int)room->name_len, room->name, n);
}

static void cmd_say(struct chatsrv_cmd_ctx *c, struct chatsrv_user *u, struct cmd_args *a)
{
	struct chatsrv_room *room = cmd_room(c, u);
	char line[CHATSRV_LINE_MAX + 1];

	if (!room)
		return;
	if (!cmd_text_ok(c, u, "SAY <text>", a->p, a->len))
		return;
	/* Built once, queued for every member: the fan-out copies, never formats. */
	int k = snprintf(line, sizeof(line), "MSG %.*s %.*s %.*s", (int)room->name_len, room->name,
			 (int)u->name_len, u->name, (int)a->len, a->p);
	cmd_to_room(c, room, u, line, (size_t)k);
}

static void cmd_bye(struct chatsrv_cmd_ctx *c, struct chatsrv_user *u, struct cmd_args *a)
{
	cmd_sendf(c, u, "OK bye");
	c->ops->end(c->io, u, "bye");
}

static void cmd_reg(struct chatsrv_cmd_ctx *c, struct chatsrv_user *u, struct cmd_args *a)
{
	cmd_sendf(c, u, "ERR unknown-command already registered as %.*s; REG starts a new session "
		  "(token -)", (int)u->name_len, u->name);
}

static const struct {
	const char *verb;
	cmd_fn fn;
} cmd_table[] = {
	/* SAY first: it is most of the traffic. */
	{ "SAY", cmd_say },     { "PRIV", cmd_priv },   { "USERS", cmd_users },
	{ "ROOMS", cmd_rooms }, { "WHO", cmd_who },     { "POKE", cmd_poke },
	{ "CREATE", cmd_create }, { "JOIN", cmd_join }, { "LEAVE", cmd_leave },
	{ "KICK", cmd_kick },   { "BYE", cmd_bye },     { "REG", cmd_reg },
};

void chatsrv_command(struct chatsrv_cmd_ctx *c, struct chatsrv_user *u, const char *line,
		     size_t len)
{
	const char *p = line, *end = line + len;
	struct chat_word verb = { line, 0 };

	chatwire_next_word(&p, end, &verb);
	for (size_t i = 0; i < sizeof(cmd_table) / sizeof(cmd_table[0]); i++) {
		if (chatwire_word_is(&verb, cmd_table[i].verb)) {
			struct cmd_args a = { p, (size_t)(end - p) };
			cmd_table[i].fn(c, u, &a);
			return;
		}
	}
	size_t show = verb.len > CHAT_NAME_MAX ? CHAT_NAME_MAX : verb.len;
	cmd_sendf(c, u, "ERR unknown-command unknown command %.*s%s", (int)show, verb.p,
		  show < verb.len ? "..." : "");
}
