/* socklab chat: parse, connect (or fall back to listening, as the seed's
 * launcher does), then run the session. Exit 0 when either side leaves, 1
 * when the connection cannot be made or breaks, 2 on a usage error. */
#include "chat/chat.h"

#include "chat/net.h"
#include "chat/options.h"
#include "chat/session.h"
#include "core/log.h"

static enum tool_args chat_tool_parse(int argc, char **argv, void *cfg, char *err, size_t errlen)
{
	return chat_parse_args(argc, argv, cfg, err, errlen);
}

static int chat_tool_run(void *arg)
{
	const struct chat_config *cfg = arg;
	char err[CHAT_TCP_ERR_MAX], where[CHAT_TCP_ERR_MAX];
	int fd = -1;

	if (cfg->host) {
		fd = chat_connect(cfg->host, cfg->port, cfg->family, cfg->connect_timeout_ms, err,
				      sizeof(err));
		if (fd < 0) {
			chat_hostport_str(cfg->host, cfg->port, where, sizeof(where));
			if (cfg->no_fallback) {
				log_error("cannot connect to %s: %s", where, err);
				return 1;
			}
			log_error("cannot connect to %s: %s — listening on %s instead", where, err,
				  cfg->port);
		}
	}
	return chat_run(cfg, fd);
}

const struct tool chat_tool = {
	TOOL_FIELDS("chat", "seed 003's TCP chat: two people, point to point, connect or listen",
		    chat_usage_text, struct chat_config, chat_tool_parse, chat_tool_run),
};
