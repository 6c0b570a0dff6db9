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
	char **argv;              /* the program after "--" */
};

/* Fills o from the command line (defaults first); the reason of a
 * TOOL_ARGS_USAGE in err. */
enum tool_args trace_parse_args(int argc, char **argv, struct trace_opts *o, char *err,
				size_t errlen);


#endif
