/* socklab chat's line protocol: names, hello, escaping. No I/O. */
#include "chat/proto.h"

#include <stdio.h>
#include <string.h>

#include "core/chatproto.h"

bool chat_tcp_name_valid(const char *s, size_t n)
{
	return chat_valid_name(s, n); /* the same names as the UDP chat's */
}

size_t chat_tcp_hello_format(const char *name, char *out, size_t outlen)
{
	int k = snprintf(out, outlen, "%s%s\n", CHAT_TCP_HELLO_WORD, name);

	return k < 0 ? 0 : (size_t)k < outlen ? (size_t)k : outlen - 1;
}

int chat_tcp_hello_parse(const uint8_t *line, size_t n, char name[CHAT_TCP_NAME_MAX + 1],
			 const char **why)
{
	const size_t hl = sizeof(CHAT_TCP_HELLO_WORD) - 1;

	if (n < hl || memcmp(line, CHAT_TCP_HELLO_WORD, hl) != 0) {
		*why = "its first line is not 'HELLO <name>'";
		return -1;
	}
	const char *p = (const char *)line + hl;
	size_t rest = n - hl;
	const char *sp = memchr(p, ' ', rest);
	size_t len = sp ? (size_t)(sp - p) : rest;
	if (!chat_tcp_name_valid(p, len)) {
		*why = "its name is not 1-32 of A-Z a-z 0-9 . _ - (starting with a letter or digit)";
		return -1;
	}
	memcpy(name, p, len);
	name[len] = '\0';
	return 0;
}

size_t chat_tcp_strip_cr(const uint8_t *line, size_t n)
{
	return n > 0 && line[n - 1] == '\r' ? n - 1 : n;
}

bool chat_tcp_is_quit(const uint8_t *line, size_t n)
{
	return n == sizeof(CHAT_TCP_QUIT) - 1 && memcmp(line, CHAT_TCP_QUIT, n) == 0;
}

/* The length of a well-formed UTF-8 sequence at p (2-4), with its code
 * point; 0 if the bytes are not one (RFC 3629: no overlongs, surrogates or
 * code points above U+10FFFF). */
static size_t chat_tcp_utf8_seq(const uint8_t *p, size_t n, uint32_t *cp)
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
static bool chat_tcp_cp_hidden(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c || cp == 0x200e || cp == 0x200f ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

size_t chat_tcp_escape(const uint8_t *in, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
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
		} else if (b >= 0x80 && (len = chat_tcp_utf8_seq(in + i, n - i, &cp)) > 0) {
			if (chat_tcp_cp_hidden(cp)) {
				/* 6 characters for 2 or 3 bytes: within 4 per byte. */
				o += (size_t)sprintf(out + o, "\\u%04X", (unsigned)cp);
			} else {
				memcpy(out + o, in + i, len);
				o += len;
			}
			i += len;
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[b >> 4];
			out[o++] = hex[b & 15];
			i++;
		}
	}
	out[o] = '\0';
	return o;
}
