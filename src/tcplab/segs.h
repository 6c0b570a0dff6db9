/* The captured segments of one connection, reduced to what the scenarios
 * measure, and the measurements over them: Nagle's rounds, the duplicate
 * ACKs before a retransmission. Pure: the capture fills the array. */
#ifndef SOCKLAB_TCPLAB_SEGS_H
#define SOCKLAB_TCPLAB_SEGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TL_SEG_SACKS 3

struct tl_seg {
	int64_t t_us;          /* capture time */
	bool out;              /* sender → receiver */
	uint16_t flags;        /* TCP flags (pkt's enum tcp_flag) */
	uint32_t seq, ack, len;
	uint16_t win;
	uint8_t nsack;         /* SACK blocks carried */
	uint32_t sack_bytes;   /* bytes those blocks cover */
	uint32_t sack[TL_SEG_SACKS][2]; /* the first blocks: [left, right) */
};

/* One round of write-write-...-read: the sender's data segments until the
 * receiver's reply. */
struct tl_round {
	size_t nseg;           /* data segments the sender sent in the round */
	int64_t gap_us;        /* from the 1st to the 2nd data segment; -1: one only */
	bool acked_first;      /* the ACK of the 1st arrived before the 2nd left */
	int64_t ack_after_us;  /* from the 1st segment to that ACK; -1: none */
};

/* Splits segs into rounds (a data segment from the receiver ends a
 * round); fills at most max, returns how many. */
size_t tl_rounds(const struct tl_seg *s, size_t n, struct tl_round *r, size_t max);

/* The first retransmission of the sender and what came before it. */
struct tl_rtx {
	bool found;
	size_t orig, rtx;      /* indexes of the original and its retransmission */
	unsigned dupacks;      /* duplicate ACKs of its sequence before the rtx */
	int64_t t_dup3_us;     /* the ACK that made three: the 3rd duplicate, or the
	                        * one whose SACK blocks cover 3 segments; 0: none */
	unsigned sacked;       /* of the duplicates, how many carried SACK blocks */
	unsigned sacked_segs;  /* the most segments one duplicate's blocks covered */
};
void tl_first_rtx(const struct tl_seg *s, size_t n, struct tl_rtx *x);

/* The retransmissions of the sender: each sequence number sent again,
 * the first time it was and when it first left. */
struct tl_rtxseg {
	uint32_t seq, len;
	int64_t t_orig_us, t_rtx_us;
	size_t rtx;                 /* index of the retransmission */
};
/* Fills at most max, in the order of the retransmissions; returns how many. */
size_t tl_rtx_list(const struct tl_seg *s, size_t n, struct tl_rtxseg *out, size_t max);
/* The first ACK from the receiver at or after index from whose number
 * reaches ack (all the holes below it repaired); its time, or -1. */
int64_t tl_acked_at(const struct tl_seg *s, size_t n, size_t from, uint32_t ack);

/* The receiver's window closing and opening again, from the sender's side:
 * the first ACK with window 0, the zero-window probes the sender sent while
 * it stayed closed (no data, the sequence number one below the window's
 * left edge), the ACK that opened it again and the data that followed. */
#define TL_PROBES_MAX 16
struct tl_zwin {
	bool closed;
	int64_t t_zero_us, t_open_us, t_resume_us; /* -1: not seen */
	size_t nprobes;
	int64_t t_probe_us[TL_PROBES_MAX];
};
void tl_zero_window(const struct tl_seg *s, size_t n, struct tl_zwin *z);

/* The handshake's round-trip time: from the SYN to the SYN-ACK; -1. */
int64_t tl_syn_rtt(const struct tl_seg *s, size_t n);

#endif
