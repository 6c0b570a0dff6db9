/* A call's source location in words, for the ladder, the SVG and the
 * pcapng comments:
 *
 *   client.py:17  s.send(b"line 1")            the line and its text
 *   client.py:12 sendall 2/3  s.sendall(data)    one part of a sendall
 *   client.py:14 runtime  data = s.recv(1024)    Python's own poll for it
 *   client!send_line+0x1a                        native code without lines
 */
#include <stdio.h>
#include <string.h>

#include "trace/layout.h"
#include "trace/model.h"

/* Columns of a line's text that the ladder shows before "…". */
#define SRC_TEXT_COLS 48

/* text cut to cols columns at a code point, with "…" when cut. */
static void cut_text(const char *text, size_t cols, char *buf, size_t n)
{
	size_t w = tr_layout_width(text);
	size_t cut;

	if (w <= cols) {
		snprintf(buf, n, "%s", text);
		return;
	}
	for (cut = 0, w = 0; text[cut] && w < cols - 1; w++) {
		cut++;
		while (((unsigned char)text[cut] & 0xc0) == 0x80)
			cut++;
	}
	snprintf(buf, n, "%.*s\u2026", (int)cut, text);
}

char *tr_src_short(const struct tr_src *s, char *buf, size_t n)
{
	const char *base;

	buf[0] = '\0';
	if (s->file) {
		base = strrchr(s->file, '/');
		base = base ? base + 1 : s->file;
		if (s->line > 0)
			snprintf(buf, n, "%s:%d", base, (int)s->line);
		else
			snprintf(buf, n, "%s", base);
	} else if (s->module) {
		base = strrchr(s->module, '/');
		base = base ? base + 1 : s->module;
		if (s->func)
			snprintf(buf, n, "%s!%s+0x%llx", base, s->func, (unsigned long long)s->offset);
		else
			snprintf(buf, n, "%s+0x%llx", base, (unsigned long long)s->offset);
	}
	return buf;
}

char *tr_describe_src(const struct tr_call *c, bool with_text, char *buf, size_t n)
{
	char where[512], clean[1024], text[1024];
	size_t o;

	buf[0] = '\0';
	tr_src_short(&c->src, where, sizeof where);
	if (!where[0] || n == 0)
		return buf;
	tr_layout_clean(where, false, clean, sizeof clean);
	o = (size_t)snprintf(buf, n, "%s", clean);
	if (o < n && c->src.runtime)
		o += (size_t)snprintf(buf + o, n - o, " runtime");
	else if (o < n && c->src.parts > 1)
		o += (size_t)snprintf(buf + o, n - o, " %s %u/%u",
				      c->src.pycall ? c->src.pycall : "part", c->src.part,
				      c->src.parts);
	if (o < n && with_text && c->src.text && c->src.text[0]) {
		tr_layout_clean(c->src.text, false, clean, sizeof clean);
		cut_text(clean, SRC_TEXT_COLS, text, sizeof text);
		snprintf(buf + o, n - o, "  %s", text);
	}
	return buf;
}
