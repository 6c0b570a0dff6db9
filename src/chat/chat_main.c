/* socklab chat: parse, connect (or fall back to listening, as the seed's
 * launcher does), then run the session. Exit 0 when either side leaves, 1
 * when the connection cannot be made or breaks, 2 on a usage error. */
#include "chat/chat.h"

#include "chat/net.h"
#include "chat/options.h"
#include "chat/report.h"
#include "chat/session.h"
#include "core/jsontext.h"
#include "core/log.h"

static enum tool_args chat_tool_parse(int argc, char **argv, void *cfg, char *err, size_t errlen)
{
	return chat_parse_args(argc, argv, cfg, err, errlen);
}

/* --json: {"type":"connect_failed",...}, and whether chat listens instead. */
static void chat_main_json_failed(const struct chat_config *cfg, const char *err)
{
	json_t *o = chat_json_new("connect_failed");

	if (!o)
		return;
	json_object_set_new(o, "host", jsontext_str(cfg->host));
	json_object_set_new(o, "port", json_integer(cfg->port_num));
	json_object_set_new(o, "message", jsontext_str(err));
	json_object_set_new(o, "fallback", json_boolean(!cfg->no_fallback));
	chat_json_emit(o);
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
			if (cfg->json)
				chat_main_json_failed(cfg, err);
			if (cfg->no_fallback) {
				if (!cfg->json)
					log_error("cannot connect to %s: %s", where, err);
				return 1;
			}
			if (!cfg->json)
				log_error("cannot connect to %s: %s — listening on %s instead", where,
					  err, cfg->port);
		}
	}
	return chat_run(cfg, fd);
}

const struct tool chat_tool = {
	TOOL_FIELDS("chat", "seed 003's TCP chat: two people, point to point, connect or listen",
		    chat_usage_text, struct chat_config, chat_tool_parse, chat_tool_run),
};
