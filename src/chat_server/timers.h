/* When each chat session next needs the server's attention (retransmission
 * or expiry): an indexed binary min-heap of timers embedded in the sessions,
 * so the one libevent timer wakes for the earliest and a tick visits only
 * the sessions that are due. Pure: times are numbers passed in. */
#ifndef SOCKLAB_CHAT_SERVER_TIMERS_H
#define SOCKLAB_CHAT_SERVER_TIMERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CHATSRV_TIMER_IDLE SIZE_MAX  /* pos of a timer that is not in the heap */

struct chatsrv_timer {
	uint64_t at;  /* microseconds */
	size_t pos;   /* index in the heap, or CHATSRV_TIMER_IDLE */
};

struct chatsrv_heap {
	struct chatsrv_timer **v;
	size_t n, cap;
};

/* cap timers at most; -1 when out of memory. */
int chatsrv_heap_init(struct chatsrv_heap *h, size_t cap);
void chatsrv_heap_free(struct chatsrv_heap *h);
void chatsrv_timer_init(struct chatsrv_timer *t);
/* Sets t to fire at `at`, inserting it or moving it; false when the heap is
 * full (cannot happen when cap is the number of sessions). */
bool chatsrv_heap_set(struct chatsrv_heap *h, struct chatsrv_timer *t, uint64_t at);
void chatsrv_heap_remove(struct chatsrv_heap *h, struct chatsrv_timer *t);
/* The earliest timer, or NULL. */
struct chatsrv_timer *chatsrv_heap_top(const struct chatsrv_heap *h);

#endif
