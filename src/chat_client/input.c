/* Input lines to messages. A line is held until it can go: after
 * registration, once the answer to a command that moves the target has
 * come (so that "$roomjoin lobby" then "hi" says hi in lobby), within the
 * flood rate, and while the server keeps up. Input is not read while a
 * line is held, so a fast pipe waits instead of filling memory. */
#include "chat_client/input.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chat_client/net.h"
#include "chat_client/terminal.h"
#include "core/clock.h"
#include "core/sock.h"

static void cc_input_online(struct chat_client *c);
static void cc_pump(struct chat_client *c);
static void cc_input_stop(struct chat_client *c);
static void cc_input_line(struct chat_client *c, char *line);

int cc_input_init(struct chat_client *c)
{
	c->input = (struct cc_input_hooks){ .online = cc_input_online, .pump = cc_pump,
					    .stop = cc_input_stop };
	c->tty = isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1;
	c->stdin_pollable = fd_pollable(STDIN_FILENO);
	if (linebuf_init(&c->in, CC_INPUT_MAX) < 0)
		return -1;
	if (c->stdin_pollable) {
		c->ev_stdin = event_new(c->base, STDIN_FILENO, EV_READ | EV_PERSIST, cc_on_stdin, c);
		if (!c->ev_stdin)
			return -1;
	}
	return 0;
}

void cc_input_free(struct chat_client *c)
{
	cc_input_stop(c);
	if (c->ev_stdin)
		event_free(c->ev_stdin);
	c->ev_stdin = NULL;
	linebuf_free(&c->in);
}

static void cc_input_watch(struct chat_client *c, bool want)
{
	want = want && c->ev_stdin;
	if (want == c->stdin_watched)
		return;
	if (want)
		event_add(c->ev_stdin, NULL);
	else
		event_del(c->ev_stdin);
	c->stdin_watched = want;
}

static void cc_input_stop(struct chat_client *c)
{
	cc_input_watch(c, false);
	cc_term_stop(c);
}

static void cc_input_online(struct chat_client *c)
{
	c->started = true;
	cc_term_start(c, cc_input_line);
	cc_term_prompt(c);
}

/* Reads stdin when it cannot be watched (a regular file). */
static void cc_input_read(struct chat_client *c)
{
	size_t room;
	uint8_t *p = linebuf_space(&c->in, &room);
	ssize_t r = room ? read(STDIN_FILENO, p, room) : 0;

	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (r < 0)
		cc_error(c, "cannot read standard input: %s", strerror(errno));
	if (r <= 0)
		linebuf_set_eof(&c->in);
	else
		linebuf_added(&c->in, (size_t)r);
}

/* Fills held with the next line: true, or false when there is none yet
 * (wants_input set) or at the end of input (quitting). */
static bool cc_input_next(struct chat_client *c, bool *wants_input)
{
	const uint8_t *line;
	size_t n;

	if (c->tty) {
		if (c->stdin_eof)
			cc_quit(c, true);
		else
			*wants_input = true;
		return false;
	}
	for (;;) {
		switch (linebuf_next(&c->in, &line, &n)) {
		case LINEBUF_LINE:
			memcpy(c->held, line, n);
			c->held_len = n;
			c->has_held = true;
			return true;
		case LINEBUF_TOO_LONG:
			cc_error(c, "line of more than %d bytes is longer than %d: not sent (split it)",
				 CC_INPUT_MAX, CHAT_TEXT_MAX);
			continue;
		case LINEBUF_MORE:
			if (!c->stdin_pollable) {
				cc_input_read(c);
				continue;
			}
			*wants_input = true;
			return false;
		case LINEBUF_END:
			cc_quit(c, true);
			return false;
		}
	}
}

static void cc_exec(struct chat_client *c, const struct chat_cmd *cmd)
{
	switch (cmd->kind) {
	case CHAT_CMD_NONE:
		break;
	case CHAT_CMD_SEND:
		if (!cc_send(c, cmd->line, cmd->len)) {
			cc_error(c, "the server is too far behind: line not sent");
			break;
		}
		if (cmd->await) {
			c->await = cmd->await;
			c->await_until_us = clock_mono_us() + CC_AWAIT_MAX_US;
		}
		break;
	case CHAT_CMD_HELP:
		cc_print(c, stdout, "%.*s", (int)strlen(chat_cmd_help_text) - 1, chat_cmd_help_text);
		break;
	case CHAT_CMD_QUIT:
		cc_quit(c, false);
		break;
	case CHAT_CMD_UNPOKE:
		c->target.poke[0] = '\0';
		cc_print(c, stdout, "%s", cmd->text);
		break;
	case CHAT_CMD_NOTE:
		cc_print(c, stdout, "%s", cmd->text);
		break;
	case CHAT_CMD_ERROR:
		cc_error(c, "%s", cmd->text);
		break;
	}
}

static void cc_pump(struct chat_client *c)
{
	bool wants_input = false;
	struct chat_cmd cmd;

	while (c->state == CC_ONLINE) {
		uint64_t now = clock_mono_us();
		if (!c->has_held && !cc_input_next(c, &wants_input))
			break;
		if (c->await && now < c->await_until_us) {
			cc_timer_at(c->ev_later, c->await_until_us);
			break;
		}
		c->await = NULL;
		if (rel_tx_unacked(&c->link.tx) >= CC_UNACKED_HIGH)
			break; /* taken up again as acknowledgements come */
		chat_cmd_parse(c->held, c->held_len, &c->target, &cmd);
		if (cmd.kind == CHAT_CMD_SEND && cmd.paced && !tbucket_take(&c->pace, 1, now)) {
			cc_timer_at(c->ev_later, now + CC_PACE_RETRY_US);
			break;
		}
		c->has_held = false;
		cc_exec(c, &cmd);
	}
	if (c->state == CC_DONE)
		return;
	cc_flush(c, false);
	cc_input_watch(c, c->state == CC_ONLINE && wants_input);
	cc_term_prompt(c);
}

void cc_on_later(evutil_socket_t fd, short what, void *arg)
{
	cc_pump(arg);
}

void cc_on_stdin(evutil_socket_t fd, short what, void *arg)
{
	struct chat_client *c = arg;

	if (c->tty) {
		cc_term_read(c); /* a whole line comes back through cc_input_line */
		return;
	}
	cc_input_read(c);
	cc_pump(c);
}

static void cc_input_line(struct chat_client *c, char *line)
{
	if (!line) {
		c->stdin_eof = true;
	} else {
		size_t n = strlen(line);
		if (n > CC_INPUT_MAX) {
			cc_error(c, "line of %zu bytes is longer than %d: not sent (split it)", n,
				 CHAT_TEXT_MAX);
		} else {
			memcpy(c->held, line, n);
			c->held_len = n;
			c->has_held = true;
		}
		free(line);
	}
	cc_pump(c);
}
