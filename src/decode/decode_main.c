/* socklab decode FILE [FILTER...]: reads a pcap or pcapng file through
 * libpcap and prints every packet. */
#include "decode/decode.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "decode/session.h"

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
		    "packet decoder for pcap/pcapng files: tcpdump-style lines, --json, --explain, --flows",
		    dec_decode_usage_text, struct dec_opts, dec_parse_decode, decode_run),
	/* A closed pipe downstream (decode | head) ends it quietly. */
	.flags = TOOL_KEEP_SIGPIPE,
};
