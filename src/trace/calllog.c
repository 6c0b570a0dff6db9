/* The log parser: "H", "E" and "X" lines of record.h into tr_proc and
 * tr_call. Every field is checked; a bad line is counted, never trusted. */
#include "trace/calllog.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/record.h"

void tr_calllog_init(struct tr_calllog *cl, struct trace *t)
{
	memset(cl, 0, sizeof *cl);
	cl->t = t;
}

void tr_calllog_free(struct tr_calllog *cl)
{
	for (size_t i = 0; i < cl->npending; i++)
		tr_args_free(&cl->pending[i].args);
	free(cl->pending);
	cl->pending = NULL;
	cl->npending = 0;
}

/* A cursor over one line's space-separated fields. */
struct fields {
	const char *p, *end;
};

static bool field_next(struct fields *f, const char **s, size_t *n)
{
	while (f->p < f->end && *f->p == ' ')
		f->p++;
	if (f->p >= f->end)
		return false;
	*s = f->p;
	while (f->p < f->end && *f->p != ' ')
		f->p++;
	*n = (size_t)(f->p - *s);
	return true;
}

/* The next field as a number in [min, max]; tr_parse_int's strict syntax,
 * so a number that would overflow is refused, never saturated. */
static bool field_int(struct fields *f, int64_t min, int64_t max, int64_t *v)
{
	const char *s;
	size_t n;

	return field_next(f, &s, &n) && tr_parse_int(s, n, min, max, v);
}

static bool field_i32(struct fields *f, int32_t min, int32_t *v)
{
	int64_t x;

	if (!field_int(f, min, INT32_MAX, &x))
		return false;
	*v = (int32_t)x;
	return true;
}

static bool field_time(struct fields *f, int64_t *v)
{
	return field_int(f, 0, TR_TIME_MAX, v);
}

static int bad(struct tr_calllog *cl, const char *why)
{
	if (cl->bad_lines++ == 0)
		snprintf(cl->first_error, sizeof cl->first_error, "%s", why);
	return -1;
}

/* The rest of the line: printable, no control bytes (record.h escapes). */
static bool rest_ok(struct fields *f)
{
	while (f->p < f->end && *f->p == ' ')
		f->p++;
	for (const char *q = f->p; q < f->end; q++)
		if ((unsigned char)*q < 0x20 || (unsigned char)*q > 0x7e)
			return false;
	return true;
}

static struct tr_proc *proc_find(struct trace *t, int32_t pid)
{
	for (size_t i = t->nprocs; i-- > 0;)
		if (t->procs[i].pid == pid)
			return &t->procs[i];
	return NULL;
}

/* Decodes a %XX-escaped value into a new string; its commas (argv's
 * separators; a comma inside an element is escaped) become sep. */
static char *value_dup(const char *s, size_t n, char sep)
{
	char *out = malloc(n + 1);
	size_t o = 0;
	const char *piece = s, *end = s + n;

	if (!out)
		return NULL;
	for (;;) {
		const char *comma = memchr(piece, ',', (size_t)(end - piece));
		size_t plen = comma ? (size_t)(comma - piece) : (size_t)(end - piece);

		if (o > 0)
			out[o++] = sep;
		o += tr_unescape(piece, plen, out + o, n + 1 - o);
		if (!comma)
			break;
		piece = comma + 1;
	}
	out[o] = '\0';
	return out;
}

static int line_hello(struct tr_calllog *cl, struct fields *f)
{
	struct trace *t = cl->t;
	int32_t pid, ppid;
	int64_t ts;
	const char *s;
	size_t n;
	char *exe = NULL, *cmd = NULL;

	/* ppid 0: the parent is outside the pid namespace */
	if (!field_i32(f, 1, &pid) || !field_i32(f, 0, &ppid))
		return bad(cl, "H line: bad pid or ppid");
	if (!field_time(f, &ts))
		return bad(cl, "H line: bad time (ns since 1970, at most 2^62)");
	while (field_next(f, &s, &n)) {
		if (n >= 4 && memcmp(s, "exe=", 4) == 0) {
			free(exe);
			exe = value_dup(s + 4, n - 4, ',');
		} else if (n >= 5 && memcmp(s, "argv=", 5) == 0) {
			free(cmd);
			cmd = value_dup(s + 5, n - 5, ' ');
		}
	}
	struct tr_proc *p = proc_find(t, pid);
	if (!p) {
		if (t->nprocs >= CALLLOG_PROCS_MAX) {
			free(exe);
			free(cmd);
			return bad(cl, "too many processes");
		}
		if (tr_grow(&t->procs, &cl->procs_cap, t->nprocs, sizeof *t->procs, 8) < 0) {
			free(exe);
			free(cmd);
			return bad(cl, "out of memory");
		}
		p = &t->procs[t->nprocs++];
		memset(p, 0, sizeof *p);
		p->pid = pid;
		p->t_start = ts;
	}
	/* A later H of the same pid is an exec: the new program names it. */
	p->ppid = ppid;
	free(p->exe);
	free(p->cmdline);
	p->exe = exe ? exe : strdup("?");
	p->cmdline = cmd ? cmd : strdup("?");
	return 0;
}

static bool name_ok(const char *s, size_t n)
{
	if (n == 0 || n >= TR_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

static int call_head(struct tr_calllog *cl, struct fields *f, struct tr_call *c)
{
	const char *s;
	size_t n;

	memset(c, 0, sizeof *c);
	/* pid 0 would stand for "no traced process" in the lanes */
	if (!field_i32(f, 1, &c->pid) || !field_i32(f, 1, &c->tid))
		return bad(cl, "bad pid or tid");
	if (!field_next(f, &s, &n) || !name_ok(s, n))
		return bad(cl, "bad call name");
	memcpy(c->name, s, n);
	c->name[n] = '\0';
	/* any int: epoll_wait(-5) is recorded as the program made it */
	if (!field_i32(f, INT32_MIN, &c->fd))
		return bad(cl, "bad fd");
	if (!field_time(f, &c->t_enter))
		return bad(cl, "bad entry time (ns since 1970, at most 2^62)");
	c->t_exit = -1;
	return 0;
}

static int calls_push(struct tr_calllog *cl, struct tr_call *c)
{
	struct trace *t = cl->t;

	if (t->ncalls >= CALLLOG_CALLS_MAX) {
		cl->dropped++;
		tr_args_free(&c->args);
		return 0;
	}
	if (tr_grow(&t->calls, &cl->calls_cap, t->ncalls, sizeof *t->calls, 64) < 0) {
		tr_args_free(&c->args);
		return bad(cl, "out of memory");
	}
	t->calls[t->ncalls++] = *c;
	return 0;
}

static int line_enter(struct tr_calllog *cl, struct fields *f)
{
	struct tr_call c;

	if (call_head(cl, f, &c) < 0)
		return -1;
	if (cl->npending >= CALLLOG_PENDING_MAX)
		return bad(cl, "too many calls waiting at once");
	if (tr_grow(&cl->pending, &cl->pending_cap, cl->npending, sizeof *cl->pending, 16) < 0)
		return bad(cl, "out of memory");
	cl->pending[cl->npending++] = c;
	return 0;
}

static int line_exit(struct tr_calllog *cl, struct fields *f)
{
	struct tr_call c;

	if (call_head(cl, f, &c) < 0)
		return -1;
	if (!field_time(f, &c.t_exit))
		return bad(cl, "X line: bad exit time (ns since 1970, at most 2^62)");
	if (!field_int(f, INT64_MIN, INT64_MAX, &c.ret) || !field_i32(f, 0, &c.err))
		return bad(cl, "X line: bad result or errno");
	if (c.t_exit < c.t_enter)
		return bad(cl, "X line: returns before it was entered");
	if (!rest_ok(f))
		return bad(cl, "X line: unescaped bytes in the arguments");
	if (tr_args_parse(&c.args, f->p, (size_t)(f->end - f->p)) < 0)
		return bad(cl, "out of memory");
	cl->ready_cut += c.args.ready_cut;
	for (size_t i = 0; i < cl->npending; i++) {
		struct tr_call *e = &cl->pending[i];

		if (e->pid == c.pid && e->tid == c.tid && e->t_enter == c.t_enter &&
		    strcmp(e->name, c.name) == 0) {
			cl->pending[i] = cl->pending[--cl->npending];
			break;
		}
	}
	return calls_push(cl, &c);
}

int tr_calllog_line(struct tr_calllog *cl, const char *line, size_t len)
{
	struct fields f = { line, line + len };
	const char *s;
	size_t n;

	if (len > TRACE_RECORD_MAX)
		return bad(cl, "line longer than a record");
	if (!field_next(&f, &s, &n) || n != 1)
		return bad(cl, "no record type");
	switch (s[0]) {
	case 'H':
		return line_hello(cl, &f);
	case 'E':
		return line_enter(cl, &f);
	case 'X':
		return line_exit(cl, &f);
	default:
		return bad(cl, "unknown record type");
	}
}

void tr_calllog_feed(struct tr_calllog *cl, const char *buf, size_t len)
{
	size_t start = 0;

	for (size_t i = 0; i <= len; i++) {
		if (i == len || buf[i] == '\n') {
			if (i > start)
				tr_calllog_line(cl, buf + start, i - start);
			start = i + 1;
		}
	}
}

static int call_cmp(const void *a, const void *b)
{
	const struct tr_call *x = a, *y = b;

	if (x->t_enter != y->t_enter)
		return x->t_enter < y->t_enter ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

int tr_calllog_finish(struct tr_calllog *cl)
{
	struct trace *t = cl->t;

	for (size_t i = 0; i < cl->npending; i++) {
		struct tr_call c = cl->pending[i];

		c.args = (struct tr_args){ 0 };
		if (calls_push(cl, &c) < 0)
			return -1;
	}
	cl->npending = 0;
	/* A process whose H line is missing still gets a name. */
	for (size_t i = 0; i < t->ncalls; i++) {
		if (proc_find(t, t->calls[i].pid))
			continue;
		char line[64];
		int n = snprintf(line, sizeof line, "H %d 0 %" PRId64 " exe=? argv=pid%%20%d",
				 t->calls[i].pid, t->calls[i].t_enter, t->calls[i].pid);
		if (line_hello(cl, &(struct fields){ line + 2, line + n }) < 0)
			return -1;
	}
	if (t->ncalls > 1)
		qsort(t->calls, t->ncalls, sizeof *t->calls, call_cmp);
	for (size_t i = 0; i < t->ncalls; i++)
		t->calls[i].id = (uint32_t)(i + 1);
	return 0;
}
