/* socklab echo-client: parse options, open the socket, run line or
 * continuous mode. Exit 0 when the user leaves, 1 on a failure (no server,
 * no echo, a refused line), 2 on a usage error. */
#include "echo_client/echo_client.h"

#include "core/log.h"
#include "echo_client/modes.h"
#include "echo_client/report.h"
#include "echo_client/options.h"
#include "echo_client/session.h"

static int echocli_run(void *arg)
{
	const struct echo_opts *cfg = arg;
	struct echo_session s;

	if (cfg->json)
		log_out_set_mode(OUT_JSON);
	if (echocli_session_open(&s, cfg) < 0) {
		echocli_report_summary(&s, 1);
		return 1;
	}
	int rc = cfg->continuous ? echocli_cont_run(&s) : echocli_line_run(&s);
	echocli_report_summary(&s, rc);
	echocli_session_close(&s);
	return rc;
}

const struct tool echocli_tool = {
	TOOL_FIELDS("echo-client", "seed 004's echo client: line mode or continuous (-c) mode",
		    echocli_usage_text, struct echo_opts, echo_opts_parse_client, echocli_run),
	.version_word = "version",
};
