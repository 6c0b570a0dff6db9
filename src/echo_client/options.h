/* Command line of socklab echo-client: seed 004's Table 1 (-t, -c, --ip,
 * -h, -v) plus -p and --timeout. */
#ifndef SOCKLAB_ECHO_CLIENT_OPTIONS_H
#define SOCKLAB_ECHO_CLIENT_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"

/* The port of the seed's traces. */
#define ECHO_CLIENT_PORT 4002
#define ECHO_CLIENT_TIMEOUT_MS 5000
#define ECHO_CLIENT_TIMEOUT_MAX_SECS 3600
#define ECHO_CLIENT_ERR_MAX 256

struct echo_client_config {
	int proto;              /* IPPROTO_TCP or IPPROTO_UDP */
	bool continuous;        /* -c */
	union addr_any addr;    /* --ip and -p: the server */
	uint64_t timeout_ms;    /* --timeout: how long an echo may take */
};

enum echo_client_args {
	ECHO_CLIENT_ARGS_OK,
	ECHO_CLIENT_ARGS_HELP,
	ECHO_CLIENT_ARGS_VERSION,
	ECHO_CLIENT_ARGS_USAGE, /* err holds the reason */
};

extern const char echo_client_usage_text[];

/* Parses argv into cfg (defaults first); argv itself is left as it was. */
enum echo_client_args echo_client_parse_args(int argc, char **argv, struct echo_client_config *cfg,
					     char *err, size_t errlen);

#endif
