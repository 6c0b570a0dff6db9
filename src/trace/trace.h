/* socklab trace: runs programs, records their socket calls and packets, and
 * tells which call sent each packet and which packet woke each call. */
#ifndef SOCKLAB_TRACE_TRACE_H
#define SOCKLAB_TRACE_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/tool.h"

int trace_main(int argc, char **argv);
extern const struct tool trace_tool;

struct trace_opts {
	const char *server;       /* --server CMD, run by /bin/sh -c */
	const char *iface;
	const char *svg, *pcap, *log;
	bool json, utf8, quiet;
	uint64_t timeout_ms, server_wait_ms, linger_ms;
	char **argv;              /* the program after "--" */
};

enum trace_args { TRACE_ARGS_OK, TRACE_ARGS_HELP, TRACE_ARGS_VERSION, TRACE_ARGS_USAGE };

enum trace_args trace_parse_args(int argc, char **argv, struct trace_opts *o, char *err,
				 size_t errlen);

#endif
