/* Quote list parsing and loading; the parser is pure, the loader reads. */
#include "serve/qotd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const qotd_builtin_text =
	"\"The only thing we have to fear is fear itself.\" Franklin D. Roosevelt (1882-1945)\n"
	"%\n"
	"\"Be who you are and say what you feel, because those who mind don't matter\n"
	" and those who matter don't mind.\" Bernard M. Baruch (1870-1965)\n"
	"%\n"
	"\"Any sufficiently advanced technology is indistinguishable from magic.\"\n"
	" Arthur C. Clarke (1917-2008)\n"
	"%\n"
	"\"Be conservative in what you do, be liberal in what you accept from others.\"\n"
	" Jon Postel, RFC 793 (1943-1998)\n"
	"%\n"
	"\"The network is the computer.\" John Gage (1948-)\n"
	"%\n"
	"\"In theory there is no difference between theory and practice.\n"
	" In practice there is.\" Jan L. A. van de Snepscheut (1953-1994)\n"
	"%\n"
	"\"Simplicity is prerequisite for reliability.\" Edsger W. Dijkstra (1930-2002)\n"
	"%\n"
	"\"It is a capital mistake to theorize before one has data.\"\n"
	" Arthur Conan Doyle (1859-1930)\n"
	"%\n"
	"\"Premature optimization is the root of all evil.\" Donald E. Knuth (1938-)\n"
	"%\n"
	"\"We reject: kings, presidents and voting. We believe in: rough consensus\n"
	" and running code.\" David D. Clark (1944-)\n"
	"%\n"
	"\"A ship in port is safe, but that's not what ships are built for.\"\n"
	" Grace Hopper (1906-1992)\n"
	"%\n"
	"\"The best way to predict the future is to invent it.\" Alan Kay (1940-)\n";

void serve_quotes_free(struct quotes *q)
{
	free(q->blob);
	free(q->off);
	free(q->len);
	memset(q, 0, sizeof(*q));
}

/* The line starting at p, without its LF or CRLF. */
static size_t qotd_line_len(const char *p, const char *end, const char **next)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	const char *stop = nl ? nl : end;

	*next = nl ? nl + 1 : end;
	if (stop > p && stop[-1] == '\r')
		stop--;
	return (size_t)(stop - p);
}

static bool qotd_is_blank(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t')
			return false;
	return true;
}

static bool qotd_has_separator(const char *data, size_t len)
{
	const char *p = data, *end = data + len, *next;

	while (p < end) {
		size_t n = qotd_line_len(p, end, &next);
		if (n == 1 && p[0] == '%')
			return true;
		p = next;
	}
	return false;
}

/* Appends the quote being built; the caller checked it. */
struct qotd_builder {
	struct quotes *q;
	size_t cap;      /* entries allocated */
	size_t used;     /* bytes used in blob */
	size_t start;    /* offset where the open quote starts */
	size_t lines;    /* lines in the open quote */
	size_t blanks;   /* blank lines held back: kept only if text follows */
	size_t first_line;
};

static int qotd_close_quote(struct qotd_builder *b, const char *name, char *err, size_t errlen)
{
	struct quotes *q = b->q;
	size_t qlen = b->used - b->start;

	b->blanks = 0;
	if (b->lines == 0)
		return 0;
	if (qlen > QOTD_MAX) {
		snprintf(err, errlen, "%s:%zu: quote is %zu bytes; RFC 865 quotes must be under 512",
			 name, b->first_line, qlen);
		return -1;
	}
	if (q->n == b->cap) {
		size_t nc = b->cap ? b->cap * 2 : 16;
		size_t *no = realloc(q->off, nc * sizeof(*no));
		if (!no)
			goto oom;
		q->off = no;
		size_t *nl = realloc(q->len, nc * sizeof(*nl));
		if (!nl)
			goto oom;
		q->len = nl;
		b->cap = nc;
	}
	q->off[q->n] = b->start;
	q->len[q->n] = qlen;
	q->n++;
	b->start = b->used;
	b->lines = 0;
	b->blanks = 0;
	return 0;
oom:
	snprintf(err, errlen, "%s: out of memory", name);
	return -1;
}

static int qotd_add_line(struct qotd_builder *b, const char *p, size_t n, size_t lineno,
			 const char *name, char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			snprintf(err, errlen, "%s:%zu: control character 0x%02x in quote", name, lineno, c);
			return -1;
		}
	}
	if (b->lines == 0)
		b->first_line = lineno;
	for (; b->blanks > 0; b->blanks--) {
		memcpy(b->q->blob + b->used, "\r\n", 2);
		b->used += 2;
	}
	memcpy(b->q->blob + b->used, p, n);
	memcpy(b->q->blob + b->used + n, "\r\n", 2);
	b->used += n + 2;
	b->lines++;
	return 0;
}

int serve_quotes_parse(const char *data, size_t len, const char *name, struct quotes *q,
		 char *err, size_t errlen)
{
	struct qotd_builder b = { .q = q };
	bool fortune = qotd_has_separator(data, len);
	const char *p = data, *end = data + len, *next;
	size_t lineno = 0;

	memset(q, 0, sizeof(*q));
	if (len > QOTD_FILE_MAX) {
		snprintf(err, errlen, "%s: larger than %d bytes", name, QOTD_FILE_MAX);
		return -1;
	}
	/* CRLF never takes more room than LF plus one byte per line. */
	q->blob = malloc(len * 2 + 2);
	if (!q->blob) {
		snprintf(err, errlen, "%s: out of memory", name);
		return -1;
	}
	while (p < end) {
		size_t n = qotd_line_len(p, end, &next);
		lineno++;
		bool sep = fortune && n == 1 && p[0] == '%';
		bool blank = qotd_is_blank(p, n);
		if (sep || (!fortune && !blank)) {
			if (!sep && qotd_add_line(&b, p, n, lineno, name, err, errlen) < 0)
				goto fail;
			if (qotd_close_quote(&b, name, err, errlen) < 0)
				goto fail;
		} else if (fortune && blank) {
			if (b.lines > 0)
				b.blanks++;
		} else if (fortune) {
			if (qotd_add_line(&b, p, n, lineno, name, err, errlen) < 0)
				goto fail;
		}
		p = next;
	}
	if (qotd_close_quote(&b, name, err, errlen) < 0)
		goto fail;
	if (q->n == 0) {
		snprintf(err, errlen, "%s: no quotes", name);
		goto fail;
	}
	return 0;
fail:
	serve_quotes_free(q);
	return -1;
}

int serve_quotes_load_file(const char *path, struct quotes *q, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *data;
	size_t len = 0;

	memset(q, 0, sizeof(*q));
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	data = malloc(QOTD_FILE_MAX + 1);
	if (!data) {
		close(fd);
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	for (;;) {
		ssize_t k = read(fd, data + len, QOTD_FILE_MAX + 1 - len);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (k == 0)
			break;
		len += (size_t)k;
		if (len > QOTD_FILE_MAX) {
			snprintf(err, errlen, "%s: larger than %d bytes", path, QOTD_FILE_MAX);
			goto fail;
		}
	}
	close(fd);
	int rc = serve_quotes_parse(data, len, path, q, err, errlen);
	free(data);
	return rc;
fail:
	close(fd);
	free(data);
	return -1;
}

int serve_quotes_builtin(struct quotes *q)
{
	char err[QOTD_ERR_MAX];

	return serve_quotes_parse(qotd_builtin_text, strlen(qotd_builtin_text), "built-in", q, err,
			    sizeof(err));
}
