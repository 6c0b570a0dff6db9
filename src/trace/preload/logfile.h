/* The log the library appends to (record.h): opened in the constructor
 * from SOCKLAB_TRACE_LOG, kept on a high fd, one write(2) per record, and
 * an H line for each process — the first, every exec, and every fork. */
#ifndef SOCKLAB_PRELOAD_LOGFILE_H
#define SOCKLAB_PRELOAD_LOGFILE_H

#include <stdbool.h>
#include <stdint.h>

#include "trace/preload/emit.h"

/* The log fd goes to the first free fd from here, out of the way of the fd
 * numbers a program expects (a Python script's first socket is fd 3). */
#define LOGFILE_FD_MIN 900

/* -1: no log; every hook then only passes its call through. */
extern int tr_logfile_fd;

static inline bool logfile_active(void)
{
	return __atomic_load_n(&tr_logfile_fd, __ATOMIC_RELAXED) >= 0;
}

/* This process's pid; the first record of a new process (a fork child)
 * writes its H line first. */
int64_t tr_logfile_pid(void);
int64_t tr_logfile_tid(void);
int64_t tr_logfile_now_ns(void);
/* Opens SOCKLAB_TRACE_LOG (the constructor, init.c); without it the
 * library records nothing. */
void tr_logfile_open(void);
/* Ends the line and writes it with one write(2). */
void tr_logfile_write(struct emit *e);

#endif
