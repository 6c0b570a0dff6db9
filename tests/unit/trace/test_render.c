/* Unit tests for the trace printers: describe.c's one-liners, and the text
 * ladder, the JSON Lines and the SVG of models built by hand (seed 002's TCP
 * exchange, a UDP exchange with an ICMP error, and a refused connect). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkt/packet.h"
#include "trace/calllog.h"
#include "trace/callset.h"
#include "trace/layout.h"
#include "trace/model.h"
#include "trace/render.h"

/* ---- building a model by hand ------------------------------------------ */

#define CAP 64
#define T0 1700000000000000000LL

struct pending_state {
	struct tr_state s;
	enum tr_row_kind kind;
	uint32_t index;
};

struct tb {
	struct trace *t;
	struct pending_state ps[CAP];
	size_t nps;
};

static int64_t at(int64_t us)
{
	return T0 + us * 1000;
}

static struct tr_endpoint ep(const char *s)
{
	struct tr_endpoint e;

	memset(&e, 0, sizeof e);
	if (s)
		assert_int_equal(tr_endpoint_parse(s, &e), 0);
	return e;
}

static void tb_init(struct tb *b)
{
	memset(b, 0, sizeof *b);
	b->t = calloc(1, sizeof *b->t);
	assert_non_null(b->t);
	b->t->procs = calloc(CAP, sizeof *b->t->procs);
	b->t->calls = calloc(CAP, sizeof *b->t->calls);
	b->t->packets = calloc(CAP, sizeof *b->t->packets);
	b->t->states = calloc(CAP, sizeof *b->t->states);
	b->t->lanes = calloc(CAP, sizeof *b->t->lanes);
	b->t->rows = calloc(3 * CAP, sizeof *b->t->rows);
	b->t->t0 = at(0);
}

static uint32_t tb_lane(struct tb *b, const char *label, const char *addrs, int32_t pid)
{
	struct tr_lane *l = &b->t->lanes[b->t->nlanes];

	snprintf(l->label, sizeof l->label, "%s", label);
	snprintf(l->addrs, sizeof l->addrs, "%s", addrs);
	l->pid = pid;
	if (pid == 0)
		l->addr = ep(addrs);
	return (uint32_t)b->t->nlanes++;
}

static void tb_proc(struct tb *b, int32_t pid, const char *cmd, uint32_t lane, bool server)
{
	struct tr_proc *p = &b->t->procs[b->t->nprocs++];

	p->pid = pid;
	p->ppid = 1;
	p->cmdline = strdup(cmd);
	p->exe = strdup("/usr/bin/python3");
	p->lane = lane;
	p->server = server;
}

static void tb_row(struct tb *b, enum tr_row_kind kind, int64_t ts, uint32_t index)
{
	struct tr_row *r = &b->t->rows[b->t->nrows++];

	r->kind = kind;
	r->ts = ts;
	r->index = index;
}

/* Calls must come in order of entry: their ids are their positions.
 * exit_us < 0: never returned. */
static uint32_t tb_call(struct tb *b, uint32_t lane, int32_t pid, const char *name, int32_t fd,
			int64_t enter_us, int64_t exit_us, bool waited, int64_t ret, int err,
			const char *args)
{
	struct tr_call *c = &b->t->calls[b->t->ncalls];
	uint32_t index = (uint32_t)b->t->ncalls++;

	c->id = index + 1;
	c->pid = pid;
	c->tid = pid;
	snprintf(c->name, sizeof c->name, "%s", name);
	c->fd = fd;
	c->t_enter = at(enter_us);
	c->t_exit = exit_us < 0 ? -1 : at(exit_us);
	c->ret = ret;
	c->err = err;
	assert_int_equal(tr_args_parse(&c->args, args, strlen(args)), 0);
	c->lane = lane;
	if (exit_us < 0) {
		tb_row(b, TR_ROW_CALL_ENTER, c->t_enter, index);
	} else if (waited) {
		tb_row(b, TR_ROW_CALL_ENTER, c->t_enter, index);
		tb_row(b, TR_ROW_CALL_EXIT, c->t_exit, index);
	} else {
		tb_row(b, TR_ROW_CALL, c->t_enter, index);
	}
	return c->id;
}

static void tb_done(struct tb *b, uint32_t id, uint32_t pkt, const char *why, bool blocked)
{
	struct tr_call *c = &b->t->calls[id - 1];

	c->completed_by = pkt;
	c->completed_why = why;
	c->blocked = blocked;
}

struct pk {
	int64_t us;
	uint8_t proto;
	const char *src, *dst;
	uint16_t flags;
	uint32_t rseq, rack, len;
	uint16_t win;
	enum tr_cause cause;
	uint32_t by;
	const char *why;
	uint32_t from, to;
};

#define ISN_A 2476749965u
#define ISN_B 2976505067u

static uint32_t tb_pkt(struct tb *b, const struct pk *k, bool rel)
{
	struct tr_packet *p = &b->t->packets[b->t->npackets];
	uint32_t index = (uint32_t)b->t->npackets++;
	bool from_a = k->from == 0;

	p->no = index + 1;
	p->ts = at(k->us);
	p->proto = k->proto;
	p->src = ep(k->src);
	p->dst = ep(k->dst);
	p->flags = k->flags;
	p->rseq = k->rseq;
	p->rack = k->rack;
	p->seq = k->rseq + (from_a ? ISN_A : ISN_B);
	p->ack = (k->flags & TCP_ACK) ? k->rack + (from_a ? ISN_B : ISN_A) : 0;
	p->rel = rel;
	p->len = k->len;
	p->win = k->win;
	p->cause = k->cause;
	p->caused_by = k->by;
	p->why = k->why;
	p->lane_from = k->from;
	p->lane_to = k->to;
	tb_row(b, TR_ROW_PACKET, p->ts, index);
	return p->no;
}

static void tb_state(struct tb *b, uint32_t pkt, uint32_t call, uint32_t lane, const char *local,
		     const char *peer, enum tr_tcp_state from, enum tr_tcp_state to)
{
	struct pending_state *ps = &b->ps[b->nps++];

	ps->s.packet = pkt;
	ps->s.call = call;
	ps->s.lane = lane;
	ps->s.local = ep(local);
	ps->s.peer = ep(peer);
	ps->s.from = from;
	ps->s.to = to;
	if (pkt) {
		ps->kind = TR_ROW_PACKET;
		ps->index = pkt - 1;
		ps->s.ts = b->t->packets[pkt - 1].ts;
	} else {
		const struct tr_call *c = &b->t->calls[call - 1];

		ps->index = call - 1;
		ps->kind = c->t_exit < 0 ? TR_ROW_CALL_ENTER : TR_ROW_CALL;
		ps->s.ts = c->t_exit < 0 ? c->t_enter : c->t_exit;
	}
}

/* Rows into time order (stable), then the states behind the rows they follow. */
static struct trace *tb_finish(struct tb *b)
{
	struct trace *t = b->t;

	for (size_t i = 1; i < t->nrows; i++) {
		struct tr_row r = t->rows[i];
		size_t k = i;

		for (; k > 0 && t->rows[k - 1].ts > r.ts; k--)
			t->rows[k] = t->rows[k - 1];
		t->rows[k] = r;
	}
	for (size_t i = 0; i < t->nrows; i++) {
		struct tr_row *r = &t->rows[i];

		r->state_first = (uint32_t)t->nstates;
		for (size_t k = 0; k < b->nps; k++) {
			struct pending_state *ps = &b->ps[k];
			bool kind_ok = ps->kind == r->kind ||
				       (ps->kind == TR_ROW_CALL && r->kind == TR_ROW_CALL_EXIT);

			if (kind_ok && ps->index == r->index) {
				t->states[t->nstates++] = ps->s;
				r->state_count++;
			}
		}
	}
	return t;
}

static void model_free(struct trace *t)
{
	trace_free(t);
	free(t);
}

#define SOCK_TCP "sock=stream fam=inet "
#define C_ "local=127.0.0.1:7777 peer=127.0.0.1:6666 "
#define S_ "local=127.0.0.1:6666 peer=127.0.0.1:7777 "

/* Seed 002: the client sends two lines, shuts down its side, the server
 * answers with two lines and closes. A is the client, B the server. */
static struct trace *seed_model(void)
{
	struct tb b;
	const char *ca = "127.0.0.1:7777", *sa = "127.0.0.1:6666";

	tb_init(&b);
	tb_lane(&b, "client: python3 client.py 6666 7777 (pid 200)", ca, 200);
	tb_lane(&b, "server: python3 server.py 6666 (pid 100)", sa, 100);
	tb_proc(&b, 200, "python3 client.py 6666 7777", 0, false);
	tb_proc(&b, 100, "python3 server.py 6666", 1, true);

	tb_call(&b, 1, 100, "socket", 3, 0, 0, false, 3, 0,
		SOCK_TCP "dom=AF_INET type=SOCK_STREAM proto=0");
	tb_call(&b, 1, 100, "bind", 3, 20, 20, false, 0, 0,
		SOCK_TCP "addr=127.0.0.1:6666 local=127.0.0.1:6666 tcp=CLOSED");
	tb_call(&b, 1, 100, "listen", 3, 31, 31, false, 0, 0,
		SOCK_TCP "backlog=10 local=127.0.0.1:6666 tcp=LISTEN");
	tb_call(&b, 1, 100, "accept4", 3, 40, 12140, true, 4, 0,
		SOCK_TCP "addr=127.0.0.1:7777 flags=SOCK_CLOEXEC " S_ "tcp=ESTABLISHED");
	tb_call(&b, 0, 200, "socket", 3, 12000, 12000, false, 3, 0,
		SOCK_TCP "dom=AF_INET type=SOCK_STREAM proto=0");
	tb_call(&b, 0, 200, "setsockopt", 3, 12010, 12010, false, 0, 0,
		SOCK_TCP "level=SOL_SOCKET opt=SO_REUSEADDR val=1");
	tb_call(&b, 0, 200, "bind", 3, 12050, 12050, false, 0, 0,
		SOCK_TCP "addr=0.0.0.0:7777 local=0.0.0.0:7777 tcp=CLOSED");
	tb_call(&b, 0, 200, "connect", 3, 12101, 12130, true, 0, 0,
		SOCK_TCP "addr=127.0.0.1:6666 " C_ "tcp=ESTABLISHED");
	tb_call(&b, 1, 100, "recv", 4, 12150, 12205, true, 22, 0, SOCK_TCP "len=2048 flags=0 " S_);
	tb_call(&b, 0, 200, "send", 3, 12200, 12200, false, 22, 0, SOCK_TCP "len=22 flags=0 " C_);
	tb_call(&b, 1, 100, "recv", 4, 12207, 12214, true, 22, 0, SOCK_TCP "len=2048 flags=0 " S_);
	tb_call(&b, 0, 200, "send", 3, 12210, 12210, false, 22, 0, SOCK_TCP "len=22 flags=0 " C_);
	tb_call(&b, 1, 100, "recv", 4, 12216, 12224, true, 0, 0, SOCK_TCP "len=2048 flags=0 " S_);
	tb_call(&b, 0, 200, "shutdown", 3, 12220, 12220, false, 0, 0,
		SOCK_TCP "how=SHUT_WR " C_ "tcp=FIN_WAIT1");
	tb_call(&b, 1, 100, "send", 4, 12240, 12240, false, 23, 0, SOCK_TCP "len=23 flags=0 " S_);
	tb_call(&b, 1, 100, "send", 4, 12245, 12245, false, 23, 0, SOCK_TCP "len=23 flags=0 " S_);
	tb_call(&b, 0, 200, "recv", 3, 12255, 12255, false, 46, 0, SOCK_TCP "len=2048 flags=0 " C_);
	tb_call(&b, 0, 200, "recv", 3, 12258, 12263, true, 0, 0, SOCK_TCP "len=2048 flags=0 " C_);
	tb_call(&b, 1, 100, "close", 4, 12260, 12260, false, 0, 0, SOCK_TCP "unread=0 " S_);
	tb_call(&b, 0, 200, "close", 3, 12270, 12270, false, 0, 0, SOCK_TCP "unread=0 " C_);

	const struct pk pk[] = {
		{ 12110, IPPROTO_TCP, ca, sa, TCP_SYN, 0, 0, 0, 65495, TR_CAUSE_CALL, 8, "connect", 0, 1 },
		{ 12115, IPPROTO_TCP, sa, ca, TCP_SYN | TCP_ACK, 0, 1, 0, 65483, TR_CAUSE_KERNEL,
		  0, "SYN-ACK", 1, 0 },
		{ 12120, IPPROTO_TCP, ca, sa, TCP_ACK, 1, 1, 0, 512, TR_CAUSE_CALL, 8,
		  "handshake ACK", 0, 1 },
		{ 12202, IPPROTO_TCP, ca, sa, TCP_PSH | TCP_ACK, 1, 1, 22, 512, TR_CAUSE_CALL, 10,
		  "send", 0, 1 },
		{ 12203, IPPROTO_TCP, sa, ca, TCP_ACK, 1, 23, 0, 512, TR_CAUSE_KERNEL, 0, "ACK", 1, 0 },
		{ 12212, IPPROTO_TCP, ca, sa, TCP_PSH | TCP_ACK, 23, 1, 22, 512, TR_CAUSE_CALL, 12,
		  "send", 0, 1 },
		{ 12213, IPPROTO_TCP, sa, ca, TCP_ACK, 1, 45, 0, 512, TR_CAUSE_KERNEL, 0, "ACK", 1, 0 },
		{ 12222, IPPROTO_TCP, ca, sa, TCP_FIN | TCP_ACK, 45, 1, 0, 512, TR_CAUSE_CALL, 14,
		  "shutdown", 0, 1 },
		{ 12223, IPPROTO_TCP, sa, ca, TCP_ACK, 1, 46, 0, 512, TR_CAUSE_KERNEL, 0, "ACK", 1, 0 },
		{ 12241, IPPROTO_TCP, sa, ca, TCP_PSH | TCP_ACK, 1, 46, 23, 512, TR_CAUSE_CALL, 15,
		  "send", 1, 0 },
		{ 12246, IPPROTO_TCP, sa, ca, TCP_PSH | TCP_ACK, 24, 46, 23, 512, TR_CAUSE_CALL, 16,
		  "send", 1, 0 },
		{ 12250, IPPROTO_TCP, ca, sa, TCP_ACK, 46, 47, 0, 512, TR_CAUSE_KERNEL, 0, "ACK", 0, 1 },
		{ 12261, IPPROTO_TCP, sa, ca, TCP_FIN | TCP_ACK, 47, 46, 0, 512, TR_CAUSE_CALL, 19,
		  "close", 1, 0 },
		{ 12262, IPPROTO_TCP, ca, sa, TCP_ACK, 46, 48, 0, 512, TR_CAUSE_KERNEL, 0,
		  "ACK of FIN", 0, 1 },
	};
	for (size_t i = 0; i < sizeof pk / sizeof pk[0]; i++)
		tb_pkt(&b, &pk[i], true);

	tb_done(&b, 4, 3, "handshake ACK", true);
	tb_done(&b, 8, 2, "SYN-ACK", true);
	tb_done(&b, 9, 4, "data", true);
	tb_done(&b, 11, 6, "data", true);
	tb_done(&b, 13, 8, "FIN", true);
	tb_done(&b, 17, 11, "data", false);
	tb_done(&b, 18, 13, "FIN", true);

	tb_state(&b, 0, 3, 1, sa, NULL, TCPS_CLOSED, TCPS_LISTEN);
	tb_state(&b, 1, 0, 0, ca, sa, TCPS_CLOSED, TCPS_SYN_SENT);
	tb_state(&b, 2, 0, 1, sa, ca, TCPS_LISTEN, TCPS_SYN_RCVD);
	tb_state(&b, 2, 0, 0, ca, sa, TCPS_SYN_SENT, TCPS_ESTABLISHED);
	tb_state(&b, 3, 0, 1, sa, ca, TCPS_SYN_RCVD, TCPS_ESTABLISHED);
	tb_state(&b, 8, 0, 0, ca, sa, TCPS_ESTABLISHED, TCPS_FIN_WAIT_1);
	tb_state(&b, 8, 0, 1, sa, ca, TCPS_ESTABLISHED, TCPS_CLOSE_WAIT);
	tb_state(&b, 9, 0, 0, ca, sa, TCPS_FIN_WAIT_1, TCPS_FIN_WAIT_2);
	tb_state(&b, 13, 0, 1, sa, ca, TCPS_CLOSE_WAIT, TCPS_LAST_ACK);
	tb_state(&b, 13, 0, 0, ca, sa, TCPS_FIN_WAIT_2, TCPS_TIME_WAIT);
	tb_state(&b, 14, 0, 1, sa, ca, TCPS_LAST_ACK, TCPS_CLOSED);
	return tb_finish(&b);
}

/* UDP: a request and an answer, a datagram to a closed port answered by ICMP
 * (the arrow passes over the server's lane), a datagram the server sends to
 * its own second socket, a recvfrom that never returns, and a label with
 * characters XML must escape. A client, B server, C the closed port. */
static struct trace *udp_model(void)
{
	struct tb b;
	const char *ca = "127.0.0.1:40000", *sa = "127.0.0.1:5000", *s2 = "127.0.0.1:5001",
		   *closed = "127.0.0.1:9";

	tb_init(&b);
	tb_lane(&b, "client: python3 udp_client.py (pid 300)", ca, 300);
	tb_lane(&b, "server: python3 udp<echo> & co (pid 301)", "127.0.0.1:5000 127.0.0.1:5001", 301);
	tb_lane(&b, "127.0.0.1:9 (no traced process)", closed, 0);
	tb_proc(&b, 300, "python3 udp_client.py", 0, false);
	tb_proc(&b, 301, "python3 udp<echo> & co", 1, true);

#define SOCK_UDP "sock=dgram fam=inet "
	tb_call(&b, 1, 301, "socket", 3, 0, 0, false, 3, 0,
		SOCK_UDP "dom=AF_INET type=SOCK_DGRAM proto=0");
	tb_call(&b, 1, 301, "bind", 3, 10, 10, false, 0, 0, SOCK_UDP "addr=127.0.0.1:5000");
	tb_call(&b, 1, 301, "recvfrom", 3, 20, 1010, true, 12, 0,
		SOCK_UDP "len=2048 flags=0 addr=127.0.0.1:40000");
	tb_call(&b, 0, 300, "socket", 3, 1000, 1000, false, 3, 0,
		SOCK_UDP "dom=AF_INET type=SOCK_DGRAM proto=0");
	tb_call(&b, 0, 300, "sendto", 3, 1002, 1002, false, 12, 0,
		SOCK_UDP "len=12 flags=0 addr=127.0.0.1:5000");
	tb_call(&b, 0, 300, "recvfrom", 3, 1004, 1030, true, 12, 0,
		SOCK_UDP "len=2048 flags=0 addr=127.0.0.1:5000");
	tb_call(&b, 1, 301, "sendto", 3, 1020, 1020, false, 12, 0,
		SOCK_UDP "len=12 flags=0 addr=127.0.0.1:40000");
	tb_call(&b, 1, 301, "recvfrom", 3, 1025, -1, true, 0, 0, SOCK_UDP "len=2048 flags=0");
	tb_call(&b, 0, 300, "sendto", 3, 1040, 1040, false, 5, 0,
		SOCK_UDP "len=5 flags=0 addr=127.0.0.1:9");
	tb_call(&b, 0, 300, "recvfrom", 3, 1045, 1045, false, -1, ECONNREFUSED,
		SOCK_UDP "len=2048 flags=0");
	tb_call(&b, 1, 301, "sendto", 4, 1050, 1050, false, 3, 0,
		SOCK_UDP "len=3 flags=MSG_DONTWAIT addr=127.0.0.1:5001");
	tb_call(&b, 0, 300, "connect", 5, 1060, 1060, false, -1, ENOENT,
		"sock=stream fam=unix addr=/tmp/s<1>&x%01");
	b.t->calls[10].tid = 302; /* the second thread of the server */

	const struct pk pk[] = {
		{ 1003, IPPROTO_UDP, ca, sa, 0, 0, 0, 12, 0, TR_CAUSE_CALL, 5, "sendto", 0, 1 },
		{ 1021, IPPROTO_UDP, sa, ca, 0, 0, 0, 12, 0, TR_CAUSE_CALL, 7, "sendto", 1, 0 },
		{ 1041, IPPROTO_UDP, ca, closed, 0, 0, 0, 5, 0, TR_CAUSE_CALL, 9, "sendto", 0, 2 },
		{ 1042, IPPROTO_ICMP, closed, ca, 0, 0, 0, 0, 0, TR_CAUSE_KERNEL, 0,
		  "port unreachable", 2, 0 },
		{ 1051, IPPROTO_UDP, "127.0.0.1:5002", s2, 0, 0, 0, 3, 0, TR_CAUSE_CALL, 11, NULL, 1, 1 },
	};
	for (size_t i = 0; i < sizeof pk / sizeof pk[0]; i++)
		tb_pkt(&b, &pk[i], false);
	b.t->packets[3].icmp_type = 3;
	b.t->packets[3].icmp_code = 3;

	tb_done(&b, 3, 1, "datagram", true);
	tb_done(&b, 6, 2, "datagram", true);
	tb_done(&b, 10, 4, "ICMP", false);
	return tb_finish(&b);
}

/* connect to a closed port: SYN, RST-ACK from an end no process owns. The
 * peer never sent a SYN, so there are no relative numbers. */
static struct trace *refused_model(void)
{
	struct tb b;
	const char *ca = "127.0.0.1:45678", *closed = "127.0.0.1:9";

	tb_init(&b);
	tb_lane(&b, "client: nc 127.0.0.1 9 (pid 400)", ca, 400);
	tb_lane(&b, "127.0.0.1:9 (no traced process)", closed, 0);
	tb_proc(&b, 400, "nc 127.0.0.1 9", 0, false);
	tb_call(&b, 0, 400, "socket", 3, 0, 0, false, 3, 0,
		SOCK_TCP "dom=AF_INET type=SOCK_STREAM proto=0");
	tb_call(&b, 0, 400, "connect", 3, 10, 60, true, -1, ECONNREFUSED,
		SOCK_TCP "addr=127.0.0.1:9 local=127.0.0.1:45678 tcp=CLOSED");
	tb_call(&b, 0, 400, "close", 3, 70, 70, false, 0, 0, SOCK_TCP "unread=0");

	const struct pk pk[] = {
		{ 20, IPPROTO_TCP, ca, closed, TCP_SYN, 0, 0, 0, 65495, TR_CAUSE_CALL, 2, "connect",
		  0, 1 },
		{ 30, IPPROTO_TCP, closed, ca, TCP_RST | TCP_ACK, 0, 1, 0, 0, TR_CAUSE_UNKNOWN, 0,
		  NULL, 1, 0 },
	};
	for (size_t i = 0; i < sizeof pk / sizeof pk[0]; i++)
		tb_pkt(&b, &pk[i], false);
	b.t->packets[1].seq = 0; /* an RST to a SYN carries seq 0 */
	tb_done(&b, 2, 2, "RST", true);
	tb_state(&b, 1, 0, 0, ca, closed, TCPS_CLOSED, TCPS_SYN_SENT);
	tb_state(&b, 2, 0, 0, ca, closed, TCPS_SYN_SENT, TCPS_CLOSED);
	return tb_finish(&b);
}

/* ---- running a printer into a string ------------------------------------ */

enum which { TEXT, TEXT_UTF8, JSON, SVG };

static char *render_with(const struct trace *t, enum which w, const struct render_opts *opts);

static char *render(const struct trace *t, enum which w)
{
	struct render_opts o = { .utf8 = w == TEXT_UTF8 };

	return render_with(t, w, &o);
}

static char *render_with(const struct trace *t, enum which w, const struct render_opts *opts)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct render_opts o = *opts;
	int rc;

	assert_non_null(f);
	rc = w == JSON ? trace_render_json(t, f)
	     : w == SVG ? trace_render_svg(t, f)
			: trace_render_text(t, &o, f);
	assert_int_equal(rc, 0);
	fclose(f);
	/* TRACE_RENDER_DUMP=dir keeps the outputs for a person to look at */
	if (getenv("TRACE_RENDER_DUMP")) {
		static int n;
		char path[512];
		FILE *d;

		snprintf(path, sizeof path, "%s/out%d.%s", getenv("TRACE_RENDER_DUMP"), n++,
			 w == JSON ? "jsonl" : w == SVG ? "svg" : "txt");
		d = fopen(path, "w");
		if (d) {
			fputs(buf, d);
			fclose(d);
		}
	}
	return buf;
}

/* The line of out that contains needle, copied into line; fails the test
 * when there is none. */
static const char *line_with(const char *out, const char *needle, char *line, size_t n)
{
	const char *hit = strstr(out, needle), *start, *end;

	if (!hit)
		fail_msg("no line with \"%s\" in:\n%s", needle, out);
	start = hit;
	while (start > out && start[-1] != '\n')
		start--;
	end = strchr(hit, '\n');
	if (!end)
		end = hit + strlen(hit);
	snprintf(line, n, "%.*s", (int)(end - start), start);
	return line;
}

static void assert_has(const char *out, const char *needle)
{
	/* out ? out : "": GCC with the sanitizers cannot tell out is set */
	if (!strstr(out, needle))
		fail_msg("missing \"%s\" in:\n%s", needle, out ? out : "");
}

/* ---- describe.c ---------------------------------------------------------- */

static const char *call_desc(const char *name, int32_t fd, int64_t ret, int err, const char *args,
			     enum tr_row_kind kind, bool returned)
{
	static char buf[512];
	struct tr_call c;

	memset(&c, 0, sizeof c);
	snprintf(c.name, sizeof c.name, "%s", name);
	c.fd = fd;
	c.ret = ret;
	c.err = err;
	c.t_enter = at(0);
	c.t_exit = returned ? at(1) : -1;
	assert_int_equal(tr_args_parse(&c.args, args, strlen(args)), 0);
	tr_describe_call(&c, kind, buf, sizeof buf);
	tr_args_free(&c.args);
	return buf;
}

static void test_describe_call(void **state)
{
	const enum tr_row_kind C = TR_ROW_CALL;

	assert_string_equal(call_desc("socket", 3, 3, 0, "dom=AF_INET type=SOCK_STREAM proto=0", C, true),
			    "socket(AF_INET, SOCK_STREAM) = 3");
	assert_string_equal(call_desc("setsockopt", 3, 0, 0,
				      "level=SOL_SOCKET opt=SO_REUSEADDR val=1", C, true),
			    "setsockopt(3, SOL_SOCKET, SO_REUSEADDR, 1) = 0");
	assert_string_equal(call_desc("bind", 3, 0, 0, "addr=0.0.0.0:7777", C, true),
			    "bind(3, 0.0.0.0:7777) = 0");
	assert_string_equal(call_desc("connect", 3, 0, 0, "addr=127.0.0.1:6666", C, true),
			    "connect(3, 127.0.0.1:6666) = 0");
	assert_string_equal(call_desc("connect", 3, -1, ECONNREFUSED, "addr=127.0.0.1:9", C, true),
			    "connect(3, 127.0.0.1:9) = -1 ECONNREFUSED (Connection refused)");
	assert_string_equal(call_desc("send", 3, 22, 0, "len=22 flags=0", C, true), "send(3, 22) = 22");
	assert_string_equal(call_desc("recv", 4, 0, 0, "sock=stream len=2048 flags=0", C, true),
			    "recv(4, 2048) = 0 (EOF)");
	assert_string_equal(call_desc("recvfrom", 3, 0, 0, "sock=dgram len=2048 addr=127.0.0.1:5000",
				      C, true),
			    "recvfrom(3, 2048) = 0 from 127.0.0.1:5000");
	assert_string_equal(call_desc("recvfrom", 3, 12, 0, "len=2048 addr=127.0.0.1:5000", C, true),
			    "recvfrom(3, 2048) = 12 from 127.0.0.1:5000");
	assert_string_equal(call_desc("sendto", 3, 12, 0, "len=12 flags=MSG_DONTWAIT addr=127.0.0.1:5000",
				      C, true),
			    "sendto(3, 12, 127.0.0.1:5000, MSG_DONTWAIT) = 12");
	assert_string_equal(call_desc("accept4", 3, 4, 0, "addr=127.0.0.1:7777 flags=SOCK_CLOEXEC",
				      C, true),
			    "accept4(3) = 4 from 127.0.0.1:7777");
	assert_string_equal(call_desc("accept4", 3, 4, 0, "addr=127.0.0.1:7777 flags=SOCK_CLOEXEC",
				      TR_ROW_CALL_ENTER, true),
			    "accept4(3) ...");
	assert_string_equal(call_desc("accept4", 3, 4, 0, "addr=127.0.0.1:7777 flags=SOCK_NONBLOCK",
				      TR_ROW_CALL_EXIT, true),
			    "accept4 = 4 from 127.0.0.1:7777");
	assert_string_equal(call_desc("accept", 3, 0, 0, "", C, false), "accept(3) ...");
	assert_string_equal(call_desc("shutdown", 3, 0, 0, "how=SHUT_WR", C, true),
			    "shutdown(3, SHUT_WR) = 0");
	assert_string_equal(call_desc("close", 4, 0, 0, "unread=0", C, true), "close(4) = 0");
	assert_string_equal(call_desc("close", 4, 0, 0, "unread=12", C, true),
			    "close(4) = 0 (12 bytes unread)");
	assert_string_equal(call_desc("poll", -1, 1, 0, "fds=3:IN timeout=1000 ready=3:IN", C, true),
			    "poll([3:IN], 1000) = 1 ([3:IN])");
	assert_string_equal(call_desc("select", -1, 0, 0, "nfds=5 timeout=none rd=3,4 wr=", C, true),
			    "select(5, [3,4], [], NULL) = 0");
	assert_string_equal(call_desc("connect", 3, -1, EINPROGRESS, "addr=127.0.0.1:6666", C, true),
			    "connect(3, 127.0.0.1:6666) = -1 EINPROGRESS (Operation now in progress)");
	assert_string_equal(call_desc("ioctl", 3, 0, 0, "", C, true), "ioctl(3) = 0");
	/* recorded bytes never reach a terminal raw */
	assert_string_equal(call_desc("connect", 5, -1, ENOENT, "addr=/tmp/a%1b[2Jb", C, true),
			    "connect(5, /tmp/a\\x1b[2Jb) = -1 ENOENT (No such file or directory)");

	/* a small buffer cuts, never overruns */
	char small[8];
	struct tr_call c = { .fd = 3, .t_exit = 1 };

	assert_int_equal(tr_args_parse(&c.args, "addr=127.0.0.1:6666", 19), 0);
	snprintf(c.name, sizeof c.name, "connect");
	assert_string_equal(tr_describe_call(&c, TR_ROW_CALL, small, sizeof small), "connect");
	tr_args_free(&c.args);
}

static const char *pkt_desc(uint8_t proto, uint16_t flags, uint32_t rseq, uint32_t rack,
			    uint32_t len, uint16_t win)
{
	static char buf[256];
	struct tr_packet p;

	memset(&p, 0, sizeof p);
	p.proto = proto;
	p.flags = flags;
	p.rseq = rseq;
	p.rack = rack;
	p.seq = rseq + 1000;
	p.ack = rack + 2000;
	p.rel = true;
	p.len = len;
	p.win = win;
	return tr_describe_packet(&p, buf, sizeof buf);
}

static void test_describe_packet(void **state)
{
	struct tr_packet p;
	char buf[128];

	assert_string_equal(pkt_desc(IPPROTO_TCP, TCP_SYN, 0, 0, 0, 65495), "S 0:0(0) win 65495");
	assert_string_equal(pkt_desc(IPPROTO_TCP, TCP_SYN | TCP_ACK, 0, 1, 0, 65483),
			    "S. 0:0(0) ack 1 win 65483");
	assert_string_equal(pkt_desc(IPPROTO_TCP, TCP_ACK, 1, 1, 0, 512), ". ack 1 win 512");
	assert_string_equal(pkt_desc(IPPROTO_TCP, TCP_PSH | TCP_ACK, 1, 1, 22, 512),
			    "P. 1:23(22) ack 1 win 512");
	assert_string_equal(pkt_desc(IPPROTO_TCP, TCP_FIN | TCP_ACK, 45, 1, 0, 512),
			    "F. 45:45(0) ack 1 win 512");
	assert_string_equal(pkt_desc(IPPROTO_TCP, TCP_RST, 1, 0, 0, 0), "R 1:1(0) win 0");
	assert_string_equal(pkt_desc(IPPROTO_TCP, TCP_RST | TCP_ACK, 0, 1, 0, 0),
			    "R. 0:0(0) ack 1 win 0");
	assert_string_equal(pkt_desc(IPPROTO_TCP, TCP_SYN | TCP_ECE | TCP_CWR, 0, 0, 0, 1),
			    "SEW 0:0(0) win 1");
	assert_string_equal(pkt_desc(IPPROTO_UDP, 0, 0, 0, 12, 0), "UDP 12 bytes");
	assert_string_equal(pkt_desc(IPPROTO_UDP, 0, 0, 0, 1, 0), "UDP 1 byte");

	memset(&p, 0, sizeof p);
	p.proto = IPPROTO_ICMP;
	p.icmp_type = 3;
	p.icmp_code = 3;
	assert_string_equal(tr_describe_packet(&p, buf, sizeof buf), "ICMP port unreachable");
	p.icmp_code = 1;
	assert_string_equal(tr_describe_packet(&p, buf, sizeof buf), "ICMP host unreachable");
	p.icmp_type = 11;
	p.icmp_code = 0;
	assert_string_equal(tr_describe_packet(&p, buf, sizeof buf), "ICMP time exceeded");
	p.proto = IPPROTO_ICMPV6;
	p.icmp_type = 1;
	p.icmp_code = 4;
	assert_string_equal(tr_describe_packet(&p, buf, sizeof buf), "ICMP6 port unreachable");
	p.icmp_type = 250;
	assert_string_equal(tr_describe_packet(&p, buf, sizeof buf), "ICMP6 type 250 code 4");

	/* without both ISNs: the numbers as on the wire */
	memset(&p, 0, sizeof p);
	p.proto = IPPROTO_TCP;
	p.flags = TCP_SYN;
	p.seq = 2476749965u;
	p.win = 65495;
	assert_string_equal(tr_describe_packet(&p, buf, sizeof buf),
			    "S 2476749965:2476749965(0) win 65495");
}

static void test_describe_cause(void **state)
{
	struct trace *t = seed_model();
	struct tr_packet p;
	char buf[128];

	assert_string_equal(tr_describe_cause(t, &t->packets[0], buf, sizeof buf), "by #8 connect");
	assert_string_equal(tr_describe_cause(t, &t->packets[2], buf, sizeof buf),
			    "by #8 connect (handshake ACK)");
	assert_string_equal(tr_describe_cause(t, &t->packets[1], buf, sizeof buf), "kernel: SYN-ACK");
	memset(&p, 0, sizeof p);
	p.cause = TR_CAUSE_KERNEL;
	assert_string_equal(tr_describe_cause(t, &p, buf, sizeof buf), "kernel");
	p.cause = TR_CAUSE_UNKNOWN;
	assert_string_equal(tr_describe_cause(t, &p, buf, sizeof buf), "untraced peer");
	p.why = "RST for a closed port";
	assert_string_equal(tr_describe_cause(t, &p, buf, sizeof buf),
			    "untraced peer: RST for a closed port");
	p.cause = TR_CAUSE_CALL;
	p.caused_by = 99; /* not in the model */
	p.why = NULL;
	assert_string_equal(tr_describe_cause(t, &p, buf, sizeof buf), "by #99");
	model_free(t);
}

/* ---- layout.c ------------------------------------------------------------ */

static void test_layout(void **state)
{
	char buf[64];
	struct trace *t;
	struct tr_layout_states ls;

	assert_string_equal(tr_layout_lane_letter(0, buf, sizeof buf), "A");
	assert_string_equal(tr_layout_lane_letter(25, buf, sizeof buf), "Z");
	assert_string_equal(tr_layout_lane_letter(26, buf, sizeof buf), "AA");
	assert_string_equal(tr_layout_lane_letter(27, buf, sizeof buf), "AB");
	assert_string_equal(tr_layout_lane_letter(26 + 26 * 26, buf, sizeof buf), "AAA");
	assert_string_equal(tr_errno_name(ECONNRESET), "ECONNRESET");
	assert_null(tr_errno_name(0));
	assert_string_equal(tr_layout_clean("a\x01" "b\xff" "c\xc3\xa4", false, buf, sizeof buf),
			    "a\\x01b\\xffc\xc3\xa4");
	assert_string_equal(tr_layout_clean("a\tb", true, buf, sizeof buf), "a\tb");
	assert_string_equal(tr_layout_clean("\xe2\x82", false, buf, sizeof buf), "\\xe2\\x82");
	assert_string_equal(tr_layout_clean("abcdef", false, buf, 4), "abc");
	assert_int_equal(tr_layout_width("\xc3\xa4" "b"), 2);

	/* one connection and its listener: bare names; with a second
	 * connection every state of the lane says which socket */
	t = seed_model();
	assert_int_equal(tr_layout_states_init(&ls, t), 0);
	assert_string_equal(tr_layout_state_label(&ls, &t->states[0], true, buf, sizeof buf), "B LISTEN");
	assert_string_equal(tr_layout_state_label(&ls, &t->states[2], true, buf, sizeof buf),
			    "B SYN_RCVD");
	assert_string_equal(tr_layout_state_label(&ls, &t->states[1], false, buf, sizeof buf),
			    "SYN_SENT");
	{
		struct tr_state closed_listener = t->states[0];

		closed_listener.from = TCPS_LISTEN;
		closed_listener.to = TCPS_CLOSED;
		assert_string_equal(tr_layout_state_label(&ls, &closed_listener, true, buf, sizeof buf),
				    "B listener CLOSED");
	}
	tr_layout_states_free(&ls);
	t->states[6].peer = ep("127.0.0.1:7778");
	assert_int_equal(tr_layout_states_init(&ls, t), 0);
	assert_string_equal(tr_layout_state_label(&ls, &t->states[6], true, buf, sizeof buf),
			    "B 127.0.0.1:6666>127.0.0.1:7778 CLOSE_WAIT");
	assert_string_equal(tr_layout_state_label(&ls, &t->states[0], true, buf, sizeof buf),
			    "B 127.0.0.1:6666 LISTEN");
	assert_string_equal(tr_layout_state_label(&ls, &t->states[1], true, buf, sizeof buf),
			    "A SYN_SENT");
	tr_layout_states_free(&ls);
	model_free(t);
}

/* ---- the text ladder ----------------------------------------------------- */

static void test_text_seed(void **state)
{
	struct trace *t = seed_model();
	char *out = render(t, TEXT);
	char line[512];

	assert_true(strncmp(out, "socklab trace: 2 processes, 20 calls, 14 packets\n", 49) == 0);
	assert_has(out, "  A  client: python3 client.py 6666 7777 (pid 200)   127.0.0.1:7777\n");
	assert_has(out, "  B  server: python3 server.py 6666 (pid 100)        127.0.0.1:6666\n");
	assert_has(out, "\n    ms  A       B\n");
	assert_has(out, " 0.000  |       *   #1 socket(AF_INET, SOCK_STREAM) = 3\n");
	line_with(out, "#3 listen(3, 10) = 0", line, sizeof line);
	assert_non_null(strstr(line, "  B LISTEN"));
	line_with(out, "#4 accept4(3) ...", line, sizeof line);
	assert_non_null(strstr(line, "|       >   #4"));
	/* the server waits in accept4 while the client sets up */
	line_with(out, "#6 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, 1) = 0", line, sizeof line);
	assert_non_null(strstr(line, "12.010  *       :   #6"));

	line_with(out, "[1] S 0:0(0) win 65495", line, sizeof line);
	assert_non_null(strstr(line, "12.110  1------>:   [1]"));
	assert_non_null(strstr(line, "by #8 connect"));
	assert_non_null(strstr(line, "A SYN_SENT"));
	line_with(out, "[2] S. 0:0(0) ack 1 win 65483", line, sizeof line);
	assert_non_null(strstr(line, ":<------2   [2]"));
	assert_non_null(strstr(line, "kernel: SYN-ACK"));
	assert_non_null(strstr(line, "B SYN_RCVD, A ESTABLISHED"));
	line_with(out, "[3] . ack 1 win 512", line, sizeof line);
	assert_non_null(strstr(line, "by #8 connect (handshake ACK)"));
	assert_non_null(strstr(line, "B ESTABLISHED"));
	line_with(out, "#8 connect = 0", line, sizeof line);
	assert_non_null(strstr(line, "12.130  <       :   #8 connect = 0"));
	assert_non_null(strstr(line, "completed by [2] SYN-ACK"));
	line_with(out, "#4 accept4 = 4 from 127.0.0.1:7777", line, sizeof line);
	assert_non_null(strstr(line, "|       <   #4"));
	assert_non_null(strstr(line, "completed by [3] handshake ACK"));
	line_with(out, "[4] P. 1:23(22) ack 1 win 512", line, sizeof line);
	assert_non_null(strstr(line, "4------>:"));
	assert_non_null(strstr(line, "by #10 send"));
	assert_has(out, "[6] P. 23:45(22) ack 1 win 512");
	line_with(out, "[8] F. 45:45(0) ack 1 win 512", line, sizeof line);
	assert_non_null(strstr(line, "A FIN_WAIT_1, B CLOSE_WAIT"));
	line_with(out, "#13 recv = 0 (EOF)", line, sizeof line);
	assert_non_null(strstr(line, "completed by [8] FIN"));
	line_with(out, "#17 recv(3, 2048) = 46", line, sizeof line);
	assert_non_null(strstr(line, "already had [11] data"));
	line_with(out, "[13] F. 47:47(0) ack 46 win 512", line, sizeof line);
	assert_non_null(strstr(line, ":<-----13   [13]"));
	assert_non_null(strstr(line, "B LAST_ACK, A TIME_WAIT"));
	line_with(out, "[14] . ack 48 win 512", line, sizeof line);
	assert_non_null(strstr(line, "kernel: ACK of FIN"));
	assert_non_null(strstr(line, "B CLOSED"));
	assert_has(out, "#20 close(3) = 0\n");
	/* one line per row: the header (6 lines) and 30 rows */
	{
		size_t lines = 0;

		for (const char *p = out; *p; p++)
			lines += *p == '\n';
		assert_int_equal(lines, 6 + t->nrows);
	}
	assert_null(strstr(out, " \n")); /* no trailing blanks */
	free(out);
	model_free(t);
}

static void test_text_udp(void **state)
{
	struct trace *t = udp_model();
	char *out = render(t, TEXT);
	char line[512];

	assert_has(out, "  C  127.0.0.1:9 (no traced process)");
	assert_has(out, "server: python3 udp<echo> & co (pid 301)");
	line_with(out, "[1] UDP 12 bytes", line, sizeof line);
	assert_non_null(strstr(line, "1------>:       |   [1]"));
	/* A to C passes over B's lane */
	line_with(out, "[3] UDP 5 bytes", line, sizeof line);
	assert_non_null(strstr(line, "3-------------->|   [3]"));
	line_with(out, "[4] ICMP port unreachable", line, sizeof line);
	assert_non_null(strstr(line, "|<--------------4   [4]"));
	assert_non_null(strstr(line, "kernel: port unreachable"));
	line_with(out, "#10 recvfrom(3, 2048) = -1 ECONNREFUSED (Connection refused)", line, sizeof line);
	assert_non_null(strstr(line, "already had [4] ICMP"));
	/* both ends in the server's lane */
	line_with(out, "[5] UDP 3 bytes", line, sizeof line);
	assert_non_null(strstr(line, "5<-'"));
	line_with(out, "#8 recvfrom(3, 2048) ...", line, sizeof line);
	assert_non_null(strstr(line, "(never returned)"));
	assert_has(out, "#11 sendto(4, 3, 127.0.0.1:5001, MSG_DONTWAIT) = 3");
	assert_has(out, "#12 connect(5, /tmp/s<1>&x\\x01) = -1 ENOENT");
	assert_has(out, "#3 recvfrom = 12 from 127.0.0.1:40000");
	free(out);
	model_free(t);
}

static void test_text_refused(void **state)
{
	struct trace *t = refused_model();
	char *out = render(t, TEXT);
	char line[512];

	assert_has(out, "socklab trace: 1 process, 3 calls, 2 packets\n");
	line_with(out, "#2 connect = -1 ECONNREFUSED (Connection refused)", line, sizeof line);
	assert_non_null(strstr(line, "completed by [2] RST"));
	line_with(out, "[2] R. 0:0(0) ack 2476749966 win 0", line, sizeof line);
	assert_non_null(strstr(line, "untraced peer"));
	assert_non_null(strstr(line, "A CLOSED"));
	assert_has(out, "[1] S 2476749965:2476749965(0) win 65495");
	free(out);
	model_free(t);
}

static void test_text_utf8(void **state)
{
	struct trace *t = seed_model();
	char *out = render(t, TEXT_UTF8);
	char line[512];

	line_with(out, "[1] S 0:0(0)", line, sizeof line);
	assert_non_null(strstr(line, "1──────▶┆"));
	line_with(out, "[2] S.", line, sizeof line);
	assert_non_null(strstr(line, "┆◀──────2"));
	free(out);
	model_free(t);
}

/* ---- JSON Lines ---------------------------------------------------------- */

struct jlines {
	json_t *v[256];
	size_t n;
};

static void parse_lines(const char *out, struct jlines *jl)
{
	const char *p = out;

	jl->n = 0;
	while (*p) {
		const char *end = strchr(p, '\n');
		json_error_t err;

		assert_non_null(end);
		jl->v[jl->n] = json_loadb(p, (size_t)(end - p), 0, &err);
		if (!jl->v[jl->n])
			fail_msg("line %zu is not JSON: %s: %.*s", jl->n + 1, err.text, (int)(end - p), p);
		assert_true(json_is_object(jl->v[jl->n]));
		jl->n++;
		p = end + 1;
	}
}

static void free_lines(struct jlines *jl)
{
	for (size_t i = 0; i < jl->n; i++)
		json_decref(jl->v[i]);
}

static json_t *find_obj(struct jlines *jl, const char *type, const char *key, json_int_t v)
{
	for (size_t i = 0; i < jl->n; i++)
		if (strcmp(json_string_value(json_object_get(jl->v[i], "type")), type) == 0 &&
		    json_integer_value(json_object_get(jl->v[i], key)) == v)
			return jl->v[i];
	fail_msg("no %s with %s %lld", type, key, (long long)v);
	return NULL;
}

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	assert_true(json_is_string(v));
	return json_string_value(v);
}

static json_int_t jint(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	assert_true(json_is_integer(v));
	return json_integer_value(v);
}

static void test_json_seed(void **state)
{
	struct trace *t = seed_model();
	char *out = render(t, JSON);
	struct jlines jl;
	size_t calls = 0, packets = 0, states = 0;
	json_t *o, *args, *flags;

	parse_lines(out, &jl);
	for (size_t i = 0; i < jl.n; i++) {
		const char *type = jstr(jl.v[i], "type");

		calls += strcmp(type, "call") == 0;
		packets += strcmp(type, "packet") == 0;
		states += strcmp(type, "state") == 0;
	}
	assert_int_equal(calls, 20);
	assert_int_equal(packets, 14);
	assert_int_equal(states, 11);
	assert_int_equal(jl.n, 45);

	/* row order: listen, then its state; the SYN, then SYN_SENT */
	assert_int_equal(jint(jl.v[0], "id"), 1);
	assert_string_equal(jstr(jl.v[2], "name"), "listen");
	assert_string_equal(jstr(jl.v[3], "type"), "state");
	assert_string_equal(jstr(jl.v[3], "to"), "LISTEN");
	assert_string_equal(jstr(jl.v[3], "endpoint"), "127.0.0.1:6666");
	assert_true(json_is_null(json_object_get(jl.v[3], "peer")));
	assert_int_equal(jint(jl.v[3], "call"), 3);
	assert_true(json_is_null(json_object_get(jl.v[3], "packet")));

	o = find_obj(&jl, "call", "id", 8);
	assert_string_equal(jstr(o, "name"), "connect");
	assert_int_equal(jint(o, "pid"), 200);
	assert_int_equal(jint(o, "tid"), 200);
	assert_int_equal(jint(o, "fd"), 3);
	assert_int_equal(jint(o, "ret"), 0);
	assert_true(json_is_null(json_object_get(o, "errno")));
	assert_int_equal(jint(o, "completed_by"), 2);
	assert_string_equal(jstr(o, "completed_why"), "SYN-ACK");
	assert_true(json_is_real(json_object_get(o, "t_enter")));
	assert_true(fabs(json_real_value(json_object_get(o, "t_enter")) - 1700000000.012101) < 1e-6);
	assert_true(fabs(json_real_value(json_object_get(o, "t_exit")) - 1700000000.012130) < 1e-6);
	assert_has(out, "\"t_enter\":1700000000.012101,");
	args = json_object_get(o, "args");
	assert_string_equal(jstr(args, "addr"), "127.0.0.1:6666");
	assert_string_equal(jstr(args, "tcp"), "ESTABLISHED");

	o = find_obj(&jl, "call", "id", 9);
	assert_int_equal(jint(json_object_get(o, "args"), "len"), 2048);
	assert_int_equal(jint(json_object_get(o, "args"), "flags"), 0);
	o = find_obj(&jl, "call", "id", 1);
	assert_true(json_is_null(json_object_get(o, "completed_by")));
	assert_true(json_is_null(json_object_get(o, "completed_why")));

	o = find_obj(&jl, "packet", "no", 1);
	assert_string_equal(jstr(o, "proto"), "tcp");
	assert_string_equal(jstr(o, "src"), "127.0.0.1");
	assert_int_equal(jint(o, "sport"), 7777);
	assert_string_equal(jstr(o, "dst"), "127.0.0.1");
	assert_int_equal(jint(o, "dport"), 6666);
	flags = json_object_get(o, "flags");
	assert_int_equal(json_array_size(flags), 1);
	assert_string_equal(json_string_value(json_array_get(flags, 0)), "SYN");
	assert_int_equal(jint(o, "seq"), 0);
	assert_int_equal(jint(o, "seq_raw"), ISN_A);
	assert_true(json_is_null(json_object_get(o, "ack")));
	assert_int_equal(jint(o, "caused_by"), 8);
	assert_string_equal(jstr(o, "why"), "connect");

	o = find_obj(&jl, "packet", "no", 2);
	flags = json_object_get(o, "flags");
	assert_int_equal(json_array_size(flags), 2);
	assert_string_equal(json_string_value(json_array_get(flags, 0)), "SYN");
	assert_string_equal(json_string_value(json_array_get(flags, 1)), "ACK");
	assert_int_equal(jint(o, "ack"), 1);
	assert_int_equal(jint(o, "ack_raw"), (json_int_t)ISN_A + 1);
	assert_string_equal(jstr(o, "caused_by"), "kernel");
	assert_true(fabs(json_real_value(json_object_get(o, "ts")) - 1700000000.012115) < 1e-6);

	o = find_obj(&jl, "packet", "no", 4);
	assert_int_equal(jint(o, "len"), 22);
	assert_int_equal(jint(o, "seq"), 1);
	flags = json_object_get(o, "flags");
	assert_string_equal(json_string_value(json_array_get(flags, 0)), "PSH");
	assert_string_equal(json_string_value(json_array_get(flags, 1)), "ACK");

	o = find_obj(&jl, "state", "packet", 8);
	assert_string_equal(jstr(o, "from"), "ESTABLISHED");
	assert_string_equal(jstr(o, "to"), "FIN_WAIT_1");
	assert_string_equal(jstr(o, "endpoint"), "127.0.0.1:7777");
	assert_string_equal(jstr(o, "peer"), "127.0.0.1:6666");
	assert_true(json_is_null(json_object_get(o, "call")));

	/* each state right after its packet */
	for (size_t i = 0; i < jl.n; i++) {
		if (strcmp(jstr(jl.v[i], "type"), "state") != 0)
			continue;
		json_t *pk = json_object_get(jl.v[i], "packet");
		size_t k = i;

		while (k > 0 && strcmp(jstr(jl.v[k - 1], "type"), "state") == 0)
			k--;
		assert_true(k > 0);
		if (json_is_integer(pk))
			assert_int_equal(jint(jl.v[k - 1], "no"), json_integer_value(pk));
		else
			assert_int_equal(jint(jl.v[k - 1], "id"), jint(jl.v[i], "call"));
	}
	free_lines(&jl);
	free(out);
	model_free(t);
}

static void test_json_udp_refused(void **state)
{
	struct trace *t = udp_model();
	char *out = render(t, JSON);
	struct jlines jl;
	json_t *o;

	parse_lines(out, &jl);
	assert_int_equal(jl.n, 12 + 5);
	o = find_obj(&jl, "call", "id", 8);
	assert_true(json_is_null(json_object_get(o, "t_exit")));
	assert_true(json_is_null(json_object_get(o, "ret")));
	o = find_obj(&jl, "call", "id", 10);
	assert_string_equal(jstr(o, "errno"), "ECONNREFUSED");
	assert_int_equal(jint(o, "ret"), -1);
	o = find_obj(&jl, "call", "id", 12);
	assert_string_equal(jstr(json_object_get(o, "args"), "addr"), "/tmp/s<1>&x\x01");
	o = find_obj(&jl, "packet", "no", 1);
	assert_string_equal(jstr(o, "proto"), "udp");
	assert_int_equal(json_array_size(json_object_get(o, "flags")), 0);
	assert_true(json_is_null(json_object_get(o, "seq")));
	assert_int_equal(jint(o, "len"), 12);
	o = find_obj(&jl, "packet", "no", 4);
	assert_string_equal(jstr(o, "proto"), "icmp");
	assert_string_equal(jstr(o, "src"), "127.0.0.1");
	assert_int_equal(jint(o, "sport"), 9);
	assert_int_equal(jint(o, "icmp_type"), 3);
	assert_int_equal(jint(o, "icmp_code"), 3);
	assert_string_equal(jstr(o, "caused_by"), "kernel");
	o = find_obj(&jl, "packet", "no", 5);
	assert_true(json_is_null(json_object_get(o, "why")));
	free_lines(&jl);
	free(out);
	model_free(t);

	t = refused_model();
	out = render(t, JSON);
	parse_lines(out, &jl);
	o = find_obj(&jl, "call", "id", 2);
	assert_string_equal(jstr(o, "errno"), "ECONNREFUSED");
	assert_int_equal(jint(o, "completed_by"), 2);
	o = find_obj(&jl, "packet", "no", 2);
	assert_true(json_is_null(json_object_get(o, "caused_by")));
	/* no relative numbers: seq and seq_raw agree */
	assert_int_equal(jint(o, "seq"), jint(o, "seq_raw"));
	assert_int_equal(jint(o, "ack"), (json_int_t)ISN_A + 1);
	o = find_obj(&jl, "state", "packet", 2);
	assert_string_equal(jstr(o, "to"), "CLOSED");
	assert_string_equal(jstr(o, "peer"), "127.0.0.1:9");
	free_lines(&jl);
	free(out);
	model_free(t);
}

/* ---- SVG ----------------------------------------------------------------- */

/* A small XML well-formedness check: balanced tags, quoted attributes, only
 * the predefined entities and character references, one root. */
static bool xml_ref_ok(const char **pp)
{
	static const char *const ents[] = { "amp;", "lt;", "gt;", "quot;", "apos;" };
	const char *p = *pp + 1;

	for (size_t i = 0; i < sizeof ents / sizeof ents[0]; i++)
		if (strncmp(p, ents[i], strlen(ents[i])) == 0) {
			*pp = p + strlen(ents[i]);
			return true;
		}
	if (*p == '#') {
		p++;
		if (*p == 'x')
			p++;
		if (!strchr("0123456789abcdefABCDEF", *p) || *p == '\0')
			return false;
		while (*p && strchr("0123456789abcdefABCDEF", *p))
			p++;
		if (*p != ';')
			return false;
		*pp = p + 1;
		return true;
	}
	return false;
}

static void assert_xml_well_formed(const char *s)
{
	const char *stack[64];
	size_t depth = 0, roots = 0;
	const char *p = s;

	if (strncmp(p, "<?xml", 5) == 0) {
		p = strstr(p, "?>");
		assert_non_null(p);
		p += 2;
	}
	while (*p) {
		if (*p == '&') {
			if (!xml_ref_ok(&p))
				fail_msg("bad reference at: %.40s", p);
			continue;
		}
		if (*p != '<') {
			if (depth == 0 && !strchr(" \t\r\n", *p))
				fail_msg("text outside the root at: %.40s", p);
			p++;
			continue;
		}
		if (p[1] == '/') {
			size_t n = strcspn(p + 2, ">");

			assert_true(depth > 0);
			depth--;
			if (strncmp(p + 2, stack[depth], n) != 0 || (stack[depth][n] != ' ' &&
								    stack[depth][n] != '>' &&
								    stack[depth][n] != '/' &&
								    stack[depth][n] != '\n'))
				fail_msg("</%.*s> closes <%.20s", (int)n, p + 2, stack[depth]);
			p += 2 + n + 1;
			continue;
		}
		const char *name = ++p;

		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
			fail_msg("bad tag at: %.40s", p - 1);
		while (*p && !strchr(" \t\n/>", *p))
			p++;
		for (;;) {
			while (*p == ' ' || *p == '\n' || *p == '\t')
				p++;
			if (*p == '/' && p[1] == '>') {
				p += 2;
				break;
			}
			if (*p == '>') {
				assert_true(depth < 64);
				stack[depth++] = name;
				p++;
				break;
			}
			/* attribute="value" */
			while (*p && !strchr("= \t\n/>", *p))
				p++;
			if (*p != '=' || (p[1] != '"' && p[1] != '\''))
				fail_msg("attribute without a quoted value at: %.40s", p);
			char q = p[1];

			p += 2;
			while (*p && *p != q) {
				if (*p == '<')
					fail_msg("< in an attribute at: %.40s", p);
				if (*p == '&') {
					if (!xml_ref_ok(&p))
						fail_msg("bad reference at: %.40s", p);
					continue;
				}
				p++;
			}
			assert_true(*p == q);
			p++;
		}
		if (depth == 1 && stack[0] == name)
			roots++;
	}
	assert_int_equal(depth, 0);
	assert_int_equal(roots, 1);
}

static void assert_svg_packets(const struct trace *t, const char *svg)
{
	for (size_t i = 0; i < t->npackets; i++) {
		char want[64];

		snprintf(want, sizeof want, "data-no=\"%u\"", t->packets[i].no);
		const char *hit = strstr(svg, want);

		if (!hit)
			fail_msg("no label for packet %u", t->packets[i].no);
		snprintf(want, sizeof want, ">[%u] ", t->packets[i].no);
		const char *end = strchr(hit, '>');

		assert_non_null(end);
		assert_true(strncmp(end, want, strlen(want)) == 0);
		/* the element carries class pkt */
		const char *open = hit;

		while (open > svg && *open != '<')
			open--;
		assert_true(strncmp(open, "<text class=\"pkt\" ", 18) == 0);
	}
}

static void test_svg_seed(void **state)
{
	struct trace *t = seed_model();
	char *out = render(t, SVG);

	assert_xml_well_formed(out);
	assert_svg_packets(t, out);
	assert_has(out, "viewBox=\"0 0 ");
	assert_has(out, "font-family=\"monospace\"");
	assert_has(out, "fill=\"#ffffff\"");
	assert_has(out, ">[2] S. 0:0(0) ack 1 win 65483</text>");
	assert_has(out, ">kernel: SYN-ACK</text>");
	assert_has(out, ">client: python3 client.py 6666 7777 (pid 200)</text>");
	assert_has(out, ">#8 connect = 0</text>");
	assert_has(out, ">completed by [2] SYN-ACK</text>");
	assert_has(out, ">SYN_SENT</text>");
	assert_has(out, "class=\"wait\" data-call=\"4\"");
	assert_null(strstr(out, "href"));      /* self-contained */
	assert_null(strstr(out, "url(http")); /* no external refs */
	free(out);
	model_free(t);
}

static void test_svg_udp_refused(void **state)
{
	struct trace *t = udp_model();
	char *out = render(t, SVG);

	assert_xml_well_formed(out);
	assert_svg_packets(t, out);
	assert_has(out, ">server: python3 udp&lt;echo&gt; &amp; co (pid 301)</text>");
	assert_has(out, "#12 connect(5, /tmp/s&lt;1&gt;&amp;x\\x01) = -1 ENOENT");
	assert_has(out, ">#8 recvfrom(3, 2048) ...</text>");
	assert_has(out, ">(never returned)</text>");
	assert_has(out, ">[4] ICMP port unreachable</text>");
	assert_null(strstr(out, "\x01"));
	free(out);
	model_free(t);

	t = refused_model();
	out = render(t, SVG);
	assert_xml_well_formed(out);
	assert_svg_packets(t, out);
	assert_has(out, ">untraced peer</text>");
	free(out);
	model_free(t);
}

/* An empty model prints a header and nothing else, in every format. */
/* The words of a ladder's rows (after the header's blank line and the
 * lane letters), with the SGR sequences taken out, in order. */
static char *body_words(const char *out)
{
	const char *body = strstr(out, "\n\n");
	char *w = calloc(strlen(out) + 1, 1);
	size_t o = 0;
	bool space = true;

	assert_non_null(body);
	body = strchr(body + 2, '\n');
	assert_non_null(body);
	for (const char *p = body; *p; p++) {
		if (*p == '\033') {
			while (*p && *p != 'm')
				p++;
			continue;
		}
		/* lifelines and wait marks are drawing, not words */
		bool blank = *p == ' ' || *p == '\n' || *p == '|' || *p == ':';
		if (blank) {
			if (!space)
				w[o++] = ' ';
			space = true;
		} else {
			w[o++] = *p;
			space = false;
		}
	}
	return w;
}

/* --width: every row fits, continuation lines carry the lifelines, and the
 * wrap loses no word; colour only adds SGR sequences, each closed on its
 * line. */
static void test_text_width_and_colour(void **state)
{
	struct trace *t = seed_model();
	struct render_opts wide = { 0 }, narrow = { .width = 60 }, colour = { .color = true };
	char *a = render_with(t, TEXT, &wide), *b = render_with(t, TEXT, &narrow);
	char *c = render_with(t, TEXT, &colour);
	char *wa = body_words(a), *wb = body_words(b), *wc = body_words(c);
	const char *body = strchr(strstr(b, "\n\n") + 2, '\n') + 1;
	size_t cont = 0;

	(void)state;
	assert_string_equal(wa, wb);
	assert_string_equal(wa, wc);
	for (const char *line = body; *line; line = strchr(line, '\n') + 1) {
		size_t n = strcspn(line, "\n");

		assert_true(tr_layout_width(line) - tr_layout_width(line + n) <= 60);
		if (line[0] == ' ' && line[1] == ' ' && line[6] == ' ') {
			/* no time: a continuation, under the lifelines of A and B */
			assert_true(line[8] == '|' || line[8] == ':');
			cont++;
		}
		if (!line[n])
			break;
	}
	assert_true(cont > 0);
	assert_non_null(strstr(c, "\033[34m1------>\033[0m"));
	assert_non_null(strstr(c, "\033[1mA SYN_SENT\033[0m"));
	free(wa);
	free(wb);
	free(wc);
	free(a);
	free(b);
	free(c);
	model_free(t);
}

/* -e trace=connect: other calls' rows go, every packet stays, and the
 * state changes of hidden rows move to the next shown row. */
static void test_callset(void **state)
{
	struct trace *t = seed_model();
	struct tr_callset cs;
	char err[256];
	size_t states = 0, packets = 0, calls = 0;

	(void)state;
	assert_int_equal(tr_callset_parse(&cs, "connect,%network,!setsockopt,!%desc,connect", err,
					  sizeof err), 0);
	assert_true(tr_callset_shows(&cs, "connect"));
	assert_false(tr_callset_shows(&cs, "listen"));
	assert_int_equal(tr_callset_parse(&cs, "!/^(send|recv)", err, sizeof err), 0);
	assert_false(tr_callset_shows(&cs, "sendto"));
	assert_true(tr_callset_shows(&cs, "close"));
	assert_int_equal(tr_callset_parse(&cs, "conect", err, sizeof err), -1);
	assert_string_equal(err, "unknown call 'conect' in -e trace (did you mean connect?)");
	assert_int_equal(tr_callset_parse(&cs, "", err, sizeof err), -1);

	assert_int_equal(tr_callset_parse(&cs, "connect", err, sizeof err), 0);
	size_t before = t->npackets, nstates = t->nstates;
	assert_int_equal(tr_callset_apply(&cs, t), 1);
	for (size_t i = 0; i < t->nrows; i++) {
		const struct tr_row *r = &t->rows[i];

		if (r->kind == TR_ROW_PACKET)
			packets++;
		else {
			assert_string_equal(t->calls[r->index].name, "connect");
			calls++;
		}
		if (r->state_count) {
			/* each row's states follow the previous row's */
			assert_int_equal(r->state_first, states);
			states += r->state_count;
		}
	}
	assert_int_equal(packets, before);
	assert_true(calls >= 1);
	assert_int_equal(states, nstates);
	model_free(t);
}

static void test_empty(void **state)
{
	struct trace t;
	char *out;

	memset(&t, 0, sizeof t);
	out = render(&t, TEXT);
	assert_has(out, "socklab trace: 0 processes, 0 calls, 0 packets\n");
	free(out);
	out = render(&t, JSON);
	assert_string_equal(out, "");
	free(out);
	out = render(&t, SVG);
	assert_xml_well_formed(out);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_describe_call),
		cmocka_unit_test(test_describe_packet),
		cmocka_unit_test(test_describe_cause),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_text_seed),
		cmocka_unit_test(test_text_udp),
		cmocka_unit_test(test_text_refused),
		cmocka_unit_test(test_text_utf8),
		cmocka_unit_test(test_json_seed),
		cmocka_unit_test(test_json_udp_refused),
		cmocka_unit_test(test_svg_seed),
		cmocka_unit_test(test_svg_udp_refused),
		cmocka_unit_test(test_text_width_and_colour),
		cmocka_unit_test(test_callset),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
