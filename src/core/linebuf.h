/* Line framing: lines out of a byte stream, each at most max bytes, in a fixed
 * buffer that never grows. A longer line is reported once and skipped to
 * its newline; it is never cut into pieces. Pure: no I/O. */
#ifndef SOCKLAB_CORE_LINEBUF_H
#define SOCKLAB_CORE_LINEBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct linebuf {
	uint8_t *buf;           /* max + 1 bytes: a longest line and its newline */
	size_t max;
	size_t start, len;      /* the bytes not taken yet: buf[start .. start+len) */
	size_t scanned;         /* of those, the first ones known to hold no newline */
	bool skipping;          /* inside an over-long line */
	bool eof;
};

enum linebuf_status {
	LINEBUF_MORE,           /* no whole line yet: add input */
	LINEBUF_LINE,           /* a line (without its newline) */
	LINEBUF_TOO_LONG,       /* a line over max bytes was dropped */
	LINEBUF_END,            /* end of input, nothing left */
};

int linebuf_init(struct linebuf *lb, size_t max);
void linebuf_free(struct linebuf *lb);
/* Where to read input to and how much fits (after the taken bytes are gone). */
uint8_t *linebuf_space(struct linebuf *lb, size_t *room);
void linebuf_added(struct linebuf *lb, size_t n);
/* No more input: a last line without a newline still counts. */
void linebuf_set_eof(struct linebuf *lb);
/* The next line; *line stays valid until linebuf_space. */
enum linebuf_status linebuf_next(struct linebuf *lb, const uint8_t **line, size_t *n);

#endif
