/* Bounded line splitting. */
#include "core/linebuf.h"

#include <stdlib.h>
#include <string.h>

int linebuf_init(struct linebuf *lb, size_t max)
{
	memset(lb, 0, sizeof(*lb));
	lb->buf = malloc(max + 1);
	lb->max = max;
	return lb->buf ? 0 : -1;
}

void linebuf_free(struct linebuf *lb)
{
	free(lb->buf);
	lb->buf = NULL;
}

uint8_t *linebuf_space(struct linebuf *lb, size_t *room)
{
	if (lb->start > 0) {
		memmove(lb->buf, lb->buf + lb->start, lb->len);
		lb->start = 0;
	}
	*room = lb->max + 1 - lb->len;
	return lb->buf + lb->len;
}

void linebuf_added(struct linebuf *lb, size_t n)
{
	lb->len += n;
}

void linebuf_set_eof(struct linebuf *lb)
{
	lb->eof = true;
}

static void linebuf_take(struct linebuf *lb, size_t n)
{
	lb->start += n;
	lb->len -= n;
	lb->scanned = 0;
	if (lb->len == 0)
		lb->start = 0;
}

enum linebuf_status linebuf_next(struct linebuf *lb, const uint8_t **line, size_t *n)
{
	for (;;) {
		const uint8_t *p = lb->buf + lb->start;
		const uint8_t *nl = memchr(p + lb->scanned, '\n', lb->len - lb->scanned);

		if (lb->skipping) {
			if (!nl) {
				linebuf_take(lb, lb->len);
				return lb->eof ? LINEBUF_END : LINEBUF_MORE;
			}
			linebuf_take(lb, (size_t)(nl - p) + 1);
			lb->skipping = false;
			continue;
		}
		if (nl) {
			*line = p;
			*n = (size_t)(nl - p);
			linebuf_take(lb, *n + 1);
			return LINEBUF_LINE;
		}
		lb->scanned = lb->len;
		if (lb->len > lb->max) {
			/* max + 1 bytes and no newline: over the limit whatever follows. */
			linebuf_take(lb, lb->len);
			lb->skipping = true;
			return LINEBUF_TOO_LONG;
		}
		if (!lb->eof)
			return LINEBUF_MORE;
		if (lb->len == 0)
			return LINEBUF_END;
		*line = p;
		*n = lb->len;
		linebuf_take(lb, lb->len);
		return LINEBUF_LINE;
	}
}
