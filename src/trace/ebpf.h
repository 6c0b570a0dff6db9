/* trace's eBPF backend (tracepoints only): loads calls.bpf.c, follows a
 * set of processes and their children, and writes their socket calls as
 * the preload's record lines (record.h) into the call log. */
#ifndef SOCKLAB_TRACE_EBPF_H
#define SOCKLAB_TRACE_EBPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct tr_ebpf;

/* Can this kernel and these privileges run it? false with the reason. */
bool tr_ebpf_possible(char *why, size_t whyn);

/* Loads and attaches the programs. NULL with the reason in why. */
struct tr_ebpf *tr_ebpf_open(char *why, size_t whyn);
/* Where the record lines go (an fd opened O_APPEND; closed with b). */
void tr_ebpf_set_log(struct tr_ebpf *b, int log_fd);
/* Follows pid (and, from now on, its children and threads). */
int tr_ebpf_follow(struct tr_ebpf *b, pid_t pid);
/* -p: follows a running process and its running descendants, and writes
 * their H lines from /proc. -1 when pid does not exist. */
int tr_ebpf_attach(struct tr_ebpf *b, pid_t pid);
/* An fd that is readable when events wait; tr_ebpf_drain takes them. */
int tr_ebpf_fd(const struct tr_ebpf *b);
int tr_ebpf_drain(struct tr_ebpf *b);
/* The last events, and the lines held back (ebpf_hide.h): the log is whole. */
void tr_ebpf_finish(struct tr_ebpf *b);
/* The kernel side saw pid end, or it is a zombie or gone. */
bool tr_ebpf_exited(struct tr_ebpf *b, pid_t pid);
/* -p: "PROGRAM ARGS" of an attached pid, for the note that says so. */
const char *tr_ebpf_cmdline(struct tr_ebpf *b, pid_t pid, char *buf, size_t n);
/* Events lost because the ring buffer was full. */
uint64_t tr_ebpf_lost(const struct tr_ebpf *b);
/* Processes of the tree not followed: the kernel's table of them was full. */
uint64_t tr_ebpf_unfollowed(const struct tr_ebpf *b);
void tr_ebpf_close(struct tr_ebpf *b);

#endif
