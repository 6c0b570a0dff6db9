/* The trace as an SVG sequence diagram: a header box and a lifeline per lane,
 * rows top to bottom, packets as arrows between lifelines, calls as marks on
 * theirs (a bar while a call waits, as UML draws an activation), and TCP
 * states as labels on the lifeline. Self-contained: styles inline, no fonts
 * or images from elsewhere; coordinates are integers so no locale can turn a
 * decimal point into a comma. */
#include "trace/render.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "pkt/packet.h"
#include "trace/layout.h"
#include "trace/render_svg.h"

#define N(t) (sizeof(t) / sizeof((t)[0]))

static const struct pkt_style *pkt_style_of(const struct tr_packet *p)
{
	const char *cls = "data";

	if (p->proto == IPPROTO_UDP)
		cls = "udp";
	else if (p->proto != IPPROTO_TCP)
		cls = "icmp";
	else if (p->flags & TCP_RST)
		cls = "rst";
	else if (p->flags & TCP_SYN)
		cls = "syn";
	else if (p->flags & TCP_FIN)
		cls = "fin";
	else if (p->len == 0)
		cls = "ack";
	for (size_t i = 0; i < N(tr_svg_styles); i++)
		if (strcmp(tr_svg_styles[i].cls, cls) == 0)
			return &tr_svg_styles[i];
	return &tr_svg_styles[1];
}

/* The characters XML reserves, and what stands for them. */
static const char *const xml_escapes[256] = {
	['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;", ['\''] = "&apos;",
};

/* Text content or attribute value: valid UTF-8, no control bytes, and the
 * five characters XML reserves escaped. */
static void xml_text(FILE *out, const char *s)
{
	char clean[4 * SVG_TEXT_MAX];

	for (const char *p = tr_layout_clean(s, false, clean, sizeof clean); *p; p++) {
		const char *esc = xml_escapes[(unsigned char)*p];

		if (esc)
			fputs(esc, out);
		else
			fputc(*p, out);
	}
}


static void svg_prologue(const struct svg *s)
{
	FILE *out = s->out;

	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(out,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" font-family=\"monospace\" font-size=\"12\">\n",
		s->width, s->height, s->width, s->height);
	fprintf(out, "<style>\n"
		     "text{fill:#24292f;white-space:pre}\n"
		     /* a white outline keeps a label readable across a lifeline */
		     ".pkt,.cause,.call,.note{paint-order:stroke;stroke:#fff;stroke-width:4px;"
		     "stroke-linejoin:round}\n"
		     ".title{font-size:14px;font-weight:bold}\n"
		     ".time{fill:#6e7781;text-anchor:end}\n"
		     ".lane{font-weight:bold;text-anchor:middle}\n"
		     ".addrs{fill:#57606a;text-anchor:middle}\n"
		     ".pkt{text-anchor:middle}\n"
		     ".cause{fill:#57606a;font-size:11px;font-style:italic;text-anchor:middle}\n"
		     ".note{fill:#57606a;font-size:11px;font-style:italic}\n"
		     ".state{font-size:11px;text-anchor:middle}\n"
		     ".legend{fill:#57606a;font-size:11px}\n");
	for (size_t i = 0; i < N(tr_svg_styles); i++)
		fprintf(out, ".a-%s{stroke:%s;stroke-width:1.5;fill:none}\n", tr_svg_styles[i].cls,
			tr_svg_styles[i].color);
	fprintf(out, "</style>\n<defs>\n");
	for (size_t i = 0; i < N(tr_svg_styles); i++)
		fprintf(out,
			"<marker id=\"head-%s\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" "
			"markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\">"
			"<path d=\"M0,0 L10,5 L0,10 z\" fill=\"%s\"/></marker>\n",
			tr_svg_styles[i].cls, tr_svg_styles[i].color);
	fprintf(out, "</defs>\n");
	fprintf(out, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n",
		s->width, s->height);
}

static void svg_heads(const struct svg *s)
{
	const struct trace *t = s->t;
	FILE *out = s->out;
	int box_top = SVG_PAD + SVG_TITLE_H;

	fprintf(out, "<text class=\"title\" x=\"%d\" y=\"%d\">socklab trace: %zu process%s, %zu call%s, "
		     "%zu packet%s</text>\n",
		SVG_PAD, SVG_PAD + 14, tr_layout_socket_procs(t), tr_layout_socket_procs(t) == 1 ? "" : "es", t->ncalls,
		t->ncalls == 1 ? "" : "s", t->npackets, t->npackets == 1 ? "" : "s");
	fprintf(out, "<text class=\"time\" x=\"%d\" y=\"%d\">ms</text>\n", SVG_PAD + s->time_w - 12,
		s->top - 4);
	for (size_t i = 0; i < t->nlanes; i++) {
		const struct tr_lane *l = &t->lanes[i];
		int x = tr_svg_lane_x(s, (uint32_t)i);
		/* an address no traced process owns: drawn dashed, it only answers */
		const char *dash = l->pid == 0 ? " stroke-dasharray=\"4 3\"" : "";

		fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#8c959f\"%s/>\n", x,
			box_top + SVG_HEAD_H, x, s->bottom, dash);
		fprintf(out,
			"<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"4\" fill=\"%s\" "
			"stroke=\"#57606a\"%s/>\n",
			x - s->lane_w / 2 + 8, box_top, s->lane_w - 16, SVG_HEAD_H,
			l->pid == 0 ? "#f6f8fa" : "#ddf4ff", dash);
		fprintf(out, "<text class=\"lane\" x=\"%d\" y=\"%d\">", x, box_top + 18);
		xml_text(out, l->label);
		fprintf(out, "</text>\n<text class=\"addrs\" x=\"%d\" y=\"%d\">", x, box_top + 35);
		xml_text(out, l->addrs);
		fprintf(out, "</text>\n");
	}
}

static void svg_bars(const struct svg *s)
{
	for (size_t i = 0; i < s->t->ncalls; i++) {
		const struct tr_call *c = &s->t->calls[i];
		bool never = s->exit_y[i] < 0;
		int y1 = s->enter_y[i], y2 = never ? s->bottom : s->exit_y[i];

		if (y1 < 0 || !tr_svg_lane_ok(s, c->lane))
			continue;
		fprintf(s->out,
			"<rect class=\"wait\" data-call=\"%u\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
			"fill=\"#dbe9ff\" stroke=\"#6b8fc9\"%s/>\n",
			c->id, tr_svg_lane_x(s, c->lane) - SVG_BAR_W / 2, y1, SVG_BAR_W, tr_svg_max_i(y2 - y1, 1),
			never ? " stroke-dasharray=\"3 2\"" : "");
	}
}

static void svg_packet(const struct svg *s, const struct tr_packet *p, int y)
{
	FILE *out = s->out;
	const struct pkt_style *st = pkt_style_of(p);
	char label[SVG_TEXT_MAX], cause[SVG_TEXT_MAX];
	int xf, xt, ay = y + 18;

	tr_svg_packet_texts(s->t, p, label, sizeof label, cause, sizeof cause);
	if (!tr_svg_lane_ok(s, p->lane_from) || !tr_svg_lane_ok(s, p->lane_to)) {
		/* no lane to draw it on: still tell it, at the left */
		fprintf(out, "<text class=\"pkt\" data-no=\"%u\" style=\"text-anchor:start\" x=\"%d\" "
			"y=\"%d\">", p->no, SVG_PAD + s->time_w, y + 13);
		xml_text(out, label);
		fprintf(out, "</text>\n");
		return;
	}
	xf = tr_svg_lane_x(s, p->lane_from);
	xt = tr_svg_lane_x(s, p->lane_to);
	if (xf == xt) {
		/* both ends in one lane: a loop out to the right and back */
		fprintf(out,
			"<path class=\"a-%s\" d=\"M%d,%d h26 v12 h-22\" marker-end=\"url(#head-%s)\"/>\n",
			st->cls, xf + SVG_BAR_W / 2, ay - 6, st->cls);
		fprintf(out, "<text class=\"pkt\" data-no=\"%u\" style=\"text-anchor:start\" x=\"%d\" "
			"y=\"%d\">", p->no, xf + 36, ay - 4);
		xml_text(out, label);
		fprintf(out, "</text>\n<text class=\"cause\" style=\"text-anchor:start\" x=\"%d\" "
			"y=\"%d\">", xf + 36, ay + 11);
	} else {
		int dir = xt > xf ? 1 : -1;
		/* the label in the gap next to the sender: no other lifeline runs through it */
		int xm = (xf + tr_svg_lane_x(s, (uint32_t)((int)p->lane_from + dir))) / 2;

		fprintf(out,
			"<line class=\"a-%s\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
			"marker-end=\"url(#head-%s)\"/>\n",
			st->cls, xf + dir * SVG_BAR_W / 2, ay, xt - dir * SVG_BAR_W / 2, ay, st->cls);
		fprintf(out, "<text class=\"pkt\" data-no=\"%u\" x=\"%d\" y=\"%d\">", p->no,
			xm, ay - 5);
		xml_text(out, label);
		fprintf(out, "</text>\n<text class=\"cause\" x=\"%d\" y=\"%d\">", xm, ay + 13);
	}
	xml_text(out, cause);
	fprintf(out, "</text>\n");
}

static void svg_call(const struct svg *s, const struct tr_row *r, int y)
{
	const struct tr_call *c = tr_svg_row_call(s->t, r);
	char text[SVG_TEXT_MAX], note[SVG_TEXT_MAX];
	int x;

	if (!c || !tr_svg_lane_ok(s, c->lane))
		return;
	x = tr_svg_lane_x(s, c->lane);
	tr_svg_call_text(s->t, r, text, sizeof text);
	tr_svg_call_note(s->t, r, note, sizeof note);
	/* a call that did not wait is a filled dot; entry and return sit on its bar */
	fprintf(s->out, "<circle cx=\"%d\" cy=\"%d\" r=\"%d\" fill=\"%s\" stroke=\"#24292f\"/>\n", x,
		y + 9, r->kind == TR_ROW_CALL ? 4 : 3, r->kind == TR_ROW_CALL ? "#24292f" : "#ffffff");
	fprintf(s->out, "<text class=\"call\" data-call=\"%u\" x=\"%d\" y=\"%d\">", c->id,
		x + 10, y + 13);
	xml_text(s->out, text);
	fprintf(s->out, "</text>\n");
	if (note[0]) {
		fprintf(s->out, "<text class=\"note\" x=\"%d\" y=\"%d\">", x + 10, y + 26);
		xml_text(s->out, note);
		fprintf(s->out, "</text>\n");
	}
}

/* The states a row changed, one label per lane on its lifeline. */
static void svg_states(const struct svg *s, const struct tr_row *r, int y)
{
	const struct trace *t = s->t;

	for (size_t lane = 0; lane < t->nlanes; lane++) {
		char label[4 * SVG_TEXT_MAX], one[SVG_TEXT_MAX];
		size_t o = 0;
		int w, x = tr_svg_lane_x(s, (uint32_t)lane);

		label[0] = '\0';
		for (uint32_t k = 0; k < r->state_count; k++) {
			size_t si = (size_t)r->state_first + k;

			if (si >= t->nstates || t->states[si].lane != lane)
				continue;
			tr_layout_state_label(&s->ls, &t->states[si], false, one, sizeof one);
			o += (size_t)snprintf(label + o, sizeof label - o, "%s%s", o ? ", " : "", one);
			if (o >= sizeof label)
				break;
		}
		if (label[0] == '\0')
			continue;
		w = tr_svg_text_w(tr_layout_width(label)) + 14;
		fprintf(s->out,
			"<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"16\" rx=\"8\" fill=\"#fff8c5\" "
			"stroke=\"#d4a72c\"/>\n",
			x - w / 2, y + 3, w);
		fprintf(s->out, "<text class=\"state\" x=\"%d\" y=\"%d\">", x, y + 15);
		xml_text(s->out, label);
		fprintf(s->out, "</text>\n");
	}
}

static void svg_rows(const struct svg *s)
{
	const struct trace *t = s->t;

	for (size_t i = 0; i < t->nrows; i++) {
		const struct tr_row *r = &t->rows[i];
		const struct tr_packet *p = tr_svg_row_packet(t, r);
		int y = s->row_y[i], h = p ? SVG_ROW_PACKET : tr_svg_call_row_h(t, r);
		int64_t rel = r->ts - t->t0;
		uint64_t us = (uint64_t)(rel < 0 ? -rel : rel);

		us = (us + 500) / 1000;
		fprintf(s->out, "<text class=\"time\" x=\"%d\" y=\"%d\">%s%llu.%03llu</text>\n",
			SVG_PAD + s->time_w - 12, p ? y + 22 : y + 13, rel < 0 ? "-" : "",
			(unsigned long long)(us / 1000), (unsigned long long)(us % 1000));
		if (p)
			svg_packet(s, p, y);
		else
			svg_call(s, r, y);
		if (r->state_count > 0)
			svg_states(s, r, y + h);
	}
}

static void svg_legend(const struct svg *s)
{
	FILE *out = s->out;
	int x = SVG_PAD, y = s->bottom + 22;

	for (size_t i = 0; i < N(tr_svg_styles); i++) {
		fprintf(out,
			"<line class=\"a-%s\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
			"marker-end=\"url(#head-%s)\"/>\n",
			tr_svg_styles[i].cls, x, y - 4, x + 22, y - 4, tr_svg_styles[i].cls);
		fprintf(out, "<text class=\"legend\" x=\"%d\" y=\"%d\">%s</text>\n", x + 27, y,
			tr_svg_styles[i].legend);
		x += 27 + tr_svg_text_w(strlen(tr_svg_styles[i].legend)) + 14;
	}
	fprintf(out,
		"<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"14\" fill=\"#dbe9ff\" stroke=\"#6b8fc9\"/>\n",
		x, y - 11, SVG_BAR_W);
	fprintf(out, "<text class=\"legend\" x=\"%d\" y=\"%d\">a call waits</text>\n", x + 14, y);
}

int trace_render_svg(const struct trace *t, FILE *out)
{
	struct svg s = { .t = t, .out = out };
	int rc = -1;

	s.row_y = calloc(t->nrows ? t->nrows : 1, sizeof *s.row_y);
	s.enter_y = calloc(t->ncalls ? t->ncalls : 1, sizeof *s.enter_y);
	s.exit_y = calloc(t->ncalls ? t->ncalls : 1, sizeof *s.exit_y);
	if (s.row_y && s.enter_y && s.exit_y && tr_layout_states_init(&s.ls, t) == 0) {
		tr_svg_measure(&s);
		tr_svg_place_rows(&s);
		svg_prologue(&s);
		svg_heads(&s);
		svg_bars(&s);
		svg_rows(&s);
		svg_legend(&s);
		fprintf(out, "</svg>\n");
		rc = fflush(out) != 0 || ferror(out) ? -1 : 0;
	}
	tr_layout_states_free(&s.ls);
	free(s.row_y);
	free(s.enter_y);
	free(s.exit_y);
	return rc;
}
