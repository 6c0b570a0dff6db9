/* What decode and capture share: their options, and the per-packet path
 * libpcap frame -> pkt_decode -> flow tracker -> printer. */
#ifndef SOCKLAB_DECODE_SESSION_H
#define SOCKLAB_DECODE_SESSION_H

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/color.h"
#include "core/tool.h"
#include "decode/flows.h"
#include "decode/outbuf.h"
#include "decode/render.h"

#define DEC_FILTER_MAX 4096
#define DEC_SNAPLEN_DEFAULT 262144

struct dec_opts {
	bool capture;
	bool json, hex, explain, flows;
	enum color_mode color;     /* --color: flags and checksum verdicts */
	struct render_opts ro;
	uint64_t count;            /* 0: no limit */
	const char *file;          /* decode: the capture file */
	const char *iface;         /* capture -i */
	const char *write;         /* -w: packets to this pcap file instead of lines */
	bool list;                 /* capture -D */
	uint32_t snaplen;
	char filter[DEC_FILTER_MAX];
};

extern const char dec_decode_usage_text[], dec_capture_usage_text[];

/* The tools' parse functions: argv into a struct dec_opts (the reason of
 * a usage error in err). */
enum tool_args dec_parse_decode(int argc, char **argv, void *cfg, char *err, size_t errlen);
enum tool_args dec_parse_capture(int argc, char **argv, void *cfg, char *err, size_t errlen);

struct dec_session {
	const struct dec_opts *o;
	struct render_opts ro;     /* o->ro and the capture's link type */
	struct outbuf ob;
	struct flow_table *flows;
	struct dec_text_state *text;
	enum link_type lt;
	int dlt;
	uint64_t packets;
	bool flush_each;           /* live output: flush per packet */
	pcap_t *pcap;
};

/* A link type we do not decode is said here, once: on stderr, and with
 * --json as the first line. Out of memory: says so, closes p, -1. */
int dec_session_init(struct dec_session *s, const struct dec_opts *o, pcap_t *p);
void dec_session_packet(struct dec_session *s, const struct pcap_pkthdr *h, const uint8_t *data);
/* Prints the --flows summary and flushes; returns 0 or -1 on a write error. */
int dec_session_finish(struct dec_session *s);
/* Compiles and installs the filter; returns 0 or -1 (reported). */
int dec_set_filter(pcap_t *p, const char *filter, bpf_u_int32 netmask);

#endif
