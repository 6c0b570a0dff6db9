/* Reads the preload library's log (record.h) into the model's processes and
 * calls: a line parser, then a finishing step that pairs entries without a
 * return and numbers the calls in time order. */
#ifndef SOCKLAB_TRACE_CALLLOG_H
#define SOCKLAB_TRACE_CALLLOG_H

#include <stddef.h>

#include "trace/model.h"

/* Bounds: a trace is a story for a person to read. */
#define CALLLOG_CALLS_MAX 200000
#define CALLLOG_PROCS_MAX 4096
#define CALLLOG_PENDING_MAX 4096

struct calllog {
	struct trace *t;
	size_t calls_cap, procs_cap;
	struct tr_call *pending;      /* E lines still waiting for their X */
	size_t npending, pending_cap;
	size_t bad_lines;             /* lines that did not parse */
	size_t dropped;               /* calls over CALLLOG_CALLS_MAX */
	char first_error[160];        /* why the first bad line was bad */
};

void calllog_init(struct calllog *cl, struct trace *t);
/* One line without its newline. Returns 0, or -1 when it did not parse (the
 * line is counted in bad_lines and otherwise ignored). */
int calllog_line(struct calllog *cl, const char *line, size_t len);
/* Feeds a whole buffer of lines; a last line without a newline is parsed too. */
void calllog_feed(struct calllog *cl, const char *buf, size_t len);
/* Turns unfinished entries into calls that never returned, sorts the calls
 * by entry time and numbers them from 1. Returns -1 on out of memory. */
int calllog_finish(struct calllog *cl);
void calllog_free(struct calllog *cl);
/* An X line's arguments s[0..len) into a (calllog_args.c); -1 when out of
 * memory (a is then empty). */
int tr_args_parse(struct tr_args *a, const char *s, size_t len);

#endif
