/* Escaping of untrusted text for terminals and for JSON. */
#include "core/textesc.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* The length of a well-formed UTF-8 sequence at p (2-4), with its code
 * point; 0 if the bytes are not one (RFC 3629: no overlongs, surrogates or
 * code points above U+10FFFF). */
static size_t textesc_utf8_seq(const uint8_t *p, size_t n, uint32_t *cp)
{
	uint8_t b = p[0];
	size_t len;
	uint8_t lo = 0x80, hi = 0xbf; /* the allowed range of the second byte */

	if (b >= 0xc2 && b <= 0xdf)
		len = 2;
	else if (b >= 0xe0 && b <= 0xef)
		len = 3;
	else if (b >= 0xf0 && b <= 0xf4)
		len = 4;
	else
		return 0;
	if (b == 0xe0)
		lo = 0xa0;
	else if (b == 0xed)
		hi = 0x9f;
	else if (b == 0xf0)
		lo = 0x90;
	else if (b == 0xf4)
		hi = 0x8f;
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	uint32_t v = b & (len == 2 ? 0x1f : len == 3 ? 0x0f : 0x07);
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (p[i] & 0x3f);
	}
	*cp = v;
	return len;
}

/* Code points that reorder or take over the display. */
static bool textesc_cp_hidden(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c || cp == 0x200e || cp == 0x200f ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

size_t textesc_hex_byte(uint8_t b, char *out)
{
	static const char hex[] = "0123456789abcdef";

	out[0] = '\\';
	out[1] = 'x';
	out[2] = hex[b >> 4];
	out[3] = hex[b & 15];
	return 4;
}

size_t textesc_term(const uint8_t *in, size_t n, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n;) {
		uint8_t b = in[i];
		uint32_t cp;
		size_t len;

		if (b >= 0x20 && b < 0x7f) {
			out[o++] = (char)b;
			i++;
		} else if (b == '\t') {
			out[o++] = '\\';
			out[o++] = 't';
			i++;
		} else if (b >= 0x80 && (len = textesc_utf8_seq(in + i, n - i, &cp)) > 0) {
			if (textesc_cp_hidden(cp)) {
				/* 6 characters for 2 or 3 bytes: within 4 per byte. */
				o += (size_t)sprintf(out + o, "\\u%04X", (unsigned)cp);
			} else {
				memcpy(out + o, in + i, len);
				o += len;
			}
			i += len;
		} else {
			o += textesc_hex_byte(b, out + o);
			i++;
		}
	}
	out[o] = '\0';
	return o;
}

size_t textesc_utf8(const uint8_t *in, size_t n, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len;

		if (in[i] == '\\') {
			out[o++] = '\\';
			out[o++] = '\\';
			i++;
		} else if (in[i] < 0x80) {
			out[o++] = (char)in[i++];
		} else if ((len = textesc_utf8_seq(in + i, n - i, &cp)) > 0) {
			memcpy(out + o, in + i, len);
			o += len;
			i += len;
		} else {
			o += textesc_hex_byte(in[i], out + o);
			i++;
		}
	}
	out[o] = '\0';
	return o;
}

size_t textesc_digits(uint64_t v)
{
	size_t n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}
