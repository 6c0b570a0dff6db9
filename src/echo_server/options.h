/* Command line of socklab echo-server: seed 004's Table 1 (-t, -c, --ip,
 * -h, -v) plus -p and --timeout. */
#ifndef SOCKLAB_ECHO_SERVER_OPTIONS_H
#define SOCKLAB_ECHO_SERVER_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"

/* The port of the seed's traces. */
#define ECHO_SERVER_PORT 4002
#define ECHO_SERVER_IDLE_MAX_SECS (7 * 24 * 3600)
#define ECHO_SERVER_ERR_MAX 256

struct echo_server_config {
	int proto;              /* IPPROTO_TCP or IPPROTO_UDP */
	bool continuous;        /* -c: accepted; the echo is byte by byte anyway */
	union addr_any addr;    /* --ip and -p */
	uint64_t idle_ms;       /* --timeout; 0: never */
};

enum echo_server_args {
	ECHO_SERVER_ARGS_OK,
	ECHO_SERVER_ARGS_HELP,
	ECHO_SERVER_ARGS_VERSION,
	ECHO_SERVER_ARGS_USAGE, /* err holds the reason */
};

extern const char echo_server_usage_text[];

/* Parses argv into cfg (defaults first); argv itself is left as it was. */
enum echo_server_args echo_server_parse_args(int argc, char **argv, struct echo_server_config *cfg,
					     char *err, size_t errlen);

#endif
