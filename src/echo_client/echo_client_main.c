/* socklab echo-client: parse options, open the socket, run line or
 * continuous mode. Exit 0 when the user leaves, 1 on a failure (no server,
 * no echo, a refused line), 2 on a usage error. */
#include "echo_client/echo_client.h"

#include <signal.h>
#include <stdio.h>

#include "core/log.h"
#include "echo_client/modes.h"
#include "echo_client/options.h"
#include "echo_client/session.h"

int echo_client_main(int argc, char **argv)
{
	struct echo_opts cfg;
	struct echo_session s;
	char err[ECHO_OPTS_ERR_MAX];

	log_set_prog("socklab echo-client");
	switch (echo_opts_parse(argc, argv, ECHO_ROLE_CLIENT, &cfg, err, sizeof(err))) {
	case ECHO_OPTS_HELP:
		fputs(echo_client_usage_text, stdout);
		return 0;
	case ECHO_OPTS_VERSION:
		printf("socklab echo-client version %s\n", SOCKLAB_VERSION);
		return 0;
	case ECHO_OPTS_USAGE:
		log_error("%s", err);
		fputs(echo_client_usage_text, stderr);
		return 2;
	case ECHO_OPTS_OK:
		break;
	}
	signal(SIGPIPE, SIG_IGN);
	if (echo_session_open(&s, &cfg) < 0)
		return 1;
	int rc = cfg.continuous ? echo_cont_run(&s) : echo_line_run(&s);
	echo_session_close(&s);
	return rc;
}

const struct tool echo_client_tool = {
	.name = "echo-client",
	.summary = "seed 004's echo client: line mode or continuous (-c) mode",
	.own_main = echo_client_main,
};
