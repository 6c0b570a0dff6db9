/* Command line of socklab sockets: ss's letters for ss habits (-t -u -x -l
 * -a -n -p -4 -6 -s -o -e -m -i -H -O -f -A), ss's filter words after the
 * options (state, exclude, an expression), then --port, --pid, --json,
 * --watch, --count. */
#ifndef SOCKLAB_SOCKETS_OPTIONS_H
#define SOCKLAB_SOCKETS_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/tool.h"
#include "sockets/expr.h"

#define SOCKETS_ERR_MAX 256
/* --watch: at least 0.1 s (a redraw loop must not spin), at most a day. */
#define SOCKETS_WATCH_MIN_MS 100
#define SOCKETS_WATCH_MAX_S (24 * 3600)
#define SOCKETS_COUNT_MAX 1000000
/* Linux's PID_MAX_LIMIT. */
#define SOCKETS_PID_MAX 4194304

struct sockets_opts {
	bool tcp, udp;        /* -t, -u; none of -t -u -x given: both */
	bool unix_;           /* -x: Unix sockets */
	bool ipv4, ipv6;      /* -4, -6; neither given: both */
	bool listening;       /* -l: LISTEN and UNCONN only */
	bool all;             /* -a: every state (the default) */
	bool have_port;       /* --port: local or peer port */
	uint16_t port;
	bool have_pid;        /* --pid: sockets that process holds */
	int32_t pid;
	bool json;            /* --json: JSON Lines */
	bool summary;         /* -s: the counts ss -s prints */
	bool list;            /* with -s: also the list (a protocol or filter given) */
	bool timers;          /* -o: timer:(name,expires,retrans) */
	bool extended;        /* -e: uid, inode, cookie, shutdown */
	bool memory;          /* -m: skmem:(...) */
	bool info;            /* -i: TCP_INFO as ss -i prints it */
	bool no_header;       /* -H */
	bool oneline;         /* -O: -m and -i on the socket's line */
	struct sockets_filter_spec filter; /* state/exclude words, expression */
	uint64_t watch_ms;    /* --watch: 0 = draw once */
	uint64_t count;       /* --count: draws with --watch; 0 = until SIGINT */
};

extern const char sockets_usage_text[];

/* Parses argv into o (set to defaults first). Pure apart from getopt's state. */
enum tool_args sockets_parse_args(int argc, char **argv, struct sockets_opts *o, char *err,
				     size_t errlen);

/* A service name ("http") to its TCP or UDP port, from /etc/services (or
 * whatever NSS says): 0, or -1. */
int sockets_service_port(const char *name, uint16_t *port);

/* The TCP-state bits to ask the kernel for. */
uint32_t sockets_opts_states(const struct sockets_opts *o);

#endif
