/* The UDP chat's wire format (docs/chat-protocol.md): a header line
 * "SLC1 <token> <ack>" and message lines "<seq> <VERB> <args>". Parsing
 * fills a struct of views into the datagram; building appends lines while
 * they fit. Pure functions over bytes, shared by chat-server and chat-client. */
#ifndef SOCKLAB_CORE_CHATPROTO_H
#define SOCKLAB_CORE_CHATPROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CHAT_MAGIC "SLC1"
#define CHAT_DGRAM_MAX 1200   /* fits one unfragmented IPv6 packet */
#define CHAT_MSGS_MAX 64      /* messages in one datagram */
#define CHAT_LINE_MAX 600     /* one message line with its LF */
#define CHAT_TEXT_MAX 512     /* a chat line typed by a user */
#define CHAT_NAME_MAX 32      /* user and room names */
#define CHAT_TOKEN_HEX 16
#define CHAT_SEQ_MAX 999999999999ULL /* 12 digits: never reached, always parsed */
/* Flood control: SAY and PRIV lines a second per user, in bursts of twice
 * that — chat-server's default, and the pace chat-client keeps to (with a
 * smaller burst: the rest is headroom for lines that bunch up on the way). */
#define CHAT_FLOOD_RATE 20
#define CHAT_FLOOD_BURST (2 * CHAT_FLOOD_RATE)

enum chat_parse_error {
	CHAT_OK = 0,
	CHAT_E_SIZE,    /* empty, or larger than CHAT_DGRAM_MAX */
	CHAT_E_MAGIC,   /* not "SLC1 " */
	CHAT_E_TOKEN,   /* not "-" nor 16 lowercase hex digits */
	CHAT_E_NUMBER,  /* ack or seq not a decimal in range */
	CHAT_E_LF,      /* a line without its LF */
	CHAT_E_LINE,    /* an empty or overlong message line */
	CHAT_E_CTRL,    /* a control character other than tab */
	CHAT_E_COUNT,   /* more than CHAT_MSGS_MAX messages */
};

struct chat_msg {
	uint64_t seq;
	const char *line;  /* "VERB args", not NUL-terminated */
	size_t len;
};

struct chat_dgram {
	bool has_token;
	uint64_t token;
	uint64_t ack;
	struct chat_msg msgs[CHAT_MSGS_MAX];
	unsigned n;
};

int chatwire_dgram_parse(const uint8_t *p, size_t n, struct chat_dgram *out);
const char *chatwire_parse_error_name(int err);

struct chat_builder {
	uint8_t buf[CHAT_DGRAM_MAX];
	size_t len;
	unsigned n;
};

void chatwire_builder_start(struct chat_builder *b, bool has_token, uint64_t token, uint64_t ack);
/* Appends "<seq> <line>\n"; false (and nothing added) when it does not fit. */
bool chatwire_builder_add(struct chat_builder *b, uint64_t seq, const char *line, size_t len);

/* A word of a message line. */
struct chat_word {
	const char *p;
	size_t len;
};

/* The next space-separated word at *p (advanced past it and one space);
 * false at the end. */
bool chatwire_next_word(const char **p, const char *end, struct chat_word *w);
bool chatwire_word_is(const struct chat_word *w, const char *s);
/* 1 to 32 characters of A-Z a-z 0-9 and "_-.", starting with a letter or digit. */
bool chatwire_valid_name(const char *s, size_t n);
/* At most CHAT_TEXT_MAX bytes, no control characters but tab, not empty. */
bool chatwire_valid_text(const char *s, size_t n);

#endif
