/* IRC's habits: "/join #lobby", "/msg bob hi", "/me waves", "/part", … as
 * aliases of the $ commands, and a line starting with '/' that is not a
 * command refused with the nearest one — never sent as chat text by
 * mistake ("//text" is the text "/text"). Pure, as commands.c. */
#ifndef SOCKLAB_CHAT_CLIENT_SLASH_H
#define SOCKLAB_CHAT_CLIENT_SLASH_H

#include <stdbool.h>
#include <stddef.h>

#include "chat_client/commands.h"

/* The most words a command line is split into (the text of /msg and /me is
 * taken whole). */
#define CHATCLI_CMD_WORDS_MAX 3

/* "/command args" (s[0] == '/', s[1] != '/') to out. */
void chatcli_cmd_slash(const char *s, size_t n, const struct chatcli_target *t, struct chatcli_cmd *out);

/* commands.c, for slash.c: */
/* Splits s into at most max words; returns how many there were (more than
 * max: max + 1). */
size_t chatcli_cmd_split(const char *s, size_t n, struct chat_word *w, size_t max);
/* The $ command named name with the words w[0..count) typed after sigil
 * (w[0] the command as typed, for the messages); false when there is no
 * such $ command (out untouched). */
bool chatcli_cmd_dollar(char sigil, const struct chat_word *name, struct chat_word *w, size_t count, const struct chatcli_target *t,
			struct chatcli_cmd *out);
/* "$command args" (s[0] == '$'). */
void chatcli_cmd_dollar_line(const char *s, size_t n, const struct chatcli_target *t, struct chatcli_cmd *out);
/* A plain line of text to the poked user or the room (or a refusal). */
void chatcli_cmd_text(const char *s, size_t n, const struct chatcli_target *t, struct chatcli_cmd *out);

#endif
