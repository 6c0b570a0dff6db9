/* The bounded record writer: numbers, %XX escapes and socket addresses,
 * formatted by hand because snprintf and inet_ntop are not promised to be
 * safe in a signal handler, where a traced program may well call send(). */
#include "trace/preload/emit.h"

#include <netinet/in.h>
#include <string.h>

size_t tr_emit_mark(struct emit *e)
{
	e->over = false;
	return e->len;
}

bool tr_emit_commit(struct emit *e, size_t mark)
{
	if (!e->over)
		return true;
	e->len = mark;
	e->over = false;
	return false;
}

void tr_emit_mem(struct emit *e, const char *s, size_t n)
{
	if (e->over || n > e->cap - e->len) {
		e->over = true;
		return;
	}
	memcpy(e->buf + e->len, s, n);
	e->len += n;
}

void tr_emit_str(struct emit *e, const char *s)
{
	tr_emit_mem(e, s, strlen(s));
}

void tr_emit_char(struct emit *e, char c)
{
	tr_emit_mem(e, &c, 1);
}

void tr_emit_u64(struct emit *e, uint64_t v)
{
	char tmp[20];
	size_t i = sizeof tmp;

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	tr_emit_mem(e, tmp + i, sizeof tmp - i);
}

void tr_emit_i64(struct emit *e, int64_t v)
{
	if (v < 0) {
		tr_emit_char(e, '-');
		/* negate in unsigned arithmetic: INT64_MIN has no positive twin */
		tr_emit_u64(e, (uint64_t)0 - (uint64_t)v);
	} else {
		tr_emit_u64(e, (uint64_t)v);
	}
}

static const char hexdigits[] = "0123456789abcdef";

static void emit_hex_digits(struct emit *e, uint64_t v)
{
	char tmp[16];
	size_t i = sizeof tmp;

	do {
		tmp[--i] = hexdigits[v & 0xf];
		v >>= 4;
	} while (v != 0);
	tr_emit_mem(e, tmp + i, sizeof tmp - i);
}

void tr_emit_hex(struct emit *e, uint64_t v)
{
	tr_emit_str(e, "0x");
	emit_hex_digits(e, v);
}

void tr_emit_escaped(struct emit *e, const char *s, size_t n)
{
	static const char upper[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n && !e->over; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x21 || c > 0x7e || c == '%' || c == ',') {
			char esc[3] = { '%', upper[c >> 4], upper[c & 0xf] };

			if (sizeof esc > e->cap - e->len)
				break;
			tr_emit_mem(e, esc, sizeof esc);
		} else {
			if (e->len >= e->cap)
				break;
			tr_emit_char(e, (char)c);
		}
	}
}

static void emit_ip4(struct emit *e, const uint8_t a[4])
{
	for (int i = 0; i < 4; i++) {
		if (i > 0)
			tr_emit_char(e, '.');
		tr_emit_u64(e, a[i]);
	}
}

/* RFC 5952: the longest run of two or more zero groups (the first of equal
 * runs) becomes "::"; a v4-mapped address keeps its dotted tail, as
 * inet_ntop writes it. */
static void emit_ip6(struct emit *e, const uint8_t a[16])
{
	unsigned w[8];
	int best = -1, bestlen = 0, cur = -1, curlen = 0;

	for (int i = 0; i < 8; i++) {
		w[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
		if (w[i] != 0) {
			cur = -1;
			continue;
		}
		if (cur < 0) {
			cur = i;
			curlen = 0;
		}
		if (++curlen > bestlen) {
			best = cur;
			bestlen = curlen;
		}
	}
	if (bestlen < 2)
		best = -1;
	if (best == 0 && bestlen == 5 && w[5] == 0xffff) {
		tr_emit_str(e, "::ffff:");
		emit_ip4(e, a + 12);
		return;
	}
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			tr_emit_str(e, "::");
			i += bestlen - 1;
			continue;
		}
		if (i > 0 && !(best >= 0 && i == best + bestlen))
			tr_emit_char(e, ':');
		emit_hex_digits(e, w[i]);
	}
}

bool tr_emit_sockaddr(struct emit *e, const struct sockaddr *sa, size_t len)
{
	sa_family_t family;

	if (!sa || len < sizeof family)
		return false;
	memcpy(&family, (const char *)sa + offsetof(struct sockaddr, sa_family), sizeof family);
	if (family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		struct sockaddr_in sin;

		memcpy(&sin, sa, sizeof sin);
		emit_ip4(e, (const uint8_t *)&sin.sin_addr);
		tr_emit_char(e, ':');
		tr_emit_u64(e, ntohs(sin.sin_port));
		return true;
	}
	if (family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		struct sockaddr_in6 sin6;

		memcpy(&sin6, sa, sizeof sin6);
		tr_emit_char(e, '[');
		emit_ip6(e, sin6.sin6_addr.s6_addr);
		tr_emit_str(e, "]:");
		tr_emit_u64(e, ntohs(sin6.sin6_port));
		return true;
	}
	return false;
}

size_t tr_emit_key(struct emit *e, const char *key)
{
	size_t m = tr_emit_mark(e);

	tr_emit_char(e, ' ');
	tr_emit_str(e, key);
	tr_emit_char(e, '=');
	return m;
}

void tr_emit_kv_i64(struct emit *e, const char *key, int64_t v)
{
	size_t m = tr_emit_key(e, key);

	tr_emit_i64(e, v);
	tr_emit_commit(e, m);
}

void tr_emit_kv_u64(struct emit *e, const char *key, uint64_t v)
{
	size_t m = tr_emit_key(e, key);

	tr_emit_u64(e, v);
	tr_emit_commit(e, m);
}

void tr_emit_kv_str(struct emit *e, const char *key, const char *v)
{
	size_t m = tr_emit_key(e, key);

	tr_emit_str(e, v);
	tr_emit_commit(e, m);
}

bool tr_emit_kv_addr(struct emit *e, const char *key, const struct sockaddr *sa, size_t len)
{
	size_t m = tr_emit_key(e, key);

	if (!tr_emit_sockaddr(e, sa, len)) {
		e->len = m;
		return false;
	}
	return tr_emit_commit(e, m);
}

void tr_emit_list_open(struct emit *e, struct emit_list *l, const char *key, size_t reserve)
{
	/* room for the mark of a cut list, too */
	size_t keep = reserve + sizeof EMIT_LIST_CUT - 1;

	l->start = tr_emit_mark(e);
	l->cap_saved = e->cap;
	l->n = 0;
	l->cut = false;
	e->cap = e->cap - e->len > keep ? e->cap - keep : e->len;
	tr_emit_key(e, key);
	if (e->over) {
		e->len = l->start;
		e->over = true; /* keeps the items out as well */
	}
}

void tr_emit_list_item(struct emit *e, struct emit_list *l, const char *item, size_t n)
{
	size_t m;

	if (e->over)
		return;
	m = e->len;
	if (l->n > 0)
		tr_emit_char(e, ',');
	tr_emit_mem(e, item, n);
	if (e->over) {
		e->len = m; /* over stays set: the rest of the list is left off */
		l->cut = true;
	} else {
		l->n++;
	}
}

void tr_emit_list_close(struct emit *e, struct emit_list *l)
{
	e->cap = l->cap_saved;
	e->over = false;
	if (l->cut) { /* ",...", or "..." when not even the first item fitted */
		size_t skip = l->n == 0;

		tr_emit_mem(e, &EMIT_LIST_CUT[skip], sizeof EMIT_LIST_CUT - 1 - skip);
	} else if (l->n == 0) {
		e->len = l->start;
	}
}
