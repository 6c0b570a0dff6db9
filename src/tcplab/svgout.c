/* --svg from a scenario (see svgout.h). */
#include "tcplab/svgout.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "tcplab/svg.h"
#include "tcplab/synopt.h"
#include "tcplab/tseq.h"

/* The shift the receiver's windows are scaled by: its SYN-ACK's option,
 * when the SYN offered one too; 0 otherwise. */
static unsigned rcv_wscale(const struct tl_cap *cap, uint16_t port)
{
	const struct tl_synframe *syn = tl_cap_syn(cap, port, false);
	const struct tl_synframe *synack = tl_cap_syn(cap, port, true);
	struct tl_synopts a, b;

	if (!syn || !synack)
		return 0;
	tl_synopts_of(&syn->tcp, &a);
	tl_synopts_of(&synack->tcp, &b);
	return a.ws && b.ws ? b.ws_val : 0;
}

static int write_file(const char *path, const struct tl_svg_in *in, struct tl_svg_counts *k)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		log_error("--svg %s: %s", path, strerror(errno));
		return -1;
	}
	tl_svg_write(f, in, k);
	if (ferror(f) | (fclose(f) != 0)) {
		log_error("--svg %s: could not write it all: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int tl_svg_report(struct tl_ctx *c, const struct tl_samples *sm, const struct tl_cap *cap,
		  uint16_t port)
{
	const char *path = c->o->svg;
	struct tl_tseq ts;
	struct tl_seg *segs = NULL;
	size_t n = 0;
	unsigned ws = 0;
	bool have_ts = false;
	char title[128], sub[256];

	if (!path)
		return 0;
	c->svg = -1;
	if (cap && port) {
		segs = tl_cap_conn(cap, port, &n);
		ws = rcv_wscale(cap, port);
		have_ts = segs && tl_tseq_build(segs, n, ws, &ts) == 0;
	}
	free(segs);
	snprintf(title, sizeof title, "socklab tcplab run %s", c->name);
	if (cap)
		snprintf(sub, sizeof sub,
			 "%zu TCP_INFO samples of the sender; %zu packets of its connection captured "
			 "on its link; the receiver's window scaled by 2^%u",
			 sm ? sm->n : 0, n, ws);
	else
		snprintf(sub, sizeof sub,
			 "%zu TCP_INFO samples of the sender (this scenario captures no packets)",
			 sm ? sm->n : 0);
	struct tl_svg_in in = { title, sub, sm ? sm->v : NULL, sm ? sm->n : 0,
				have_ts ? &ts : NULL };
	struct tl_svg_counts k;
	int rc = write_file(path, &in, &k);

	if (have_ts)
		tl_tseq_free(&ts);
	if (rc < 0)
		return -1;
	c->svg = 1;
	tl_say(c, "  the picture: %s (%zu samples; %zu data segments, %zu retransmitted, %zu "
		  "zero-window probes; %zu ACKs, %zu duplicates, %zu with SACK blocks; %zu RTT "
		  "measurements)",
	       path, k.samples, k.data, k.retransmits, k.probes, k.acks, k.dupacks, k.sacks, k.rtts);
	tl_emit(c, "svg",
		json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:i}", "file", path, "samples",
			  (json_int_t)k.samples, "data_segments", (json_int_t)k.data,
			  "retransmissions", (json_int_t)k.retransmits, "acks", (json_int_t)k.acks,
			  "dupacks", (json_int_t)k.dupacks, "sack_acks", (json_int_t)k.sacks,
			  "rtt_samples", (json_int_t)k.rtts, "probes", (json_int_t)k.probes,
			  "window_scale", (int)ws));
	return 0;
}
