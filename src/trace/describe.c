/* One-line descriptions of calls (strace-like), packets (tcpdump-like) and
 * packet causes, for the text ladder and the SVG. A table maps each call name
 * to the printer of its inputs and of what its result means. */
#include "trace/model.h"

#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkt/names.h"
#include "pkt/packet.h"
#include "trace/layout.h"

#define N(t) (sizeof(t) / sizeof((t)[0]))
#define ARG_MAX 256

/* Appends to a fixed buffer; output past its end is cut, never overrun. */
struct sb {
	char *buf;
	size_t n, len;
};

__attribute__((format(printf, 2, 3))) static void sb_printf(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (b->len + 1 >= b->n)
		return;
	va_start(ap, fmt);
	w = vsnprintf(b->buf + b->len, b->n - b->len, fmt, ap);
	va_end(ap);
	if (w > 0)
		b->len += (size_t)w < b->n - b->len ? (size_t)w : b->n - b->len - 1;
}

/* An argument as a reader may see it: values come unescaped from the log,
 * so control bytes are shown as \xNN. */
static const char *arg(const struct tr_call *c, const char *key, char *buf, size_t n)
{
	const char *raw = tr_call_arg(c, key);

	return raw ? tr_layout_clean(raw, false, buf, n) : NULL;
}

static bool arg_is(const struct tr_call *c, const char *key, const char *want)
{
	char v[ARG_MAX];

	return arg(c, key, v, sizeof v) && strcmp(v, want) == 0;
}

/* BEFORE VALUE AFTER when key is present; the value is cleaned whole
 * (a byte becomes at most 4), so only the line's own end may cut it. */
static void wrap(struct sb *b, const struct tr_call *c, const char *key, const char *before,
		 const char *after)
{
	const char *raw = tr_call_arg(c, key);
	size_t n = raw ? 4 * strlen(raw) + 1 : 0;
	char *v = n ? malloc(n) : NULL;

	if (v)
		sb_printf(b, "%s%s%s", before, tr_layout_clean(raw, false, v, n), after);
	free(v);
}

/* ", VALUE" when key is present. */
static void in_opt(struct sb *b, const struct tr_call *c, const char *key)
{
	wrap(b, c, key, ", ", "");
}

/* ", FLAGS" when flags are present and say something. */
static void in_flags(struct sb *b, const struct tr_call *c)
{
	char v[ARG_MAX];

	if (arg(c, "flags", v, sizeof v) && strcmp(v, "0") != 0 && v[0] != '\0')
		sb_printf(b, ", %s", v);
}

static void in_fd(struct sb *b, const struct tr_call *c)
{
	if (c->fd >= 0)
		sb_printf(b, "%d", c->fd);
}

static void in_socket(struct sb *b, const struct tr_call *c)
{
	char dom[ARG_MAX], type[ARG_MAX], proto[ARG_MAX];

	sb_printf(b, "%s, %s", arg(c, "dom", dom, sizeof dom) ? dom : "?",
		  arg(c, "type", type, sizeof type) ? type : "?");
	if (arg(c, "proto", proto, sizeof proto) && strcmp(proto, "0") != 0)
		sb_printf(b, ", %s", proto);
}

static void in_accept(struct sb *b, const struct tr_call *c)
{
	char v[ARG_MAX];

	in_fd(b, c);
	/* SOCK_CLOEXEC (Python always sets it) changes nothing on the network;
	 * SOCK_NONBLOCK does. */
	if (arg(c, "flags", v, sizeof v) && strcmp(v, "0") != 0 && strcmp(v, "SOCK_CLOEXEC") != 0)
		sb_printf(b, ", %s", v);
}

static void in_sendfile(struct sb *b, const struct tr_call *c)
{
	char in[ARG_MAX];

	in_fd(b, c);
	if (arg(c, "in", in, sizeof in))
		sb_printf(b, ", in=%s", in);
	in_opt(b, c, "len");
}

/* select(5, [3,4], [5], 1.000) */
static void in_select(struct sb *b, const struct tr_call *c)
{
	char v[ARG_MAX];

	sb_printf(b, "%s", arg(c, "nfds", v, sizeof v) ? v : "?");
	sb_printf(b, ", [%s]", arg(c, "rd", v, sizeof v) ? v : "");
	sb_printf(b, ", [%s]", arg(c, "wr", v, sizeof v) ? v : "");
	if (arg(c, "timeout", v, sizeof v))
		sb_printf(b, ", %s", strcmp(v, "none") == 0 ? "NULL" : v);
}

/* poll([3:IN,4:OUT], 1000): -1 is how poll spells "no timeout". */
static void in_poll(struct sb *b, const struct tr_call *c)
{
	char v[ARG_MAX];

	sb_printf(b, "[%s]", arg(c, "fds", v, sizeof v) ? v : "");
	if (arg(c, "timeout", v, sizeof v))
		sb_printf(b, ", %s", strcmp(v, "none") == 0 ? "-1" : v);
}

static void in_epoll(struct sb *b, const struct tr_call *c)
{
	char v[ARG_MAX];

	in_fd(b, c);
	in_opt(b, c, "maxevents");
	if (arg(c, "timeout", v, sizeof v))
		sb_printf(b, ", %s", strcmp(v, "none") == 0 ? "-1" : v);
}

/* What a successful result means, after "= N". */
static void out_peer(struct sb *b, const struct tr_call *c)
{
	wrap(b, c, "addr", " from ", "");
}

static void out_recv(struct sb *b, const struct tr_call *c)
{
	/* an empty datagram is not the end of anything */
	if (c->ret == 0 && !arg_is(c, "sock", "dgram"))
		sb_printf(b, " (EOF)");
	else
		out_peer(b, c);
}

static void out_mmsg(struct sb *b, const struct tr_call *c)
{
	wrap(b, c, "bytes", " (", " bytes)");
}

static void out_close(struct sb *b, const struct tr_call *c)
{
	char v[ARG_MAX];

	/* both are why a close sends RST instead of FIN */
	if (arg(c, "unread", v, sizeof v) && strcmp(v, "0") != 0)
		sb_printf(b, " (%s bytes unread)", v);
	wrap(b, c, "linger", " (SO_LINGER ", " s)");
}

static void out_name(struct sb *b, const struct tr_call *c)
{
	wrap(b, c, "addr", " (", ")");
}

static void out_ready(struct sb *b, const struct tr_call *c)
{
	if (c->ret > 0)
		wrap(b, c, "ready", " ([", "])");
}

/* How a call's inputs print: by its own printer (in), or as the fd, then
 * the values of keys, then the flags when flags says so: send(3, 22,
 * 127.0.0.1:5000, MSG_DONTWAIT); recv(4, 2048): a source is an output,
 * shown after the result. */
struct call_shape {
	const char *name;
	void (*in)(struct sb *, const struct tr_call *);
	void (*out)(struct sb *, const struct tr_call *); /* NULL: nothing after "= N" */
	const char *keys[3];
	bool flags;
};

#define SEND(name) { name, NULL, NULL, { "len", "addr" }, true }
#define RECV(name) { name, NULL, out_recv, { "len" }, true }

static const struct call_shape call_shapes[] = {
	{ "socket", in_socket, NULL, { NULL }, false },
	{ "bind", NULL, NULL, { "addr" }, false },
	{ "connect", NULL, NULL, { "addr" }, false },
	{ "listen", NULL, NULL, { "backlog" }, false },
	{ "accept", in_accept, out_peer, { NULL }, false },
	{ "accept4", in_accept, out_peer, { NULL }, false },
	SEND("send"), SEND("sendto"), SEND("sendmsg"), SEND("write"), SEND("writev"),
	RECV("recv"), RECV("recvfrom"), RECV("recvmsg"), RECV("read"), RECV("readv"),
	{ "sendmmsg", NULL, out_mmsg, { "vlen" }, true },
	{ "recvmmsg", NULL, out_mmsg, { "vlen" }, true },
	{ "sendfile", in_sendfile, NULL, { NULL }, false },
	{ "splice", NULL, NULL, { "dir", "len" }, false },
	{ "shutdown", NULL, NULL, { "how" }, false },
	{ "close", NULL, out_close, { NULL }, false },
	{ "setsockopt", NULL, NULL, { "level", "opt", "val" }, false },
	{ "getsockopt", NULL, NULL, { "level", "opt", "val" }, false },
	{ "getsockname", NULL, out_name, { NULL }, false },
	{ "getpeername", NULL, out_name, { NULL }, false },
	{ "select", in_select, out_ready, { NULL }, false },
	{ "pselect", in_select, out_ready, { NULL }, false },
	{ "poll", in_poll, out_ready, { NULL }, false },
	{ "ppoll", in_poll, out_ready, { NULL }, false },
	{ "epoll_wait", in_epoll, NULL, { NULL }, false },
	{ "epoll_pwait", in_epoll, NULL, { NULL }, false },
};

#undef SEND
#undef RECV

static void call_inputs(struct sb *b, const struct tr_call *c, const struct call_shape *sh)
{
	if (sh && sh->in) {
		sh->in(b, c);
		return;
	}
	in_fd(b, c);
	for (size_t i = 0; sh && i < N(sh->keys) && sh->keys[i]; i++)
		in_opt(b, c, sh->keys[i]);
	if (sh && sh->flags)
		in_flags(b, c);
}

static const struct call_shape *call_shape_find(const char *name)
{
	for (size_t i = 0; i < N(call_shapes); i++)
		if (strcmp(call_shapes[i].name, name) == 0)
			return &call_shapes[i];
	return NULL;
}

static void call_result(struct sb *b, const struct tr_call *c, const struct call_shape *sh)
{
	if (c->t_exit < 0) {
		sb_printf(b, " ...");
		return;
	}
	sb_printf(b, " = %lld", (long long)c->ret);
	if (c->err != 0) {
		const char *name = tr_errno_name(c->err);

		if (name)
			sb_printf(b, " %s (%s)", name, strerror(c->err));
		else
			sb_printf(b, " errno %d (%s)", c->err, strerror(c->err));
		return;
	}
	if (sh && sh->out)
		sh->out(b, c);
}

char *tr_describe_call(const struct tr_call *c, enum tr_row_kind kind, char *buf, size_t n)
{
	struct sb b = { buf, n, 0 };
	const struct call_shape *sh = call_shape_find(c->name);
	char name[TR_NAME_MAX * 4 + 1];

	if (n == 0)
		return buf;
	buf[0] = '\0';
	tr_layout_clean(c->name, false, name, sizeof name);
	sb_printf(&b, "%s", name);
	if (kind == TR_ROW_CALL_EXIT) {
		/* the entry row above already showed the inputs */
		call_result(&b, c, sh);
		return buf;
	}
	sb_printf(&b, "(");
	call_inputs(&b, c, sh);
	sb_printf(&b, ")");
	if (kind == TR_ROW_CALL_ENTER)
		sb_printf(&b, " ...");
	else
		call_result(&b, c, sh);
	return buf;
}

/* tcpdump's letters in tcpdump's order (header bit order, '.' for ACK in its place): "S.", "FP.", "R". */
static void tcp_flag_letters(uint16_t flags, char *out, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < pkt_tcp_flag_count && o + 1 < n; i++)
		if (flags & pkt_tcp_flag_names[i].bit)
			out[o++] = pkt_tcp_flag_names[i].letter;
	out[o] = '\0';
	if (o == 0)
		snprintf(out, n, "none");
}

static void describe_icmp(struct sb *b, const struct tr_packet *p)
{
	bool v6 = p->proto == IPPROTO_ICMPV6;
	/* type 3 (v4) and 1 (v6) are "destination unreachable": the code says which */
	const char *what = v6 ? (p->icmp_type == 1 ? pkt_name_icmp6_unreach(p->icmp_code)
						 : pkt_name_icmp6(p->icmp_type))
			      : (p->icmp_type == 3 ? pkt_name_icmp_unreach(p->icmp_code)
						 : pkt_name_icmp(p->icmp_type));

	if (what)
		sb_printf(b, "%s %s", v6 ? "ICMP6" : "ICMP", what);
	else
		sb_printf(b, "%s type %u code %u", v6 ? "ICMP6" : "ICMP", p->icmp_type, p->icmp_code);
}

char *tr_describe_packet(const struct tr_packet *p, char *buf, size_t n)
{
	struct sb b = { buf, n, 0 };

	if (n == 0)
		return buf;
	buf[0] = '\0';
	if (p->proto == IPPROTO_TCP) {
		char flags[16];
		uint32_t seq = p->rel ? p->rseq : p->seq, ack = p->rel ? p->rack : p->ack;

		tcp_flag_letters(p->flags, flags, sizeof flags);
		sb_printf(&b, "%s", flags);
		if (p->len > 0 || (p->flags & (TCP_SYN | TCP_FIN | TCP_RST)))
			sb_printf(&b, " %u:%u(%u)", seq, seq + p->len, p->len);
		if (p->flags & TCP_ACK)
			sb_printf(&b, " ack %u", ack);
		sb_printf(&b, " win %u", p->win);
	} else if (p->proto == IPPROTO_UDP) {
		sb_printf(&b, "UDP %u byte%s", p->len, p->len == 1 ? "" : "s");
	} else if (p->proto == IPPROTO_ICMP || p->proto == IPPROTO_ICMPV6) {
		describe_icmp(&b, p);
	} else {
		sb_printf(&b, "proto %u, %u bytes", p->proto, p->len);
	}
	return buf;
}

char *tr_describe_cause(const struct trace *t, const struct tr_packet *p, char *buf, size_t n)
{
	struct sb b = { buf, n, 0 };
	char why[ARG_MAX];
	bool has_why = p->why && p->why[0] != '\0';

	if (n == 0)
		return buf;
	buf[0] = '\0';
	if (has_why)
		tr_layout_clean(p->why, false, why, sizeof why);
	switch (p->cause) {
	case TR_CAUSE_CALL: {
		const struct tr_call *c = tr_call_by_id(t, p->caused_by);
		char name[TR_NAME_MAX * 4 + 1];

		if (!c) {
			sb_printf(&b, "by #%u", p->caused_by);
		} else {
			tr_layout_clean(c->name, false, name, sizeof name);
			sb_printf(&b, "by #%u %s", p->caused_by, name);
		}
		/* "by #8 connect (handshake ACK)"; a why that only repeats the name is dropped */
		if (has_why && (!c || strcmp(why, c->name) != 0))
			sb_printf(&b, " (%s)", why);
		if (c && (c->src.file || c->src.module)) {
			char where[ARG_MAX];

			sb_printf(&b, " at %s", tr_describe_src(c, false, where, sizeof where));
		}
		const struct tr_call *f = tr_call_by_id(t, p->fin_by);
		if (f)
			sb_printf(&b, ", FIN by #%u %s", f->id, f->name);
		break;
	}
	case TR_CAUSE_KERNEL:
		sb_printf(&b, "kernel%s%s", has_why ? ": " : "", has_why ? why : "");
		break;
	case TR_CAUSE_UNKNOWN:
	default:
		sb_printf(&b, "untraced peer%s%s", has_why ? ": " : "", has_why ? why : "");
		break;
	}
	return buf;
}
