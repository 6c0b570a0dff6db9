/* A pool of fixed-size line slots linked into per-session FIFOs, and a
 * doubly linked round robin of the sessions that have lines. */
#include "chat_server/pending.h"

#include <stdlib.h>
#include <string.h>

int chatsrv_pending_init(struct chatsrv_pending *q, size_t cap)
{
	memset(q, 0, sizeof(*q));
	q->slots = calloc(cap ? cap : 1, sizeof(*q->slots));
	if (!q->slots)
		return -1;
	q->cap = cap;
	q->free_head = cap ? 0 : CHATSRV_PENDING_NONE;
	for (size_t i = 0; i < cap; i++)
		q->slots[i].next = i + 1 < cap ? (uint32_t)(i + 1) : CHATSRV_PENDING_NONE;
	return 0;
}

void chatsrv_pending_free(struct chatsrv_pending *q)
{
	free(q->slots);
	memset(q, 0, sizeof(*q));
}

void chatsrv_pending_list_init(struct chatsrv_pending_list *l)
{
	memset(l, 0, sizeof(*l));
	l->head = l->tail = CHATSRV_PENDING_NONE;
}

size_t chatsrv_pending_count(const struct chatsrv_pending *q)
{
	return q->count;
}

size_t chatsrv_pending_room(const struct chatsrv_pending *q)
{
	return q->cap - q->count;
}

static void pending_link_last(struct chatsrv_pending *q, struct chatsrv_pending_list *l)
{
	l->next = NULL;
	l->prev = q->last;
	if (q->last)
		q->last->next = l;
	else
		q->first = l;
	q->last = l;
}

static void pending_unlink(struct chatsrv_pending *q, struct chatsrv_pending_list *l)
{
	if (l->prev)
		l->prev->next = l->next;
	else
		q->first = l->next;
	if (l->next)
		l->next->prev = l->prev;
	else
		q->last = l->prev;
	l->prev = l->next = NULL;
}

bool chatsrv_pending_push(struct chatsrv_pending *q, struct chatsrv_pending_list *l,
			  uint64_t token, uint64_t seq, uint64_t sent_us, const char *line,
			  size_t len)
{
	if (q->free_head == CHATSRV_PENDING_NONE || len >= CHAT_LINE_MAX)
		return false;
	uint32_t i = q->free_head;
	struct chatsrv_pending_line *s = &q->slots[i];
	q->free_head = s->next;
	s->token = token;
	s->seq = seq;
	s->sent_us = sent_us;
	s->len = len;
	s->next = CHATSRV_PENDING_NONE;
	memcpy(s->text, line, len);
	if (l->n == 0) {
		l->head = i;
		pending_link_last(q, l);
	} else {
		q->slots[l->tail].next = i;
	}
	l->tail = i;
	l->n++;
	l->bytes += len;
	q->count++;
	return true;
}

static void pending_release(struct chatsrv_pending *q, uint32_t i)
{
	q->slots[i].next = q->free_head;
	q->free_head = i;
	q->count--;
}

const struct chatsrv_pending_line *chatsrv_pending_pop(struct chatsrv_pending *q)
{
	struct chatsrv_pending_list *l = q->first;

	if (!l)
		return NULL;
	uint32_t i = l->head;
	l->head = q->slots[i].next;
	l->n--;
	l->bytes -= q->slots[i].len;
	pending_unlink(q, l);
	if (l->n > 0)
		pending_link_last(q, l); /* its next line waits for everyone else's */
	else
		l->head = l->tail = CHATSRV_PENDING_NONE;
	pending_release(q, i);
	return &q->slots[i];
}

void chatsrv_pending_drop(struct chatsrv_pending *q, struct chatsrv_pending_list *l)
{
	if (l->n == 0)
		return;
	pending_unlink(q, l);
	for (uint32_t i = l->head; i != CHATSRV_PENDING_NONE;) {
		uint32_t next = q->slots[i].next;
		pending_release(q, i);
		i = next;
	}
	chatsrv_pending_list_init(l);
}
