/* The pieces the trace printers share (layout.h): errno names, lane letters,
 * text cleaning, and the rule for naming TCP state changes. */
#include "trace/layout.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N(t) (sizeof(t) / sizeof((t)[0]))

struct errno_name {
	int err;
	const char *name;
};

/* The errnos socket calls report; strerror gives the words, this the name a
 * reader greps the man page for. */
static const struct errno_name errno_names[] = {
	{ EPERM, "EPERM" },
	{ ENOENT, "ENOENT" },
	{ EINTR, "EINTR" },
	{ EIO, "EIO" },
	{ EBADF, "EBADF" },
	{ EAGAIN, "EAGAIN" },
	{ ENOMEM, "ENOMEM" },
	{ EACCES, "EACCES" },
	{ EFAULT, "EFAULT" },
	{ EBUSY, "EBUSY" },
	{ EEXIST, "EEXIST" },
	{ EINVAL, "EINVAL" },
	{ ENFILE, "ENFILE" },
	{ EMFILE, "EMFILE" },
	{ ENOSPC, "ENOSPC" },
	{ EPIPE, "EPIPE" },
	{ ENOSYS, "ENOSYS" },
	{ ENOTSOCK, "ENOTSOCK" },
	{ EDESTADDRREQ, "EDESTADDRREQ" },
	{ EMSGSIZE, "EMSGSIZE" },
	{ EPROTOTYPE, "EPROTOTYPE" },
	{ ENOPROTOOPT, "ENOPROTOOPT" },
	{ EPROTONOSUPPORT, "EPROTONOSUPPORT" },
	{ ESOCKTNOSUPPORT, "ESOCKTNOSUPPORT" },
	{ EOPNOTSUPP, "EOPNOTSUPP" },
	{ EPFNOSUPPORT, "EPFNOSUPPORT" },
	{ EAFNOSUPPORT, "EAFNOSUPPORT" },
	{ EADDRINUSE, "EADDRINUSE" },
	{ EADDRNOTAVAIL, "EADDRNOTAVAIL" },
	{ ENETDOWN, "ENETDOWN" },
	{ ENETUNREACH, "ENETUNREACH" },
	{ ENETRESET, "ENETRESET" },
	{ ECONNABORTED, "ECONNABORTED" },
	{ ECONNRESET, "ECONNRESET" },
	{ ENOBUFS, "ENOBUFS" },
	{ EISCONN, "EISCONN" },
	{ ENOTCONN, "ENOTCONN" },
	{ ESHUTDOWN, "ESHUTDOWN" },
	{ ETIMEDOUT, "ETIMEDOUT" },
	{ ECONNREFUSED, "ECONNREFUSED" },
	{ EHOSTDOWN, "EHOSTDOWN" },
	{ EHOSTUNREACH, "EHOSTUNREACH" },
	{ EALREADY, "EALREADY" },
	{ EINPROGRESS, "EINPROGRESS" },
	{ EPROTO, "EPROTO" },
	{ ENONET, "ENONET" },
};

const char *tr_errno_name(int err)
{
	for (size_t i = 0; i < N(errno_names); i++)
		if (errno_names[i].err == err)
			return errno_names[i].name;
	return NULL;
}

char *tr_layout_lane_letter(uint32_t lane, char *buf, size_t n)
{
	char rev[8];
	size_t k = 0, o = 0;
	uint32_t v = lane;

	/* bijective base 26, as spreadsheet columns: A..Z, AA.. */
	do {
		rev[k++] = (char)('A' + v % 26);
		v = v / 26;
	} while (v-- > 0 && k < sizeof rev);
	if (n == 0)
		return buf;
	while (k > 0 && o + 1 < n)
		buf[o++] = rev[--k];
	buf[o] = '\0';
	return buf;
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when it is not one. */
static size_t utf8_seq(const unsigned char *s)
{
	unsigned char c = s[0];
	size_t len;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

char *tr_layout_clean(const char *s, bool keep_controls, char *buf, size_t n)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t o = 0;

	if (n == 0)
		return buf;
	while (*p != '\0') {
		size_t len = utf8_seq(p);
		/* C1 controls (U+0080..U+009F) steer terminals as much as C0 ones */
		bool control = len == 1 ? (*p < 0x20 || *p == 0x7f)
					: (len == 2 && p[0] == 0xc2 && p[1] < 0xa0);

		if (len == 0 || (control && !keep_controls)) {
			if (o + 4 >= n)
				break;
			snprintf(buf + o, n - o, "\\x%02x", *p);
			o += 4;
			p++;
			continue;
		}
		if (o + len >= n)
			break;
		memcpy(buf + o, p, len);
		o += len;
		p += len;
	}
	buf[o] = '\0';
	return buf;
}

size_t tr_layout_width(const char *s)
{
	size_t w = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
		if ((*p & 0xc0) != 0x80)
			w++;
	return w;
}

size_t tr_layout_wrap(const char *s, size_t n, size_t cols)
{
	size_t w = 0, space = 0, i = 0;

	if (cols == 0)
		cols = 1;
	while (i < n) {
		size_t len = 1;

		while (i + len < n && ((unsigned char)s[i + len] & 0xc0) == 0x80)
			len++;
		if (w == cols)
			return space ? space : i;
		if (s[i] == ' ' && i > 0)
			space = i;
		w++;
		i += len;
	}
	return n;
}

/* The first connection (or listener) met in a lane; another one that differs
 * makes the lane one with several sockets. */
struct lane_seen {
	struct tr_endpoint conn_local, conn_peer, listener;
};

static bool conn_eq(const struct tr_state *s, const struct lane_seen *seen)
{
	return tr_endpoint_eq(&s->local, &seen->conn_local) &&
	       tr_endpoint_eq(&s->peer, &seen->conn_peer);
}

int tr_layout_states_init(struct tr_layout_states *ls, const struct trace *t)
{
	struct lane_seen *seen;

	ls->nlanes = t->nlanes;
	ls->lane = calloc(t->nlanes ? t->nlanes : 1, 1);
	seen = calloc(t->nlanes ? t->nlanes : 1, sizeof *seen);
	if (!ls->lane || !seen) {
		free(seen);
		tr_layout_states_free(ls);
		return -1;
	}
	for (size_t i = 0; i < t->nstates; i++) {
		const struct tr_state *s = &t->states[i];
		uint8_t *f;

		if (s->lane >= t->nlanes)
			continue;
		f = &ls->lane[s->lane];
		if (s->peer.family != 0) {
			if (!(*f & LAYOUT_HAS_CONN)) {
				seen[s->lane].conn_local = s->local;
				seen[s->lane].conn_peer = s->peer;
				*f |= LAYOUT_HAS_CONN;
			} else if (!conn_eq(s, &seen[s->lane])) {
				*f |= LAYOUT_SEVERAL;
			}
		} else {
			if (!(*f & LAYOUT_HAS_LISTENER)) {
				seen[s->lane].listener = s->local;
				*f |= LAYOUT_HAS_LISTENER;
			} else if (!tr_endpoint_eq(&s->local, &seen[s->lane].listener)) {
				*f |= LAYOUT_SEVERAL;
			}
		}
	}
	free(seen);
	return 0;
}

void tr_layout_states_free(struct tr_layout_states *ls)
{
	free(ls->lane);
	ls->lane = NULL;
	ls->nlanes = 0;
}

char *tr_layout_state_label(const struct tr_layout_states *ls, const struct tr_state *s,
			 bool with_letter, char *buf, size_t n)
{
	char letter[8] = "", local[TR_ADDRSTR_MAX], peer[TR_ADDRSTR_MAX], who[2 * TR_ADDRSTR_MAX + 2];
	uint8_t f = s->lane < ls->nlanes ? ls->lane[s->lane] : 0;
	const char *state = tr_tcp_state_name(s->to);
	bool listener = s->peer.family == 0;

	if (with_letter) {
		if (s->lane < ls->nlanes)
			tr_layout_lane_letter(s->lane, letter, sizeof letter);
		else
			snprintf(letter, sizeof letter, "?");
	}
	who[0] = '\0';
	if (f & LAYOUT_SEVERAL) {
		tr_endpoint_format(&s->local, local, sizeof local);
		if (listener)
			snprintf(who, sizeof who, "%s", local);
		else
			snprintf(who, sizeof who, "%s>%s", local,
				 tr_endpoint_format(&s->peer, peer, sizeof peer));
	} else if (listener && s->to != TCPS_LISTEN && (f & LAYOUT_HAS_CONN)) {
		/* "B CLOSED" right after accept would read as the connection's */
		snprintf(who, sizeof who, "listener");
	}
	snprintf(buf, n, "%s%s%s%s%s", letter, *letter ? " " : "", who, *who ? " " : "", state);
	return buf;
}

size_t tr_layout_socket_procs(const struct trace *t)
{
	size_t n = 0;

	for (size_t i = 0; i < t->nlanes; i++)
		n += t->lanes[i].pid != 0;
	return n;
}
