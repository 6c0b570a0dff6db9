/* The wire format of socklab chat (docs/chat.md, "socklab chat (TCP)"): each
 * side first sends "HELLO <name>\n", then every chat line is one LF-ended
 * line. Pure functions over bytes: names, the hello, ":q". A peer's line is
 * shown through core/textesc (textesc_term), which keeps its bytes from
 * reaching the terminal as control codes. */
#ifndef SOCKLAB_CHAT_PROTO_H
#define SOCKLAB_CHAT_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chatwire/chatproto.h"
#include "core/textesc.h"

#define CHAT_TCP_LINE_MAX 4096      /* a chat line, without its LF */
#define CHAT_TCP_NAME_MAX CHAT_NAME_MAX
#define CHAT_TCP_HELLO_WORD "HELLO "
#define CHAT_TCP_HELLO_MAX (sizeof(CHAT_TCP_HELLO_WORD) + CHAT_TCP_NAME_MAX + 1) /* with LF, NUL */
#define CHAT_TCP_QUIT ":q"
/* A peer's line escaped for the terminal (textesc_term). */
#define CHAT_TCP_ESCAPED_MAX TEXTESC_MAX(CHAT_TCP_LINE_MAX)

/* A name as the UDP chat allows it (chatwire/chatproto.h: chatwire_valid_name). */
bool chat_name_valid(const char *s, size_t n);

/* "HELLO name\n" into out (at least CHAT_TCP_HELLO_MAX bytes); its length. */
size_t chat_hello_format(const char *name, char *out, size_t outlen);

/* The peer's first line (without LF or a CR before it): "HELLO name", maybe
 * followed by " more" (reserved for later versions, ignored). 0 with the
 * name copied (NUL-terminated), or -1 with *why set. */
int chat_hello_parse(const uint8_t *line, size_t n, char name[CHAT_TCP_NAME_MAX + 1],
			 const char **why);

/* n without one trailing CR: lines from Windows or telnet peers end "\r\n". */
size_t chat_strip_cr(const uint8_t *line, size_t n);

/* The line is ":q" (leave). */
bool chat_is_quit(const uint8_t *line, size_t n);

#endif
