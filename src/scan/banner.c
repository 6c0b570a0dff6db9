/* Banner escaping and shortening. */
#include "scan/banner.h"

#include "core/textesc.h"

static size_t escape_one(uint8_t c, char out[5])
{
	switch (c) {
	case '\r': out[0] = '\\'; out[1] = 'r'; return 2;
	case '\n': out[0] = '\\'; out[1] = 'n'; return 2;
	case '\t': out[0] = '\\'; out[1] = 't'; return 2;
	case '\\': out[0] = '\\'; out[1] = '\\'; return 2;
	default:
		break;
	}
	if (c >= 0x20 && c < 0x7f) {
		out[0] = (char)c;
		return 1;
	}
	return textesc_hex_byte(c, out);
}

size_t scan_banner_escaped_len(const uint8_t *in, size_t n)
{
	char tmp[5];
	size_t len = 0;

	for (size_t i = 0; i < n; i++)
		len += escape_one(in[i], tmp);
	return len;
}

size_t scan_banner_escape(const uint8_t *in, size_t n, char *out, size_t cap, size_t max_chars)
{
	static const char dots[] = "...";
	char e[5];
	size_t len = 0;

	if (cap == 0)
		return 0;
	if (max_chars >= cap)
		max_chars = cap - 1;
	size_t full = scan_banner_escaped_len(in, n);
	size_t room = full <= max_chars ? max_chars : (max_chars >= 3 ? max_chars - 3 : 0);
	for (size_t i = 0; i < n; i++) {
		size_t k = escape_one(in[i], e);
		if (len + k > room)
			break;
		for (size_t j = 0; j < k; j++)
			out[len++] = e[j];
	}
	if (full > max_chars)
		for (size_t j = 0; j < 3 && len < max_chars; j++)
			out[len++] = dots[j];
	out[len] = '\0';
	return len;
}
