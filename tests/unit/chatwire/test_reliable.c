/* Unit tests for reliable delivery (chatwire/reliable, chatwire/chatlink): backoff,
 * acknowledgement, duplicates, the reorder window, and two links talking
 * over a simulated link that loses, duplicates and reorders datagrams. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "chatwire/chatlink.h"
#include "chatwire/reliable.h"
#include "core/rng.h"

static void test_tx_sequence_and_ack(void **state)
{
	struct rel_tx tx;

	chatwire_rel_tx_init(&tx);
	assert_int_equal(chatwire_rel_tx_push(&tx, "A", 1), 1);
	assert_int_equal(chatwire_rel_tx_push(&tx, "B", 1), 2);
	assert_int_equal(chatwire_rel_tx_push(&tx, "C", 1), 3);
	const struct rel_line *l = chatwire_rel_tx_first_due(&tx, 0);
	assert_non_null(l);
	assert_int_equal(l->seq, 1);
	chatwire_rel_tx_sent(&tx, 3, 1000);
	assert_null(chatwire_rel_tx_first_due(&tx, 2000)); /* sent, timer not yet run out */
	assert_int_equal(tx.deadline_us, 1000 + REL_RTO_MIN_US);
	chatwire_rel_tx_on_ack(&tx, 2, 5000);
	assert_int_equal(chatwire_rel_tx_unacked(&tx), 1);
	assert_null(chatwire_rel_tx_at(&tx, 2));
	assert_int_equal(chatwire_rel_tx_at(&tx, 3)->text[0], 'C');
	chatwire_rel_tx_on_ack(&tx, 7, 6000); /* acknowledging what was never sent: ignored */
	assert_int_equal(chatwire_rel_tx_unacked(&tx), 1);
	chatwire_rel_tx_on_ack(&tx, 1, 6000); /* old news */
	assert_int_equal(tx.acked, 2);
	chatwire_rel_tx_on_ack(&tx, 3, 7000);
	assert_int_equal(chatwire_rel_tx_unacked(&tx), 0);
	assert_int_equal(tx.deadline_us, 0);
	chatwire_rel_tx_free(&tx);
}

static void test_tx_backoff(void **state)
{
	struct rel_tx tx;
	uint64_t now = 0;

	chatwire_rel_tx_init(&tx);
	chatwire_rel_tx_push(&tx, "X", 1);
	chatwire_rel_tx_sent(&tx, 1, now);
	uint64_t expect = REL_RTO_MIN_US;
	for (int i = 0; i < 8; i++) {
		now = tx.deadline_us;
		const struct rel_line *l = chatwire_rel_tx_first_due(&tx, now);
		assert_non_null(l); /* due again: retransmit */
		assert_int_equal(l->seq, 1);
		chatwire_rel_tx_sent(&tx, 1, now);
		expect = expect * 2 > REL_RTO_MAX_US ? REL_RTO_MAX_US : expect * 2;
		assert_int_equal(tx.rto_us, expect);
	}
	assert_int_equal(tx.rto_us, REL_RTO_MAX_US);
	assert_int_equal(tx.retransmits, 8);
	chatwire_rel_tx_on_ack(&tx, 1, now); /* progress resets the timer */
	assert_int_equal(tx.rto_us, REL_RTO_MIN_US);
	chatwire_rel_tx_free(&tx);
}

static void test_tx_retransmit_round_cut_short(void **state)
{
	struct rel_tx tx;

	chatwire_rel_tx_init(&tx);
	for (int i = 0; i < 10; i++)
		chatwire_rel_tx_push(&tx, "m", 1);
	chatwire_rel_tx_sent(&tx, 10, 0);
	uint64_t now = tx.deadline_us;
	assert_int_equal(chatwire_rel_tx_first_due(&tx, now)->seq, 1); /* the timer ran out */
	chatwire_rel_tx_sent(&tx, 4, now);                              /* only 1-4 went again */
	const struct rel_line *l = chatwire_rel_tx_first_due(&tx, now + 1);
	assert_non_null(l);
	assert_int_equal(l->seq, 5);                           /* the rest goes next */
	chatwire_rel_tx_sent(&tx, 10, now + 1);
	assert_null(chatwire_rel_tx_first_due(&tx, now + 2));
	assert_int_equal(tx.deadline_us, now + 2 * REL_RTO_MIN_US);
	chatwire_rel_tx_free(&tx);
}

static void test_tx_bound(void **state)
{
	struct rel_tx tx;

	chatwire_rel_tx_init(&tx);
	for (int i = 0; i < REL_TX_MAX; i++)
		assert_int_equal(chatwire_rel_tx_push(&tx, "m", 1), (uint64_t)i + 1);
	assert_int_equal(chatwire_rel_tx_push(&tx, "m", 1), 0); /* full: the session is stuck */
	chatwire_rel_tx_on_ack(&tx, 10, 0);
	assert_int_equal(chatwire_rel_tx_push(&tx, "m", 1), REL_TX_MAX + 1);
	chatwire_rel_tx_free(&tx);
}

static void test_rx_order_dup_window(void **state)
{
	struct rel_rx rx;
	struct rel_line *l;

	chatwire_rel_rx_init(&rx);
	assert_int_equal(chatwire_rel_rx_accept(&rx, 2, "two", 3), REL_HELD);
	assert_int_equal(chatwire_rel_rx_accept(&rx, 3, "three", 5), REL_HELD);
	assert_int_equal(chatwire_rel_rx_accept(&rx, 3, "three", 5), REL_DUP);
	assert_int_equal(chatwire_rel_rx_ack(&rx), 0);
	assert_null(chatwire_rel_rx_pop(&rx));
	assert_int_equal(chatwire_rel_rx_accept(&rx, 1, "one", 3), REL_DELIVER);
	l = chatwire_rel_rx_pop(&rx);
	assert_non_null(l);
	assert_int_equal(l->seq, 2);
	free(l);
	l = chatwire_rel_rx_pop(&rx);
	assert_int_equal(l->seq, 3);
	free(l);
	assert_null(chatwire_rel_rx_pop(&rx));
	assert_int_equal(chatwire_rel_rx_ack(&rx), 3);
	assert_int_equal(chatwire_rel_rx_accept(&rx, 1, "one", 3), REL_DUP);
	assert_int_equal(chatwire_rel_rx_accept(&rx, 4 + REL_RX_WINDOW, "far", 3), REL_TOO_FAR);
	assert_int_equal(chatwire_rel_rx_accept(&rx, 3 + REL_RX_WINDOW, "edge", 4), REL_HELD);
	assert_int_equal(rx.duplicates, 2);
	chatwire_rel_rx_free(&rx); /* frees what is still held */
}

/* --- two links over a bad network ------------------------------------- */

#define SIM_QUEUE 4096
#define SIM_MSGS 3000

struct sim_pkt {
	uint64_t due;
	size_t len;
	uint8_t data[CHAT_DGRAM_MAX];
};

struct sim_side {
	struct chat_link link;
	uint64_t got;        /* messages delivered, checked in order */
	uint64_t sent;       /* messages queued */
	char prefix;
	struct sim_pkt *inbox;
	size_t ninbox;
};

static struct rng sim_rng;
static unsigned sim_loss, sim_dup; /* percent */

static void sim_deliver(void *ctx, const char *line, size_t len, uint64_t sent_us)
{
	struct sim_side *s = ctx;
	char want[32];
	int k = snprintf(want, sizeof(want), "SAY %c%llu", s->prefix == 'a' ? 'b' : 'a',
			 (unsigned long long)s->got + 1);

	/* exactly once, in order: the next line must be the next number */
	assert_int_equal(len, (size_t)k);
	assert_memory_equal(line, want, len);
	s->got++;
}

static void sim_post(struct sim_side *to, const struct chat_builder *b, uint64_t now)
{
	for (int copy = 0; copy < 2; copy++) {
		if (copy == 1 && rng_below(&sim_rng, 100) >= sim_dup)
			break;
		if (rng_below(&sim_rng, 100) < sim_loss || to->ninbox == SIM_QUEUE)
			continue;
		struct sim_pkt *p = &to->inbox[to->ninbox++];
		p->due = now + 1000 + rng_below(&sim_rng, 30000); /* 1-31 ms: reorders */
		p->len = b->len;
		memcpy(p->data, b->buf, b->len);
	}
}

static void sim_receive(struct sim_side *s, uint64_t now)
{
	for (size_t i = 0; i < s->ninbox;) {
		if (s->inbox[i].due > now) {
			i++;
			continue;
		}
		struct chat_dgram d;
		assert_int_equal(chatwire_dgram_parse(s->inbox[i].data, s->inbox[i].len, &d), CHAT_OK);
		chatwire_link_receive(&s->link, &d, now, sim_deliver, s);
		s->inbox[i] = s->inbox[--s->ninbox];
	}
}

static void sim_run(unsigned loss, unsigned dup, uint64_t seed)
{
	static struct chat_builder out[16];
	struct sim_side a = { .prefix = 'a' }, b = { .prefix = 'b' };
	uint64_t now = 1;

	rng_seed(&sim_rng, seed);
	sim_loss = loss;
	sim_dup = dup;
	a.inbox = calloc(SIM_QUEUE, sizeof(struct sim_pkt));
	b.inbox = calloc(SIM_QUEUE, sizeof(struct sim_pkt));
	chatwire_link_init(&a.link);
	chatwire_link_init(&b.link);
	/* bounded: 100,000 steps of 1 ms of simulated time */
	for (int step = 0; step < 100000 && (a.got < SIM_MSGS || b.got < SIM_MSGS); step++, now += 1000) {
		struct sim_side *sides[2] = { &a, &b };
		for (int k = 0; k < 2; k++) {
			struct sim_side *s = sides[k], *peer = sides[1 - k];
			/* queue a few messages per step while the window has room */
			for (int j = 0; j < 5 && s->sent < SIM_MSGS; j++) {
				char line[32];
				int len = snprintf(line, sizeof(line), "SAY %c%llu", s->prefix,
						   (unsigned long long)s->sent + 1);
				if (!chatwire_link_send(&s->link, line, (size_t)len))
					break;
				s->sent++;
			}
			sim_receive(s, now);
			unsigned n = chatwire_link_flush(&s->link, now, out, 16, false);
			for (unsigned i = 0; i < n; i++)
				sim_post(peer, &out[i], now);
		}
	}
	assert_int_equal(a.got, SIM_MSGS);
	assert_int_equal(b.got, SIM_MSGS);
	chatwire_link_free(&a.link);
	chatwire_link_free(&b.link);
	free(a.inbox);
	free(b.inbox);
}

/* What a link delivered: lines and when each was known to have been sent. */
struct got {
	char line[8][8];
	uint64_t sent[8];
	int n;
};

static void got_deliver(void *ctx, const char *line, size_t len, uint64_t sent_us)
{
	struct got *g = ctx;

	assert_true(g->n < 8 && len < 8);
	memcpy(g->line[g->n], line, len);
	g->line[g->n][len] = '\0';
	g->sent[g->n++] = sent_us;
}

static void dgram_of(struct chat_dgram *d, uint64_t first, unsigned n, const char *const *lines)
{
	memset(d, 0, sizeof(*d));
	for (unsigned i = 0; i < n; i++) {
		d->msgs[i].seq = first + i;
		d->msgs[i].line = lines[i];
		d->msgs[i].len = strlen(lines[i]);
	}
	d->n = n;
}

/* A line held behind a lost one keeps the time it arrived; the lost one,
 * sent again much later, gets the time a later line showed it was sent
 * (lines go out in order): a rate limit sees the sender's pace, not the
 * bunch that a filled gap releases. */
static void test_rx_sent_times_survive_a_gap(void **state)
{
	static const char *const l1[] = { "SAY 1" }, *const l2[] = { "SAY 2" },
				 *const l3[] = { "SAY 3" }, *const l4[] = { "SAY 4" };
	struct chat_link link;
	struct chat_dgram d;
	struct got g = { .n = 0 };

	chatwire_link_init(&link);
	dgram_of(&d, 1, 1, l1);
	chatwire_link_receive(&link, &d, 1000, got_deliver, &g);
	/* 2 is lost; 3 at 2000 and 4 at 3000 are held */
	dgram_of(&d, 3, 1, l3);
	chatwire_link_receive(&link, &d, 2000, got_deliver, &g);
	dgram_of(&d, 4, 1, l4);
	chatwire_link_receive(&link, &d, 3000, got_deliver, &g);
	assert_int_equal(g.n, 1);
	/* 2 comes again at 900000, with 3 and 4 again (duplicates) */
	dgram_of(&d, 2, 1, l2);
	chatwire_link_receive(&link, &d, 900000, got_deliver, &g);
	assert_int_equal(g.n, 4);
	assert_string_equal(g.line[1], "SAY 2");
	assert_string_equal(g.line[3], "SAY 4");
	assert_int_equal(g.sent[0], 1000);
	assert_int_equal(g.sent[1], 2000); /* sent before 3, which arrived at 2000 */
	assert_int_equal(g.sent[2], 2000);
	assert_int_equal(g.sent[3], 3000);
	chatwire_link_free(&link);
}

static void test_rx_sent_times_bounded_by_the_window(void **state)
{
	struct rel_rx rx;

	chatwire_rel_rx_init(&rx);
	assert_int_equal(chatwire_rel_rx_sent_us(&rx, 1, 77), 77); /* unknown: the fallback */
	chatwire_rel_rx_note_sent(&rx, 5, 100);
	chatwire_rel_rx_note_sent(&rx, 3, 200); /* older news changes nothing */
	assert_int_equal(chatwire_rel_rx_sent_us(&rx, 3, 0), 100);
	/* far beyond the window: only the window is noted, the rest comes again */
	chatwire_rel_rx_note_sent(&rx, 1000000, 300);
	assert_int_equal(rx.sent_known, REL_RX_WINDOW);
	assert_int_equal(chatwire_rel_rx_sent_us(&rx, REL_RX_WINDOW, 0), 300);
	assert_int_equal(chatwire_rel_rx_sent_us(&rx, REL_RX_WINDOW + 1, 9), 9);
	chatwire_rel_rx_free(&rx);
}

static void test_link_clean_network(void **state)
{
	sim_run(0, 0, 1);
}

static void test_link_ten_percent_loss(void **state)
{
	sim_run(10, 5, 2);
}

static void test_link_thirty_percent_loss_and_duplicates(void **state)
{
	sim_run(30, 20, 3);
}

static void test_link_packs_messages(void **state)
{
	struct chat_link l;
	struct chat_builder out[8];

	chatwire_link_init(&l);
	for (int i = 0; i < 100; i++)
		assert_true(chatwire_link_send(&l, "SAY 0123456789012345678901234567890123456789", 44));
	unsigned n = chatwire_link_flush(&l, 1, out, 8, false);
	/* 100 messages of ~48 bytes: a few datagrams, not a hundred */
	assert_true(n >= 4 && n <= 6);
	assert_int_equal(chatwire_link_flush(&l, 2, out, 8, false), 0); /* nothing new, no ack owed */
	assert_int_equal(chatwire_link_flush(&l, 3, out, 8, true), 1);  /* keepalive */
	assert_int_equal(out[0].n, 0);
	char big[CHAT_LINE_MAX];
	memset(big, 'x', sizeof(big));
	assert_false(chatwire_link_send(&l, big, CHAT_LINE_MAX - 13)); /* cannot fit a message */
	assert_true(chatwire_link_send(&l, big, CHAT_LINE_MAX - 14));
	chatwire_link_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tx_sequence_and_ack),
		cmocka_unit_test(test_tx_backoff),
		cmocka_unit_test(test_tx_retransmit_round_cut_short),
		cmocka_unit_test(test_tx_bound),
		cmocka_unit_test(test_rx_order_dup_window),
		cmocka_unit_test(test_rx_sent_times_survive_a_gap),
		cmocka_unit_test(test_rx_sent_times_bounded_by_the_window),
		cmocka_unit_test(test_link_clean_network),
		cmocka_unit_test(test_link_ten_percent_loss),
		cmocka_unit_test(test_link_thirty_percent_loss_and_duplicates),
		cmocka_unit_test(test_link_packs_messages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
