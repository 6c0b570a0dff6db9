/* The SYN generator's packets: an IPv4 header and a TCP SYN with an MSS
 * option, checksums filled, from a given source to the lab's listener;
 * and the old-style responder's SYN-ACKs (oldisn.c). Pure: the bytes only
 * (sc_synflood.c sends them on a raw socket, oldisn.c on a packet socket). */
#ifndef SOCKLAB_TCPLAB_SYNPKT_H
#define SOCKLAB_TCPLAB_SYNPKT_H

#include <stddef.h>
#include <stdint.h>

#define TL_SYNPKT_LEN 44 /* 20 IP + 20 TCP + 4 MSS option */

/* Addresses in network order; ports and seq in host order. */
size_t tl_synpkt(uint8_t *out, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
		 uint32_t seq, uint16_t ipid);
/* The same with SYN and ACK set and the acknowledgement number ack. */
size_t tl_synackpkt(uint8_t *out, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
		    uint32_t seq, uint32_t ack, uint16_t ipid);

#endif
