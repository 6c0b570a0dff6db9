/* The hosts to scan: the HOST arguments and -iL's words, ranges and CIDR
 * blocks expanded (scan/tspec.h), and the --exclude list to leave out. */
#ifndef SOCKLAB_SCAN_TARGETS_H
#define SOCKLAB_SCAN_TARGETS_H

#include <stdbool.h>
#include <stddef.h>

#include "scan/options.h"
#include "scan/result.h"
#include "scan/tspec.h"

struct scan_targets {
	char **names;              /* one host each: a name or an address; owned */
	size_t n;
	struct scan_tspec *excl;   /* --exclude and --excludefile */
	size_t nexcl;
};

/* 0, or -1 with a one-line reason (a bad spec, an unreadable file, too
 * many hosts): a usage error. */
int scan_targets_build(const struct scan_config *cfg, struct scan_targets *tl, char *err,
		       size_t errlen);
/* Whether a resolved host is to be left out: its address is in an excluded
 * range, or its name is an excluded name. */
bool scan_targets_excluded(const struct scan_targets *tl, const struct scan_host *h);
void scan_targets_free(struct scan_targets *tl);

#endif
