/* Per-connection state across packets: relative sequence numbers for JSON (unless -S), the
 * window scale negotiated in the handshake, and the --flows summary
 * (handshake, teardown, bytes, retransmissions, duplicate ACKs, zero
 * windows, out-of-order segments, options). The table is bounded by
 * FLOW_MAX; flows beyond it are counted, not tracked. */
#ifndef SOCKLAB_DECODE_FLOWS_H
#define SOCKLAB_DECODE_FLOWS_H

#include <stdbool.h>
#include <stdint.h>

#include "pkt/packet.h"

#define FLOW_MAX 65536
#define FLOW_HOLES 4

struct flow_dir {
	uint64_t pkts, bytes;
	uint32_t isn;
	bool isn_set;
	bool syn, fin, rst;
	int wscale;          /* -1: none offered */
	uint16_t mss;
	bool sack_ok, ts;
	bool end_set;
	uint32_t end;        /* highest seq + len seen */
	bool ack_set;
	uint32_t last_ack;
	uint16_t last_win;
	uint32_t holes[FLOW_HOLES][2];
	uint64_t retrans, dupack, zerowin, ooo;
};

struct flow {
	uint8_t proto, version;
	uint8_t addr[2][16];
	uint16_t port[2];
	struct flow_dir dir[2];  /* dir[0]: from addr[0] (first seen / SYN sender) */
	bool synack, hs_ack;
	double first_ts, last_ts;
};

/* What the tracker knows about one TCP packet, for the printers. */
struct flow_annot {
	bool valid;
	uint32_t rel_seq, rel_ack;
	bool rel_ack_valid;
	bool scaled;
	uint32_t win_scaled;
	int wscale;
};

struct flow_table;

struct flow_table *dec_flows_new(void);
void dec_flows_free(struct flow_table *ft);
/* Updates the state with one packet, fills *an for TCP. */
void dec_flows_update(struct flow_table *ft, const struct pkt *pkt, double ts, struct flow_annot *an);
size_t dec_flows_count(const struct flow_table *ft);
const struct flow *dec_flows_get(const struct flow_table *ft, size_t i);
uint64_t dec_flows_dropped(const struct flow_table *ft);

#endif
