/* The bounded writer the preload library formats records with: text goes
 * into a caller's buffer (on the stack) and never past it. Nothing here
 * allocates, locks or calls printf, so a hook may format in any thread and
 * inside a signal handler. */
#ifndef SOCKLAB_PRELOAD_EMIT_H
#define SOCKLAB_PRELOAD_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "trace/record.h"

struct emit {
	char *buf;
	size_t cap;  /* bytes usable (a line keeps one more for its '\n') */
	size_t len;
	bool over;   /* something did not fit since the last tr_emit_mark */
};

/* A whole record: TRACE_RECORD_MAX bytes including the newline. */
#define EMIT_LINE(name)                      \
	char name##_buf[TRACE_RECORD_MAX];   \
	struct emit name = { name##_buf, TRACE_RECORD_MAX - 1, 0, false }

static inline struct emit emit_on(char *buf, size_t size)
{
	struct emit e = { buf, size, 0, false };
	return e;
}

/* Tokens are all or nothing: a number cut short would be a wrong number.
 * tr_emit_mark starts one; tr_emit_commit drops it again when it did not fit. */
size_t tr_emit_mark(struct emit *e);
bool tr_emit_commit(struct emit *e, size_t mark);

void tr_emit_mem(struct emit *e, const char *s, size_t n);
void tr_emit_str(struct emit *e, const char *s);
void tr_emit_char(struct emit *e, char c);
void tr_emit_i64(struct emit *e, int64_t v);
void tr_emit_u64(struct emit *e, uint64_t v);
void tr_emit_hex(struct emit *e, uint64_t v); /* 0x1f */
/* Bytes outside 0x21..0x7e, '%' and ',' become %XX (record.h). A value too
 * long for the line is cut between two escape units: this is the one place
 * where a record may hold less than the whole value. */
void tr_emit_escaped(struct emit *e, const char *s, size_t n);
/* 127.0.0.1:6666 or [::1]:6666; false (nothing written) for other families
 * or a length too short for the family. */
bool tr_emit_sockaddr(struct emit *e, const struct sockaddr *sa, size_t len);

/* " key=value" tokens, each written whole or not at all. */
/* " key=": the start of an argument; returns the mark to commit it at. */
size_t tr_emit_key(struct emit *e, const char *key);
void tr_emit_kv_i64(struct emit *e, const char *key, int64_t v);
void tr_emit_kv_u64(struct emit *e, const char *key, uint64_t v);
void tr_emit_kv_str(struct emit *e, const char *key, const char *v);
bool tr_emit_kv_addr(struct emit *e, const char *key, const struct sockaddr *sa, size_t len);

/* A comma-separated value built item by item (select's rd=3,4): it leaves
 * `reserve` bytes of the line free for the keys after it, and a list with
 * no item leaves no key behind. A list the line cannot hold whole ends in
 * EMIT_LIST_CUT after the items that fit (record.h): never cut silently. */
#define EMIT_LIST_CUT ",..."
struct emit_list {
	size_t start, cap_saved;
	unsigned n;
	bool cut;
};
void tr_emit_list_open(struct emit *e, struct emit_list *l, const char *key, size_t reserve);
void tr_emit_list_item(struct emit *e, struct emit_list *l, const char *item, size_t n);
void tr_emit_list_close(struct emit *e, struct emit_list *l);

#endif
