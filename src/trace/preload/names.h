/* Value -> name tables for the record arguments (AF_INET, SOCK_STREAM,
 * SO_REUSEADDR, MSG_PEEK, SHUT_WR, TCP states, poll events) and the
 * writers that print a name, or the number when the table has none. */
#ifndef SOCKLAB_PRELOAD_NAMES_H
#define SOCKLAB_PRELOAD_NAMES_H

#include <stddef.h>

#include "trace/preload/emit.h"

struct name {
	long value;
	const char *name;
};

struct names {
	const struct name *v;
	size_t n;
};

extern const struct names tr_names_af;        /* dom=: AF_INET */
extern const struct names tr_names_fam;       /* fam=: inet */
extern const struct names tr_names_socktype;  /* type=: SOCK_STREAM */
extern const struct names tr_names_sock;      /* sock=: stream */
extern const struct names tr_names_sockflags; /* SOCK_NONBLOCK|SOCK_CLOEXEC */
extern const struct names tr_names_level;     /* SOL_SOCKET, IPPROTO_TCP */
extern const struct names tr_names_msg;       /* MSG_* */
extern const struct names tr_names_shut;      /* SHUT_* */
extern const struct names tr_names_tcp_state; /* tcpi_state: ESTABLISHED */
extern const struct names tr_names_poll;      /* poll events without POLL: IN */

/* The option names of one setsockopt level; NULL for a level without a table. */
const struct names *tr_names_sockopt(int level);
/* NULL when the value has no name. */
const char *tr_names_find(const struct names *t, long v);

/* The name, or the number. */
void tr_emit_name(struct emit *e, const struct names *t, long v);
void tr_emit_kv_name(struct emit *e, const char *key, const struct names *t, long v);
/* Flag names joined by '|', unnamed bits as one hex number, "0" for none. */
void tr_emit_flags(struct emit *e, const struct names *t, unsigned long v);
/* One entry of a poll list, "FD:IN|OUT", added to the list l on e (the
 * preload's hook and the eBPF backend's formatter write the same). */
void tr_emit_pollfd(struct emit *e, struct emit_list *l, int fd, short events);
void tr_emit_kv_flags(struct emit *e, const char *key, const struct names *t, unsigned long v);
/* socket()'s type: SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC. */
void tr_emit_kv_socktype(struct emit *e, const char *key, int type);

#endif
