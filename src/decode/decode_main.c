/* socklab decode FILE [FILTER...]: reads a pcap or pcapng file through
 * libpcap and prints every packet (or, with -w, writes the packets that
 * pass the filter to a new file). */
#include "decode/decode.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "decode/session.h"

/* -w: the packets that pass the filter (and -c) into a new pcap file, as
 * tcpdump -r IN -w OUT FILTER writes them. */
static int decode_rewrite(const struct dec_opts *o, pcap_t *p)
{
	pcap_dumper_t *dump = pcap_dump_open(p, o->write);
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t n = 0;
	int r, status = 0;

	if (!dump) {
		log_error("cannot write '%s': %s", o->write, pcap_geterr(p));
		pcap_close(p);
		return 1;
	}
	while ((r = pcap_next_ex(p, &h, &data)) == 1) {
		pcap_dump((u_char *)dump, h, data);
		if (o->count && ++n >= o->count)
			break;
	}
	if (r == PCAP_ERROR) {
		log_error("'%s': %s", o->file, pcap_geterr(p));
		status = 1;
	}
	if (pcap_dump_flush(dump) < 0 || ferror(pcap_dump_file(dump))) {
		log_error("cannot write '%s': %s", o->write, strerror(errno));
		status = 1;
	}
	pcap_dump_close(dump);
	pcap_close(p);
	return status;
}

static int decode_run(void *cfg)
{
	const struct dec_opts *o = cfg;
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	struct dec_session s;

	pcap_t *p = pcap_open_offline(o->file, errbuf);
	if (!p) {
		log_error("cannot read '%s': %s", o->file, errbuf);
		return 1;
	}
	if (dec_set_filter(p, o->filter, PCAP_NETMASK_UNKNOWN) < 0) {
		pcap_close(p);
		return 2;
	}
	if (o->write)
		return decode_rewrite(o, p);
	if (dec_session_init(&s, o, p) < 0)
		return 1;
	struct pcap_pkthdr *h;
	const u_char *data;
	int r;
	while ((r = pcap_next_ex(p, &h, &data)) == 1) {
		dec_session_packet(&s, h, data);
		if (o->count && s.packets >= o->count)
			break;
	}
	int status = 0;
	if (r == PCAP_ERROR) {
		/* A file cut short mid-record: what came before was printed. */
		dec_ob_flush(&s.ob);
		log_error("'%s': %s", o->file, pcap_geterr(p));
		status = 1;
	}
	if (dec_session_finish(&s) < 0 && errno != EPIPE) {
		log_error("cannot write output: %s", strerror(errno));
		status = 1;
	}
	pcap_close(p);
	return status;
}

const struct tool dec_decode_tool = {
	TOOL_FIELDS("decode",
		    "packet decoder for pcap/pcapng files: tcpdump's line and options, --json, --explain, --flows",
		    dec_decode_usage_text, struct dec_opts, dec_parse_decode, decode_run),
	/* A closed pipe downstream (decode | head) ends it quietly. */
	.flags = TOOL_KEEP_SIGPIPE,
};
