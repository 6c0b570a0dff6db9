/* Indexed min-heap of session timers: O(log n) set and remove, O(1) top. */
#include "chat_server/timers.h"

#include <stdlib.h>

int chatsrv_heap_init(struct chatsrv_heap *h, size_t cap)
{
	h->v = calloc(cap ? cap : 1, sizeof(*h->v));
	h->n = 0;
	h->cap = cap;
	return h->v ? 0 : -1;
}

void chatsrv_heap_free(struct chatsrv_heap *h)
{
	free(h->v);
	h->v = NULL;
	h->n = h->cap = 0;
}

void chatsrv_timer_init(struct chatsrv_timer *t)
{
	t->at = 0;
	t->pos = CHATSRV_TIMER_IDLE;
}

static void heap_place(struct chatsrv_heap *h, size_t i, struct chatsrv_timer *t)
{
	h->v[i] = t;
	t->pos = i;
}

static void heap_up(struct chatsrv_heap *h, size_t i)
{
	struct chatsrv_timer *t = h->v[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (h->v[parent]->at <= t->at)
			break;
		heap_place(h, i, h->v[parent]);
		i = parent;
	}
	heap_place(h, i, t);
}

static void heap_down(struct chatsrv_heap *h, size_t i)
{
	struct chatsrv_timer *t = h->v[i];

	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->v[c + 1]->at < h->v[c]->at)
			c++;
		if (t->at <= h->v[c]->at)
			break;
		heap_place(h, i, h->v[c]);
		i = c;
	}
	heap_place(h, i, t);
}

bool chatsrv_heap_set(struct chatsrv_heap *h, struct chatsrv_timer *t, uint64_t at)
{
	if (t->pos == CHATSRV_TIMER_IDLE) {
		if (h->n == h->cap)
			return false;
		t->at = at;
		heap_place(h, h->n++, t);
		heap_up(h, t->pos);
		return true;
	}
	uint64_t old = t->at;
	t->at = at;
	if (at < old)
		heap_up(h, t->pos);
	else if (at > old)
		heap_down(h, t->pos);
	return true;
}

void chatsrv_heap_remove(struct chatsrv_heap *h, struct chatsrv_timer *t)
{
	size_t i = t->pos;

	if (i == CHATSRV_TIMER_IDLE)
		return;
	t->pos = CHATSRV_TIMER_IDLE;
	struct chatsrv_timer *last = h->v[--h->n];
	if (last == t)
		return;
	heap_place(h, i, last);
	/* The moved timer may belong above or below its new place. */
	heap_up(h, i);
	heap_down(h, last->pos);
}

struct chatsrv_timer *chatsrv_heap_top(const struct chatsrv_heap *h)
{
	return h->n ? h->v[0] : NULL;
}
