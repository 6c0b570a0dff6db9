/* The inside of the SVG printer: its measures, its state, and the
 * measuring half (render_svg_measure.c: texts, lane distance, row
 * positions) that the drawing half (render_svg.c) calls; one way only. */
#ifndef SOCKLAB_TRACE_RENDER_SVG_H
#define SOCKLAB_TRACE_RENDER_SVG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "trace/layout.h"
#include "trace/model.h"

#define N(t) (sizeof(t) / sizeof((t)[0]))

#define SVG_PAD 16
#define SVG_TITLE_H 30
#define SVG_HEAD_H 44          /* lane box: label and addresses */
#define SVG_ROW_PACKET 38      /* label above the arrow, cause below */
#define SVG_ROW_CALL 20
#define SVG_ROW_CALL_NOTE 32   /* a call with a line under it */
#define SVG_ROW_STATE 22
#define SVG_LANE_MIN 200       /* distance of two lifelines */
#define SVG_LANE_MAX 600       /* wider texts run over the next lane, on a halo */
#define SVG_BAR_W 8            /* activation bar of a waiting call */
#define SVG_TEXT_MAX 1024
#define SVG_LEGEND_H 34
#define TR_SVG_NSTYLES 7

struct pkt_style {
	const char *cls, *color, *legend;
};

/* What kind of segment a packet is decides its colour; the legend repeats it. */
extern const struct pkt_style tr_svg_styles[TR_SVG_NSTYLES];

struct svg {
	const struct trace *t;
	FILE *out;
	struct tr_layout_states ls;
	int lane_w, time_w, width, height;
	int top;            /* y of the first row */
	int bottom;         /* y where lifelines end */
	int *row_y;         /* per row: top of its block */
	int *enter_y;       /* per call: y of its entry mark, -1 when none */
	int *exit_y;        /* per call: y of its return mark, -1 when none */
};

/* Width of n characters of the 12px monospace font (0.6 em), rounded up. */
int tr_svg_text_w(size_t chars);
int tr_svg_max_i(int a, int b);
int tr_svg_lane_x(const struct svg *s, uint32_t lane);
bool tr_svg_lane_ok(const struct svg *s, uint32_t lane);
const struct tr_call *tr_svg_row_call(const struct trace *t, const struct tr_row *r);
const struct tr_packet *tr_svg_row_packet(const struct trace *t, const struct tr_row *r);
/* The call as describe.c tells it: "#8 connect = 0". */
void tr_svg_call_text(const struct trace *t, const struct tr_row *r, char *buf, size_t n);
/* The line under a call: "completed by [2] SYN-ACK", "(never returned)". */
void tr_svg_call_note(const struct trace *t, const struct tr_row *r, char *buf, size_t n);
/* The height of a call's row: with or without a note under it. */
int tr_svg_call_row_h(const struct trace *t, const struct tr_row *r);
/* A packet's label ("[2] S 0:0(0) ...") and cause. */
void tr_svg_packet_texts(const struct trace *t, const struct tr_packet *p, char *label,
			 size_t ln, char *cause, size_t cn);
/* Lane distance and the room right of the last lane, from the texts. */
void tr_svg_measure(struct svg *s);
/* Row positions, and where each waiting call's bar starts and ends. */
void tr_svg_place_rows(struct svg *s);

#endif
