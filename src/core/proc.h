/* One owner of a tool's event loop, in the manner of tmux's proc.c: the
 * event base with socklab's policy (one thread: no locks), signals as
 * events, and milliseconds turned into a timeval in one place. */
#ifndef SOCKLAB_CORE_PROC_H
#define SOCKLAB_CORE_PROC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include <event2/event.h>

#define PROC_SIGNALS_MAX 8

struct proc;

enum proc_flags {
	/* epoll's changelist: a del+add pair of one fd becomes one epoll_ctl
	 * (serve's many short connections). Not with dup()ed descriptors. */
	PROC_CHANGELIST = 1u << 0,
};

/* A new loop; NULL when out of memory. */
struct proc *proc_new(void);
/* The same, with proc_flags. */
struct proc *proc_new_with(unsigned flags);
struct event_base *proc_base(const struct proc *p);
/* cb(sig, arg) runs in the loop, never in a signal handler. At most
 * PROC_SIGNALS_MAX signals in all. Returns 0 or -1. */
int proc_on_signals(struct proc *p, const int *sigs, size_t n, void (*cb)(int sig, void *arg),
		    void *arg);
/* Runs until proc_exit or until nothing is left to wait for; 0, or -1
 * when the loop failed (said on stderr). */
int proc_loop(struct proc *p);
void proc_exit(struct proc *p);
/* Frees the signal events and the base. */
void proc_free(struct proc *p);

/* ms or µs → struct timeval, the one conversion. */
struct timeval proc_tv_ms(uint64_t ms);
struct timeval proc_tv_us(uint64_t us);

#endif
