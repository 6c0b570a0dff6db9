/* The SVG writer's common parts (see svgw.h). Numbers go out through
 * tl_svg_num and tl_tick_label, never printf's %f: no locale can turn a
 * point into a comma. */
#include "tcplab/svgw.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/textesc.h"

void tl_svgw_text(FILE *out, const char *s)
{
	size_t n = strlen(s);
	char *u = malloc(TEXTESC_MAX(n));

	if (!u)
		return;
	textesc_utf8((const uint8_t *)s, n, u);
	for (const char *c = u; *c; c++) {
		switch (*c) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&apos;", out); break;
		default:
			/* XML 1.0 allows no control characters but tab and newline */
			fputc((unsigned char)*c < 0x20 && *c != '\t' && *c != '\n' ? ' ' : *c, out);
		}
	}
	free(u);
}

void tl_svgw_prologue(FILE *out, int height, const char *title, const char *subtitle)
{
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		     "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		     "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n",
		TL_SVG_W, height, TL_SVG_W, height);
	/* printable: black text, lines of 1.5 px and more, and each series
	 * told apart by its dashes or markers as well as its colour */
	fputs("<style>\n"
	      "text{fill:#000}\n"
	      ".title{font-size:16px;font-weight:bold}\n"
	      ".ptitle{font-size:14px;font-weight:bold}\n"
	      ".tick{font-size:11px}\n"
	      ".frame{fill:none;stroke:#000;stroke-width:1.5}\n"
	      ".tickmark{stroke:#000;stroke-width:1.5}\n"
	      ".grid{stroke:#c8ccd0;stroke-width:0.7}\n"
	      ".cwnd{fill:none;stroke:#0550ae;stroke-width:2.5}\n"
	      ".ssthresh{fill:none;stroke:#cf222e;stroke-width:2;stroke-dasharray:9 4}\n"
	      ".inflight{fill:none;stroke:#1a7f37;stroke-width:1.5;stroke-dasharray:2 3}\n"
	      ".band{stroke:none}\n"
	      ".ca-open{fill:#ffffff}\n"
	      ".ca-disorder{fill:#fff1b8}\n"
	      ".ca-cwr{fill:#cfe8ff}\n"
	      ".ca-recovery{fill:#ffd6d2}\n"
	      ".ca-loss{fill:#ffc48a}\n"
	      ".bandlabel{font-size:11px;font-style:italic;paint-order:stroke;stroke:#fff;"
	      "stroke-width:3px}\n"
	      ".seg{fill:none;stroke:#000;stroke-width:1.5}\n"
	      ".retransmit{fill:none;stroke:#cf222e;stroke-width:2.5}\n"
	      ".ack-line{fill:none;stroke:#1a7f37;stroke-width:1.5}\n"
	      ".rwnd-line{fill:none;stroke:#8250df;stroke-width:1.5;stroke-dasharray:6 3}\n"
	      ".sack{fill:none;stroke:#bf8700;stroke-width:3;stroke-opacity:0.8}\n"
	      ".dupack{fill:#ffffff;stroke:#000;stroke-width:1.2}\n"
	      ".probe{fill:#0969da;stroke:#000;stroke-width:1}\n"
	      ".srtt{fill:none;stroke:#0550ae;stroke-width:2.5}\n"
	      ".rtt-sample{fill:#6e7781;stroke:none}\n"
	      ".none{font-style:italic}\n"
	      "</style>\n", out);
	fprintf(out, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", TL_SVG_W, height);
	fprintf(out, "<text class=\"title\" x=\"%d\" y=\"24\">", TL_SVG_LEFT);
	tl_svgw_text(out, title);
	fprintf(out, "</text>\n<text x=\"%d\" y=\"42\">", TL_SVG_LEFT);
	tl_svgw_text(out, subtitle);
	fputs("</text>\n", out);
}

void tl_svgw_epilogue(FILE *out)
{
	fputs("</svg>\n", out);
}

int tl_panel_height(int h)
{
	return TL_SVG_PANEL_TOP + h + TL_SVG_PANEL_BOTTOM;
}

const char *tl_svgw_xy(const struct tl_panel *p, double t_s, double v, char *buf)
{
	char a[TL_NUM_MAX], b[TL_NUM_MAX];

	snprintf(buf, TL_XY_MAX, "%s,%s", tl_svg_num(tl_scale_px(&p->sx, t_s), a),
		 tl_svg_num(tl_scale_px(&p->sy, v), b));
	return buf;
}

static void x_axis(const struct tl_panel *p)
{
	struct tl_ticks t;
	char lab[TL_NUM_MAX];
	int bottom = p->y + p->h;

	tl_ticks(p->sx.lo, p->sx.hi, 11, &t);
	for (size_t i = 0; i < t.n; i++) {
		double v = t.first + (double)i * t.step;
		int x = (int)(tl_scale_px(&p->sx, v) + 0.5);

		fprintf(p->out, "<line class=\"grid\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
				"<line class=\"tickmark\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
				"<text class=\"tick\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
			x, p->y, x, bottom, x, bottom, x, bottom + 5, x, bottom + 18,
			tl_tick_label(v, t.step, lab));
	}
	fprintf(p->out, "<text class=\"xtitle\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">"
			"time since the first packet (s)</text>\n",
		p->x + p->w / 2, bottom + 36);
}

static void y_axis(const struct tl_panel *p, const char *ytitle)
{
	struct tl_ticks t;
	char lab[TL_NUM_MAX];

	tl_ticks(p->sy.lo, p->sy.hi, 7, &t);
	for (size_t i = 0; i < t.n; i++) {
		double v = t.first + (double)i * t.step;
		int y = (int)(tl_scale_px(&p->sy, v) + 0.5);

		fprintf(p->out, "<line class=\"grid\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
				"<line class=\"tickmark\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
				"<text class=\"tick\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n",
			p->x, y, p->x + p->w, y, p->x - 5, y, p->x, y, p->x - 8, y + 4,
			tl_tick_label(v, t.step, lab));
	}
	int cy = p->y + p->h / 2;

	fprintf(p->out, "<text class=\"ytitle\" x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
			"transform=\"rotate(-90 %d %d)\">",
		18, cy, 18, cy);
	tl_svgw_text(p->out, ytitle);
	fputs("</text>\n", p->out);
}

void tl_panel_begin(struct tl_panel *p, FILE *out, int y, int h, const struct tl_domain *d,
		    const char *id, const char *title, const char *ytitle)
{
	p->out = out;
	p->x = TL_SVG_LEFT;
	p->y = y + TL_SVG_PANEL_TOP;
	p->w = TL_SVG_W - TL_SVG_LEFT - TL_SVG_RIGHT;
	p->h = h;
	p->sx = (struct tl_scale){ tl_nice_lo(d->t_lo, d->t_hi, 11),
				   tl_nice_hi(d->t_lo, d->t_hi, 11), p->x, p->x + p->w };
	p->sy = (struct tl_scale){ tl_nice_lo(d->y_lo, d->y_hi, 7), tl_nice_hi(d->y_lo, d->y_hi, 7),
				   p->y + p->h, p->y };
	fprintf(out, "<text class=\"ptitle\" x=\"%d\" y=\"%d\">", p->x, p->y - 12);
	tl_svgw_text(out, title);
	fprintf(out, "</text>\n<clipPath id=\"%s-clip\"><rect x=\"%d\" y=\"%d\" width=\"%d\" "
		     "height=\"%d\"/></clipPath>\n",
		id, p->x, p->y, p->w, p->h);
	fprintf(out, "<g class=\"axes\">\n");
	x_axis(p);
	y_axis(p, ytitle);
	fputs("</g>\n", out);
}

void tl_panel_legend(const struct tl_panel *p, const struct tl_legend_item *it, size_t n)
{
	int x = p->x, y = p->y + p->h + 60;

	fputs("<g class=\"legend\">\n", p->out);
	for (size_t i = 0; i < n; i++) {
		switch (it[i].kind) {
		case TL_LEG_LINE:
			fprintf(p->out, "<line class=\"%s\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>",
				it[i].cls, x, y - 4, x + 28, y - 4);
			break;
		case TL_LEG_BOX:
			fprintf(p->out, "<rect class=\"band %s\" x=\"%d\" y=\"%d\" width=\"28\" "
					"height=\"12\" stroke=\"#000\" stroke-width=\"0.8\"/>",
				it[i].cls, x, y - 10);
			break;
		case TL_LEG_MARK:
			fprintf(p->out, "<path class=\"%s\" transform=\"translate(%d %d)\" d=\"%s\"/>",
				it[i].cls, x + 14, y - 4, it[i].d);
			break;
		}
		fprintf(p->out, "<text x=\"%d\" y=\"%d\">", x + 34, y);
		tl_svgw_text(p->out, it[i].label);
		fputs("</text>\n", p->out);
		x += 34 + 7 * (int)strlen(it[i].label) + 22;
		if (i + 1 < n && x + 34 + 7 * (int)strlen(it[i + 1].label) > p->x + p->w) {
			x = p->x; /* a second row */
			y += 18;
		}
	}
	fputs("</g>\n", p->out);
}
