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

struct dec_text_state;

/* tcpdump's -t count: how each line starts. */
enum dec_tmode {
	TMODE_TIME = 0,  /* 09:21:03.720289 */
	TMODE_NONE,      /* -t */
	TMODE_EPOCH,     /* -tt: 1591780863.720289 */
	TMODE_DELTA,     /* -ttt: since the previous packet */
	TMODE_DATE,      /* -tttt: 2020-06-10 09:21:03.720289 */
	TMODE_SINCE,     /* -ttttt: since the first packet */
};

struct render_opts {
	bool absolute;   /* -S: absolute TCP sequence numbers (default relative) */
	bool link;       /* -e: the link-layer header too */
	bool utc;        /* times in UTC instead of local time */
	int verbose;     /* -v count, as tcpdump's */
	bool quick;      /* -q: less protocol detail */
	bool ascii;      /* -A: the packet in ASCII after its line */
	bool number;     /* -#: the packet's number first */
	bool verdicts;   /* --verdicts: every checksum judged, socklab's notes on broken headers */
	enum dec_tmode tmode;
	struct dec_text_state *st; /* the text printer's memory across packets */
	int dlt;         /* the capture's libpcap link type (DLT_) */
	const char *dlt_name; /* its libpcap name ("ARCNET_LINUX"), or NULL */
};

struct pkt_time {
	int64_t sec;
	uint32_t usec;
};

void dec_render_time(struct outbuf *ob, struct pkt_time ts, bool utc);
/* The text printer's state: conversations for relative sequence numbers,
 * the previous and first times for -ttt and -ttttt, the packet number. */
struct dec_text_state *dec_text_state_new(void);
void dec_text_state_free(struct dec_text_state *st);
/* tcpdump's line (lines, with -v on IPv4) for one packet. */
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
