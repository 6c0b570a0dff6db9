/* socklab scan's options: getopt_long, then one block of conflict checks. */
#ifndef SOCKLAB_SCAN_OPTIONS_H
#define SOCKLAB_SCAN_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/color.h"
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
	enum color_mode color;     /* --color: the states of the table */
	const char *grepable;      /* -oG FILE; "-": standard output */
	int retries;               /* -1: the protocol's default */
	uint64_t max_rtt_ms;
	uint64_t banner_ms;
	uint64_t parallel;         /* TCP connects in flight at most; 0: adaptive */
	uint64_t rate;             /* UDP probes per second at most; 0: adaptive */
	uint64_t host_timeout_ms;  /* give up on a host after this long; 0: never */
	uint64_t scan_delay_ms;    /* --scan-delay: at least this long between probes */
	int timing;                /* -T0..-T5; -1: not given */
	unsigned given;            /* SCAN_GIVEN_*: timing options set by hand */
	unsigned top_ports;        /* --top-ports N, -F (100); 0: not given */
	bool list_only;            /* -sL: list the targets, send nothing */
	bool open_only;            /* --open: only open (and open|filtered) ports */
	const char *input_list;    /* -iL FILE; "-": standard input */
	const char *exclude;       /* --exclude LIST */
	const char *exclude_file;  /* --excludefile FILE */
	const char *xml;           /* -oX FILE */
	const char *normal;        /* -oN FILE */
	char *all_base;            /* -oA BASE: the three names below, owned */
};

/* Timing options given by hand: -T does not override them, whatever the
 * order (as in nmap). */
enum {
	SCAN_GIVEN_RETRIES = 1 << 0,
	SCAN_GIVEN_RTT = 1 << 1,
	SCAN_GIVEN_PARALLEL = 1 << 2,
	SCAN_GIVEN_RATE = 1 << 3,
	SCAN_GIVEN_HOST_TIMEOUT = 1 << 4,
	SCAN_GIVEN_DELAY = 1 << 5,
};

/* One row of docs/scan.md's -T table. */
struct scan_timing {
	const char *name;          /* nmap's: paranoid ... insane */
	uint64_t delay_ms;         /* --scan-delay */
	uint64_t parallel;         /* --max-parallel; 0: adaptive */
	uint64_t rate;             /* --max-rate (UDP); 0: adaptive */
	uint64_t max_rtt_ms;       /* --max-rtt-timeout */
	int retries;               /* --retries; -1: the protocol's default */
	uint64_t host_timeout_ms;  /* --host-timeout; 0: never */
};
extern const struct scan_timing scan_timings[6];

extern const char scan_usage_text[];

void scan_config_defaults(struct scan_config *cfg);
enum tool_args scan_parse_args(int argc, char **argv, struct scan_config *cfg, char *err,
			       size_t errlen);
unsigned scan_config_retries(const struct scan_config *cfg, int proto);
/* Frees what parse allocated (-oA's names). */
void scan_config_free(struct scan_config *cfg);

/* nmap's compound flags (options_nmap.c): -sX, -PX, -TN, -iL, and the
 * answers to the ones socklab cannot do. Each returns TOOL_ARGS_OK or
 * TOOL_ARGS_USAGE with err set. */
enum tool_args scan_opt_scantype(const char *letters, struct scan_config *cfg, char *err,
				 size_t errlen);
enum tool_args scan_opt_ping(const char *letters, char *err, size_t errlen);
enum tool_args scan_opt_timing(const char *arg, struct scan_config *cfg, char *err,
			       size_t errlen);
/* The answer to a foreign short flag (-A, -O, -R...) or long option code. */
enum tool_args scan_opt_foreign(const char *flag, char *err, size_t errlen);
/* -T's settings, into every field not given by hand. */
void scan_timing_apply(struct scan_config *cfg);

#endif
