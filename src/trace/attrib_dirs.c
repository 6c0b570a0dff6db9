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
	if (d->n == d->cap) {
		size_t nc = d->cap ? d->cap * 2 : 16;
		struct dir *nv = realloc(d->v, nc * sizeof *nv);
		if (!nv)
			return NULL;
		d->v = nv;
		d->cap = nc;
	}
	struct dir *x = &d->v[d->n++];
	memset(x, 0, sizeof *x);
	x->from = *from;
	x->to = *to;
	return x;
}

int tr_attrib_dir_push(struct dir *x, uint32_t idx)
{
	if (x->n == x->cap) {
		size_t nc = x->cap ? x->cap * 2 : 16;
		uint32_t *nv = realloc(x->pk, nc * sizeof *nv);
		if (!nv)
			return -1;
		x->pk = nv;
		x->cap = nc;
	}
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
	if (q->n == q->cap) {
		size_t nc = q->cap ? q->cap * 2 : 16;
		uint32_t *nv = realloc(q->v, nc * sizeof *nv);
		if (!nv)
			return -1;
		q->v = nv;
		q->cap = nc;
	}
	q->v[q->n++] = x;
	return 0;
}

void tr_attrib_queues_free(struct queue *q, size_t n)
{
	for (size_t i = 0; q && i < n; i++)
		free(q[i].v);
	free(q);
}
