/* Attribution's bookkeeping: each direction of a TCP connection with its
 * packets in capture order, and the queues of datagram sends and arrivals. */
#include "trace/attrib_ctx.h"

#include <stdlib.h>
#include <string.h>

struct dir *tr_attrib_dir_get(struct dirs *d, const struct tr_endpoint *from,
			   const struct tr_endpoint *to, bool create)
{
	for (size_t i = d->n; i-- > 0;)
		if (tr_endpoint_eq(&d->v[i].from, from) && tr_endpoint_eq(&d->v[i].to, to))
			return &d->v[i];
	if (!create)
		return NULL;
	if (tr_grow(&d->v, &d->cap, d->n, sizeof *d->v, 16) < 0)
		return NULL;
	struct dir *x = &d->v[d->n++];
	memset(x, 0, sizeof *x);
	x->from = *from;
	x->to = *to;
	return x;
}

int tr_attrib_dir_push(struct dir *x, uint32_t idx)
{
	if (tr_grow(&x->pk, &x->cap, x->n, sizeof *x->pk, 16) < 0)
		return -1;
	x->pk[x->n++] = idx;
	return 0;
}

void tr_attrib_dirs_free(struct dirs *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].pk);
	free(d->v);
}

int tr_attrib_queue_push(struct queue *q, uint32_t x)
{
	if (tr_grow(&q->v, &q->cap, q->n, sizeof *q->v, 16) < 0)
		return -1;
	q->v[q->n++] = x;
	return 0;
}

void tr_attrib_queues_free(struct queue *q, size_t n)
{
	for (size_t i = 0; q && i < n; i++)
		free(q[i].v);
	free(q);
}
