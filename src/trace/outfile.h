/* trace's output files (--svg, --pcap, --log): opened before any program
 * runs, so a path that cannot be written stops trace before a program with
 * side effects has started; filled only at the end. A file that trace
 * created is removed again when trace fails, and a file that was there
 * before is left as it was until its new contents are written. */
#ifndef SOCKLAB_TRACE_OUTFILE_H
#define SOCKLAB_TRACE_OUTFILE_H

#include <stdbool.h>
#include <stdio.h>

struct tr_outfile {
	const char *opt;   /* "--svg", for messages */
	const char *path;  /* NULL: the option was not given */
	int fd;            /* open for writing, not yet truncated; -1 when none */
	bool created;      /* trace made the file: tr_outfile_abandon removes it */
	bool done;         /* tr_outfile_finish succeeded: keep it */
};

/* Opens path for writing without truncating it, creating it when missing.
 * path NULL: nothing to do, returns 0. Prints the one-line error and
 * returns -1 when it cannot be opened. */
int tr_outfile_open(struct tr_outfile *o, const char *opt, const char *path);
/* A stream over the file, emptied first. NULL (message printed) on error;
 * the file then counts as failed. */
FILE *tr_outfile_begin(struct tr_outfile *o);
/* Closes the stream from tr_outfile_begin; writing failed when ok is false or
 * the close fails (message printed). Returns 0 when the file is complete. */
int tr_outfile_finish(struct tr_outfile *o, FILE *f, bool ok);
/* Closes what is still open and removes a file trace created but never
 * finished. Safe to call more than once. */
void tr_outfile_abandon(struct tr_outfile *o);

#endif
