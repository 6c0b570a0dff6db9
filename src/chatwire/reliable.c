/* Sequence, acknowledgement, retransmission and reordering state. */
#include "chatwire/reliable.h"

#include <stdlib.h>
#include <string.h>

#define REL_RING_MIN 16 /* a power of two, as every capacity after it: & replaces % */

static struct rel_line *rel_line_new(uint64_t seq, const char *line, size_t len)
{
	struct rel_line *l = malloc(sizeof(*l) + len);

	if (!l)
		return NULL;
	l->seq = seq;
	l->len = len;
	memcpy(l->text, line, len);
	return l;
}

void chatwire_rel_tx_init(struct rel_tx *tx)
{
	memset(tx, 0, sizeof(*tx));
	tx->next_seq = 1;
	tx->rto_us = REL_RTO_MIN_US;
}

void chatwire_rel_tx_free(struct rel_tx *tx)
{
	for (size_t i = 0; i < tx->count; i++)
		free(tx->ring[(tx->head + i) & (tx->cap - 1)]);
	free(tx->ring);
	memset(tx, 0, sizeof(*tx));
}

static bool rel_tx_grow(struct rel_tx *tx)
{
	size_t nc = tx->cap ? tx->cap * 2 : REL_RING_MIN;
	struct rel_line **r = malloc(nc * sizeof(*r));

	if (!r)
		return false;
	for (size_t i = 0; i < tx->count; i++)
		r[i] = tx->ring[(tx->head + i) & (tx->cap - 1)];
	free(tx->ring);
	tx->ring = r;
	tx->cap = nc;
	tx->head = 0;
	return true;
}

uint64_t chatwire_rel_tx_push(struct rel_tx *tx, const char *line, size_t len)
{
	if (tx->count >= REL_TX_MAX)
		return 0;
	if (tx->count == tx->cap && !rel_tx_grow(tx))
		return 0;
	struct rel_line *l = rel_line_new(tx->next_seq, line, len);
	if (!l)
		return 0;
	tx->ring[(tx->head + tx->count) & (tx->cap - 1)] = l;
	tx->count++;
	tx->bytes += len;
	return tx->next_seq++;
}

void chatwire_rel_tx_on_ack(struct rel_tx *tx, uint64_t ack, uint64_t now_us)
{
	if (ack <= tx->acked || ack >= tx->next_seq)
		return; /* old news, or acknowledging what was never sent */
	while (tx->count > 0 && tx->ring[tx->head]->seq <= ack) {
		tx->bytes -= tx->ring[tx->head]->len;
		tx->acked_bytes += tx->ring[tx->head]->len;
		free(tx->ring[tx->head]);
		tx->head = (tx->head + 1) & (tx->cap - 1);
		tx->count--;
	}
	tx->acked = ack;
	if (tx->sent_upto < ack)
		tx->sent_upto = ack;
	tx->rto_us = REL_RTO_MIN_US;
	/* The timer runs only for messages in flight; unsent ones start it when
	 * they go (else their first send would count as a retransmission). */
	tx->deadline_us = tx->sent_upto > tx->acked ? now_us + tx->rto_us : 0;
}

const struct rel_line *chatwire_rel_tx_at(const struct rel_tx *tx, uint64_t seq)
{
	if (tx->count == 0 || seq <= tx->acked || seq >= tx->next_seq)
		return NULL;
	return tx->ring[(tx->head + (seq - tx->acked - 1)) & (tx->cap - 1)];
}

const struct rel_line *chatwire_rel_tx_first_due(struct rel_tx *tx, uint64_t now_us)
{
	if (tx->count == 0)
		return NULL;
	if (tx->deadline_us && now_us >= tx->deadline_us)
		return chatwire_rel_tx_at(tx, tx->acked + 1); /* the timer ran out: all again */
	return chatwire_rel_tx_at(tx, tx->sent_upto + 1);
}

void chatwire_rel_tx_sent(struct rel_tx *tx, uint64_t upto_seq, uint64_t now_us)
{
	bool retransmit = tx->deadline_us && now_us >= tx->deadline_us;

	if (retransmit) {
		/* Only what had gone before counts as sent again. */
		uint64_t again = upto_seq < tx->sent_upto ? upto_seq : tx->sent_upto;
		tx->retransmits += again > tx->acked ? again - tx->acked : 0;
		tx->rto_us = tx->rto_us * 2 > REL_RTO_MAX_US ? REL_RTO_MAX_US : tx->rto_us * 2;
		tx->deadline_us = now_us + tx->rto_us;
		/* A round cut short (the caller's datagram budget): what it did not
		 * reach counts as unsent, so the next call goes on from there. */
		tx->sent_upto = upto_seq;
		return;
	}
	if (!tx->deadline_us)
		tx->deadline_us = now_us + tx->rto_us;
	if (upto_seq > tx->sent_upto)
		tx->sent_upto = upto_seq;
}

size_t chatwire_rel_tx_unacked(const struct rel_tx *tx)
{
	return tx->count;
}

void chatwire_rel_rx_init(struct rel_rx *rx)
{
	memset(rx, 0, sizeof(*rx));
	rx->next = 1;
}

void chatwire_rel_rx_free(struct rel_rx *rx)
{
	for (size_t i = 0; i < REL_RX_WINDOW; i++)
		free(rx->held[i]);
	memset(rx, 0, sizeof(*rx));
}

enum rel_verdict chatwire_rel_rx_accept(struct rel_rx *rx, uint64_t seq, const char *line, size_t len)
{
	rx->ack_owed = true;
	if (seq < rx->next) {
		rx->duplicates++;
		return REL_DUP;
	}
	if (seq == rx->next) {
		rx->next++;
		return REL_DELIVER;
	}
	if (seq - rx->next >= REL_RX_WINDOW)
		return REL_TOO_FAR;
	size_t slot = seq % REL_RX_WINDOW;
	if (rx->held[slot]) {
		rx->duplicates++;
		return REL_DUP;
	}
	rx->held[slot] = rel_line_new(seq, line, len);
	return rx->held[slot] ? REL_HELD : REL_TOO_FAR;
}

struct rel_line *chatwire_rel_rx_pop(struct rel_rx *rx)
{
	size_t slot = rx->next % REL_RX_WINDOW;
	struct rel_line *l = rx->held[slot];

	if (!l || l->seq != rx->next)
		return NULL;
	rx->held[slot] = NULL;
	rx->next++;
	return l;
}

void chatwire_rel_rx_note_sent(struct rel_rx *rx, uint64_t upto, uint64_t now_us)
{
	uint64_t last = rx->next + REL_RX_WINDOW - 1;
	uint64_t from = rx->sent_known + 1 > rx->next ? rx->sent_known + 1 : rx->next;

	if (upto > last)
		upto = last; /* beyond the window: it comes again */
	for (uint64_t s = from; s <= upto; s++)
		rx->sent_us[s % REL_RX_WINDOW] = now_us;
	if (upto > rx->sent_known)
		rx->sent_known = upto;
}

uint64_t chatwire_rel_rx_sent_us(const struct rel_rx *rx, uint64_t seq, uint64_t fallback)
{
	/* A slot is written again only for seq + window, which needs next
	 * past seq + 1: a message just delivered still has its time. */
	if (seq == 0 || seq > rx->sent_known || seq + REL_RX_WINDOW <= rx->next)
		return fallback;
	return rx->sent_us[seq % REL_RX_WINDOW];
}

uint64_t chatwire_rel_rx_ack(const struct rel_rx *rx)
{
	return rx->next - 1;
}
