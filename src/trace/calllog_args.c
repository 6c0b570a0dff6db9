/* The call log reader's second half: the "key=value ..." arguments of an X
 * line (record.h), parsed once here into struct tr_args: every argument
 * unescaped, in order, for the printers; typed fields for the model
 * builders (socks.c, attrib.c), so that no one re-parses a string. */
#include "trace/calllog.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* The first value of key, or NULL. */
static const char *args_get(const struct tr_args *a, const char *key)
{
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i].key, key) == 0)
			return a->v[i].val;
	return NULL;
}

/* The tokens of s[0..len) that are key=value with a key; the others
 * (no '=', or '=' first) are skipped. Each gets its key and value
 * unescaped into text, which has room for all of s. */
static int args_split(struct tr_args *a, const char *s, size_t len)
{
	size_t cap = 1, o = 0;

	for (size_t i = 0; i < len; i++)
		cap += s[i] == ' ';
	a->text = malloc(len + cap + 1);
	a->v = calloc(cap, sizeof *a->v);
	if (!a->text || !a->v)
		return -1;
	for (size_t i = 0; i < len;) {
		size_t start = i, eq = 0;

		while (i < len && s[i] != ' ') {
			if (s[i] == '=' && eq == 0)
				eq = i;
			i++;
		}
		if (eq > start) {
			struct tr_arg *arg = &a->v[a->n++];
			arg->key = a->text + o;
			o += tr_unescape(s + start, eq - start, a->text + o, eq - start + 1) + 1;
			arg->val = a->text + o;
			o += tr_unescape(s + eq + 1, i - eq - 1, a->text + o, i - eq) + 1;
		}
		while (i < len && s[i] == ' ')
			i++;
	}
	return 0;
}

/* An address argument, v4-mapped made IPv4; family 0 when absent or
 * malformed. */
static void args_endpoint(const struct tr_args *a, const char *key, struct tr_endpoint *e)
{
	const char *v = args_get(a, key);

	if (!v || tr_endpoint_parse(v, e) < 0) {
		memset(e, 0, sizeof *e);
		return;
	}
	tr_endpoint_normalize(e);
}

/* A count argument in [1, INT64_MAX]; 0 when absent, 0 or malformed. */
static int64_t args_count(const struct tr_args *a, const char *key)
{
	const char *v = args_get(a, key);
	int64_t x;

	return v && tr_parse_int(v, strlen(v), 1, INT64_MAX, &x) ? x : 0;
}

/* ready=3,4 (select) or ready=3:IN,4:OUT|IN (poll), held whole. An entry
 * without a ':' is select's: readable. One whose fd is malformed is left
 * out; a last "..." says the library cut the list. */
static int args_ready(struct tr_args *a, const char *v)
{
	size_t cap = 1;

	for (const char *q = v; *q; q++)
		cap += *q == ',';
	a->ready = calloc(cap, sizeof *a->ready);
	if (!a->ready)
		return -1;
	while (*v) {
		int64_t fd;
		size_t len = strcspn(v, ",");
		struct tr_ready *r = &a->ready[a->nready];

		if (len == 3 && memcmp(v, "...", 3) == 0 && v[len] == '\0')
			a->ready_cut = true;
		else if (tr_parse_int(v, strcspn(v, ":,"), 0, INT32_MAX, &fd)) {
			r->fd = (int32_t)fd;
			r->out = memmem(v, len, "OUT", 3) != NULL;
			r->in = memmem(v, len, "IN", 2) != NULL || !memchr(v, ':', len);
			a->nready++;
		}
		v += len + (v[len] == ',');
	}
	return 0;
}

static void args_typed(struct tr_args *a)
{
	const char *v;
	int64_t x;

	if ((v = args_get(a, "sock")))
		a->sock = strcmp(v, "stream") == 0  ? TR_SOCK_STREAM
			  : strcmp(v, "dgram") == 0 ? TR_SOCK_DGRAM
						    : TR_SOCK_OTHER;
	if ((v = args_get(a, "type")))
		a->type = strncmp(v, "SOCK_STREAM", 11) == 0  ? SOCK_STREAM
			  : strncmp(v, "SOCK_DGRAM", 10) == 0 ? SOCK_DGRAM
								: 0;
	args_endpoint(a, "addr", &a->addr);
	args_endpoint(a, "local", &a->local);
	args_endpoint(a, "peer", &a->peer);
	if ((v = args_get(a, "dir")))
		a->splice_dir = strcmp(v, "out") == 0 ? 1 : -1;
	a->bytes = args_count(a, "bytes");
	a->unread = args_count(a, "unread");
	if ((v = args_get(a, "wseq")) && tr_parse_int(v, strlen(v), 0, UINT32_MAX, &x)) {
		a->wseq = (uint32_t)x;
		a->has_wseq = true;
	}
	a->linger0 = (v = args_get(a, "linger")) && strcmp(v, "0") == 0;
	a->shut_wr = (v = args_get(a, "how")) && strcmp(v, "SHUT_RD") != 0;
}

int tr_args_parse(struct tr_args *a, const char *s, size_t len)
{
	const char *ready;

	memset(a, 0, sizeof *a);
	if (args_split(a, s, len) < 0)
		goto fail;
	args_typed(a);
	ready = args_get(a, "ready");
	if (ready && args_ready(a, ready) < 0)
		goto fail;
	return 0;
fail:
	tr_args_free(a);
	return -1;
}

const char *tr_call_arg(const struct tr_call *c, const char *key)
{
	return args_get(&c->args, key);
}
