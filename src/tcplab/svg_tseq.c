/* --svg's time-sequence panel (tcptrace's, Stevens's): each data segment
 * a vertical bar over its sequence range at the time it left, a
 * retransmission in red with a cross; the cumulative ACK as a step line,
 * the receiver's window's right edge above it, SACK blocks as bars beside
 * the ACK that carried them, duplicate ACKs as diamonds on the ACK line. */
#include "tcplab/svg.h"

#include "tcplab/svgw.h"

#define CROSS "M -4 -4 L 4 4 M -4 4 L 4 -4"
#define DIAMOND "M 0 -4 L 4 0 L 0 4 L -4 0 Z"

static double secs(int64_t t_us, int64_t t0_us)
{
	return (double)(t_us - t0_us) / 1e6;
}

struct unit {
	double div;
	const char *ytitle;
};

/* A segment's bar: at least 2 px, so that a small one shows. */
static void bar(double x, double ylo, double yhi, char *d0, char *d1, char *d2)
{
	if (ylo - yhi < 2)
		yhi = ylo - 2;
	tl_svg_num(x, d0);
	tl_svg_num(ylo, d1);
	tl_svg_num(yhi, d2);
}

static void data(const struct tl_panel *p, const struct tl_tseq *ts, int64_t t0, struct unit u)
{
	char a[32], b[32], c[32], e[32], f[32];

	fprintf(p->out, "<g id=\"data\" clip-path=\"url(#tseq-clip)\" data-count=\"%zu\">\n"
			"<path class=\"seg\" d=\"",
		ts->ndata);
	for (size_t i = 0; i < ts->n; i++) {
		const struct tl_tseq_pt *q = &ts->pt[i];

		if (q->kind != TL_TS_DATA)
			continue;
		bar(tl_scale_px(&p->sx, secs(q->t_us, t0)), tl_scale_px(&p->sy, q->lo / u.div),
		    tl_scale_px(&p->sy, q->hi / u.div), a, b, c);
		fprintf(p->out, "M%s %sV%s", a, b, c);
	}
	fputs("\"/>\n</g>\n", p->out);
	fprintf(p->out, "<g id=\"retransmits\" clip-path=\"url(#tseq-clip)\" data-count=\"%zu\">\n",
		ts->nrtx);
	for (size_t i = 0; i < ts->n; i++) {
		const struct tl_tseq_pt *q = &ts->pt[i];

		if (q->kind != TL_TS_RTX)
			continue;
		double x = tl_scale_px(&p->sx, secs(q->t_us, t0));

		bar(x, tl_scale_px(&p->sy, q->lo / u.div), tl_scale_px(&p->sy, q->hi / u.div), a,
		    b, c);
		fprintf(p->out, "<g class=\"retransmit\" data-seq=\"%llu\" data-len=\"%llu\">"
				"<path class=\"retransmit\" d=\"M%s %sV%s\"/>"
				"<path class=\"retransmit\" transform=\"translate(%s %s)\" d=\"" CROSS
				"\"/></g>\n",
			(unsigned long long)q->lo, (unsigned long long)(q->hi - q->lo), a, b, c,
			tl_svg_num(x + 7, e), tl_svg_num(tl_scale_px(&p->sy, q->hi / u.div) - 2, f));
	}
	fputs("</g>\n", p->out);
}

/* The ACK line (lo) or the window's edge (hi) as steps over the ACKs. */
static void step_line(const struct tl_panel *p, const struct tl_tseq *ts, int64_t t0,
		      struct unit u, bool edge, const char *id)
{
	char xy[64];
	bool first = true;
	double prev = 0;
	size_t k = 0;

	for (size_t i = 0; i < ts->n; i++)
		k += ts->pt[i].kind >= TL_TS_ACK;
	fprintf(p->out, "<g id=\"%s\" clip-path=\"url(#tseq-clip)\">\n<polyline class=\"%s\" "
			"data-acks=\"%zu\" points=\"",
		id, id, k);
	for (size_t i = 0; i < ts->n; i++) {
		const struct tl_tseq_pt *q = &ts->pt[i];

		if (q->kind < TL_TS_ACK)
			continue;
		double t = secs(q->t_us, t0), v = (double)(edge ? q->hi : q->lo) / u.div;

		if (!first)
			fprintf(p->out, " %s", tl_svgw_xy(p, t, prev, xy));
		fprintf(p->out, "%s%s", first ? "" : " ", tl_svgw_xy(p, t, v, xy));
		prev = v;
		first = false;
	}
	fputs("\"/>\n</g>\n", p->out);
}

static void sacks_dupacks(const struct tl_panel *p, const struct tl_tseq *ts, int64_t t0,
			  struct unit u)
{
	char a[32], b[32], c[32];

	fprintf(p->out, "<g id=\"sacks\" clip-path=\"url(#tseq-clip)\" data-count=\"%zu\">\n",
		ts->nsack);
	for (size_t i = 0; i < ts->n; i++) {
		const struct tl_tseq_pt *q = &ts->pt[i];

		for (uint8_t j = 0; q->kind >= TL_TS_ACK && j < q->nsack; j++) {
			bar(tl_scale_px(&p->sx, secs(q->t_us, t0)) + 3,
			    tl_scale_px(&p->sy, q->sack[j][0] / u.div),
			    tl_scale_px(&p->sy, q->sack[j][1] / u.div), a, b, c);
			fprintf(p->out, "<path class=\"sack\" d=\"M%s %sV%s\"/>\n", a, b, c);
		}
	}
	fputs("</g>\n", p->out);
	fprintf(p->out, "<g id=\"dupacks\" clip-path=\"url(#tseq-clip)\" data-count=\"%zu\">\n",
		ts->ndup);
	for (size_t i = 0; i < ts->n; i++) {
		const struct tl_tseq_pt *q = &ts->pt[i];

		if (q->kind != TL_TS_DUPACK)
			continue;
		fprintf(p->out, "<path class=\"dupack\" transform=\"translate(%s %s)\" d=\"" DIAMOND
				"\"/>\n",
			tl_svg_num(tl_scale_px(&p->sx, secs(q->t_us, t0)), a),
			tl_svg_num(tl_scale_px(&p->sy, q->lo / u.div), b));
	}
	fputs("</g>\n", p->out);
}

void tl_svg_tseq(struct tl_panel *p, FILE *out, int y, int h, double t_hi, int64_t t0,
		 const struct tl_tseq *ts)
{
	uint64_t top = ts ? ts->seq_max : 1;

	/* the window's edge may run far above the data: show some of it,
	 * clip the rest */
	if (ts && ts->edge_max > top)
		top = ts->edge_max < top + top / 3 ? ts->edge_max : top + top / 3;
	struct unit u = top >= 10000000 ? (struct unit){ 1e6, "sequence number, relative (MB)" }
					: (struct unit){ 1e3, "sequence number, relative (kB)" };

	fputs("<g id=\"tseq\" class=\"panel\">\n", out);
	tl_panel_begin(p, out, y, h, t_hi, (double)top / u.div * 1.02, "tseq",
		       "Time-sequence graph of the captured packets (the sender's link)", u.ytitle);
	fprintf(out, "<rect class=\"frame\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>\n", p->x,
		p->y, p->w, p->h);
	if (ts) {
		step_line(p, ts, t0, u, true, "rwnd-line");
		step_line(p, ts, t0, u, false, "ack-line");
		sacks_dupacks(p, ts, t0, u);
		data(p, ts, t0, u);
	} else {
		fprintf(out, "<text class=\"none\" x=\"%d\" y=\"%d\">no packets captured in this "
			     "scenario</text>\n",
			p->x + 20, p->y + p->h / 2);
	}
	const struct tl_legend_item leg[] = {
		{ TL_LEG_LINE, "seg", "data segment (its sequence range)", NULL },
		{ TL_LEG_MARK, "retransmit", "retransmission (red, ×)", CROSS },
		{ TL_LEG_LINE, "ack-line", "cumulative ACK", NULL },
		{ TL_LEG_LINE, "rwnd-line", "ACK + receive window (scaled)", NULL },
		{ TL_LEG_LINE, "sack", "SACK block", NULL },
		{ TL_LEG_MARK, "dupack", "duplicate ACK", DIAMOND },
	};

	tl_panel_legend(p, leg, sizeof leg / sizeof leg[0]);
	fputs("</g>\n", out);
}
