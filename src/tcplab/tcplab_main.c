/* socklab tcplab: list the scenarios, run one, or run them all with a
 * verdict line each. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "tcplab/lab.h"
#include "tcplab/ns.h"
#include "tcplab/profile.h"
#include "tcplab/scen.h"
#include "tcplab/tcplab.h"

static int list(void)
{
	for (size_t i = 0; i < tl_nscenarios; i++)
		printf("%-16s %s\n", tl_scenarios[i].name, tl_scenarios[i].lecture);
	return 0;
}

static const struct tl_scenario *find(const char *name)
{
	for (size_t i = 0; i < tl_nscenarios; i++)
		if (strcmp(tl_scenarios[i].name, name) == 0)
			return &tl_scenarios[i];
	return NULL;
}

static bool run_one(const struct tcplab_opts *o, const struct tl_scenario *s, bool quiet)
{
	struct tl_ctx c = { .o = o, .quiet = quiet, .name = s->name };
	struct tl_verdict v = { 0 };

	if (!quiet)
		tl_say(&c, "== %s: %s", s->name, s->lecture);
	if (!quiet) {
		char para[1024];

		tl_say(&c, "  %s", tl_profile_text(o, s->name, para, sizeof para));
	}
	tl_emit(&c, "profile", tl_profile_json(o, s->name));
	if (s->run(&c, &v) < 0)
		v.error = true;
	if (o->svg && !c.svg && !v.error && !tl_interrupted)
		log_error("%s draws no picture (no transfer's samples): --svg wrote nothing",
			  s->name);
	if (tl_interrupted) {
		v.seen = v.error = false;
		snprintf(v.line, sizeof v.line, "interrupted");
	}
	if (o->json) {
		tl_emit(&c, "verdict",
			json_pack("{s:b,s:b,s:s}", "seen", v.seen && !v.error, "error", v.error,
				  "summary", v.line));
	} else {
		bool ok = v.seen && !v.error;

		if (quiet) /* --all: one line */
			printf("%s %s: %s%s\n", tl_mark(ok), s->name, v.error ? "the lab failed: " : "",
			       v.line);
		else
			printf("%s: %s%s\n%s %s\n", s->name, v.error ? "the lab failed: " : "",
			       v.line, tl_mark(ok), ok ? "signature seen" : "signature not seen");
		fflush(stdout);
	}
	return v.seen && !v.error && c.svg >= 0;
}

static int tcplab_run(void *cfg)
{
	const struct tcplab_opts *o = cfg;

	if (o->cmd == TL_CMD_LIST)
		return list();
	const struct tl_scenario *s = NULL;

	if (!o->all && !(s = find(o->scenario))) {
		log_error("no scenario '%s' (socklab tcplab list names them)", o->scenario);
		return 2;
	}
	if (geteuid() != 0) {
		log_error("the lab needs root: it makes network namespaces and packet sockets");
		return 1;
	}
	if (o->json)
		log_out_set_mode(OUT_JSON);
	tl_lab_prepare();
	if (s && o->pcap && !s->captures)
		log_error("%s records no packets (TCP_INFO and /proc only): --pcap writes nothing",
			  s->name);
	if (s) {
		bool ok = run_one(o, s, false);

		if (tl_interrupted)
			log_error("interrupted: the lab was taken down");
		return ok && !tl_interrupted ? 0 : 1;
	}
	int bad = 0;

	for (size_t i = 0; i < tl_nscenarios && !tl_interrupted; i++)
		if (!run_one(o, &tl_scenarios[i], true))
			bad++;
	if (tl_interrupted)
		log_error("interrupted: the lab was taken down");
	return bad || tl_interrupted ? 1 : 0;
}

static enum tool_args tcplab_parse(int argc, char **argv, void *cfg, char *err, size_t errlen)
{
	return tcplab_parse_args(argc, argv, cfg, err, errlen);
}

const struct tool tcplab_tool = {
	TOOL_FIELDS("tcplab", "makes TCP's inner workings happen in namespaces and measures them",
		    tcplab_usage_text, struct tcplab_opts, tcplab_parse, tcplab_run),
};
