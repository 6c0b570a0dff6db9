/* tcpdump's relative sequence numbers: one entry per TCP conversation
 * (both directions share it), keyed by addresses and ports. The first
 * segment with ACK set (or any SYN with ACK) records the bases; later
 * segments print seq and ack minus them, and SACK blocks too. Segments
 * without ACK keep their absolute numbers, as in tcpdump. */
#ifndef SOCKLAB_DECODE_TCPSEQ_H
#define SOCKLAB_DECODE_TCPSEQ_H

#include <stdbool.h>
#include <stdint.h>

#include "pkt/packet.h"

struct dec_tcpseq;

/* What one segment prints. */
struct dec_seqrel {
	uint32_t seq, ack;
	bool rel;               /* seq and ack are relative */
	uint32_t sack_base;     /* subtracted from SACK block edges when rel */
};

struct dec_tcpseq *dec_tcpseq_new(void);
void dec_tcpseq_free(struct dec_tcpseq *t);
/* Looks up (or records) the segment's conversation; out of memory or over
 * the bound leaves the numbers absolute. */
void dec_tcpseq_map(struct dec_tcpseq *t, const struct ip_hdr *ip, const struct tcp_hdr *tcp,
		    struct dec_seqrel *out);

#endif
