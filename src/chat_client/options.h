/* Command line of socklab chat-client: HOST PORT, --name, -4/-6, -w. */
#ifndef SOCKLAB_CHAT_CLIENT_OPTIONS_H
#define SOCKLAB_CHAT_CLIENT_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chatwire/chatproto.h"
#include "core/tool.h"

#define CHATCLI_WAIT_MS 5000       /* -w: how long registration may take */
#define CHATCLI_WAIT_MAX_SECS 3600

struct chatcli_config {
	const char *host;
	const char *port;
	int family;                        /* AF_UNSPEC, or AF_INET/AF_INET6 for -4/-6 */
	char name[CHAT_NAME_MAX + 1];
	uint64_t wait_ms;
	bool json;                         /* --json: JSON Lines on stdout */
};

extern const char chatcli_usage_text[];

/* Parses argv into cfg; login is the default name (NULL: none known). */
enum tool_args chatcli_parse_args(int argc, char **argv, const char *login,
				  struct chatcli_config *cfg, char *err, size_t errlen);

#endif
