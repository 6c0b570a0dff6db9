/* socklab's own sender and receiver: a function run in a forked child that
 * entered its namespace first, and waited for with a bound. Results travel
 * in shared memory (lab.h's tl_shared). */
#ifndef SOCKLAB_TCPLAB_PEER_H
#define SOCKLAB_TCPLAB_PEER_H

#include <stdint.h>
#include <sys/types.h>

/* Forks; the child enters ns, runs fn(arg) and exits with its return. */
pid_t tl_peer_start(const char *ns, int (*fn)(void *arg), void *arg);
/* Waits up to timeout_ms (then kills it); its exit status, or -1. */
int tl_peer_wait(pid_t pid, uint64_t timeout_ms);
/* Waits until *flag is nonzero, up to timeout_ms; 0, or -1. */
int tl_wait_flag(const volatile int *flag, uint64_t timeout_ms);

/* Monotonic microseconds (the clock of the samples and the forwarder). */
int64_t tl_now_us(void);
/* Sleeps us microseconds. */
void tl_sleep_us(int64_t us);

#endif
