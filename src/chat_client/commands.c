/* The command table of seed 003 (tasks 2/3) plus $who, $help and $quit,
 * and the checks that keep a refused line from ever being sent. */
#include "chat_client/commands.h"
#include "chat_client/slash.h"
#include "core/tool.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define CMD_LIST "$userlist $roomlist $who $poke USER $roomcreate ROOM $roomjoin ROOM " \
		 "$roomleave $kick $help $quit"
#define CMD_NAME_RULE "1 to 32 of A-Z a-z 0-9 _ - . starting with a letter or digit"

const char chatcli_cmd_help_text[] =
	"commands:\n"
	CHATCLI_CMD_LINES
	"  $help              this list\n"
	"  $quit              leave the chat (Ctrl-D too)\n"
	"plain lines go to the user you poked last, or else to your room; joining a\n"
	"room ends a poke ($roomjoin your own room to talk there again); $$ sends a '$'\n"
	CHATCLI_CMD_IRC_LINES;

enum cmd_arg { ARG_NONE, ARG_USER, ARG_ROOM };

struct cmd_def {
	const char *name;
	enum chatcli_cmd_kind kind;
	const char *verb;          /* the protocol message, for CHATCLI_CMD_SEND */
	enum cmd_arg arg;
	const char *await;         /* the OK that answers it, when it moves the target */
};

static const struct cmd_def cmd_table[] = {
	{ "userlist", CHATCLI_CMD_SEND, "USERS", ARG_NONE, NULL },
	{ "roomlist", CHATCLI_CMD_SEND, "ROOMS", ARG_NONE, NULL },
	{ "who", CHATCLI_CMD_SEND, "WHO", ARG_NONE, NULL },
	{ "poke", CHATCLI_CMD_SEND, "POKE", ARG_USER, "poke" },
	{ "roomcreate", CHATCLI_CMD_SEND, "CREATE", ARG_ROOM, "create" },
	{ "roomjoin", CHATCLI_CMD_SEND, "JOIN", ARG_ROOM, "join" },
	{ "roomleave", CHATCLI_CMD_SEND, "LEAVE", ARG_NONE, "leave" },
	{ "kick", CHATCLI_CMD_SEND, "KICK", ARG_NONE, NULL },
	{ "help", CHATCLI_CMD_HELP, NULL, ARG_NONE, NULL },
	{ "quit", CHATCLI_CMD_QUIT, NULL, ARG_NONE, NULL },
};

#define CMD_COUNT (sizeof(cmd_table) / sizeof(cmd_table[0]))

static bool cmd_is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Splits s into at most max words; returns how many there were (more than
 * max: max + 1). */
size_t chatcli_cmd_split(const char *s, size_t n, struct chat_word *w, size_t max)
{
	size_t count = 0, i = 0;

	while (i < n) {
		while (i < n && cmd_is_space(s[i]))
			i++;
		if (i == n)
			break;
		size_t start = i;
		while (i < n && !cmd_is_space(s[i]))
			i++;
		if (count == max)
			return max + 1;
		w[count].p = s + start;
		w[count].len = i - start;
		count++;
	}
	return count;
}

static const struct cmd_def *cmd_find(const struct chat_word *w)
{
	for (size_t i = 0; i < CMD_COUNT; i++)
		if (strlen(cmd_table[i].name) == w->len &&
		    strncasecmp(cmd_table[i].name, w->p, w->len) == 0)
			return &cmd_table[i];
	return NULL;
}

static void cmd_build(struct chatcli_cmd *out, const char *verb, const struct chat_word *arg)
{
	int k = arg ? snprintf(out->line, sizeof(out->line), "%s %.*s", verb, (int)arg->len, arg->p)
		    : snprintf(out->line, sizeof(out->line), "%s", verb);
	out->kind = CHATCLI_CMD_SEND;
	out->len = (size_t)k;
}

/* A room word: "#lobby" is "lobby", as IRC users type it. */
static void cmd_room_word(struct chat_word *w)
{
	if (w->len > 1 && w->p[0] == '#') {
		w->p++;
		w->len--;
	}
}

/* The $ table's command d with its words w[0..count): checks, then out. sigil
 * ('$' or '/') is what the user typed, for the messages. */
static void cmd_run(char sigil, const struct cmd_def *d, struct chat_word *w, size_t count,
		    const struct chatcli_target *t, struct chatcli_cmd *out)
{
	const char *argname = d->arg == ARG_USER ? "USER" : "ROOM";
	int nl = (int)(w[0].len > 32 ? 32 : w[0].len);

	if (d->arg == ARG_NONE && count > 1) {
		snprintf(out->text, sizeof(out->text), "%c%.*s takes no arguments", sigil, nl, w[0].p);
		out->kind = CHATCLI_CMD_ERROR;
		return;
	}
	if (d->arg != ARG_NONE && count != 2) {
		snprintf(out->text, sizeof(out->text), "%c%.*s takes one %s: %c%.*s %s", sigil, nl,
			 w[0].p, argname, sigil, nl, w[0].p, argname);
		out->kind = CHATCLI_CMD_ERROR;
		return;
	}
	if (d->arg == ARG_ROOM)
		cmd_room_word(&w[1]);
	if (d->arg != ARG_NONE && !chatwire_valid_name(w[1].p, w[1].len)) {
		out->kind = CHATCLI_CMD_ERROR;
		snprintf(out->text, sizeof(out->text), "'%.*s' is not a %s name: " CMD_NAME_RULE,
			 w[1].len > 40 ? 40 : (int)w[1].len, w[1].p, d->arg == ARG_USER ? "user" : "room");
		return;
	}
	if (d->kind != CHATCLI_CMD_SEND) {
		out->kind = d->kind;
		return;
	}
	if (d->arg == ARG_ROOM && strcmp(d->name, "roomjoin") == 0 && t->room[0] &&
	    chatwire_word_is(&w[1], t->room)) {
		/* Joining my own room again: nothing to ask the server. */
		out->kind = t->poke[0] ? CHATCLI_CMD_UNPOKE : CHATCLI_CMD_NOTE;
		snprintf(out->text, sizeof(out->text),
			 t->poke[0] ? "plain lines go to %s again" : "already in %s", t->room);
		return;
	}
	cmd_build(out, d->verb, d->arg != ARG_NONE ? &w[1] : NULL);
	out->await = d->await;
}

bool chatcli_cmd_dollar(char sigil, const struct chat_word *name, struct chat_word *w, size_t count,
			const struct chatcli_target *t, struct chatcli_cmd *out)
{
	const struct cmd_def *d = cmd_find(name);

	if (d)
		cmd_run(sigil, d, w, count, t, out);
	return d != NULL;
}

void chatcli_cmd_dollar_line(const char *s, size_t n, const struct chatcli_target *t, struct chatcli_cmd *out)
{
	struct chat_word w[CHATCLI_CMD_WORDS_MAX];
	size_t count = chatcli_cmd_split(s + 1, n - 1, w, CHATCLI_CMD_WORDS_MAX);
	struct chat_word empty = { s + 1, 0 };
	const struct cmd_def *d = count ? cmd_find(&w[0]) : NULL;

	if (!d) {
		const struct chat_word *name = count ? &w[0] : &empty;
		const char *names[CMD_COUNT], *best;
		char typed[33];
		int k = name->len > 32 ? 32 : (int)name->len;
		for (size_t i = 0; i < CMD_COUNT; i++)
			names[i] = cmd_table[i].name;
		snprintf(typed, sizeof(typed), "%.*s", k, name->p);
		best = tool_closest(typed, names, CMD_COUNT);
		out->kind = CHATCLI_CMD_ERROR;
		if (best)
			snprintf(out->text, sizeof(out->text), "unknown command $%s (did you mean $%s?)",
				 typed, best);
		else
			snprintf(out->text, sizeof(out->text), "unknown command $%s — commands: " CMD_LIST,
				 typed);
		return;
	}
	cmd_run('$', d, w, count, t, out);
}

void chatcli_cmd_text(const char *s, size_t n, const struct chatcli_target *t, struct chatcli_cmd *out)
{
	struct chat_word text = { s, n };

	if (n > CHAT_TEXT_MAX) {
		out->kind = CHATCLI_CMD_ERROR;
		snprintf(out->text, sizeof(out->text),
			 "line of %zu bytes is longer than %d: not sent (split it)", n, CHAT_TEXT_MAX);
		return;
	}
	if (!t->poke[0] && !t->room[0]) {
		out->kind = CHATCLI_CMD_ERROR;
		snprintf(out->text, sizeof(out->text),
			 "not in a room and no one poked: $roomjoin ROOM or $poke USER first");
		return;
	}
	if (t->poke[0]) {
		struct chat_word user = { t->poke, strlen(t->poke) };
		char verb[CHAT_NAME_MAX + 8];
		snprintf(verb, sizeof(verb), "PRIV %.*s", (int)user.len, user.p);
		cmd_build(out, verb, &text);
	} else {
		cmd_build(out, "SAY", &text);
	}
	out->paced = true;
}
