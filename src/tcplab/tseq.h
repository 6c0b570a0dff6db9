/* The time-sequence graph's content (tcptrace's, Stevens's) from the
 * captured segments of one connection, seen from the sender: its data
 * segments with their sequence ranges relative to the ISN, which of them
 * are retransmissions; the receiver's ACKs with the cumulative ACK, the
 * window's right edge (ack + window scaled by the negotiated shift), the
 * SACK blocks and which ACKs are duplicates; the sender's zero-window
 * probes; and the round-trip time each
 * ACK measures (Karn: a retransmitted range measures nothing). Pure. */
#ifndef SOCKLAB_TCPLAB_TSEQ_H
#define SOCKLAB_TCPLAB_TSEQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcplab/segs.h"

enum tl_tseq_kind {
	TL_TS_DATA,        /* a data segment, sent for the first time */
	TL_TS_RTX,         /* a data segment resending bytes sent before */
	TL_TS_PROBE,       /* a zero-window probe: no data, the sequence number
	                    * one below the highest ACK (lo = hi = that) */
	TL_TS_ACK,         /* an ACK of the receiver */
	TL_TS_DUPACK,      /* an ACK repeating the last one's number, no data, no
	                    * window change, with data outstanding */
};

struct tl_tseq_pt {
	int64_t t_us;
	enum tl_tseq_kind kind;
	/* relative to the sender's ISN (the SYN's seq, counted as byte 0) */
	uint64_t lo, hi;       /* data: [lo, hi); an ACK: lo the ack, hi the right edge */
	uint8_t nsack;
	uint64_t sack[TL_SEG_SACKS][2];
};

/* A round-trip time measured by an ACK: from a data segment that was sent
 * once to the first ACK covering its last byte. */
struct tl_rttpt {
	int64_t t_us;          /* the ACK's */
	int64_t rtt_us;
};

struct tl_tseq {
	struct tl_tseq_pt *pt;
	size_t n;
	struct tl_rttpt *rtt;
	size_t nrtt;
	size_t ndata, nrtx, nprobe, nack, ndup, nsack;
	uint64_t seq_max;      /* the highest data byte sent + 1, relative */
	uint64_t edge_max;     /* the farthest window edge */
};

/* From segs s[0..n) (time order, both directions) and the shift the
 * receiver's windows are scaled by (0: none negotiated). Segments without
 * data from the sender and the handshake's are left out. Allocates (free
 * with tl_tseq_free); -1 when out of memory. */
int tl_tseq_build(const struct tl_seg *s, size_t n, unsigned rcv_wscale, struct tl_tseq *out);
void tl_tseq_free(struct tl_tseq *t);

/* The time window worth a closer look: around the first retransmission,
 * from 1.5 round trips (the least one measured; 50 ms when none was)
 * before it, or half a round trip before the original it resends when
 * that is earlier (a timeout's), to 2.5 round trips after it. false:
 * nothing was retransmitted. */
bool tl_tseq_zoom(const struct tl_tseq *t, int64_t *ta_us, int64_t *tb_us);

#endif
