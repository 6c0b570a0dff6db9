/* The tool frame: what every tool's main used to repeat, a little
 * differently each time (three version formats, three usage-error shapes). */
#include "core/tool.h"

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"

static void tool_version(const struct tool *t)
{
	printf("socklab %s %s%s%s\n", t->name, t->version_word ? t->version_word : "",
	       t->version_word ? " " : "", SOCKLAB_VERSION);
}

int tool_main(const struct tool *t, int argc, char **argv)
{
	char prog[64], err[TOOL_ERR_MAX] = "";
	void *cfg = calloc(1, t->cfg_size ? t->cfg_size : 1);
	int status;

	snprintf(prog, sizeof(prog), "socklab %s", t->name);
	log_set_prog(prog);
	if (!cfg) {
		log_error("out of memory");
		return 1;
	}
	switch (t->parse(argc, argv, cfg, err, sizeof(err))) {
	case TOOL_ARGS_HELP:
		fputs(t->usage, stdout);
		status = 0;
		break;
	case TOOL_ARGS_VERSION:
		tool_version(t);
		status = 0;
		break;
	case TOOL_ARGS_USAGE:
		log_error("%s", err);
		fprintf(stderr, "Try 'socklab %s --help'.\n", t->name);
		status = 2;
		break;
	case TOOL_ARGS_OK:
	default:
		if (!(t->flags & TOOL_KEEP_SIGPIPE))
			signal(SIGPIPE, SIG_IGN);
		status = t->run(cfg);
		break;
	}
	free(cfg);
	return status;
}

enum tool_args tool_bad_value(char *err, size_t errlen, const char *opt, const char *value,
			      const char *why)
{
	snprintf(err, errlen, "%s %s: %s", opt, value, why);
	return TOOL_ARGS_USAGE;
}

/* Levenshtein distance, bounded: names are short. */
static size_t tool_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t row[64];

	if (la >= 63 || lb >= 63)
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

const char *tool_closest(const char *typed, const char *const *names, size_t n)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1, len = strlen(typed);
	bool tie = false;

	if (len == 0)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		size_t d = tool_distance(typed, names[i]);
		if (strncmp(names[i], typed, len) == 0 && strlen(names[i]) > len)
			d = d < 2 ? d : 2; /* "sca" → "scan" */
		if (d < best_d) {
			best = names[i];
			best_d = d;
			tie = false;
		} else if (d == best_d) {
			tie = true;
		}
	}
	/* One or two typos in a word of four letters or more; one in shorter. */
	size_t limit = len >= 4 ? 2 : 1;
	return best && !tie && best_d <= limit ? best : NULL;
}

void tool_suggest_option(const struct option *longopts, const char *typed, char *err,
			 size_t errlen)
{
	const char *names[128];
	size_t n = 0;

	for (const struct option *o = longopts; o && o->name && n < 128; o++)
		names[n++] = o->name;
	const char *best = tool_closest(typed, names, n);
	size_t used = strlen(err);
	if (best && used < errlen)
		snprintf(err + used, errlen - used, " (did you mean --%s?)", best);
}
