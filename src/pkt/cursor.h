/* A bounds-checked read cursor over packet bytes (tcpdump style): every read
 * goes through rd_*, which fail when fewer bytes remain than asked for, so a
 * truncated packet becomes an error value, never an out-of-bounds read. */
#ifndef SOCKLAB_DECODE_CURSOR_H
#define SOCKLAB_DECODE_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cursor {
	const uint8_t *p;
	size_t len;
};

static inline struct cursor cur_make(const uint8_t *p, size_t len)
{
	struct cursor c = { p, len };
	return c;
}

static inline bool cur_have(const struct cursor *c, size_t n)
{
	return c->len >= n;
}

static inline int cur_skip(struct cursor *c, size_t n)
{
	if (c->len < n)
		return -1;
	c->p += n;
	c->len -= n;
	return 0;
}

static inline int rd_u8(struct cursor *c, uint8_t *v)
{
	if (c->len < 1)
		return -1;
	*v = c->p[0];
	c->p++;
	c->len--;
	return 0;
}

static inline int rd_be16(struct cursor *c, uint16_t *v)
{
	if (c->len < 2)
		return -1;
	*v = (uint16_t)((c->p[0] << 8) | c->p[1]);
	c->p += 2;
	c->len -= 2;
	return 0;
}

static inline int rd_le16(struct cursor *c, uint16_t *v)
{
	if (c->len < 2)
		return -1;
	*v = (uint16_t)((c->p[1] << 8) | c->p[0]);
	c->p += 2;
	c->len -= 2;
	return 0;
}

static inline int rd_be32(struct cursor *c, uint32_t *v)
{
	if (c->len < 4)
		return -1;
	*v = ((uint32_t)c->p[0] << 24) | ((uint32_t)c->p[1] << 16) | ((uint32_t)c->p[2] << 8) |
	     (uint32_t)c->p[3];
	c->p += 4;
	c->len -= 4;
	return 0;
}

static inline int rd_le32(struct cursor *c, uint32_t *v)
{
	if (c->len < 4)
		return -1;
	*v = ((uint32_t)c->p[3] << 24) | ((uint32_t)c->p[2] << 16) | ((uint32_t)c->p[1] << 8) |
	     (uint32_t)c->p[0];
	c->p += 4;
	c->len -= 4;
	return 0;
}

static inline int rd_bytes(struct cursor *c, void *dst, size_t n)
{
	if (c->len < n)
		return -1;
	for (size_t i = 0; i < n; i++)
		((uint8_t *)dst)[i] = c->p[i];
	c->p += n;
	c->len -= n;
	return 0;
}

/* A sub-cursor over the next n bytes (or fewer when the capture is short). */
static inline struct cursor cur_sub(const struct cursor *c, size_t n)
{
	struct cursor s = { c->p, n < c->len ? n : c->len };
	return s;
}

#endif
