/* The two scan engines. Each scans one target for one protocol on the
 * caller's event loop, fills the table, and returns when every port is
 * decided, or earlier when a signal or the host's deadline stops the scan
 * (t->cut says why; the undecided ports stay pending): 0, or -1 with a
 * one-line reason in err (the scan cannot go on: no socket at all, an
 * unexpected error). An unreachable target is not an error here:
 * t->unreachable says so. */
#ifndef SOCKLAB_SCAN_ENGINE_H
#define SOCKLAB_SCAN_ENGINE_H

#include <stddef.h>

#include <event2/event.h>

#include "core/addr.h"
#include "scan/options.h"
#include "scan/progress.h"
#include "scan/result.h"

struct scan_env {
	struct event_base *base;
	const struct scan_config *cfg;
	struct scan_progress *progress;
	long nofile;               /* the open-file limit */
	uint64_t deadline_us;      /* --host-timeout: monotonic end; 0: none */
};

int scan_tcp_run(const struct scan_env *env, const union addr_any *addr, struct scan_table *t,
		 char *err, size_t errlen);
int scan_udp_run(const struct scan_env *env, const union addr_any *addr, struct scan_table *t,
		 char *err, size_t errlen);

#endif
