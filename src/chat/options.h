/* Command line of socklab chat: PORT (listen) or HOST PORT (connect, then
 * listen if that fails), --name, -4/-6, -w, --no-fallback. */
#ifndef SOCKLAB_CHAT_OPTIONS_H
#define SOCKLAB_CHAT_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chat/proto.h"
#include "core/tool.h"

#define CHAT_TCP_ERR_MAX 512
#define CHAT_TCP_CONNECT_TIMEOUT_MS 10000   /* -w default */
#define CHAT_TCP_CONNECT_TIMEOUT_MAX_SECS 3600

struct chat_config {
	int family;             /* AF_UNSPEC, AF_INET (-4), AF_INET6 (-6) */
	const char *host;       /* NULL: listen */
	const char *port;       /* as given: "5000" */
	uint16_t port_num;
	char name[CHAT_TCP_NAME_MAX + 1];
	uint64_t connect_timeout_ms;
	bool no_fallback;
	bool json;              /* --json: JSON Lines on stdout instead of the display */
};

extern const char chat_usage_text[];

/* Parses argv into cfg (defaults first: the login name, or "anonymous"). */
enum tool_args chat_parse_args(int argc, char **argv, struct chat_config *cfg, char *err,
			       size_t errlen);
/* The login name if it is a valid chat name, else "anonymous". */
void chat_default_name(char *out, size_t outlen);

#endif
