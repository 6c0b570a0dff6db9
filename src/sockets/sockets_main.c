/* socklab sockets: parse, then one snapshot printed as a table or JSON
 * Lines, or --watch's redraw loop. */
#include "sockets/sockets.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "sockets/netlink.h"
#include "sockets/options.h"
#include "sockets/render.h"
#include "sockets/snapshot.h"
#include "sockets/summary.h"
#include "sockets/watch.h"

/* -s: ss's counts, then an empty line as ss ends them. */
static int sockets_summary(const struct sockets_opts *o)
{
	char lines[SOCKETS_SUMMARY_LINES][SOCKETS_SUMMARY_LINE_MAX];
	struct sockets_summary s;
	char why[SOCKETS_WHY_MAX];

	if (sockets_summary_read(&s, why, sizeof(why)) < 0) {
		log_error("%s", why);
		return 1;
	}
	if (o->json) {
		log_out_json(sockets_summary_json(&s));
		return 0;
	}
	int n = sockets_summary_format(&s, lines);
	for (int i = 0; i < n; i++)
		log_out_line("%s", lines[i]);
	log_out_line("%s", "");
	return 0;
}

static int sockets_once(struct sockets_netlink *nl, const struct sockets_opts *o)
{
	struct sockets_list l = { 0 };
	struct sockets_view v;
	char why[SOCKETS_WHY_MAX];
	size_t unowned;
	int status = 0;

	if (o->summary && sockets_summary(o) != 0)
		return 1;
	if (!o->list)
		return 0;
	sockets_view_from_opts(&v, o);
	if (sockets_snapshot(nl, o, &l, &unowned, why, sizeof(why)) < 0) {
		log_error("%s", why);
		status = 1;
	} else {
		if (o->json)
			sockets_render_json(&l, 0, &v);
		else
			sockets_render_table(&l, false, &v);
		sockets_note_unowned(unowned);
	}
	sockets_list_free(&l);
	return status;
}

static enum tool_args sockets_parse(int argc, char **argv, void *cfg, char *err, size_t errlen)
{
	return sockets_parse_args(argc, argv, cfg, err, errlen);
}

static int sockets_run(void *cfg)
{
	const struct sockets_opts *o = cfg;
	struct sockets_netlink nl;

	log_out_set_mode(o->json ? OUT_JSON : OUT_TEXT);
	if (sockets_netlink_open(&nl) < 0) {
		log_error_errno(errno, "cannot open a netlink sock_diag socket");
		return 1;
	}
	int status = o->watch_ms ? sockets_watch(&nl, o) : sockets_once(&nl, o);
	sockets_netlink_close(&nl);
	return status;
}

/* SIGPIPE keeps its default: no socket is written to, and a closed stdout
 * pipe (--watch | head) should end the program as it ends ss. */
const struct tool sockets_tool = {
	TOOL_FIELDS("sockets", "open TCP, UDP and Unix sockets with their processes, like ss -tuanp",
		    sockets_usage_text, struct sockets_opts, sockets_parse, sockets_run),
	.flags = TOOL_KEEP_SIGPIPE,
};
