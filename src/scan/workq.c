/* The scan's work queue: a retry ring in front of a cursor over the table. */
#include "scan/workq.h"

#include <stdlib.h>

int scan_workq_init(struct scan_workq *q, uint32_t n)
{
	q->ring = calloc(n ? n : 1, sizeof(*q->ring));
	q->head = q->len = 0;
	q->next = 0;
	q->n = n;
	return q->ring ? 0 : -1;
}

void scan_workq_free(struct scan_workq *q)
{
	free(q->ring);
	q->ring = NULL;
}

void scan_workq_retry(struct scan_workq *q, uint32_t idx)
{
	q->ring[(q->head + q->len) % q->n] = idx;
	q->len++;
}

void scan_workq_retry_first(struct scan_workq *q, uint32_t idx)
{
	q->head = (q->head + q->n - 1) % q->n;
	q->ring[q->head] = idx;
	q->len++;
}

bool scan_workq_next(struct scan_workq *q, const uint8_t *state, uint8_t pending, uint32_t *idx)
{
	while (q->len) {
		*idx = q->ring[q->head];
		q->head = (q->head + 1) % q->n;
		q->len--;
		if (state[*idx] == pending)
			return true;
	}
	if (q->next < q->n) {
		*idx = q->next++;
		return true;
	}
	return false;
}

bool scan_workq_left(const struct scan_workq *q)
{
	return q->len > 0 || q->next < q->n;
}
