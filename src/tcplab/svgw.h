/* The SVG writer's common parts for --svg: the page's prologue and
 * styles, escaped text, a panel's frame (axes with ticks, units and grid)
 * and its legend. The arithmetic lives in svgscale.c; the panels in svg.c
 * (TCP_INFO's and the RTT's) and svg_tseq.c (the time-sequence graph). */
#ifndef SOCKLAB_TCPLAB_SVGW_H
#define SOCKLAB_TCPLAB_SVGW_H

#include <stddef.h>
#include <stdio.h>

#include "tcplab/svgscale.h"

#define TL_SVG_W 1100          /* the page's width */
#define TL_SVG_LEFT 90         /* room for the y axis's labels and title */
#define TL_SVG_RIGHT 30
#define TL_SVG_PANEL_TOP 34    /* the panel's title above its plot */
#define TL_SVG_PANEL_BOTTOM 96 /* x tick labels, x title, the legend (two rows) */

/* A plot area and its scales; out the file. */
struct tl_panel {
	FILE *out;
	int x, y, w, h;
	struct tl_scale sx, sy;
	double ystep;               /* the y ticks' step, for their labels */
};

/* What a legend shows for one series: a line (dash: a stroke-dasharray
 * or NULL), a filled box, or a marker (d: the path around 0,0). */
enum tl_legend_kind { TL_LEG_LINE, TL_LEG_BOX, TL_LEG_MARK };
struct tl_legend_item {
	enum tl_legend_kind kind;
	const char *cls;            /* the series' class: the same style */
	const char *label;
	const char *d;              /* TL_LEG_MARK */
};

/* XML text: valid UTF-8 (core/textesc), XML's five characters escaped. */
void tl_svgw_text(FILE *out, const char *s);
void tl_svgw_prologue(FILE *out, int height, const char *title, const char *subtitle);
void tl_svgw_epilogue(FILE *out);
/* What a panel shows: time in seconds, its y in its unit. */
struct tl_domain {
	double t_lo, t_hi, y_lo, y_hi;
};

/* A panel's plot area at y (the panel's top), h high, over the domain d
 * widened to whole ticks; its scales set, its title, frame, ticks, grid
 * and axis titles drawn, and a clip path "<id>-clip" for its series. */
void tl_panel_begin(struct tl_panel *p, FILE *out, int y, int h, const struct tl_domain *d,
		    const char *id, const char *title, const char *ytitle);
/* The legend row under the panel. */
void tl_panel_legend(const struct tl_panel *p, const struct tl_legend_item *it, size_t n);
/* The panel's total height for a plot h high. */
int tl_panel_height(int h);

/* x,y of a point, as "x,y" into buf (TL_XY_MAX). */
const char *tl_svgw_xy(const struct tl_panel *p, double t_s, double v, char *buf);

#endif
