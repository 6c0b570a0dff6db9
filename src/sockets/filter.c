/* Port and pid filters, the unowned count, and the draw-to-draw diff. */
#include "sockets/filter.h"

#include <stdlib.h>

static bool sockets_has_pid(const struct sockets_entry *e, int32_t pid)
{
	for (unsigned i = 0; i < e->nowners; i++)
		if (e->owners[i].pid == pid)
			return true;
	return false;
}

void sockets_keep_port(struct sockets_list *l, uint16_t port)
{
	size_t kept = 0;

	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].local_port == port || l->v[i].peer_port == port)
			l->v[kept++] = l->v[i];
	l->n = kept;
}

void sockets_keep_pid(struct sockets_list *l, int32_t pid)
{
	size_t kept = 0;

	for (size_t i = 0; i < l->n; i++)
		if (sockets_has_pid(&l->v[i], pid))
			l->v[kept++] = l->v[i];
	l->n = kept;
}

size_t sockets_count_unowned(const struct sockets_list *l)
{
	size_t n = 0;

	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].inode != 0 && l->v[i].nowners == 0)
			n++;
	return n;
}

static int sockets_identity_qcmp(const void *a, const void *b)
{
	return sockets_identity_cmp(a, b);
}

int sockets_diff(struct sockets_list *prev, struct sockets_list *cur,
		 struct sockets_diff_counts *counts)
{
	size_t i = 0, j = 0, ncur = cur->n;

	counts->appeared = counts->went = 0;
	if (prev->n > 1)
		qsort(prev->v, prev->n, sizeof(prev->v[0]), sockets_identity_qcmp);
	if (cur->n > 1)
		qsort(cur->v, cur->n, sizeof(cur->v[0]), sockets_identity_qcmp);
	while (i < prev->n || j < ncur) {
		int c = i == prev->n ? 1 : j == ncur ? -1 : sockets_identity_cmp(&prev->v[i], &cur->v[j]);
		if (c < 0) {
			struct sockets_entry gone = prev->v[i++];
			gone.change = SOCKETS_WENT;
			if (sockets_list_push(cur, &gone) < 0)
				return -1;
			counts->went++;
		} else if (c > 0) {
			cur->v[j++].change = SOCKETS_APPEARED;
			counts->appeared++;
		} else {
			cur->v[j++].change = SOCKETS_KEPT;
			i++;
		}
	}
	return 0;
}
