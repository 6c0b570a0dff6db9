/* The kernel calls of one script-level call. CPython's sendall() calls
 * send() until every byte is gone, recv() on a socket with a timeout
 * first polls it, accept() asks getsockname() for the new socket's
 * family: each of these kernel calls carries the same frame and bytecode
 * instruction (pyat=, record.h). So does the next script-level call when
 * a loop runs the line again; what tells them apart is whether the first
 * call's work was done (continues()). Within one script-level call:
 *   - a poll, ppoll or select on the socket that the run's next call uses
 *     is the runtime's wait, not the line's own call;
 *   - a getsockname or getpeername after an accept is the runtime's;
 *   - the sends on one socket are the parts of the line's sendall. */
#include "trace/srcloc.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

static bool is_wait(const char *n)
{
	return strcmp(n, "poll") == 0 || strcmp(n, "ppoll") == 0 || strcmp(n, "select") == 0;
}

static bool is_send(const char *n)
{
	return strcmp(n, "send") == 0 || strcmp(n, "sendto") == 0 || strcmp(n, "sendmsg") == 0 ||
	       strcmp(n, "write") == 0;
}

static bool is_accept(const char *n)
{
	return strcmp(n, "accept") == 0 || strcmp(n, "accept4") == 0;
}

/* The next call of the same thread after calls[i], or SIZE_MAX. */
static size_t next_of_thread(const struct trace *t, size_t i)
{
	for (size_t k = i + 1; k < t->ncalls; k++)
		if (t->calls[k].pid == t->calls[i].pid && t->calls[k].tid == t->calls[i].tid)
			return k;
	return SIZE_MAX;
}

static bool same_at(const struct tr_call *a, const struct tr_call *b)
{
	const char *x = tr_call_arg(a, "pyat"), *y = tr_call_arg(b, "pyat");

	return x && y && strcmp(x, y) == 0;
}

static int64_t arg_len(const struct tr_call *c)
{
	const char *v = tr_call_arg(c, "len");
	int64_t n;

	return v && tr_parse_int(v, strlen(v), 0, INT64_MAX, &n) ? n : -1;
}

/* Is b, the next call of a's thread at the same instruction, still the
 * same script-level call as a? */
static bool continues(const struct tr_call *a, const struct tr_call *b)
{
	if (is_wait(a->name))
		/* the runtime's wait precedes the call it waits for; a wait
		 * after a wait is a loop running a poll() line again */
		return !is_wait(b->name) && b->fd >= 0;
	if (a->err == EAGAIN || a->err == EWOULDBLOCK || a->err == EINTR ||
	    a->err == EINPROGRESS)
		/* retried after a wait, or at once after a signal */
		return b->fd == a->fd || is_wait(b->name);
	if (is_accept(a->name))
		return strcmp(b->name, "getsockname") == 0 || strcmp(b->name, "getpeername") == 0;
	if (is_send(a->name) && a->ret >= 0 && a->ret < arg_len(a)) {
		/* a part: the rest follows, perhaps after a wait */
		return is_wait(b->name) ||
		       (is_send(b->name) && b->fd == a->fd && arg_len(b) == arg_len(a) - a->ret);
	}
	return false;
}

/* Marks the run that starts at calls[first] (its members are linked by
 * next_of_thread and equal pyat); returns how many calls it holds. */
static size_t mark_run(struct trace *t, size_t first)
{
	size_t idx[256], n = 0, sends = 0;

	for (size_t k = first; k != SIZE_MAX && n < sizeof idx / sizeof idx[0];
	     k = next_of_thread(t, k)) {
		if (n && (!same_at(&t->calls[idx[n - 1]], &t->calls[k]) ||
			  !continues(&t->calls[idx[n - 1]], &t->calls[k])))
			break;
		idx[n++] = k;
	}
	if (n < 2)
		return n;
	for (size_t j = 0; j < n; j++) {
		struct tr_call *c = &t->calls[idx[j]];

		c->src.first = t->calls[idx[0]].id;
		if (is_wait(c->name) && j + 1 < n && !is_wait(t->calls[idx[j + 1]].name))
			c->src.runtime = true;
		if ((strcmp(c->name, "getsockname") == 0 || strcmp(c->name, "getpeername") == 0) &&
		    j > 0 && is_accept(t->calls[idx[j - 1]].name))
			c->src.runtime = true;
		if (is_send(c->name))
			sends++;
	}
	if (sends >= 2) {
		uint32_t part = 0;

		for (size_t j = 0; j < n; j++) {
			struct tr_call *c = &t->calls[idx[j]];

			if (is_send(c->name)) {
				c->src.part = ++part;
				c->src.parts = (uint32_t)sends;
			}
		}
	}
	return n;
}

void tr_srcgroup_mark(struct trace *t)
{
	for (size_t i = 0; i < t->ncalls; i++) {
		struct tr_call *c = &t->calls[i];

		/* already in a run that began earlier */
		if (c->src.first || !tr_call_arg(c, "pyat"))
			continue;
		mark_run(t, i);
	}
}
