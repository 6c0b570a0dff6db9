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

struct tr_calllog {
	struct trace *t;
	size_t calls_cap, procs_cap;
	struct tr_call *pending;      /* E lines still waiting for their X */
	size_t npending, pending_cap;
	size_t bad_lines;             /* lines that did not parse */
	size_t dropped;               /* calls over CALLLOG_CALLS_MAX */
	size_t ready_cut;             /* calls whose ready list the library cut */
	char first_error[160];        /* why the first bad line was bad */
};

void tr_calllog_init(struct tr_calllog *cl, struct trace *t);
/* One line without its newline. Returns 0, or -1 when it did not parse (the
 * line is counted in bad_lines and otherwise ignored). */
int tr_calllog_line(struct tr_calllog *cl, const char *line, size_t len);
/* Feeds a whole buffer of lines; a last line without a newline is parsed too. */
void tr_calllog_feed(struct tr_calllog *cl, const char *buf, size_t len);
/* Turns unfinished entries into calls that never returned, sorts the calls
 * by entry time and numbers them from 1. Returns -1 on out of memory. */
int tr_calllog_finish(struct tr_calllog *cl);
void tr_calllog_free(struct tr_calllog *cl);
/* An X line's arguments s[0..len) into a (calllog_args.c); -1 when out of
 * memory (a is then empty). */
int tr_args_parse(struct tr_args *a, const char *s, size_t len);

#endif
