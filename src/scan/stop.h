/* Stopping a scan early: SIGINT or SIGTERM, or a host's --host-timeout.
 * The signal handler only notes the signal and writes a byte to a pipe;
 * every event loop of the scan (the main one and the TCP threads') watches
 * the pipe's read end, so each one wakes and breaks out at once, and the
 * scan reports what it found so far. */
#ifndef SOCKLAB_SCAN_STOP_H
#define SOCKLAB_SCAN_STOP_H

#include <stdbool.h>
#include <stdint.h>

#include <event2/event.h>

/* Installs the handlers (one-shot: a second Ctrl-C ends the process the
 * default way). 0, or -1 with errno. */
int scan_stop_install(void);
/* The signal that asked the scan to stop, or 0. Safe from any thread. */
int scan_stop_signal(void);

/* What a loop watches: the pipe, and the host's deadline (0: none). */
struct scan_stop_watch {
	struct event_base *base;
	struct event *pipe_ev;
	struct event *deadline_ev;
	uint64_t deadline_us;      /* monotonic */
	bool expired;              /* the deadline's timer fired (libevent's coarse
				    * clock may fire it a little before ours says) */
};

/* Watches on base; 0, or -1 (the loop refused an event). */
int scan_stop_watch_start(struct scan_stop_watch *w, struct event_base *base,
			  uint64_t deadline_us);
void scan_stop_watch_end(struct scan_stop_watch *w);
/* True when the loop must stop: a signal came, or the deadline passed. */
bool scan_stop_due(const struct scan_stop_watch *w, uint64_t now_us);

#endif
