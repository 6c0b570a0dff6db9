/* Where plain lines go: the room the client is in, or the user it poked.
 * The last of "OK poke USER" and "OK join/create ROOM" wins; poking keeps
 * the room (its messages still arrive), joining or creating ends the poke.
 * Changes only on the server's confirmations, never on what was asked.
 * Pure: no I/O. */
#ifndef SOCKLAB_CHAT_CLIENT_TARGET_H
#define SOCKLAB_CHAT_CLIENT_TARGET_H

#include <stdbool.h>
#include <stddef.h>

#include "chat_client/display.h"
#include "chatwire/chatproto.h"

/* "@" + a name + "> " and the NUL. */
#define CHATCLI_PROMPT_MAX (CHAT_NAME_MAX + 4)

struct chatcli_target {
	char room[CHAT_NAME_MAX + 1];   /* my room, "" if none */
	char poke[CHAT_NAME_MAX + 1];   /* the user I talk to privately, "" if none */
	char me[CHAT_NAME_MAX + 1];     /* my own name, for /me ("" if unknown) */
};

/* No room, no poke, no name. */
void chatcli_target_clear(struct chatcli_target *t);
/* Follows the server's confirmations (OK join/create/leave/poke, KICKED). */
void chatcli_target_apply(struct chatcli_target *t, const struct chatcli_event *ev);
/* "lobby> ", "@bob> " or "> ". */
void chatcli_target_prompt(const struct chatcli_target *t, char *buf, size_t n);
/* True if ev refuses a plain line (SAY, PRIV): ERR flood or too-long, the
 * codes that only such lines get. The line was not delivered. */
bool chatcli_event_refuses_line(const struct chatcli_event *ev);
/* True if ev is the server's answer to a command whose OK verb is await
 * ("join"): that OK, or an error that such a command can get. */
bool chatcli_event_answers(const struct chatcli_event *ev, const char *await);

#endif
