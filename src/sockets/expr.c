/* ss's filter language: words split into tokens, a recursive-descent parser
 * into a node array (no allocation), and the matcher. */
#include "sockets/expr.h"

#include <arpa/inet.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "core/opt.h"

#define ST(s) (1u << SOCKETS_ST_##s)

uint32_t sockets_state_mask(const char *name)
{
	static const struct {
		const char *name;
		uint32_t bits;
	} names[] = {
		{ "established", ST(ESTABLISHED) },
		{ "syn-sent", ST(SYN_SENT) },
		{ "syn-recv", ST(SYN_RECV) },
		{ "syn-rcv", ST(SYN_RECV) },
		{ "fin-wait-1", ST(FIN_WAIT1) },
		{ "fin-wait-2", ST(FIN_WAIT2) },
		{ "time-wait", ST(TIME_WAIT) },
		{ "closed", ST(CLOSE) },
		{ "close", ST(CLOSE) },
		{ "unconnected", ST(CLOSE) },
		{ "close-wait", ST(CLOSE_WAIT) },
		{ "last-ack", ST(LAST_ACK) },
		{ "listening", ST(LISTEN) },
		{ "listen", ST(LISTEN) },
		{ "closing", ST(CLOSING) },
		/* ss's groups (ss(8), "STATE-FILTER") */
		{ "all", SOCKETS_STATES_ALL },
		{ "connected", SOCKETS_STATES_ALL & ~(ST(LISTEN) | ST(CLOSE)) },
		{ "synchronized", SOCKETS_STATES_ALL & ~(ST(LISTEN) | ST(CLOSE) | ST(SYN_SENT)) },
		{ "bucket", ST(SYN_RECV) | ST(TIME_WAIT) },
		{ "big", SOCKETS_STATES_ALL & ~(ST(SYN_RECV) | ST(TIME_WAIT)) },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(name, names[i].name) == 0)
			return names[i].bits;
	return 0;
}

int sockets_expr_parse_port(const char *text, sockets_service_fn services, uint16_t *port,
			    const char **why)
{
	if (strncmp(text, "*:", 2) == 0)
		text += 2;
	else if (*text == ':')
		text++;
	if (*text == '\0') {
		*why = "no port";
		return -1;
	}
	if (*text >= '0' && *text <= '9')
		return opt_parse_port(text, port, why);
	if (services && services(text, port) == 0)
		return 0;
	*why = "not a port number or a known service name";
	return -1;
}

/* ---- tokens ---- */

struct expr_lexer {
	const char *tok[SOCKETS_EXPR_TOKENS];
	int n, at;
	char text[SOCKETS_EXPR_TEXT];
	size_t used;
	char *err;
	size_t errlen;
	sockets_service_fn services;
	struct sockets_expr *x;
};

static int lex_push(struct expr_lexer *lx, const char *p, size_t len)
{
	if (lx->n == SOCKETS_EXPR_TOKENS || lx->used + len + 1 > sizeof(lx->text)) {
		snprintf(lx->err, lx->errlen, "filter too long");
		return -1;
	}
	memcpy(lx->text + lx->used, p, len);
	lx->text[lx->used + len] = '\0';
	lx->tok[lx->n++] = lx->text + lx->used;
	lx->used += len + 1;
	return 0;
}

static bool lex_is_op(char c)
{
	return c == '=' || c == '<' || c == '>' || c == '!';
}

/* A word may hold several tokens ("sport=:80", "(dport", "!src"): spaces
 * separate, parentheses stand alone, and a run of = < > ! is an operator,
 * except a lone "!" which is "not". */
static int lex_word(struct expr_lexer *lx, const char *w)
{
	const char *p = w;

	while (*p) {
		const char *start = p;
		if (*p == ' ' || *p == '\t' || *p == '\n') {
			p++;
			continue;
		}
		if (*p == '(' || *p == ')') {
			p++;
		} else if (lex_is_op(*p)) {
			while (lex_is_op(*p) && !(p > start && *p == '!'))
				p++;
		} else {
			while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '(' &&
			       *p != ')' && !lex_is_op(*p))
				p++;
		}
		if (lex_push(lx, start, (size_t)(p - start)) < 0)
			return -1;
	}
	return 0;
}

static const char *lex_peek(const struct expr_lexer *lx)
{
	return lx->at < lx->n ? lx->tok[lx->at] : NULL;
}

static bool lex_is(const struct expr_lexer *lx, const char *const *names)
{
	const char *t = lex_peek(lx);

	for (; t && *names; names++)
		if (strcmp(t, *names) == 0)
			return true;
	return false;
}

/* ---- nodes ---- */

static int node_new(struct expr_lexer *lx, uint8_t kind)
{
	struct sockets_expr *x = lx->x;

	if (x->n == SOCKETS_EXPR_MAX) {
		snprintf(lx->err, lx->errlen, "filter expression too long (more than %d terms)",
			 SOCKETS_EXPR_MAX);
		return -1;
	}
	memset(&x->v[x->n], 0, sizeof(x->v[0]));
	x->v[x->n].kind = kind;
	x->v[x->n].a = x->v[x->n].b = -1;
	return x->n++;
}

static int node_pair(struct expr_lexer *lx, uint8_t kind, int a, int b)
{
	int n = node_new(lx, kind);

	if (n >= 0) {
		lx->x->v[n].a = (int16_t)a;
		lx->x->v[n].b = (int16_t)b;
	}
	return n;
}

/* ---- conditions ---- */

static const char *const expr_or[] = { "or", "||", "|", NULL };
static const char *const expr_and[] = { "and", "&&", "&", NULL };
static const char *const expr_not[] = { "not", "!", NULL };

/* An operator word, or -1 (then *eq_only says nothing). */
static int expr_op(const char *t)
{
	static const struct {
		const char *name;
		uint8_t op;
	} ops[] = {
		{ "=", SOCKETS_OP_EQ }, { "==", SOCKETS_OP_EQ }, { "eq", SOCKETS_OP_EQ },
		{ "!=", SOCKETS_OP_NE }, { "ne", SOCKETS_OP_NE }, { "neq", SOCKETS_OP_NE },
		{ "<", SOCKETS_OP_LT }, { "lt", SOCKETS_OP_LT }, { "<=", SOCKETS_OP_LE },
		{ "le", SOCKETS_OP_LE }, { "leq", SOCKETS_OP_LE }, { ">", SOCKETS_OP_GT },
		{ "gt", SOCKETS_OP_GT }, { ">=", SOCKETS_OP_GE }, { "ge", SOCKETS_OP_GE },
		{ "geq", SOCKETS_OP_GE },
	};

	for (size_t i = 0; t && i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(t, ops[i].name) == 0)
			return ops[i].op;
	return -1;
}

/* "a.b.c.d[/len]" or "v6[/len]" into h; 0 or -1. */
static int expr_parse_addr(const char *text, struct sockets_hostcond *h)
{
	char buf[INET6_ADDRSTRLEN + 8];
	char *slash;
	unsigned maxbits;

	if (strlen(text) >= sizeof(buf))
		return -1;
	strcpy(buf, text);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	if (inet_pton(AF_INET, buf, h->addr) == 1) {
		h->family = AF_INET;
		maxbits = 32;
	} else if (inet_pton(AF_INET6, buf, h->addr) == 1) {
		h->family = AF_INET6;
		maxbits = 128;
	} else {
		return -1;
	}
	h->prefix = (uint8_t)maxbits;
	if (slash) {
		uint64_t bits;
		const char *why;
		if (opt_parse_u64(slash, 0, maxbits, &bits, &why) < 0)
			return -1;
		h->prefix = (uint8_t)bits;
	}
	return 0;
}

/* ss's HOSTCOND. */
static int expr_parse_host(struct expr_lexer *lx, const char *text, struct sockets_hostcond *h)
{
	char addr[INET6_ADDRSTRLEN + 8];
	const char *port = NULL, *why;
	size_t alen;

	memset(h, 0, sizeof(*h));
	h->port = -1;
	if (text[0] == '/' || text[0] == '@') {
		if (strlen(text) >= sizeof(h->path))
			goto bad;
		h->family = AF_UNIX;
		strcpy(h->path, text);
		return 0;
	}
	if (text[0] == '[') {
		const char *close = strchr(text, ']');
		if (!close)
			goto bad;
		alen = (size_t)(close - text - 1);
		if (alen >= sizeof(addr))
			goto bad;
		memcpy(addr, text + 1, alen);
		addr[alen] = '\0';
		if (close[1] == ':')
			port = close + 2;
		else if (close[1] != '\0')
			goto bad;
	} else {
		const char *colon = strchr(text, ':');
		/* More than one colon and no brackets: an IPv6 address alone. */
		if (colon && strchr(colon + 1, ':'))
			colon = NULL;
		alen = colon ? (size_t)(colon - text) : strlen(text);
		if (alen >= sizeof(addr))
			goto bad;
		memcpy(addr, text, alen);
		addr[alen] = '\0';
		if (colon)
			port = colon + 1;
	}
	if (addr[0] != '\0' && strcmp(addr, "*") != 0 && expr_parse_addr(addr, h) < 0)
		goto bad;
	if (port && strcmp(port, "*") != 0) {
		uint16_t p;
		if (sockets_expr_parse_port(port, lx->services, &p, &why) < 0) {
			snprintf(lx->err, lx->errlen, "filter: '%s': %s", text, why);
			return -1;
		}
		h->port = p;
	}
	return 0;
bad:
	snprintf(lx->err, lx->errlen,
		 "filter: '%s' is not an address (numeric: 10.0.0.0/8, 127.0.0.1:80, [::1]:80, "
		 ":80, or a Unix path)", text);
	return -1;
}

static int expr_cond(struct expr_lexer *lx)
{
	const char *word = lex_peek(lx);
	bool port_cond = strcmp(word, "sport") == 0 || strcmp(word, "dport") == 0;
	int op = SOCKETS_OP_EQ, n;
	const char *why, *arg;

	lx->at++;
	if (expr_op(lex_peek(lx)) >= 0)
		op = expr_op(lx->tok[lx->at++]);
	arg = lex_peek(lx);
	if (!arg || strcmp(arg, "(") == 0 || strcmp(arg, ")") == 0) {
		snprintf(lx->err, lx->errlen, "filter: '%s' needs %s", word,
			 port_cond ? "a port (sport = :80)" : "an address (dst 10.0.0.0/8)");
		return -1;
	}
	lx->at++;
	if (port_cond) {
		n = node_new(lx, word[0] == 's' ? SOCKETS_X_SPORT : SOCKETS_X_DPORT);
		if (n < 0)
			return -1;
		if (sockets_expr_parse_port(arg, lx->services, &lx->x->v[n].port, &why) < 0) {
			snprintf(lx->err, lx->errlen, "filter: %s %s: %s", word, arg, why);
			return -1;
		}
	} else {
		if (op != SOCKETS_OP_EQ && op != SOCKETS_OP_NE) {
			snprintf(lx->err, lx->errlen, "filter: %s compares with = or != only", word);
			return -1;
		}
		n = node_new(lx, word[0] == 's' ? SOCKETS_X_SRC : SOCKETS_X_DST);
		if (n < 0 || expr_parse_host(lx, arg, &lx->x->v[n].host) < 0)
			return -1;
	}
	lx->x->v[n].op = (uint8_t)op;
	return n;
}

static int expr_or_list(struct expr_lexer *lx, int depth);

static int expr_factor(struct expr_lexer *lx, int depth)
{
	static const char *const conds[] = { "sport", "dport", "src", "dst", NULL };
	const char *t = lex_peek(lx);

	if (depth > SOCKETS_EXPR_MAX) {
		snprintf(lx->err, lx->errlen, "filter nested too deeply");
		return -1;
	}
	if (!t) {
		snprintf(lx->err, lx->errlen, "filter ends too early");
		return -1;
	}
	if (lex_is(lx, expr_not)) {
		lx->at++;
		int a = expr_factor(lx, depth + 1);
		return a < 0 ? -1 : node_pair(lx, SOCKETS_X_NOT, a, -1);
	}
	if (strcmp(t, "(") == 0) {
		lx->at++;
		int a = expr_or_list(lx, depth + 1);
		if (a < 0)
			return -1;
		if (!lex_peek(lx) || strcmp(lex_peek(lx), ")") != 0) {
			snprintf(lx->err, lx->errlen, "filter: '(' without ')'");
			return -1;
		}
		lx->at++;
		return a;
	}
	if (lex_is(lx, conds))
		return expr_cond(lx);
	if (strcmp(t, "state") == 0 || strcmp(t, "exclude") == 0 || strcmp(t, "excl") == 0)
		snprintf(lx->err, lx->errlen, "filter: '%s' goes before the expression", t);
	else if (strcmp(t, "dev") == 0 || strcmp(t, "fwmark") == 0 || strcmp(t, "cgroup") == 0 ||
		 strcmp(t, "autobound") == 0)
		snprintf(lx->err, lx->errlen, "filter: '%s' is not supported; socklab sockets "
			 "filters on sport, dport, src and dst", t);
	else
		snprintf(lx->err, lx->errlen, "filter: unexpected '%s' (conditions: sport, dport, "
			 "src, dst; joined by and, or, not, parentheses)", t);
	return -1;
}

/* Juxtaposed factors are joined by "and", as in ss. */
static int expr_and_list(struct expr_lexer *lx, int depth)
{
	int a = expr_factor(lx, depth);

	while (a >= 0 && lex_peek(lx) && !lex_is(lx, expr_or) && strcmp(lex_peek(lx), ")") != 0) {
		if (lex_is(lx, expr_and))
			lx->at++;
		int b = expr_factor(lx, depth);
		a = b < 0 ? -1 : node_pair(lx, SOCKETS_X_AND, a, b);
	}
	return a;
}

static int expr_or_list(struct expr_lexer *lx, int depth)
{
	int a = expr_and_list(lx, depth);

	while (a >= 0 && lex_is(lx, expr_or)) {
		lx->at++;
		int b = expr_and_list(lx, depth);
		a = b < 0 ? -1 : node_pair(lx, SOCKETS_X_OR, a, b);
	}
	return a;
}

int sockets_filter_parse(int n, char *const words[], sockets_service_fn services,
			 struct sockets_filter_spec *out, char *err, size_t errlen)
{
	struct expr_lexer *lx = calloc(1, sizeof(*lx));
	int rc = -1;

	memset(out, 0, sizeof(*out));
	out->expr.root = -1;
	if (!lx) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	lx->err = err;
	lx->errlen = errlen;
	lx->services = services;
	lx->x = &out->expr;
	for (int i = 0; i < n; i++)
		if (lex_word(lx, words[i]) < 0)
			goto out;
	/* state/exclude words first, as ss takes them. */
	while (lex_peek(lx)) {
		const char *t = lex_peek(lx);
		bool excl = strcmp(t, "exclude") == 0 || strcmp(t, "excl") == 0;
		if (!excl && strcmp(t, "state") != 0)
			break;
		lx->at++;
		const char *name = lex_peek(lx);
		uint32_t bits = name ? sockets_state_mask(name) : 0;
		if (!bits) {
			if (name)
				snprintf(err, errlen, "filter: %s %s: not a state (established, "
					 "listening, time-wait, ..., or all, connected, synchronized, "
					 "bucket, big)", t, name);
			else
				snprintf(err, errlen, "filter: '%s' needs a state name", t);
			goto out;
		}
		lx->at++;
		if (!out->have_states)
			out->states = excl ? SOCKETS_STATES_ALL : 0;
		out->have_states = true;
		if (excl)
			out->states &= ~bits;
		else
			out->states |= bits;
	}
	if (lex_peek(lx)) {
		out->expr.root = expr_or_list(lx, 0);
		if (out->expr.root < 0)
			goto out;
		if (lex_peek(lx)) {
			snprintf(err, errlen, "filter: unexpected '%s'", lex_peek(lx));
			goto out;
		}
	}
	rc = 0;
out:
	if (rc < 0)
		out->expr.root = -1;
	free(lx);
	return rc;
}

/* ---- matching ---- */

static bool expr_cmp(unsigned v, uint8_t op, unsigned want)
{
	switch (op) {
	case SOCKETS_OP_EQ: return v == want;
	case SOCKETS_OP_NE: return v != want;
	case SOCKETS_OP_LT: return v < want;
	case SOCKETS_OP_LE: return v <= want;
	case SOCKETS_OP_GT: return v > want;
	default: return v >= want;
	}
}

static bool expr_prefix_eq(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned bytes = bits / 8, rest = bits % 8;

	if (memcmp(a, b, bytes) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (a[bytes] & mask) == (b[bytes] & mask);
}

static bool expr_host_match(const struct sockets_hostcond *h, const struct sockets_entry *e,
			    bool local)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	const uint8_t *addr = local ? e->local_addr : e->peer_addr;
	uint16_t port = local ? e->local_port : e->peer_port;

	if (e->proto == SOCKETS_PROTO_UNIX) {
		/* ss matches a Unix socket's own name; the peer's is not known. */
		return h->family == AF_UNIX && local && fnmatch(h->path, e->path, 0) == 0;
	}
	if (h->family == AF_UNIX)
		return false;
	if (h->port >= 0 && port != (uint16_t)h->port)
		return false;
	if (h->family == 0)
		return true;
	if (h->family == e->family)
		return expr_prefix_eq(addr, h->addr, h->prefix);
	/* An IPv4 condition also matches IPv4-mapped IPv6 addresses, as in ss. */
	if (h->family == AF_INET && e->family == AF_INET6 && memcmp(addr, mapped, 12) == 0)
		return expr_prefix_eq(addr + 12, h->addr, h->prefix);
	return false;
}

static bool expr_eval(const struct sockets_expr *x, int i, const struct sockets_entry *e)
{
	const struct sockets_expr_node *nd = &x->v[i];
	bool unix_sock = e->proto == SOCKETS_PROTO_UNIX;

	switch (nd->kind) {
	case SOCKETS_X_AND: return expr_eval(x, nd->a, e) && expr_eval(x, nd->b, e);
	case SOCKETS_X_OR: return expr_eval(x, nd->a, e) || expr_eval(x, nd->b, e);
	case SOCKETS_X_NOT: return !expr_eval(x, nd->a, e);
	case SOCKETS_X_SPORT: return !unix_sock && expr_cmp(e->local_port, nd->op, nd->port);
	case SOCKETS_X_DPORT: return !unix_sock && expr_cmp(e->peer_port, nd->op, nd->port);
	case SOCKETS_X_SRC:
	case SOCKETS_X_DST: {
		bool m = expr_host_match(&nd->host, e, nd->kind == SOCKETS_X_SRC);
		return nd->op == SOCKETS_OP_NE ? !m : m;
	}
	default: return false;
	}
}

bool sockets_expr_match(const struct sockets_expr *x, const struct sockets_entry *e)
{
	return x->root < 0 || expr_eval(x, x->root, e);
}

void sockets_keep_expr(struct sockets_list *l, const struct sockets_expr *x)
{
	size_t kept = 0;

	if (x->root < 0)
		return;
	for (size_t i = 0; i < l->n; i++)
		if (sockets_expr_match(x, &l->v[i]))
			l->v[kept++] = l->v[i];
	l->n = kept;
}
