/* A ring of fixed-size line slots, allocated once. */
#include "chat_server/pending.h"

#include <stdlib.h>
#include <string.h>

int chatsrv_pending_init(struct chatsrv_pending *q, size_t cap)
{
	q->slots = calloc(cap ? cap : 1, sizeof(*q->slots));
	q->cap = cap;
	q->head = q->count = 0;
	return q->slots ? 0 : -1;
}

void chatsrv_pending_free(struct chatsrv_pending *q)
{
	free(q->slots);
	memset(q, 0, sizeof(*q));
}

size_t chatsrv_pending_count(const struct chatsrv_pending *q)
{
	return q->count;
}

size_t chatsrv_pending_room(const struct chatsrv_pending *q)
{
	return q->cap - q->count;
}

bool chatsrv_pending_push(struct chatsrv_pending *q, uint64_t token, uint64_t seq,
			  uint64_t sent_us, const char *line, size_t len)
{
	if (q->count == q->cap || len >= CHAT_LINE_MAX)
		return false;
	struct chatsrv_pending_line *s = &q->slots[(q->head + q->count) % q->cap];
	s->token = token;
	s->seq = seq;
	s->sent_us = sent_us;
	s->len = len;
	memcpy(s->text, line, len);
	q->count++;
	return true;
}

const struct chatsrv_pending_line *chatsrv_pending_pop(struct chatsrv_pending *q)
{
	if (q->count == 0)
		return NULL;
	const struct chatsrv_pending_line *s = &q->slots[q->head];
	q->head = (q->head + 1) % q->cap;
	q->count--;
	return s;
}
