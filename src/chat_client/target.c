/* The target of plain lines, moved only by the server's confirmations. */
#include "chat_client/target.h"

#include <stdio.h>
#include <string.h>

void chatcli_target_clear(struct chatcli_target *t)
{
	t->room[0] = t->poke[0] = t->me[0] = '\0';
}

static void target_set(char *dst, const struct chat_word *w)
{
	size_t n = w->len < CHAT_NAME_MAX ? w->len : CHAT_NAME_MAX;

	memcpy(dst, w->p, n);
	dst[n] = '\0';
}

void chatcli_target_apply(struct chatcli_target *t, const struct chatcli_event *ev)
{
	if (ev->kind == CHATCLI_EV_KICKED) {
		if (chatwire_word_is(&ev->room, t->room))
			t->room[0] = '\0';
		return;
	}
	if (ev->kind != CHATCLI_EV_OK)
		return;
	if (chatcli_event_what_is(ev, "join") || chatcli_event_what_is(ev, "create")) {
		target_set(t->room, &ev->room);
		t->poke[0] = '\0';
	} else if (chatcli_event_what_is(ev, "leave")) {
		t->room[0] = '\0';
	} else if (chatcli_event_what_is(ev, "poke")) {
		target_set(t->poke, &ev->user);
	}
}

void chatcli_target_prompt(const struct chatcli_target *t, char *buf, size_t n)
{
	if (t->poke[0])
		snprintf(buf, n, "@%s> ", t->poke);
	else if (t->room[0])
		snprintf(buf, n, "%s> ", t->room);
	else
		snprintf(buf, n, "> ");
}

bool chatcli_event_refuses_line(const struct chatcli_event *ev)
{
	return ev->kind == CHATCLI_EV_ERR &&
	       (chatcli_event_what_is(ev, "flood") || chatcli_event_what_is(ev, "too-long"));
}

bool chatcli_event_answers(const struct chatcli_event *ev, const char *await)
{
	if (!await)
		return false;
	if (ev->kind == CHATCLI_EV_OK)
		return chatcli_event_what_is(ev, await);
	/* Refusals of a line sent before the command are not its answer. */
	return ev->kind == CHATCLI_EV_ERR && !chatcli_event_refuses_line(ev) &&
	       !chatcli_event_what_is(ev, "no-session");
}
