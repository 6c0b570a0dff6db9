/* Unit tests for socklab chat-server's session timer heap (the earliest
 * first, moves and removals anywhere) and its FIFO of lines taken in but
 * not yet handled. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "chat_server/pending.h"
#include "chat_server/timers.h"
#include "core/rng.h"

/* The heap's invariant: every parent at most its children, positions right. */
static void heap_check(const struct chatsrv_heap *h)
{
	for (size_t i = 0; i < h->n; i++) {
		assert_int_equal(h->v[i]->pos, i);
		if (i > 0)
			assert_true(h->v[(i - 1) / 2]->at <= h->v[i]->at);
	}
}

static void test_heap_orders_by_time(void **state)
{
	struct chatsrv_heap h;
	struct chatsrv_timer t[5];
	const uint64_t at[5] = { 50, 10, 40, 20, 30 };

	assert_int_equal(chatsrv_heap_init(&h, 5), 0);
	for (int i = 0; i < 5; i++) {
		chatsrv_timer_init(&t[i]);
		assert_true(chatsrv_heap_set(&h, &t[i], at[i]));
	}
	heap_check(&h);
	uint64_t last = 0;
	for (int i = 0; i < 5; i++) {
		struct chatsrv_timer *top = chatsrv_heap_top(&h);
		assert_true(top->at >= last);
		last = top->at;
		chatsrv_heap_remove(&h, top);
		assert_int_equal(top->pos, CHATSRV_TIMER_IDLE);
		heap_check(&h);
	}
	assert_null(chatsrv_heap_top(&h));
	chatsrv_heap_free(&h);
}

static void test_heap_full_and_idempotent(void **state)
{
	struct chatsrv_heap h;
	struct chatsrv_timer a, b;

	chatsrv_heap_init(&h, 1);
	chatsrv_timer_init(&a);
	chatsrv_timer_init(&b);
	assert_true(chatsrv_heap_set(&h, &a, 7));
	assert_false(chatsrv_heap_set(&h, &b, 3));
	assert_true(chatsrv_heap_set(&h, &a, 9)); /* moving is not inserting */
	assert_int_equal(h.n, 1);
	chatsrv_heap_remove(&h, &b); /* not in the heap: nothing */
	chatsrv_heap_remove(&h, &a);
	chatsrv_heap_remove(&h, &a);
	assert_int_equal(h.n, 0);
	chatsrv_heap_free(&h);
}

static void test_heap_random_moves_and_removals(void **state)
{
	enum { N = 500 };
	struct chatsrv_heap h;
	struct chatsrv_timer *t = calloc(N, sizeof(*t));
	struct rng r;

	rng_seed(&r, 42);
	chatsrv_heap_init(&h, N);
	for (int i = 0; i < N; i++)
		chatsrv_timer_init(&t[i]);
	for (int step = 0; step < 20000; step++) {
		struct chatsrv_timer *x = &t[rng_below(&r, N)];
		if (rng_below(&r, 4) == 0)
			chatsrv_heap_remove(&h, x);
		else
			assert_true(chatsrv_heap_set(&h, x, rng_below(&r, 1000)));
		if (step % 97 == 0)
			heap_check(&h);
	}
	heap_check(&h);
	/* The top is the minimum over everything in the heap. */
	uint64_t min = UINT64_MAX;
	for (int i = 0; i < N; i++)
		if (t[i].pos != CHATSRV_TIMER_IDLE && t[i].at < min)
			min = t[i].at;
	if (h.n)
		assert_int_equal(chatsrv_heap_top(&h)->at, min);
	chatsrv_heap_free(&h);
	free(t);
}

static void test_pending_fifo(void **state)
{
	struct chatsrv_pending q;
	struct chatsrv_pending_list a, b;
	char line[CHAT_LINE_MAX];

	chatsrv_pending_list_init(&a);
	chatsrv_pending_list_init(&b);
	assert_int_equal(chatsrv_pending_init(&q, 3), 0);
	assert_null(chatsrv_pending_pop(&q));
	for (int round = 0; round < 5; round++) { /* slots used again */
		assert_true(chatsrv_pending_push(&q, &a, 1, 10, 7, "SAY a", 5));
		assert_true(chatsrv_pending_push(&q, &a, 1, 11, 8, "SAY bb", 6));
		assert_int_equal(chatsrv_pending_room(&q), 1);
		const struct chatsrv_pending_line *l = chatsrv_pending_pop(&q);
		assert_int_equal(l->token, 1);
		assert_int_equal(l->seq, 10);
		assert_int_equal(l->sent_us, 7);
		assert_int_equal(l->len, 5);
		assert_memory_equal(l->text, "SAY a", 5);
		l = chatsrv_pending_pop(&q);
		assert_int_equal(l->seq, 11);
		assert_memory_equal(l->text, "SAY bb", 6);
		assert_int_equal(chatsrv_pending_count(&q), 0);
		assert_int_equal(a.n, 0);
	}
	for (int i = 0; i < 3; i++)
		assert_true(chatsrv_pending_push(&q, &a, 1, (uint64_t)i, 0, "x", 1));
	assert_false(chatsrv_pending_push(&q, &b, 9, 0, 0, "x", 1)); /* full */
	memset(line, 'y', sizeof(line));
	chatsrv_pending_pop(&q);
	assert_false(chatsrv_pending_push(&q, &b, 9, 0, 0, line, CHAT_LINE_MAX)); /* too long */
	assert_true(chatsrv_pending_push(&q, &b, 9, 0, 0, line, CHAT_LINE_MAX - 1));
	chatsrv_pending_free(&q);
}

/* A session with many lines waiting delays another's by one line of its own. */
static void test_pending_round_robin(void **state)
{
	struct chatsrv_pending q;
	struct chatsrv_pending_list busy, fresh, third;
	const struct chatsrv_pending_line *l;

	chatsrv_pending_list_init(&busy);
	chatsrv_pending_list_init(&fresh);
	chatsrv_pending_list_init(&third);
	assert_int_equal(chatsrv_pending_init(&q, 100), 0);
	for (uint64_t i = 1; i <= 50; i++)
		assert_true(chatsrv_pending_push(&q, &busy, 1, i, 0, "SAY x", 5));
	assert_true(chatsrv_pending_push(&q, &fresh, 2, 1, 0, "CREATE r", 8));
	assert_true(chatsrv_pending_push(&q, &fresh, 2, 2, 0, "SAY hi", 6));
	l = chatsrv_pending_pop(&q);
	assert_int_equal(l->token, 1);
	assert_int_equal(l->seq, 1);
	l = chatsrv_pending_pop(&q);
	assert_int_equal(l->token, 2);
	assert_int_equal(l->seq, 1);
	l = chatsrv_pending_pop(&q);
	assert_int_equal(l->token, 1);
	assert_int_equal(l->seq, 2);
	l = chatsrv_pending_pop(&q);
	assert_int_equal(l->token, 2);
	assert_int_equal(l->seq, 2);
	/* A session that ends takes its lines along; the others go on. */
	assert_true(chatsrv_pending_push(&q, &third, 3, 1, 0, "USERS", 5));
	chatsrv_pending_drop(&q, &busy);
	assert_int_equal(busy.n, 0);
	assert_int_equal(chatsrv_pending_count(&q), 1);
	l = chatsrv_pending_pop(&q);
	assert_int_equal(l->token, 3);
	assert_null(chatsrv_pending_pop(&q));
	assert_int_equal(chatsrv_pending_room(&q), 100);
	chatsrv_pending_drop(&q, &fresh); /* nothing left: no harm */
	chatsrv_pending_free(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_heap_orders_by_time),
		cmocka_unit_test(test_heap_full_and_idempotent),
		cmocka_unit_test(test_heap_random_moves_and_removals),
		cmocka_unit_test(test_pending_fifo),
		cmocka_unit_test(test_pending_round_robin),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
