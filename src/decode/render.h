/* Printers: they read a decoded struct pkt (and the flow tracker's notes)
 * and write text, JSON, a hex dump or the byte-by-byte explain table into an
 * outbuf. Nothing here parses. */
#ifndef SOCKLAB_DECODE_RENDER_H
#define SOCKLAB_DECODE_RENDER_H

#include <stdbool.h>
#include <stdint.h>

#include "decode/flows.h"
#include "decode/outbuf.h"
#include "pkt/packet.h"

struct render_opts {
	bool relative;   /* -r: sequence numbers relative per connection */
	bool link;       /* -e: the link-layer header too */
	bool utc;        /* times in UTC instead of local time */
	int dlt;         /* the capture's libpcap link type (DLT_) */
	const char *dlt_name; /* its libpcap name ("ARCNET_LINUX"), or NULL */
};

struct pkt_time {
	int64_t sec;
	uint32_t usec;
};

void dec_render_time(struct outbuf *ob, struct pkt_time ts, bool utc);
void dec_render_text(struct outbuf *ob, const struct pkt *pkt, struct pkt_time ts,
		 const struct flow_annot *an, const struct render_opts *ro);
void dec_render_json(struct outbuf *ob, const struct pkt *pkt, struct pkt_time ts,
		 const struct flow_annot *an, const struct render_opts *ro);
/* The once-per-capture JSON line for a link type we do not decode. */
void dec_render_json_link_not_decoded(struct outbuf *ob, int dlt, const char *name,
				  const char *description);
/* tcpdump -X: hex and ASCII from the network header on. */
void dec_render_hex(struct outbuf *ob, const struct pkt *pkt);
/* Every header byte by byte, as seed 002's table. */
void dec_render_explain(struct outbuf *ob, const struct pkt *pkt);
void dec_render_flows_text(struct outbuf *ob, const struct flow_table *ft);
void dec_render_flows_json(struct outbuf *ob, const struct flow_table *ft);

/* Shared by the printers. */
const char *dec_cks_status_name(enum cks_status s);
void dec_render_addr(struct outbuf *ob, const struct ip_hdr *ip, const uint8_t *a);

#endif
