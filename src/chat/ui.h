/* What the person at socklab chat types and sees. On a terminal (standard
 * input and output both): GNU readline's callback interface, so the peer's
 * lines print above the line being typed without garbling it, and the
 * terminal comes back as it was on every way out. Otherwise (pipes, files):
 * lines read from standard input with the same limit, nothing echoed. */
#ifndef SOCKLAB_CHAT_UI_H
#define SOCKLAB_CHAT_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <event2/event.h>

#include "core/linebuf.h"

#define CHAT_TCP_PROMPT "you: "    /* a sent line stays on screen as "you: text" */
#define CHAT_TCP_HISTORY_MAX 200   /* lines kept for Up/Down */

struct chat_ui_ops {
	/* A line typed (without its newline; a trailing CR is still there). */
	void (*on_line)(void *ctx, const uint8_t *line, size_t n);
	/* A line over CHAT_TCP_LINE_MAX bytes was typed; it is not passed on. */
	void (*on_too_long)(void *ctx, size_t n);
	/* End of input (Ctrl-D at an empty line, or the end of the pipe). */
	void (*on_eof)(void *ctx);
};

struct chat_ui {
	bool tty;                  /* readline on the terminal */
	bool reading;              /* between chat_ui_start and _stop */
	bool pollable;             /* stdin can be watched (not a file) */
	bool eof;
	bool draining;             /* only what is there already, then the end */
	struct event_base *base;
	struct event *ev_in;
	struct linebuf in;         /* pipe mode */
	const struct chat_ui_ops *ops;
	void *ctx;
};

/* Decides the mode (terminal or pipe; plain: pipe mode even on a terminal,
 * for --json); reads nothing yet. 0, or -1 (ENOMEM). */
int chat_ui_init(struct chat_ui *ui, struct event_base *base,
		     const struct chat_ui_ops *ops, void *ctx, bool plain);
/* Starts reading: on a terminal, shows the prompt. */
int chat_ui_start(struct chat_ui *ui);
/* Stops reading; on a terminal, clears the prompt line and puts the
 * terminal back. Safe to call twice. */
void chat_ui_stop(struct chat_ui *ui);
void chat_ui_free(struct chat_ui *ui);
/* The peer left: takes only the lines already waiting (typed ahead, or in
 * the pipe), then reports the end of input (on_eof). A file is read to its
 * end as before. */
void chat_ui_drain(struct chat_ui *ui);
/* One line of output on f (stdout or stderr), above the line being typed. */
void chat_ui_print(struct chat_ui *ui, FILE *f, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The terminal changed size (SIGWINCH). */
void chat_ui_resize(struct chat_ui *ui);
/* Ctrl-Z (SIGTSTP): the terminal as it was while stopped, readline's
 * settings and the typed line back after SIGCONT. */
void chat_ui_suspend(struct chat_ui *ui);

#endif
