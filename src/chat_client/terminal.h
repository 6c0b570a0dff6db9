/* The terminal (readline) and output above the line being typed. */
#ifndef SOCKLAB_CHAT_CLIENT_TERMINAL_H
#define SOCKLAB_CHAT_CLIENT_TERMINAL_H

#include "chat_client/client.h"

/* Typed lines come back through on_line (NULL: Ctrl-D); it owns the line. */
void chatcli_term_start(struct chatcli *c, void (*on_line)(struct chatcli *c, char *line));
void chatcli_term_stop(struct chatcli *c);
void chatcli_term_read(struct chatcli *c);
void chatcli_term_resize(struct chatcli *c);
/* Shows the prompt of the current target. */
void chatcli_term_prompt(struct chatcli *c);
/* One line on f (stdout or stderr) above the line being typed. */
void chatcli_print(struct chatcli *c, FILE *f, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* --json: o as one line on stdout (NULL: nothing). Text mode: nothing,
 * and o is dropped. */
void chatcli_emit(struct chatcli *c, json_t *o);
/* The fmt line on stdout as chatcli_print, or with --json o instead (its
 * reference is taken either way). */
void chatcli_say(struct chatcli *c, json_t *o, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* "socklab chat-client: ..." on stderr, above the line being typed; with
 * --json also {"type": "error", "source": "client", "text": ...} on stdout. */
void chatcli_error(struct chatcli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
