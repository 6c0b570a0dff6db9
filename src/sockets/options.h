/* Command line of socklab sockets: ss's letters for ss habits (-t -u -l -a
 * -n -p -4 -6), then --port, --pid, --json, --watch, --count. */
#ifndef SOCKLAB_SOCKETS_OPTIONS_H
#define SOCKLAB_SOCKETS_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/tool.h"

#define SOCKETS_ERR_MAX 256
/* --watch: at least 0.1 s (a redraw loop must not spin), at most a day. */
#define SOCKETS_WATCH_MIN_MS 100
#define SOCKETS_WATCH_MAX_S (24 * 3600)
#define SOCKETS_COUNT_MAX 1000000
/* Linux's PID_MAX_LIMIT. */
#define SOCKETS_PID_MAX 4194304

struct sockets_opts {
	bool tcp, udp;        /* -t, -u; neither given: both */
	bool ipv4, ipv6;      /* -4, -6; neither given: both */
	bool listening;       /* -l: LISTEN and UNCONN only */
	bool all;             /* -a: every state (the default) */
	bool have_port;       /* --port: local or peer port */
	uint16_t port;
	bool have_pid;        /* --pid: sockets that process holds */
	int32_t pid;
	bool json;            /* --json: JSON Lines */
	uint64_t watch_ms;    /* --watch: 0 = draw once */
	uint64_t count;       /* --count: draws with --watch; 0 = until SIGINT */
};

extern const char sockets_usage_text[];

/* Parses argv into o (set to defaults first). Pure apart from getopt's state. */
enum tool_args sockets_parse_args(int argc, char **argv, struct sockets_opts *o, char *err,
				     size_t errlen);

/* The TCP-state bits to ask the kernel for. */
uint32_t sockets_opts_states(const struct sockets_opts *o);

#endif
