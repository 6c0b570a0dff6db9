/* Session ends: reliable delivery over chat datagrams. */
#include "chatwire/chatlink.h"

#include <stdlib.h>
#include <string.h>

void chatwire_link_init(struct chat_link *l)
{
	memset(l, 0, sizeof(*l));
	chatwire_rel_tx_init(&l->tx);
	chatwire_rel_rx_init(&l->rx);
}

void chatwire_link_free(struct chat_link *l)
{
	chatwire_rel_tx_free(&l->tx);
	chatwire_rel_rx_free(&l->rx);
}

bool chatwire_link_send(struct chat_link *l, const char *line, size_t len)
{
	/* "<seq> " of up to 12 digits and the LF must fit around it. */
	if (len == 0 || len + 14 > CHAT_LINE_MAX)
		return false;
	return chatwire_rel_tx_push(&l->tx, line, len) != 0;
}

void chatwire_link_receive(struct chat_link *l, const struct chat_dgram *d, uint64_t now_us,
		       chat_deliver_fn deliver, void *ctx)
{
	uint64_t top = 0;

	l->last_heard_us = now_us;
	chatwire_rel_tx_on_ack(&l->tx, d->ack, now_us);
	for (unsigned i = 0; i < d->n; i++)
		if (d->msgs[i].seq > top)
			top = d->msgs[i].seq;
	chatwire_rel_rx_note_sent(&l->rx, top, now_us);
	for (unsigned i = 0; i < d->n; i++) {
		const struct chat_msg *m = &d->msgs[i];
		if (m->seq == 0) {
			deliver(ctx, m->line, m->len, now_us); /* an unreliable notice */
			continue;
		}
		if (chatwire_rel_rx_accept(&l->rx, m->seq, m->line, m->len) != REL_DELIVER)
			continue;
		deliver(ctx, m->line, m->len, chatwire_rel_rx_sent_us(&l->rx, m->seq, now_us));
		struct rel_line *held;
		while ((held = chatwire_rel_rx_pop(&l->rx))) {
			deliver(ctx, held->text, held->len, chatwire_rel_rx_sent_us(&l->rx, held->seq, now_us));
			free(held);
		}
	}
}

unsigned chatwire_link_flush(struct chat_link *l, uint64_t now_us, struct chat_builder *out,
			 unsigned max, bool ack_only)
{
	const struct rel_line *m = chatwire_rel_tx_first_due(&l->tx, now_us);
	uint64_t last = 0;
	unsigned n = 0;

	if (max == 0)
		return 0;
	for (; m; m = chatwire_rel_tx_at(&l->tx, m->seq + 1)) {
		if (n == 0 || !chatwire_builder_add(&out[n - 1], m->seq, m->text, m->len)) {
			if (n == max)
				break;
			chatwire_builder_start(&out[n], l->has_token, l->token, chatwire_rel_rx_ack(&l->rx));
			n++;
			if (!chatwire_builder_add(&out[n - 1], m->seq, m->text, m->len))
				break; /* cannot happen: lines are checked on the way in */
		}
		last = m->seq;
	}
	if (last)
		chatwire_rel_tx_sent(&l->tx, last, now_us);
	if (n == 0 && (ack_only || l->rx.ack_owed)) {
		chatwire_builder_start(&out[0], l->has_token, l->token, chatwire_rel_rx_ack(&l->rx));
		n = 1;
	}
	if (n > 0) {
		l->rx.ack_owed = false;
		l->last_sent_us = now_us;
	}
	return n;
}

uint64_t chatwire_link_deadline(const struct chat_link *l)
{
	return l->tx.deadline_us;
}
