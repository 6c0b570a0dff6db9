/* Building the list of hosts: arguments, -iL, --exclude (scan/targets.h). */
#include "scan/targets.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TARGETS_FILE_MAX (16u << 20) /* bytes of an -iL or --excludefile */

/* The whole of FILE ("-": standard input), NUL-terminated; NULL (err set). */
static char *targets_slurp(const char *opt, const char *path, char *err, size_t errlen)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "re");
	size_t n = 0, cap = 4096;
	char *buf = NULL;

	if (!f) {
		snprintf(err, errlen, "cannot read %s %s: %s", opt, path, strerror(errno));
		return NULL;
	}
	buf = malloc(cap + 1);
	while (buf) {
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (n < cap)
			break;
		if (cap >= TARGETS_FILE_MAX) {
			snprintf(err, errlen, "%s %s: larger than %u MiB", opt, path,
				 TARGETS_FILE_MAX >> 20);
			free(buf);
			buf = NULL;
			goto out;
		}
		cap *= 2;
		char *nb = realloc(buf, cap + 1);
		if (!nb) {
			free(buf);
			buf = NULL;
		}
		buf = nb;
	}
	if (!buf)
		snprintf(err, errlen, "out of memory");
	else if (ferror(f)) {
		snprintf(err, errlen, "cannot read %s %s: %s", opt, path, strerror(errno));
		free(buf);
		buf = NULL;
	} else {
		buf[n] = '\0';
	}
out:
	if (f != stdin)
		fclose(f);
	return buf;
}

/* Calls add(word) for each word of text; '#' starts a comment to the end
 * of the line (nmap's -iL format). seps: also these separate words. */
static int targets_words(char *text, const char *seps, int (*add)(void *, const char *),
			 void *ctx)
{
	char *p = text;

	while (*p) {
		if (*p == '#') {
			while (*p && *p != '\n')
				p++;
			continue;
		}
		if (isspace((unsigned char)*p) || strchr(seps, *p)) {
			p++;
			continue;
		}
		char *w = p;
		while (*p && !isspace((unsigned char)*p) && !strchr(seps, *p) && *p != '#')
			p++;
		char end = *p;
		*p = '\0';
		int rc = add(ctx, w);
		*p = end;
		if (rc < 0)
			return -1;
	}
	return 0;
}

struct targets_ctx {
	struct scan_targets *tl;
	size_t cap;
	char *err;
	size_t errlen;
};

static int targets_add(void *arg, const char *spec)
{
	struct targets_ctx *c = arg;
	struct scan_targets *tl = c->tl;
	struct scan_tspec t;

	if (scan_tspec_parse(spec, &t, c->err, c->errlen) < 0)
		return -1;
	uint64_t count = scan_tspec_count(&t);
	if (count > SCAN_HOSTS_MAX - tl->n) {
		snprintf(c->err, c->errlen, "%.80s: more than %d hosts in all (a /16); scan a "
			 "smaller range", spec, SCAN_HOSTS_MAX);
		return -1;
	}
	if (tl->n + count > c->cap) {
		size_t cap = c->cap ? c->cap : 16;
		while (cap < tl->n + count)
			cap *= 2;
		char **nn = realloc(tl->names, cap * sizeof(*nn));
		if (!nn) {
			snprintf(c->err, c->errlen, "out of memory");
			return -1;
		}
		tl->names = nn;
		c->cap = cap;
	}
	for (uint64_t i = 0; i < count; i++) {
		char buf[SCAN_HOST_MAX + 1];
		scan_tspec_nth(&t, i, buf, sizeof(buf));
		tl->names[tl->n] = strdup(buf);
		if (!tl->names[tl->n]) {
			snprintf(c->err, c->errlen, "out of memory");
			return -1;
		}
		tl->n++;
	}
	return 0;
}

static int targets_exclude(void *arg, const char *spec)
{
	struct targets_ctx *c = arg;
	struct scan_targets *tl = c->tl;

	if (tl->nexcl == SCAN_EXCLUDES_MAX) {
		snprintf(c->err, c->errlen, "more than %d --exclude entries", SCAN_EXCLUDES_MAX);
		return -1;
	}
	if (scan_tspec_parse(spec, &tl->excl[tl->nexcl], c->err, c->errlen) < 0)
		return -1;
	tl->nexcl++;
	return 0;
}

static int targets_file(const char *opt, const char *path, int (*add)(void *, const char *),
			struct targets_ctx *c)
{
	char *text = targets_slurp(opt, path, c->err, c->errlen);

	if (!text)
		return -1;
	int rc = targets_words(text, "", add, c);
	free(text);
	return rc;
}

int scan_targets_build(const struct scan_config *cfg, struct scan_targets *tl, char *err,
		       size_t errlen)
{
	struct targets_ctx c = { .tl = tl, .err = err, .errlen = errlen };

	memset(tl, 0, sizeof(*tl));
	for (size_t i = 0; i < cfg->ntargets; i++)
		if (targets_add(&c, cfg->targets[i]) < 0)
			return -1;
	if (cfg->input_list && targets_file("-iL", cfg->input_list, targets_add, &c) < 0)
		return -1;
	if (tl->n == 0) {
		snprintf(err, errlen, "-iL %s names no host", cfg->input_list);
		return -1;
	}
	if (cfg->exclude || cfg->exclude_file) {
		tl->excl = calloc(SCAN_EXCLUDES_MAX, sizeof(*tl->excl));
		if (!tl->excl) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
	}
	if (cfg->exclude) {
		char *list = strdup(cfg->exclude);
		if (!list) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		int rc = targets_words(list, ",", targets_exclude, &c);
		free(list);
		if (rc < 0)
			return -1;
	}
	if (cfg->exclude_file &&
	    targets_file("--excludefile", cfg->exclude_file, targets_exclude, &c) < 0)
		return -1;
	return 0;
}

bool scan_targets_excluded(const struct scan_targets *tl, const struct scan_host *h)
{
	for (size_t i = 0; i < tl->nexcl; i++) {
		const struct scan_tspec *t = &tl->excl[i];
		if (t->kind == TSPEC_NAME ? strcasecmp(t->name, h->name) == 0
					  : scan_tspec_has(t, &h->addr.sa))
			return true;
	}
	return false;
}

void scan_targets_free(struct scan_targets *tl)
{
	for (size_t i = 0; i < tl->n; i++)
		free(tl->names[i]);
	free(tl->names);
	free(tl->excl);
	memset(tl, 0, sizeof(*tl));
}
