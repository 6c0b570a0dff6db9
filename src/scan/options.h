/* socklab scan's options: getopt_long, then one block of conflict checks. */
#ifndef SOCKLAB_SCAN_OPTIONS_H
#define SOCKLAB_SCAN_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/tool.h"
#include "scan/limits.h"

struct scan_config {
	const char *targets[SCAN_TARGETS_MAX];
	size_t ntargets;
	const char *ports;         /* -p; NULL: the top 1000 */
	bool tcp, udp;
	int family;                /* AF_UNSPEC, AF_INET, AF_INET6 */
	bool banners;
	bool verbose;
	bool json;
	const char *grepable;      /* -oG FILE; "-": standard output */
	int retries;               /* -1: the protocol's default */
	uint64_t max_rtt_ms;
	uint64_t banner_ms;
	uint64_t parallel;         /* TCP connects in flight at most; 0: adaptive */
	uint64_t rate;             /* UDP probes per second at most; 0: adaptive */
	uint64_t host_timeout_ms;  /* give up on a host after this long; 0: never */
};

extern const char scan_usage_text[];

void scan_config_defaults(struct scan_config *cfg);
enum tool_args scan_parse_args(int argc, char **argv, struct scan_config *cfg, char *err,
			       size_t errlen);
unsigned scan_config_retries(const struct scan_config *cfg, int proto);

#endif
