/* The SVG printer's measuring half: the texts of calls and packets, the
 * distance of two lifelines from the widest text, and the row positions. */
#include "trace/render_svg.h"

#include <stdio.h>
#include <string.h>

#define N(t) (sizeof(t) / sizeof((t)[0]))

int tr_svg_text_w(size_t chars)
{
	return (int)((chars * 29 + 3) / 4);
}

/* What kind of segment a packet is decides its colour; the legend repeats it. */
const struct pkt_style tr_svg_styles[TR_SVG_NSTYLES] = {
	{ "syn", "#1f6feb", "SYN" },  { "data", "#24292f", "data" }, { "ack", "#8c959f", "ACK" },
	{ "fin", "#8250df", "FIN" },  { "rst", "#cf222e", "RST" },   { "udp", "#1a7f37", "UDP" },
	{ "icmp", "#bc4c00", "ICMP" },
};

int tr_svg_lane_x(const struct svg *s, uint32_t lane)
{
	return SVG_PAD + s->time_w + s->lane_w / 2 + (int)lane * s->lane_w;
}

bool tr_svg_lane_ok(const struct svg *s, uint32_t lane)
{
	return lane < s->t->nlanes;
}

const struct tr_call *tr_svg_row_call(const struct trace *t, const struct tr_row *r)
{
	return r->kind != TR_ROW_PACKET && r->index < t->ncalls ? &t->calls[r->index] : NULL;
}

const struct tr_packet *tr_svg_row_packet(const struct trace *t, const struct tr_row *r)
{
	return r->kind == TR_ROW_PACKET && r->index < t->npackets ? &t->packets[r->index] : NULL;
}

/* The call as describe.c tells it: "#8 connect = 0". */
void tr_svg_call_text(const struct trace *t, const struct tr_row *r, char *buf, size_t n)
{
	const struct tr_call *c = tr_svg_row_call(t, r);
	char d[SVG_TEXT_MAX];

	buf[0] = '\0';
	if (!c)
		return;
	const char *what = tr_describe_call(c, r->kind, d, sizeof d);
	if (c->threaded)
		snprintf(buf, n, "#%u [tid %d] %s", c->id, c->tid, what);
	else
		snprintf(buf, n, "#%u %s", c->id, what);
}

/* The line under a call, as the cause is under a packet: "completed by [2]
 * SYN-ACK", or "(never returned)" on an entry that never got its return. */
void tr_svg_call_note(const struct trace *t, const struct tr_row *r, char *buf, size_t n)
{
	const struct tr_call *c = tr_svg_row_call(t, r);

	size_t o;

	buf[0] = '\0';
	if (!c)
		return;
	/* the script's line, on the row where the call starts */
	if (r->kind != TR_ROW_CALL_EXIT)
		tr_describe_src(c, true, buf, n);
	o = strlen(buf);
	if (o + 3 >= n)
		return;
	if (r->kind != TR_ROW_CALL_ENTER && c->completed_by != 0)
		snprintf(buf + o, n - o, "%s%s [%u]%s%s", o ? "   " : "",
			 c->blocked ? "completed by" : "already had", c->completed_by,
			 c->completed_why ? " " : "", c->completed_why ? c->completed_why : "");
	else if (r->kind != TR_ROW_CALL_EXIT && c->t_exit < 0)
		snprintf(buf + o, n - o, "%s(never returned)", o ? "   " : "");
}

int tr_svg_call_row_h(const struct trace *t, const struct tr_row *r)
{
	char note[SVG_TEXT_MAX];

	tr_svg_call_note(t, r, note, sizeof note);
	return note[0] ? SVG_ROW_CALL_NOTE : SVG_ROW_CALL;
}

void tr_svg_packet_texts(const struct trace *t, const struct tr_packet *p, char *label, size_t ln,
			 char *cause, size_t cn)
{
	char d[SVG_TEXT_MAX];

	snprintf(label, ln, "[%u] %s", p->no, tr_describe_packet(p, d, sizeof d));
	tr_describe_cause(t, p, cause, cn);
}

int tr_svg_max_i(int a, int b)
{
	return a > b ? a : b;
}

static int legend_w(void)
{
	int w = 0;

	for (size_t i = 0; i < N(tr_svg_styles); i++)
		w += 27 + tr_svg_text_w(strlen(tr_svg_styles[i].legend)) + 14;
	return w + 14 + tr_svg_text_w(strlen("a call waits"));
}

/* Lane distance and the room right of the last lane, from the texts. */
void tr_svg_measure(struct svg *s)
{
	const struct trace *t = s->t;
	char a[SVG_TEXT_MAX], b[SVG_TEXT_MAX];
	int lane_w = SVG_LANE_MIN, right = 0;

	s->time_w = tr_svg_text_w(strlen("-00000.000")) + 12;
	for (size_t i = 0; i < t->nlanes; i++) {
		size_t w = tr_layout_width(tr_layout_clean(t->lanes[i].label, false, a, sizeof a));
		size_t w2 = tr_layout_width(tr_layout_clean(t->lanes[i].addrs, false, b, sizeof b));

		lane_w = tr_svg_max_i(lane_w, tr_svg_text_w(w > w2 ? w : w2) + 32);
	}
	for (size_t i = 0; i < t->nrows; i++) {
		const struct tr_row *r = &t->rows[i];
		const struct tr_packet *p = tr_svg_row_packet(t, r);
		const struct tr_call *c = tr_svg_row_call(t, r);

		if (p && tr_svg_lane_ok(s, p->lane_from) && tr_svg_lane_ok(s, p->lane_to)) {
			size_t w;
			int span = p->lane_from != p->lane_to;

			tr_svg_packet_texts(t, p, a, sizeof a, b, sizeof b);
			w = tr_layout_width(a) > tr_layout_width(b) ? tr_layout_width(a) : tr_layout_width(b);
			/* labels sit in the gap next to the sender, clear of other lifelines */
			if (span > 0)
				lane_w = tr_svg_max_i(lane_w, tr_svg_text_w(w) + 48);
			else if (p->lane_from == t->nlanes - 1)
				right = tr_svg_max_i(right, tr_svg_text_w(w) + 44);
			else
				lane_w = tr_svg_max_i(lane_w, tr_svg_text_w(w) + 56);
		} else if (c && tr_svg_lane_ok(s, c->lane)) {
			size_t w;

			tr_svg_call_text(t, r, a, sizeof a);
			tr_svg_call_note(t, r, b, sizeof b);
			w = tr_layout_width(a) > tr_layout_width(b) ? tr_layout_width(a) : tr_layout_width(b);
			if (c->lane == t->nlanes - 1)
				right = tr_svg_max_i(right, tr_svg_text_w(w) + 14);
			else
				lane_w = tr_svg_max_i(lane_w, tr_svg_text_w(w) + 30);
		}
		for (uint32_t k = 0; k < r->state_count; k++) {
			size_t si = (size_t)r->state_first + k;

			if (si >= t->nstates)
				break;
			tr_layout_state_label(&s->ls, &t->states[si], false, a, sizeof a);
			lane_w = tr_svg_max_i(lane_w, tr_svg_text_w(tr_layout_width(a)) + 40);
		}
	}
	if (lane_w > SVG_LANE_MAX)
		lane_w = SVG_LANE_MAX;
	s->lane_w = lane_w;
	s->width = SVG_PAD + s->time_w + (int)(t->nlanes ? t->nlanes : 1) * lane_w + SVG_PAD;
	s->width += tr_svg_max_i(0, right - lane_w / 2);
	s->width = tr_svg_max_i(s->width, legend_w() + 2 * SVG_PAD);
}

/* Row positions, and where each waiting call's bar starts and ends. */
void tr_svg_place_rows(struct svg *s)
{
	const struct trace *t = s->t;
	int y = SVG_PAD + SVG_TITLE_H + SVG_HEAD_H + 16;

	s->top = y;
	for (size_t i = 0; i < t->ncalls; i++)
		s->enter_y[i] = s->exit_y[i] = -1;
	for (size_t i = 0; i < t->nrows; i++) {
		const struct tr_row *r = &t->rows[i];

		s->row_y[i] = y;
		if (r->kind == TR_ROW_PACKET) {
			y += SVG_ROW_PACKET;
		} else {
			if (r->index < t->ncalls && r->kind == TR_ROW_CALL_ENTER)
				s->enter_y[r->index] = y + 9;
			if (r->index < t->ncalls && r->kind == TR_ROW_CALL_EXIT)
				s->exit_y[r->index] = y + 9;
			y += tr_svg_call_row_h(t, r);
		}
		if (r->state_count > 0)
			y += SVG_ROW_STATE;
	}
	s->bottom = y + 12;
	s->height = s->bottom + SVG_LEGEND_H + SVG_PAD;
}
