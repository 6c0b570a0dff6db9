/* The progress line on standard error ("ports done, open found, time
 * left"), redrawn in place, only when standard error is a terminal. */
#ifndef SOCKLAB_SCAN_PROGRESS_H
#define SOCKLAB_SCAN_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

struct scan_progress {
	bool enabled;
	bool drawn;          /* a line is on the screen */
	uint64_t start_us;
	size_t total;
	size_t done, open;   /* updated by scan_progress_add, from any thread */
	struct event *timer;
};

/* Counts ports decided and found open; safe from the TCP worker threads. */
void scan_progress_add(struct scan_progress *p, size_t done, size_t open);

/* "1200/65535 ports, 3 open, about 4 s left" into buf; pure. */
void scan_progress_format(char *buf, size_t n, size_t done, size_t total, size_t open,
			  uint64_t elapsed_us);

/* enabled: stderr is a terminal. 0, or -1 (the loop refused the timer). */
int scan_progress_start(struct scan_progress *p, struct event_base *base, size_t total,
			bool enabled);
/* Wipes the line before other output; the timer draws it again. */
void scan_progress_clear(struct scan_progress *p);
void scan_progress_stop(struct scan_progress *p);

#endif
