/* The story's rows. A call gets one row unless something else happened
 * while it ran (a packet it did not send, another call): then its entry and
 * its return are two rows, so "accept4 ..." waits visibly for the handshake. */
#include "trace/story.h"

#include <stdlib.h>
#include <string.h>

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* First index in v[0..n) with v[i] > x (v sorted). */
static size_t upper_i64(const int64_t *v, size_t n, int64_t x)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int64_t *sorted_exits(const struct trace *t)
{
	int64_t *v = malloc((t->ncalls + 1) * sizeof *v);

	if (!v)
		return NULL;
	for (size_t i = 0; i < t->ncalls; i++)
		v[i] = t->calls[i].t_exit >= 0 ? t->calls[i].t_exit : INT64_MAX;
	qsort(v, t->ncalls, sizeof *v, cmp_i64);
	return v;
}

/* A call gets two rows when something else happened while it ran: another
 * call entered or returned, or the packet that completed it arrived. The
 * packets it sent itself, and the ACKs the kernel answered them with while
 * it ran, stay below its one row. */
static bool call_waits(const struct trace *t, const struct tr_call *c, const int64_t *enters,
		       const int64_t *exits)
{
	if (c->t_exit < 0)
		return true;
	size_t i = upper_i64(enters, t->ncalls, c->t_enter);
	if (i < t->ncalls && enters[i] < c->t_exit)
		return true;
	i = upper_i64(exits, t->ncalls, c->t_enter);
	if (i < t->ncalls && exits[i] < c->t_exit)
		return true;
	const struct tr_packet *p = tr_packet_by_no(t, c->completed_by);
	return p && p->ts > c->t_enter && p->ts < c->t_exit;
}

static int row_rank(enum tr_row_kind k)
{
	static const int rank[] = { [TR_ROW_CALL_ENTER] = 0, [TR_ROW_CALL] = 1,
				    [TR_ROW_PACKET] = 2, [TR_ROW_CALL_EXIT] = 3 };
	return rank[k];
}

static int row_cmp(const void *a, const void *b)
{
	const struct tr_row *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	if (row_rank(x->kind) != row_rank(y->kind))
		return row_rank(x->kind) - row_rank(y->kind);
	return x->index < y->index ? -1 : x->index > y->index;
}

struct state_key {
	size_t row;
	size_t order;
	struct tr_state st;
};

static int state_cmp(const void *a, const void *b)
{
	const struct state_key *x = a, *y = b;

	if (x->row != y->row)
		return x->row < y->row ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int states_hang(struct trace *t, const size_t *call_row, const size_t *pkt_row)
{
	struct state_key *k = malloc((t->nstates + 1) * sizeof *k);

	if (!k)
		return -1;
	for (size_t i = 0; i < t->nstates; i++) {
		const struct tr_state *s = &t->states[i];

		k[i].row = s->packet ? pkt_row[s->packet - 1] : call_row[s->call - 1];
		k[i].order = i;
		k[i].st = *s;
	}
	qsort(k, t->nstates, sizeof *k, state_cmp);
	for (size_t i = 0; i < t->nstates; i++) {
		struct tr_row *r = &t->rows[k[i].row];

		t->states[i] = k[i].st;
		if (r->state_count == 0)
			r->state_first = (uint32_t)i;
		r->state_count++;
	}
	free(k);
	return 0;
}

int tr_story_build(struct trace *t)
{
	int64_t *enters = malloc((t->ncalls + 1) * sizeof *enters);
	int64_t *exits = sorted_exits(t);
	size_t *call_row = malloc((t->ncalls + 1) * sizeof *call_row);
	size_t *pkt_row = malloc((t->npackets + 1) * sizeof *pkt_row);
	size_t n = 0;
	int rc = -1;

	t->rows = calloc(2 * t->ncalls + t->npackets + 1, sizeof *t->rows);
	if (!enters || !exits || !call_row || !pkt_row || !t->rows)
		goto out;
	for (size_t i = 0; i < t->ncalls; i++)
		enters[i] = t->calls[i].t_enter; /* already in entry order */

	for (size_t i = 0; i < t->ncalls; i++) {
		const struct tr_call *c = &t->calls[i];

		if (call_waits(t, c, enters, exits)) {
			t->rows[n++] = (struct tr_row){ TR_ROW_CALL_ENTER, c->t_enter, (uint32_t)i, 0, 0 };
			if (c->t_exit >= 0)
				t->rows[n++] =
					(struct tr_row){ TR_ROW_CALL_EXIT, c->t_exit, (uint32_t)i, 0, 0 };
		} else {
			t->rows[n++] = (struct tr_row){ TR_ROW_CALL, c->t_enter, (uint32_t)i, 0, 0 };
		}
	}
	for (size_t i = 0; i < t->npackets; i++)
		t->rows[n++] = (struct tr_row){ TR_ROW_PACKET, t->packets[i].ts, (uint32_t)i, 0, 0 };
	qsort(t->rows, n, sizeof *t->rows, row_cmp);
	t->nrows = n;
	t->t0 = n ? t->rows[0].ts : 0;

	for (size_t i = 0; i < n; i++) {
		const struct tr_row *r = &t->rows[i];

		if (r->kind == TR_ROW_PACKET)
			pkt_row[r->index] = i;
		else if (r->kind != TR_ROW_CALL_ENTER || t->calls[r->index].t_exit < 0)
			call_row[r->index] = i; /* a state change shows once the call returned */
	}
	rc = states_hang(t, call_row, pkt_row);
out:
	free(enters);
	free(exits);
	free(call_row);
	free(pkt_row);
	return rc;
}
