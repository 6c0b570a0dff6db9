/* Reliable, ordered, exactly-once message delivery over datagrams (the UDP
 * chat's, docs/chat-protocol.md): sequence numbers, cumulative
 * acknowledgements, retransmission with exponential backoff, and a bounded
 * reorder window. Pure: time is passed in, bytes go in and out as lines. */
#ifndef SOCKLAB_CORE_RELIABLE_H
#define SOCKLAB_CORE_RELIABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REL_TX_MAX 4096          /* unacknowledged messages kept per session */
#define REL_RX_WINDOW 256        /* messages held ahead of a gap */
#define REL_RTO_MIN_US 250000
#define REL_RTO_MAX_US 4000000

struct rel_line {
	uint64_t seq;
	size_t len;
	char text[];
};

/* The sending side. */
struct rel_tx {
	struct rel_line **ring;   /* unacknowledged messages, oldest first */
	size_t cap, head, count;
	uint64_t next_seq;        /* the number the next message gets */
	uint64_t acked;           /* every message up to this one is acknowledged */
	uint64_t sent_upto;       /* every message up to this one was sent once */
	uint64_t rto_us;
	uint64_t deadline_us;     /* retransmission timer; 0: not running */
	uint64_t retransmits;     /* messages sent again */
	uint64_t bytes;           /* text bytes of the unacknowledged messages */
	uint64_t acked_bytes;     /* text bytes acknowledged so far, all told */
};

void chatwire_rel_tx_init(struct rel_tx *tx);
void chatwire_rel_tx_free(struct rel_tx *tx);
/* Queues a message; its seq, or 0 when REL_TX_MAX are unacknowledged (or
 * out of memory). */
uint64_t chatwire_rel_tx_push(struct rel_tx *tx, const char *line, size_t len);
/* The peer acknowledged everything up to ack. */
void chatwire_rel_tx_on_ack(struct rel_tx *tx, uint64_t ack, uint64_t now_us);
/* The first message to send now — new ones, or, once the timer ran out,
 * every unacknowledged one again — or NULL. Then call chatwire_rel_tx_at() for the
 * following seqs and chatwire_rel_tx_sent() with the last one sent. */
const struct rel_line *chatwire_rel_tx_first_due(struct rel_tx *tx, uint64_t now_us);
const struct rel_line *chatwire_rel_tx_at(const struct rel_tx *tx, uint64_t seq);
void chatwire_rel_tx_sent(struct rel_tx *tx, uint64_t upto_seq, uint64_t now_us);
size_t chatwire_rel_tx_unacked(const struct rel_tx *tx);

/* The receiving side. */
struct rel_rx {
	uint64_t next;                          /* the seq expected next */
	struct rel_line *held[REL_RX_WINDOW];   /* indexed by seq % window */
	/* When each message from next on was first known to have been sent:
	 * its own arrival, or an earlier one of a later message (a sender
	 * sends in order). A line held behind a lost one, or lost and sent
	 * again, was still sent at its sender's pace; rate limits charge it
	 * then, not when the gap fills. Indexed by seq % window. */
	uint64_t sent_us[REL_RX_WINDOW];
	uint64_t sent_known;                    /* every seq up to this one has its time */
	bool ack_owed;                          /* something arrived: acknowledge */
	uint64_t duplicates;
};

enum rel_verdict {
	REL_DELIVER,   /* in order: deliver it, then chatwire_rel_rx_pop() what it unblocked */
	REL_DUP,       /* seen before: drop (it is acknowledged again) */
	REL_HELD,      /* ahead of a gap: kept until the gap fills */
	REL_TOO_FAR,   /* beyond the window: drop; it will come again */
};

void chatwire_rel_rx_init(struct rel_rx *rx);
void chatwire_rel_rx_free(struct rel_rx *rx);
enum rel_verdict chatwire_rel_rx_accept(struct rel_rx *rx, uint64_t seq, const char *line, size_t len);
/* The next held message that is now in order, or NULL; the caller frees it. */
struct rel_line *chatwire_rel_rx_pop(struct rel_rx *rx);
/* A message numbered upto arrived at now_us: it and every one before it
 * had been sent by then (only the window from next on is kept). */
void chatwire_rel_rx_note_sent(struct rel_rx *rx, uint64_t upto, uint64_t now_us);
/* When seq (in the window, or just delivered) was known to have been sent;
 * unknown: fallback. */
uint64_t chatwire_rel_rx_sent_us(const struct rel_rx *rx, uint64_t seq, uint64_t fallback);
/* The cumulative acknowledgement to send. */
uint64_t chatwire_rel_rx_ack(const struct rel_rx *rx);

#endif
