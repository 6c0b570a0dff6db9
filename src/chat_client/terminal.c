/* The terminal: GNU readline's callback interface, fed one key at a time
 * by the event loop, and output that lands above the line being typed —
 * clear the prompt and typed line, print, draw them again — so an arriving
 * message never garbles what the user is typing. Without a terminal this
 * is plain line output. */
#include "chat_client/terminal.h"

#include <stdlib.h>
#include <string.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "core/jsontext.h"
#include "core/log.h"
#include "core/rlterm.h"

/* readline's line handler takes no context: the one client of the process. */
static struct chatcli *term_client;
static void (*term_line_cb)(struct chatcli *c, char *line);
static bool term_in_handler;

static void term_on_line(char *line)
{
	term_in_handler = true;
	if (line && *line)
		add_history(line);
	if (!line) { /* Ctrl-D: end the prompt's line */
		fputc('\n', rl_outstream);
		fflush(rl_outstream);
	}
	term_line_cb(term_client, line);
	term_in_handler = false;
}

void chatcli_term_start(struct chatcli *c, void (*on_line)(struct chatcli *c, char *line))
{
	if (!c->tty || c->rl_active)
		return;
	term_client = c;
	term_line_cb = on_line;
	/* Signals and window changes come through the event loop. */
	rlterm_setup("socklab-chat-client", CHATCLI_HISTORY_MAX);
	/* Tab is text here, and a pasted block is a line each. */
	rl_inhibit_completion = 1;
	rl_variable_bind("enable-bracketed-paste", "off");
	chatcli_target_prompt(&c->target, c->prompt, sizeof(c->prompt));
	rl_callback_handler_install(c->prompt, term_on_line);
	c->rl_active = true;
}

void chatcli_term_stop(struct chatcli *c)
{
	if (!c->rl_active)
		return;
	c->rl_active = false;
	rlterm_remove(); /* the terminal's settings come back */
	if (!term_in_handler) {
		/* leave the prompt's line (and anything half typed) as it is */
		fputc('\n', rl_outstream);
		fflush(rl_outstream);
	}
}

void chatcli_term_read(struct chatcli *c)
{
	if (c->rl_active)
		rl_callback_read_char();
}

void chatcli_term_resize(struct chatcli *c)
{
	if (c->rl_active)
		rl_resize_terminal();
}

/* Sets the prompt of the current target; true if it changed. */
static bool term_sync_prompt(struct chatcli *c)
{
	char p[CHATCLI_PROMPT_MAX];

	chatcli_target_prompt(&c->target, p, sizeof(p));
	if (strcmp(p, c->prompt) == 0)
		return false;
	memcpy(c->prompt, p, sizeof(p));
	rl_set_prompt(c->prompt);
	return true;
}

void chatcli_term_prompt(struct chatcli *c)
{
	char p[CHATCLI_PROMPT_MAX];

	if (!c->rl_active)
		return;
	chatcli_target_prompt(&c->target, p, sizeof(p));
	if (strcmp(p, c->prompt) == 0)
		return;
	if (term_in_handler) { /* readline shows the prompt itself after a line */
		term_sync_prompt(c);
		return;
	}
	rl_clear_visible_line();
	term_sync_prompt(c);
	rl_forced_update_display();
}

static void term_vprint(struct chatcli *c, FILE *f, const char *prefix, const char *fmt,
			va_list ap) __attribute__((format(printf, 4, 0)));
static void term_vprint(struct chatcli *c, FILE *f, const char *prefix, const char *fmt,
			va_list ap)
{
	bool redraw = c->rl_active && !term_in_handler;

	if (redraw) {
		rl_clear_visible_line();
		fflush(rl_outstream);
	}
	fflush(f == stdout ? stderr : stdout);
	if (prefix)
		fprintf(f, "%s: ", prefix);
	vfprintf(f, fmt, ap);
	fputc('\n', f);
	fflush(f);
	if (redraw) {
		term_sync_prompt(c);
		rl_forced_update_display();
	}
}

void chatcli_print(struct chatcli *c, FILE *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	term_vprint(c, f, NULL, fmt, ap);
	va_end(ap);
}

void chatcli_emit(struct chatcli *c, json_t *o)
{
	if (!c->cfg->json) {
		json_decref(o);
		return;
	}
	fflush(stderr);
	log_out_json(o);
}

void chatcli_say(struct chatcli *c, json_t *o, const char *fmt, ...)
{
	va_list ap;

	if (c->cfg->json) {
		chatcli_emit(c, o);
		return;
	}
	json_decref(o);
	va_start(ap, fmt);
	term_vprint(c, stdout, NULL, fmt, ap);
	va_end(ap);
}

void chatcli_error(struct chatcli *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	term_vprint(c, stderr, log_prog(), fmt, ap);
	va_end(ap);
	if (!c->cfg->json)
		return;
	char text[1024];
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	json_t *o = chatcli_json_new("error");
	json_object_set_new(o, "source", json_string("client"));
	json_object_set_new(o, "text", jsontext_str(text));
	chatcli_emit(c, o);
}
