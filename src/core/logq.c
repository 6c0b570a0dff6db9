/* The bounded line queue: one flat buffer, compacted when a line would run
 * past its end, so that what is queued is always one contiguous write. */
#include "core/logq.h"

#include <stdlib.h>
#include <string.h>

int logq_init(struct logq *q, size_t cap)
{
	memset(q, 0, sizeof(*q));
	q->buf = malloc(cap);
	if (!q->buf)
		return -1;
	q->cap = cap;
	return 0;
}

void logq_free(struct logq *q)
{
	free(q->buf);
	memset(q, 0, sizeof(*q));
}

bool logq_fits(const struct logq *q, size_t n)
{
	return n < q->cap - q->len;
}

static bool logq_append(struct logq *q, const char *text, size_t n)
{
	if (!logq_fits(q, n))
		return false;
	if (q->head + q->len + n + 1 > q->cap) {
		memmove(q->buf, q->buf + q->head, q->len);
		q->head = 0;
	}
	char *end = q->buf + q->head + q->len;
	memcpy(end, text, n);
	end[n] = '\n';
	q->len += n + 1;
	return true;
}

bool logq_push(struct logq *q, const char *text, size_t n)
{
	if (q->dropped == 0 && logq_append(q, text, n))
		return true;
	q->dropped++;
	return false;
}

uint64_t logq_dropped(const struct logq *q)
{
	return q->dropped;
}

bool logq_push_notice(struct logq *q, const char *text, size_t n)
{
	if (!logq_append(q, text, n))
		return false;
	q->dropped = 0;
	return true;
}

const char *logq_peek(const struct logq *q, size_t *n)
{
	*n = q->len;
	return q->buf + q->head;
}

void logq_consume(struct logq *q, size_t n)
{
	if (n > q->len)
		n = q->len;
	q->head += n;
	q->len -= n;
	if (q->len == 0)
		q->head = 0;
}

size_t logq_len(const struct logq *q)
{
	return q->len;
}

void logq_clear(struct logq *q)
{
	q->head = q->len = 0;
}
