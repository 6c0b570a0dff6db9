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

static void chatcli_input_online(struct chatcli *c);
static void chatcli_pump(struct chatcli *c);
static void chatcli_input_stop(struct chatcli *c);
static void chatcli_input_line(struct chatcli *c, char *line);

int chatcli_input_init(struct chatcli *c)
{
	c->input = (struct chatcli_input_hooks){ .online = chatcli_input_online, .pump = chatcli_pump,
					    .stop = chatcli_input_stop };
	/* --json is for programs: no prompt, no line editing */
	c->tty = isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1 && !c->cfg->json;
	c->stdin_pollable = sock_fd_pollable(STDIN_FILENO);
	if (linebuf_init(&c->in, CHATCLI_INPUT_MAX) < 0)
		return -1;
	if (c->stdin_pollable) {
		c->ev_stdin = event_new(c->base, STDIN_FILENO, EV_READ | EV_PERSIST, chatcli_on_stdin, c);
		if (!c->ev_stdin)
			return -1;
	}
	return 0;
}

void chatcli_input_free(struct chatcli *c)
{
	chatcli_input_stop(c);
	if (c->ev_stdin)
		event_free(c->ev_stdin);
	c->ev_stdin = NULL;
	linebuf_free(&c->in);
}

static void chatcli_input_watch(struct chatcli *c, bool want)
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

static void chatcli_input_stop(struct chatcli *c)
{
	chatcli_input_watch(c, false);
	chatcli_term_stop(c);
}

static void chatcli_input_online(struct chatcli *c)
{
	c->started = true;
	chatcli_term_start(c, chatcli_input_line);
	chatcli_term_prompt(c);
}

/* Reads stdin when it cannot be watched (a regular file). */
static void chatcli_input_read(struct chatcli *c)
{
	size_t room;
	uint8_t *p = linebuf_space(&c->in, &room);
	ssize_t r = room ? read(STDIN_FILENO, p, room) : 0;

	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (r < 0)
		chatcli_error(c, "cannot read standard input: %s", strerror(errno));
	if (r <= 0)
		linebuf_set_eof(&c->in);
	else
		linebuf_added(&c->in, (size_t)r);
}

/* Fills held with the next line: true, or false when there is none yet
 * (wants_input set) or at the end of input (quitting). */
static bool chatcli_input_next(struct chatcli *c, bool *wants_input)
{
	const uint8_t *line;
	size_t n;

	if (c->tty) {
		if (c->stdin_eof)
			chatcli_quit(c, true);
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
			chatcli_error(c, "line of more than %d bytes is longer than %d: not sent (split it)",
				 CHATCLI_INPUT_MAX, CHAT_TEXT_MAX);
			continue;
		case LINEBUF_MORE:
			if (!c->stdin_pollable) {
				chatcli_input_read(c);
				continue;
			}
			*wants_input = true;
			return false;
		case LINEBUF_END:
			chatcli_quit(c, true);
			return false;
		}
	}
}

static void chatcli_exec(struct chatcli *c, const struct chatcli_cmd *cmd)
{
	json_t *o;

	switch (cmd->kind) {
	case CHATCLI_CMD_NONE:
		break;
	case CHATCLI_CMD_SEND:
		if (!chatcli_send(c, cmd->line, cmd->len)) {
			chatcli_error(c, "the server is too far behind: line not sent");
			break;
		}
		if (cmd->await) {
			c->await = cmd->await;
			c->await_until_us = clock_mono_us() + CHATCLI_AWAIT_MAX_US;
		}
		c->join_create[0] = '\0';
		if (cmd->create_if_missing && cmd->len > 5) /* "JOIN room" */
			snprintf(c->join_create, sizeof(c->join_create), "%.*s", (int)(cmd->len - 5),
				 cmd->line + 5);
		break;
	case CHATCLI_CMD_HELP:
		o = chatcli_json_new("help");
		json_object_set_new(o, "text", json_string(chatcli_cmd_help_text));
		chatcli_say(c, o, "%.*s", (int)strlen(chatcli_cmd_help_text) - 1, chatcli_cmd_help_text);
		break;
	case CHATCLI_CMD_QUIT:
		chatcli_quit(c, false);
		break;
	case CHATCLI_CMD_UNPOKE:
		c->target.poke[0] = '\0';
		/* fall through */
	case CHATCLI_CMD_NOTE:
		o = chatcli_json_new("note");
		json_object_set_new(o, "text", json_string(cmd->text));
		chatcli_say(c, o, "%s", cmd->text);
		break;
	case CHATCLI_CMD_ERROR:
		chatcli_error(c, "%s", cmd->text);
		break;
	}
}

static void chatcli_pump(struct chatcli *c)
{
	bool wants_input = false;
	struct chatcli_cmd cmd;

	while (c->state == CHATCLI_ONLINE) {
		uint64_t now = clock_mono_us();
		if (!c->has_held && !chatcli_input_next(c, &wants_input))
			break;
		if (c->await && now < c->await_until_us) {
			chatcli_timer_at(c->ev_later, c->await_until_us);
			break;
		}
		c->await = NULL;
		if (chatwire_rel_tx_unacked(&c->link.tx) >= CHATCLI_UNACKED_HIGH)
			break; /* taken up again as acknowledgements come */
		chatcli_cmd_parse(c->held, c->held_len, &c->target, &cmd);
		if (cmd.kind == CHATCLI_CMD_SEND && cmd.paced && !tbucket_take(&c->pace, 1, now)) {
			chatcli_timer_at(c->ev_later, now + CHATCLI_PACE_RETRY_US);
			break;
		}
		c->has_held = false;
		chatcli_exec(c, &cmd);
	}
	if (c->state == CHATCLI_DONE)
		return;
	chatcli_flush(c, false);
	chatcli_input_watch(c, c->state == CHATCLI_ONLINE && wants_input);
	chatcli_term_prompt(c);
}

void chatcli_on_later(evutil_socket_t fd, short what, void *arg)
{
	chatcli_pump(arg);
}

void chatcli_on_stdin(evutil_socket_t fd, short what, void *arg)
{
	struct chatcli *c = arg;

	if (c->tty) {
		chatcli_term_read(c); /* a whole line comes back through chatcli_input_line */
		return;
	}
	chatcli_input_read(c);
	chatcli_pump(c);
}

static void chatcli_input_line(struct chatcli *c, char *line)
{
	if (!line) {
		c->stdin_eof = true;
	} else {
		size_t n = strlen(line);
		if (n > CHATCLI_INPUT_MAX) {
			chatcli_error(c, "line of %zu bytes is longer than %d: not sent (split it)", n,
				 CHAT_TEXT_MAX);
		} else {
			memcpy(c->held, line, n);
			c->held_len = n;
			c->has_held = true;
		}
		free(line);
	}
	chatcli_pump(c);
}
