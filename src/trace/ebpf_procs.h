/* The eBPF backend's processes: what each traced pid runs (exe, argv) and
 * whether its H line is written yet. A fork child gets its H line before
 * its first call, naming its parent's program, as the preload does. */
#ifndef SOCKLAB_TRACE_EBPF_PROCS_H
#define SOCKLAB_TRACE_EBPF_PROCS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace/bpf/calls.h"

struct tr_ebpf_proc {
	int32_t pid, ppid;
	bool hello;                 /* its H line is written */
	bool exited;
	char exe[TR_BPF_PATH_MAX];
	char argv[TR_BPF_ARGV_MAX];
	size_t argv_len;
};

struct tr_ebpf_procs {
	struct tr_ebpf_proc *v;
	size_t n, cap;
};

/* The entry of pid, made (empty) when new; NULL when out of memory. */
struct tr_ebpf_proc *tr_ebpf_procs_get(struct tr_ebpf_procs *ps, int32_t pid);
struct tr_ebpf_proc *tr_ebpf_procs_find(struct tr_ebpf_procs *ps, int32_t pid);
void tr_ebpf_procs_free(struct tr_ebpf_procs *ps);

/* pid exists and has not ended (a zombie has). */
bool tr_ebpf_procs_running(int32_t pid);

/* A running process's exe, argv and ppid from /proc. -1 when it is gone. */
int tr_ebpf_procs_from_proc(struct tr_ebpf_proc *p);

/* Fills pids (at most max) with the running descendants of pid, found by
 * their ppid in /proc. Returns how many. */
size_t tr_ebpf_procs_children(int32_t pid, int32_t *pids, size_t max);

/* The local ports of pid's TCP and UDP sockets (IPv4 and IPv6), from its
 * fds' socket inodes and /proc/net. Returns how many (at most max). */
size_t tr_ebpf_procs_ports(int32_t pid, uint16_t *ports, size_t max);

#endif
