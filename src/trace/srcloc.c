/* Filling the calls' source locations from their records (a Python
 * program's src=, native code's pc= through symbolize.c), and the text of
 * each line from the source file (read once per file, bounded). */
#include "trace/srcloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/symbolize.h"

#define SRC_FILES_MAX 64               /* files read per trace */
#define SRC_FILE_BYTES_MAX (8u << 20)  /* a larger file is not read */
#define SRC_TEXT_MAX 200               /* a line's text is cut here */

struct src_file {
	char *path;
	char *data;       /* the whole file, '\n' made '\0'; NULL: unreadable */
	char **lines;     /* into data */
	size_t nlines;
};

struct src_cache {
	struct src_file v[SRC_FILES_MAX];
	size_t n;
};

bool tr_srcloc_parse(const char *val, struct tr_src *src)
{
	const char *c2 = strrchr(val, ':'), *c1;
	char *end;
	long line;

	if (!c2 || c2 == val)
		return false;
	for (c1 = c2 - 1; c1 > val && *c1 != ':'; c1--)
		;
	if (c1 == val || c1 + 1 == c2)
		return false;
	line = strtol(c1 + 1, &end, 10);
	if (end != c2 || line < 0 || line > INT32_MAX)
		return false;
	src->file = strndup(val, (size_t)(c1 - val));
	src->func = c2[1] ? strdup(c2 + 1) : NULL;
	src->line = (int32_t)line;
	return src->file != NULL;
}

static const char *const py_methods[] = {
	"create_connection", "create_server", "sendall", "sendto", "sendmsg", "sendfile",
	"send", "recv_into", "recvfrom_into", "recvfrom", "recvmsg", "recv", "accept",
	"connect_ex", "connect", "bind", "listen", "shutdown", "close", "setsockopt",
	"getsockname", "getpeername", "makefile", "socketpair", "socket", "select", "poll",
	"readline", "read", "write", "flush",
};

const char *tr_srcloc_pycall(const char *text)
{
	if (!text)
		return NULL;
	for (const char *p = strchr(text, '('); p; p = strchr(p + 1, '(')) {
		const char *b = p;

		while (b > text && (b[-1] == '_' || (b[-1] >= 'a' && b[-1] <= 'z') ||
				    (b[-1] >= 'A' && b[-1] <= 'Z') || (b[-1] >= '0' && b[-1] <= '9')))
			b--;
		for (size_t i = 0; i < sizeof py_methods / sizeof py_methods[0]; i++)
			if (strlen(py_methods[i]) == (size_t)(p - b) &&
			    memcmp(b, py_methods[i], (size_t)(p - b)) == 0)
				return py_methods[i];
	}
	return NULL;
}

static void file_load(struct src_file *f)
{
	FILE *in = fopen(f->path, "re");
	size_t cap = 0, len = 0, got;

	if (!in)
		return;
	for (;;) {
		if (len == cap) {
			char *nd = cap >= SRC_FILE_BYTES_MAX ? NULL : realloc(f->data, cap ? cap * 2 : 4096);
			if (!nd)
				goto fail;
			f->data = nd;
			cap = cap ? cap * 2 : 4096;
		}
		got = fread(f->data + len, 1, cap - len, in);
		if (got == 0)
			break;
		len += got;
	}
	if (ferror(in) || len == cap)
		goto fail;
	fclose(in);
	f->data[len] = '\0';
	for (size_t i = 0; i <= len; i++) {
		if (i == len && (len == 0 || f->data[len - 1] == '\0'))
			break;
		if (i == 0 || f->data[i - 1] == '\0') {
			char **nl = realloc(f->lines, (f->nlines + 1) * sizeof *nl);
			if (!nl)
				return;
			f->lines = nl;
			f->lines[f->nlines++] = f->data + i;
		}
		if (f->data[i] == '\n')
			f->data[i] = '\0';
	}
	return;
fail:
	fclose(in);
	free(f->data);
	f->data = NULL;
}

static struct src_file *file_get(struct src_cache *c, const char *path)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i].path, path) == 0)
			return &c->v[i];
	if (c->n == SRC_FILES_MAX)
		return NULL;
	struct src_file *f = &c->v[c->n];
	memset(f, 0, sizeof *f);
	f->path = strdup(path);
	if (!f->path)
		return NULL;
	c->n++;
	file_load(f);
	return f;
}

/* The line's text without its indentation and line end, cut to
 * SRC_TEXT_MAX bytes at a character boundary. */
static char *line_text(struct src_cache *c, const char *path, int32_t line)
{
	struct src_file *f = file_get(c, path);
	const char *s;
	size_t n;

	if (!f || !f->data || line < 1 || (size_t)line > f->nlines)
		return NULL;
	s = f->lines[line - 1];
	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n > SRC_TEXT_MAX) {
		n = SRC_TEXT_MAX;
		while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	return strndup(s, n);
}

int tr_srcloc_fill(struct trace *t)
{
	struct src_cache *cache = calloc(1, sizeof *cache);
	struct tr_symbolizer *sym = NULL;
	int rc = 0;

	if (!cache)
		return -1;
	for (size_t i = 0; i < t->ncalls; i++) {
		struct tr_call *c = &t->calls[i];
		const char *v = tr_call_arg(c, "src"), *pc = tr_call_arg(c, "pc");

		if (v && !c->src.file && !tr_srcloc_parse(v, &c->src))
			tr_src_free(&c->src);
		/* native code: its return addresses through the debug information */
		if (!v && pc && !c->src.file && !c->src.module) {
			if (!sym && !(sym = tr_sym_new())) {
				rc = -1;
				break;
			}
			tr_sym_resolve(sym, pc, &c->src);
		}
		if (c->src.file && c->src.line > 0 && !c->src.text)
			c->src.text = line_text(cache, c->src.file, c->src.line);
		if (c->src.text && !c->src.pycall) {
			const char *m = tr_srcloc_pycall(c->src.text);
			if (m && !(c->src.pycall = strdup(m)))
				rc = -1;
		}
	}
	tr_sym_free(sym);
	for (size_t i = 0; i < cache->n; i++) {
		free(cache->v[i].path);
		free(cache->v[i].data);
		free(cache->v[i].lines);
	}
	free(cache);
	tr_srcgroup_mark(t);
	return rc;
}
