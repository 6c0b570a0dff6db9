/* socklab chat's line protocol: names, hello, escaping. No I/O. */
#include "chat/proto.h"

#include <stdio.h>
#include <string.h>

#include "chatwire/chatproto.h"

bool chat_name_valid(const char *s, size_t n)
{
	return chatwire_valid_name(s, n); /* the same names as the UDP chat's */
}

size_t chat_hello_format(const char *name, char *out, size_t outlen)
{
	int k = snprintf(out, outlen, "%s%s\n", CHAT_TCP_HELLO_WORD, name);

	return k < 0 ? 0 : (size_t)k < outlen ? (size_t)k : outlen - 1;
}

int chat_hello_parse(const uint8_t *line, size_t n, char name[CHAT_TCP_NAME_MAX + 1],
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
	if (!chat_name_valid(p, len)) {
		*why = "its name is not 1-32 of A-Z a-z 0-9 . _ - (starting with a letter or digit)";
		return -1;
	}
	memcpy(name, p, len);
	name[len] = '\0';
	return 0;
}

size_t chat_strip_cr(const uint8_t *line, size_t n)
{
	return n > 0 && line[n - 1] == '\r' ? n - 1 : n;
}

bool chat_is_quit(const uint8_t *line, size_t n)
{
	return n == sizeof(CHAT_TCP_QUIT) - 1 && memcmp(line, CHAT_TCP_QUIT, n) == 0;
}
