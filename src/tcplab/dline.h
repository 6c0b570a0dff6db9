/* The delay line's pure logic, apart from its sockets (fwd.c): a queue of
 * frames ordered by the time each is due, bounded in packets (drop-tail),
 * and the drop decision on the sender's data segments (--drop, --drop-every,
 * --loss), counted in the order they reach the router. */
#ifndef SOCKLAB_TCPLAB_DLINE_H
#define SOCKLAB_TCPLAB_DLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/rng.h"

#define TL_DROP_MAX 16       /* --drop N,M,... */
#define TL_FRAME_MAX 2048    /* a frame of the lab's links (MTU 1500, no GSO) */

/* Which data segments the lab drops. */
struct tl_droprule {
	uint64_t drop[TL_DROP_MAX]; /* 1-based numbers of data segments */
	size_t ndrop;
	uint64_t every;             /* --drop-every K: every K-th; 0: off */
	uint32_t loss_ppm;          /* --loss P%: random, parts per million */
	unsigned rtx_drops;         /* also drop this many retransmissions of each
	                             * segment dropped by number (the timeout scenario) */
	uint64_t dup;               /* deliver this data segment twice (a D-SACK); 0: none */
};

/* Counts data segments and decides each one's fate. */
struct tl_dropper {
	const struct tl_droprule *rule;
	uint64_t nseg;              /* data segments seen so far */
	uint64_t ndropped;
	uint32_t rtx_seq[TL_DROP_MAX]; /* segments whose retransmissions are dropped */
	unsigned rtx_left[TL_DROP_MAX];
};

/* Is the next data segment (nseg+1), whose sequence number is seq, to be
 * dropped? Counts it either way. */
bool tl_dropper_next(struct tl_dropper *d, struct rng *r, uint32_t seq);

/* One frame held by the line. */
struct tl_held {
	uint64_t due_us, in_us;
	uint16_t len;
	uint8_t data[TL_FRAME_MAX];
};

/* A FIFO per direction: the delay is the same for every frame of a
 * direction, so arrival order is due order. */
struct tl_dline {
	struct tl_held *v;
	size_t cap, head, n;        /* ring of cap slots */
	uint64_t delay_us;
	uint64_t dropped_full;      /* drop-tail */
};

int tl_dline_init(struct tl_dline *q, size_t cap, uint64_t delay_us);
void tl_dline_free(struct tl_dline *q);
/* Queues a frame that arrived at now_us; false when the queue is full (the
 * frame is dropped and counted) or the frame too long. */
bool tl_dline_push(struct tl_dline *q, const uint8_t *data, size_t len, uint64_t now_us);
/* The oldest frame when it is due at now_us, else NULL; tl_dline_pop takes it. */
const struct tl_held *tl_dline_due(const struct tl_dline *q, uint64_t now_us);
void tl_dline_pop(struct tl_dline *q);
/* When the oldest frame is due, or UINT64_MAX when empty. */
uint64_t tl_dline_next_due(const struct tl_dline *q);

/* Is the data segment just counted (nseg) the one to deliver twice? */
bool tl_dropper_dup(const struct tl_dropper *d);
/* A new connection (a SYN from the sender): the count starts again. */
void tl_dropper_reset(struct tl_dropper *d);
/* Is this Ethernet frame an IPv4 TCP SYN without ACK? */
bool tl_frame_is_syn(const uint8_t *f, size_t len);

/* Is this Ethernet frame an IPv4 TCP segment with payload? Its sequence
 * number into *seq (may be NULL). */
bool tl_frame_is_data(const uint8_t *f, size_t len, uint32_t *seq);

#endif
