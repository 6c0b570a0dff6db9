/* ss's filter words after the options: FILTER := [ state STATE | exclude
 * STATE ]... [ EXPRESSION ], where EXPRESSION is ss's language of sport,
 * dport, src, dst conditions joined with and/or/not and parentheses.
 * Parsing and matching are pure; service names come from a lookup function
 * the caller gives (getservbyname in the tool, a table in tests). */
#ifndef SOCKLAB_SOCKETS_EXPR_H
#define SOCKLAB_SOCKETS_EXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sockets/entry.h"

/* Nodes of one expression; more is an error ("too long"). */
#define SOCKETS_EXPR_MAX 64
/* Tokens of the filter words, and their text. */
#define SOCKETS_EXPR_TOKENS 192
#define SOCKETS_EXPR_TEXT 2048

/* ss's SS_ALL: TCP_ESTABLISHED (1) .. TCP_CLOSING (11), and bit 0. */
#define SOCKETS_STATES_ALL 0xfffu

enum sockets_expr_kind {
	SOCKETS_X_AND,
	SOCKETS_X_OR,
	SOCKETS_X_NOT,
	SOCKETS_X_SPORT, /* local port <op> port */
	SOCKETS_X_DPORT, /* peer port <op> port */
	SOCKETS_X_SRC,   /* local end matches host */
	SOCKETS_X_DST,   /* peer end matches host */
};

enum sockets_expr_op { SOCKETS_OP_EQ, SOCKETS_OP_NE, SOCKETS_OP_LT, SOCKETS_OP_LE,
		       SOCKETS_OP_GT, SOCKETS_OP_GE };

/* One end as ss's HOSTCOND: "10.0.0.0/8", "127.0.0.1:8080", "[::1]:80",
 * ":80", "*", or a Unix path pattern "/run/ *.sock", "@name". */
struct sockets_hostcond {
	uint8_t family;     /* AF_INET, AF_INET6, AF_UNIX; 0: any IP address */
	uint8_t addr[16];   /* network order */
	uint8_t prefix;     /* bits of addr that must match */
	int32_t port;       /* -1: any port */
	char path[SOCKETS_PATH_MAX]; /* AF_UNIX: an fnmatch pattern */
};

struct sockets_expr_node {
	uint8_t kind;       /* enum sockets_expr_kind */
	uint8_t op;         /* enum sockets_expr_op: ports, and EQ/NE for hosts */
	int16_t a, b;       /* children: AND, OR (a, b), NOT (a) */
	uint16_t port;
	struct sockets_hostcond host;
};

struct sockets_expr {
	struct sockets_expr_node v[SOCKETS_EXPR_MAX];
	int n;
	int root;           /* -1: no expression (everything matches) */
};

struct sockets_filter_spec {
	bool have_states;   /* a state or exclude word came */
	uint32_t states;    /* the state bits they select */
	struct sockets_expr expr;
};

/* A service name to its port ("http" -> 80): 0, or -1 when unknown. */
typedef int (*sockets_service_fn)(const char *name, uint16_t *port);

/* One state word: ss's names (established, syn-sent, syn-recv, fin-wait-1,
 * fin-wait-2, time-wait, closed, close-wait, last-ack, listening, closing,
 * unconnected) and groups (all, connected, synchronized, bucket, big), any
 * case: its bits, or 0 when unknown. */
uint32_t sockets_state_mask(const char *name);

/* A port as ss's filters write it: "80", ":80", ":http", "*:80": 0, or -1
 * with a reason in *why. */
int sockets_expr_parse_port(const char *text, sockets_service_fn services, uint16_t *port,
			    const char **why);

/* Parses the filter words words[0..n) into out: 0, or -1 with a one-line
 * reason in err. */
int sockets_filter_parse(int n, char *const words[], sockets_service_fn services,
			 struct sockets_filter_spec *out, char *err, size_t errlen);

/* Whether e matches x (true for an empty expression). */
bool sockets_expr_match(const struct sockets_expr *x, const struct sockets_entry *e);

/* Keeps the entries of l that match x. */
void sockets_keep_expr(struct sockets_list *l, const struct sockets_expr *x);

#endif
