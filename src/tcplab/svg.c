/* --svg's page (see svg.h): its layout top to bottom, the TCP_INFO panel
 * and the RTT panel; the time-sequence panel is svg_tseq.c's. */
#include "tcplab/svg.h"

#include <string.h>

#include "tcplab/svgscale.h"
#include "tcplab/svgw.h"

#define H_CWND 240
#define H_TSEQ 380
#define H_ZOOM 300
#define H_RTT 180
#define TOP 54
#define BANDS_MAX 4096

static const char *const ca_cls[TL_CA_N] = { "ca-open", "ca-disorder", "ca-cwr", "ca-recovery",
					     "ca-loss" };

static double secs(int64_t t_us, int64_t t0_us)
{
	return (double)(t_us - t0_us) / 1e6;
}

static void bands(const struct tl_panel *p, const struct tl_band *b, size_t nb, int64_t t0)
{
	char a[TL_NUM_MAX], c[TL_NUM_MAX];

	fputs("<g id=\"ca-bands\">\n", p->out);
	for (size_t i = 0; i < nb; i++) {
		double x0 = tl_scale_px(&p->sx, secs(b[i].t0_us, t0));
		double x1 = tl_scale_px(&p->sx, secs(b[i].t1_us, t0));
		uint32_t st = b[i].ca_state < TL_CA_N ? b[i].ca_state : TL_CA_OPEN;

		if (x1 - x0 < 1)
			x1 = x0 + 1;
		fprintf(p->out, "<rect class=\"band %s\" data-state=\"%s\" x=\"%s\" y=\"%d\" "
				"width=\"%s\" height=\"%d\"/>\n",
			ca_cls[st], tl_ca_name(b[i].ca_state), tl_svg_num(x0, a), p->y,
			tl_svg_num(x1 - x0, c), p->h);
	}
	fputs("</g>\n", p->out);
}

/* Each band's state named too, not its colour only, over the series: on
 * the first of three rows the names before leave room on (a short
 * Disorder just before a Recovery pushes Recovery's name down a row). */
static void band_labels(const struct tl_panel *p, const struct tl_band *b, size_t nb,
			int64_t t0)
{
	double free_x[3] = { 0, 0, 0 };
	char a[TL_NUM_MAX];

	fputs("<g id=\"ca-names\">\n", p->out);
	for (size_t i = 0; i < nb; i++) {
		double x0 = tl_scale_px(&p->sx, secs(b[i].t0_us, t0));
		int row = 0;

		while (row < 3 && x0 < free_x[row])
			row++;
		if (b[i].ca_state == TL_CA_OPEN || b[i].ca_state >= TL_CA_N || row == 3)
			continue;
		fprintf(p->out, "<text class=\"bandlabel\" x=\"%s\" y=\"%d\">%s</text>\n",
			tl_svg_num(x0 + 3, a), p->y + 13 + 13 * row, tl_ca_name(b[i].ca_state));
		free_x[row] = x0 + 3 + 7.0 * (double)strlen(tl_ca_name(b[i].ca_state));
	}
	fputs("</g>\n", p->out);
}

enum series { S_CWND, S_SSTHRESH, S_INFLIGHT };

static bool value(const struct tl_sample *x, enum series s, double *v)
{
	switch (s) {
	case S_CWND:
		*v = x->cwnd;
		return true;
	case S_SSTHRESH:
		*v = x->ssthresh;
		return tl_ssthresh_set(x->ssthresh);
	case S_INFLIGHT:
		*v = tl_in_flight(x);
		return true;
	}
	return false;
}

/* One series as a polyline of a point per sample (ssthresh: of the
 * samples that have one). */
static void series(const struct tl_panel *p, const struct tl_sample *v, size_t n, int64_t t0,
		   enum series s, const char *id)
{
	size_t k = 0;
	char xy[TL_XY_MAX];
	double y;

	for (size_t i = 0; i < n; i++)
		k += value(&v[i], s, &y);
	fprintf(p->out, "<g id=\"%s\" clip-path=\"url(#cwnd-clip)\">\n<polyline class=\"%s\" "
			"data-points=\"%zu\" points=\"",
		id, id, k);
	for (size_t i = 0, j = 0; i < n; i++)
		if (value(&v[i], s, &y))
			fprintf(p->out, "%s%s", j++ ? " " : "", tl_svgw_xy(p, secs(v[i].t_us, t0), y, xy));
	fputs("\"/>\n</g>\n", p->out);
}

static void cwnd_panel(FILE *out, int y, double t_hi, int64_t t0, const struct tl_svg_in *in)
{
	static struct tl_band b[BANDS_MAX]; /* 96 KiB: not on the stack */
	struct tl_panel p;
	double top = 10;
	size_t nb = tl_ca_bands(in->sm, in->nsm, b, BANDS_MAX);

	for (size_t i = 0; i < in->nsm; i++) {
		double v;

		for (int s = S_CWND; s <= S_INFLIGHT; s++)
			if (value(&in->sm[i], (enum series)s, &v) && v > top)
				top = v;
	}
	fputs("<g id=\"cwnd-panel\" class=\"panel\">\n", out);
	tl_panel_begin(&p, out, y, H_CWND, &(struct tl_domain){ 0, t_hi, 0, top * 1.05 }, "cwnd",
		       "Congestion window, slow-start threshold and segments in flight (TCP_INFO)",
		       "segments");
	bands(&p, b, nb, t0);
	fprintf(out, "<rect class=\"frame\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>\n", p.x,
		p.y, p.w, p.h);
	if (!in->nsm)
		fprintf(out, "<text class=\"none\" x=\"%d\" y=\"%d\">no TCP_INFO samples in this "
			     "scenario</text>\n",
			p.x + 20, p.y + p.h / 2);
	series(&p, in->sm, in->nsm, t0, S_INFLIGHT, "inflight");
	series(&p, in->sm, in->nsm, t0, S_SSTHRESH, "ssthresh");
	series(&p, in->sm, in->nsm, t0, S_CWND, "cwnd");
	band_labels(&p, b, nb, t0);
	const struct tl_legend_item leg[] = {
		{ TL_LEG_LINE, "cwnd", "cwnd", NULL },
		{ TL_LEG_LINE, "ssthresh", "ssthresh", NULL },
		{ TL_LEG_LINE, "inflight", "in flight", NULL },
		{ TL_LEG_BOX, "ca-disorder", "Disorder", NULL },
		{ TL_LEG_BOX, "ca-cwr", "CWR", NULL },
		{ TL_LEG_BOX, "ca-recovery", "Recovery", NULL },
		{ TL_LEG_BOX, "ca-loss", "Loss", NULL },
		{ TL_LEG_BOX, "ca-open", "Open", NULL },
	};

	tl_panel_legend(&p, leg, sizeof leg / sizeof leg[0]);
	fputs("</g>\n", out);
}

static void rtt_panel(FILE *out, int y, double t_hi, int64_t t0, const struct tl_svg_in *in)
{
	struct tl_panel p;
	double top = 1;
	char xy[TL_XY_MAX];
	size_t k = 0;

	for (size_t i = 0; i < in->nsm; i++)
		if (in->sm[i].srtt_us / 1000.0 > top)
			top = in->sm[i].srtt_us / 1000.0;
	for (size_t i = 0; in->ts && i < in->ts->nrtt; i++)
		if (in->ts->rtt[i].rtt_us / 1000.0 > top)
			top = (double)in->ts->rtt[i].rtt_us / 1000.0;
	fputs("<g id=\"rtt-panel\" class=\"panel\">\n", out);
	tl_panel_begin(&p, out, y, H_RTT, &(struct tl_domain){ 0, t_hi, 0, top * 1.05 }, "rtt",
		       "Round-trip time: the sender's smoothed estimate and each ACK's measurement",
		       "RTT (ms)");
	fprintf(out, "<rect class=\"frame\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>\n", p.x,
		p.y, p.w, p.h);
	fprintf(out, "<g id=\"rtt-samples\" clip-path=\"url(#rtt-clip)\" data-points=\"%zu\">\n",
		in->ts ? in->ts->nrtt : 0);
	for (size_t i = 0; in->ts && i < in->ts->nrtt; i++) {
		char a[TL_NUM_MAX], b[TL_NUM_MAX];
		const struct tl_rttpt *r = &in->ts->rtt[i];

		fprintf(out, "<circle class=\"rtt-sample\" cx=\"%s\" cy=\"%s\" r=\"2\"/>\n",
			tl_svg_num(tl_scale_px(&p.sx, secs(r->t_us, t0)), a),
			tl_svg_num(tl_scale_px(&p.sy, (double)r->rtt_us / 1000.0), b));
	}
	fputs("</g>\n", out);
	for (size_t i = 0; i < in->nsm; i++)
		k += in->sm[i].srtt_us > 0;
	fprintf(out, "<g id=\"srtt\" clip-path=\"url(#rtt-clip)\">\n<polyline class=\"srtt\" "
		     "data-points=\"%zu\" points=\"",
		k);
	for (size_t i = 0, j = 0; i < in->nsm; i++)
		if (in->sm[i].srtt_us > 0)
			fprintf(out, "%s%s", j++ ? " " : "",
				tl_svgw_xy(&p, secs(in->sm[i].t_us, t0), in->sm[i].srtt_us / 1000.0,
					   xy));
	fputs("\"/>\n</g>\n", out);
	const struct tl_legend_item leg[] = {
		{ TL_LEG_LINE, "srtt", "srtt (TCP_INFO)", NULL },
		{ TL_LEG_MARK, "rtt-sample", "one ACK's RTT (capture; retransmitted data skipped, "
					      "Karn)", "M -3 0 A 3 3 0 1 0 3 0 A 3 3 0 1 0 -3 0 Z" },
	};

	/* no capture: no ACK measured anything */
	tl_panel_legend(&p, leg, in->ts ? 2 : 1);
	fputs("</g>\n", out);
}

/* The earliest and latest time of the run: samples and packets. */
static void span(const struct tl_svg_in *in, int64_t *t0, int64_t *t1)
{
	bool any = false;

	*t0 = *t1 = 0;
	for (size_t i = 0; i < in->nsm; i++) {
		int64_t t = in->sm[i].t_us;

		if (!any || t < *t0)
			*t0 = t;
		if (!any || t > *t1)
			*t1 = t;
		any = true;
	}
	for (size_t i = 0; in->ts && i < in->ts->n; i++) {
		int64_t t = in->ts->pt[i].t_us;

		if (!any || t < *t0)
			*t0 = t;
		if (!any || t > *t1)
			*t1 = t;
		any = true;
	}
}

void tl_svg_write(FILE *out, const struct tl_svg_in *in, struct tl_svg_counts *k)
{
	int64_t t0, t1, ta, tb;
	int y = TOP;
	/* the packets' panels when there are packets, the zoom when one was
	 * retransmitted */
	bool seq = in->ts && in->ts->n, zoom = seq && tl_tseq_zoom(in->ts, &ta, &tb);
	int height = TOP + tl_panel_height(H_CWND) + (seq ? tl_panel_height(H_TSEQ) : 0) +
		     (zoom ? tl_panel_height(H_ZOOM) : 0) + tl_panel_height(H_RTT) + 10;

	span(in, &t0, &t1);
	double t_hi = secs(t1, t0) > 0.001 ? secs(t1, t0) : 0.001;

	tl_svgw_prologue(out, height, in->title, in->subtitle);
	cwnd_panel(out, y, t_hi, t0, in);
	y += tl_panel_height(H_CWND);
	if (seq) {
		tl_svg_tseq(out, y, H_TSEQ, t_hi, t0, in->ts);
		y += tl_panel_height(H_TSEQ);
	}
	if (zoom) {
		tl_svg_tseq_zoom(out, y, H_ZOOM, t0, in->ts);
		y += tl_panel_height(H_ZOOM);
	}
	rtt_panel(out, y, t_hi, t0, in);
	tl_svgw_epilogue(out);
	*k = (struct tl_svg_counts){ .samples = in->nsm };
	if (in->ts)
		*k = (struct tl_svg_counts){ .samples = in->nsm,       .data = in->ts->ndata,
					     .retransmits = in->ts->nrtx, .acks = in->ts->nack,
					     .dupacks = in->ts->ndup,     .sacks = in->ts->nsack,
					     .rtts = in->ts->nrtt,        .probes = in->ts->nprobe };
}
