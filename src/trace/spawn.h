/* Starting the traced programs: the preload library found and put into
 * their environment, and statically linked programs refused up front (the
 * dynamic loader never runs in them, so LD_PRELOAD records nothing). */
#ifndef SOCKLAB_TRACE_SPAWN_H
#define SOCKLAB_TRACE_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Resolves prog like execvp and follows a "#!" line (and "#!/usr/bin/env
 * prog") to the program the kernel will really run. 0 and the path in out,
 * or -1 with the reason in why. */
int tr_spawn_resolve(const char *prog, char *out, size_t n, char *why, size_t whyn);

/* Finds libsocklab-trace.so: $SOCKLAB_TRACE_LIB, else next to the running
 * binary (a build tree), else in ../lib/socklab/ from it (an installed
 * tree, relocatable). -1 when it is not there. */
int tr_spawn_find_lib(char *out, size_t n);

struct tr_spawn_opts {
	const char *lib, *log;
	int stdin_fd, stdout_fd;  /* -1: inherit */
	bool own_group;           /* a process group of its own, to stop it whole */
};

/* Starts argv with the preload in its environment. Returns the pid, or -1
 * with errno. */
pid_t tr_spawn_start(char *const argv[], const struct tr_spawn_opts *o);

/* Starts argv (environment untouched, o->lib unused) held before its
 * execve: it runs nothing of its own until tr_spawn_release(*gate), so the
 * eBPF backend can follow its pid first. Returns the pid, or -1 with errno.
 * Closing the gate without releasing ends the child (status 127). */
pid_t tr_spawn_held(char *const argv[], const struct tr_spawn_opts *o, int *gate);
void tr_spawn_release(int gate);

#endif
