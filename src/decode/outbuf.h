/* A big output buffer with hand-rolled formatters: decode writes millions of
 * lines, so numbers and addresses are formatted without printf and written
 * with fwrite in large chunks. */
#ifndef SOCKLAB_DECODE_OUTBUF_H
#define SOCKLAB_DECODE_OUTBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define OUTBUF_SIZE (1u << 20)
/* Any single ob_* call writes at most this much except dec_ob_mem. */
#define OUTBUF_PIECE 256

struct outbuf {
	char *buf;
	size_t len, cap;
	FILE *f;
	bool failed;
	bool color;   /* ob_sgr writes its sequences (a terminal's text lines) */
};

int dec_ob_init(struct outbuf *ob, FILE *f);
void dec_ob_free(struct outbuf *ob);
int dec_ob_flush(struct outbuf *ob);

static inline char *ob_room(struct outbuf *ob, size_t n)
{
	if (ob->len + n > ob->cap)
		dec_ob_flush(ob);
	return ob->buf + ob->len;
}

static inline void ob_chr(struct outbuf *ob, char ch)
{
	*ob_room(ob, 1) = ch;
	ob->len++;
}

void dec_ob_mem(struct outbuf *ob, const void *p, size_t n);

static inline void ob_str(struct outbuf *ob, const char *s)
{
	dec_ob_mem(ob, s, strlen(s));
}

#define OB_LIT(ob, lit) dec_ob_mem((ob), (lit), sizeof(lit) - 1)

/* An SGR sequence (core/color.h), only when the output is coloured. */
static inline void ob_sgr(struct outbuf *ob, const char *sgr)
{
	if (ob->color)
		ob_str(ob, sgr);
}

void dec_ob_u64(struct outbuf *ob, uint64_t v);
static inline void ob_u32(struct outbuf *ob, uint32_t v)
{
	char *d = ob_room(ob, 10);
	if (v < 10) {
		d[0] = (char)('0' + v);
		ob->len++;
		return;
	}
	dec_ob_u64(ob, v);
}
/* A literal, then a number: the pair every renderer writes field by field. */
#define OB_LIT_U32(ob, lit, v) (OB_LIT(ob, lit), ob_u32((ob), (v)))
void dec_ob_i64(struct outbuf *ob, int64_t v);
/* "0x" and exactly digits lowercase hex digits. */
void dec_ob_hex(struct outbuf *ob, uint32_t v, int digits);
/* Lowercase hex without prefix, zero-padded to digits. */
void dec_ob_hexraw(struct outbuf *ob, uint32_t v, int digits);
void dec_ob_pad(struct outbuf *ob, size_t from_len, size_t width);
void dec_ob_ip4(struct outbuf *ob, const uint8_t a[4]);
void dec_ob_ip6(struct outbuf *ob, const uint8_t a[16]);
void dec_ob_mac(struct outbuf *ob, const uint8_t *a, size_t n);
void dec_ob_printf(struct outbuf *ob, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A JSON string with quotes, escaping as RFC 8259 requires. */
void dec_ob_json_str(struct outbuf *ob, const char *s);

#endif
