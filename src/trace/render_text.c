/* The trace as a text ladder diagram, one row per event as in RFC 793's
 * figures: a column per lane, calls as marks on their lane, packets as arrows
 * between lanes, and to the right what happened and which TCP states changed.
 *
 *   *       a call that did not wait        >  entry of a call that waited
 *   <       its return                      :  the lane waits in a call
 *   1---->  packet 1, numbered at its sender, the head at its receiver; lanes
 *           in between are passed over with '-'
 *   1<-'    packet 1 from a lane to itself (both ends in one process)
 */
#include "trace/render.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "core/color.h"
#include "core/textesc.h"
#include "pkt/packet.h"
#include "trace/layout.h"

#define TEXT_LANE_GAP_MIN 8  /* columns from one lane to the next */
#define TEXT_COL1_MAX 46     /* what happened: aligned up to this width */
#define TEXT_COL2_MAX 36     /* why (cause, completion): aligned up to this */
#define TEXT_DESC_MAX 1024
#define TEXT_STATES_MAX 2048
#define TEXT_ROOM_MIN 24     /* a narrow terminal still gets this much text */
#define TEXT_ROW_MAX (2 * TEXT_DESC_MAX + TEXT_STATES_MAX + 64)

struct glyphs {
	const char *life, *wait, *dash, *right, *left, *call, *enter, *exit;
	const char *loop[3]; /* after the number */
};

static const struct glyphs glyphs_ascii = {
	"|", ":", "-", ">", "<", "*", ">", "<", { "<", "-", "'" },
};
static const struct glyphs glyphs_utf8 = {
	"│", "┆", "─", "▶", "◀", "*", ">", "<", { "◀", "─", "╯" },
};

static const char *const digit_glyph[10] = { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9" };

struct ladder {
	const struct trace *t;
	const struct glyphs *g;
	struct tr_layout_states ls;
	size_t gap;          /* columns between lanes */
	size_t width;        /* columns of the lane area */
	size_t tw;           /* columns of the time */
	size_t w1, w2;       /* aligned widths of the two text columns */
	unsigned *waiting;   /* per lane: calls entered and not yet returned */
	const char **cells;  /* one glyph per column of the lane area */
	bool color;
	size_t room;         /* columns for the texts of a row; 0: no limit */
	size_t arrow_lo, arrow_hi; /* the columns of this row's arrow (hi 0: none) */
	const char *arrow_sgr;
};

/* A stretch of a row's text drawn in one colour. */
struct seg {
	size_t start, end;
	const char *sgr;
};
#define ROW_SEGS 4

/* Milliseconds since t0 to the microsecond, without floating point. */
static char *fmt_ms(int64_t ts, int64_t t0, char *buf, size_t n)
{
	int64_t rel = ts - t0;
	const char *sign = rel < 0 ? "-" : "";
	uint64_t us = (uint64_t)(rel < 0 ? -rel : rel);

	us = (us + 500) / 1000;
	snprintf(buf, n, "%s%llu.%03llu", sign, (unsigned long long)(us / 1000),
		 (unsigned long long)(us % 1000));
	return buf;
}

/* Packets in the SVG's colours, as near as a terminal has them: SYN blue,
 * data in the terminal's own colour, bare ACK grey (dim), FIN purple
 * (magenta), RST red, UDP green, ICMP orange (yellow). */
static const char *packet_sgr(const struct tr_packet *p)
{
	if (p->proto == IPPROTO_UDP)
		return COLOR_GREEN;
	if (p->proto != IPPROTO_TCP)
		return COLOR_YELLOW;
	if (p->flags & TCP_RST)
		return COLOR_RED;
	if (p->flags & TCP_SYN)
		return COLOR_BLUE;
	if (p->flags & TCP_FIN)
		return COLOR_MAGENTA;
	if (p->len > 0)
		return NULL;
	return COLOR_DIM;
}

static bool lane_ok(const struct ladder *l, uint32_t lane)
{
	return lane < l->t->nlanes;
}

/* The texts of a row: what happened, why, and whether the call never ended. */
static bool row_texts(const struct trace *t, const struct tr_row *r, char *c1, size_t n1,
		      char *c2, size_t n2)
{
	char d[TEXT_DESC_MAX];

	c1[0] = c2[0] = '\0';
	if (r->kind == TR_ROW_PACKET) {
		const struct tr_packet *p;

		if (r->index >= t->npackets)
			return false;
		p = &t->packets[r->index];
		snprintf(c1, n1, "[%u] %s", p->no, tr_describe_packet(p, d, sizeof d));
		tr_describe_cause(t, p, c2, n2);
		return false;
	}
	if (r->index >= t->ncalls)
		return false;
	const struct tr_call *c = &t->calls[r->index];

	const char *what = tr_describe_call(c, r->kind, d, sizeof d);
	if (c->threaded)
		snprintf(c1, n1, "#%u [tid %d] %s", c->id, c->tid, what);
	else
		snprintf(c1, n1, "#%u %s", c->id, what);
	/* where the script made it: on the row of its entry */
	size_t o = 0;
	if (r->kind != TR_ROW_CALL_EXIT) {
		tr_describe_src(c, true, c2, n2);
		o = strlen(c2);
	}
	if (r->kind != TR_ROW_CALL_ENTER && c->completed_by != 0 && o + 3 < n2) {
		char why[TEXT_DESC_MAX / 2];
		bool has_why = c->completed_why && c->completed_why[0];

		if (has_why)
			tr_layout_clean(c->completed_why, false, why, sizeof why);
		/* a call that found its packet already there did not wait for it */
		snprintf(c2 + o, n2 - o, "%s%s [%u]%s%s", o ? "   " : "",
			 c->blocked ? "completed by" : "already had", c->completed_by,
			 has_why ? " " : "", has_why ? why : "");
	}
	return r->kind != TR_ROW_CALL_EXIT && c->t_exit < 0;
}

static void row_states(const struct ladder *l, const struct tr_row *r, char *buf, size_t n)
{
	size_t o = 0;

	buf[0] = '\0';
	for (uint32_t i = 0; i < r->state_count; i++) {
		size_t k = (size_t)r->state_first + i;
		char one[3 * TR_ADDRSTR_MAX];
		int w;

		if (k >= l->t->nstates)
			break;
		tr_layout_state_label(&l->ls, &l->t->states[k], true, one, sizeof one);
		w = snprintf(buf + o, n - o, "%s%s", o ? ", " : "", one);
		if (w < 0 || (size_t)w >= n - o)
			break;
		o += (size_t)w;
	}
}

static void put_number(struct ladder *l, size_t at, uint32_t no)
{
	size_t d = textesc_digits(no);

	for (size_t i = 0; i < d && at + i < l->width; i++) {
		uint32_t div = 1;

		for (size_t k = i + 1; k < d; k++)
			div *= 10;
		l->cells[at + i] = digit_glyph[(no / div) % 10];
	}
}

static void draw_packet(struct ladder *l, const struct tr_packet *p)
{
	size_t from, to, d = textesc_digits(p->no);

	if (!lane_ok(l, p->lane_from) || !lane_ok(l, p->lane_to))
		return;
	from = p->lane_from * l->gap;
	to = p->lane_to * l->gap;
	l->arrow_sgr = packet_sgr(p);
	l->arrow_lo = from < to ? from : to;
	l->arrow_hi = from == to ? from + d + 3 : (from < to ? to : from + 1);
	if (from == to) {
		put_number(l, from, p->no);
		for (size_t i = 0; i < 3 && from + d + i < l->width; i++)
			l->cells[from + d + i] = l->g->loop[i];
	} else if (from < to) {
		for (size_t x = from + d; x + 1 < to; x++)
			l->cells[x] = l->g->dash;
		l->cells[to - 1] = l->g->right;
		put_number(l, from, p->no);
	} else {
		l->cells[to + 1] = l->g->left;
		for (size_t x = to + 2; x + d <= from; x++)
			l->cells[x] = l->g->dash;
		put_number(l, from + 1 - d, p->no);
	}
}

static void draw_row(struct ladder *l, const struct tr_row *r)
{
	l->arrow_hi = 0;
	for (size_t x = 0; x < l->width; x++)
		l->cells[x] = " ";
	for (size_t i = 0; i < l->t->nlanes; i++)
		l->cells[i * l->gap] = l->waiting[i] ? l->g->wait : l->g->life;
	if (r->kind == TR_ROW_PACKET) {
		if (r->index < l->t->npackets)
			draw_packet(l, &l->t->packets[r->index]);
		return;
	}
	if (r->index >= l->t->ncalls || !lane_ok(l, l->t->calls[r->index].lane))
		return;
	const char *mark = r->kind == TR_ROW_CALL ? l->g->call
			   : r->kind == TR_ROW_CALL_ENTER ? l->g->enter : l->g->exit;
	l->cells[l->t->calls[r->index].lane * l->gap] = mark;
}

/* After the row is drawn: the lane waits from an entry to its return. */
static void track_waiting(struct ladder *l, const struct tr_row *r)
{
	uint32_t lane;

	if (r->index >= l->t->ncalls || (r->kind != TR_ROW_CALL_ENTER && r->kind != TR_ROW_CALL_EXIT))
		return;
	lane = l->t->calls[r->index].lane;
	if (!lane_ok(l, lane))
		return;
	if (r->kind == TR_ROW_CALL_ENTER)
		l->waiting[lane]++;
	else if (l->waiting[lane] > 0)
		l->waiting[lane]--;
}

static void put_padded(FILE *out, const char *s, size_t w)
{
	size_t sw = tr_layout_width(s);

	fputs(s, out);
	for (; sw < w; sw++)
		fputc(' ', out);
}

/* The lane area of the row drawn last; the arrow in its colour. */
static void put_cells(const struct ladder *l, FILE *out)
{
	bool arrow = l->color && l->arrow_hi > 0 && l->arrow_sgr;

	for (size_t x = 0; x < l->width; x++) {
		if (arrow && x == l->arrow_lo)
			fputs(l->arrow_sgr, out);
		fputs(l->cells[x], out);
		if (arrow && x + 1 == l->arrow_hi)
			fputs(COLOR_RESET, out);
	}
}

/* The lifelines alone, for a row's continuation lines. */
static void put_lifelines(struct ladder *l, FILE *out)
{
	for (size_t x = 0; x < l->width; x++)
		l->cells[x] = " ";
	for (size_t i = 0; i < l->t->nlanes; i++)
		l->cells[i * l->gap] = l->waiting[i] ? l->g->wait : l->g->life;
	l->arrow_hi = 0;
	fprintf(out, "%*s  ", (int)l->tw, "");
	put_cells(l, out);
}

/* text[a..b) with the colours of the segments it overlaps; each coloured
 * stretch is closed before the line ends, so lifelines stay uncoloured. */
static void put_span(FILE *out, const char *text, size_t a, size_t b, const struct seg *sg,
		     size_t nseg, bool color)
{
	while (a < b) {
		const struct seg *in = NULL;
		size_t stop = b;

		for (size_t i = 0; color && i < nseg; i++) {
			if (!sg[i].sgr || sg[i].start >= sg[i].end)
				continue;
			if (sg[i].start <= a && a < sg[i].end)
				in = &sg[i];
			else if (sg[i].start > a && sg[i].start < stop)
				stop = sg[i].start;
		}
		if (in && in->end < stop)
			stop = in->end;
		if (in)
			fputs(in->sgr, out);
		fwrite(text + a, 1, stop - a, out);
		if (in)
			fputs(COLOR_RESET, out);
		a = stop;
	}
}

/* Appends s (padded to w columns) to the row's text as one segment. */
static size_t row_add(char *text, size_t o, const char *s, size_t w, struct seg *sg,
		      const char *sgr)
{
	size_t len = strlen(s), sw = tr_layout_width(s);

	if (o + len + w + 1 >= TEXT_ROW_MAX)
		len = TEXT_ROW_MAX > o + w + 1 ? TEXT_ROW_MAX - o - w - 1 : 0;
	memcpy(text + o, s, len);
	sg->start = o;
	sg->end = o + len;
	sg->sgr = sgr;
	o += len;
	for (; sw < w && o + 1 < TEXT_ROW_MAX; sw++)
		text[o++] = ' ';
	text[o] = '\0';
	return o;
}

static void print_line(struct ladder *l, const struct tr_row *r, FILE *out)
{
	char ms[32], c1[TEXT_DESC_MAX], c2[TEXT_DESC_MAX], st[TEXT_STATES_MAX], text[TEXT_ROW_MAX];
	struct seg sg[ROW_SEGS] = { { 0, 0, NULL } };
	bool never = row_texts(l->t, r, c1, sizeof c1, c2, sizeof c2);
	const char *c1_sgr = NULL;
	size_t o = 0, n, a = 0;

	row_states(l, r, st, sizeof st);
	draw_row(l, r);
	if (r->kind == TR_ROW_PACKET)
		c1_sgr = l->arrow_sgr;
	else if (r->kind != TR_ROW_CALL_ENTER && r->index < l->t->ncalls &&
		 l->t->calls[r->index].err != 0)
		c1_sgr = COLOR_RED;
	/* pad a column only when another follows: no trailing blanks */
	o = row_add(text, o, c1, c2[0] || st[0] ? l->w1 : 0, &sg[0], c1_sgr);
	if (c2[0] || st[0]) {
		o = row_add(text, o, "  ", 0, &sg[3], NULL);
		o = row_add(text, o, c2, st[0] ? l->w2 : 0, &sg[1], COLOR_DIM);
	}
	if (st[0]) {
		o = row_add(text, o, "  ", 0, &sg[3], NULL);
		o = row_add(text, o, st, 0, &sg[2], COLOR_BOLD);
	}
	if (never) {
		o = row_add(text, o, "  ", 0, &sg[3], NULL);
		o = row_add(text, o, "(never returned)", 0, &sg[3], COLOR_RED);
	}
	n = o;
	fmt_ms(r->ts, l->t->t0, ms, sizeof ms);
	fprintf(out, "%*s  ", (int)l->tw, ms);
	put_cells(l, out);
	fputs("   ", out);
	track_waiting(l, r);
	for (bool first = true; a < n || first; first = false) {
		size_t room = l->room ? (first ? l->room : l->room - 2) : n - a;
		size_t cut = a + tr_layout_wrap(text + a, n - a, room);

		if (!first) {
			put_lifelines(l, out);
			fputs("     ", out);
		}
		/* a piece ends before its spaces: none trail at the end of a line */
		size_t end = cut;
		while (end > a && text[end - 1] == ' ')
			end--;
		put_span(out, text, a, end, sg, ROW_SEGS, l->color);
		fputc('\n', out);
		a = cut;
		while (a < n && text[a] == ' ')
			a++;
	}
}

static int ladder_init(struct ladder *l, const struct trace *t, const struct render_opts *o)
{
	uint32_t maxno = 0;
	bool loop_last = false;

	memset(l, 0, sizeof *l);
	l->t = t;
	l->g = o && o->utf8 ? &glyphs_utf8 : &glyphs_ascii;
	l->color = o && o->color;
	for (size_t i = 0; i < t->npackets; i++) {
		const struct tr_packet *p = &t->packets[i];

		if (p->no > maxno)
			maxno = p->no;
		if (p->lane_from == p->lane_to && t->nlanes > 0 && p->lane_from == t->nlanes - 1)
			loop_last = true;
	}
	/* the number, at least one dash, the head, and a column to spare */
	l->gap = textesc_digits(maxno) + 4;
	if (l->gap < TEXT_LANE_GAP_MIN)
		l->gap = TEXT_LANE_GAP_MIN;
	l->width = t->nlanes ? (t->nlanes - 1) * l->gap + 1 : 0;
	if (loop_last)
		l->width += textesc_digits(maxno) + 3;
	l->tw = 2; /* "ms" */
	for (size_t i = 0; i < t->nrows; i++) {
		char ms[32], c1[TEXT_DESC_MAX], c2[TEXT_DESC_MAX];
		bool has_states;
		size_t w;

		w = strlen(fmt_ms(t->rows[i].ts, t->t0, ms, sizeof ms));
		if (w > l->tw)
			l->tw = w;
		row_texts(t, &t->rows[i], c1, sizeof c1, c2, sizeof c2);
		/* only rows with a column after it decide a column's width */
		has_states = t->rows[i].state_count > 0;
		w = tr_layout_width(c1);
		if ((c2[0] || has_states) && w > l->w1)
			l->w1 = w > TEXT_COL1_MAX ? TEXT_COL1_MAX : w;
		w = tr_layout_width(c2);
		if (has_states && w > l->w2)
			l->w2 = w > TEXT_COL2_MAX ? TEXT_COL2_MAX : w;
	}
	/* a width to fit: the texts get what the time and lanes leave, and
	 * when the aligned columns would not leave room for the states, the
	 * columns are not aligned */
	if (o && o->width > 0) {
		size_t used = l->tw + 2 + l->width + 3;

		l->room = o->width > used + TEXT_ROOM_MIN ? o->width - used : TEXT_ROOM_MIN;
		if (l->w1 + 2 + l->w2 + 2 + 16 > l->room)
			l->w1 = l->w2 = 0;
	}
	l->waiting = calloc(t->nlanes ? t->nlanes : 1, sizeof *l->waiting);
	l->cells = calloc(l->width ? l->width : 1, sizeof *l->cells);
	if (!l->waiting || !l->cells || tr_layout_states_init(&l->ls, t) < 0)
		return -1;
	return 0;
}

static void ladder_free(struct ladder *l)
{
	free(l->waiting);
	free(l->cells);
	tr_layout_states_free(&l->ls);
}

static void print_header(const struct ladder *l, const struct render_opts *o, FILE *out)
{
	const struct trace *t = l->t;
	char letter[8], label[4 * TR_LABEL_MAX], ms[8];
	size_t lw = 1, labw = 0;

	char shown[48] = "";

	if (o && o->filtered)
		snprintf(shown, sizeof shown, " (%zu shown by -e trace)", o->shown_calls);
	fprintf(out, "socklab trace: %zu process%s, %zu call%s%s, %zu packet%s\n",
		tr_layout_socket_procs(t), tr_layout_socket_procs(t) == 1 ? "" : "es", t->ncalls,
		t->ncalls == 1 ? "" : "s", shown, t->npackets, t->npackets == 1 ? "" : "s");
	for (size_t i = 0; i < t->nlanes; i++) {
		size_t w = tr_layout_width(tr_layout_clean(t->lanes[i].label, false, label, sizeof label));

		if (w > labw)
			labw = w;
		w = strlen(tr_layout_lane_letter((uint32_t)i, letter, sizeof letter));
		if (w > lw)
			lw = w;
	}
	for (size_t i = 0; i < t->nlanes; i++) {
		char addrs[4 * TR_LABEL_MAX];

		tr_layout_clean(t->lanes[i].addrs, false, addrs, sizeof addrs);
		fprintf(out, "  %-*s  ", (int)lw, tr_layout_lane_letter((uint32_t)i, letter, sizeof letter));
		put_padded(out, tr_layout_clean(t->lanes[i].label, false, label, sizeof label),
			   addrs[0] ? labw : 0);
		if (addrs[0])
			fprintf(out, "   %s", addrs);
		fputc('\n', out);
	}
	fprintf(out, "  %s call   %s waits   %s returns   %s waiting   1%s%s%s packet 1 from its sender\n",
		l->g->call, l->g->enter, l->g->exit, l->g->wait, l->g->dash, l->g->dash, l->g->right);
	fputc('\n', out);
	snprintf(ms, sizeof ms, "ms");
	fprintf(out, "%*s  ", (int)l->tw, ms);
	for (size_t i = 0; i < t->nlanes; i++) {
		size_t w = strlen(tr_layout_lane_letter((uint32_t)i, letter, sizeof letter));

		fputs(letter, out);
		if (i + 1 < t->nlanes)
			for (size_t k = w; k < l->gap; k++)
				fputc(' ', out);
	}
	fputc('\n', out);
}

int trace_render_text(const struct trace *t, const struct render_opts *o, FILE *out)
{
	struct ladder l;
	int rc = 0;

	if (ladder_init(&l, t, o) < 0) {
		ladder_free(&l);
		return -1;
	}
	print_header(&l, o, out);
	for (size_t i = 0; i < t->nrows; i++)
		print_line(&l, &t->rows[i], out);
	ladder_free(&l);
	if (fflush(out) != 0 || ferror(out))
		rc = -1;
	return rc;
}
