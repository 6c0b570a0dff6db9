/* From captured frames to the model's packets: decode's parsers read the
 * headers, then the TCP sequence numbers are made relative to each side's
 * ISN as tcpdump does. Pure: no capture here (capture.c). */
#ifndef SOCKLAB_TRACE_PACKETS_H
#define SOCKLAB_TRACE_PACKETS_H

#include <stdbool.h>
#include <stdint.h>

#include "pkt/packet.h"
#include "trace/model.h"

/* Fills p from one frame of link type lt; false when the frame is not a
 * TCP or UDP segment or an ICMP error quoting one (those are not part of a
 * trace), or its time stamp is outside [0, TR_TIME_MAX]. p->frame is left
 * alone. */
bool tr_packet_from_frame(enum link_type lt, const uint8_t *data, uint32_t caplen, uint32_t len,
		       int64_t ts, struct tr_packet *p);

/* Numbers the packets 1..n and computes rseq/rack from the SYNs. */
void tr_packets_number(struct tr_packet *pk, size_t n);

#endif
