/* Formatters for outbuf.h. */
#include "decode/outbuf.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdlib.h>

int dec_ob_init(struct outbuf *ob, FILE *f)
{
	ob->buf = malloc(OUTBUF_SIZE);
	ob->len = 0;
	ob->cap = OUTBUF_SIZE;
	ob->f = f;
	ob->failed = false;
	ob->color = false;
	return ob->buf ? 0 : -1;
}

void dec_ob_free(struct outbuf *ob)
{
	free(ob->buf);
	ob->buf = NULL;
}

int dec_ob_flush(struct outbuf *ob)
{
	if (ob->len && fwrite(ob->buf, 1, ob->len, ob->f) != ob->len)
		ob->failed = true;
	ob->len = 0;
	if (fflush(ob->f) != 0)
		ob->failed = true;
	return ob->failed ? -1 : 0;
}

void dec_ob_mem(struct outbuf *ob, const void *p, size_t n)
{
	if (ob->len + n > ob->cap) {
		dec_ob_flush(ob);
		if (n > ob->cap) {
			if (fwrite(p, 1, n, ob->f) != n)
				ob->failed = true;
			return;
		}
	}
	memcpy(ob->buf + ob->len, p, n);
	ob->len += n;
}

void dec_ob_u64(struct outbuf *ob, uint64_t v)
{
	char tmp[20];
	int i = 20;

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	dec_ob_mem(ob, tmp + i, (size_t)(20 - i));
}

void dec_ob_i64(struct outbuf *ob, int64_t v)
{
	if (v < 0) {
		ob_chr(ob, '-');
		dec_ob_u64(ob, (uint64_t)0 - (uint64_t)v);
	} else {
		dec_ob_u64(ob, (uint64_t)v);
	}
}

static const char hexdig[] = "0123456789abcdef";

void dec_ob_hexraw(struct outbuf *ob, uint32_t v, int digits)
{
	char *d = ob_room(ob, 8);
	for (int i = digits - 1; i >= 0; i--) {
		d[i] = hexdig[v & 0xf];
		v >>= 4;
	}
	ob->len += (size_t)digits;
}

void dec_ob_hex(struct outbuf *ob, uint32_t v, int digits)
{
	OB_LIT(ob, "0x");
	dec_ob_hexraw(ob, v, digits);
}

void dec_ob_pad(struct outbuf *ob, size_t from_len, size_t width)
{
	while (ob->len - from_len < width && ob->len < ob->cap)
		ob->buf[ob->len++] = ' ';
}

void dec_ob_ip4(struct outbuf *ob, const uint8_t a[4])
{
	for (int i = 0; i < 4; i++) {
		if (i)
			ob_chr(ob, '.');
		ob_u32(ob, a[i]);
	}
}

void dec_ob_ip6(struct outbuf *ob, const uint8_t a[16])
{
	char s[INET6_ADDRSTRLEN];
	if (inet_ntop(AF_INET6, a, s, sizeof(s)))
		ob_str(ob, s);
}

void dec_ob_mac(struct outbuf *ob, const uint8_t *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			ob_chr(ob, ':');
		dec_ob_hexraw(ob, a[i], 2);
	}
}

void dec_ob_printf(struct outbuf *ob, const char *fmt, ...)
{
	va_list ap;
	char *d = ob_room(ob, OUTBUF_PIECE);
	va_start(ap, fmt);
	int n = vsnprintf(d, OUTBUF_PIECE, fmt, ap);
	va_end(ap);
	if (n > 0)
		ob->len += (size_t)n < OUTBUF_PIECE ? (size_t)n : OUTBUF_PIECE - 1;
}

void dec_ob_json_str(struct outbuf *ob, const char *s)
{
	ob_chr(ob, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\') {
			ob_chr(ob, '\\');
			ob_chr(ob, (char)*p);
		} else if (*p < 0x20) {
			OB_LIT(ob, "\\u00");
			dec_ob_hexraw(ob, *p, 2);
		} else {
			ob_chr(ob, (char)*p);
		}
	}
	ob_chr(ob, '"');
}
