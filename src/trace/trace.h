/* socklab trace: runs programs, records their socket calls and packets, and
 * tells which call sent each packet and which packet woke each call. */
#ifndef SOCKLAB_TRACE_TRACE_H
#define SOCKLAB_TRACE_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/color.h"
#include "core/tool.h"
#include "trace/callset.h"

extern const struct tool trace_tool;

/* How calls are recorded: LD_PRELOAD, eBPF tracepoints, or eBPF when this
 * kernel and these privileges allow it. */
enum tr_backend { TR_BACKEND_PRELOAD, TR_BACKEND_EBPF, TR_BACKEND_AUTO };
/* Names the default backend when --backend is not given. */
#define TRACE_ENV_BACKEND "SOCKLAB_TRACE_BACKEND"

extern const char trace_usage_text[];

struct trace_opts {
	const char *server;       /* --server CMD, run by /bin/sh -c */
	const char *iface;
	const char *svg, *pcap, *log;
	const char *pcapng;       /* --pcapng FILE: packets with comments */
	const char *output;       /* -o FILE: the story there, not on stdout */
	bool json, utf8, quiet;
	bool answers;             /* --answers: seed 000 §4.1's lists */
	struct tr_callset calls;  /* -e trace=SET */
	enum color_mode color;
	int width;                /* --width; -1: $COLUMNS or the terminal's */
	uint64_t timeout_ms, server_wait_ms, linger_ms;
	char **argv;              /* the program after "--"; NULL with -p */
	enum tr_backend backend;  /* --backend */
	bool backend_given;       /* --backend on the command line */
	int32_t attach_pid;       /* -p PID: follow a running process; 0: none */
};

/* Fills o from the command line (defaults first); the reason of a
 * TOOL_ARGS_USAGE in err. */
/* "ebpf", "preload", "auto" -> *b; -1 for another word. */
int trace_backend_parse(const char *s, enum tr_backend *b);

enum tool_args trace_parse_args(int argc, char **argv, struct trace_opts *o, char *err,
				size_t errlen);


#endif
