/* The parts of tcpdump's line, shared by the text printer's files:
 * render_text.c (time, link, IP, the line's frame) calls down into
 * render_tcp.c and render_l4.c (transports and ARP), never back; all three
 * use render_words.c (addresses, checksum verdicts, protocol names). */
#ifndef SOCKLAB_DECODE_RENDER_TEXT_H
#define SOCKLAB_DECODE_RENDER_TEXT_H

#include "decode/render.h"
#include "decode/tcpseq.h"

struct dec_text_state {
	struct dec_tcpseq *seq;
	bool have_prev;
	struct pkt_time prev, first;
	uint64_t number;
};

/* tcpdump's "cksum 0x1234 (correct)" / "(incorrect -> 0x5678)". */
void dec_text_cksum(struct outbuf *ob, uint16_t field, enum cks_status st, uint16_t calc);
/* The TCP part after "a.p > b.p: ". */
void dec_text_tcp(struct outbuf *ob, const struct pkt *pkt, const struct pkt_net *net,
		  const struct render_opts *ro);
/* The UDP part after "a.p > b.p: ". */
void dec_text_udp(struct outbuf *ob, const struct pkt *pkt, const struct pkt_net *net,
		  const struct render_opts *ro);
/* ICMP and ICMPv6 after "a > b: ". */
void dec_text_icmp(struct outbuf *ob, const struct pkt *pkt, const struct pkt_net *net,
		   const struct render_opts *ro);
/* "ARP, ..." */
void dec_text_arp(struct outbuf *ob, const struct pkt *pkt, const struct render_opts *ro);
/* tcpdump's name of an IP protocol ("TCP", "Options", "ICMPv6") or NULL. */
const char *dec_text_ipproto(uint8_t p);

#endif
