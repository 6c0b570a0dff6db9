/* --svg: one page picturing a run. Three panels over one time axis: cwnd,
 * ssthresh and the segments in flight (TCP_INFO, in segments) over bands
 * of the congestion state; the time-sequence graph of the captured
 * packets (svg_tseq.c); the round-trip times (TCP_INFO's srtt and each
 * ACK's measurement). Series are groups and classes a program can find:
 * <g id="cwnd">, <g id="tseq">, class="retransmit"... (docs/tcplab.md). */
#ifndef SOCKLAB_TCPLAB_SVG_H
#define SOCKLAB_TCPLAB_SVG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tcplab/rec.h"
#include "tcplab/segs.h"
#include "tcplab/tseq.h"

struct tl_svg_in {
	const char *title, *subtitle;
	const struct tl_sample *sm; /* TCP_INFO samples; NULL, 0: none recorded */
	size_t nsm;
	const struct tl_tseq *ts;   /* the captured connection; NULL: none */
};

/* What the page holds, for the JSON event and the narrative. */
struct tl_svg_counts {
	size_t samples, data, retransmits, acks, dupacks, sacks, rtts, probes;
};

/* Writes the page to out; fills *k. */
void tl_svg_write(FILE *out, const struct tl_svg_in *in, struct tl_svg_counts *k);

/* The time-sequence panel at y with plot height h, over [0, t_hi] s
 * from t0_us (svg_tseq.c). */
void tl_svg_tseq(FILE *out, int y, int h, double t_hi, int64_t t0_us, const struct tl_tseq *ts);
/* The zoomed panel (ids prefixed "zoom-"), when there is a retransmission. */
void tl_svg_tseq_zoom(FILE *out, int y, int h, int64_t t0_us, const struct tl_tseq *ts);

#endif
