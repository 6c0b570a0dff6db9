/* The '/' commands: IRC's names for the $ commands, /msg and /me, and
 * the refusal of anything else that starts with '/'. */
#include "chat_client/slash.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/tool.h"

enum slash_kind {
	SL_ALIAS,      /* the $ command "to", arguments as they are */
	SL_JOIN,       /* $roomjoin, and the room is created if there is none (as IRC) */
	SL_ROOM_OPT,   /* the $ command "to"; an argument may name my room (IRC's "/part #lobby") */
	SL_ANY_ARGS,   /* the $ command "to"; arguments (a quit message) are dropped */
	SL_MSG,        /* /msg USER TEXT, /msg #ROOM TEXT: one line there */
	SL_ME,         /* /me TEXT: an action, sent as "* NAME TEXT" */
	SL_NICK,       /* refused: the name is the session's */
};

struct slash_def {
	const char *name;
	const char *to;
	enum slash_kind kind;
};

static const struct slash_def slash_table[] = {
	{ "join", "roomjoin", SL_JOIN },
	{ "part", "roomleave", SL_ROOM_OPT },
	{ "leave", "roomleave", SL_ROOM_OPT },
	{ "list", "roomlist", SL_ALIAS },
	{ "names", "who", SL_ROOM_OPT },
	{ "who", "who", SL_ROOM_OPT },
	{ "users", "userlist", SL_ALIAS },
	{ "query", "poke", SL_ALIAS },
	{ "create", "roomcreate", SL_ALIAS },
	{ "kick", "kick", SL_ALIAS },
	{ "quit", "quit", SL_ANY_ARGS },
	{ "help", "help", SL_ANY_ARGS },
	{ "msg", NULL, SL_MSG },
	{ "me", NULL, SL_ME },
	{ "nick", NULL, SL_NICK },
	/* the $ commands' own names work after '/' too */
	{ "userlist", "userlist", SL_ALIAS },
	{ "roomlist", "roomlist", SL_ALIAS },
	{ "poke", "poke", SL_ALIAS },
	{ "roomcreate", "roomcreate", SL_ALIAS },
	{ "roomjoin", "roomjoin", SL_ALIAS },
	{ "roomleave", "roomleave", SL_ROOM_OPT },
};

#define SLASH_COUNT (sizeof(slash_table) / sizeof(slash_table[0]))

static bool slash_is_space(char c)
{
	return c == ' ' || c == '\t';
}

static const struct slash_def *slash_find(const struct chat_word *w)
{
	for (size_t i = 0; i < SLASH_COUNT; i++)
		if (strlen(slash_table[i].name) == w->len &&
		    strncasecmp(slash_table[i].name, w->p, w->len) == 0)
			return &slash_table[i];
	return NULL;
}

static void slash_error(struct chatcli_cmd *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void slash_error(struct chatcli_cmd *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out->text, sizeof(out->text), fmt, ap);
	va_end(ap);
	out->kind = CHATCLI_CMD_ERROR;
}

static void slash_unknown(const struct chat_word *name, struct chatcli_cmd *out)
{
	const char *names[SLASH_COUNT];
	char typed[33];
	size_t n = name->len < sizeof(typed) - 1 ? name->len : sizeof(typed) - 1;

	if (name->len == 0) {
		slash_error(out, "a line starting with / is a command: /help lists them; "
				 "//text sends '/text' as text");
		return;
	}
	memcpy(typed, name->p, n);
	typed[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if (typed[i] >= 'A' && typed[i] <= 'Z')
			typed[i] = (char)(typed[i] - 'A' + 'a');
	for (size_t i = 0; i < SLASH_COUNT; i++)
		names[i] = slash_table[i].name;
	const char *best = tool_closest(typed, names, SLASH_COUNT);
	if (best)
		slash_error(out, "unknown command /%.*s (did you mean /%s?); not sent", (int)n, name->p,
			    best);
	else
		slash_error(out, "unknown command /%.*s: not sent (/help lists the commands; "
				 "//%.*s sends it as text)", (int)n, name->p, (int)n, name->p);
}

/* The text after the command word and the blanks after it. */
static struct chat_word slash_rest(const char *from, const char *end)
{
	while (from < end && slash_is_space(*from))
		from++;
	return (struct chat_word){ from, (size_t)(end - from) };
}

/* /msg USER TEXT or /msg #ROOM TEXT (my room only: the protocol says to my
 * room alone), one line, without moving where plain lines go. */
static void slash_msg(const char *s, size_t n, const struct chatcli_target *t, struct chatcli_cmd *out)
{
	struct chat_word w[3];
	size_t count = chatcli_cmd_split(s + 1, n - 1, w, 2);
	struct chatcli_target to;

	if (count < 3) {
		slash_error(out, "/msg takes a USER (or your #room) and TEXT: /msg USER TEXT");
		return;
	}
	struct chat_word text = slash_rest(w[1].p + w[1].len, s + n);
	memset(&to, 0, sizeof(to));
	if (w[1].p[0] == '#') {
		struct chat_word room = { w[1].p + 1, w[1].len - 1 };
		if (!t->room[0] || !chatwire_word_is(&room, t->room)) {
			slash_error(out, "/msg %.*s: you are not in %.*s (/join %.*s first)",
				    w[1].len > 40 ? 40 : (int)w[1].len, w[1].p,
				    room.len > 40 ? 40 : (int)room.len, room.p,
				    w[1].len > 40 ? 40 : (int)w[1].len, w[1].p);
			return;
		}
		memcpy(to.room, t->room, sizeof(to.room));
	} else if (!chatwire_valid_name(w[1].p, w[1].len)) {
		slash_error(out, "'%.*s' is not a user name: 1 to 32 of A-Z a-z 0-9 _ - . starting "
				 "with a letter or digit", w[1].len > 40 ? 40 : (int)w[1].len, w[1].p);
		return;
	} else {
		memcpy(to.poke, w[1].p, w[1].len);
	}
	chatcli_cmd_text(text.p, text.len, &to, out);
}

/* /me TEXT: "* alice waves" as a plain line, which any client shows as it
 * is and this one as an action. */
static void slash_me(const char *s, size_t n, const struct chat_word *cmd, const struct chatcli_target *t,
		     struct chatcli_cmd *out)
{
	struct chat_word text = slash_rest(cmd->p + cmd->len, s + n);
	char line[CHAT_TEXT_MAX + CHAT_NAME_MAX + 8];

	if (text.len == 0) {
		slash_error(out, "/me takes TEXT: /me waves");
		return;
	}
	if (text.len > CHAT_TEXT_MAX) {
		chatcli_cmd_text(text.p, text.len, t, out); /* refused as too long */
		return;
	}
	int k = snprintf(line, sizeof(line), "* %s %.*s", t->me[0] ? t->me : "?", (int)text.len, text.p);
	chatcli_cmd_text(line, (size_t)k, t, out);
}

/* IRC's "/part #lobby", "/names #lobby": the argument may only name my room. */
static bool slash_my_room(const struct chat_word *arg, const struct chat_word *cmd,
			  const struct chatcli_target *t, struct chatcli_cmd *out)
{
	struct chat_word room = *arg;

	if (room.len > 1 && room.p[0] == '#') {
		room.p++;
		room.len--;
	}
	if (t->room[0] && chatwire_word_is(&room, t->room))
		return true;
	slash_error(out, "/%.*s %.*s: you are %s%s%s", cmd->len > 32 ? 32 : (int)cmd->len, cmd->p,
		    room.len > 40 ? 40 : (int)room.len, room.p, t->room[0] ? "in " : "in no room",
		    t->room, t->room[0] ? " (/list shows every room)" : "");
	return false;
}

void chatcli_cmd_slash(const char *s, size_t n, const struct chatcli_target *t, struct chatcli_cmd *out)
{
	struct chat_word w[CHATCLI_CMD_WORDS_MAX + 1];
	size_t count = chatcli_cmd_split(s + 1, n - 1, w, CHATCLI_CMD_WORDS_MAX);
	const struct chat_word empty = { s + 1, 0 };
	const struct slash_def *d = count && w[0].p == s + 1 ? slash_find(&w[0]) : NULL;

	if (!d) {
		slash_unknown(count && w[0].p == s + 1 ? &w[0] : &empty, out);
		return;
	}
	switch (d->kind) {
	case SL_MSG:
		slash_msg(s, n, t, out);
		return;
	case SL_ME:
		slash_me(s, n, &w[0], t, out);
		return;
	case SL_NICK:
		slash_error(out, "/nick: the name is the session's (the protocol has no renaming): "
				 "leave and start again with --name NEW");
		return;
	case SL_ROOM_OPT:
		/* "/part #lobby see you": the reason is dropped */
		if (count >= 2 && !slash_my_room(&w[1], &w[0], t, out))
			return;
		count = 1;
		break;
	case SL_ANY_ARGS:
		count = 1;
		break;
	case SL_ALIAS:
	case SL_JOIN:
		break;
	}
	/* The $ command, named as the user typed it in the messages. */
	struct chat_word to = { d->to, strlen(d->to) };
	if (!chatcli_cmd_dollar('/', &to, w, count, t, out))
		slash_error(out, "/%s: no such command", d->to);
	else if (d->kind == SL_JOIN && out->kind == CHATCLI_CMD_SEND)
		out->create_if_missing = true;
}
