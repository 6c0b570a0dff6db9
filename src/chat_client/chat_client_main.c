/* socklab chat-client: options, the event loop and its events, the exit
 * status (0 left, 1 failed at run time, 2 usage). */
#include "chat_client/chat_client.h"

#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <readline/history.h>

#include "chat_client/client.h"
#include "chat_client/input.h"
#include "chat_client/net.h"
#include "chat_client/terminal.h"
#include "core/log.h"
#include "core/proc.h"

static const int chatcli_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGWINCH };

static const char *chatcli_login_name(void)
{
	const struct passwd *pw = getpwuid(getuid());
	const char *env = getenv("USER");

	if (pw && pw->pw_name && *pw->pw_name)
		return pw->pw_name;
	return env && *env ? env : NULL;
}

static void chatcli_on_signal(int sig, void *arg)
{
	struct chatcli *c = arg;

	if (sig == SIGWINCH)
		chatcli_term_resize(c);
	else
		chatcli_quit(c, false); /* BYE as for $quit; a second signal ends at once */
}

static int chatcli_events_new(struct chatcli *c)
{
	c->ev_rto = evtimer_new(c->base, chatcli_on_rto, c);
	c->ev_keepalive = evtimer_new(c->base, chatcli_on_keepalive, c);
	c->ev_timeout = evtimer_new(c->base, chatcli_on_timeout, c);
	c->ev_later = evtimer_new(c->base, chatcli_on_later, c);
	if (!c->ev_rto || !c->ev_keepalive || !c->ev_timeout || !c->ev_later)
		return -1;
	return proc_on_signals(c->proc, chatcli_signals, sizeof(chatcli_signals) / sizeof(chatcli_signals[0]),
			       chatcli_on_signal, c);
}

static void chatcli_events_free(struct chatcli *c)
{
	struct event *evs[] = { c->ev_rto, c->ev_keepalive, c->ev_timeout, c->ev_later };

	for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++)
		if (evs[i])
			event_free(evs[i]);
}

static int chatcli_run(void *arg)
{
	const struct chatcli_config *cfg = arg;
	struct chatcli *c = calloc(1, sizeof(*c));
	int rc = 1;

	if (!c) {
		log_error("out of memory");
		return 1;
	}
	c->cfg = cfg;
	c->fd = -1;
	chatwire_link_init(&c->link);
	c->proc = proc_new();
	if (c->proc)
		c->base = proc_base(c->proc);
	if (!c->proc || chatcli_events_new(c) < 0 || chatcli_input_init(c) < 0) {
		log_error("cannot set up the event loop");
		goto out;
	}
	if (chatcli_net_open(c) < 0)
		goto out;
	chatcli_register(c);
	proc_loop(c->proc);
	rc = c->exit_code;
out:
	chatcli_input_free(c);
	chatcli_net_close(c);
	chatcli_jlist_free(&c->jlist);
	chatcli_events_free(c);
	chatwire_link_free(&c->link);
	proc_free(c->proc);
	clear_history();
	free(c);
	return rc;
}

static enum tool_args chatcli_parse(int argc, char **argv, void *cfg, char *err, size_t errlen)
{
	return chatcli_parse_args(argc, argv, chatcli_login_name(), cfg, err, errlen);
}

const struct tool chatcli_tool = {
	TOOL_FIELDS("chat-client", "seed 003's UDP chat client: users, rooms, private messages",
		    chatcli_usage_text, struct chatcli_config, chatcli_parse, chatcli_run),
};
