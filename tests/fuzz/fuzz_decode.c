/* libFuzzer harness: arbitrary bytes through every link type's decoder and
 * every printer. The first byte picks the link type (LINK_UNKNOWN included). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "decode/flows.h"
#include "pkt/packet.h"
#include "decode/render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pkt pkt;
	static struct flow_table *ft;
	static struct outbuf ob;
	static FILE *devnull;
	struct flow_annot an;
	static struct dec_text_state *st;
	struct render_opts ro = { .verbose = (int)(size % 3), .link = size & 4, .utc = true,
				  .dlt = 7, .dlt_name = "ARCNET", .verdicts = true, .ascii = size & 8,
				  .number = true, .tmode = (enum dec_tmode)(size % 6) };
	struct pkt_time ts = { 1700000000, 123456 };

	if (size < 1)
		return 0;
	if (!ft) {
		ft = dec_flows_new();
		st = dec_text_state_new();
		devnull = fopen("/dev/null", "w");
		dec_ob_init(&ob, devnull);
	}
	/* LINK_UNKNOWN too: a link type decode leaves undecoded */
	enum link_type lt = (enum link_type)(data[0] % LINK_COUNT);
	pkt_decode(lt, data + 1, size - 1, size - 1, &pkt);
	dec_flows_update(ft, &pkt, 1.0, &an);
	ro.st = st;
	dec_render_text(&ob, &pkt, ts, &an, &ro);
	dec_render_json(&ob, &pkt, ts, &an, &ro);
	dec_render_explain(&ob, &pkt);
	dec_render_hex(&ob, &pkt);
	ob.len = 0;
	return 0;
}
