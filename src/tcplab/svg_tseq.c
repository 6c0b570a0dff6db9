/* --svg's time-sequence panels (tcptrace's, Stevens's): each data segment
 * a vertical bar over its sequence range at the time it left, a
 * retransmission in red with a cross; the cumulative ACK as a step line,
 * the receiver's window's right edge above it, SACK blocks as bars beside
 * the ACK that carried them, duplicate ACKs as diamonds on the ACK line.
 * Drawn twice: the whole run, and a few round trips around the first
 * retransmission, where the repair is too small to see in the whole. */
#include "tcplab/svg.h"

#include <string.h>

#include "tcplab/svgw.h"

#define CROSS "M -4 -4 L 4 4 M -4 4 L 4 -4"
#define DIAMOND "M 0 -4 L 4 0 L 0 4 L -4 0 Z"
#define TRIANGLE "M 0 -5 L 5 4 L -5 4 Z"

/* A panel's view of the points: its ids' prefix ("" or "zoom-"), its
 * time window, its unit. */
struct view {
	const char *pfx;
	int64_t t0_us;              /* the page's time 0 */
	int64_t ta_us, tb_us;       /* the points shown */
	double div;                 /* bytes per unit */
};

static double secs(int64_t t_us, int64_t t0_us)
{
	return (double)(t_us - t0_us) / 1e6;
}

static bool in_view(const struct view *v, const struct tl_tseq_pt *q)
{
	return q->t_us >= v->ta_us && q->t_us <= v->tb_us;
}

/* A segment's bar: at least 2 px, so that a small one shows. */
static void bar(double x, double ylo, double yhi, char *d0, char *d1, char *d2)
{
	if (ylo - yhi < 2)
		yhi = ylo - 2;
	tl_svg_num(x, d0);
	tl_svg_num(ylo, d1);
	tl_svg_num(yhi, d2);
}

static void data(const struct tl_panel *p, const struct tl_tseq *ts, const struct view *v)
{
	char a[TL_NUM_MAX], b[TL_NUM_MAX], c[TL_NUM_MAX], e[TL_NUM_MAX], f[TL_NUM_MAX];
	size_t nd = 0, nr = 0;

	for (size_t i = 0; i < ts->n; i++)
		if (in_view(v, &ts->pt[i])) {
			nd += ts->pt[i].kind == TL_TS_DATA;
			nr += ts->pt[i].kind == TL_TS_RTX;
		}
	fprintf(p->out, "<g id=\"%sdata\" clip-path=\"url(#%stseq-clip)\" data-count=\"%zu\">\n"
			"<path class=\"seg\" d=\"",
		v->pfx, v->pfx, nd);
	for (size_t i = 0; i < ts->n; i++) {
		const struct tl_tseq_pt *q = &ts->pt[i];

		if (q->kind != TL_TS_DATA || !in_view(v, q))
			continue;
		bar(tl_scale_px(&p->sx, secs(q->t_us, v->t0_us)), tl_scale_px(&p->sy, q->lo / v->div),
		    tl_scale_px(&p->sy, q->hi / v->div), a, b, c);
		fprintf(p->out, "M%s %sV%s", a, b, c);
	}
	fputs("\"/>\n</g>\n", p->out);
	fprintf(p->out,
		"<g id=\"%sretransmits\" clip-path=\"url(#%stseq-clip)\" data-count=\"%zu\">\n",
		v->pfx, v->pfx, nr);
	for (size_t i = 0; i < ts->n; i++) {
		const struct tl_tseq_pt *q = &ts->pt[i];

		if (q->kind != TL_TS_RTX || !in_view(v, q))
			continue;
		double x = tl_scale_px(&p->sx, secs(q->t_us, v->t0_us));

		bar(x, tl_scale_px(&p->sy, q->lo / v->div), tl_scale_px(&p->sy, q->hi / v->div), a,
		    b, c);
		fprintf(p->out, "<g class=\"retransmit\" data-seq=\"%llu\" data-len=\"%llu\">"
				"<path class=\"retransmit\" d=\"M%s %sV%s\"/>"
				"<path class=\"retransmit\" transform=\"translate(%s %s)\" d=\"" CROSS
				"\"/></g>\n",
			(unsigned long long)q->lo, (unsigned long long)(q->hi - q->lo), a, b, c,
			tl_svg_num(x + 7, e),
			tl_svg_num(tl_scale_px(&p->sy, q->hi / v->div) - 2, f));
	}
	fputs("</g>\n", p->out);
}

/* The ACK line (lo) or the window's edge (hi) as steps over the ACKs. The
 * ACK line is the highest cumulative ACK so far, the sender's snd_una: an
 * ACK overtaken on the way (its number lower than one before) moves it
 * not. */
static void step_line(const struct tl_panel *p, const struct tl_tseq *ts, const struct view *v,
		      bool edge, const char *id)
{
	char xy[TL_XY_MAX];
	bool first = true;
	double prev = 0;
	size_t k = 0;

	for (size_t i = 0; i < ts->n; i++)
		k += ts->pt[i].kind >= TL_TS_ACK && in_view(v, &ts->pt[i]);
	fprintf(p->out, "<g id=\"%s%s\" clip-path=\"url(#%stseq-clip)\">\n<polyline class=\"%s\" "
			"data-acks=\"%zu\" points=\"",
		v->pfx, id, v->pfx, id, k);
	for (size_t i = 0; i < ts->n; i++) {
		const struct tl_tseq_pt *q = &ts->pt[i];

		if (q->kind < TL_TS_ACK || !in_view(v, q))
			continue;
		double t = secs(q->t_us, v->t0_us), y = (double)(edge ? q->hi : q->lo) / v->div;

		if (!edge && !first && y < prev)
			y = prev;

		if (!first)
			fprintf(p->out, " %s", tl_svgw_xy(p, t, prev, xy));
		fprintf(p->out, "%s%s", first ? "" : " ", tl_svgw_xy(p, t, y, xy));
		prev = y;
		first = false;
	}
	fputs("\"/>\n</g>\n", p->out);
}

static void sacks_dupacks(const struct tl_panel *p, const struct tl_tseq *ts,
			  const struct view *v)
{
	char a[TL_NUM_MAX], b[TL_NUM_MAX], c[TL_NUM_MAX];
	size_t ns = 0, nd = 0;

	for (size_t i = 0; i < ts->n; i++)
		if (in_view(v, &ts->pt[i]) && ts->pt[i].kind >= TL_TS_ACK) {
			ns += ts->pt[i].nsack > 0;
			nd += ts->pt[i].kind == TL_TS_DUPACK;
		}
	fprintf(p->out, "<g id=\"%ssacks\" clip-path=\"url(#%stseq-clip)\" data-count=\"%zu\">\n",
		v->pfx, v->pfx, ns);
	for (size_t i = 0; i < ts->n; i++) {
		const struct tl_tseq_pt *q = &ts->pt[i];

		for (uint8_t j = 0; q->kind >= TL_TS_ACK && in_view(v, q) && j < q->nsack; j++) {
			bar(tl_scale_px(&p->sx, secs(q->t_us, v->t0_us)) + 3,
			    tl_scale_px(&p->sy, q->sack[j][0] / v->div),
			    tl_scale_px(&p->sy, q->sack[j][1] / v->div), a, b, c);
			fprintf(p->out, "<path class=\"sack\" d=\"M%s %sV%s\"/>\n", a, b, c);
		}
	}
	fputs("</g>\n", p->out);
	fprintf(p->out, "<g id=\"%sdupacks\" clip-path=\"url(#%stseq-clip)\" data-count=\"%zu\">\n",
		v->pfx, v->pfx, nd);
	for (size_t i = 0; i < ts->n; i++) {
		const struct tl_tseq_pt *q = &ts->pt[i];

		if (q->kind != TL_TS_DUPACK || !in_view(v, q))
			continue;
		fprintf(p->out, "<path class=\"dupack\" transform=\"translate(%s %s)\" d=\"" DIAMOND
				"\"/>\n",
			tl_svg_num(tl_scale_px(&p->sx, secs(q->t_us, v->t0_us)), a),
			tl_svg_num(tl_scale_px(&p->sy, q->lo / v->div), b));
	}
	fputs("</g>\n", p->out);
	size_t np = 0;

	for (size_t i = 0; i < ts->n; i++)
		np += ts->pt[i].kind == TL_TS_PROBE && in_view(v, &ts->pt[i]);
	fprintf(p->out, "<g id=\"%sprobes\" clip-path=\"url(#%stseq-clip)\" data-count=\"%zu\">\n",
		v->pfx, v->pfx, np);
	for (size_t i = 0; i < ts->n; i++) {
		const struct tl_tseq_pt *q = &ts->pt[i];

		if (q->kind != TL_TS_PROBE || !in_view(v, q))
			continue;
		fprintf(p->out, "<path class=\"probe\" transform=\"translate(%s %s)\" d=\"" TRIANGLE
				"\"/>\n",
			tl_svg_num(tl_scale_px(&p->sx, secs(q->t_us, v->t0_us)), a),
			tl_svg_num(tl_scale_px(&p->sy, q->lo / v->div), b));
	}
	fputs("</g>\n", p->out);
}

static void panel(FILE *out, int y, int h, const struct tl_domain *d, const struct tl_tseq *ts,
		  const struct view *v, const char *title, const char *ytitle)
{
	struct tl_panel p;
	char id[32];

	snprintf(id, sizeof id, "%stseq", v->pfx);
	fprintf(out, "<g id=\"%s\" class=\"panel\">\n", id);
	tl_panel_begin(&p, out, y, h, d, id, title, ytitle);
	fprintf(out, "<rect class=\"frame\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>\n", p.x,
		p.y, p.w, p.h);
	step_line(&p, ts, v, true, "rwnd-line");
	step_line(&p, ts, v, false, "ack-line");
	sacks_dupacks(&p, ts, v);
	data(&p, ts, v);
	const struct tl_legend_item leg[] = {
		{ TL_LEG_LINE, "seg", "data segment (its sequence range)", NULL },
		{ TL_LEG_MARK, "retransmit", "retransmission (red, ×)", CROSS },
		{ TL_LEG_LINE, "ack-line", "cumulative ACK", NULL },
		{ TL_LEG_LINE, "rwnd-line", "ACK + receive window (scaled)", NULL },
		{ TL_LEG_LINE, "sack", "SACK block", NULL },
		{ TL_LEG_MARK, "dupack", "duplicate ACK", DIAMOND },
		{ TL_LEG_MARK, "probe", "zero-window probe", TRIANGLE },
	};

	tl_panel_legend(&p, leg, sizeof leg / sizeof leg[0]);
	fputs("</g>\n", out);
}

void tl_svg_tseq(FILE *out, int y, int h, double t_hi, int64_t t0, const struct tl_tseq *ts)
{
	uint64_t top = ts->seq_max;

	/* the window's edge may run far above the data: show some of it,
	 * clip the rest */
	if (ts->edge_max > top)
		top = ts->edge_max < top + top / 3 ? ts->edge_max : top + top / 3;
	bool mb = top >= 10000000;
	struct view v = { "", t0, INT64_MIN, INT64_MAX, mb ? 1e6 : 1e3 };
	const char *ytitle = mb ? "sequence number, relative (MB)" : "sequence number, relative (kB)";

	panel(out, y, h, &(struct tl_domain){ 0, t_hi, 0, (double)top / v.div * 1.02 }, ts, &v,
	      "Time-sequence graph of the captured packets (the sender's link)", ytitle);
}

void tl_svg_tseq_zoom(FILE *out, int y, int h, int64_t t0, const struct tl_tseq *ts)
{
	int64_t ta, tb;

	if (!tl_tseq_zoom(ts, &ta, &tb))
		return;
	/* the y range of what happens in the window, the window's edge aside */
	uint64_t lo = UINT64_MAX, hi = 0;

	for (size_t i = 0; i < ts->n; i++) {
		const struct tl_tseq_pt *q = &ts->pt[i];

		if (q->t_us < ta || q->t_us > tb)
			continue;
		uint64_t l = q->lo, u = q->kind >= TL_TS_ACK ? q->lo : q->hi;

		for (uint8_t j = 0; q->kind >= TL_TS_ACK && j < q->nsack; j++)
			if (q->sack[j][1] > u)
				u = q->sack[j][1];
		lo = l < lo ? l : lo;
		hi = u > hi ? u : hi;
	}
	if (hi <= lo)
		hi = lo + 1000;
	bool mb = hi - lo >= 10000000;
	struct view v = { "zoom-", t0, ta, tb, mb ? 1e6 : 1e3 };
	double pad = (double)(hi - lo) * 0.04;

	panel(out, y, h,
	      &(struct tl_domain){ secs(ta, t0), secs(tb, t0), ((double)lo - pad) / v.div,
				   ((double)hi + pad) / v.div },
	      ts, &v, "The same, closer: the first retransmission and the segment it resends",
	      mb ? "sequence number, relative (MB)" : "sequence number, relative (kB)");
}
