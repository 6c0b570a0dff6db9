/* The terminal (GNU readline, callback interface) and pipe sides of socklab
 * chat's input, and output that leaves the line being typed intact. */
#include "chat/ui.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
/* readline.h needs stdio.h first. */
#include <readline/history.h>
#include <readline/readline.h>

#include "chat/proto.h"
#include "core/log.h"
#include "core/rlterm.h"
#include "core/sock.h"

/* readline's line handler takes no context: the one UI it serves. */
static struct chat_ui *chat_ui_rl;
static bool chat_ui_rl_installed;
static bool chat_ui_in_handler;  /* inside the line handler: the line is done */
static bool chat_ui_atexit_done;

static void chat_ui_rl_remove(void)
{
	if (chat_ui_rl_installed) {
		rlterm_remove(); /* puts the terminal settings back */
		chat_ui_rl_installed = false;
	}
}

/* exit() from anywhere still leaves the terminal as it was. */
static void chat_ui_at_exit(void)
{
	chat_ui_rl_remove();
}

static void chat_ui_rl_line(char *line)
{
	struct chat_ui *ui = chat_ui_rl;

	chat_ui_in_handler = true;
	if (!line) {
		ui->eof = true;
		ui->ops->on_eof(ui->ctx);
	} else {
		size_t n = strlen(line);
		/* Refused lines too: Up brings one back to shorten it. */
		if (n > 0)
			add_history(line);
		if (n > CHAT_TCP_LINE_MAX)
			ui->ops->on_too_long(ui->ctx, n);
		else
			ui->ops->on_line(ui->ctx, (const uint8_t *)line, n);
		free(line);
	}
	chat_ui_in_handler = false;
}

static void chat_ui_pipe_lines(struct chat_ui *ui)
{
	const uint8_t *line;
	size_t n;

	while (ui->reading) {
		switch (linebuf_next(&ui->in, &line, &n)) {
		case LINEBUF_LINE:
			ui->ops->on_line(ui->ctx, line, n);
			break;
		case LINEBUF_TOO_LONG:
			ui->ops->on_too_long(ui->ctx, 0);
			break;
		case LINEBUF_MORE:
			return;
		case LINEBUF_END:
			ui->eof = true;
			event_del(ui->ev_in);
			ui->ops->on_eof(ui->ctx);
			return;
		}
	}
}

static void chat_ui_pipe_read(struct chat_ui *ui)
{
	size_t room;
	uint8_t *p = linebuf_space(&ui->in, &room);
	ssize_t r = read(STDIN_FILENO, p, room);

	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (r < 0) {
		log_error_errno(errno, "cannot read standard input");
		linebuf_set_eof(&ui->in);
	} else if (r == 0) {
		linebuf_set_eof(&ui->in);
	} else {
		linebuf_added(&ui->in, (size_t)r);
	}
	chat_ui_pipe_lines(ui);
}

/* Something can be read from standard input without waiting. */
static bool chat_ui_ready(void)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };

	return poll(&p, 1, 0) > 0;
}

static void chat_ui_on_input(evutil_socket_t fd, short what, void *arg)
{
	struct chat_ui *ui = arg;

	if (!ui->reading)
		return;
	if (ui->draining && ui->pollable && !chat_ui_ready()) {
		/* Nothing more is waiting: that is the end of what the peer
		 * can still get. */
		ui->eof = true;
		event_del(ui->ev_in);
		ui->ops->on_eof(ui->ctx);
		return;
	}
	if (ui->tty)
		rl_callback_read_char();
	else
		chat_ui_pipe_read(ui);
	/* A file is always readable and cannot be watched: one read per turn
	 * of the loop, so the socket gets its turn too. Draining looks again
	 * each turn for the moment nothing is left. */
	if ((!ui->pollable || ui->draining) && ui->reading && !ui->eof)
		event_active(ui->ev_in, EV_READ, 1);
}

int chat_ui_init(struct chat_ui *ui, struct event_base *base,
		     const struct chat_ui_ops *ops, void *ctx, bool plain)
{
	memset(ui, 0, sizeof(*ui));
	ui->base = base;
	ui->ops = ops;
	ui->ctx = ctx;
	ui->tty = !plain && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	ui->pollable = ui->tty || sock_fd_pollable(STDIN_FILENO);
	if (ui->pollable)
		ui->ev_in = event_new(base, STDIN_FILENO, EV_READ | EV_PERSIST, chat_ui_on_input, ui);
	else
		ui->ev_in = event_new(base, -1, 0, chat_ui_on_input, ui);
	if (!ui->ev_in)
		goto fail;
	if (!ui->tty) {
		if (linebuf_init(&ui->in, CHAT_TCP_LINE_MAX) < 0)
			goto fail;
		return 0;
	}
	if (!chat_ui_atexit_done && atexit(chat_ui_at_exit) == 0)
		chat_ui_atexit_done = true;
	/* Signals are the event loop's (the session ends, and the terminal is
	 * put back, in the loop). */
	rlterm_setup("socklab-chat", CHAT_TCP_HISTORY_MAX);
	rl_change_environment = 0;
	rl_initialize();
	/* No file name completion in a chat: Tab is a character. */
	rl_bind_key('\t', rl_insert);
	using_history();
	return 0;
fail:
	if (ui->ev_in)
		event_free(ui->ev_in);
	ui->ev_in = NULL;
	errno = ENOMEM;
	return -1;
}

int chat_ui_start(struct chat_ui *ui)
{
	if (ui->reading || ui->eof)
		return 0;
	ui->reading = true;
	if (ui->tty) {
		chat_ui_rl = ui;
		rl_callback_handler_install(CHAT_TCP_PROMPT, chat_ui_rl_line);
		chat_ui_rl_installed = true;
	}
	if (ui->pollable)
		return event_add(ui->ev_in, NULL);
	event_active(ui->ev_in, EV_READ, 1);
	return 0;
}

void chat_ui_stop(struct chat_ui *ui)
{
	if (!ui->reading)
		return;
	ui->reading = false;
	event_del(ui->ev_in);
	if (!ui->tty || !chat_ui_rl_installed)
		return;
	if (!chat_ui_in_handler) {
		/* Mid-line: take the prompt and the half-typed line off the
		 * screen, so what follows starts on a clean line. */
		rl_save_prompt();
		rl_replace_line("", 0);
		rl_redisplay();
		rl_restore_prompt();
	}
	chat_ui_rl_remove();
}

void chat_ui_drain(struct chat_ui *ui)
{
	if (!ui->reading || ui->eof)
		return;
	ui->draining = true;
	event_active(ui->ev_in, EV_READ, 1);
}

void chat_ui_free(struct chat_ui *ui)
{
	chat_ui_stop(ui);
	if (ui->ev_in)
		event_free(ui->ev_in);
	ui->ev_in = NULL;
	if (ui->tty) {
		clear_history();
		chat_ui_rl = NULL;
	} else {
		linebuf_free(&ui->in);
	}
}

void chat_ui_print(struct chat_ui *ui, FILE *f, const char *fmt, ...)
{
	/* Inside the line handler the typed line is finished and the cursor is
	 * on a fresh line: nothing to save. */
	bool above = ui->tty && ui->reading && chat_ui_rl_installed && !chat_ui_in_handler;
	char *saved = NULL;
	int point = 0;
	va_list ap;

	if (above) {
		point = rl_point;
		saved = rl_copy_text(0, rl_end);
		rl_save_prompt();
		rl_replace_line("", 0);
		rl_redisplay();
	}
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fflush(f);
	if (above) {
		rl_restore_prompt();
		rl_replace_line(saved ? saved : "", 0);
		rl_point = point;
		rl_redisplay();
		free(saved);
	}
}

void chat_ui_resize(struct chat_ui *ui)
{
	if (ui->tty && chat_ui_rl_installed)
		rl_resize_terminal();
}

void chat_ui_suspend(struct chat_ui *ui)
{
	bool rl = ui->tty && chat_ui_rl_installed;

	if (rl)
		rlterm_suspend();
	raise(SIGSTOP);
	if (rl)
		rlterm_resume();
}
