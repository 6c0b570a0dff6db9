/* The trace as JSON Lines, in the order of the story: each call once at its
 * first row, each packet at its row, each TCP state change right after the
 * row that caused it. Times are seconds since the epoch as JSON reals, to the
 * microsecond (tcpdump -tt's precision; a double cannot hold nanoseconds of
 * today's epoch), so equal instants print equal and rows keep the order. */
#include "trace/render.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/jsontext.h"

#include "pkt/names.h"
#include "pkt/packet.h"
#include "trace/layout.h"

#define JSON_FLAGS (JSON_COMPACT | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(16))

static json_t *j_secs(int64_t ns)
{
	/* rounded to the microsecond first: %.16g then prints exactly that */
	int64_t us = ns >= 0 ? (ns + 500) / 1000 : (ns - 500) / 1000;

	return json_real((double)us / 1e6);
}

static json_t *j_uint_or_null(uint32_t v)
{
	return v ? json_integer((json_int_t)v) : json_null();
}

/* Plain decimal integers ("22", "-1") become JSON integers; "1.000",
 * "0755", "3:IN" stay strings. */
static json_t *j_arg_value(const char *v)
{
	const char *d = v[0] == '-' ? v + 1 : v;
	char *end;
	long long n;

	if (d[0] >= '0' && d[0] <= '9' && !(d[0] == '0' && d[1] != '\0')) {
		errno = 0;
		n = strtoll(v, &end, 10);
		if (*end == '\0' && errno == 0)
			return json_integer((json_int_t)n);
	}
	return jsontext_str(v);
}

static json_t *j_args(const struct tr_call *c)
{
	json_t *o = json_object();
	char ckey[256];

	for (size_t i = 0; o && i < c->args.n; i++) {
		const char *k = c->args.v[i].key;

		/* where the call was made: the "src" object says it */
		if (strcmp(k, "src") == 0 || strcmp(k, "pyat") == 0 || strcmp(k, "pc") == 0)
			continue;
		json_object_set_new(o, tr_layout_clean(k, true, ckey, sizeof ckey),
				    j_arg_value(c->args.v[i].val));
	}
	return o;
}

/* {"file", "line", "func", "text", ...}: only the members known; null
 * when the call has no source location. */
static json_t *j_src(const struct tr_call *c)
{
	const struct tr_src *s = &c->src;
	json_t *o;

	if (!s->file && !s->module)
		return json_null();
	o = json_object();
	if (!o)
		return NULL;
	if (s->file)
		json_object_set_new(o, "file", jsontext_str(s->file));
	if (s->line > 0)
		json_object_set_new(o, "line", json_integer(s->line));
	if (s->func)
		json_object_set_new(o, "func", jsontext_str(s->func));
	if (s->text)
		json_object_set_new(o, "text", jsontext_str(s->text));
	if (s->module)
		json_object_set_new(o, "module", jsontext_str(s->module));
	if (!s->line && s->module)
		json_object_set_new(o, "offset", json_integer((json_int_t)s->offset));
	if (s->pycall)
		json_object_set_new(o, "call", jsontext_str(s->pycall));
	if (s->runtime)
		json_object_set_new(o, "runtime", json_true());
	if (s->first)
		json_object_set_new(o, "first", json_integer(s->first));
	if (s->parts > 1) {
		json_object_set_new(o, "part", json_integer(s->part));
		json_object_set_new(o, "parts", json_integer(s->parts));
	}
	return o;
}

static json_t *j_errno(int err)
{
	char num[32];
	const char *name;

	if (err == 0)
		return json_null();
	name = tr_errno_name(err);
	if (name)
		return json_string(name);
	snprintf(num, sizeof num, "errno %d", err);
	return json_string(num);
}

/* A line's object with its "type" first; NULL when out of memory. */
static json_t *j_record(const char *type)
{
	json_t *o = json_object();

	if (o)
		json_object_set_new(o, "type", json_string(type));
	return o;
}

static json_t *call_json(const struct tr_call *c)
{
	json_t *o = j_record("call");

	if (!o)
		return NULL;
	json_object_set_new(o, "id", json_integer(c->id));
	json_object_set_new(o, "pid", json_integer(c->pid));
	json_object_set_new(o, "tid", json_integer(c->tid));
	json_object_set_new(o, "name", jsontext_str(c->name));
	json_object_set_new(o, "fd", json_integer(c->fd));
	json_object_set_new(o, "args", j_args(c));
	json_object_set_new(o, "src", j_src(c));
	json_object_set_new(o, "t_enter", j_secs(c->t_enter));
	json_object_set_new(o, "t_exit", c->t_exit < 0 ? json_null() : j_secs(c->t_exit));
	json_object_set_new(o, "ret", c->t_exit < 0 ? json_null() : json_integer(c->ret));
	json_object_set_new(o, "errno", j_errno(c->err));
	json_object_set_new(o, "completed_by", j_uint_or_null(c->completed_by));
	json_object_set_new(o, "completed_why", jsontext_str(c->completed_why));
	return o;
}

static json_t *j_ip(const struct tr_endpoint *e)
{
	char ip[INET6_ADDRSTRLEN];

	if (e->family != AF_INET && e->family != AF_INET6)
		return json_null();
	inet_ntop(e->family, e->addr, ip, sizeof ip);
	return json_string(ip);
}

static json_t *j_endpoint(const struct tr_endpoint *e)
{
	char s[TR_ADDRSTR_MAX];

	if (e->family == 0)
		return json_null();
	return json_string(tr_endpoint_format(e, s, sizeof s));
}

/* Names in bit order (FIN SYN RST PSH ACK URG ECE CWR AE), as the header has them. */
static json_t *j_tcp_flags(uint16_t flags)
{
	json_t *a = json_array();

	for (unsigned bit = 1; a && bit <= TCP_AE; bit <<= 1) {
		if (!(flags & bit))
			continue;
		for (size_t i = 0; i < pkt_tcp_flag_count; i++)
			if (pkt_tcp_flag_names[i].bit == bit)
				json_array_append_new(a, json_string(pkt_tcp_flag_names[i].name));
	}
	return a;
}

static json_t *j_cause(const struct tr_packet *p)
{
	if (p->cause == TR_CAUSE_CALL)
		return json_integer(p->caused_by);
	if (p->cause == TR_CAUSE_KERNEL)
		return json_string("kernel");
	return json_null();
}

static json_t *packet_json(const struct tr_packet *p)
{
	json_t *o = json_object();
	const char *proto = pkt_name_ipproto_lc(p->proto);
	bool tcp = p->proto == IPPROTO_TCP, ack = tcp && (p->flags & TCP_ACK);

	if (!o)
		return NULL;
	json_object_set_new(o, "type", json_string("packet"));
	json_object_set_new(o, "no", json_integer(p->no));
	json_object_set_new(o, "ts", j_secs(p->ts));
	json_object_set_new(o, "proto", proto ? json_string(proto) : json_integer(p->proto));
	json_object_set_new(o, "src", j_ip(&p->src));
	json_object_set_new(o, "sport", json_integer(p->src.port));
	json_object_set_new(o, "dst", j_ip(&p->dst));
	json_object_set_new(o, "dport", json_integer(p->dst.port));
	json_object_set_new(o, "flags", tcp ? j_tcp_flags(p->flags) : json_array());
	/* relative numbers when both ISNs were seen, as tcpdump prints them */
	json_object_set_new(o, "seq", tcp ? json_integer(p->rel ? p->rseq : p->seq) : json_null());
	json_object_set_new(o, "ack", ack ? json_integer(p->rel ? p->rack : p->ack) : json_null());
	json_object_set_new(o, "seq_raw", tcp ? json_integer(p->seq) : json_null());
	json_object_set_new(o, "ack_raw", ack ? json_integer(p->ack) : json_null());
	json_object_set_new(o, "len", json_integer(p->len));
	if (p->proto == IPPROTO_ICMP || p->proto == IPPROTO_ICMPV6) {
		/* without them an ICMP error says nothing */
		json_object_set_new(o, "icmp_type", json_integer(p->icmp_type));
		json_object_set_new(o, "icmp_code", json_integer(p->icmp_code));
	}
	json_object_set_new(o, "caused_by", j_cause(p));
	json_object_set_new(o, "why", jsontext_str(p->why));
	if (p->why_kernel) /* told by a kernel tracepoint, not guessed */
		json_object_set_new(o, "why_kernel", json_true());
	if (p->fin_by) /* a FIN that rode on a send's data */
		json_object_set_new(o, "fin_caused_by", json_integer(p->fin_by));
	return o;
}

static json_t *state_json(const struct tr_state *s)
{
	/* "o" takes the reference; a NULL one (out of memory) makes the whole NULL */
	return json_pack("{s:s, s:o, s:o, s:o, s:s, s:s, s:o, s:o}", "type", "state", "ts",
			 j_secs(s->ts), "endpoint", j_endpoint(&s->local), "peer",
			 j_endpoint(&s->peer), "from", tr_tcp_state_name(s->from), "to",
			 tr_tcp_state_name(s->to), "packet", j_uint_or_null(s->packet), "call",
			 j_uint_or_null(s->call));
}

/* Writes one line and drops o; -1 when o is NULL (out of memory) or on a
 * write error. */
static int emit(json_t *o, FILE *out)
{
	int rc;

	if (!o)
		return -1;
	rc = json_dumpf(o, out, JSON_FLAGS);
	json_decref(o);
	if (rc < 0 || fputc('\n', out) == EOF)
		return -1;
	return 0;
}

int trace_render_json(const struct trace *t, FILE *out)
{
	bool *shown = calloc(t->ncalls ? t->ncalls : 1, sizeof *shown);
	int rc = 0;

	if (!shown)
		return -1;
	for (size_t i = 0; i < t->nrows && rc == 0; i++) {
		const struct tr_row *r = &t->rows[i];

		if (r->kind == TR_ROW_PACKET) {
			if (r->index < t->npackets)
				rc = emit(packet_json(&t->packets[r->index]), out);
		} else if (r->index < t->ncalls && !shown[r->index]) {
			shown[r->index] = true;
			rc = emit(call_json(&t->calls[r->index]), out);
		}
		for (uint32_t k = 0; k < r->state_count && rc == 0; k++)
			if ((size_t)r->state_first + k < t->nstates)
				rc = emit(state_json(&t->states[r->state_first + k]), out);
	}
	free(shown);
	if (fflush(out) != 0 || ferror(out))
		rc = -1;
	return rc;
}
